"""The sealer: one serial pass that numbers committed events and chains committed audit lines.

Writers insert events and audit lines without numbers or hashes, so concurrent requests
never wait on each other's commit. The sealer, holding a transaction-level advisory lock on
PostgreSQL (SQLite serialises writers anyway), sees only committed rows and numbers them
after everything numbered before: the feed can never skip a row that committed late, and the
audit chain never forks. It runs in-process (`Sealer`, every SEAL_INTERVAL) and inline
before every feed read and chain verification.
"""

from __future__ import annotations

import asyncio
from typing import Final

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from structlog import get_logger

from adapters.background import BackgroundLoop
from adapters.db.line_sealing import seal_lines

SEALER_LOCK_KEY: Final = 0x4D494D01  # "MIM" + 1
SEAL_INTERVAL: Final = 0.25  # seconds; CONTRACT §15 allows 5
BATCH: Final = 5000

_TRY_LOCK = sa.text("SELECT pg_try_advisory_xact_lock(:key)")
# One statement numbers a batch after the current maximum, in (time, id) order: no row
# travels through Python (SQLite >= 3.33 has UPDATE .. FROM and window functions too).
_NUMBER = sa.text(
    "UPDATE event SET volgnummer = numbered.n FROM ("
    " SELECT id, (SELECT COALESCE(MAX(volgnummer), 0) FROM event)"
    " + row_number() OVER (ORDER BY time, id) AS n"
    " FROM event WHERE volgnummer IS NULL ORDER BY time, id LIMIT :limit"
    ") AS numbered WHERE event.id = numbered.id"
)


async def seal_pending(conn: AsyncConnection, *, limit: int = BATCH) -> int:
    """Seals what has committed, in the caller's transaction; 0 when another sealer is busy."""
    postgres = conn.dialect.name == "postgresql"
    if postgres and not (await conn.execute(_TRY_LOCK, {"key": SEALER_LOCK_KEY})).scalar():
        return 0
    numbered: int = (await conn.execute(_NUMBER, {"limit": limit})).rowcount
    return numbered + await seal_lines(conn, limit=limit)


async def seal_all(engine: AsyncEngine) -> int:
    """Seals everything committed so far, in transactions of its own."""
    total = 0
    while True:
        async with engine.begin() as conn:
            sealed = await seal_pending(conn)
        total += sealed
        if sealed < BATCH:
            return total


class Sealer(BackgroundLoop):
    """The in-process sealing loop (also the liveness of the in-process scheduler)."""

    name = "mim-sealer"

    def __init__(self, engine: AsyncEngine, *, interval: float = SEAL_INTERVAL) -> None:
        super().__init__()
        self._engine, self._interval = engine, interval
        self._log = get_logger("mim.sealer")

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            try:
                await seal_all(self._engine)
            except Exception as error:  # the next pass retries; a dead loop seals nothing
                self._log.error("verzegelen-mislukt", error_type=type(error).__name__)
