"""Views of the trajectory's moves and visits, shaped by the reader (CONTRACT §9.2, §10)."""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.model.history import TransitionRecord
from domain.model.trajectory import mask_reason
from domain.model.visit import Visit
from domain.policy import Actor, Role


@dataclass(frozen=True, slots=True)
class TransitionView:
    """An Overgang: for a volunteer the reason masked and no `toelichting`; the reason
    masked for every reader without `meldcode.behandelen`."""

    record: TransitionRecord
    reason: str | None
    explanation_visible: bool
    warnings: tuple[str, ...] = ()

    @classmethod
    def of(
        cls, record: TransitionRecord, actor: Actor, *, warnings: tuple[str, ...] = ()
    ) -> TransitionView:
        volunteer = actor.role is Role.VOLUNTEER
        unmasked = actor.unmasks_meldcode and not volunteer
        return cls(
            record=record,
            reason=mask_reason(record.fields.reason, unmasked=unmasked),
            explanation_visible=not volunteer,
            warnings=warnings,
        )


@dataclass(frozen=True, slots=True)
class VisitFilter:
    trajectory_id: str
    volunteer_id: str | None = None  # a volunteer sees only visits with her id
    include_replaced: bool = False

    def fingerprint(self) -> str:
        return f"{self.trajectory_id}|{self.volunteer_id}|{self.include_replaced}"


@dataclass(frozen=True, slots=True)
class VisitView:
    visit: Visit = field(repr=False)
    warnings: tuple[str, ...] = ()
