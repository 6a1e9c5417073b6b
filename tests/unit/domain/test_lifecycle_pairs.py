"""Every (from, to) pair of the trajectory machine (CONTRACT §9.4, DOMAIN §2): legal moves
succeed with their effects and one event; every other move is refused and changes nothing."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Final

import pytest

from domain.errors import InvalidTransition
from domain.events import TrajectoryStateChanged
from domain.model.lifecycle import transition
from domain.model.trajectory import PHASES, TRANSITIONS, Trajectory, TrajectoryState, VisitCounts
from domain.model.transition_rules import ActorKind, TransitionContext, TransitionTrajectory
from tests.fakes import T0, a_trajectory

S = TrajectoryState
TODAY: Final = date(2026, 11, 24)
BORN: Final = date(2026, 9, 24)
VOLUNTEER: Final = "00000000-0000-4000-8000-00000000f001"
TRAJECTORY_ID: Final = "00000000-0000-4000-8000-000000000001"


@dataclass(frozen=True)
class AvailableVolunteer:
    id: str = VOLUNTEER
    organisation: str = "mim-demo"
    is_available: bool = True


def _trajectory(state: TrajectoryState, *, phase: TrajectoryState | None = None) -> Trajectory:
    trajectory = a_trajectory(trajectory_id=TRAJECTORY_ID, state=state, birth_date=BORN)
    trajectory.intake_date = date(2026, 11, 1)
    if state in PHASES or state is S.PAUSED:
        trajectory.volunteer_id = "00000000-0000-4000-8000-00000000f000"
        trajectory.start_date = date(2026, 11, 10)
        trajectory.planned_end_date = date(2028, 3, 24)
        trajectory.visit_counts = VisitCounts(introduction=1)
    if state is S.PAUSED:
        trajectory.phase = phase or S.INTRODUCTION
        trajectory.reason, trajectory.review_date = "ziekte", date(2026, 12, 24)
    return trajectory


# The smallest command each legal (from, to) pair accepts, with the actor kind that makes it.
LEGAL: Final[dict[tuple[S, S, S | None], dict[str, Any]]] = {}


def _legal(
    source: S, target: S, fields: dict[str, Any], *, left: S | None = None, system: bool = False
) -> None:
    LEGAL[(source, target, left)] = {"fields": fields, "system": system}


_legal(S.REGISTERED, S.INTAKE, {"intake_date": date(2026, 12, 1)})
for _source in (S.REGISTERED, S.INTAKE):
    _legal(_source, S.REJECTED, {"reason": "geen_behoefte"})
_legal(S.INTAKE, S.AWAITING_MATCH, {"contra_indications_checked": True})
_legal(S.AWAITING_MATCH, S.INTRODUCTION, {"volunteer_id": VOLUNTEER})
_legal(S.INTRODUCTION, S.EXECUTION, {})
_legal(S.EXECUTION, S.EXECUTION, {"planned_end_date": date(2028, 9, 1), "reason": "overig"})
_legal(S.EXECUTION, S.CLOSING, {})
_legal(S.CLOSING, S.CLOSED, {"outcome": "volledig_doorlopen"})
for _phase in PHASES:
    _legal(_phase, S.PAUSED, {"reason": "ziekte", "review_date": date(2027, 1, 1)})
    _legal(S.PAUSED, _phase, {}, left=_phase)
    _legal(
        S.PAUSED,
        S.PAUSED,
        {"reason": "vrijwilliger_wisselt", "review_date": date(2027, 1, 1)},
        left=_phase,
    )
    _legal(S.PAUSED, S.STOPPED, {"reason": "ziekte"}, left=_phase)
for _source in (S.REGISTERED, S.INTAKE, S.AWAITING_MATCH, *PHASES):
    _legal(_source, S.STOPPED, {"reason": "geen_behoefte_meer"})
_legal(S.INTRODUCTION, S.CLOSING, {}, system=True)
_legal(S.PAUSED, S.CLOSING, {}, left=S.INTRODUCTION, system=True)
_legal(S.PAUSED, S.CLOSING, {}, left=S.EXECUTION, system=True)


def _ctx(*, system: bool = False) -> TransitionContext:
    return TransitionContext(
        today=TODAY,
        kind=ActorKind.SYSTEM if system else ActorKind.USER,
        unmasks_meldcode=False,
        volunteer=AvailableVolunteer(),
    )


@pytest.mark.parametrize(
    ("source", "target", "left"), list(LEGAL), ids=lambda v: getattr(v, "value", str(v))
)
def test_a_legal_move_changes_state_version_and_emits_one_event(
    source: S, target: S, left: S | None
) -> None:
    case = LEGAL[(source, target, left)]
    trajectory = _trajectory(source, phase=left)
    cmd = TransitionTrajectory(TRAJECTORY_ID, target, **case["fields"])
    change = transition(trajectory, cmd, _ctx(system=case["system"]), at=T0)
    assert (change.from_state, change.to_state) == (source, trajectory.state)
    assert trajectory.state is target
    assert trajectory.version == 2
    [event] = trajectory.pending_events
    assert isinstance(event, TrajectoryStateChanged)
    assert (event.from_state, event.to_state) == (source.value, target.value)
    assert event.by_system is case["system"]


def _all_pairs() -> list[tuple[S, S, S | None]]:
    pairs = []
    for source in S:
        for target in S:
            lefts = sorted(PHASES) if source is S.PAUSED else [None]
            pairs += [(source, target, left) for left in lefts]
    return pairs


ILLEGAL_FOR_USERS: Final = [
    pair
    for pair in _all_pairs()
    if pair not in LEGAL or LEGAL[pair]["system"]
    # a paused trajectory that left afsluiting resumes into it: a user's move
]


@pytest.mark.parametrize(
    ("source", "target", "left"), ILLEGAL_FOR_USERS, ids=lambda v: getattr(v, "value", str(v))
)
def test_every_other_move_is_refused_with_409_and_changes_nothing(
    source: S, target: S, left: S | None
) -> None:
    trajectory = _trajectory(source, phase=left)
    before = dataclasses.replace(trajectory, pending_events=[])
    fields: dict[str, Any] = {"reason": "geen_behoefte_meer"} if target is S.STOPPED else {}
    with pytest.raises(InvalidTransition) as refused:
        transition(trajectory, TransitionTrajectory(TRAJECTORY_ID, target, **fields), _ctx(), at=T0)
    assert refused.value.code == "ongeldige-overgang"
    assert (refused.value.current, refused.value.target) == (source.value, target.value)
    assert target.value not in refused.value.allowed
    assert trajectory == before


def test_the_pair_cases_cover_the_whole_table() -> None:
    covered = {(source, target) for source, target, _ in LEGAL}
    table = {(source, target) for source, targets in TRANSITIONS.items() for target in targets}
    assert covered == table


def test_the_refusal_lists_the_moves_a_user_can_make_in_the_contracts_order() -> None:
    trajectory = _trajectory(S.INTRODUCTION)
    cmd = TransitionTrajectory(TRAJECTORY_ID, S.CLOSED, outcome="volledig_doorlopen")
    with pytest.raises(InvalidTransition) as refused:
        transition(trajectory, cmd, _ctx(), at=T0)
    assert refused.value.allowed == ["uitvoering", "onderbroken", "gestopt"]  # CONTRACT §20.3


def test_the_system_may_move_a_trajectory_to_afsluiting_at_24_months() -> None:
    trajectory = _trajectory(S.EXECUTION)
    ctx = dataclasses.replace(_ctx(system=True), today=TODAY + timedelta(days=700))
    change = transition(trajectory, TransitionTrajectory(TRAJECTORY_ID, S.CLOSING), ctx, at=T0)
    assert change.kind.value == "systeem"
