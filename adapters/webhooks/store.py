"""The delivery table's SQL (CONTRACT §13.3, TECH-NOTES §10): hand sealed events out to the
subscriptions that receive them, claim due deliveries with a lease, record each attempt.
Every step is a short transaction of its own; none is open during an HTTP call."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.db.outbox import event_t, feed_state_t, stored_event
from adapters.db.sealer import seal_pending
from adapters.db.subscription_repository import (
    PENDING,
    delivery_from_row,
    delivery_t,
    subscription_from_row,
    subscription_t,
)
from domain.model.subscription import Delivery, DeliveryStatus, Subscription
from domain.services.deliveries import EventAddress, priority, receives
from domain.views import StoredEvent

HANDED_OUT: Final = "verdeeld_tot"  # feed_state: the highest volgnummer handed out
FAN_OUT_BATCH: Final = 1000


async def _cursor(conn: AsyncConnection) -> int:
    """The hand-out position, locked for this transaction on PostgreSQL (one at a time)."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    await conn.execute(
        dialect.insert(feed_state_t)
        .values(name=HANDED_OUT, value=0)
        .on_conflict_do_nothing(index_elements=["name"])
    )
    query = sa.select(feed_state_t.c.value).where(feed_state_t.c.name == HANDED_OUT)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    return int((await conn.execute(query)).scalar_one())


async def fan_out(engine: AsyncEngine, *, now: datetime, batch: int = FAN_OUT_BATCH) -> int:
    """One pass: the sealed events after the cursor, a delivery row for each subscription that
    receives it (checked now, with the creating token's rights); returns the events read."""
    async with engine.begin() as conn:
        await seal_pending(conn)
        after = await _cursor(conn)
        active = [
            subscription_from_row(row)
            for row in (
                await conn.execute(
                    sa.select(subscription_t).where(
                        subscription_t.c.status == "actief", subscription_t.c.deleted_at.is_(None)
                    )
                )
            ).all()
        ]
        if not active:  # nobody to hand out to: only move the cursor on
            await conn.execute(
                sa.update(feed_state_t)
                .where(feed_state_t.c.name == HANDED_OUT)
                .values(
                    value=sa.select(
                        sa.func.coalesce(sa.func.max(event_t.c.volgnummer), after)
                    ).scalar_subquery()
                )
            )
            return 0
        e = event_t
        events = (
            await conn.execute(
                sa.select(
                    e.c.id,
                    e.c.volgnummer,
                    e.c.type,
                    e.c.audience,
                    e.c.source_organisation,
                    e.c.recipient,
                    e.c.subject,
                )
                .where(e.c.volgnummer > after)
                .order_by(e.c.volgnummer)
                .limit(batch)
            )
        ).all()
        if not events:
            return 0
        rows = [
            _delivery_row(event, subscription, now)
            for event in events
            for subscription in active
            if receives(subscription, _address(event))
        ]
        if rows:
            dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
            await conn.execute(
                dialect.insert(delivery_t).on_conflict_do_nothing(
                    index_elements=["subscription_id", "event_id"]
                ),
                rows,
            )
        await conn.execute(
            sa.update(feed_state_t)
            .where(feed_state_t.c.name == HANDED_OUT)
            .values(value=events[-1].volgnummer)
        )
    return len(events)


def _address(event: Any) -> EventAddress:
    return EventAddress(event.type, event.audience, event.source_organisation, event.recipient)


def _delivery_row(event: Any, subscription: Subscription, now: datetime) -> dict[str, Any]:
    return {
        "id": _delivery_id(subscription.id, str(event.id)),
        "subscription_id": UUID(subscription.id),
        "event_id": event.id,
        "volgnummer": event.volgnummer,
        "subject": event.subject,
        "type": event.type,
        "priority": priority(event.type),
        "status": DeliveryStatus.PLANNED.value,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }


def _delivery_id(subscription_id: str, event_id: str) -> UUID:
    """Stable per (subscription, event): a second hand-out of the same event is the same row."""
    return uuid.uuid5(UUID(subscription_id), event_id)


