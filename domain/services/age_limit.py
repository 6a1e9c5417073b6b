"""The periodic task `leeftijdsgrens` (CONTRACT §16, DOMAIN §2, R15): at the child's
24-month date a trajectory in kennismaking, uitvoering or a pause (not a `meldcode` pause)
moves to afsluiting, as actor `systeem`, audited, with its event; run twice, it moves
nothing twice."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from domain.errors import InvalidTransition, NotFound, VersionConflict
from domain.model.calendar import local_date
from domain.model.trajectory import TrajectoryState
from domain.model.transition_rules import TransitionTrajectory
from domain.policy import Actor, Role, Scope
from domain.ports import Clock, IdGenerator, UnitOfWork
from domain.services import lifecycle

SYSTEM_ID: Final = "systeem"
BATCH: Final = 500


def system_actor(organisation: str) -> Actor:
    return Actor(id=SYSTEM_ID, role=Role.SYSTEM, organisation=organisation, scopes=frozenset(Scope))


@dataclass(frozen=True, slots=True)
class AgeLimitReport:
    moved: int
    skipped: int  # changed meanwhile by someone else; the next run looks again
    moves: tuple[tuple[str, str], ...] = ()  # (from, to) of each move, for the metrics


async def run(
    *, new_uow: Callable[[Actor], UnitOfWork], clock: Clock, ids: IdGenerator
) -> AgeLimitReport:
    """One pass: every due trajectory, in batches, each in its own transaction."""
    today = local_date(clock.now())
    skipped = 0
    moves: list[tuple[str, str]] = []
    seen: set[str] = set()
    while True:
        reader = new_uow(system_actor(SYSTEM_ID))
        async with reader:
            found = await reader.trajectories.at_age_limit(today, limit=BATCH)
        due = [(key, org) for key, org in found if key not in seen]
        if not due:
            return AgeLimitReport(len(moves), skipped, tuple(moves))
        for trajectory_id, organisation in due:
            seen.add(trajectory_id)
            actor = system_actor(organisation)
            command = TransitionTrajectory(trajectory_id, TrajectoryState.CLOSING)
            try:
                result = await lifecycle.transition(
                    command, uow=new_uow(actor), clock=clock, ids=ids, actor=actor
                )
                if isinstance(result, lifecycle.TransitionResult):
                    record = result.view.record
                    moves.append((record.from_state.value, record.to_state.value))
            except (InvalidTransition, VersionConflict, NotFound):
                skipped += 1
