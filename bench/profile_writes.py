"""Where a write spends its time and how often it talks to PostgreSQL, in-process.

    DATABASE_URL=postgresql+asyncpg://... MIM_DATA_DIR=... .venv/bin/python \\
        bench/profile_writes.py --scenario transition|visit [--requests 300] [--org mim-demo]

Runs the service app in this process (lifespan included, so the background sealer runs as
under uvicorn) over a migrated, seeded database (bench/seed_trajectories.py: trajectories
of `--org` in `aangemeld` for `transition`, in `uitvoering` with an existing volunteer for
`visit`), sends sequential requests as a coordinator through httpx's ASGI transport, the
bodies of bench/run.py's write scenarios (transition: a new trajectory per request; visit:
round-robin), and measures, per request:

- SQL statements: SQLAlchemy's `before_cursor_execute` (every engine: a class-level event),
  and its `begin` / `commit` / `rollback` transaction events.
- Round trips: messages this process writes to PostgreSQL's sockets (asyncio's selector
  transport; the in-process client uses no socket). asyncpg sends one batch per exchange
  (Parse/Describe/Sync to prepare, Bind/Execute/Sync to run, a simple Query for BEGIN and
  COMMIT) and waits for the answer, so writes are round trips; they include what SQLAlchemy's
  events do not see: BEGIN and COMMIT, statements sent through the raw driver, prepares.
- Sections: the functions listed in bench/write_section_timers.py wrapped with timers
  (monkeypatching in this process only; no code is changed), wall and process CPU, nested
  sections indented and included in their parent. Wall includes waiting for PostgreSQL (a
  durable COMMIT waits for its WAL flush).

The background sealer (numbering events, chaining audit lines) is not left to run on its
timer during the measured requests, where its CPU would land in whichever section happened to
be awaiting: it runs once after them (`seal_all`, as its timer runs it) and is reported per
request written. `--round-trips` adds what one exchange costs this process, measured on
the app's engine after the requests: a trajectory by primary key through SQLAlchemy Core and
through the raw asyncpg connection, `SELECT 1`, an empty BEGIN + COMMIT, and the row mapping
alone. `--cprofile N` adds cProfile's top N functions (by own time) over the
measured requests. Uses the default asyncio loop (uvicorn runs uvloop), no HTTP parsing:
figures for comparison, not absolute.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import dataclasses
import os
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from sqlalchemy.ext.asyncio import create_async_engine  # noqa: E402

import adapters.db.sealer as sealer  # noqa: E402
from api.app import create_app  # noqa: E402
from api.settings import settings_from_env  # noqa: E402
from api.tokens import claims_for, mint  # noqa: E402
from bench.postgres_wire_counters import Wire, instrument_wire  # noqa: E402
from bench.round_trip_costs import round_trip_costs  # noqa: E402
from bench.write_profile_report import report, report_after  # noqa: E402
from bench.write_profile_scenarios import ASGI_APP, REQUEST, SCENARIOS, Scenario  # noqa: E402
from bench.write_section_timers import IN_REQUEST, Timers, instrument_sections  # noqa: E402
from domain.policy import Role  # noqa: E402


async def target_ids(url: str, scenario: Scenario, org: str, n: int) -> list[str]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(sa.text(scenario.sql), {"org": org, "n": n})
            ids = [str(row.id) for row in rows]
    finally:
        await engine.dispose()
    if scenario.mode == "once" and len(ids) < n:
        raise SystemExit(f"profile_writes: {len(ids)} trajectories fit, {n} needed")
    if not ids:
        raise SystemExit("profile_writes: no trajectory fits the scenario")
    return ids


async def main_async(args: argparse.Namespace) -> None:
    scenario = SCENARIOS[args.scenario]
    # The sealer and the daily task stay off; the sealer is run by hand (see above).
    settings = dataclasses.replace(settings_from_env(), scheduler=False)
    token = mint(
        settings, claims_for(role=Role.COORDINATOR, organisation=args.org, settings=settings)
    )
    total = args.warmup + args.requests + 1
    ids = await target_ids(settings.database_url, scenario, args.org, total)
    today = datetime.now(ZoneInfo("Europe/Amsterdam")).date().isoformat()
    body = scenario.body(today)
    wire, timers = Wire(), Timers()
    instrument_wire(wire)
    missing = instrument_sections(timers, scenario)
    app = create_app(settings)
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    transport = httpx.ASGITransport(app=timers.asynchronous(ASGI_APP, app))
    position = 0

    async def request(client: httpx.AsyncClient) -> None:
        nonlocal position
        path = f"/v1/trajecten/{ids[position % len(ids)]}/{scenario.suffix}"
        position += 1
        token_ = IN_REQUEST.set(True)
        try:
            response = await client.post(path, json=body, headers=headers)
        finally:
            IN_REQUEST.reset(token_)
        if response.status_code != 201:
            raise SystemExit(f"profile_writes: {response.status_code} {response.text[:500]}")

    profiler = cProfile.Profile() if args.cprofile else None
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://bench") as client,
    ):
        timed_request = timers.asynchronous(REQUEST, request, background=True)
        for _ in range(args.warmup):
            await timed_request(client)
        await sealer.seal_all(app.state.engine)  # the warm-up's rows, and anything older
        timers.reset()
        wire.reset()
        if profiler is not None:
            profiler.enable()
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(args.requests):
            await timed_request(client)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        if profiler is not None:
            profiler.disable()
        sealed = await sealer.seal_all(app.state.engine)  # the measured requests' rows
        measured_wire = Wire(
            Counter(wire.statements),
            Counter(wire.kinds),
            Counter(wire.transactions),
            Counter(wire.writes),
            Counter(wire.wire_kinds),
        )
        costs = (
            await round_trip_costs(app.state.engine, ids, args.requests) if args.round_trips else []
        )
        wire.trace = []  # one more request, traced
        await request(client)
        trace = wire.trace
    report(scenario, args, timers, measured_wire, trace, cpu=cpu, wall=wall)
    report_after(args, sealed, costs, profiler, missing)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), required=True)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--org", default="mim-demo")
    parser.add_argument("--cprofile", type=int, default=0, metavar="N", help="top N functions")
    parser.add_argument("--round-trips", action="store_true", help="cost of one exchange")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgresql"):
        print("profile_writes: DATABASE_URL must be a postgresql+asyncpg:// URL", file=sys.stderr)
        return 2
    asyncio.run(main_async(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
