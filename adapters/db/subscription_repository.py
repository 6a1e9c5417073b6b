"""SQL repositories of webhook subscriptions and their deliveries (SQLAlchemy Core)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.db.lazy_connection import LazyConnection
from adapters.db.repositories import Tracked, uuid_or_none
from adapters.db.tables import table_of
from adapters.db.webhook_tables import DeliveryRow, SubscriptionRow
from domain.model.subscription import (
    Delivery,
    DeliveryError,
    DeliveryStatus,
    Subscription,
    SubscriptionStatus,
)
from domain.ports import StaleVersion

subscription_t = table_of(SubscriptionRow)
delivery_t = table_of(DeliveryRow)
PENDING = (DeliveryStatus.PLANNED.value, DeliveryStatus.FAILED.value)


def subscription_row(s: Subscription) -> dict[str, Any]:
    return {
        "id": UUID(s.id),
        "organisation": s.organisation,
        "url": s.url,
        "types": list(s.types),
        "description": s.description,
        "role": s.role,
        "scopes": sorted(s.scopes),
        "secret": s.secret,
        "status": s.status.value,
        "version": s.version,
        "created_at": s.created_at,
        "disabled_at": s.disabled_at,
    }


def subscription_from_row(row: Any) -> Subscription:
    return Subscription(
        id=str(row.id),
        organisation=row.organisation,
        url=row.url,
        types=tuple(row.types),
        description=row.description,
        role=row.role,
        scopes=frozenset(row.scopes),
        secret=row.secret,
        created_at=row.created_at,
        status=SubscriptionStatus(row.status),
        disabled_at=row.disabled_at,
        version=row.version,
    )


def delivery_from_row(row: Any) -> Delivery:
    return Delivery(
        id=str(row.id),
        subscription_id=str(row.subscription_id),
        event_id=str(row.event_id),
        volgnummer=row.volgnummer,
        subject=str(row.subject),
        type=row.type,
        priority=row.priority,
        created_at=row.created_at,
        next_attempt_at=row.next_attempt_at,
        status=DeliveryStatus(row.status),
        attempts=row.attempts,
        last_status_code=row.last_status_code,
        last_error=DeliveryError(row.last_error) if row.last_error else None,
        delivered_at=row.delivered_at,
    )


class SqlSubscriptionRepository:
    def __init__(self, conn: LazyConnection, tracked: Tracked) -> None:
        self._conn, self._tracked = conn, tracked

    def add(self, subscription: Subscription) -> None:
        self._tracked.inserts.append((subscription_t, subscription_row(subscription)))

    async def get(self, subscription_id: str) -> Subscription | None:
        key = uuid_or_none(subscription_id)
        if key is None:
            return None
        query = sa.select(subscription_t).where(
            subscription_t.c.id == key, subscription_t.c.deleted_at.is_(None)
        )
        row = (await self._conn.execute(query)).first()
        if row is None:
            return None
        found = subscription_from_row(row)
        self._tracked.subscriptions.append(found)
        self._tracked.loaded_versions.setdefault(found.id, found.version)
        self._tracked.loaded_rows.setdefault(found.id, subscription_row(found))
        return found

    async def page(
        self, organisation: str, *, after: tuple[datetime, str] | None, limit: int
    ) -> Sequence[Subscription]:
        s = subscription_t
        query = sa.select(s).where(s.c.organisation == organisation, s.c.deleted_at.is_(None))
        if after is not None:
            at, key = after
            query = query.where(sa.tuple_(s.c.created_at, s.c.id) < (at, uuid_or_none(key)))
        query = query.order_by(s.c.created_at.desc(), s.c.id.desc()).limit(limit)
        return [subscription_from_row(row) for row in (await self._conn.execute(query)).all()]

    def delete(self, subscription: Subscription, *, at: datetime) -> None:
        self._tracked.deleted_subscriptions.append((subscription.id, at))


class SqlDeliveryRepository:
    def __init__(self, conn: LazyConnection, tracked: Tracked) -> None:
        self._conn, self._tracked = conn, tracked

    async def get(self, subscription_id: str, delivery_id: str) -> Delivery | None:
        sub_key, key = uuid_or_none(subscription_id), uuid_or_none(delivery_id)
        if sub_key is None or key is None:
            return None
        query = sa.select(delivery_t).where(
            delivery_t.c.subscription_id == sub_key, delivery_t.c.id == key
        )
        row = (await self._conn.execute(query)).first()
        if row is None:
            return None
        found = delivery_from_row(row)
        self._tracked.deliveries.append((found, found.status))
        return found

    async def page(
        self,
        subscription_id: str,
        *,
        statuses: frozenset[DeliveryStatus],
        after: tuple[datetime, str] | None,
        limit: int,
    ) -> Sequence[Delivery]:
        d = delivery_t
        query = sa.select(d).where(d.c.subscription_id == uuid_or_none(subscription_id))
        if statuses:
            query = query.where(d.c.status.in_(sorted(statuses)))
        if after is not None:
            at, key = after
            query = query.where(sa.tuple_(d.c.created_at, d.c.id) < (at, uuid_or_none(key)))
        query = query.order_by(d.c.created_at.desc(), d.c.id.desc()).limit(limit)
        return [delivery_from_row(row) for row in (await self._conn.execute(query)).all()]


async def lock_deliveries(conn: AsyncConnection, condition: sa.ColumnElement[bool]) -> None:
    """PostgreSQL: the delivery rows a write is about to change, locked first and in id order.
    Every writer that changes several deliveries (a relay recording its batch, a 410 or a
    DELETE cancelling what a subscription had pending) takes them this way, so two of them
    never wait on each other in a circle (a deadlock aborts one and loses its outcomes).
    SQLite has one writer at a time."""
    if conn.dialect.name == "postgresql":
        await conn.execute(
            sa.select(delivery_t.c.id).where(condition).order_by(delivery_t.c.id).with_for_update()
        )


async def write_subscription_changes(conn: AsyncConnection, tracked: Tracked) -> None:
    """Deleted subscriptions and their cancelled deliveries; restarted deliveries, each
    guarded by the status it was read in."""
    for subscription_id, at in tracked.deleted_subscriptions:
        key = UUID(subscription_id)
        await lock_deliveries(
            conn, (delivery_t.c.subscription_id == key) & delivery_t.c.status.in_(PENDING)
        )
        await conn.execute(
            sa.update(subscription_t).where(subscription_t.c.id == key).values(deleted_at=at)
        )
        await conn.execute(
            sa.update(delivery_t)
            .where(delivery_t.c.subscription_id == key, delivery_t.c.status.in_(PENDING))
            .values(status=DeliveryStatus.CANCELLED.value, locked_until=None)
        )
    for delivery, read_as in tracked.deliveries:
        if delivery.status is read_as:
            continue
        statement = (
            sa.update(delivery_t)
            .where(delivery_t.c.id == UUID(delivery.id), delivery_t.c.status == read_as.value)
            .values(
                status=delivery.status.value,
                attempts=delivery.attempts,
                next_attempt_at=delivery.next_attempt_at,
                last_error=delivery.last_error.value if delivery.last_error else None,
                locked_until=None,
            )
        )
        if (await conn.execute(statement)).rowcount != 1:
            raise StaleVersion("the delivery changed since it was read")
