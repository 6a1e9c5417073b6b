"""The trajectory moves a Meldcode makes or allows (R13, R33): a move made by the step
`mim_voortzetting` is audited as Meldcode processing, a `meldcode` pause always needs a case
that is not closed, and a plain pause is accepted while one is open."""

from __future__ import annotations

from datetime import date
from typing import Final

import pytest

from domain.errors import InvalidTransition
from domain.model.audit import Purpose
from domain.model.meldcode import ClosingReason, StepKind
from domain.model.trajectory import TrajectoryState
from domain.model.transition_rules import TransitionTrajectory
from domain.services import lifecycle
from tests.fakes import FakeIds, as_unit_of_work
from tests.unit.services.test_meldcode_use_cases import (
    CLOCK,
    COORDINATOR,
    TRAJECTORY_ID,
    _seeded,
    _signal,
    _step,
    _trajectory,
)

S = TrajectoryState
REVIEW: Final = date(2027, 1, 15)
INTERRUPT: Final = {
    "besluit": "onderbreken",
    "motivering": "Eerst veiligheid.",
    "heroverwegingOp": REVIEW,
}


async def test_the_move_of_mim_voortzetting_is_audited_as_meldcode() -> None:
    uow = _seeded()
    case_id = (await _signal(uow, COORDINATOR)).case_id
    assert case_id is not None
    before = len(uow.audit.entries)

    await _step(uow, case_id, StepKind.CONTINUATION, INTERRUPT)

    lines = uow.audit.entries[before:]
    assert {line.resource for line in lines} == {"traject", "meldcode-stap"}
    assert all(line.meldcode and line.purpose is Purpose.MELDCODE for line in lines)


async def test_a_plain_meldcode_pause_is_accepted_while_a_case_is_open() -> None:
    uow = _seeded()
    await _signal(uow, COORDINATOR)
    pause = TransitionTrajectory(TRAJECTORY_ID, S.PAUSED, reason="meldcode", review_date=REVIEW)

    await lifecycle.transition(
        pause, uow=as_unit_of_work(uow), clock=CLOCK, ids=FakeIds(series=0x77), actor=COORDINATOR
    )

    assert (_trajectory(uow).state, _trajectory(uow).reason) == (S.PAUSED, "meldcode")


async def test_a_closed_case_cannot_turn_another_pause_into_a_meldcode_pause() -> None:
    uow = _seeded()
    case_id = (await _signal(uow, COORDINATOR)).case_id
    assert case_id is not None
    illness = TransitionTrajectory(TRAJECTORY_ID, S.PAUSED, reason="ziekte", review_date=REVIEW)
    await lifecycle.transition(
        illness, uow=as_unit_of_work(uow), clock=CLOCK, ids=FakeIds(series=0x78), actor=COORDINATOR
    )
    mapped = {
        "signalen": [
            {
                "datum": date(2026, 11, 20),
                "waarneming": "Blauwe plek.",
                "bron": "eigen_waarneming",
                "waargenomenDoor": "vrijwilliger",
                "isInterpretatie": False,
            }
        ],
        "ontkrachtendeSignalen": [],
    }
    consultation = {
        "datum": date(2026, 11, 21),
        "soort": "collega",
        "metRol": "collega",
        "advies": "Bespreken.",
        "casusGeanonimiseerd": True,
    }
    conversation = {
        "datum": date(2026, 11, 22),
        "metWie": ["moeder"],
        "reactieClient": "Herkent het niet.",
        "uitkomst": "Geen zorg.",
    }
    weighing = {"afweging1": False, "onderbouwing": "Geen vermoeden.", "twijfel": False}
    for kind, fields in (
        (StepKind.SIGNALS_MAPPED, mapped),
        (StepKind.CONSULTATION, consultation),
        (StepKind.CONVERSATION, conversation),
        (StepKind.WEIGHING, weighing),
        (StepKind.CLOSURE, {"reden": ClosingReason.NO_SUSPICION.value}),
    ):
        await _step(uow, case_id, kind, fields)

    with pytest.raises(InvalidTransition) as refused:
        await _step(uow, case_id, StepKind.CONTINUATION, INTERRUPT)

    assert refused.value.condition == "meldcode-casus-vereist"
    assert (_trajectory(uow).state, _trajectory(uow).reason) == (S.PAUSED, "ziekte")
