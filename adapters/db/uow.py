"""The unit of work: one connection, one transaction: domain rows, outbox and audit together."""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.db.audit import Outcome, SqlAuditLog, write_lines
from adapters.db.idempotency import SqlIdempotencyStore
from adapters.db.outbox import SqlEventFeed, write_events
from adapters.db.repositories import SqlReferralRepository, SqlTrajectoryRepository, Tracked
from domain.events import DomainEvent
from domain.model.audit import AuditEntry
from domain.ports import AccessContext, Clock, IdGenerator


class SqlUnitOfWork:
    referrals: SqlReferralRepository
    trajectories: SqlTrajectoryRepository
    events: SqlEventFeed
    idempotency: SqlIdempotencyStore
    audit: SqlAuditLog

    def __init__(
        self, engine: AsyncEngine, *, context: AccessContext, clock: Clock, ids: IdGenerator
    ) -> None:
        self._engine, self._context, self._clock, self._ids = engine, context, clock, ids
        self._conn: AsyncConnection | None = None
        self.committed = False

    async def __aenter__(self) -> SqlUnitOfWork:
        self._conn = conn = await self._engine.connect()
        self._tracked = Tracked()
        self.referrals = SqlReferralRepository(conn, self._tracked)
        self.trajectories = SqlTrajectoryRepository(conn, self._tracked)
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
        if conn is None:
            return
        try:
            if conn.in_transaction():
                await conn.rollback()
        finally:
            await conn.close()

    def _pending_events(self) -> list[DomainEvent]:
        events: list[DomainEvent] = []
        for aggregate in self._tracked.trajectories:
            events.extend(aggregate.pending_events)
            aggregate.pending_events.clear()
        return events

    async def commit(self) -> None:
        """Writes idempotency, outbox and audit rows with the domain rows, then commits once."""
        conn = self._require()
        now = self._clock.now()
        await self.idempotency.flush()
        events = self._pending_events()
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

    async def rollback(self) -> None:
        await self._require().rollback()

    def _require(self) -> AsyncConnection:
        if self._conn is None:
            raise RuntimeError("unit of work used outside `async with`")
        return self._conn


class SqlUnitOfWorkFactory:
    """Makes units of work for one engine; the doors bind the access context per request."""

    def __init__(self, engine: AsyncEngine, *, clock: Clock, ids: IdGenerator) -> None:
        self.engine, self.clock, self.ids = engine, clock, ids

    def __call__(self, context: AccessContext) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, context=context, clock=self.clock, ids=self.ids)

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
