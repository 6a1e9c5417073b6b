"""The Meldcode case (MeldcodeCasus, CONTRACT §12, DOMAIN §4): its own append-only aggregate
with its own state table. Signals and steps are records that are never changed; the case
keeps the facts its rules look back on (the afwegingen, the decision, reports and help)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Final

from domain.errors import FieldProblem
from domain.events import DomainEvent
from domain.policy import Role


class CaseStatus(StrEnum):
    """Published as `MeldcodeStatus`."""

    SIGNAL_RECEIVED = "signaal_ontvangen"
    SIGNALS_MAPPED = "signalen_in_kaart"
    CONSULTED = "geconsulteerd"
    CONVERSATION_HELD = "gesprek_gevoerd"
    WEIGHED = "gewogen"
    DECIDED = "besloten"
    CLOSED = "afgesloten"


class StepKind(StrEnum):
    """Published as `MeldcodeStapSoort`."""

    SIGNALS_MAPPED = "signalen_in_kaart"
    CONSULTATION = "consultatie"
    CONVERSATION = "gesprek"
    CONVERSATION_SKIPPED = "gesprek_overgeslagen"
    WEIGHING = "weging"
    DECISION = "besluit"
    REPORT = "melding"
    HELP = "hulp"
    VT_FEEDBACK = "vt_terugkoppeling"
    HELP_EVALUATION = "hulp_evaluatie"
    ACUTE_REPORT = "acute_melding"
    CONTINUATION = "mim_voortzetting"
    CLOSURE = "afsluiting"
    ADDENDUM = "addendum"


class SignalStatus(StrEnum):
    """Published as `SignaalStatus`: all the author of a signal ever learns (R23)."""

    RECEIVED = "ontvangen"
    IN_PROGRESS = "in_behandeling"
    DONE = "afgerond"


class ClosingReason(StrEnum):
    """Published as `CasusAfsluitreden`."""

    NO_SUSPICION = "geen_vermoeden"
    HANDED_TO_VT = "overgedragen_aan_vt"
    HELP_COMPLETED = "hulp_afgerond"


class ContinuationDecision(StrEnum):
    """Published as `VoortzettingBesluit`."""

    CONTINUE = "voortzetten"
    INTERRUPT = "onderbreken"
    END = "beeindigen"


C = CaseStatus
K = StepKind
OPEN: Final = frozenset(C) - {C.CLOSED}
ANY: Final = frozenset(C)
HANDLERS: Final = frozenset({Role.COORDINATOR, Role.ACCOUNTABLE_OFFICER})
ADVISERS: Final = HANDLERS | {Role.SAFEGUARDING_ADVISER}
VT_CONSULTATIONS: Final = frozenset({"veilig_thuis", "veilig_thuis_anoniem"})
RETENTION_YEARS: Final = 5  # after closure, unless the host's policy says otherwise (§16)
ACUTE_INSTRUCTION: Final = (
    "Bel nu 112 bij direct gevaar, of Veilig Thuis op 0800-2000 (dag en nacht bereikbaar)."
)
ACUTE_NUMBERS: Final = ("112", "0800-2000")


@dataclass(frozen=True, slots=True)
class StepRule:
    """Where a step may be recorded, where it leads (None: the status stays), and by whom."""

    moves: Mapping[CaseStatus, CaseStatus | None]
    roles: frozenset[Role]
    decides: bool = False  # also needs `meldcode.beslissen`


def _stays(states: frozenset[CaseStatus]) -> dict[CaseStatus, CaseStatus | None]:
    return dict.fromkeys(states)


# The state table (CONTRACT §12.3): a step not listed for the current status is 409.
STEPS: Final[Mapping[StepKind, StepRule]] = {
    K.SIGNALS_MAPPED: StepRule({C.SIGNAL_RECEIVED: C.SIGNALS_MAPPED}, HANDLERS),
    K.CONSULTATION: StepRule(
        {C.SIGNALS_MAPPED: C.CONSULTED}
        | _stays(frozenset({C.CONSULTED, C.CONVERSATION_HELD, C.WEIGHED, C.DECIDED})),
        ADVISERS,
    ),
    K.CONVERSATION: StepRule({C.CONSULTED: C.CONVERSATION_HELD}, HANDLERS),
    K.CONVERSATION_SKIPPED: StepRule({C.CONSULTED: C.CONVERSATION_HELD}, HANDLERS),
    K.WEIGHING: StepRule({C.CONVERSATION_HELD: C.WEIGHED}, HANDLERS),
    K.DECISION: StepRule(
        {C.WEIGHED: C.DECIDED}, frozenset({Role.ACCOUNTABLE_OFFICER}), decides=True
    ),
    K.REPORT: StepRule(_stays(frozenset({C.DECIDED})), HANDLERS),
    K.HELP: StepRule(_stays(frozenset({C.DECIDED})), HANDLERS),
    K.VT_FEEDBACK: StepRule(_stays(frozenset({C.DECIDED})), HANDLERS),
    K.HELP_EVALUATION: StepRule(_stays(frozenset({C.DECIDED})), HANDLERS),
    K.ACUTE_REPORT: StepRule(_stays(OPEN), ADVISERS),
    K.CONTINUATION: StepRule(_stays(ANY), HANDLERS),
    K.CLOSURE: StepRule({C.WEIGHED: C.CLOSED, C.DECIDED: C.CLOSED}, HANDLERS),
    K.ADDENDUM: StepRule(_stays(ANY), ADVISERS),
}


def allowed_steps(status: CaseStatus) -> list[StepKind]:
    """`toegestaneOvergangen` of a refused step: the steps the table allows from here."""
    return [kind for kind, rule in STEPS.items() if status in rule.moves]


@dataclass(frozen=True, slots=True)
class RecordedBy:
    actor_id: str
    role: str


@dataclass(frozen=True, slots=True)
class Signal:
    """A concern raised (Signaal, §12.1): the observation is kept verbatim, never edited."""

    id: str
    case_id: str
    trajectory_id: str
    organisation: str
    observed_on: date
    observation: str = field(repr=False)
    source: str
    third_party_role: str | None = field(repr=False)
    concerns: str
    acute_danger: bool
    reported_by: RecordedBy
    reported_at: datetime


@dataclass(frozen=True, slots=True)
class Step:
    """One MeldcodeStap: `fields` by their published names, exactly as recorded."""

    id: str
    case_id: str
    organisation: str
    sequence: int
    kind: StepKind
    status_before: CaseStatus
    status_after: CaseStatus
    fields: Mapping[str, Any] = field(repr=False)
    recorded_by: RecordedBy
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class Decision:
    """The two decisions of step 5, in this order: is reporting necessary, is help possible."""

    report_necessary: bool
    help_possible: bool
    taken_by: str
    on: date


@dataclass(slots=True)
class CaseFacts:
    """What later steps' rules look back on; kept with the case, derived from its steps."""

    suspicion: bool | None = None  # afweging1
    unsafety: bool | None = None  # afweging2
    vt_steps: tuple[str, ...] = ()  # Veilig Thuis consultations and acute meldingen
    vt_consulted: bool = False
    decision: Decision | None = None
    acute_reported: bool = False
    report_made: bool = False  # a melding, or an acute_melding with kanaal veilig_thuis
    report_required: bool = False  # a hulp_evaluatie with afweging5 false
    help_given: bool = False
    safety_restored: bool | None = None  # the newest afweging5


