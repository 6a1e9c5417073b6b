"""The transactional outbox: event rows written with the change, read by the feed.

`volgnummer` comes from one service-wide counter. A reader polling `na=<n>` must never skip
a row that commits late, so rows are written without a number and the sealer
(`adapters.db.sealer`) numbers committed rows in one serial pass: a number is only ever
handed out to a row that is already visible, after every lower number. Serialising the
allocation this way, instead of holding a lock to commit, keeps concurrent commits (and
their fsyncs) in parallel.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.db.json_rows import insert_rows
from adapters.db.lazy_connection import LazyConnection
from adapters.db.sealer import seal_pending
from adapters.db.tables import EventRow, FeedStateRow, table_of
from domain.events import Audience, DomainEvent
from domain.views import StoredEvent

event_t = table_of(EventRow)
feed_state_t = table_of(FeedStateRow)


def event_rows(
    events: Sequence[DomainEvent], *, ids: Sequence[str], at: datetime, traceparent: str | None
) -> list[dict[str, Any]]:
    return [
        {
            "id": UUID(event_id),
            "volgnummer": None,
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
        for event, event_id in zip(events, ids, strict=True)
    ]


async def write_events(
    conn: AsyncConnection,
    events: Sequence[DomainEvent],
    *,
    ids: Sequence[str],
    at: datetime,
    traceparent: str | None,
) -> None:
    """Inserts the events unnumbered, in the caller's transaction."""
    await insert_rows(conn, event_t, event_rows(events, ids=ids, at=at, traceparent=traceparent))


def stored_event(row: Any) -> StoredEvent:
    """An outbox row (any object with its columns) as the feed and the relay read it."""
    return StoredEvent(
        id=str(row.id),
        volgnummer=int(row.volgnummer),
        type=row.type,
        source_organisation=row.source_organisation,
        subject=str(row.subject),
        time=row.time,
        dataref=row.dataref,
        traceparent=row.traceparent,
        data=row.data,
    )


class SqlEventFeed:
    def __init__(self, conn: LazyConnection) -> None:
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
        await seal_pending(
            await self._conn.connection()
        )  # numbers what has committed, so the reader sees it now
        query = sa.select(e).where(e.c.volgnummer > volgnummer, sa.or_(*visible))
        if types:
            query = query.where(e.c.type.in_(sorted(types)))
        query = query.order_by(e.c.volgnummer).limit(limit)
        return [stored_event(row) for row in (await self._conn.execute(query)).all()]

    async def last_purged(self) -> int:
        query = sa.select(feed_state_t.c.value).where(feed_state_t.c.name == "laatst_verwijderd")
        value = (await self._conn.execute(query)).scalar()
        return int(value or 0)
