"""The version guard of `SqlUnitOfWork` (CONTRACT §5.1): a changed aggregate is written back
only over the version it was read at; a writer that lost the race gets `StaleVersion` and
leaves nothing behind. PostgreSQL only: SQLite transactions begin IMMEDIATE, so there the
second writer waits for the first and reads its result instead of racing it."""

from __future__ import annotations

from typing import Final

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

import adapters.db.tables  # noqa: F401 (registers the tables in the metadata)
from adapters.db.uow import SqlUnitOfWorkFactory
from domain.model.lifecycle import transition
from domain.model.trajectory import TrajectoryState
from domain.model.transition_rules import ActorKind, TransitionContext, TransitionTrajectory
from domain.policy import Role
from domain.ports import AccessContext, StaleVersion
from domain.services import referrals
from domain.services.referrals import IntakeResult
from tests.fakes import T0, FakeClock, FakeIds, a_directory, a_register_command, an_actor

pytestmark = pytest.mark.backends("postgresql")

REFERRER: Final = an_actor(Role.REFERRER)
COORDINATOR: Final = an_actor(Role.COORDINATOR)


async def _registered(factory: SqlUnitOfWorkFactory, ids: FakeIds) -> str:
    result = await referrals.register(
        a_register_command(),
        uow=factory(AccessContext(REFERRER)),
        clock=FakeClock(T0),
        ids=ids,
        actor=REFERRER,
        directory=a_directory(),
    )
    assert isinstance(result, IntakeResult)
    assert result.view.trajectory_id is None  # a referrer does not learn the trajectory id
    async with factory.engine.connect() as conn:
        table = SQLModel.metadata.tables["trajectory"]
        return str((await conn.execute(sa.select(table.c.id))).scalar_one())


async def test_the_second_of_two_writers_that_read_the_same_version_gets_stale_version(
    backend: str, engine: AsyncEngine
) -> None:
    ids = FakeIds()
    factory = SqlUnitOfWorkFactory(engine, clock=FakeClock(T0), ids=ids)
    trajectory_id = await _registered(factory, ids)
    ctx = TransitionContext(today=T0.date(), kind=ActorKind.USER, unmasks_meldcode=False)
    move = TransitionTrajectory(trajectory_id, TrajectoryState.INTAKE, intake_date=T0.date())
    first, second = factory(AccessContext(COORDINATOR)), factory(AccessContext(COORDINATOR))
    async with first, second:
        mine = await first.trajectories.get(trajectory_id)
        theirs = await second.trajectories.get(trajectory_id)
        assert mine is not None
        assert theirs is not None
        transition(mine, move, ctx, at=T0)
        transition(theirs, move, ctx, at=T0)
        await first.commit()
        with pytest.raises(StaleVersion):
            await second.commit()
    async with engine.connect() as conn:
        table = SQLModel.metadata.tables["trajectory"]
        row = (await conn.execute(sa.select(table.c.state, table.c.version))).one()
        events = SQLModel.metadata.tables["event"]
        count = (await conn.execute(sa.select(sa.func.count()).select_from(events))).scalar_one()
    assert (row.state, row.version) == (TrajectoryState.INTAKE, 2)
    assert count == 2  # the intake's event and the one winning move's
