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
- Sections: the functions below wrapped with timers (monkeypatching in this process only; no
  code is changed), wall and process CPU, nested sections indented and included in their
  parent. Wall includes waiting for PostgreSQL (a durable COMMIT waits for its WAL flush).

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
import contextvars
import cProfile
import dataclasses
import functools
import io
import os
import pstats
import struct
import sys
import time
from asyncio import selector_events
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from sqlalchemy import event  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine  # noqa: E402

import adapters.auth.jose_verifier as jose_verifier  # noqa: E402
import adapters.db.lazy_connection as lazy_connection  # noqa: E402
import adapters.db.repositories as repositories  # noqa: E402
import adapters.db.sealer as sealer  # noqa: E402
import adapters.db.uow as uow  # noqa: E402
import adapters.db.write_batches as write_batches  # noqa: E402
import api.rest.transitions as rest_transitions  # noqa: E402
import api.rest.visits as rest_visits  # noqa: E402
import api.rest.writes as rest_writes  # noqa: E402
import domain.model.lifecycle as model_lifecycle  # noqa: E402
import domain.services.lifecycle as lifecycle_use_case  # noqa: E402
import domain.services.visits as visits_use_case  # noqa: E402
from api.app import create_app  # noqa: E402
from api.settings import settings_from_env  # noqa: E402
from api.tokens import claims_for, mint  # noqa: E402
from domain.policy import Role  # noqa: E402

# Which sections the current task's time goes to: set for the request's task only (tasks it
# starts inherit it); the sealer's task, started at lifespan start, never sees it.
IN_REQUEST: contextvars.ContextVar[bool] = contextvars.ContextVar("in_request", default=False)


@dataclass
class Scenario:
    name: str
    suffix: str
    sql: str  # the trajectories it may write to
    mode: str  # "once" or "cycle"
    body: Callable[[str], dict[str, object]]  # today -> body
    sections: list[tuple[str, int]]


REQUEST = "request (httpx client -> ASGI app -> response)"
ASGI_APP = "ASGI app (what uvicorn calls: middleware, routing, endpoint)"
COMMON_TOP = [(REQUEST, 0), (ASGI_APP, 1), ("token verification", 2)]
# The paths of the commit: the write set shared with concurrent requests' (adapters/db/
# write_batches.py), the same statement on the unit of work's own connection when it has a
# transaction open (adapters/db/write_statement.py), or a statement per write
# (adapters/db/write_back.py); the ones not taken show no calls.
COMMIT = [
    ("SqlUnitOfWork.commit", 3),
    ("write_set (rows of the changed aggregate and records)", 4),
    ("_stage_rows (event and audit rows into the write set)", 4),
    ("WriteBatches.write (queue, shared statement, settle)", 4),
    ("execute_write_set (one statement on its own connection)", 4),
    ("write_changes (a statement per write)", 4),
    ("write_events (outbox INSERT)", 4),
    ("write_lines (audit INSERT)", 4),
    ("AsyncConnection.commit (COMMIT), either path", 4),
    ("unit of work exit (connection back to the pool)", 3),
]
RESPONSE = [
    ("response: render (wire dict)", 2),
    ("response: respond (JSON bytes, Response)", 2),
    ("sealer: seal_all, one pass after the requests", 0),
]
SCENARIOS = {
    "transition": Scenario(
        "transition",
        "overgangen",
        "SELECT id FROM trajectory WHERE organisation = :org AND state = 'aangemeld' "
        "ORDER BY random() LIMIT :n",
        "once",
        lambda today: {"naar": "intake", "intakeDatum": today},
        [
            *COMMON_TOP,
            ("request body: json_body (read + validate)", 2),
            ("use case lifecycle.transition", 2),
            ("pool checkout (first statement)", 3),
            ("SqlTrajectoryRepository.get (SELECT + mapping)", 3),
            ("SqlReferralRepository.get (referral, for the feedback event)", 3),
            ("domain: lifecycle rules, guards, state change", 3),
            *COMMIT,
            *RESPONSE,
        ],
    ),
    "visit": Scenario(
        "visit",
        "huisbezoeken",
        "SELECT id FROM trajectory WHERE organisation = :org AND state = 'uitvoering' "
        "AND phase = 'uitvoering' AND start_date <= current_date "
        "AND volunteer_id IN (SELECT id FROM volunteer WHERE status = 'actief') "
        "ORDER BY random() LIMIT :n",
        "cycle",
        lambda today: {
            "soort": "huisbezoek",
            "datum": today,
            "duurMinuten": 75,
            "locatie": "thuis",
            "onderwerpen": ["kind_slapen"],
        },
        [
            *COMMON_TOP,
            ("request body: json_body (read + validate)", 2),
            ("use case visits.record", 2),
            ("pool checkout (first statement)", 3),
            ("SqlTrajectoryRepository.get (SELECT + mapping)", 3),
            ("SqlTrajectoryRepository.get_with_newest_visit (one SELECT + mapping)", 3),
            *COMMIT,
            *RESPONSE,
        ],
    ),
}


