"""`make bench`: intake, trajectory list and two writes, against bare FastAPI (TECH-NOTES §12).

Each scenario gets its own durable throwaway PostgreSQL; servers pinned to one core, wrk to
another; 2 s warm-up each, then alternating repeats. Any non-2xx, socket error or unexpected
row count fails the run. Prints one Markdown table per scenario and writes them to
bench/out/latest.md; server logs go to bench/out/.

- intake: POST /v1/verwijzingen, service vs. bench/reference_app.py, 32 connections.
- list: GET /v1/trajecten?limit=50 as a coordinator of `mim-demo`, the first page and a page
  whose cursor points ~500,000 rows deep, after seeding 1,000,000 trajectories by COPY
  (bench/seed_trajectories.py); 1 and 4 connections. Each request writes 50 audit lines.
- transition: POST /v1/trajecten/{id}/overgangen `aangemeld` -> `intake` as a coordinator of
  `mim-demo`, every request on another trajectory (200,000 seeded in `aangemeld`, on top of
  100,000 in mixed states; bench/write.lua takes the ids from a file), 32 connections,
  alternating with the bare intake reference of the same run; one `trajectory_transition`
  row per request.
- visit: POST /v1/trajecten/{id}/huisbezoeken in `uitvoering`, round-robin over 20,000
  trajectories with an existing volunteer (seeded with their `volunteer` rows), likewise; one
  `visit` row per request. A lost optimistic-lock race is retried once by the service, then
  409: any non-2xx fails the run.

    .venv/bin/python bench/run.py [--scenarios intake,list,transition,visit,delivery]
        [--apps reference service] [--repeats 3] [--duration 10] [--rows 1000000]
        [--deep 500000] [--list-connections 1 4] [--list-profile] [--transition-rows 200000]
        [--visit-rows 20000] [--write-base-rows 100000] [--write-profile]

The list report ends with EXPLAIN ANALYZE of the repository's page query (bench/explain_page.py)
and, with --list-profile, in-process section timings per request (bench/profile_list.py).
The write reports add server and PostgreSQL CPU per request (from /proc), a check after the
runs that every row is as posted and moved its trajectory, and, with --write-profile,
statements, round trips and section timings per request (bench/profile_writes.py).
"""

import argparse
import contextlib
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.delivery_scenario import bench_delivery  # noqa: E402
from bench.host import OUT, BenchError, ensure_tools  # noqa: E402
from bench.intake_scenario import bench_intake  # noqa: E402
from bench.list_scenario import bench_list  # noqa: E402
from bench.servers import APP_NAMES  # noqa: E402
from bench.write_scenarios import bench_transition, bench_visit  # noqa: E402

SCENARIOS = {
    "intake": bench_intake,
    "list": bench_list,
    "transition": bench_transition,
    "visit": bench_visit,
    "delivery": bench_delivery,
}


def scenario_list(value: str) -> list[str]:
    names = [n.strip() for n in value.split(",") if n.strip()]
    if not names or any(n not in SCENARIOS for n in names):
        raise argparse.ArgumentTypeError(f"comma-separated, from: {', '.join(SCENARIOS)}")
    return names


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=scenario_list, default=list(SCENARIOS))
    parser.add_argument("--apps", nargs="+", choices=APP_NAMES, default=list(APP_NAMES))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10, help="seconds per repeat")
    parser.add_argument("--rows", type=int, default=1_000_000, help="list: trajectories seeded")
    parser.add_argument("--deep", type=int, default=500_000, help="list: rows before the cursor")
    parser.add_argument("--list-connections", type=int, nargs="+", default=[1, 4])
    parser.add_argument(
        "--list-profile", action="store_true", help="list: add in-process section timings"
    )
    parser.add_argument(
        "--transition-rows", type=int, default=200_000, help="transition: seeded in aangemeld"
    )
    parser.add_argument(
        "--visit-rows", type=int, default=20_000, help="visit: trajectories in uitvoering"
    )
    parser.add_argument(
        "--write-base-rows",
        type=int,
        default=100_000,
        help="transition, visit: trajectories in mixed states seeded first",
    )
    parser.add_argument(
        "--write-profile",
        action="store_true",
        help="transition, visit: add in-process statement counts and section timings",
    )
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    reports = []
    try:
        ensure_tools()
        for name in args.scenarios:
            with contextlib.ExitStack() as stack:  # servers and PostgreSQL stop per scenario
                reports.append(SCENARIOS[name](args, stack))
    except (BenchError, subprocess.CalledProcessError) as exc:
        print(f"bench FAILED: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench interrupted", file=sys.stderr)
        return 130
    report = "\n".join(reports)
    (OUT / "latest.md").write_text(report)
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
