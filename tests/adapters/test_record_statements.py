"""Recording a batch of outcomes (`adapters/webhooks/store.record`) is the relay's busiest
write: per batch one ordered lock (PostgreSQL) and one UPDATE, and on PostgreSQL the UPDATE's
text does not depend on the batch's size, so it is compiled and prepared once."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.db.engine import make_engine
from adapters.db.subscription_repository import delivery_t
from adapters.webhooks.claimed import Claimed
from adapters.webhooks.store import record
from domain.model.subscription import Delivery, DeliveryError, DeliveryStatus, Subscription
from domain.views import StoredEvent
from tests.adapters.stored_subscription import TYPE, stored_subscription

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
LEASE = NOW + timedelta(seconds=60)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    made = make_engine(database_url, pool_size=2)
    yield made
    await made.dispose()


async def leased(engine: AsyncEngine, count: int) -> tuple[Subscription, list[Delivery]]:
    async with engine.begin() as conn:
        subscription = await stored_subscription(conn, created_at=NOW)
    deliveries = [
        Delivery(
            id=str(uuid.uuid4()),
            subscription_id=subscription.id,
            event_id=str(uuid.uuid4()),
            volgnummer=n,
            subject=str(uuid.uuid4()),
            type=TYPE,
            priority=0,
            created_at=NOW,
            next_attempt_at=NOW,
            attempts=1,
        )
        for n in range(1, count + 1)
    ]
    async with engine.begin() as conn:
        await conn.execute(
            sa.insert(delivery_t),
            [
                {
                    "id": uuid.UUID(d.id),
                    "subscription_id": uuid.UUID(subscription.id),
                    "event_id": uuid.UUID(d.event_id),
                    "volgnummer": d.volgnummer,
                    "subject": uuid.UUID(d.subject),
                    "type": TYPE,
                    "priority": 0,
                    "status": "gepland",
                    "attempts": 1,
                    "next_attempt_at": NOW,
                    "locked_until": LEASE,
                    "created_at": NOW,
                }
                for d in deliveries
            ],
        )
    return subscription, deliveries


def settled(subscription: Subscription, delivery: Delivery, *, ok: bool) -> Claimed:
    """The delivery after its attempt: delivered (204), or timed out with a retry due."""
    if ok:
        delivery.status, delivery.delivered_at = DeliveryStatus.DELIVERED, NOW
        delivery.last_status_code = 204
    else:
        delivery.status, delivery.last_error = DeliveryStatus.FAILED, DeliveryError.TIMEOUT
        delivery.next_attempt_at = NOW + timedelta(minutes=1)
    event = StoredEvent(
        delivery.event_id, 0, TYPE, "mim-demo", delivery.subject, NOW, "/", None, {}
    )
    return Claimed(delivery, subscription, event, LEASE)


def kind(statement: str) -> str:
    if statement.startswith("SELECT") and statement.rstrip().endswith("FOR UPDATE"):
        return "lock"
    return "update" if "UPDATE delivery SET" in statement else statement


async def test_a_batch_is_one_lock_and_one_update_the_same_text_for_any_size(
    engine: AsyncEngine, backend: str
) -> None:
    subscription, deliveries = await leased(engine, 5)
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    sa.event.listen(engine.sync_engine, "before_cursor_execute", seen)
    # two failed only (delivered_at all NULL), then three delivered (last_error all NULL)
    first = [(settled(subscription, d, ok=False), None) for d in deliveries[:2]]
    assert await record(engine, first) == [True, True]
    first_statements, statements[:] = list(statements), []
    second = [(settled(subscription, d, ok=True), None) for d in deliveries[2:]]
    assert await record(engine, second) == [True, True, True]
    sa.event.remove(engine.sync_engine, "before_cursor_execute", seen)

    for batch in (first_statements, statements):
        kinds = [kind(text) for text in batch if not text.upper().startswith("BEGIN")]
        assert kinds == (["lock", "update"] if backend == "postgresql" else ["update"])
    if backend == "postgresql":
        assert first_statements == statements
    async with engine.connect() as conn:
        rows = {str(row.id): row for row in (await conn.execute(sa.select(delivery_t))).all()}
    for d in deliveries[:2]:
        row = rows[d.id]
        assert (row.status, row.last_error, row.delivered_at) == ("mislukt", "timeout", None)
        assert (row.locked_until, row.next_attempt_at) == (None, NOW + timedelta(minutes=1))
    for d in deliveries[2:]:
        row = rows[d.id]
        assert (row.status, row.last_status_code, row.last_error) == ("afgeleverd", 204, None)
        assert (row.locked_until, row.delivered_at) == (None, NOW)
