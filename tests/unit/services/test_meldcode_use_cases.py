"""The Meldcode use cases on the fakes (CONTRACT §12, DOMAIN §4, R22-R24, R33): signals open
or join a case, steps are stored with their events and audit lines in one transaction, and
the volunteer never learns more than her signal's status."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any, Final

import pytest

from domain.errors import Forbidden, InvalidState, InvalidTransition, NotFound
from domain.events import Audience
from domain.model.audit import Purpose
from domain.model.meldcode import CaseStatus, MeldcodeCase, RaiseSignal, SignalStatus, StepKind
from domain.model.meldcode_steps import RecordStep
from domain.model.trajectory import Trajectory, TrajectoryState
from domain.policy import Actor, Role
from domain.services import meldcode, meldcode_reads
from domain.views.meldcode import SignalReceipt, StepResult
from tests.fakes import (
    T0,
    FakeClock,
    FakeIds,
    FakeUnitOfWork,
    a_referral,
    a_trajectory,
    an_actor,
    as_unit_of_work,
)

S = TrajectoryState
K = StepKind
CLOCK: Final = FakeClock(T0)
TODAY: Final = date(2026, 11, 24)  # T0 in Europe/Amsterdam
REFERRAL_ID: Final = "00000000-0000-4000-8000-000000000001"
TRAJECTORY_ID: Final = "00000000-0000-4000-8000-000000000002"
VOLUNTEER_ID: Final = "00000000-0000-4000-8000-00000000f001"
OTHER_VOLUNTEER_ID: Final = "00000000-0000-4000-8000-00000000f002"
VOLUNTEER: Final = an_actor(Role.VOLUNTEER, volunteer_id=VOLUNTEER_ID)
COORDINATOR: Final = an_actor(Role.COORDINATOR)
DECIDER: Final = an_actor(Role.ACCOUNTABLE_OFFICER)  # the role's maximum: meldcode.beslissen
SIGNAL_DATA: Final = {"casusId", "trajectId", "signaalId", "acuutGevaar"}
SERIES: Final = itertools.count(0x1000)  # each use case call its own ids, never colliding


def _seeded(
    state: TrajectoryState = S.INTRODUCTION, volunteer: str | None = VOLUNTEER_ID
) -> FakeUnitOfWork:
    uow = FakeUnitOfWork(clock=CLOCK)
    matched = state in (S.INTRODUCTION, S.EXECUTION, S.CLOSING, S.PAUSED)
    uow.seed(
        a_referral(referral_id=REFERRAL_ID),
        a_trajectory(
            trajectory_id=TRAJECTORY_ID,
            referral_id=REFERRAL_ID,
            state=state,
            volunteer_id=volunteer if matched else None,
            start_date=date(2026, 11, 10) if matched else None,
            reason="geen_behoefte_meer" if state is S.STOPPED else None,
        ),
    )
    return uow


async def _signal(uow: FakeUnitOfWork, actor: Actor, *, acute: bool = False) -> SignalReceipt:
    cmd = RaiseSignal(
        trajectory_id=TRAJECTORY_ID,
        observed_on=TODAY,
        observation="Blauwe plek op de bovenarm; moeder zegt dat het kind is gevallen.",
        source="eigen_waarneming",
        concerns="kind",
        acute_danger=acute,
    )
    receipt = await meldcode.raise_signal(
        cmd, uow=as_unit_of_work(uow), clock=CLOCK, ids=FakeIds(series=next(SERIES)), actor=actor
    )
    assert isinstance(receipt, SignalReceipt)
    return receipt


async def _step(
    uow: FakeUnitOfWork,
    case_id: str,
    kind: StepKind,
    fields: dict[str, Any],
    actor: Actor = COORDINATOR,
) -> StepResult:
    result = await meldcode.record_step(
        RecordStep(case_id, kind, fields),
        uow=as_unit_of_work(uow),
        clock=CLOCK,
        ids=FakeIds(series=next(SERIES)),
        actor=actor,
    )
    assert isinstance(result, StepResult)
    return result


async def _case(uow: FakeUnitOfWork) -> MeldcodeCase:
    """The trajectory's only case, as a coordinator lists it."""
    page = await meldcode_reads.page(
        statuses=frozenset(),
        trajectory_id=TRAJECTORY_ID,
        cursor=None,
        limit=10,
        uow=as_unit_of_work(uow),
        actor=COORDINATOR,
    )
    [view] = page.items
    return view.case


def _trajectory(uow: FakeUnitOfWork) -> Trajectory:
    [trajectory] = uow.stored_trajectories
    return trajectory


# Signals (R22-R24, R33)


