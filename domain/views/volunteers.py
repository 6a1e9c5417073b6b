"""Views of volunteers, their supervision and matching suggestions (CONTRACT §11)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from domain.model.matching import MatchSuggestion
from domain.model.volunteer import Supervision, Volunteer, VolunteerStatus
from domain.policy import Actor, Role


@dataclass(frozen=True, slots=True)
class VolunteerFilter:
    """What a volunteer list may select; the organisation is the token's."""

    organisation: str
    statuses: frozenset[VolunteerStatus] = frozenset()
    municipality: str | None = None
    municipalities: frozenset[str] | None = None
    language: str | None = None
    overdue: bool | None = None  # begeleidingAchterstallig
    today: date | None = None  # the day `overdue` is judged on

    def fingerprint(self) -> str:
        statuses = ",".join(sorted(self.statuses))
        scope = ",".join(sorted(self.municipalities or ()))
        return (
            f"{self.organisation}|{statuses}|{self.municipality}|{scope}|{self.language}"
            f"|{self.overdue}"
        )


@dataclass(frozen=True, slots=True)
class VolunteerView:
    volunteer: Volunteer = field(repr=False)
    supervision_overdue: bool

    @classmethod
    def of(cls, volunteer: Volunteer, *, today: date) -> VolunteerView:
        return cls(volunteer, volunteer.supervision_overdue(today))


@dataclass(frozen=True, slots=True)
class SupervisionView:
    """The note is hidden from the volunteer herself (CONTRACT §11)."""

    supervision: Supervision = field(repr=False)
    note_visible: bool

    @classmethod
    def of(cls, supervision: Supervision, actor: Actor) -> SupervisionView:
        return cls(supervision, note_visible=actor.role is not Role.VOLUNTEER)


@dataclass(frozen=True, slots=True)
class MatchView:
    trajectory_id: str
    suggestions: tuple[MatchSuggestion, ...]
    generated_at: datetime
