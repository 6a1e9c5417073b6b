"""The seeder's plumbing: rows built on a thread and written by COPY over parallel
connections, a progress bar on stderr, the tables checked first and analysed after."""

import asyncio
import queue
import sys
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import asyncpg
from asyncpg.pgproto.pgproto import UUID as PgUUID  # noqa: N811 (asyncpg's fast UUID type)

from bench.seed_row_generator import Generator
from bench.seed_values import (
    OPTIONAL_TRAJECTORY_COLUMNS,
    REFERRAL_COLUMNS,
    TRAJECTORY_COLUMNS,
    VOLUNTEER_COLUMNS,
)
from domain.model.trajectory import ACTIVE
from domain.model.trajectory import TrajectoryState as S


class Progress:
    """`\\r[#####.....] 412,000/1,000,000  85,000 rows/s` on stderr (a line per 10 % if no tty)."""

    def __init__(self, total: int) -> None:
        self.total, self.started, self.tty = total, time.monotonic(), sys.stderr.isatty()
        self.last_decile, self.done = -1, 0

    def add(self, rows: int) -> None:
        self.done += rows
        self.update(self.done)

    def update(self, done: int) -> None:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        filled = int(30 * done / self.total)
        line = (
            f"[{'#' * filled}{'.' * (30 - filled)}] {done:,}/{self.total:,}  "
            f"{done / elapsed:,.0f} rows/s"
        )
        if self.tty:
            sys.stderr.write(f"\r{line}")
            if done >= self.total:
                sys.stderr.write("\n")
        elif (decile := 10 * done // self.total) != self.last_decile:
            self.last_decile = decile
            sys.stderr.write(f"seed: {line}\n")
        sys.stderr.flush()


Batch = tuple[int, list[Any], list[Any]]


def _producer(
    make: Callable[[int, int], tuple[list[Any], list[Any]]],
    count: int,
    batch: int,
    out: queue.Queue[Batch | BaseException | None],
    consumers: int,
) -> None:
    """Builds batches on a thread, so building overlaps the server's work on earlier ones."""
    try:
        for first in range(0, count, batch):
            n = min(batch, count - first)
            out.put((n, *make(first, n)))
    except BaseException as exc:  # handed to a consumer, which re-raises it
        out.put(exc)
    for _ in range(consumers):
        out.put(None)


async def _copier(
    dsn: str,
    batches: queue.Queue[Batch | BaseException | None],
    progress: Progress,
    trajectory_columns: Sequence[str],
) -> None:
    """One connection: each batch is one transaction, referrals first (the FK needs them)."""
    conn = await asyncpg.connect(dsn)
    try:
        while (item := await asyncio.to_thread(batches.get)) is not None:
            if isinstance(item, BaseException):
                raise item
            n, referrals, trajectories = item
            async with conn.transaction():
                await conn.copy_records_to_table(
                    "referral", records=referrals, columns=REFERRAL_COLUMNS
                )
                await conn.copy_records_to_table(
                    "trajectory", records=trajectories, columns=trajectory_columns
                )
            progress.add(n)
    finally:
        await conn.close()


async def seed(
    dsn: str,
    count: int,
    batch: int,
    jobs: int,
    rng_seed: int | None,
    *,
    state: S | None = None,
    organisation: str | None = None,
    volunteers: bool = False,
) -> float:
    """Inserts `count` referral + trajectory pairs over `jobs` connections (and, with
    `volunteers`, the volunteer rows they point to); returns seconds."""
    conn = await asyncpg.connect(dsn)
    try:
        await columns_of(conn, "referral", REFERRAL_COLUMNS, ())
        optional = await columns_of(
            conn, "trajectory", TRAJECTORY_COLUMNS, OPTIONAL_TRAJECTORY_COLUMNS
        )
        if volunteers:
            await columns_of(conn, "volunteer", VOLUNTEER_COLUMNS, ())
    finally:
        await conn.close()
    generator = Generator(
        count, datetime.now(UTC), rng_seed, optional, state=state, organisation=organisation
    )
    columns = (*TRAJECTORY_COLUMNS, *optional)
    volunteer_ids: list[PgUUID] = []
    if volunteers:
        records = generator.volunteer_records()
        volunteer_ids = [record[0] for record in records]
        conn = await asyncpg.connect(dsn)
        try:
            await conn.copy_records_to_table(
                "volunteer", records=records, columns=VOLUNTEER_COLUMNS
            )
        finally:
            await conn.close()
        log(f"{len(records):,} volunteers (actief) written")
    progress = Progress(count)
    batches: queue.Queue[Batch | BaseException | None] = queue.Queue(maxsize=jobs + 1)
    started = time.monotonic()
    threading.Thread(
        target=_producer, args=(generator.batch, count, batch, batches, jobs), daemon=True
    ).start()
    await asyncio.gather(*(_copier(dsn, batches, progress, columns) for _ in range(jobs)))
    log(f"COPY done in {time.monotonic() - started:.1f} s; ANALYZE referral, trajectory")
    conn = await asyncpg.connect(dsn)
    try:
        if volunteer_ids:
            await count_volunteer_trajectories(conn, volunteer_ids)
            await conn.execute("ANALYZE volunteer")
        await conn.execute("ANALYZE referral")
        await conn.execute("ANALYZE trajectory")
    finally:
        await conn.close()
    return time.monotonic() - started


async def count_volunteer_trajectories(conn: asyncpg.Connection, ids: Sequence[PgUUID]) -> None:
    """`running_trajectories` (matched, active) and `completed_trajectories` (afgesloten) as
    the application keeps them, from the trajectories just seeded."""
    await conn.execute(
        "UPDATE volunteer v SET running_trajectories = c.running, "
        "completed_trajectories = c.completed FROM ("
        " SELECT volunteer_id, count(*) FILTER (WHERE state = ANY($2::text[])) AS running,"
        " count(*) FILTER (WHERE state = 'afgesloten') AS completed"
        " FROM trajectory WHERE volunteer_id = ANY($1::uuid[]) GROUP BY volunteer_id"
        ") c WHERE v.id = c.volunteer_id",
        ids,
        sorted(s.value for s in ACTIVE),
    )


async def columns_of(
    conn: asyncpg.Connection, table: str, known: Sequence[str], optional: Sequence[str]
) -> tuple[str, ...]:
    """Checks the migrated table against what we write; returns the optional columns it has.
    Other columns the table gained are left to their default (NULL), unless they are required."""
    rows = await conn.fetch(
        "SELECT column_name, is_nullable = 'YES' OR column_default IS NOT NULL AS may_skip "
        "FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name = $1",
        table,
    )
    present = {row["column_name"]: row["may_skip"] for row in rows}
    if missing := [c for c in known if c not in present]:
        raise SystemExit(f"seed: {table} lacks {', '.join(missing)}: not migrated to head?")
    unknown = sorted(set(present) - set(known) - set(optional))
    if required := [c for c in unknown if not present[c]]:
        raise SystemExit(
            f"seed: {table} has required columns this seeder does not fill: {required}"
        )
    if unknown:
        log(f"{table}: leaving {', '.join(unknown)} at their default (not known to the seeder)")
    return tuple(c for c in optional if c in present)


def log(msg: str) -> None:
    print(f"seed: {msg}", file=sys.stderr, flush=True)
