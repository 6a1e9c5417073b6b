"""The head of the outbox, which the GraphQL event watch polls while subscribers wait.

A committed event first lies unsealed (no volgnummer), then the sealer numbers it; either step
changes the head, so a waiting subscriber reads the feed (whose read seals) after each. Both
halves are index lookups: the unique index on `volgnummer`, the partial `ix_event_unsealed`.
"""

from __future__ import annotations

from typing import Final

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

_HEAD: Final = sa.text(
    "SELECT (SELECT MAX(volgnummer) FROM event),"
    " (SELECT COUNT(*) FROM event WHERE volgnummer IS NULL)"
)


async def event_head(engine: AsyncEngine) -> tuple[int, int]:
    """(highest volgnummer, unsealed events): equal heads mean nothing new to read or seal."""
    async with engine.connect() as conn:
        highest, unsealed = (await conn.execute(_HEAD)).one()
    return int(highest or 0), int(unsealed)
