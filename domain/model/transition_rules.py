"""Transition commands and the fields each (from, to) pair takes (CONTRACT §9.4 "Fields"),
and which moves an actor can make from a state."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from enum import StrEnum
from typing import Final, Protocol

from domain.errors import FieldProblem, InvalidTransition
from domain.model.reasons import (
    ExtensionReason,
    MatchCriterion,
    Outcome,
    PauseReason,
    RejectionReason,
    StopReason,
)
from domain.model.referral import RegistrationReason
from domain.model.trajectory import PHASES, TRANSITIONS, Trajectory, TrajectoryState

S = TrajectoryState


class ActorKind(StrEnum):
    USER = "gebruiker"
    SYSTEM = "systeem"


class ChangeKind(StrEnum):
    """Published as Overgang `soort`."""

    TRANSITION = "overgang"
    EXTENSION = "verlenging"
    RESUMPTION = "hervatting"
    SYSTEM = "systeem"


class MatchableVolunteer(Protocol):
    """What the matching guard needs of a volunteer (domain.model.volunteer.Volunteer)."""

    @property
    def id(self) -> str: ...

    @property
    def organisation(self) -> str: ...

    @property
    def is_available(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class TransitionTrajectory:
    """Command: `POST /v1/trajecten/{id}/overgangen`; the metadata names the published field."""

    trajectory_id: str
    target: TrajectoryState
    intake_date: date | None = field(default=None, metadata={"name": "intakeDatum"})
    reason: str | None = field(default=None, metadata={"name": "reden"})
    explanation: str | None = field(default=None, repr=False, metadata={"name": "toelichting"})
    contra_indications_checked: bool | None = field(
        default=None, metadata={"name": "contraIndicatiesGecontroleerd"}
    )
    indications: tuple[str, ...] | None = field(default=None, metadata={"name": "indicaties"})
    volunteer_id: str | None = field(default=None, metadata={"name": "vrijwilligerId"})
    match_criteria: tuple[str, ...] | None = field(default=None, metadata={"name": "matchcriteria"})
    planned_end_date: date | None = field(default=None, metadata={"name": "geplandeEinddatum"})
    start_date: date | None = field(default=None, metadata={"name": "startdatum"})
    review_date: date | None = field(default=None, metadata={"name": "heroverwegingOp"})
    outcome: str | None = field(default=None, metadata={"name": "uitkomst"})
    closed_date: date | None = field(default=None, metadata={"name": "afsluitdatum"})
    expected_version: int | None = None  # If-Match

    def given(self) -> list[str]:
        """The published names of the fields sent, in the contract's order."""
        return [
            f.metadata["name"]
            for f in fields(self)
            if "name" in f.metadata and getattr(self, f.name) is not None
        ]


@dataclass(frozen=True, slots=True)
class TransitionContext:
    """What a guard may look at besides the trajectory and the command."""

    today: date
    kind: ActorKind
    unmasks_meldcode: bool
    volunteer: MatchableVolunteer | None = None  # the one named by `vrijwilligerId`
    open_meldcode_case: bool = False
    # the Meldcode step `mim_voortzetting`, the only way in and out of a `meldcode` pause
    meldcode_decision: bool = False


@dataclass(frozen=True, slots=True)
class StateChange:
    """One Overgang: the move, the fields it took (submitted and defaulted), and its effects
    on volunteers' running trajectories, which the use case applies to their records."""

    from_state: TrajectoryState
    to_state: TrajectoryState
    kind: ChangeKind
    cmd: TransitionTrajectory
    warnings: tuple[str, ...] = ()
    matched_volunteer: str | None = None
    released_volunteer: str | None = None
    completed_volunteer: str | None = None
    feedback_changed: bool = False


@dataclass(frozen=True, slots=True)
class PairRule:
    allowed: tuple[str, ...]
    required: tuple[str, ...] = ()
    reasons: type[StrEnum] | None = None


_PAUSE = PairRule(("reden", "heroverwegingOp"), ("reden", "heroverwegingOp"), PauseReason)
_STOP = PairRule(("reden", "toelichting"), ("reden",), StopReason)
_RESUME = PairRule(("vrijwilligerId", "toelichting"))
_SYSTEM_CLOSING = PairRule(("toelichting",))


def _rule(source: TrajectoryState, target: TrajectoryState) -> PairRule:
    """The fields of a pair (CONTRACT §9.4, "Fields")."""
    if target is S.STOPPED:
        return _STOP
    if target is S.PAUSED:
        return _PAUSE
    if source is S.PAUSED:
        return _RESUME if target is not S.CLOSING else _SYSTEM_CLOSING
    return _RULES.get((source, target), _SYSTEM_CLOSING)


