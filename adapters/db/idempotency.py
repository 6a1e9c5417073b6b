"""Idempotency-Key records (CONTRACT §5.2), kept 72 hours, written with the use case's rows."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.db.tables import IdempotencyRecordRow, table_of
from domain.errors import RequestInProgress
from domain.ports import IdempotencyClaim, StoredResponse

record_t = table_of(IdempotencyRecordRow)
KEPT: Final = timedelta(hours=72)

# One round trip on PostgreSQL: try the key's lock (a concurrent holder means the first
# request is still in flight) and read a stored outcome in the same statement.
_PG_CLAIM = sa.text(
    "SELECT pg_try_advisory_xact_lock(hashtextextended(:scope, 0)) AS free, "
    "r.fingerprint, r.status, r.body, r.headers "
    "FROM (SELECT 1) AS one LEFT JOIN idempotency_record AS r "
    "ON r.scope = :scope AND r.expires_at > :now"
)


class SqlIdempotencyStore:
    def __init__(self, conn: AsyncConnection, *, now: datetime) -> None:
        self._conn, self._now = conn, now
        self.pending: list[tuple[IdempotencyClaim, StoredResponse]] = []

    async def claim(self, claim: IdempotencyClaim) -> tuple[str, StoredResponse] | None:
        params = {"scope": claim.scope, "now": self._now}
        if self._conn.dialect.name == "postgresql":
            row = (await self._conn.execute(_PG_CLAIM, params)).one()
            if not row.free:
                raise RequestInProgress("Een verzoek met deze Idempotency-Key loopt nog.")
        else:
            query = sa.select(record_t).where(
                record_t.c.scope == claim.scope, record_t.c.expires_at > self._now
            )
            found = (await self._conn.execute(query)).first()
            if found is None:
                return None
            row = found
        if row.fingerprint is None:
            return None
        return row.fingerprint, StoredResponse(row.status, row.body, dict(row.headers))

    def remember(self, claim: IdempotencyClaim, response: StoredResponse) -> None:
        self.pending.append((claim, response))

    async def flush(self) -> None:
        if not self.pending:
            return
        upsert = _UPSERT[self._conn.dialect.name]
        for claim, response in self.pending:
            await self._conn.execute(
                upsert,
                {
                    "scope": claim.scope,
                    "fingerprint": claim.fingerprint,
                    "status": response.status,
                    "body": response.body,
                    "headers": response.headers,
                    "created_at": self._now,
                    "expires_at": self._now + KEPT,
                    "b_now": self._now,
                },
            )
        self.pending.clear()


def _upsert(dialect: Any) -> Any:
    insert = dialect.insert(record_t)
    replaced = ("fingerprint", "status", "body", "headers", "created_at", "expires_at")
    # An expired record under the same scope is replaced; a live one is never overwritten.
    return insert.on_conflict_do_update(
        index_elements=["scope"],
        set_={name: insert.excluded[name] for name in replaced},
        where=record_t.c.expires_at <= sa.bindparam("b_now"),
    )


_UPSERT = {"postgresql": _upsert(postgresql), "sqlite": _upsert(sqlite)}
