"""The visit record (Huisbezoek, CONTRACT §10, DOMAIN §3): append-only, corrected by a new
record; only counted visits feed guards, warnings and `aantalHuisbezoeken`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Final

from domain.errors import FieldProblem
from domain.model.trajectory import Trajectory, TrajectoryState, VisitCounts


class VisitKind(StrEnum):
    """Published as `BezoekSoort`: only `huisbezoek` counts."""

    HOME_VISIT = "huisbezoek"
    GROUP_MEETING = "ontmoetingsgroep"


class Location(StrEnum):
    """Published as `Locatie` (⊕)."""

    HOME = "thuis"
    LIBRARY = "bibliotheek"
    PLAYGROUND = "speeltuin"
    MAMA_CAFE = "mama_cafe"
    COMMUNITY_CENTRE = "buurthuis"
    TOY_LIBRARY = "speelotheek"
    ONLINE = "online"
    OTHER = "overig"


class PraatpapierTopic(StrEnum):
    """Published as `PraatpapierOnderwerp` (⊕)."""

    CHILD_EATING = "kind_eten"
    CHILD_SLEEPING = "kind_slapen"
    CHILD_HEALTH = "kind_gezondheid"
    CONFIDENCE_AS_PARENT = "vertrouwen_als_opvoeder"
    NETWORK_SUPPORT = "steun_uit_netwerk"
    CONSULTATIEBUREAU = "ervaringen_consultatiebureau"
    CHILD_DEVELOPMENT = "ontwikkeling_kind"
    SAFETY_AND_WORRIES = "veiligheid_zorgen_vooruitdenken"
    LOCAL_FACILITIES = "voorzieningen_in_de_wijk"


class PictureTheme(StrEnum):
    """Published as `BeeldmateriaalThema` (⊕): "Opgroeien en opvoeden in beeld"."""

    DEVELOPMENT = "ontwikkeling"
    PARENTING_SITUATIONS = "opvoedsituaties"
    PARENT_CHILD_INTERACTION = "ouder_kindinteractie"
    PARENTHOOD = "ouderschap"
    CHILDCARE_CENTRE = "kindercentrum"


NORM_MINUTES: Final = range(60, 91)  # 60-90 minutes [M]
MONTHLY_DAYS: Final = 31  # "more than 31 days since the previous visit"
CORRECTION_DAYS_AFTER_END: Final = 30
VISIT_PHASES: Final = frozenset(
    {TrajectoryState.INTRODUCTION, TrajectoryState.EXECUTION, TrajectoryState.CLOSING}
)


@dataclass(frozen=True, slots=True)
class VisitDetails:
    """What the volunteer records: codes, dates and a short factual note."""

    kind: VisitKind
    on: date
    duration_minutes: int
    location: str
    topics: tuple[str, ...]
    picture_themes: tuple[str, ...] = ()
    note: str | None = field(default=None, repr=False)
    next_visit_on: date | None = None


@dataclass(frozen=True, slots=True)
class RecordVisit:
    """Command: `POST /v1/trajecten/{id}/huisbezoeken`."""

    trajectory_id: str
    details: VisitDetails
    volunteer_id: str | None = None  # a coordinator may name one


@dataclass(frozen=True, slots=True)
class CorrectVisit:
    """Command: `…/correcties`: a complete visit and a reason, or a reason and `vervalt`."""

    trajectory_id: str
    visit_id: str
    reason: str = field(repr=False)
    details: VisitDetails | None = None
    void: bool = False


@dataclass(slots=True)
class Visit:
    id: str
    trajectory_id: str
    organisation: str
    volunteer_id: str
    phase: TrajectoryState
    details: VisitDetails
    recorded_by_id: str
    recorded_by_role: str
    recorded_at: datetime
    corrects: str | None = None
    replaced_by: str | None = None
    correction_reason: str | None = field(default=None, repr=False)
    void: bool = False

    @property
    def counted(self) -> bool:
        """The newest record of its chain, of soort huisbezoek, not void (CONTRACT §10)."""
        return self.details.kind is VisitKind.HOME_VISIT and not self.void and not self.replaced_by


def date_problems(
    details: VisitDetails, *, trajectory: Trajectory, today: date
) -> list[FieldProblem]:
    """R19: a visit is a past fact, on or after the trajectory's start."""
    if details.on > today:
        return [
            FieldProblem("datum", "ongeldige-waarde", "Een bezoekdatum ligt niet in de toekomst.")
        ]
    if trajectory.start_date is not None and details.on < trajectory.start_date:
        return [
            FieldProblem("datum", "ongeldige-waarde", "Een bezoek ligt niet voor de startdatum.")
        ]
    return []


def warnings_for(details: VisitDetails, *, previous_on: date | None) -> tuple[str, ...]:
    """Warnings never block: outside 60-90 minutes, more than 31 days since the last visit."""
    found = []
    if details.duration_minutes not in NORM_MINUTES:
        found.append("duur-buiten-norm")
    if previous_on is not None and (details.on - previous_on).days > MONTHLY_DAYS:
        found.append("langer-dan-maand-geleden")
    return tuple(found)


def correctable(trajectory: Trajectory, *, today: date) -> bool:
    """Corrections while the trajectory is active and up to 30 days after it ended (R20)."""
    if trajectory.active:
        return True
    ended = trajectory.closed_date
    return ended is not None and today - ended <= timedelta(days=CORRECTION_DAYS_AFTER_END)


def recount(trajectory: Trajectory, *, phase: TrajectoryState, delta: int, at: datetime) -> None:
    """A counted visit more or less: `aantalHuisbezoeken` changes, so `versie` does (§5.1)."""
    counts = trajectory.visit_counts
    trajectory.visit_counts = VisitCounts(
        introduction=counts.introduction + (delta if phase is TrajectoryState.INTRODUCTION else 0),
        execution=counts.execution + (delta if phase is TrajectoryState.EXECUTION else 0),
        closing=counts.closing + (delta if phase is TrajectoryState.CLOSING else 0),
    )
    trajectory.version += 1
    trajectory.updated_at = at
