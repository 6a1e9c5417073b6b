"""A database lock per periodic task (CONTRACT §16): parallel runs, in one process or in
several, never act twice. On PostgreSQL a session advisory lock; SQLite has one writer."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections.abc import AsyncIterator

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

_LOCAL: dict[str, asyncio.Lock] = {}


def _key(name: str) -> int:
    """A stable signed 64-bit key for `pg_try_advisory_lock`."""
    return int.from_bytes(
        hashlib.sha256(f"mim-taak:{name}".encode()).digest()[:8], "big", signed=True
    )


@contextlib.asynccontextmanager
async def task_lock(engine: AsyncEngine, name: str) -> AsyncIterator[bool]:
    """Yields whether this run holds the task's lock; when False, another run is busy."""
    local = _LOCAL.setdefault(name, asyncio.Lock())
    if local.locked():
        yield False
        return
    async with local:
        if engine.dialect.name != "postgresql":
            yield True
            return
        async with engine.connect() as conn:
            key = _key(name)
            held = bool(
                (
                    await conn.execute(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": key})
                ).scalar()
            )
            await conn.commit()
            try:
                yield held
            finally:
                if held:
                    await conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                    await conn.commit()
