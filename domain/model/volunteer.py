"""The volunteer (Vrijwilliger) and her supervision records (Begeleiding), CONTRACT §11.

DOMAIN §3: status moves `aangemeld` → `in_training` → `actief` ⇄ `inactief`, `aangemeld` →
`actief` directly when the conditions hold, any → `gestopt`, which is final. R21: `actief`
needs a VOG date and 3 training sessions; `gestopt` is refused while she has a matched active
trajectory; every other move is 409 `ongeldige-status`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Final

from domain.errors import FieldProblem, InvalidState
from domain.events import DomainEvent

__all__ = [
    "CONDITION_RUNNING_TRAJECTORIES",
    "CONDITION_VOG_AND_TRAINING",
    "DURATION_MINUTES",
    "REQUIRED_TRAINING_SESSIONS",
    "SUPERVISION_INTERVAL_DAYS",
    "TRAINING_SESSIONS",
    "VOLUNTEER_TRANSITIONS",
    "Supervision",
    "SupervisionKind",
    "SupervisionTopic",
    "Volunteer",
    "VolunteerStatus",
    "supervision_problems",
]


class VolunteerStatus(StrEnum):
    """Published as `VrijwilligerStatus`: the values are the contract's, the names are ours."""

    REGISTERED = "aangemeld"
    IN_TRAINING = "in_training"
    ACTIVE = "actief"
    INACTIVE = "inactief"
    STOPPED = "gestopt"


V = VolunteerStatus

# Which moves exist (DOMAIN §3). Repeating the current status is no move at all: a PATCH that
# sends the status she already has changes nothing, so it is absent here and handled first.
VOLUNTEER_TRANSITIONS: Final[Mapping[VolunteerStatus, frozenset[VolunteerStatus]]] = {
    V.REGISTERED: frozenset({V.IN_TRAINING, V.ACTIVE, V.STOPPED}),
    V.IN_TRAINING: frozenset({V.ACTIVE, V.STOPPED}),
    V.ACTIVE: frozenset({V.INACTIVE, V.STOPPED}),
    V.INACTIVE: frozenset({V.ACTIVE, V.STOPPED}),
    V.STOPPED: frozenset(),
}

# `voorwaarde` of the 409 `ongeldige-status`: the first is the contract's (§11); the contract
# names no code for a stop refused by running trajectories, so we publish this one.
CONDITION_VOG_AND_TRAINING: Final = "vog-en-training-vereist"
CONDITION_RUNNING_TRAJECTORIES: Final = "lopende-trajecten"

REQUIRED_TRAINING_SESSIONS: Final = 3  # DOMAIN §1: "only with a VOG date and 3 training sessions"
SUPERVISION_INTERVAL_DAYS: Final = 42  # CONTRACT §11 `begeleidingAchterstallig`
TRAINING_SESSIONS: Final = range(1, 5)  # `trainingsbijeenkomst` 1-4
DURATION_MINUTES: Final = range(15, 481)  # `duurMinuten` 15-480


class SupervisionKind(StrEnum):
    """Published as `BegeleidingSoort`."""

    INDIVIDUAL = "individueel"  # the monthly talk
    GROUP = "groep"  # one record per attending volunteer
    TRAINING = "training"  # an induction session


class SupervisionTopic(StrEnum):
    """Published as `BegeleidingOnderwerp` (extensible)."""

    TRAJECTORY_PROGRESS = "voortgang_trajecten"
    PRAATPAPIER = "praatpapier"
    PICTURE_MATERIAL = "beeldmateriaal"
    ROLE_AND_LIMITS = "rol_en_grenzen"
    SIGNALLING_AND_MELDCODE = "signaleren_en_meldcode"
    OWN_WELLBEING = "eigen_welzijn"
    OTHER = "overig"


@dataclass(frozen=True, slots=True)
class Supervision:
    """One Begeleiding record; append-only, so frozen. `note` is hidden from the volunteer."""

    id: str
    volunteer_id: str
    kind: SupervisionKind
    on: date
    duration_minutes: int
    training_session: int | None
    topics: tuple[SupervisionTopic, ...]
    note: str | None = field(repr=False)
    recorded_by_id: str
    recorded_by_role: str
    recorded_at: datetime


