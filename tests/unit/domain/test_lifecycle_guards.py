"""The guards and effects of the trajectory moves (DOMAIN R2, R5-R13, CONTRACT §9.4)."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from typing import Any, Final

import pytest

from domain.errors import Forbidden, InvalidTransition, RuleViolation
from domain.model.calendar import add_months
from domain.model.lifecycle import transition
from domain.model.referral import Child
from domain.model.trajectory import TrajectoryState, VisitCounts
from domain.model.transition_rules import ActorKind, TransitionContext, TransitionTrajectory
from tests.fakes import T0, a_consent
from tests.unit.domain.test_lifecycle_pairs import (
    BORN,
    TODAY,
    TRAJECTORY_ID,
    VOLUNTEER,
    AvailableVolunteer,
    _trajectory,
)

S = TrajectoryState
OLD_VOLUNTEER: Final = "00000000-0000-4000-8000-00000000f000"


def _ctx(**overrides: Any) -> TransitionContext:
    values: dict[str, Any] = {
        "today": TODAY,
        "kind": ActorKind.USER,
        "unmasks_meldcode": False,
        "volunteer": AvailableVolunteer(),
    }
    return TransitionContext(**(values | overrides))


def _cmd(target: S, **fields: Any) -> TransitionTrajectory:
    return TransitionTrajectory(TRAJECTORY_ID, target, **fields)


def _problem_codes(error: RuleViolation) -> list[tuple[str, str]]:
    return [(p.name, p.code) for p in error.problems]


# --- fields per pair (R5) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "target", "fields", "expected"),
    [
        (S.REGISTERED, S.INTAKE, {}, [("intakeDatum", "verplicht")]),
        (S.REGISTERED, S.REJECTED, {}, [("reden", "verplicht")]),
        (S.REGISTERED, S.REJECTED, {"reason": "ziekte"}, [("reden", "ongeldige-waarde")]),
        (S.EXECUTION, S.PAUSED, {"reason": "ziekte"}, [("heroverwegingOp", "verplicht")]),
        (
            S.EXECUTION,
            S.STOPPED,
            {"reason": "vrijwilliger_wisselt"},
            [("reden", "ongeldige-waarde")],
        ),
        (S.CLOSING, S.CLOSED, {}, [("uitkomst", "verplicht")]),
        (S.CLOSING, S.CLOSED, {"outcome": "ziekte"}, [("uitkomst", "ongeldige-waarde")]),
        (S.INTRODUCTION, S.EXECUTION, {"outcome": "overig"}, [("uitkomst", "onbekend-veld")]),
        (
            S.AWAITING_MATCH,
            S.INTRODUCTION,
            {"match_criteria": ("taal", "geloof")},
            [("vrijwilligerId", "verplicht"), ("matchcriteria[1]", "ongeldige-waarde")],
        ),
    ],
)
def test_each_pair_takes_its_own_fields_and_reason_list(
    source: S, target: S, fields: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    trajectory = _trajectory(source)
    with pytest.raises(RuleViolation) as refused:
        transition(trajectory, _cmd(target, **fields), _ctx(), at=T0)
    assert _problem_codes(refused.value) == expected
    assert trajectory.state is source
    assert trajectory.version == 1


# --- intake -> wacht_op_match (R1, R2) ------------------------------------------------


def test_the_18_month_boundary_holds_for_wacht_op_match() -> None:
    eighteen = add_months(BORN, 18)
    day_before = _trajectory(S.INTAKE)
    transition(
        day_before,
        _cmd(S.AWAITING_MATCH, contra_indications_checked=True),
        _ctx(today=eighteen - timedelta(days=1)),
        at=T0,
    )
    assert day_before.state is S.AWAITING_MATCH
    on_the_day = _trajectory(S.INTAKE)
    with pytest.raises(RuleViolation) as refused:
        transition(
            on_the_day,
            _cmd(S.AWAITING_MATCH, contra_indications_checked=True),
            _ctx(today=eighteen),
            at=T0,
        )
    assert _problem_codes(refused.value) == [("kind.geboortedatum", "kind-te-oud")]


def test_consent_and_first_child_are_listed_in_the_contracts_order() -> None:
    trajectory = _trajectory(S.INTAKE)
    trajectory.consent = a_consent(scopes=())
    trajectory.child = Child(birth_date=BORN, first_child=False)
    with pytest.raises(RuleViolation) as refused:
        transition(
            trajectory, _cmd(S.AWAITING_MATCH, contra_indications_checked=True), _ctx(), at=T0
        )
    assert [p.code for p in refused.value.problems] == ["geen-toestemming", "geen-eerste-kind"]


# --- matching (R7, R10) ---------------------------------------------------------------


@pytest.mark.parametrize(
    "volunteer",
    [
        None,  # unknown
        AvailableVolunteer(organisation="mim-andere"),  # foreign
        AvailableVolunteer(is_available=False),  # inactive or full
    ],
)
def test_matching_needs_an_available_volunteer_of_the_same_organisation(
    volunteer: AvailableVolunteer | None,
) -> None:
    trajectory = _trajectory(S.AWAITING_MATCH)
    with pytest.raises(InvalidTransition) as refused:
        transition(
            trajectory,
            _cmd(S.INTRODUCTION, volunteer_id=VOLUNTEER),
            _ctx(volunteer=volunteer),
            at=T0,
        )
    assert refused.value.code == "vrijwilliger-niet-beschikbaar"
    assert trajectory.volunteer_id is None


def test_matching_defaults_start_to_today_and_the_planned_end_to_18_months() -> None:
    trajectory = _trajectory(S.AWAITING_MATCH)
    change = transition(trajectory, _cmd(S.INTRODUCTION, volunteer_id=VOLUNTEER), _ctx(), at=T0)
    assert trajectory.start_date == TODAY == change.cmd.start_date
    assert trajectory.planned_end_date == add_months(BORN, 18) == change.cmd.planned_end_date
    assert trajectory.phase is S.INTRODUCTION
    assert trajectory.volunteer_id == VOLUNTEER
    assert change.matched_volunteer == VOLUNTEER
    assert change.released_volunteer is None


@pytest.mark.parametrize(("days_after", "accepted"), [(0, True), (1, False)])
def test_a_planned_end_up_to_the_24_month_date_is_accepted(days_after: int, accepted: bool) -> None:
    planned = add_months(BORN, 24) + timedelta(days=days_after)
    for source, fields in (
        (S.AWAITING_MATCH, {"volunteer_id": VOLUNTEER, "planned_end_date": planned}),
        (S.EXECUTION, {"planned_end_date": planned, "reason": "later_gestart"}),
    ):
        trajectory = _trajectory(source)
        target = S.INTRODUCTION if source is S.AWAITING_MATCH else S.EXECUTION
        if accepted:
            transition(trajectory, _cmd(target, **fields), _ctx(), at=T0)
            assert trajectory.planned_end_date == planned
        else:
            with pytest.raises(RuleViolation) as refused:
                transition(trajectory, _cmd(target, **fields), _ctx(), at=T0)
            assert _problem_codes(refused.value) == [("geplandeEinddatum", "na-maximale-einddatum")]


def test_an_extension_must_lie_after_the_current_planned_end() -> None:
    trajectory = _trajectory(S.EXECUTION)
    earlier = trajectory.planned_end_date
    assert earlier is not None
    with pytest.raises(RuleViolation) as refused:
        transition(
            trajectory,
            _cmd(S.EXECUTION, planned_end_date=earlier, reason="later_gestart"),
            _ctx(),
            at=T0,
        )
    assert _problem_codes(refused.value) == [("geplandeEinddatum", "ongeldige-waarde")]


@pytest.mark.parametrize("source", [S.INTRODUCTION, S.CLOSING, S.PAUSED])
def test_an_extension_outside_uitvoering_is_refused_with_409(source: S) -> None:
    trajectory = _trajectory(source)
    with pytest.raises(InvalidTransition):
        transition(
            trajectory,
            _cmd(S.EXECUTION, planned_end_date=date(2028, 9, 1), reason="later_gestart"),
            _ctx(),
            at=T0,
        )


# --- visits (R8, R9) ------------------------------------------------------------------


def test_uitvoering_needs_a_counted_visit() -> None:
    trajectory = _trajectory(S.INTRODUCTION)
    trajectory.visit_counts = VisitCounts()
    with pytest.raises(InvalidTransition) as refused:
        transition(trajectory, _cmd(S.EXECUTION), _ctx(), at=T0)
    assert refused.value.condition == "minimaal-een-huisbezoek"


@pytest.mark.parametrize(("visits", "warned"), [(13, True), (14, False)])
def test_afsluiting_warns_below_14_counted_uitvoering_visits(visits: int, warned: bool) -> None:
    trajectory = _trajectory(S.EXECUTION)
    trajectory.visit_counts = VisitCounts(introduction=2, execution=visits)
    change = transition(trajectory, _cmd(S.CLOSING), _ctx(), at=T0)
    assert change.warnings == (("minder-dan-14-huisbezoeken",) if warned else ())


# --- pauses (R6, R11-R13) -------------------------------------------------------------


def test_a_volunteer_change_clears_the_volunteer_at_once() -> None:
    trajectory = _trajectory(S.EXECUTION)
    change = transition(
        trajectory,
        _cmd(S.PAUSED, reason="vrijwilliger_wisselt", review_date=TODAY),
        _ctx(),
        at=T0,
    )
    assert trajectory.volunteer_id is None
    assert trajectory.phase is S.EXECUTION
    assert change.released_volunteer == OLD_VOLUNTEER


def test_resuming_after_a_volunteer_change_needs_a_new_volunteer() -> None:
    trajectory = _trajectory(S.PAUSED, phase=S.EXECUTION)
    trajectory.reason, trajectory.volunteer_id = "vrijwilliger_wisselt", None
    with pytest.raises(RuleViolation) as refused:
        transition(trajectory, _cmd(S.EXECUTION), _ctx(), at=T0)
    assert _problem_codes(refused.value) == [("vrijwilligerId", "verplicht")]
    with pytest.raises(InvalidTransition) as unavailable:
        transition(
            trajectory,
            _cmd(S.EXECUTION, volunteer_id=VOLUNTEER),
            _ctx(volunteer=AvailableVolunteer(is_available=False)),
            at=T0,
        )
    assert unavailable.value.code == "vrijwilliger-niet-beschikbaar"
    change = transition(trajectory, _cmd(S.EXECUTION, volunteer_id=VOLUNTEER), _ctx(), at=T0)
    assert trajectory.state is S.EXECUTION
    assert trajectory.volunteer_id == VOLUNTEER
    assert trajectory.reason is None
    assert change.matched_volunteer == VOLUNTEER
    assert change.kind.value == "hervatting"


def test_a_meldcode_pause_needs_the_scope() -> None:
    trajectory = _trajectory(S.EXECUTION)
    with pytest.raises(Forbidden):
        transition(
            trajectory,
            _cmd(S.PAUSED, reason="meldcode", review_date=TODAY),
            _ctx(open_meldcode_case=True),
            at=T0,
        )


def test_a_meldcode_pause_needs_an_open_case() -> None:
    trajectory = _trajectory(S.EXECUTION)
    with pytest.raises(InvalidTransition) as refused:
        transition(
            trajectory,
            _cmd(S.PAUSED, reason="meldcode", review_date=TODAY),
            _ctx(unmasks_meldcode=True),
            at=T0,
        )
    assert refused.value.condition == "meldcode-casus-vereist"
    transition(
        trajectory,
        _cmd(S.PAUSED, reason="meldcode", review_date=TODAY),
        _ctx(unmasks_meldcode=True, open_meldcode_case=True),
        at=T0,
    )
    assert trajectory.state is S.PAUSED
    assert trajectory.reason == "meldcode"


@pytest.mark.parametrize("kind", [ActorKind.USER, ActorKind.SYSTEM])
def test_a_meldcode_pause_is_not_resumed_by_a_transition(kind: ActorKind) -> None:
    trajectory = _trajectory(S.PAUSED, phase=S.EXECUTION)
    trajectory.reason = "meldcode"
    target = S.EXECUTION if kind is ActorKind.USER else S.CLOSING
    with pytest.raises(InvalidTransition) as refused:
        transition(trajectory, _cmd(target), _ctx(kind=kind), at=T0)
    assert refused.value.condition == "meldcode-besluit-vereist"


@pytest.mark.parametrize("reason", ["meldcode", "vrijwilliger_wisselt"])
def test_a_meldcode_or_volunteer_change_pause_does_not_become_a_volunteer_change(
    reason: str,
) -> None:
    trajectory = _trajectory(S.PAUSED)
    trajectory.reason = reason
    with pytest.raises(InvalidTransition):
        transition(
            trajectory,
            _cmd(S.PAUSED, reason="vrijwilliger_wisselt", review_date=TODAY),
            _ctx(unmasks_meldcode=True),
            at=T0,
        )


def test_a_pause_for_another_reason_can_only_become_a_volunteer_change() -> None:
    trajectory = _trajectory(S.PAUSED)
    with pytest.raises(InvalidTransition):
        transition(
            trajectory, _cmd(S.PAUSED, reason="verhuizing", review_date=TODAY), _ctx(), at=T0
        )


def test_a_stop_with_reason_meldcode_needs_the_scope() -> None:
    trajectory = _trajectory(S.EXECUTION)
    with pytest.raises(Forbidden):
        transition(trajectory, _cmd(S.STOPPED, reason="meldcode"), _ctx(), at=T0)


# --- effects and the referrer's view (R16, R17) ----------------------------------------


def test_stopping_frees_the_volunteer_and_sets_the_end_date() -> None:
    trajectory = _trajectory(S.EXECUTION)
    change = transition(trajectory, _cmd(S.STOPPED, reason="verhuisd"), _ctx(), at=T0)
    assert change.released_volunteer == OLD_VOLUNTEER
    assert trajectory.closed_date == TODAY
    assert trajectory.phase is None
    assert change.feedback_changed


def test_a_pause_and_resume_leave_the_referrers_view_and_its_date_alone() -> None:
    trajectory = _trajectory(S.EXECUTION)
    trajectory.feedback_changed_on = date(2026, 11, 10)
    later = _ctx(today=TODAY + timedelta(days=20))
    paused = transition(
        trajectory, _cmd(S.PAUSED, reason="ziekte", review_date=TODAY), _ctx(), at=T0
    )
    resumed = transition(trajectory, _cmd(S.EXECUTION), later, at=T0)
    assert not paused.feedback_changed
    assert not resumed.feedback_changed
    assert trajectory.feedback_changed_on == date(2026, 11, 10)


def test_the_event_carries_the_masked_reason() -> None:
    trajectory = _trajectory(S.EXECUTION)
    transition(trajectory, _cmd(S.STOPPED, reason="ziekte"), _ctx(), at=T0)
    [event] = trajectory.pending_events
    assert event.data()["reden"] == "overig"


def test_closing_defaults_the_end_date_to_today_and_records_the_volunteers_completion() -> None:
    trajectory = _trajectory(S.CLOSING)
    change = transition(trajectory, _cmd(S.CLOSED, outcome="volledig_doorlopen"), _ctx(), at=T0)
    assert change.cmd.closed_date == TODAY == trajectory.closed_date
    assert change.completed_volunteer == OLD_VOLUNTEER
    assert dataclasses.asdict(change.cmd)["outcome"] == "volledig_doorlopen"
