"""Seeds N trajectories, each with its referral, by COPY (asyncpg) for the list and write benches.

    DATABASE_URL=postgresql+asyncpg://... .venv/bin/python bench/seed_trajectories.py [--count N]

The database must be migrated (`alembic upgrade head`). Insert only: nothing is dropped,
truncated or switched off. Rows are plainly fake ("Bench" names, example.invalid addresses,
no nine-digit numbers in any string) and have exactly the JSON shapes adapters/db/mappers.py
reads back, so the API serves them. Trajectories are created in time order over the last ~2
years (as production would have written them): mostly organisation `mim-demo` (GM0363,
GM0344), some `mim-andere` (GM0599); states follow the trajectory's age. ANALYZE at the end.
A progress bar goes to stderr; the last stdout line is `SEEDED rows=N seconds=S rows_per_s=R`.

For the write benchmarks (bench/run.py `transition`, `visit`):

    ... seed_trajectories.py --count 200000 --state aangemeld --organisation mim-demo
    ... seed_trajectories.py --count 20000 --state uitvoering --organisation mim-demo --volunteers

`--state` puts every row in that state (created at an age where the state is common, with the
dates, phase, volunteer and visit counts it implies); `--organisation` keeps only that host
organisation's municipalities; `--volunteers` also writes the `volunteer` rows the
trajectories point to (actief, realistic JSON as adapters/db/lifecycle_mappers.py reads it),
with their running and completed counts taken from the seeded trajectories.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.seed_copy import log, seed  # noqa: E402
from bench.seed_row_parts import hosts_of  # noqa: E402
from domain.model.trajectory import TrajectoryState as S  # noqa: E402


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000_000, help="trajectories to add")
    parser.add_argument("--batch", type=int, default=20_000, help="rows per COPY transaction")
    parser.add_argument("--jobs", type=int, default=2, help="COPY connections in parallel")
    parser.add_argument("--seed", type=int, default=None, help="random seed (data, not ids)")
    parser.add_argument(
        "--state",
        type=S,
        choices=list(S),
        metavar="STATE",
        help="every row in this state (aangemeld, uitvoering, ...); by age when absent",
    )
    parser.add_argument(
        "--organisation", help="only this host organisation (mim-demo or mim-andere)"
    )
    parser.add_argument(
        "--volunteers",
        action="store_true",
        help="also write the volunteer rows the trajectories point to",
    )
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgresql"):
        print("seed: DATABASE_URL must be a postgresql(+asyncpg):// URL", file=sys.stderr)
        return 2
    if not 1 <= args.count <= 99_999_999:
        print("seed: --count must lie between 1 and 99,999,999", file=sys.stderr)
        return 2
    dsn = url.replace("postgresql+asyncpg://", "postgresql://", 1)
    hosts_of(args.organisation)  # refuses an unknown organisation before connecting
    seconds = asyncio.run(
        seed(
            dsn,
            args.count,
            args.batch,
            args.jobs,
            args.seed,
            state=args.state,
            organisation=args.organisation,
            volunteers=args.volunteers,
        )
    )
    rate = args.count / seconds
    log(f"{args.count:,} trajectories (+ referrals) in {seconds:.1f} s: {rate:,.0f} rows/s")
    print(f"SEEDED rows={args.count} seconds={seconds:.2f} rows_per_s={rate:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
