"""The delivery table's SQL after the hand-out (CONTRACT §13.3, TECH-NOTES §10): claim due
deliveries with a lease, record attempts, count the backlog. Every step is a short
transaction of its own; none is open during an HTTP call."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.db.any_of import any_of
from adapters.db.outbox import event_t, feed_state_t, stored_event
from adapters.db.subscription_repository import (
    PENDING,
    delivery_from_row,
    delivery_t,
    lock_deliveries,
    subscription_from_row,
    subscription_t,
)
from adapters.webhooks.claimed import Claimed
from adapters.webhooks.hand_out import HANDED_OUT
from domain.model.subscription import DeliveryStatus

CANDIDATES_PER_SLOT: Final = 4  # claim ranks this many due rows per free slot, no more


def _due(now: datetime) -> sa.ColumnElement[bool]:
    d, earlier = delivery_t, delivery_t.alias("earlier")
    blocked = (
        sa.select(earlier.c.id)
        .where(
            earlier.c.subscription_id == d.c.subscription_id,
            earlier.c.subject == d.c.subject,
            earlier.c.volgnummer < d.c.volgnummer,
            earlier.c.status.in_(PENDING),
        )
        .exists()
    )
    return sa.and_(
        d.c.status.in_(PENDING),
        d.c.next_attempt_at <= now,
        _unleased(now),
        ~blocked,  # per subject in order: an earlier pending one goes first (or dies)
    )


def _unleased(now: datetime) -> sa.ColumnElement[bool]:
    d = delivery_t
    return sa.and_(
        d.c.status.in_(PENDING), sa.or_(d.c.locked_until.is_(None), d.c.locked_until < now)
    )


def _room(
    now: datetime,
    *,
    batch: int,
    per_subscription: int,
    in_flight: Mapping[str, int],
    active: Sequence[UUID],
) -> sa.Select[tuple[UUID]]:
    """Due deliveries of active subscriptions, most urgent first, at most `per_subscription`
    minus what this worker already has in flight for each. The ranking runs over a few times
    `batch` candidates only, so a long backlog costs no more than a short one; subscriptions
    without room are left out of the candidates, so one with a backlog cannot crowd out the
    others."""
    d = delivery_t
    full = {key for key, n in in_flight.items() if n >= per_subscription}
    open_to = [key for key in active if str(key) not in full]
    walks = []
    for urgent in (True, False):  # each walks its partial index in volgnummer order (0005)
        walk = (
            sa.select(d.c.id, d.c.subscription_id, d.c.priority, d.c.volgnummer)
            .where(_due(now), d.c.subscription_id.in_(open_to))
            .where(d.c.priority > 0 if urgent else d.c.priority <= 0)
            .order_by(d.c.volgnummer)  # the index's order: the walk stops at its limit
            .limit(batch * CANDIDATES_PER_SLOT)
        )
        walks.append(walk.subquery())
    candidates = sa.union_all(*(sa.select(w) for w in walks)).subquery("kandidaat")
    c = candidates.c
    rank = (
        sa.func.row_number()
        .over(partition_by=c.subscription_id, order_by=(c.priority.desc(), c.volgnummer))
        .label("rang")
    )
    ranked = sa.select(c.id, c.subscription_id, c.priority, c.volgnummer, rank).subquery("rang")
    room: sa.ColumnElement[int] = sa.literal(per_subscription)
    chosen = sa.select(ranked.c.id)
    busy_now = {key: n for key, n in in_flight.items() if n < per_subscription}
    if busy_now:
        busy = (
            sa.values(
                sa.column("subscription_id", d.c.subscription_id.type),
                sa.column("bezig", sa.Integer),
                name="bezig",
            )
            .data([(UUID(key), n) for key, n in busy_now.items()])
            .cte("bezig")
        )
        chosen = chosen.outerjoin(busy, busy.c.subscription_id == ranked.c.subscription_id)
        room = room - sa.func.coalesce(busy.c.bezig, 0)
    return (
        chosen.where(ranked.c.rang <= room)
        .order_by(ranked.c.priority.desc(), ranked.c.volgnummer)
        .limit(batch)
    )


async def claim(
    engine: AsyncEngine,
    *,
    now: datetime,
    lease: timedelta,
    batch: int,
    per_subscription: int,
    in_flight: Mapping[str, int] | None = None,
) -> list[Claimed]:
    """Due deliveries, most urgent first, each leased to this worker (`attempts` counts the
    attempt now), no more per subscription than it has room for. On PostgreSQL the rows are
    locked with SKIP LOCKED: another worker claiming at the same moment takes other rows."""
    d, s = delivery_t, subscription_t
    until = now + lease
    async with engine.begin() as conn:
        active = list(
            (
                await conn.execute(
                    sa.select(s.c.id).where(s.c.status == "actief", s.c.deleted_at.is_(None))
                )
            ).scalars()
        )
        if not active:
            return []
        chosen = _room(
            now,
            batch=batch,
            per_subscription=per_subscription,
            in_flight=in_flight or {},
            active=active,
        )
        ids = list((await conn.execute(chosen)).scalars())
        if not ids:
            return []
        lease_them = sa.update(d).values(locked_until=until, attempts=d.c.attempts + 1)
        if conn.dialect.name == "postgresql":
            # Locked one by one by key (a plan that stays cheap); a row another worker took
            # since it was chosen is skipped, or no longer unleased.
            lockable = (
                sa.select(d.c.id)
                .where(any_of(conn, d.c.id, ids), _unleased(now))
                .with_for_update(skip_locked=True)
            )
            lease_them = lease_them.where(d.c.id.in_(lockable.scalar_subquery()))
        else:  # SQLite: one writer at a time, nothing to skip
            lease_them = lease_them.where(d.c.id.in_(ids))
        ids = list((await conn.execute(lease_them.returning(d.c.id))).scalars())
        if not ids:
            return []
        rows = (
            await conn.execute(
                sa.select(d, s, event_t)
                .join(s, s.c.id == d.c.subscription_id)
                .join(event_t, event_t.c.id == d.c.event_id)
                .where(any_of(conn, d.c.id, ids))
                .order_by(d.c.priority.desc(), d.c.volgnummer)
            )
        ).all()
    return [_claimed(row, until) for row in rows]


def _claimed(row: Any, until: datetime) -> Claimed:
    """A row of delivery, subscription and event columns, in that order."""
    d_cols, s_cols = len(delivery_t.c), len(subscription_t.c)
    delivery_row = _Named(delivery_t, row[:d_cols])
    subscription_row = _Named(subscription_t, row[d_cols : d_cols + s_cols])
    event_row = _Named(event_t, row[d_cols + s_cols :])
    event = stored_event(event_row)
    return Claimed(
        delivery_from_row(delivery_row), subscription_from_row(subscription_row), event, until
    )


class _Named:
    """One table's share of a joined row, by column name (the tables share names like id)."""

    def __init__(self, table: sa.Table, values: Sequence[Any]) -> None:
        for column, value in zip(table.c, values, strict=True):
            setattr(self, column.name, value)

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(name)  # only for names the table lacks


