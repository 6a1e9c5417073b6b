"""Two relays recording at once never deadlock (PostgreSQL): one relay's 410 cancels every
pending delivery of the subscription while another records its own leased rows of it. Both
take their row locks in id order first (`lock_deliveries`), so one simply waits for the
other; before, they locked in opposite orders and PostgreSQL aborted one, whose outcomes
were then lost and sent again after the lease."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.db.engine import make_engine
from adapters.db.subscription_repository import delivery_t, subscription_t
from adapters.webhooks.claimed import Claimed
from adapters.webhooks.store import record
from domain.model.subscription import Delivery, DeliveryStatus, Subscription
from domain.views import StoredEvent
from tests.adapters.stored_subscription import stored_subscription

pytestmark = pytest.mark.backends("postgresql")

NOW = datetime.now(UTC)
LEASE_A, LEASE_B = NOW + timedelta(seconds=60), NOW + timedelta(seconds=61)
SUBJECT = str(uuid.uuid4())
# ordered as the keys sort: A's 410 row first, then B's rows around a row C holds a moment
KEYS = dict(zip(("x", "b1", "m", "b2"), sorted(uuid.uuid4() for _ in range(4)), strict=True))
LEASES = {"x": LEASE_A, "b1": LEASE_B, "m": None, "b2": LEASE_B}


@pytest.fixture
async def pg_engine(backend: str, database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(database_url, pool_size=5)
    yield engine
    await engine.dispose()


async def one_subscription(engine: AsyncEngine) -> Subscription:
    async with engine.begin() as conn:
        subscription = await stored_subscription(conn, created_at=NOW)
        key = uuid.UUID(subscription.id)
        for n, (name, row_id) in enumerate(KEYS.items(), 1):
            await conn.execute(
                sa.insert(delivery_t).values(
                    id=row_id,
                    subscription_id=key,
                    event_id=uuid.uuid4(),
                    volgnummer=n,
                    subject=uuid.UUID(SUBJECT),
                    type="nl.mim.verwijzing.ontvangen",
                    priority=0,
                    status="gepland",
                    attempts=0 if LEASES[name] is None else 1,
                    next_attempt_at=NOW,
                    locked_until=LEASES[name],
                    created_at=NOW,
                )
            )
    return subscription


def attempt(subscription: Subscription, name: str, status: DeliveryStatus) -> Claimed:
    delivery = Delivery(
        id=str(KEYS[name]),
        subscription_id=subscription.id,
        event_id=str(uuid.uuid4()),
        volgnummer=0,
        subject=SUBJECT,
        type="nl.mim.verwijzing.ontvangen",
        priority=0,
        created_at=NOW,
        next_attempt_at=NOW + timedelta(seconds=10),
        status=status,
        attempts=1,
    )
    event = StoredEvent(
        str(uuid.uuid4()), 0, delivery.type, "mim-demo", SUBJECT, NOW, "/", None, {}
    )
    lease = LEASES[name]
    assert lease is not None
    return Claimed(delivery, subscription, event, lease)


async def test_a_410_and_another_relays_record_do_not_deadlock(pg_engine: AsyncEngine) -> None:
    subscription = await one_subscription(pg_engine)
    holder = await pg_engine.connect()  # C holds m, as a relay claiming it would
    await holder.execute(
        sa.select(delivery_t.c.id).where(delivery_t.c.id == KEYS["m"]).with_for_update()
    )
    gone = asyncio.create_task(
        record(pg_engine, [(attempt(subscription, "x", DeliveryStatus.CANCELLED), NOW)])
    )
    await asyncio.sleep(0.3)  # A waits on m
    other = asyncio.create_task(
        record(
            pg_engine,
            [
                (attempt(subscription, "b2", DeliveryStatus.FAILED), None),
                (attempt(subscription, "b1", DeliveryStatus.FAILED), None),
            ],
        )
    )
    await asyncio.sleep(0.3)  # B waits too
    await holder.commit()
    await holder.close()
    assert await gone == [True]
    assert await other == [False, False]  # cancelled by the 410 first: not B's to record
    async with pg_engine.connect() as conn:
        rows = dict((await conn.execute(sa.select(delivery_t.c.id, delivery_t.c.status))).all())
        disabled = (await conn.execute(sa.select(subscription_t.c.status))).scalar_one()
    assert {rows[KEYS[n]] for n in ("b1", "m", "b2")} == {"geannuleerd"}
    assert disabled == "uitgeschakeld"
