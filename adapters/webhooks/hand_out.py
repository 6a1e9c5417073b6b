"""Handing sealed events out (CONTRACT §13.3, TECH-NOTES §10): after the cursor, a delivery
row for each subscription that receives the event, checked then with the creating token's
rights; with a capacity, the rows the caller can start now come back leased to it."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.db.any_of import any_of
from adapters.db.outbox import event_t, feed_state_t, stored_event
from adapters.db.sealer import seal_pending
from adapters.db.subscription_repository import (
    PENDING,
    delivery_from_row,
    delivery_t,
    subscription_from_row,
    subscription_t,
)
from adapters.webhooks.claimed import Claimed
from domain.model.subscription import DeliveryStatus, Subscription
from domain.services.deliveries import EventAddress, priority, receives

HANDED_OUT: Final = "verdeeld_tot"  # feed_state: the highest volgnummer handed out
FAN_OUT_BATCH: Final = 1000


async def _cursor(conn: AsyncConnection) -> int:
    """The hand-out position, in one statement: created at 0 the first time, and locked for
    this transaction (an upsert locks its row on PostgreSQL: one hand-out at a time)."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    upsert = dialect.insert(feed_state_t).values(name=HANDED_OUT, value=0)
    upsert = upsert.on_conflict_do_update(
        index_elements=["name"], set_={"value": feed_state_t.c.value}
    ).returning(feed_state_t.c.value)
    return int((await conn.execute(upsert)).scalar_one())


@dataclass(frozen=True, slots=True)
class Capacity:
    """What a worker can start now: free slots, and room per subscription."""

    free: int
    per_subscription: int
    in_flight: Mapping[str, int]

    def room(self, subscription_id: str) -> int:
        return self.per_subscription - self.in_flight.get(subscription_id, 0)


@dataclass(frozen=True, slots=True)
class HandOut:
    read: int  # events handed out
    started: list[Claimed]  # deliveries leased to the caller at once (with a capacity)


async def fan_out(
    engine: AsyncEngine,
    *,
    now: datetime,
    batch: int = FAN_OUT_BATCH,
    lease: timedelta | None = None,
    capacity: Capacity | None = None,
) -> HandOut:
    """One pass: the sealed events after the cursor, a delivery row for each subscription that
    receives it (checked now, with the creating token's rights).

    With a capacity, the caller takes no more events than it can start, and the rows it can
    start now are inserted already leased to it: the outbox stays the queue, and in the
    steady state a delivery needs no claim. A row whose subscription has no room, or whose
    subject has an earlier delivery still pending there, is left for `claim`."""
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
            return HandOut(0, [])
        if capacity is not None:
            batch = min(batch, capacity.free, max(capacity.room(s.id) for s in active))
            if batch <= 0:
                return HandOut(0, [])
        events = (
            await conn.execute(
                sa.select(event_t)
                .where(event_t.c.volgnummer > after)
                .order_by(event_t.c.volgnummer)
                .limit(batch)
            )
        ).all()
        if not events:
            return HandOut(0, [])
        pairs = [
            (event, subscription)
            for event in events
            for subscription in active
            if receives(subscription, _address(event))
        ]
        rows = [_delivery_row(event, subscription, now) for event, subscription in pairs]
        started: list[Claimed] = []
        if capacity is not None and lease is not None and rows:
            started = await _lease_at_once(conn, pairs, rows, capacity, now + lease)
        if rows:
            dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
            inserted = set(
                (
                    await conn.execute(
                        dialect.insert(delivery_t)
                        .on_conflict_do_nothing(index_elements=["subscription_id", "event_id"])
                        .returning(delivery_t.c.id),
                        rows,
                    )
                ).scalars()
            )
            # a row that was there already (handed out before) is not this worker's to start
            started = [c for c in started if UUID(c.delivery.id) in inserted]
        await conn.execute(
            sa.update(feed_state_t)
            .where(feed_state_t.c.name == HANDED_OUT)
            .values(value=events[-1].volgnummer)
        )
    return HandOut(len(events), started)


async def _lease_at_once(
    conn: AsyncConnection,
    pairs: Sequence[tuple[Any, Subscription]],
    rows: list[dict[str, Any]],
    capacity: Capacity,
    until: datetime,
) -> list[Claimed]:
    """Marks the rows the caller can start now as leased to it (in place) and returns them:
    in order, within the free slots and each subscription's room, and never a subject's row
    while an earlier one for the same subscription is pending (stored, or earlier here)."""
    d = delivery_t
    subjects = {row["subject"] for row in rows}
    waiting = {
        (str(key), str(subject))
        for key, subject in (
            await conn.execute(
                sa.select(d.c.subscription_id, d.c.subject).where(
                    d.c.status.in_(PENDING), any_of(conn, d.c.subject, subjects)
                )
            )
        ).all()
    }
    taken: dict[str, int] = {}
    started: list[Claimed] = []
    for (event, subscription), row in zip(pairs, rows, strict=True):
        pair = (subscription.id, str(row["subject"]))
        room = capacity.room(subscription.id) - taken.get(subscription.id, 0)
        if pair not in waiting and room > 0 and len(started) < capacity.free:
            row.update(locked_until=until, attempts=1)
            taken[subscription.id] = taken.get(subscription.id, 0) + 1
            delivery = delivery_from_row(_Row(row))
            started.append(Claimed(delivery, subscription, stored_event(event), until))
        waiting.add(pair)  # a later event about this subject waits for this one
    return started


class _Row:
    """A delivery row being inserted, read as the mapper reads a stored one."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)


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
        "locked_until": None,
        "last_status_code": None,
        "last_error": None,
        "created_at": now,
        "delivered_at": None,
    }


def _delivery_id(subscription_id: str, event_id: str) -> UUID:
    """Stable per (subscription, event): a second hand-out of the same event is the same row."""
    return uuid.uuid5(UUID(subscription_id), event_id)
