"""Group commit on PostgreSQL: concurrent new referrals share statements, and each one keeps
its own outcome: all of its rows or none, its own replay, its own 200 (adapters.db.group_commit).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Final

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

import adapters.db.tables  # noqa: F401 (registers the tables in the metadata)
from adapters.clock import RandomIds
from adapters.db.engine import make_engine
from adapters.db.group_commit import GroupCommit
from adapters.db.read_batches import TrajectoryReads
from adapters.db.uow import SharedStatements, SqlUnitOfWorkFactory
from adapters.db.write_batches import WriteBatches
from domain.errors import DomainError
from domain.policy import Role
from domain.ports import AccessContext, IdempotencyClaim, StoredResponse
from domain.services import referrals
from domain.services.referrals import IntakeResult, Replayed
from tests.fakes import T0, FakeClock, a_directory, a_register_command, an_actor

pytestmark = pytest.mark.backends("postgresql")

WRITERS: Final = 24
REFERRER: Final = an_actor(Role.REFERRER)
TABLES: Final = ("referral", "trajectory", "idempotency_record", "event", "audit_line")


@pytest.fixture
async def pg_engine(backend: str, database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(database_url, pool_size=WRITERS + 4)
    yield engine
    await engine.dispose()


def a_factory(engine: AsyncEngine, *, in_flight: int) -> SqlUnitOfWorkFactory:
    factory = SqlUnitOfWorkFactory(engine, clock=FakeClock(T0), ids=RandomIds())
    factory.shared = SharedStatements(
        GroupCommit(engine, in_flight=in_flight), TrajectoryReads(engine), WriteBatches(engine)
    )
    return factory


def group_of(factory: SqlUnitOfWorkFactory) -> GroupCommit:
    assert factory.shared is not None
    return factory.shared.intakes


def render(outcome: IntakeResult | DomainError) -> StoredResponse:
    if isinstance(outcome, DomainError):
        return StoredResponse(400, {"code": "fout"})
    return StoredResponse(201 if outcome.created else 200, {"id": outcome.view.id})


async def intake(
    factory: SqlUnitOfWorkFactory, *, reference: str, key: str
) -> IntakeResult | Replayed:
    return await referrals.register(
        a_register_command(reference=reference, content_hash="c" * 64),
        uow=factory(AccessContext(REFERRER)),
        clock=FakeClock(T0),
        ids=RandomIds(),
        actor=REFERRER,
        directory=a_directory(),
        claim=IdempotencyClaim(scope=f"{key}-".ljust(64, "x"), fingerprint="f" * 64),
        render=render,
    )


async def counts(engine: AsyncEngine) -> dict[str, int]:
    found = {}
    async with engine.connect() as conn:
        for name in TABLES:
            table = SQLModel.metadata.tables[name]
            query = sa.select(sa.func.count()).select_from(table)
            found[name] = int((await conn.execute(query)).scalar_one())
    return found


async def test_concurrent_intakes_share_statements_and_each_keeps_all_of_its_rows(
    pg_engine: AsyncEngine,
) -> None:
    factory = a_factory(pg_engine, in_flight=2)
    outcomes = await asyncio.gather(
        *(intake(factory, reference=f"CB-GROUP-{n:03d}", key=f"k{n}") for n in range(WRITERS))
    )

    assert all(isinstance(o, IntakeResult) and o.created for o in outcomes)
    assert len({o.view.id for o in outcomes if isinstance(o, IntakeResult)}) == WRITERS
    assert await counts(pg_engine) == dict.fromkeys(TABLES, WRITERS)
    assert group_of(factory).referrals == WRITERS
    # Two go out alone at once; the rest queue behind them and share what follows.
    assert group_of(factory).statements <= WRITERS // 4


async def test_a_reused_key_fails_only_its_own_intake_in_a_shared_statement(
    pg_engine: AsyncEngine,
) -> None:
    factory = a_factory(pg_engine, in_flight=1)
    first = await intake(factory, reference="CB-GROUP-FIRST", key="reused")
    assert isinstance(first, IntakeResult)
    statements_before = group_of(factory).statements

    # All seven queue before the sender runs and go out together; the reused key aborts their
    # shared statement, and each is then sent on its own.
    opener = intake(factory, reference="CB-GROUP-OPENER", key="opener")
    queued = [intake(factory, reference=f"CB-GROUP-{n:03d}", key=f"fresh{n}") for n in range(5)]
    retry = intake(factory, reference="CB-GROUP-OTHER", key="reused")
    outcomes = await asyncio.gather(opener, *queued, retry)

    assert all(isinstance(o, IntakeResult) and o.created for o in outcomes[:-1])
    assert outcomes[-1] == Replayed(StoredResponse(201, {"id": first.view.id}))
    assert await counts(pg_engine) == dict.fromkeys(TABLES, 7)
    assert group_of(factory).statements - statements_before == 1 + 7


async def test_one_business_key_twice_in_a_shared_statement_stores_one_referral(
    pg_engine: AsyncEngine,
) -> None:
    factory = a_factory(pg_engine, in_flight=1)
    opener = intake(factory, reference="CB-GROUP-OPENER", key="opener")
    twins = [intake(factory, reference="CB-GROUP-TWIN", key=f"twin{n}") for n in range(2)]
    outcomes = await asyncio.gather(opener, *twins)

    created = [o for o in outcomes[1:] if isinstance(o, IntakeResult) and o.created]
    existing = [o for o in outcomes[1:] if isinstance(o, IntakeResult) and not o.created]
    assert len(created) == len(existing) == 1
    assert created[0].view.id == existing[0].view.id  # the 200 names the stored one
    found = await counts(pg_engine)
    assert (found["referral"], found["trajectory"], found["event"]) == (2, 2, 2)
    # Both twins' keys are kept: each replays its own answer (201 and 200).
    assert found["idempotency_record"] == 3


async def test_without_a_database_every_waiting_intake_gets_the_error_and_none_hangs(
    backend: str,
) -> None:
    engine = make_engine("postgresql+asyncpg://postgres@127.0.0.1:9/nowhere")
    factory = a_factory(engine, in_flight=1)
    try:
        async with asyncio.timeout(30):
            outcomes = await asyncio.gather(
                *(intake(factory, reference=f"CB-DOWN-{n}", key=f"down{n}") for n in range(3)),
                return_exceptions=True,
            )
    finally:
        await engine.dispose()
    assert all(isinstance(o, OSError) for o in outcomes), outcomes
