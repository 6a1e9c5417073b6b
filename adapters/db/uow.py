"""The unit of work: one connection, one transaction: domain rows, outbox and audit together."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.db.audit import Outcome, SqlAuditLog, line_rows, line_t, write_lines
from adapters.db.group_commit import GroupCommit
from adapters.db.idempotency import SqlIdempotencyStore, record_row
from adapters.db.intake_statement import NewReferralRows
from adapters.db.lazy_connection import LazyConnection
from adapters.db.lifecycle_repositories import (
    SqlSupervisionRepository,
    SqlTransitionLog,
    SqlVisitRepository,
    SqlVolunteerRepository,
)
from adapters.db.mappers import referral_row, trajectory_row
from adapters.db.meldcode_repository import SqlMeldcodeRepository
from adapters.db.outbox import SqlEventFeed, event_rows, event_t, write_events
from adapters.db.read_batches import TrajectoryReads
from adapters.db.repositories import (
    SqlReferralRepository,
    SqlTrajectoryRepository,
    Tracked,
    insert_referral,
)
from adapters.db.subscription_repository import SqlDeliveryRepository, SqlSubscriptionRepository
from adapters.db.write_back import write_changes
from adapters.db.write_batches import WriteBatches
from adapters.db.write_statement import WriteSet, write_set
from adapters.db.write_statement import execute as execute_write_set
from domain.events import DomainEvent
from domain.model.audit import AuditEntry
from domain.model.referral import Referral
from domain.model.trajectory import Trajectory
from domain.ports import AccessContext, Clock, IdGenerator, KeyTaken


class SqlUnitOfWork:
    referrals: SqlReferralRepository
    trajectories: SqlTrajectoryRepository
    volunteers: SqlVolunteerRepository
    transitions: SqlTransitionLog
    visits: SqlVisitRepository
    supervisions: SqlSupervisionRepository
    meldcode: SqlMeldcodeRepository
    subscriptions: SqlSubscriptionRepository
    deliveries: SqlDeliveryRepository
    events: SqlEventFeed
    idempotency: SqlIdempotencyStore
    audit: SqlAuditLog

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        context: AccessContext,
        clock: Clock,
        ids: IdGenerator,
        shared: SharedStatements | None = None,
    ) -> None:
        self._engine, self._context, self._clock, self._ids = engine, context, clock, ids
        self._shared = shared
        self._conn: LazyConnection | None = None
        self.committed = False

    async def __aenter__(self) -> SqlUnitOfWork:
        self._conn = conn = LazyConnection(self._engine)
        self._tracked = Tracked()
        self.referrals = SqlReferralRepository(conn, self._tracked)
        reads = self._shared.reads if self._shared is not None else None
        self.trajectories = SqlTrajectoryRepository(conn, self._tracked, reads=reads)
        self.volunteers = SqlVolunteerRepository(conn, self._tracked)
        self.transitions = SqlTransitionLog(conn, self._tracked)
        self.visits = SqlVisitRepository(conn, self._tracked)
        self.supervisions = SqlSupervisionRepository(conn, self._tracked)
        self.meldcode = SqlMeldcodeRepository(conn, self._tracked)
        self.subscriptions = SqlSubscriptionRepository(conn, self._tracked)
        self.deliveries = SqlDeliveryRepository(conn, self._tracked)
        self.events = SqlEventFeed(conn)
        self.idempotency = SqlIdempotencyStore(conn, now=self._clock.now())
        self.audit = SqlAuditLog()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            await conn.close()

    def _pending_events(self) -> list[DomainEvent]:
        events: list[DomainEvent] = []
        tracked = self._tracked
        pending: list[list[DomainEvent]] = [t.pending_events for t in tracked.trajectories]
        pending += [v.pending_events for v in [*tracked.volunteers, *tracked.new_volunteers]]
        pending += [c.pending_events for c in [*tracked.cases, *tracked.new_cases]]
        for queue in {id(q): q for q in pending}.values():
            events.extend(queue)
            queue.clear()
        return events

    async def commit(self) -> None:
        """Writes the staged referral, idempotency, outbox and audit rows with the domain rows,
        then commits once; `KeyTaken` (nothing kept) when a key is already stored."""
        lazy = self._require()
        now = self._clock.now()
        events = self._pending_events()
        staged = self._tracked.new_referral
        shared = self._shared
        if staged is not None and shared is not None and self._fits_one_statement(lazy):
            await self._commit_in_one_statement(shared.intakes, staged, events, now)
            return
        writes = write_set(self._tracked) if self._one_statement_fits(staged) else None
        if writes is not None:
            self._stage_rows(writes, events, now)
            if shared is not None and writes.update is not None and not lazy.in_transaction():
                await shared.writes.write(writes)  # with concurrent requests' write sets
            else:
                conn = await lazy.connection()
                await execute_write_set(conn, writes)
                await conn.commit()
            self.committed = True
            return
        conn = await lazy.connection()
        if staged is not None and not await insert_referral(conn, *staged):
            raise KeyTaken("business key already stored")
        await write_changes(conn, self._tracked)
        await self.idempotency.flush()
        if events:
            ids = [self._ids.new() for _ in events]
            await write_events(conn, events, ids=ids, at=now, traceparent=self._context.traceparent)
        if self.audit.entries:
            await write_lines(
                conn, self.audit.entries, context=self._context, ids=self._ids, at=now
            )
            self.audit.entries.clear()
        await conn.commit()
        self.committed = True

    def _one_statement_fits(self, staged: tuple[Referral, Trajectory] | None) -> bool:
        """PostgreSQL, no new referral, no idempotency record (its upsert decides KeyTaken)."""
        return (
            self._engine.dialect.name == "postgresql"
            and staged is None
            and not self.idempotency.pending
        )

    def _stage_rows(self, writes: WriteSet, events: list[DomainEvent], now: datetime) -> None:
        """The events' outbox rows and the audit lines join the write set."""
        if events:
            ids = [self._ids.new() for _ in events]
            traceparent = self._context.traceparent
            writes.add(event_t, event_rows(events, ids=ids, at=now, traceparent=traceparent))
        if self.audit.entries:
            writes.add(
                line_t, line_rows(self.audit.entries, context=self._context, ids=self._ids, at=now)
            )
            self.audit.entries.clear()

    def _fits_one_statement(self, conn: LazyConnection) -> bool:
        """Nothing sent yet in this unit of work, at most one idempotency record."""
        return conn.opened is None and len(self.idempotency.pending) <= 1

    async def _commit_in_one_statement(
        self,
        group: GroupCommit,
        staged: tuple[Referral, Trajectory],
        events: list[DomainEvent],
        now: datetime,
    ) -> None:
        referral, trajectory = staged
        pending = self.idempotency.pending
        event_ids = [self._ids.new() for _ in events]
        rows = NewReferralRows(
            referral=referral_row(referral),
            trajectory=trajectory_row(trajectory),
            record=record_row(*pending[0], now=now) if pending else None,
            events=event_rows(events, ids=event_ids, at=now, traceparent=self._context.traceparent),
            lines=line_rows(self.audit.entries, context=self._context, ids=self._ids, at=now),
        )
        await group.write(rows)
        pending.clear()
        self.audit.entries.clear()
        self.committed = True

    async def rollback(self) -> None:
        conn = self._require().opened
        if conn is not None:
            await conn.rollback()

    def _require(self) -> LazyConnection:
        if self._conn is None:
            raise RuntimeError("unit of work used outside `async with`")
        return self._conn