class Timers:
    """Wall and process-CPU seconds per section, counted in the request's task only (the
    sealer's own section excepted, which counts outside it)."""

    def __init__(self) -> None:
        self.wall: defaultdict[str, float] = defaultdict(float)
        self.cpu: defaultdict[str, float] = defaultdict(float)
        self.calls: Counter[str] = Counter()

    def sync(self, label: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            if not IN_REQUEST.get():
                return fn(*args, **kwargs)
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.wall[label] += time.perf_counter() - wall
                self.cpu[label] += time.process_time() - cpu
                self.calls[label] += 1

        return timed

    def asynchronous(
        self,
        label: str,
        fn: Callable[..., Awaitable[Any]],
        *,
        background: bool = False,
        first_only: Callable[..., bool] | None = None,
    ) -> Callable[..., Awaitable[Any]]:
        """`first_only(*args)`: time the call only when it holds (e.g. a pool checkout)."""

        @functools.wraps(fn)
        async def timed(*args: Any, **kwargs: Any) -> Any:
            wanted = background if background else IN_REQUEST.get()
            if not wanted or (first_only is not None and not first_only(*args)):
                return await fn(*args, **kwargs)
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return await fn(*args, **kwargs)
            finally:
                self.wall[label] += time.perf_counter() - wall
                # other tasks may run while this one awaits: CPU of nested awaits is an
                # upper bound (the sealer is the only other task here)
                self.cpu[label] += time.process_time() - cpu
                self.calls[label] += 1

        return timed

    def reset(self) -> None:
        self.wall.clear()
        self.cpu.clear()
        self.calls.clear()


@dataclass
class Wire:
    """What went to PostgreSQL: SQLAlchemy statements and transaction events, socket writes."""

    statements: Counter[str] = field(default_factory=Counter)  # in request / background
    kinds: Counter[str] = field(default_factory=Counter)  # SELECT, INSERT, ... in request
    transactions: Counter[str] = field(default_factory=Counter)  # begin / commit / rollback
    writes: Counter[str] = field(default_factory=Counter)  # in request / background
    wire_kinds: Counter[str] = field(default_factory=Counter)  # BEGIN, execute, ... in request
    trace: list[str] | None = None  # the current request's exchanges, when tracing

    def reset(self) -> None:
        self.statements.clear()
        self.kinds.clear()
        self.transactions.clear()
        self.writes.clear()
        self.wire_kinds.clear()


PREPARED: dict[bytes, str] = {}  # statement name -> SQL, from every Parse message seen


def messages(data: bytes) -> list[tuple[str, str]]:
    """A frontend message batch as (type, SQL or ""): `Q` with its text (BEGIN, COMMIT),
    `P` (prepare) with its SQL, `B` (run a prepared statement) with its SQL when its Parse was
    seen, others (E execute, S sync, D describe) bare."""
    found, offset = [], 0
    while offset + 5 <= len(data):
        kind = chr(data[offset])
        (length,) = struct.unpack_from("!i", data, offset + 1)
        payload = data[offset + 5 : offset + 1 + length]
        text = ""
        if kind == "Q":
            text = payload.rstrip(b"\0").decode(errors="replace")
        elif kind == "P":
            name, _, rest = payload.partition(b"\0")  # statement name, then the SQL
            PREPARED[name] = text = rest.split(b"\0", 1)[0].decode(errors="replace")
        elif kind == "B":
            _portal, _, rest = payload.partition(b"\0")
            text = PREPARED.get(rest.split(b"\0", 1)[0], "?")
        found.append((kind, " ".join(text.split())))
        offset += 1 + length
    return found


def describe(batch: list[tuple[str, str]]) -> str:
    """`Q: BEGIN;`, `P,D,S: <sql>` (prepare), `B,E,S: <sql>` (run a prepared statement)."""
    text = " | ".join(t for _, t in batch if t)
    return ",".join(kind for kind, _ in batch) + (": " + text if text else "")


def wire_kind(kind: str, text: str) -> str | None:
    """What a message does, for the per-request counts; None for E, S, D."""
    if kind == "Q":
        return text.split(None, 1)[0].rstrip(";").upper() if text else "empty query"
    return {"B": "execute (Bind)", "P": "prepare (Parse)"}.get(kind)


def instrument_wire(wire: Wire) -> None:
    def where() -> str:
        return "request" if IN_REQUEST.get() else "background"

    @event.listens_for(Engine, "before_cursor_execute")
    def _statement(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        wire.statements[where()] += 1
        if IN_REQUEST.get():
            wire.kinds[statement.lstrip().split(None, 1)[0].upper()] += 1

    for name in ("begin", "commit", "rollback"):

        def _transaction(conn: Any, name: str = name) -> None:
            if IN_REQUEST.get():
                wire.transactions[name] += 1

        event.listen(Engine, name, _transaction)

    transport: Any = vars(selector_events)["_SelectorSocketTransport"]  # asyncio's TCP transport
    write = transport.write

    def counted_write(self: Any, data: Any) -> None:
        wire.writes[where()] += 1
        batch = messages(bytes(data))  # also learns prepared statements' SQL
        if IN_REQUEST.get():
            for kind, text in batch:
                if (what := wire_kind(kind, text)) is not None:
                    wire.wire_kinds[what] += 1
            if wire.trace is not None:
                wire.trace.append(describe(batch))
        write(self, data)

    transport.write = counted_write


def instrument_sections(t: Timers, scenario: Scenario) -> list[str]:
    """Wraps each section's function; returns the sections this tree does not have (the
    write path is being reworked: a renamed function is reported, not an error)."""
    rest = rest_transitions if scenario.name == "transition" else rest_visits
    transition = scenario.name == "transition"
    lazy = lazy_connection.LazyConnection
    targets: list[tuple[Any, str, str]] = [  # (owner, attribute, kind)
        (jose_verifier.JoseTokenVerifier, "verify", "sync"),
        (rest, "json_body", "async"),
        (lifecycle_use_case, "transition", "async")  # the door calls lifecycle.transition
        if transition
        else (visits_use_case, "record", "async"),
        (lazy, "connection", "first"),
        (repositories.SqlTrajectoryRepository, "get", "async"),
        *(
            [
                (repositories.SqlReferralRepository, "get", "async"),
                (model_lifecycle, "transition", "sync"),
            ]
            if transition
            else [(repositories.SqlTrajectoryRepository, "get_with_newest_visit", "async")]
        ),
        (uow.SqlUnitOfWork, "commit", "async"),
        (uow, "write_set", "sync"),
        (uow.SqlUnitOfWork, "_stage_rows", "sync"),
        (write_batches.WriteBatches, "write", "async"),
        (uow, "execute_write_set", "async"),
        (uow, "write_changes", "async"),
        (uow, "write_events", "async"),
        (uow, "write_lines", "async"),
        (AsyncConnection, "commit", "async"),
        (uow.SqlUnitOfWork, "__aexit__", "async"),
        (rest, "render_transition" if transition else "render_visit", "sync"),
        (rest_writes, "respond", "sync"),
        (sealer, "seal_all", "background"),
    ]
    labels = [name for name, _ in scenario.sections[2:]]  # request, ASGI app: by main_async
    assert len(labels) == len(targets), "one section per wrapped function"
    missing = []
    for (owner, attribute, kind), label in zip(targets, labels, strict=True):
        fn = getattr(owner, attribute, None)
        if fn is None:
            missing.append(f"{label} ({getattr(owner, '__name__', owner)}.{attribute})")
            continue
        if kind == "sync":
            wrapped = t.sync(label, fn)
        elif kind == "first":  # a pool checkout: only the call that opens the connection
            wrapped = t.asynchronous(label, fn, first_only=lambda self: self.opened is None)
        else:
            wrapped = t.asynchronous(label, fn, background=kind == "background")
        setattr(owner, attribute, wrapped)
    return missing


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
    print(f"\nThe sealer's pass after the measured requests sealed {sealed:,} rows.")
    if costs:
        print(f"\nOne exchange, {args.requests} times each on one connection, in this process:")
        print()
        print("| operation | wall ms | CPU ms |")
        print("|---|---|---|")
        for what, wall_ms, cpu_ms in costs:
            print(f"| {what} | {wall_ms:.3f} | {cpu_ms:.3f} |")
    if profiler is not None:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("tottime").print_stats(args.cprofile)
        lines = [line for line in out.getvalue().splitlines() if line.strip()]
        print(f"\ncProfile, top {args.cprofile} by own time over {args.requests} requests")
        print("(profiling slows Python code several times; compare shares, not times):")
        print("```")
        print("\n".join(lines[lines.index(next(x for x in lines if "ncalls" in x)) :]))
        print("```")
    if missing:
        print("\nNot in this tree (not timed): " + "; ".join(missing))


def report(
    scenario: Scenario,
    args: argparse.Namespace,
    timers: Timers,
    wire: Wire,
    trace: list[str],
    *,
    cpu: float,
    wall: float,
) -> None:
    n = args.requests
    spread = "each a new trajectory" if scenario.mode == "once" else "round-robin"
    print(
        f"POST /v1/trajecten/{{id}}/{scenario.suffix} ({scenario.name}), {n} sequential "
        f"requests, {spread}, in-process (no uvicorn, default asyncio loop)"
    )
    print(f"wall {1000 * wall / n:.2f} ms/request, process CPU {1000 * cpu / n:.2f} ms/request")
    print()
    kinds = ", ".join(f"{k} {v / n:.2f}" for k, v in sorted(wire.kinds.items()))
    tx = wire.transactions
    print("| per request | request's task | background sealer |")
    print("|---|---|---|")
    print(
        f"| SQL statements (SQLAlchemy before_cursor_execute) | "
        f"{wire.statements['request'] / n:.2f} ({kinds}) | "
        f"{wire.statements['background'] / n:.2f} |"
    )
    print(
        f"| transactions (SQLAlchemy begin / commit / rollback events) | "
        f"{tx['begin'] / n:.2f} / {tx['commit'] / n:.2f} / {tx['rollback'] / n:.2f} | |"
    )
    print(
        f"| round trips (messages written to PostgreSQL's sockets) | "
        f"{wire.writes['request'] / n:.2f} | {wire.writes['background'] / n:.2f} |"
    )
    on_wire = ", ".join(f"{k} {v / n:.2f}" for k, v in sorted(wire.wire_kinds.items()))
    print(f"| of which, by message (raw-driver statements included) | {on_wire} | |")
    print()
    print("One request's round trips, in order (Q: simple query; P,D,S: prepare; B,E,S: run a")
    print("prepared statement; SQL cut at 160 characters):")
    print()
    for k, line in enumerate(trace, 1):
        print(f"{k}. `{line if len(line) <= 160 else line[:160] + ' ...'}`")
    print()
    print("| section | wall ms per request | CPU ms per request | calls per request |")
    print("|---|---|---|---|")
    for name, depth in scenario.sections:
        indent = "&nbsp;" * 4 * depth
        if not timers.calls[name]:
            print(f"| {indent}{name} | - | - | 0 |")
            continue
        print(
            f"| {indent}{name} | {1000 * timers.wall[name] / n:.2f} "
            f"| {1000 * timers.cpu[name] / n:.2f} | {timers.calls[name] / n:.2f} |"
        )


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
