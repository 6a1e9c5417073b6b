"""Shared statements on PostgreSQL (adapters.db.statement_batcher): trajectory reads and
one-aggregate write sets of concurrent requests go out together, and each keeps its own
outcome: a write set that lost the race or broke the statement stores none of its rows and
costs the others none of theirs; two writes to one trajectory never share a statement.

Each batcher here has one sender: whatever queues while it works goes out in its next
statement, so the statement counts below are exact.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final
from uuid import UUID

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.clock import RandomIds, SystemClock
from adapters.db.audit import line_t
from adapters.db.driver_reads import NEWEST, loaded
from adapters.db.group_commit import GroupCommit
from adapters.db.lifecycle_repositories import transition_t, visit_t
from adapters.db.outbox import event_t
from adapters.db.read_batches import TrajectoryReads
from adapters.db.repositories import trajectory_t
from adapters.db.uow import SharedStatements, SqlUnitOfWorkFactory
from adapters.db.write_batches import WriteBatches
from adapters.db.write_statement import WriteSet
from domain.model.trajectory import TrajectoryState
from domain.model.transition_rules import ChangeKind, TransitionTrajectory
from domain.model.visit import RecordVisit, VisitDetails, VisitKind
from domain.policy import Role
from domain.ports import AccessContext, StaleVersion
from domain.services import lifecycle, visits
from domain.services.lifecycle import TransitionResult
from domain.views.lifecycle import VisitView
from tests.api.lifecycle_steps import Auth, today, visit
from tests.api.test_trajectory_reads import register
from tests.api.test_visits import matched
from tests.fakes import HOST, an_actor

pytestmark = pytest.mark.backends("postgresql")

WRITERS: Final = 6
COORDINATOR: Final = an_actor(Role.COORDINATOR)
STARTED_DAYS_AGO: Final = 10


def a_factory(engine: AsyncEngine) -> tuple[SqlUnitOfWorkFactory, SharedStatements]:
    """Units of work whose reads and writes go through batchers of one sender each."""
    factory = SqlUnitOfWorkFactory(engine, clock=SystemClock(), ids=RandomIds())
    shared = SharedStatements(
        GroupCommit(engine),
        TrajectoryReads(engine, in_flight=1),
        WriteBatches(engine, in_flight=1),
    )
    factory.shared = shared
    return factory, shared


async def a_visit(factory: SqlUnitOfWorkFactory, trajectory_id: str) -> VisitView:
    details = VisitDetails(VisitKind.HOME_VISIT, today(), 75, "thuis", ("kind_slapen",))
    outcome = await visits.record(
        RecordVisit(trajectory_id, details),
        uow=factory(AccessContext(COORDINATOR)),
        clock=SystemClock(),
        ids=RandomIds(),
        actor=COORDINATOR,
    )
    assert isinstance(outcome, VisitView)
    return outcome


async def an_intake(factory: SqlUnitOfWorkFactory, trajectory_id: str) -> TransitionResult:
    outcome = await lifecycle.transition(
        TransitionTrajectory(trajectory_id, TrajectoryState.INTAKE, intake_date=today()),
        uow=factory(AccessContext(COORDINATOR)),
        clock=SystemClock(),
        ids=RandomIds(),
        actor=COORDINATOR,
    )
    assert isinstance(outcome, TransitionResult)
    return outcome


def a_write_set(
    trajectory_id: str, *, seen: int, rows: int = 2, actor_role: str = "coordinator"
) -> WriteSet:
    """A trajectory moved on over version `seen`, with `rows` transition records."""
    at = datetime.now(UTC)
    key = UUID(trajectory_id)
    writes = WriteSet(
        update=(trajectory_t, {"id": key, "version": seen + 1, "updated_at": at}, seen)
    )
    writes.add(
        transition_t,
        [
            {
                "id": uuid.uuid4(),
                "trajectory_id": key,
                "organisation": HOST,
                "from_state": TrajectoryState.REGISTERED,
                "to_state": TrajectoryState.INTAKE,
                "kind": ChangeKind.TRANSITION.value,
                "fields": {},
                "actor_id": "test-coordinator",
                "actor_role": actor_role,
                "at": at,
                "trajectory_version": seen + 1,
            }
            for _ in range(rows)
        ],
    )
    return writes


def inserted(writes: WriteSet) -> set[UUID]:
    return {row["id"] for row in writes.inserts[transition_t]}


async def versions(engine: AsyncEngine, trajectory_ids: Sequence[str]) -> dict[str, int]:
    t = trajectory_t
    query = sa.select(t.c.id, t.c.version).where(t.c.id.in_([UUID(k) for k in trajectory_ids]))
    async with engine.connect() as conn:
        return {str(key): version for key, version in (await conn.execute(query)).all()}


async def transition_ids(
    engine: AsyncEngine, trajectory_ids: Sequence[str]
) -> dict[str, set[UUID]]:
    """Each trajectory's stored transition records, by id."""
    found: dict[str, set[UUID]] = {key: set() for key in trajectory_ids}
    t = transition_t
    query = sa.select(t.c.trajectory_id, t.c.id).where(
        t.c.trajectory_id.in_([UUID(k) for k in trajectory_ids])
    )
    async with engine.connect() as conn:
        for owner, key in (await conn.execute(query)).all():
            found[str(owner)].add(key)
    return found


