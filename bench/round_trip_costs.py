"""What one exchange with PostgreSQL costs this process, for the write profiler's
`--round-trips`."""

import time
from collections.abc import Awaitable, Callable
from typing import Any

import sqlalchemy as sa

import adapters.db.repositories as repositories


async def round_trip_costs(engine: Any, ids: list[str], n: int) -> list[tuple[str, float, float]]:
    """(what, wall ms, CPU ms) per operation, `n` times each on one pooled connection."""
    from uuid import UUID

    from adapters.db.mappers import trajectory_from_row

    table = repositories.trajectory_t
    keys = [UUID(ids[k % len(ids)]) for k in range(n)]
    raw_sql = "SELECT * FROM trajectory WHERE id = $1"
    results: list[tuple[str, float, float]] = []

    async def timed(what: str, once: Callable[[int], Awaitable[Any]]) -> None:
        for k in range(min(n, 20)):  # warm: prepared statements, caches
            await once(k)
        wall, cpu = time.perf_counter(), time.process_time()
        for k in range(n):
            await once(k)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        results.append((what, 1000 * wall / n, 1000 * cpu / n))

    async with engine.connect() as conn:
        await conn.execute(sa.text("SELECT 1"))  # BEGIN sent once, outside the timings
        raw = await conn.get_raw_connection()
        driver: Any = raw.driver_connection

        async def core(k: int) -> Any:
            query = sa.select(table).where(table.c.id == keys[k])
            return (await conn.execute(query)).first()

        async def raw_row(k: int) -> Any:
            return await driver.fetchrow(raw_sql, keys[k])

        async def select_one(k: int) -> Any:
            return await driver.fetchval("SELECT 1")

        await timed("trajectory by id, SQLAlchemy Core (statement, execute, Row)", core)
        await timed("trajectory by id, raw asyncpg fetchrow", raw_row)
        await timed("SELECT 1, raw asyncpg (the bare round trip)", select_one)
        row = await core(0)
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(n):
            trajectory_from_row(row)
        results.append(
            (
                "trajectory_from_row (mapping only, no I/O)",
                1000 * (time.perf_counter() - wall) / n,
                1000 * (time.process_time() - cpu) / n,
            )
        )
        await conn.rollback()

    async with engine.connect() as conn:
        raw = await conn.get_raw_connection()
        driver = raw.driver_connection

        async def begin_commit(k: int) -> None:
            await driver.execute("BEGIN")
            await driver.execute("COMMIT")

        await timed("BEGIN + COMMIT, empty (two simple queries, no WAL flush)", begin_commit)
    return results