@dataclass(frozen=True, slots=True)
class SharedStatements:
    """PostgreSQL: the hot-path statements concurrent requests share (one set per engine)."""

    intakes: GroupCommit
    reads: TrajectoryReads
    writes: WriteBatches

    @classmethod
    def of(cls, engine: AsyncEngine) -> SharedStatements:
        return cls(GroupCommit(engine), TrajectoryReads(engine), WriteBatches(engine))


class SqlUnitOfWorkFactory:
    """Makes units of work for one engine; the doors bind the access context per request.
    On PostgreSQL new referrals, trajectory reads and one-aggregate writes share statements
    with concurrent requests (adapters.db.statement_batcher)."""

    def __init__(self, engine: AsyncEngine, *, clock: Clock, ids: IdGenerator) -> None:
        self.engine, self.clock, self.ids = engine, clock, ids
        postgres = engine.dialect.name == "postgresql"
        self.shared = SharedStatements.of(engine) if postgres else None

    def __call__(self, context: AccessContext) -> SqlUnitOfWork:
        return SqlUnitOfWork(
            self.engine, context=context, clock=self.clock, ids=self.ids, shared=self.shared
        )

    async def record_failure(
        self, context: AccessContext, entries: Sequence[AuditEntry], *, outcome: Outcome
    ) -> None:
        """Audit lines of a request that failed after authentication, in a short transaction
        of their own after the rollback (CONTRACT §15)."""
        async with self.engine.connect() as conn:
            await write_lines(
                conn, entries, context=context, ids=self.ids, at=self.clock.now(), outcome=outcome
            )
            await conn.commit()