async def test_a_volunteer_signals_without_learning_of_the_case() -> None:
    uow = _seeded()

    receipt = await _signal(uow, VOLUNTEER)

    assert (receipt.status, receipt.case_id, receipt.instruction) == (
        SignalStatus.RECEIVED,
        None,
        None,
    )
    [event] = uow.events.published
    assert event.type == "nl.mim.meldcode.signaal-ontvangen"
    assert event.audience is Audience.MELDCODE
    assert set(event.data()) == SIGNAL_DATA
    assert event.data()["signaalId"] == receipt.id
    assert event.data()["trajectId"] == TRAJECTORY_ID
    assert event.data()["acuutGevaar"] is False
    assert event.data()["casusId"] == (await _case(uow)).id


async def test_a_coordinators_signal_shows_the_case() -> None:
    uow = _seeded()
    receipt = await _signal(uow, COORDINATOR)
    assert receipt.case_id is not None
    assert receipt.case_id == uow.events.published[0].data()["casusId"]


async def test_a_second_signal_joins_the_open_case() -> None:
    uow = _seeded()
    first = await _signal(uow, COORDINATOR)
    second = await _signal(uow, VOLUNTEER)

    case = await _case(uow)  # exactly one case
    assert case.id == first.case_id
    assert (case.version, case.signal_count) == (2, 2)
    assert second.id != first.id
    assert [e.data()["casusId"] for e in uow.events.published] == [case.id, case.id]


async def test_acute_danger_answers_with_the_instruction_and_an_urgent_event() -> None:
    uow = _seeded()
    receipt = await _signal(uow, VOLUNTEER, acute=True)
    assert receipt.acute
    assert receipt.instruction is not None
    assert receipt.instruction[1] == ("112", "0800-2000")
    [event] = uow.events.published
    assert event.type == "nl.mim.meldcode.acuut-gesignaleerd"
    assert event.data()["acuutGevaar"] is True


async def test_a_signal_on_a_terminal_trajectory_is_refused() -> None:
    uow = _seeded(S.STOPPED)
    with pytest.raises(InvalidState):
        await _signal(uow, COORDINATOR)
    assert (uow.commits, uow.events.published) == (0, [])


@pytest.mark.parametrize(
    ("state", "volunteer"),
    [(S.INTRODUCTION, OTHER_VOLUNTEER_ID), (S.EXECUTION, None)],
    ids=["matched-to-another", "unmatched"],
)
async def test_a_volunteer_cannot_signal_on_a_trajectory_not_matched_to_her(
    state: TrajectoryState, volunteer: str | None
) -> None:
    uow = _seeded(state, volunteer=volunteer)
    with pytest.raises(NotFound):
        await _signal(uow, VOLUNTEER)
    assert (uow.commits, uow.events.published) == (0, [])


async def test_opening_a_case_leaves_the_trajectory_alone_but_holds_it() -> None:
    uow = _seeded()
    await _signal(uow, VOLUNTEER)
    trajectory = _trajectory(uow)
    assert (trajectory.state, trajectory.version) == (S.INTRODUCTION, 1)
    assert trajectory.meldcode_case_open is True
    assert [e.type for e in uow.events.published] == ["nl.mim.meldcode.signaal-ontvangen"]
    [entry] = uow.audit.entries
    assert (entry.meldcode, entry.purpose, entry.resource) == (True, Purpose.MELDCODE, "signaal")
    assert entry.subject_id == TRAJECTORY_ID


# mim_voortzetting moves the trajectory in the step's own transaction (R33)

INTERRUPT: Final = {
    "besluit": "onderbreken",
    "motivering": "Eerst veiligheid.",
    "heroverwegingOp": date(2027, 1, 15),
}


async def test_interrupting_pauses_the_trajectory_in_the_same_commit() -> None:
    uow = _seeded()
    case_id = (await _signal(uow, COORDINATOR)).case_id
    assert case_id is not None
    commits = uow.commits

    result = await _step(uow, case_id, K.CONTINUATION, INTERRUPT)

    assert uow.commits == commits + 1
    trajectory = _trajectory(uow)
    assert (trajectory.state, trajectory.phase, trajectory.reason) == (
        S.PAUSED,
        S.INTRODUCTION,
        "meldcode",
    )
    assert (trajectory.review_date, trajectory.version) == (date(2027, 1, 15), 2)
    assert (result.step.status_after, result.case_version) == (CaseStatus.SIGNAL_RECEIVED, 2)
    types = [e.type for e in uow.events.published[1:]]
    assert set(types) == {"nl.mim.traject.status-gewijzigd", "nl.mim.meldcode.stap-vastgelegd"}


