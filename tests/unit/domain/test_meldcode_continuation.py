"""`mim_voortzetting` as a trajectory move (CONTRACT §12.3, DOMAIN §4.4, R13, R15, R33):
continue, interrupt or end MIM, and what each does to the trajectory."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Final

import pytest

from domain.errors import InvalidTransition, RuleViolation
from domain.model.lifecycle import transition
from domain.model.meldcode_continuation import continuation_move
from domain.model.trajectory import PHASES, Trajectory, TrajectoryState
from domain.model.transition_rules import ActorKind, TransitionContext, TransitionTrajectory
from tests.fakes import T0, a_trajectory

S = TrajectoryState
TRAJECTORY_ID: Final = "00000000-0000-4000-8000-000000000001"
VOLUNTEER: Final = "00000000-0000-4000-8000-00000000f001"
NEW_VOLUNTEER: Final = "00000000-0000-4000-8000-00000000f002"
BORN: Final = date(2026, 9, 24)
TWENTY_FOUR_MONTHS: Final = date(2028, 9, 24)
TODAY: Final = date(2027, 3, 20)
REVIEW: Final = date(2027, 5, 1)


def _trajectory(
    state: TrajectoryState,
    *,
    phase: TrajectoryState | None = None,
    reason: str | None = None,
    volunteer: str | None = VOLUNTEER,
) -> Trajectory:
    matched = state in PHASES or state is S.PAUSED
    trajectory = a_trajectory(
        trajectory_id=TRAJECTORY_ID,
        state=state,
        birth_date=BORN,
        volunteer_id=volunteer if matched else None,
        start_date=date(2026, 11, 10) if matched else None,
        reason=reason,
    )
    if state is S.PAUSED:
        trajectory.phase = phase or S.INTRODUCTION
        trajectory.review_date = REVIEW
    return trajectory


def _decision(besluit: str, **more: Any) -> dict[str, Any]:
    return {"besluit": besluit, "motivering": "Afgewogen met de aandachtsfunctionaris."} | more


def _meldcode_pause(phase: TrajectoryState = S.EXECUTION, **more: Any) -> Trajectory:
    return _trajectory(S.PAUSED, phase=phase, reason="meldcode", **more)


# voortzetten


@pytest.mark.parametrize(
    ("state", "reason"),
    [(S.INTRODUCTION, None), (S.EXECUTION, None), (S.CLOSING, None), (S.PAUSED, "ziekte")],
    ids=["kennismaking", "uitvoering", "afsluiting", "onderbroken-ziekte"],
)
def test_continuing_a_trajectory_not_paused_for_meldcode_moves_nothing(
    state: TrajectoryState, reason: str | None
) -> None:
    trajectory = _trajectory(state, reason=reason)
    assert continuation_move(trajectory, _decision("voortzetten"), today=TODAY) is None


@pytest.mark.parametrize("phase", sorted(PHASES), ids=lambda p: p.value)
def test_continuing_a_meldcode_pause_resumes_the_phase_it_left(phase: TrajectoryState) -> None:
    move = continuation_move(_meldcode_pause(phase), _decision("voortzetten"), today=TODAY)
    assert move == TransitionTrajectory(TRAJECTORY_ID, phase, volunteer_id=None)


def test_continuing_on_the_24_month_date_goes_straight_into_afsluiting() -> None:
    trajectory = _meldcode_pause(S.INTRODUCTION)
    day_before = TWENTY_FOUR_MONTHS - timedelta(days=1)
    assert trajectory.max_end_date == TWENTY_FOUR_MONTHS
    late = continuation_move(trajectory, _decision("voortzetten"), today=TWENTY_FOUR_MONTHS)
    early = continuation_move(trajectory, _decision("voortzetten"), today=day_before)
    assert late == TransitionTrajectory(TRAJECTORY_ID, S.CLOSING)
    assert early == TransitionTrajectory(TRAJECTORY_ID, S.INTRODUCTION)


def test_continuing_without_a_volunteer_needs_a_vrijwilliger_id() -> None:
    trajectory = _meldcode_pause(volunteer=None)
    with pytest.raises(RuleViolation) as refused:
        continuation_move(trajectory, _decision("voortzetten"), today=TODAY)
    assert [(p.name, p.code) for p in refused.value.problems] == [("vrijwilligerId", "verplicht")]

    named = _decision("voortzetten", vrijwilligerId=NEW_VOLUNTEER)
    move = continuation_move(trajectory, named, today=TODAY)
    assert move == TransitionTrajectory(TRAJECTORY_ID, S.EXECUTION, volunteer_id=NEW_VOLUNTEER)


# onderbreken


@pytest.mark.parametrize("state", [S.REGISTERED, S.INTAKE, S.AWAITING_MATCH], ids=lambda s: s.value)
def test_interrupting_before_the_first_phase_is_409(state: TrajectoryState) -> None:
    trajectory = _trajectory(state)
    with pytest.raises(InvalidTransition) as refused:
        continuation_move(trajectory, _decision("onderbreken", heroverwegingOp=REVIEW), today=TODAY)
    assert refused.value.code == "ongeldige-overgang"
    assert (refused.value.current, refused.value.target) == (state.value, "onderbroken")


@pytest.mark.parametrize("state", [S.CLOSED, S.REJECTED, S.STOPPED], ids=lambda s: s.value)
def test_interrupting_a_terminal_trajectory_is_409(state: TrajectoryState) -> None:
    with pytest.raises(InvalidTransition) as refused:
        continuation_move(
            _trajectory(state), _decision("onderbreken", heroverwegingOp=REVIEW), today=TODAY
        )
    assert refused.value.code == "ongeldige-overgang"


@pytest.mark.parametrize("phase", sorted(PHASES), ids=lambda p: p.value)
def test_interrupting_a_phase_pauses_it_for_meldcode_until_the_review(
    phase: TrajectoryState,
) -> None:
    move = continuation_move(
        _trajectory(phase), _decision("onderbreken", heroverwegingOp=REVIEW), today=TODAY
    )
    assert move == TransitionTrajectory(
        TRAJECTORY_ID, S.PAUSED, reason="meldcode", review_date=REVIEW
    )


def test_interrupting_a_pause_for_another_reason_turns_it_into_a_meldcode_pause() -> None:
    trajectory = _trajectory(S.PAUSED, phase=S.EXECUTION, reason="ziekte")
    move = continuation_move(
        trajectory, _decision("onderbreken", heroverwegingOp=REVIEW), today=TODAY
    )
    assert move is not None
    transition(trajectory, move, _ctx(), at=T0)
    assert (trajectory.state, trajectory.phase, trajectory.reason) == (
        S.PAUSED,
        S.EXECUTION,
        "meldcode",
    )
    assert trajectory.review_date == REVIEW


# beeindigen


@pytest.mark.parametrize(
    "state", [S.AWAITING_MATCH, S.INTRODUCTION, S.EXECUTION, S.PAUSED], ids=lambda s: s.value
)
def test_ending_stops_the_trajectory_with_reason_meldcode(state: TrajectoryState) -> None:
    move = continuation_move(_trajectory(state, reason=None), _decision("beeindigen"), today=TODAY)
    assert move == TransitionTrajectory(TRAJECTORY_ID, S.STOPPED, reason="meldcode")


# the moves as the lifecycle takes them


def _ctx(*, today: date = TODAY) -> TransitionContext:
    return TransitionContext(
        today=today,
        kind=ActorKind.USER,
        unmasks_meldcode=True,
        open_meldcode_case=True,
        meldcode_decision=True,
    )


def test_the_lifecycle_resumes_a_meldcode_pause_only_for_the_meldcode_decision() -> None:
    trajectory = _meldcode_pause(S.EXECUTION)
    move = continuation_move(trajectory, _decision("voortzetten"), today=TODAY)
    assert move is not None
    plain = TransitionContext(today=TODAY, kind=ActorKind.USER, unmasks_meldcode=True)
    with pytest.raises(InvalidTransition):
        transition(trajectory, move, plain, at=T0)  # R13: a plain resume is 409
    transition(trajectory, move, _ctx(), at=T0)
    assert (trajectory.state, trajectory.version) == (S.EXECUTION, 2)


def test_the_lifecycle_takes_a_late_continuation_into_afsluiting() -> None:
    trajectory = _meldcode_pause(S.INTRODUCTION)
    move = continuation_move(trajectory, _decision("voortzetten"), today=TWENTY_FOUR_MONTHS)
    assert move is not None
    transition(trajectory, move, _ctx(today=TWENTY_FOUR_MONTHS), at=T0)
    assert (trajectory.state, trajectory.phase) == (S.CLOSING, S.CLOSING)
