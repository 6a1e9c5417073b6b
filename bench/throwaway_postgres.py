"""The bench's durable throwaway PostgreSQL (scripts/pg-up.sh) and what we ask of it by psql."""

import contextlib
import os
import subprocess
import time
from collections.abc import Iterator

from bench.host import BIN, ROOT, BenchError, sh


@contextlib.contextmanager
def postgres() -> Iterator[dict[str, str]]:
    script = ROOT / "scripts/pg-up.sh"
    up = subprocess.run(["bash", str(script), "--durable"], stdout=subprocess.PIPE, text=True)
    if up.returncode != 0:
        raise BenchError("scripts/pg-up.sh --durable failed (see above)")
    exports = dict(kv.split("=", 1) for kv in up.stdout.split()[1:])
    try:
        yield exports
    finally:
        subprocess.run(
            ["bash", str(ROOT / "scripts/pg-down.sh")], env={**os.environ, **exports}, check=False
        )


def migrate(pg: dict[str, str]) -> None:
    done = sh([str(BIN / "alembic"), "upgrade", "head"], {**os.environ, **pg})
    if done.returncode != 0:
        raise BenchError(f"alembic upgrade head failed on the bench PostgreSQL:\n{done.stderr}")


def sql_count(pg: dict[str, str], table: str) -> int:
    dsn = pg["DATABASE_URL"].replace("+asyncpg", "")
    psql = [f"{pg['MIM_PG_BIN']}/psql", dsn, "-tAc", f"SELECT count(*) FROM {table}"]
    done = sh(psql)
    if done.returncode != 0:
        raise BenchError(f"counting rows in {table} failed: {done.stderr.strip()}")
    return int(done.stdout)


def psql(pg: dict[str, str], sql: str) -> str:
    dsn = pg["DATABASE_URL"].replace("+asyncpg", "")
    done = sh([f"{pg['MIM_PG_BIN']}/psql", dsn, "-XtAq", "-v", "ON_ERROR_STOP=1", "-c", sql])
    if done.returncode != 0:
        raise BenchError(f"psql failed: {done.stderr.strip()}\n{sql}")
    return done.stdout.strip()


def settled_count(pg: dict[str, str], table: str, timeout: float = 15) -> int:
    """Rows in `table` once the server has finished what wrk left in flight (requests whose
    connection wrk closed still commit): the same count twice, half a second apart."""
    count, deadline = sql_count(pg, table), time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(0.5)
        if (again := sql_count(pg, table)) == count:
            return count
        count = again
    raise BenchError(f"{table} still growing {timeout:.0f} s after wrk stopped")