_OUTCOME_COLUMNS: Final = (
    ("id", "id"),
    ("lease", "locked_until"),
    ("attempts", "attempts"),
    ("status", "status"),
    ("next_attempt_at", "next_attempt_at"),
    ("last_status_code", "last_status_code"),
    ("last_error", "last_error"),
    ("delivered_at", "delivered_at"),
)


def _outcomes(
    conn: AsyncConnection, attempts: Sequence[tuple[Claimed, datetime | None]]
) -> sa.FromClause:
    """The outcomes, one row per attempt, with the lease it held. On PostgreSQL an `unnest`
    of one array per column: the statement is the same text for any batch, compiled once and
    prepared once (a VALUES list is compiled anew for every batch). On SQLite a VALUES list
    as a CTE (SQLite has no column names on a VALUES alias)."""
    d = delivery_t
    rows = []
    for claimed, _ in attempts:
        delivery = claimed.delivery
        rows.append(
            (
                UUID(delivery.id),
                claimed.lease_until,
                delivery.attempts,
                delivery.status.value,
                delivery.next_attempt_at,
                delivery.last_status_code,
                delivery.last_error.value if delivery.last_error else None,
                delivery.delivered_at,
            )
        )
    columns = [sa.column(name, d.c[source].type) for name, source in _OUTCOME_COLUMNS]
    if conn.dialect.name == "postgresql":
        arrays = [
            sa.literal(list(values), postgresql.ARRAY(column.type))
            for values, column in zip(zip(*rows, strict=True), columns, strict=True)
        ]
        return sa.func.unnest(*arrays).table_valued(*columns).render_derived(name="uitkomst")
    return sa.values(*columns, name="uitkomst").data(rows).cte("uitkomst")


