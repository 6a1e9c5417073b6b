"""Idempotency-Key records (CONTRACT §5.2), kept 72 hours, written with the use case's rows."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from adapters.db.lazy_connection import LazyConnection
from adapters.db.tables import IdempotencyRecordRow, table_of
from domain.errors import RequestInProgress
from domain.ports import IdempotencyClaim, KeyTaken, StoredResponse

record_t = table_of(IdempotencyRecordRow)
KEPT: Final = timedelta(hours=72)

_PG_LOCK = sa.text("SELECT pg_try_advisory_xact_lock(hashtextextended(:scope, 0))")


class SqlIdempotencyStore:
    def __init__(self, conn: LazyConnection, *, now: datetime) -> None:
        self._conn, self._now = conn, now
        self.pending: list[tuple[IdempotencyClaim, StoredResponse]] = []

    async def claim(self, claim: IdempotencyClaim) -> tuple[str, StoredResponse] | None:
        if self._conn.dialect.name == "postgresql":
            # The lock first, then the read in a statement of its own: its fresh snapshot
            # sees a record that the previous holder committed while we took the lock.
            locked = (await self._conn.execute(_PG_LOCK, {"scope": claim.scope})).scalar()
            if not locked:
                raise RequestInProgress("Een verzoek met deze Idempotency-Key loopt nog.")
        query = sa.select(record_t).where(
            record_t.c.scope == claim.scope, record_t.c.expires_at > self._now
        )
        row = (await self._conn.execute(query)).first()
        if row is None:
            return None
        return row.fingerprint, StoredResponse(row.status, row.body, dict(row.headers))

    def remember(self, claim: IdempotencyClaim, response: StoredResponse) -> None:
        self.pending.append((claim, response))

    async def flush(self) -> None:
        """Writes the pending records; a live record under the same scope is `KeyTaken`."""
        upsert = _UPSERT[self._conn.dialect.name]
        for claim, response in self.pending:
            params = record_row(claim, response, now=self._now) | {"b_now": self._now}
            if (await self._conn.execute(upsert, params)).first() is None:
                raise KeyTaken("Idempotency-Key already stored")
        self.pending.clear()


def record_row(
    claim: IdempotencyClaim, response: StoredResponse, *, now: datetime
) -> dict[str, Any]:
    return {
        "scope": claim.scope,
        "fingerprint": claim.fingerprint,
        "status": response.status,
        "body": response.body,
        "headers": response.headers,
        "created_at": now,
        "expires_at": now + KEPT,
    }


def _upsert(dialect: Any) -> Any:
    insert = dialect.insert(record_t)
    replaced = ("fingerprint", "status", "body", "headers", "created_at", "expires_at")
    # An expired record under the same scope is replaced; a live one is never overwritten.
    return insert.on_conflict_do_update(
        index_elements=["scope"],
        set_={name: insert.excluded[name] for name in replaced},
        where=record_t.c.expires_at <= sa.bindparam("b_now"),
    ).returning(record_t.c.scope)


_UPSERT = {"postgresql": _upsert(postgresql), "sqlite": _upsert(sqlite)}