_RULES: Final[Mapping[tuple[TrajectoryState, TrajectoryState], PairRule]] = {
    (S.REGISTERED, S.INTAKE): PairRule(("intakeDatum",), ("intakeDatum",)),
    (S.REGISTERED, S.REJECTED): PairRule(("reden", "toelichting"), ("reden",), RejectionReason),
    (S.INTAKE, S.REJECTED): PairRule(("reden", "toelichting"), ("reden",), RejectionReason),
    (S.INTAKE, S.AWAITING_MATCH): PairRule(
        ("contraIndicatiesGecontroleerd", "indicaties"), ("contraIndicatiesGecontroleerd",)
    ),
    (S.AWAITING_MATCH, S.INTRODUCTION): PairRule(
        ("vrijwilligerId", "matchcriteria", "geplandeEinddatum", "startdatum"),
        ("vrijwilligerId",),
    ),
    (S.INTRODUCTION, S.EXECUTION): PairRule(()),
    (S.EXECUTION, S.EXECUTION): PairRule(
        ("geplandeEinddatum", "reden"), ("geplandeEinddatum", "reden"), ExtensionReason
    ),
    (S.EXECUTION, S.CLOSING): PairRule(("toelichting",)),
    (S.CLOSING, S.CLOSED): PairRule(("uitkomst", "afsluitdatum"), ("uitkomst",)),
}

# Display order of `toegestaneOvergangen` (CONTRACT §20.3 lists uitvoering, onderbroken, gestopt).
_ORDER: Final = (
    S.REGISTERED,
    S.INTAKE,
    S.AWAITING_MATCH,
    S.INTRODUCTION,
    S.EXECUTION,
    S.CLOSING,
    S.CLOSED,
    S.PAUSED,
    S.REJECTED,
    S.STOPPED,
)


def _system_only(trajectory: Trajectory, target: TrajectoryState) -> bool:
    """The 24-month moves to afsluiting (CONTRACT §9.4 last row): not a user's to make."""
    if target is not S.CLOSING:
        return False
    if trajectory.state is S.INTRODUCTION:
        return True
    return trajectory.state is S.PAUSED and trajectory.phase is not S.CLOSING


def allowed_targets(trajectory: Trajectory, kind: ActorKind) -> list[TrajectoryState]:
    """`toegestaneOvergangen`: the table's moves from here that this kind of actor can make."""
    found = []
    for target in _ORDER:
        if target not in TRANSITIONS[trajectory.state]:
            continue
        if kind is ActorKind.USER and _system_only(trajectory, target):
            continue
        # a pause returns only to the phase it left (the system's 24-month move aside)
        other_phase = trajectory.state is S.PAUSED and target in PHASES - {trajectory.phase}
        if other_phase and (target is not S.CLOSING or kind is ActorKind.USER):
            continue
        found.append(target)
    return found


def refuse(
    trajectory: Trajectory, target: TrajectoryState, ctx: TransitionContext, **extra: str
) -> InvalidTransition:
    return InvalidTransition(
        current=trajectory.state.value,
        target=target.value,
        allowed=[s.value for s in allowed_targets(trajectory, ctx.kind)],
        **extra,
    )


def check_pair(trajectory: Trajectory, target: TrajectoryState, ctx: TransitionContext) -> None:
    """409 `ongeldige-overgang` for a pair the table lacks, a resume into another phase, or a
    system-only move by a user (R11, R14); `voortzetten` of a `meldcode` pause after the
    24-month date goes straight into afsluiting (R15)."""
    continued_late = (
        ctx.meldcode_decision
        and trajectory.state is S.PAUSED
        and trajectory.reason == PauseReason.MELDCODE
        and target is S.CLOSING
    )
    if not continued_late and target not in allowed_targets(trajectory, ctx.kind):
        raise refuse(trajectory, target, ctx)


def field_problems(trajectory: Trajectory, cmd: TransitionTrajectory) -> list[FieldProblem]:
    """Fields the pair does not take (`onbekend-veld`), lacks (`verplicht`), or a reason code
    outside the pair's own list (R5)."""
    rule = _rule(trajectory.state, cmd.target)
    given = cmd.given()
    problems = [
        FieldProblem(name, "onbekend-veld", "Dit veld hoort niet bij deze overgang.")
        for name in given
        if name not in rule.allowed
    ]
    problems += [
        FieldProblem(name, "verplicht", "Dit veld is verplicht voor deze overgang.")
        for name in rule.required
        if name not in given
    ]
    codes = rule.reasons._value2member_map_ if rule.reasons is not None else {}
    if cmd.reason is not None and cmd.reason not in codes and "reden" in rule.allowed:
        problems.append(
            FieldProblem("reden", "ongeldige-waarde", "Deze reden hoort niet bij de overgang.")
        )
    if cmd.outcome is not None and cmd.outcome not in Outcome._value2member_map_:
        problems.append(FieldProblem("uitkomst", "ongeldige-waarde", "Onbekende uitkomst."))
    problems += _code_list_problems(cmd)
    return problems


def _code_list_problems(cmd: TransitionTrajectory) -> list[FieldProblem]:
    problems = []
    for name, values, codes in (
        ("indicaties", cmd.indications, RegistrationReason),
        ("matchcriteria", cmd.match_criteria, MatchCriterion),
    ):
        for index, value in enumerate(values or ()):
            if value not in codes._value2member_map_:
                problems.append(FieldProblem(f"{name}[{index}]", "ongeldige-waarde", "Onbekend."))
    return problems