@dataclass(frozen=True, slots=True)
class Claimed:
    """A delivery taken with a lease, with what its attempt needs."""

    delivery: Delivery
    subscription: Subscription
    event: StoredEvent
    lease_until: datetime


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
        sa.or_(d.c.locked_until.is_(None), d.c.locked_until < now),
        ~blocked,  # per subject in order: an earlier pending one goes first (or dies)
    )


async def claim(
    engine: AsyncEngine, *, now: datetime, lease: timedelta, batch: int
) -> list[Claimed]:
    """Due deliveries of active subscriptions, most urgent first, each leased to this worker;
    `attempts` counts the attempt now. Other workers skip rows locked here (PostgreSQL)."""
    d, s = delivery_t, subscription_t
    until = now + lease
    async with engine.begin() as conn:
        chosen = (
            sa.select(d.c.id)
            .join(s, s.c.id == d.c.subscription_id)
            .where(_due(now), s.c.status == "actief", s.c.deleted_at.is_(None))
            .order_by(d.c.priority.desc(), d.c.volgnummer)
            .limit(batch)
        )
        if conn.dialect.name == "postgresql":
            chosen = chosen.with_for_update(of=d, skip_locked=True)
        ids = list((await conn.execute(chosen)).scalars())
        if not ids:
            return []
        await conn.execute(
            sa.update(d)
            .where(d.c.id.in_(ids))
            .values(locked_until=until, attempts=d.c.attempts + 1)
        )
        rows = (
            await conn.execute(
                sa.select(d, s, event_t)
                .join(s, s.c.id == d.c.subscription_id)
                .join(event_t, event_t.c.id == d.c.event_id)
                .where(d.c.id.in_(ids))
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


async def record(
    engine: AsyncEngine, attempts: Sequence[tuple[Claimed, datetime | None]]
) -> list[bool]:
    """The outcomes of a pass's attempts, in one transaction (one commit, not one per
    delivery), each only while its worker's lease holds: a worker whose lease ran out leaves
    the row to the one that took it over. With a time, the attempt met 410: the subscription
    is disabled and its pending deliveries cancelled. Per attempt: whether it was kept."""
    d, s = delivery_t, subscription_t
    kept = []
    async with engine.begin() as conn:
        for claimed, disable_at in attempts:
            delivery = claimed.delivery
            written = await conn.execute(
                sa.update(d)
                .where(
                    d.c.id == UUID(delivery.id),
                    d.c.locked_until == claimed.lease_until,
                    d.c.attempts == delivery.attempts,
                )
                .values(
                    status=delivery.status.value,
                    next_attempt_at=delivery.next_attempt_at,
                    locked_until=None,
                    last_status_code=delivery.last_status_code,
                    last_error=delivery.last_error.value if delivery.last_error else None,
                    delivered_at=delivery.delivered_at,
                )
            )
            kept.append(written.rowcount == 1)
            if written.rowcount != 1 or disable_at is None:
                continue
            key = UUID(claimed.subscription.id)
            await conn.execute(
                sa.update(s)
                .where(s.c.id == key, s.c.status == "actief")
                .values(status="uitgeschakeld", disabled_at=disable_at, version=s.c.version + 1)
            )
            await conn.execute(
                sa.update(d)
                .where(d.c.subscription_id == key, d.c.status.in_(PENDING))
                .values(status=DeliveryStatus.CANCELLED.value, locked_until=None)
            )
    return kept


async def counts(engine: AsyncEngine) -> dict[str, int]:
    """Deliveries by status, and events not yet handed out (for /v1/metrics)."""
    async with engine.connect() as conn:
        grouped = sa.select(delivery_t.c.status, sa.func.count()).group_by(delivery_t.c.status)
        by_status: dict[str, int] = {
            str(status): int(count) for status, count in (await conn.execute(grouped)).all()
        }
        handed = (
            await conn.execute(
                sa.select(feed_state_t.c.value).where(feed_state_t.c.name == HANDED_OUT)
            )
        ).scalar()
        newest = (await conn.execute(sa.select(sa.func.max(event_t.c.volgnummer)))).scalar()
    found = dict(by_status)
    found["wachtend_in_outbox"] = max(0, int(newest or 0) - int(handed or 0))
    return found