async def test_interrupting_before_matching_is_refused_and_stores_nothing() -> None:
    uow = _seeded(S.AWAITING_MATCH)
    case_id = (await _signal(uow, COORDINATOR)).case_id
    assert case_id is not None
    commits, events = uow.commits, len(uow.events.rows)

    with pytest.raises(InvalidTransition) as refused:
        await _step(uow, case_id, K.CONTINUATION, INTERRUPT)

    assert refused.value.code == "ongeldige-overgang"
    assert (uow.commits, len(uow.events.rows)) == (commits, events)
    case = await _case(uow)
    assert (case.version, case.step_count) == (1, 0)
    steps = await meldcode_reads.steps(
        case_id, cursor=None, limit=10, uow=as_unit_of_work(uow), actor=COORDINATOR
    )
    assert list(steps.items) == []
    assert (_trajectory(uow).state, _trajectory(uow).version) == (S.AWAITING_MATCH, 1)


# A whole case, from the volunteer's signal to the handover to Veilig Thuis

MAPPED: Final = {
    "signalen": [
        {
            "datum": TODAY,
            "waarneming": "Blauwe plek op de bovenarm.",
            "bron": "eigen_waarneming",
            "waargenomenDoor": "vrijwilliger",
            "isInterpretatie": False,
        }
    ],
    "ontkrachtendeSignalen": [],
}


async def test_a_full_run_closes_the_case_and_keeps_the_trajectory_on_hold() -> None:
    uow = _seeded()
    receipt = await _signal(uow, VOLUNTEER)
    case_id = (await _case(uow)).id

    await _step(uow, case_id, K.SIGNALS_MAPPED, MAPPED)
    consulted = await _step(
        uow,
        case_id,
        K.CONSULTATION,
        {
            "datum": TODAY,
            "soort": "veilig_thuis",
            "metRol": "adviseur",
            "advies": "Melden.",
            "casusGeanonimiseerd": True,
        },
    )
    await _step(
        uow,
        case_id,
        K.CONVERSATION,
        {
            "datum": TODAY,
            "metWie": ["moeder"],
            "reactieClient": "Geschrokken.",
            "uitkomst": "Zorg gedeeld.",
        },
    )
    await _step(
        uow,
        case_id,
        K.WEIGHING,
        {"afweging1": True, "afweging2": True, "onderbouwing": "Herhaald letsel.", "twijfel": True},
    )
    decision = {
        "afweging3": True,
        "afweging4": True,
        "meldenNoodzakelijk": True,
        "hulpMogelijk": True,
        "motivering": "Structurele onveiligheid; hulp loopt naast de melding.",
        "datum": TODAY,
        "veiligThuisStapId": consulted.step.id,
    }
    with pytest.raises(Forbidden):
        await _step(uow, case_id, K.DECISION, decision, COORDINATOR)
    decided = await _step(uow, case_id, K.DECISION, decision, DECIDER)
    assert decided.step.status_after is CaseStatus.DECIDED
    assert decided.step.recorded_by.role == "eindverantwoordelijke"
    await _step(
        uow,
        case_id,
        K.REPORT,
        {
            "datum": TODAY,
            "kanaal": "telefoon",
            "clientGeinformeerd": True,
            "reactieClient": "Begrijpt het.",
        },
    )

    while_open = await meldcode_reads.signal(receipt.id, uow=as_unit_of_work(uow), actor=VOLUNTEER)
    assert while_open.receipt.status is SignalStatus.IN_PROGRESS

    closed = await _step(uow, case_id, K.CLOSURE, {"reden": "overgedragen_aan_vt"})

    assert (closed.step.sequence, closed.case_version) == (7, 8)
    case = await _case(uow)
    assert (case.status, case.closing_reason) == (CaseStatus.CLOSED, "overgedragen_aan_vt")
    assert case.retention_until == date(2031, 11, 24)
    trajectory = _trajectory(uow)
    assert (trajectory.meldcode_case_open, trajectory.held_until) == (False, date(2031, 11, 24))
    assert (trajectory.state, trajectory.version) == (S.INTRODUCTION, 1)
    types = [e.type for e in uow.events.published]
    assert types.count("nl.mim.meldcode.stap-vastgelegd") == 7
    assert types[-2:] == ["nl.mim.meldcode.stap-vastgelegd", "nl.mim.meldcode.afgesloten"]
    assert "nl.mim.meldcode.besloten" in types
    assert all(e.audience is Audience.MELDCODE for e in uow.events.published)
    assert all(e.meldcode and e.purpose is Purpose.MELDCODE for e in uow.audit.entries)

    view = await meldcode_reads.signal(receipt.id, uow=as_unit_of_work(uow), actor=VOLUNTEER)
    assert (view.receipt.id, view.receipt.status, view.receipt.case_id) == (
        receipt.id,
        SignalStatus.DONE,
        None,
    )
    assert view.signal is None


async def test_a_volunteer_may_not_list_cases() -> None:
    uow = _seeded()
    await _signal(uow, VOLUNTEER)
    with pytest.raises(Forbidden):
        await meldcode_reads.page(
            statuses=frozenset(),
            trajectory_id=None,
            cursor=None,
            limit=10,
            uow=as_unit_of_work(uow),
            actor=VOLUNTEER,
        )