async def rows_by(
    engine: AsyncEngine, column: sa.Column[Any], values: Sequence[str], *where: Any
) -> dict[str, int]:
    """How many rows hold each of `values` in `column` (0 for none)."""
    keys: list[Any] = [UUID(v) for v in values] if isinstance(column.type, sa.Uuid) else [*values]
    query = sa.select(column, sa.func.count()).where(column.in_(keys), *where).group_by(column)
    async with engine.connect() as conn:
        counted = {str(value): int(n) for value, n in (await conn.execute(query)).all()}
    return {value: counted.get(value, 0) for value in values}


# --- through the use cases ---------------------------------------------------------------


async def test_concurrent_visits_on_different_trajectories_share_their_read_and_their_write(
    backend: str, client: httpx.AsyncClient, auth: Auth, engine: AsyncEngine
) -> None:
    trajectory_ids = [
        (await matched(client, auth, started_days_ago=STARTED_DAYS_AGO))[1] for _ in range(WRITERS)
    ]
    before = await versions(engine, trajectory_ids)
    factory, shared = a_factory(engine)

    views = await asyncio.gather(*(a_visit(factory, key) for key in trajectory_ids))

    assert [v.visit.trajectory_id for v in views] == trajectory_ids
    assert await versions(engine, trajectory_ids) == {k: before[k] + 1 for k in trajectory_ids}
    assert await rows_by(engine, visit_t.c.trajectory_id, trajectory_ids) == dict.fromkeys(
        trajectory_ids, 1
    )
    visit_ids = [v.visit.id for v in views]
    recorded = event_t.c.type == "nl.mim.huisbezoek.vastgelegd"
    assert await rows_by(engine, event_t.c.subject, visit_ids, recorded) == dict.fromkeys(
        visit_ids, 1
    )
    assert await rows_by(engine, line_t.c.resource_id, visit_ids) == dict.fromkeys(visit_ids, 1)
    # All reads queue before the reader's first statement, all writes before the writer's.
    assert (shared.reads.statements, shared.writes.statements) == (1, 1)


async def test_concurrent_transitions_of_different_trajectories_share_their_read_and_write(
    backend: str, client: httpx.AsyncClient, auth: Auth, engine: AsyncEngine
) -> None:
    trajectory_ids = [await register(client, auth) for _ in range(WRITERS)]
    before = await versions(engine, trajectory_ids)
    transitions_before = await rows_by(engine, transition_t.c.trajectory_id, trajectory_ids)
    events_before = await rows_by(engine, event_t.c.subject, trajectory_ids)
    lines_before = await rows_by(engine, line_t.c.resource_id, trajectory_ids)
    factory, shared = a_factory(engine)

    results = await asyncio.gather(*(an_intake(factory, key) for key in trajectory_ids))

    assert [r.trajectory_version for r in results] == [before[k] + 1 for k in trajectory_ids]
    assert await versions(engine, trajectory_ids) == {k: before[k] + 1 for k in trajectory_ids}
    plus_one = [
        (await rows_by(engine, transition_t.c.trajectory_id, trajectory_ids), transitions_before),
        (await rows_by(engine, event_t.c.subject, trajectory_ids), events_before),
        (await rows_by(engine, line_t.c.resource_id, trajectory_ids), lines_before),
    ]
    for after, earlier in plus_one:
        assert {k: after[k] - earlier[k] for k in trajectory_ids} == dict.fromkeys(
            trajectory_ids, 1
        )
    assert (shared.reads.statements, shared.writes.statements) == (1, 1)


# --- write sets straight to WriteBatches -------------------------------------------------