async def record(
    engine: AsyncEngine, attempts: Sequence[tuple[Claimed, datetime | None]]
) -> list[bool]:
    """The outcomes of a pass's attempts in one statement and one transaction, each kept only
    while its worker's lease holds (same lease, same attempt count): a worker whose lease ran
    out leaves the row to the one that took it over. With a time, the attempt met 410: the
    subscription is disabled and its pending deliveries cancelled. Per attempt: whether it
    was kept."""
    if not attempts:
        return []
    d = delivery_t
    ids = [UUID(claimed.delivery.id) for claimed, _ in attempts]
    gone = [UUID(claimed.subscription.id) for claimed, at in attempts if at is not None]
    async with engine.begin() as conn:
        mine = any_of(conn, d.c.id, ids)
        outcome = _outcomes(conn, attempts)
        await lock_deliveries(
            conn,
            sa.or_(mine, d.c.subscription_id.in_(gone) & d.c.status.in_(PENDING)) if gone else mine,
        )
        written = await conn.execute(
            sa.update(d)
            .where(
                d.c.id == outcome.c.id,
                d.c.locked_until == outcome.c.lease,
                d.c.attempts == outcome.c.attempts,
            )
            .values(
                status=outcome.c.status,
                next_attempt_at=outcome.c.next_attempt_at,
                locked_until=None,
                last_status_code=outcome.c.last_status_code,
                last_error=outcome.c.last_error,
                delivered_at=outcome.c.delivered_at,
            )
            .returning(d.c.id)
        )
        kept_ids = {str(key) for key in written.scalars()}
        for claimed, disable_at in attempts:
            if disable_at is not None and claimed.delivery.id in kept_ids:
                await _disable(conn, UUID(claimed.subscription.id), disable_at)
    return [claimed.delivery.id in kept_ids for claimed, _ in attempts]


async def _disable(conn: AsyncConnection, key: UUID, at: datetime) -> None:
    """410 Gone: the subscription is switched off and what it still had pending cancelled."""
    d, s = delivery_t, subscription_t
    await conn.execute(
        sa.update(s)
        .where(s.c.id == key, s.c.status == "actief")
        .values(status="uitgeschakeld", disabled_at=at, version=s.c.version + 1)
    )
    await conn.execute(
        sa.update(d)
        .where(d.c.subscription_id == key, d.c.status.in_(PENDING))
        .values(status=DeliveryStatus.CANCELLED.value, locked_until=None)
    )


@dataclass(frozen=True, slots=True)
class Backlog:
    """What /v1/metrics shows of the relay, read from the tables (whichever process relays)."""

    by_status: dict[str, int]
    not_handed_out: int  # events after the hand-out cursor, or not yet sealed
    oldest_wait: datetime | None  # the oldest such event, or the longest-due delivery


async def backlog(engine: AsyncEngine, *, now: datetime) -> Backlog:
    d, e = delivery_t, event_t
    async with engine.connect() as conn:
        grouped = sa.select(d.c.status, sa.func.count()).group_by(d.c.status)
        by_status = {str(status): int(n) for status, n in (await conn.execute(grouped)).all()}
        handed = (
            await conn.execute(
                sa.select(feed_state_t.c.value).where(feed_state_t.c.name == HANDED_OUT)
            )
        ).scalar() or 0
        waiting = (
            await conn.execute(
                sa.select(sa.func.count(), sa.func.min(e.c.time)).where(
                    sa.or_(e.c.volgnummer > handed, e.c.volgnummer.is_(None))  # or unsealed
                )
            )
        ).one()
        due = (
            await conn.execute(
                sa.select(sa.func.min(d.c.next_attempt_at)).where(
                    d.c.status.in_(PENDING), d.c.next_attempt_at <= now
                )
            )
        ).scalar()
    moments = [m for m in (waiting[1], due) if m is not None]
    return Backlog(by_status, int(waiting[0]), min(moments) if moments else None)