@dataclass(slots=True)
class MeldcodeCase:
    id: str
    trajectory_id: str
    organisation: str
    municipality: str
    status: CaseStatus
    opened_at: datetime
    updated_at: datetime
    version: int = 1
    step_count: int = 0
    signal_count: int = 0
    facts: CaseFacts = field(default_factory=CaseFacts)
    closing_reason: ClosingReason | None = None
    closed_at: datetime | None = None
    retention_until: date | None = None
    pending_events: list[DomainEvent] = field(default_factory=list, repr=False, compare=False)

    @property
    def open(self) -> bool:
        return self.status is not C.CLOSED

    def signal_status(self) -> SignalStatus:
        if self.status is C.SIGNAL_RECEIVED:
            return SignalStatus.RECEIVED
        return SignalStatus.DONE if self.status is C.CLOSED else SignalStatus.IN_PROGRESS

    def touch(self, *, at: datetime) -> None:
        """A new signal or step changes the case's representation: `versie` + 1 (§5.1)."""
        self.version += 1
        self.updated_at = at


def retention_end(closed_on: date) -> date:
    """Five years after closure; 29 February falls back to the 28th."""
    try:
        return closed_on.replace(year=closed_on.year + RETENTION_YEARS)
    except ValueError:
        return closed_on.replace(year=closed_on.year + RETENTION_YEARS, day=28)


@dataclass(frozen=True, slots=True)
class RaiseSignal:
    """Command: `POST /v1/trajecten/{id}/signalen` (CONTRACT §12.1)."""

    trajectory_id: str
    observed_on: date
    observation: str = field(repr=False)
    source: str
    concerns: str
    acute_danger: bool
    third_party_role: str | None = field(default=None, repr=False)


def signal_problems(cmd: RaiseSignal, *, today: date) -> list[FieldProblem]:
    """A third party is named by role, and only then; nothing is observed in the future."""
    problems = []
    if cmd.source == "derde" and not cmd.third_party_role:
        problems.append(FieldProblem("derdeRol", "verplicht", "De rol van de derde (geen naam)."))
    if cmd.source != "derde" and cmd.third_party_role is not None:
        problems.append(FieldProblem("derdeRol", "ongeldige-waarde", "Alleen bij bron derde."))
    if cmd.observed_on > today:
        problems.append(FieldProblem("waargenomenOp", "ongeldige-waarde", "Ligt in de toekomst."))
    return problems