async def test_two_write_sets_of_one_trajectory_never_share_a_statement_so_one_is_stale(
    backend: str, client: httpx.AsyncClient, auth: Auth, engine: AsyncEngine
) -> None:
    key = await register(client, auth)
    seen = (await versions(engine, [key]))[key]
    writes = WriteBatches(engine, in_flight=1)
    first, second = a_write_set(key, seen=seen), a_write_set(key, seen=seen)

    outcomes = await asyncio.gather(
        writes.write(first), writes.write(second), return_exceptions=True
    )

    assert outcomes[0] is None
    assert isinstance(outcomes[1], StaleVersion)
    assert writes.statements == 2  # the second waited for a statement of its own
    assert await versions(engine, [key]) == {key: seen + 1}
    assert await transition_ids(engine, [key]) == {key: inserted(first)}


async def test_a_stale_write_set_in_a_shared_statement_stores_nothing_and_the_others_all(
    backend: str, client: httpx.AsyncClient, auth: Auth, engine: AsyncEngine
) -> None:
    keys = [await register(client, auth) for _ in range(4)]
    stale = keys[1]
    before = await versions(engine, keys)
    sets = {k: a_write_set(k, seen=before[k] + (5 if k == stale else 0)) for k in keys}
    writes = WriteBatches(engine, in_flight=1)

    outcomes = await asyncio.gather(*(writes.write(sets[k]) for k in keys), return_exceptions=True)

    assert writes.statements == 1
    assert [isinstance(o, StaleVersion) for o in outcomes] == [k == stale for k in keys]
    assert [o is None for o in outcomes] == [k != stale for k in keys]
    assert await versions(engine, keys) == {k: before[k] + (k != stale) for k in keys}
    assert await transition_ids(engine, keys) == {
        k: set() if k == stale else inserted(sets[k]) for k in keys
    }


async def test_a_write_set_that_breaks_the_shared_statement_fails_alone(
    backend: str, client: httpx.AsyncClient, auth: Auth, engine: AsyncEngine
) -> None:
    keys = [await register(client, auth) for _ in range(4)]
    bad = keys[2]
    before = await versions(engine, keys)
    too_long = "r" * 33  # actor_role is VARCHAR(32)
    sets = {
        k: a_write_set(k, seen=before[k], actor_role=too_long if k == bad else "coordinator")
        for k in keys
    }
    writes = WriteBatches(engine, in_flight=1)

    outcomes = await asyncio.gather(*(writes.write(sets[k]) for k in keys), return_exceptions=True)

    failed = outcomes[keys.index(bad)]
    assert isinstance(failed, Exception)
    assert getattr(failed, "sqlstate", None) == "22001"  # string_data_right_truncation
    assert [o is None for o in outcomes] == [k != bad for k in keys]
    assert writes.statements == 1 + len(keys)  # the shared one failed: each went again alone
    assert await versions(engine, keys) == {k: before[k] + (k != bad) for k in keys}
    assert await transition_ids(engine, keys) == {
        k: set() if k == bad else inserted(sets[k]) for k in keys
    }


# --- TrajectoryReads ---------------------------------------------------------------------


async def test_concurrent_trajectory_reads_share_a_statement_and_each_gets_its_own_record(
    backend: str, client: httpx.AsyncClient, auth: Auth, engine: AsyncEngine
) -> None:
    _, visited = await matched(client, auth, started_days_ago=STARTED_DAYS_AGO)
    day = today()
    earlier, later = day - timedelta(days=6), day - timedelta(days=2)
    for on in (earlier, later):
        await visit(client, auth, visited, on=on)
    registered = await register(client, auth)
    stored = await versions(engine, [visited, registered])
    reads = TrajectoryReads(engine, in_flight=1)
    wanted: list[tuple[UUID, date | None]] = [
        (UUID(visited), None),
        (UUID(registered), None),
        (uuid.uuid4(), None),
        (UUID(visited), day - timedelta(days=4)),
        (UUID(visited), day),
        (UUID(registered), None),  # asked twice in one statement
        (UUID(visited), earlier - timedelta(days=1)),
    ]

    records = await asyncio.gather(*(reads.read(w) for w in wanted))

    assert reads.statements == 1
    found = [None if r is None else (str(r["id"]), r["version"], r[NEWEST]) for r in records]
    assert found == [
        (visited, stored[visited], None),  # no date asked: no newest visit looked up
        (registered, stored[registered], None),
        None,
        (visited, stored[visited], earlier),
        (visited, stored[visited], later),
        (registered, stored[registered], None),
        (visited, stored[visited], None),
    ]
    first, _ = loaded(records[0])
    assert (first.id, first.state, first.visit_counts.introduction) == (
        visited,
        TrajectoryState.INTRODUCTION,
        2,
    )
    assert first.referrer_org == f"intern:{HOST}"
    assert loaded(records[1])[0].state is TrajectoryState.REGISTERED
