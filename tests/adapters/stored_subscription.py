"""A subscription stored as the API would store it, for tests of the delivery table's SQL."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.db.subscription_repository import subscription_row, subscription_t
from domain.model.subscription import Subscription

TYPE = "nl.mim.verwijzing.ontvangen"


async def stored_subscription(conn: AsyncConnection, *, created_at: datetime) -> Subscription:
    """An active subscription of `mim-demo` to referrals, at a callback nobody answers."""
    subscription = Subscription(
        id=str(uuid.uuid4()),
        organisation="mim-demo",
        url="http://127.0.0.1:9/h",
        types=(TYPE,),
        description=None,
        role="coordinator",
        scopes=frozenset(),
        secret="whsec_x",
        created_at=created_at,
    )
    await conn.execute(sa.insert(subscription_t).values(subscription_row(subscription)))
    return subscription