@dataclass(slots=True)
class Volunteer:
    """A volunteer mother of one host organisation.

    `running_trajectories` (her matched active trajectories) and `completed_trajectories`
    (matched trajectories that reached `afgesloten`) are kept by the application.
    `version` and `updated_at` change once per write: `touch` for a PATCH, while
    `record_supervision` is a whole write by itself.
    """

    id: str
    organisation: str
    first_name: str = field(repr=False)
    surname: str = field(repr=False)
    phone: str = field(repr=False)  # E.164
    municipality: str  # GM code of her team, used for dashboards
    languages: tuple[str, ...] = field(repr=False)  # lowercase ISO 639 codes, as given
    created_at: datetime
    updated_at: datetime
    email: str | None = field(default=None, repr=False)
    wijkcodes: tuple[str, ...] = ()
    capacity: int = 2
    status: VolunteerStatus = V.REGISTERED
    vog_date: date | None = field(default=None, repr=False)
    version: int = 1
    running_trajectories: int = 0
    completed_trajectories: int = 0
    training_sessions: int = 0
    last_individual_supervision: date | None = None
    start_date: date | None = None
    stopped_on: date | None = None
    pending_events: list[DomainEvent] = field(default_factory=list, repr=False)

    @property
    def has_free_capacity(self) -> bool:
        """Actief with fewer running trajectories than her capacity; others take no mother."""
        return self.status is V.ACTIVE and self.running_trajectories < self.capacity

    @property
    def is_available(self) -> bool:
        """May be matched (R7): `actief` with free capacity."""
        return self.has_free_capacity

    @property
    def meets_activation_conditions(self) -> bool:
        return self.vog_date is not None and self.training_sessions >= REQUIRED_TRAINING_SESSIONS

    def change_status(self, target: VolunteerStatus, *, today: date) -> bool:
        """Moves her to `target` if the table and R21 allow; False when she is already there.

        Raises `InvalidState` (409 `ongeldige-status`) for a move outside the table
        (`condition` None), for `actief` without a VOG date or with fewer than 3 training
        sessions (`vog-en-training-vereist`), and for `gestopt` while she has a matched active
        trajectory (`lopende-trajecten`). Sets `start_date` the first time she becomes
        `actief` and `stopped_on` when she stops. `version` and `updated_at` are left to
        `touch`, so a PATCH changing several fields counts as one write.
        """
        current = self.status
        if target is current:
            return False
        if target not in VOLUNTEER_TRANSITIONS[current]:
            raise InvalidState(f"Een vrijwilliger in status {current} kan niet naar {target}.")
        if target is V.ACTIVE and not self.meets_activation_conditions:
            raise InvalidState(
                "Actief vereist een VOG-datum en minstens 3 trainingsbijeenkomsten.",
                condition=CONDITION_VOG_AND_TRAINING,
            )
        if target is V.STOPPED and self.running_trajectories > 0:
            raise InvalidState(
                "Een vrijwilliger met een lopend traject kan niet stoppen.",
                condition=CONDITION_RUNNING_TRAJECTORIES,
            )
        self.status = target
        if target is V.ACTIVE and self.start_date is None:
            self.start_date = today
        if target is V.STOPPED:
            self.stopped_on = today
        return True

    def touch(self, *, at: datetime) -> None:
        """Marks one write: the next `version` (the ETag) and `updated_at`."""
        self.version += 1
        self.updated_at = at

    def supervision_overdue(self, today: date) -> bool:
        """`begeleidingAchterstallig`: a running trajectory and no individual supervision in
        the last 42 days.

        "The last 42 days" includes the day 42 days ago: a talk on `today - 42 days` is not
        overdue, one on `today - 43 days` is. No talk at all is overdue once she has a
        running trajectory.
        """
        if self.running_trajectories <= 0:
            return False
        last = self.last_individual_supervision
        return last is None or (today - last).days > SUPERVISION_INTERVAL_DAYS

    def record_supervision(self, supervision: Supervision, *, new_training_session: bool) -> None:
        """Applies an appended Begeleiding record: one write (`version`, `updated_at`).

        An `individueel` talk moves `last_individual_supervision` forward (a talk recorded
        late never moves it back). A `training` record counts towards `training_sessions`
        only when the caller, who knows her earlier records, says its session number is new:
        attending session 2 twice is still one session. `new_training_session` is ignored
        for other kinds.
        """
        if supervision.volunteer_id != self.id:
            raise ValueError("de begeleiding hoort bij een andere vrijwilliger")
        if supervision.kind is SupervisionKind.INDIVIDUAL:
            last = self.last_individual_supervision
            self.last_individual_supervision = (
                supervision.on if last is None else max(last, supervision.on)
            )
        elif supervision.kind is SupervisionKind.TRAINING and new_training_session:
            self.training_sessions += 1
        self.touch(at=supervision.recorded_at)


def supervision_problems(
    kind: SupervisionKind,
    *,
    on: date,
    duration_minutes: int,
    training_session: int | None,
    today: date,
) -> list[FieldProblem]:
    """The rules of a new Begeleiding record that a JSON Schema does not express, in order.

    `trainingsbijeenkomst` is required for `training` (`verplicht`) and refused for the other
    kinds (`ongeldige-waarde`: it would count nothing); `datum` is a past fact, so not after
    `today` (`ongeldige-waarde`, CONTRACT §1). The ranges of `duurMinuten` and
    `trainingsbijeenkomst` are checked here too, so a door without them still agrees.
    """
    problems: list[FieldProblem] = []
    if kind is SupervisionKind.TRAINING and training_session is None:
        problems.append(
            FieldProblem(
                "trainingsbijeenkomst", "verplicht", "Een training heeft een bijeenkomstnummer."
            )
        )
    elif kind is not SupervisionKind.TRAINING and training_session is not None:
        problems.append(
            FieldProblem(
                "trainingsbijeenkomst",
                "ongeldige-waarde",
                "Een bijeenkomstnummer hoort alleen bij soort training.",
            )
        )
    elif training_session is not None and training_session not in TRAINING_SESSIONS:
        problems.append(
            FieldProblem(
                "trainingsbijeenkomst", "ongeldige-waarde", "Een bijeenkomstnummer is 1 tot 4."
            )
        )
    if on > today:
        problems.append(
            FieldProblem("datum", "ongeldige-waarde", "De datum ligt niet in de toekomst.")
        )
    if duration_minutes not in DURATION_MINUTES:
        problems.append(
            FieldProblem("duurMinuten", "ongeldige-waarde", "De duur is 15 tot 480 minuten.")
        )
    return problems
