"""Runs bench/seed_trajectories.py on the bench's PostgreSQL and checks the rows arrived."""

import os
import re
import subprocess

from bench.host import BIN, ROOT, BenchError, log
from bench.throwaway_postgres import sql_count


def run_seeder(pg: dict[str, str], count: int, *flags: str) -> tuple[float, float]:
    """bench/seed_trajectories.py adding `count` trajectories (its progress bar goes to our
    stderr); (seconds, rows/s) as it reports them."""
    cmd = [str(BIN / "python"), str(ROOT / "bench/seed_trajectories.py"), "--count", str(count)]
    env = {**os.environ, "DATABASE_URL": pg["DATABASE_URL"]}
    done = subprocess.run(
        [*cmd, *flags], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True, check=False
    )
    match = re.search(r"^SEEDED rows=(\d+) seconds=([\d.]+) rows_per_s=(\d+)", done.stdout, re.M)
    if done.returncode != 0 or not match:
        raise BenchError(f"bench/seed_trajectories.py failed ({done.returncode}):\n{done.stdout}")
    return float(match.group(2)), float(match.group(3))


def seed(pg: dict[str, str], rows: int) -> tuple[float, float]:
    """Seeds an empty table with `rows` trajectories in mixed states; (s, rows/s)."""
    log(f"seeding {rows:,} trajectories (with their referrals) by COPY")
    seconds, rate = run_seeder(pg, rows)
    if (count := sql_count(pg, "trajectory")) != rows:
        raise BenchError(f"seeded {rows:,} trajectories but the table holds {count:,}")
    return seconds, rate


def seed_more(pg: dict[str, str], count: int, *flags: str) -> float:
    """bench/seed_trajectories.py adding `count` trajectories; returns seconds."""
    what = " ".join(flags) or "mixed states"
    log(f"seeding {count:,} trajectories ({what}) by COPY")
    before = sql_count(pg, "trajectory")
    seconds, _ = run_seeder(pg, count, *flags)
    if (added := sql_count(pg, "trajectory") - before) != count:
        raise BenchError(f"seeded {count:,} trajectories but the table gained {added:,}")
    return seconds
