"""The demo's Meldcode cases for `make run`, played through the use cases: a volunteer's
concern now helped without a report, a concern weighed away (no suspicion), and a fresh
acute signal. No trajectory changes state, so the demo's other screens stay as they are."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Final

from api.demo_stories import COORDINATOR, HOST, Demo, volunteer_actor
from domain.model.meldcode import RaiseSignal, StepKind
from domain.model.meldcode_steps import RecordStep
from domain.model.trajectory import TrajectoryState
from domain.policy import ROLE_MAXIMUM_SCOPES, Actor, Role
from domain.services import meldcode, meldcode_reads, trajectories
from domain.views.meldcode import SignalReceipt

ACCOUNTABLE: Final = Actor(
    id="demo-eindverantwoordelijke",
    role=Role.ACCOUNTABLE_OFFICER,
    organisation=HOST,
    scopes=ROLE_MAXIMUM_SCOPES[Role.ACCOUNTABLE_OFFICER],
)
CONCERNS: Final = (
    "Kind schrikt bij harde stemmen; moeder vertelt over veel spanning thuis.",
    "Moeder oogt uitgeput en zegt dat ze 's nachts niet durft te slapen.",
    "Blauwe plek op de wang van het kind; moeder zegt dat het kind tegen de tafel viel.",
)


def _fact(on: date, text: str) -> dict[str, Any]:
    return {
        "datum": on,
        "waarneming": text,
        "bron": "eigen_waarneming",
        "waargenomenDoor": "vrijwilliger",
        "isInterpretatie": False,
    }


def _steps(on: date, concern: str, *, suspicion: bool) -> list[tuple[StepKind, dict[str, Any]]]:
    weighing: dict[str, Any] = {
        "afweging1": suspicion,
        "onderbouwing": "Signalen, consultatie en gesprek samen gewogen.",
        "twijfel": False,
    }
    if suspicion:
        weighing["afweging2"] = False
    return [
        (StepKind.SIGNALS_MAPPED, {"signalen": [_fact(on, concern)], "ontkrachtendeSignalen": []}),
        (
            StepKind.CONSULTATION,
            {
                "datum": on,
                "soort": "aandachtsfunctionaris",
                "metRol": "aandachtsfunctionaris",
                "advies": "Met moeder in gesprek gaan over wat de vrijwilliger zag.",
                "casusGeanonimiseerd": True,
            },
        ),
        (
            StepKind.CONVERSATION,
            {
                "datum": on,
                "metWie": ["moeder"],
                "reactieClient": "Moeder herkent de spanning en wil steun.",
                "uitkomst": "Afgesproken dat de coördinator hulp zoekt.",
            },
        ),
        (StepKind.WEIGHING, weighing),
    ]


async def _signal(demo: Demo, trajectory_id: str, actor: Actor, text: str, acute: bool) -> str:
    command = RaiseSignal(
        trajectory_id=trajectory_id,
        observed_on=demo.today - timedelta(days=3),
        observation=text,
        source="eigen_waarneming",
        concerns="kind",
        acute_danger=acute,
    )
    receipt = await meldcode.raise_signal(
        command, uow=demo.uow(actor), clock=demo.factory.clock, ids=demo.factory.ids, actor=actor
    )
    if not isinstance(receipt, SignalReceipt):  # only a replay under a key is not one
        raise TypeError("a signal without its receipt")
    return receipt.id


async def _record(demo: Demo, case_id: str, kind: StepKind, fields: dict[str, Any]) -> None:
    actor = ACCOUNTABLE if kind is StepKind.DECISION else COORDINATOR
    await meldcode.record_step(
        RecordStep(case_id, kind, fields),
        uow=demo.uow(actor),
        clock=demo.factory.clock,
        ids=demo.factory.ids,
        actor=actor,
    )


async def seed_meldcode(demo: Demo) -> int:
    """Three cases on running trajectories, unless the demo already has cases."""
    existing = await meldcode_reads.page(
        statuses=frozenset(),
        trajectory_id=None,
        cursor=None,
        limit=1,
        uow=demo.uow(),
        actor=COORDINATOR,
    )
    running = await trajectories.page(
        states=frozenset({TrajectoryState.EXECUTION}),
        municipality=None,
        cursor=None,
        limit=3,
        uow=demo.uow(),
        clock=demo.factory.clock,
        actor=COORDINATOR,
    )
    if existing.items or len(running.items) < 3:
        return 0
    helped, weighed, acute = running.items
    on = demo.today - timedelta(days=2)
    for view, suspicion, text in ((helped, True, CONCERNS[0]), (weighed, False, CONCERNS[1])):
        author = volunteer_actor(view.volunteer_id) if view.volunteer_id else COORDINATOR
        signal_id = await _signal(demo, view.id, author, text, acute=False)
        found = await meldcode_reads.signal(signal_id, uow=demo.uow(), actor=COORDINATOR)
        case_id = found.receipt.case_id or ""
        for kind, fields in _steps(on, text, suspicion=suspicion):
            await _record(demo, case_id, kind, fields)
        if suspicion:
            await _record(demo, case_id, StepKind.DECISION, _decision(demo.today))
            await _record(demo, case_id, StepKind.HELP, _help(demo.today))
        else:
            await _record(demo, case_id, StepKind.CLOSURE, {"reden": "geen_vermoeden"})
    await _signal(demo, acute.id, COORDINATOR, CONCERNS[2], acute=True)
    return 3


def _decision(today: date) -> dict[str, Any]:
    return {
        "afweging3": True,
        "afweging4": True,
        "meldenNoodzakelijk": False,
        "hulpMogelijk": True,
        "motivering": "Moeder neemt opvoedondersteuning van het consultatiebureau aan.",
        "datum": today,
    }


def _help(today: date) -> dict[str, Any]:
    return {
        "hulpvorm": "opvoedondersteuning",
        "afspraken": "Twee gesprekken met de jeugdverpleegkundige; MIM gaat door.",
        "evaluatieOp": today + timedelta(days=42),
    }
