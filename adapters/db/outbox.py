"""The transactional outbox: event rows written with the change, read by the feed.

`volgnummer` comes from one service-wide counter. A reader polling `na=<n>` must never skip
a row that commits late, so on PostgreSQL the allocation is serialised by a transaction-level
advisory lock held to commit: numbers become visible in the order they were handed out.
SQLite serialises writers anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Final
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.db.tables import EventRow, FeedStateRow
from domain.events import Audience, DomainEvent
from domain.views import StoredEvent

event_t: sa.Table = EventRow.__table__  # type: ignore[assignment]
feed_state_t: sa.Table = FeedStateRow.__table__  # type: ignore[assignment]

OUTBOX_LOCK_KEY: Final = 0x4D494D01  # "MIM" + 1: the outbox sequence
_LOCK = sa.text("SELECT pg_advisory_xact_lock(:key)")


async def write_events(
    conn: AsyncConnection,
    events: Sequence[DomainEvent],
    *,
    ids: Sequence[str],
    at: datetime,
    traceparent: str | None,
) -> list[int]:
    """Inserts the events after the current maximum, in order; returns their volgnummers."""
    if conn.dialect.name == "postgresql":
        await conn.execute(_LOCK, {"key": OUTBOX_LOCK_KEY})
    current = (await conn.execute(sa.select(sa.func.max(event_t.c.volgnummer)))).scalar()
    start = int(current or 0) + 1
    rows = [
        {
            "id": UUID(event_id),
            "volgnummer": start + n,
            "type": event.type,
            "source_organisation": event.organisation,
            "municipality": event.municipality,
            "audience": event.audience.value,
            "recipient": event.recipient,
            "subject": UUID(event.subject),
            "time": at,
            "dataref": event.dataref(),
            "traceparent": traceparent,
            "data": event.data(),
        }
        for n, (event, event_id) in enumerate(zip(events, ids, strict=True))
    ]
    await conn.execute(sa.insert(event_t), rows)
    return [row["volgnummer"] for row in rows]


def _stored(row: Any) -> StoredEvent:
    return StoredEvent(
        id=str(row.id),
        volgnummer=row.volgnummer,
        type=row.type,
        source_organisation=row.source_organisation,
        subject=str(row.subject),
        time=row.time,
        dataref=row.dataref,
        traceparent=row.traceparent,
        data=row.data,
    )


class SqlEventFeed:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def after(
        self,
        volgnummer: int,
        *,
        organisation: str,
        audiences: frozenset[str],
        types: frozenset[str],
        municipalities: frozenset[str] | None,
        limit: int,
    ) -> Sequence[StoredEvent]:
        if not audiences:
            return []
        e = event_t
        host_audiences = sorted(audiences - {Audience.REFERRER})
        visible = []
        if host_audiences:
            host = sa.and_(
                e.c.source_organisation == organisation, e.c.audience.in_(host_audiences)
            )
            if municipalities is not None:
                host = sa.and_(host, e.c.municipality.in_(sorted(municipalities)))
            visible.append(host)
        if Audience.REFERRER in audiences:
            visible.append(
                sa.and_(e.c.audience == Audience.REFERRER, e.c.recipient == organisation)
            )
        query = sa.select(e).where(e.c.volgnummer > volgnummer, sa.or_(*visible))
        if types:
            query = query.where(e.c.type.in_(sorted(types)))
        query = query.order_by(e.c.volgnummer).limit(limit)
        return [_stored(row) for row in (await self._conn.execute(query)).all()]

    async def last_purged(self) -> int:
        query = sa.select(feed_state_t.c.value).where(feed_state_t.c.name == "laatst_verwijderd")
        value = (await self._conn.execute(query)).scalar()
        return int(value or 0)
