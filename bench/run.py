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

    .venv/bin/python bench/run.py [--scenarios intake,list,transition,visit]
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
import functools
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import statistics
import string
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
OUT = ROOT / "bench" / "out"
CONNECTIONS = 32
APP_NAMES = ("reference", "service")
SERVER_CPU, WRK_CPU = ["taskset", "-c", "0"], ["taskset", "-c", "1"]
UVICORN_FLAGS = ["--workers", "1", "--loop", "uvloop", "--http", "httptools", "--no-access-log"]


class BenchError(Exception):
    """The run is invalid or could not be set up; the message says why."""


@dataclass
class App:
    name: str
    target: list[str]  # uvicorn's app argument(s)
    table: str
    env: dict[str, str]
    port: int = 0
    token: str = "-"  # the reference app ignores it
    pid: int = 0  # the uvicorn process (taskset execs it)
    logname: str = ""  # bench/out/<logname>.log; the name when empty

    @property
    def log(self) -> Path:
        return OUT / f"{self.logname or self.name}.log"


@dataclass
class Run:  # the BENCH line printed by done() in bench/intake.lua
    requests: float
    rps: float
    p50_ms: float
    p99_ms: float
    non2xx: float
    socket_errors: float
    server_cpu_ms: float = 0.0  # per request, from /proc (write scenarios)
    pg_cpu_ms: float = 0.0


def log(msg: str) -> None:
    print(f"bench: {msg}", file=sys.stderr, flush=True)


def sh(cmd: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)


def ensure_tools() -> None:
    if len(os.sched_getaffinity(0)) < 2 or not shutil.which("taskset"):
        raise BenchError("needs taskset and CPUs 0 and 1 (servers on 0, wrk on 1)")
    if shutil.which("wrk"):
        return
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    if sudo and (not shutil.which("sudo") or sh([*sudo, "true"]).returncode != 0):
        raise BenchError("wrk is missing; install it (apt-get install -y wrk) or run as root")
    log("wrk not found; installing it with apt-get")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update"], ["apt-get", "install", "-y", "wrk"]):
        subprocess.run([*sudo, *cmd], check=True, env=env, stdout=sys.stderr)


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


def sql_count(pg: dict[str, str], table: str) -> int:
    dsn = pg["DATABASE_URL"].replace("+asyncpg", "")
    psql = [f"{pg['MIM_PG_BIN']}/psql", dsn, "-tAc", f"SELECT count(*) FROM {table}"]
    done = sh(psql)
    if done.returncode != 0:
        raise BenchError(f"counting rows in {table} failed: {done.stderr.strip()}")
    return int(done.stdout)


def start_server(app: App, stack: contextlib.ExitStack) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        app.port = s.getsockname()[1]
    logfile = stack.enter_context(app.log.open("w"))
    cmd = [*SERVER_CPU, str(BIN / "uvicorn"), *app.target, *UVICORN_FLAGS]
    cmd += ["--host", "127.0.0.1", "--port", str(app.port)]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=app.env, stdout=logfile, stderr=subprocess.STDOUT, start_new_session=True
    )
    stack.callback(stop_process, proc)
    app.pid = proc.pid
    wait_ready(app, proc)


def stop_process(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def wait_ready(app: App, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    path = "/v1/health/ready" if app.name == "service" else "/openapi.json"
    url = f"http://127.0.0.1:{app.port}{path}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as resp:
            if resp.status == 200:
                return
        time.sleep(0.2)
    tail = "\n".join(app.log.read_text(errors="replace").splitlines()[-30:])
    state = f"exited with {proc.returncode}" if proc.poll() is not None else "timed out"
    where = app.log.relative_to(ROOT)
    raise BenchError(f"{app.name} not ready at {url} ({state}); {where}:\n{tail}")


def mint_token(env: dict[str, str], role: str = "verwijzer", org: str = "ura:01234567") -> str:
    cmd = [str(BIN / "python"), "-m", "api.tokens", "--rol", role, "--org", org]
    done = sh([*cmd, "--geldig", "7200"], env)
    if done.returncode != 0 or not done.stdout.strip():
        raise BenchError(f"python -m api.tokens failed ({done.returncode}): {done.stderr.strip()}")
    return done.stdout.strip().splitlines()[-1]


def write_body(path: Path) -> None:
    today = datetime.now(ZoneInfo("Europe/Amsterdam")).date()
    body = json.loads((ROOT / "bench" / "body.json").read_text())
    body["kind"]["geboortedatum"] = (today - timedelta(days=60)).isoformat()
    body["toestemming"]["datum"] = (today - timedelta(days=3)).isoformat()
    path.write_text(json.dumps(body, ensure_ascii=False, separators=(",", ":")))


def wrk(app: App, body: Path, seconds: int) -> Run:
    run_id = "".join(random.choices(string.ascii_letters, k=12))
    cmd = [*WRK_CPU, "wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency"]
    cmd += ["-s", str(ROOT / "bench/intake.lua"), f"http://127.0.0.1:{app.port}/v1/verwijzingen"]
    cmd += ["--", str(body), app.token, run_id]
    done = sh(cmd)
    match = re.search(r"^BENCH (.*)$", done.stdout, re.MULTILINE)
    if done.returncode != 0 or not match:
        raise BenchError(f"wrk failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return Run(**{k: float(x) for k, x in (kv.split("=") for kv in match.group(1).split())})


def measured(app: App, pg: dict[str, str], body: Path, seconds: int) -> Run:
    """One wrk run, validated: all 2xx, no socket errors, one new row per request."""
    before = sql_count(pg, app.table)
    run = wrk(app, body, seconds)
    added = sql_count(pg, app.table) - before
    label = f"{app.name} ({seconds} s)"
    if run.requests == 0:
        raise BenchError(f"{label}: no requests completed")
    if run.non2xx or run.socket_errors:
        raise BenchError(f"{label}: {run.non2xx:.0f} non-2xx, {run.socket_errors:.0f} socket errs")
    if not run.requests <= added <= run.requests + CONNECTIONS:
        raise BenchError(f"{label}: {run.requests:.0f} requests but {added} rows in {app.table}")
    log(f"{label}: {run.rps:.0f} req/s, p50 {run.p50_ms:.1f} ms, p99 {run.p99_ms:.1f} ms")
    return run


def migrate(pg: dict[str, str]) -> None:
    done = sh([str(BIN / "alembic"), "upgrade", "head"], {**os.environ, **pg})
    if done.returncode != 0:
        raise BenchError(f"alembic upgrade head failed on the bench PostgreSQL:\n{done.stderr}")


def make_apps(names: list[str], pg: dict[str, str], data_dir: str) -> list[App]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("MIM_")}
    base["DATABASE_URL"] = pg["DATABASE_URL"]
    service_env = {**base, "MIM_DATA_DIR": data_dir, "MIM_SCHEDULER": "aan"}
    service_env |= {"MIM_DEMO_DATA": "uit", "MIM_RATE_LIMIT": "0"}
    reference = App(
        "reference", ["--app-dir", "bench", "reference_app:app"], "bench_referral", base
    )
    service = App("service", ["api.app:create_app_from_env", "--factory"], "referral", service_env)
    return [{"reference": reference, "service": service}[n] for n in names]


def versions(pg: dict[str, str]) -> str:
    def out(*cmd: str) -> str:  # first line of stdout (wrk --version exits 1), or "-"
        return sh(list(cmd)).stdout.strip().split("\n")[0] or "-"

    commit = out("git", "rev-parse", "--short", "HEAD")
    dirty = " (uncommitted changes)" if out("git", "status", "--porcelain") != "-" else ""
    postgres = out(pg["MIM_PG_BIN"] + "/postgres", "--version")
    wrk_version, now = out("wrk", "--version").split(" [")[0], datetime.now().astimezone()
    return (
        f"Python {platform.python_version()}, {postgres}, {wrk_version}, "
        f"commit {commit}{dirty}, {os.cpu_count()} CPUs, {now:%Y-%m-%d %H:%M %Z}"
    )


def table(results: dict[str, list[Run]], meta: str, seconds: int) -> str:
    lines = [
        f"Referral intake, {CONNECTIONS} connections, {len(next(iter(results.values())))} x "
        f"{seconds} s per app, durable PostgreSQL. {meta}.",
        "",
        "| app | req/s median (min-max) | p50 ms | p99 ms | non-2xx |",
        "|---|---|---|---|---|",
    ]
    for name, runs in results.items():
        rps = [r.rps for r in runs]
        p50 = statistics.median(r.p50_ms for r in runs)
        p99 = statistics.median(r.p99_ms for r in runs)
        non2xx = sum(r.non2xx for r in runs)
        lines.append(
            f"| {name} | {statistics.median(rps):,.0f} ({min(rps):,.0f}-{max(rps):,.0f}) "
            f"| {p50:.1f} | {p99:.1f} | {non2xx:.0f} |"
        )
    if {"service", "reference"} <= results.keys():
        reference, service = (statistics.median(r.rps for r in results[n]) for n in APP_NAMES)
        lines += ["", f"Throughput service / reference: **{service / reference:.2f}**"]
    return "\n".join(lines) + "\n"


def bench_intake(args: argparse.Namespace, stack: contextlib.ExitStack) -> str:
    pg = stack.enter_context(postgres())
    if "service" in args.apps:
        migrate(pg)
    work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="mim-bench.")))
    body = work / "body.json"
    write_body(body)
    apps = make_apps(args.apps, pg, str(work / "data"))
    for app in apps:
        start_server(app, stack)
        if app.name == "service":
            app.token = mint_token(app.env)
        measured(app, pg, body, 2)  # warm-up, discarded
    results: dict[str, list[Run]] = {app.name: [] for app in apps}
    for _ in range(args.repeats):
        for app in apps:
            results[app.name].append(measured(app, pg, body, args.duration))
    return table(results, versions(pg), args.duration)


# --- list scenario: GET /v1/trajecten?limit=50 over a seeded table -------------------------

LIST_ORG, LIST_LIMIT, AUDIT_TABLE = "mim-demo", 50, "audit_line"
TARGET_P50_MS = 20.0


@dataclass
class ListPage:
    name: str  # "first" or "deep"
    query: str  # path and query string
    connections: int


def psql(pg: dict[str, str], sql: str) -> str:
    dsn = pg["DATABASE_URL"].replace("+asyncpg", "")
    done = sh([f"{pg['MIM_PG_BIN']}/psql", dsn, "-XtAq", "-v", "ON_ERROR_STOP=1", "-c", sql])
    if done.returncode != 0:
        raise BenchError(f"psql failed: {done.stderr.strip()}\n{sql}")
    return done.stdout.strip()


def seed(pg: dict[str, str], rows: int) -> tuple[float, float]:
    """Runs bench/seed_trajectories.py (its progress bar goes to our stderr); (s, rows/s)."""
    log(f"seeding {rows:,} trajectories (with their referrals) by COPY")
    cmd = [str(BIN / "python"), str(ROOT / "bench/seed_trajectories.py"), "--count", str(rows)]
    env = {**os.environ, "DATABASE_URL": pg["DATABASE_URL"]}
    done = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True, check=False)
    match = re.search(r"^SEEDED rows=(\d+) seconds=([\d.]+) rows_per_s=(\d+)", done.stdout, re.M)
    if done.returncode != 0 or not match:
        raise BenchError(f"bench/seed_trajectories.py failed ({done.returncode}):\n{done.stdout}")
    if (count := sql_count(pg, "trajectory")) != rows:
        raise BenchError(f"seeded {rows:,} trajectories but the table holds {count:,}")
    return float(match.group(2)), float(match.group(3))


def deep_cursor(pg: dict[str, str], depth: int) -> tuple[str, str]:
    """The cursor after the row `depth` rows deep in the organisation's list, made as the use
    case makes it (domain.services.trajectories.page), and that row's created_at."""
    sys.path.insert(0, str(ROOT))
    from domain.model.cursor import encode_cursor  # needs ROOT on sys.path
    from domain.views import TrajectoryFilter

    row = psql(
        pg,
        "SET TIME ZONE 'UTC'; SELECT to_json(created_at) #>> '{}', id FROM trajectory "
        f"WHERE organisation = '{LIST_ORG}' ORDER BY created_at DESC, id DESC "
        f"OFFSET {depth} LIMIT 1",
    )
    if "|" not in row:
        raise BenchError(f"{LIST_ORG} has no row {depth:,} deep")
    at, key = row.split("|")
    moment = datetime.fromisoformat(at)
    if moment.tzinfo is None:
        raise BenchError(f"created_at without a time zone: {at}")
    # The coordinator's selection: no status, phase, municipality or volunteer filter.
    fingerprint = TrajectoryFilter(organisation=LIST_ORG).fingerprint()
    return encode_cursor((moment, key), fingerprint=fingerprint), at


def fetch_page(app: App, query: str) -> dict[str, object]:
    req = urllib.request.Request(
        f"http://127.0.0.1:{app.port}{query}",
        headers={"Authorization": f"Bearer {app.token}", "Accept": "application/json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            body: dict[str, object] = json.loads(resp.read())
            return body
    except urllib.error.HTTPError as exc:
        raise BenchError(f"GET {query[:60]}: {exc.code} {exc.read()[:500]!r}") from None


def check_page(app: App, page: ListPage, before: str | None) -> None:
    """One request by hand: 200, a full page of the organisation, older than the cursor."""
    body = fetch_page(app, page.query)
    items = body.get("resultaten")
    if not isinstance(items, list) or len(items) != LIST_LIMIT or not body.get("volgende"):
        raise BenchError(f"{page.name} page: expected {LIST_LIMIT} results and a next link")
    if any(item["uitvoerendeOrganisatie"] != LIST_ORG for item in items):
        raise BenchError(f"{page.name} page: a trajectory of another organisation")
    stamps = [datetime.fromisoformat(item["aangemaaktOp"]) for item in items]
    if stamps != sorted(stamps, reverse=True):
        raise BenchError(f"{page.name} page: not newest first")
    if before is not None and not stamps[0] <= datetime.fromisoformat(before):
        raise BenchError(f"{page.name} page starts after its cursor ({stamps[0]} > {before})")


def wrk_list(app: App, page: ListPage, seconds: int) -> Run:
    url = f"http://127.0.0.1:{app.port}{page.query}"
    cmd = [*WRK_CPU, "wrk", "-t1", f"-c{page.connections}", f"-d{seconds}s", "--latency"]
    cmd += ["-s", str(ROOT / "bench/list.lua"), url, "--", app.token]
    done = sh(cmd)
    match = re.search(r"^BENCH (.*)$", done.stdout, re.MULTILINE)
    if done.returncode != 0 or not match:
        raise BenchError(f"wrk failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return Run(**{k: float(x) for k, x in (kv.split("=") for kv in match.group(1).split())})


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


def measured_list(app: App, pg: dict[str, str], page: ListPage, seconds: int) -> Run:
    """One wrk run, validated: all 2xx, no socket errors, 50 audit lines per request."""
    before = settled_count(pg, AUDIT_TABLE)
    run = wrk_list(app, page, seconds)
    added = settled_count(pg, AUDIT_TABLE) - before
    label = f"list {page.name} page, c{page.connections} ({seconds} s)"
    if run.requests == 0:
        raise BenchError(f"{label}: no requests completed")
    if run.non2xx or run.socket_errors:
        raise BenchError(f"{label}: {run.non2xx:.0f} non-2xx, {run.socket_errors:.0f} socket errs")
    low, high = LIST_LIMIT * run.requests, LIST_LIMIT * (run.requests + page.connections)
    if not low <= added <= high:
        raise BenchError(f"{label}: {run.requests:.0f} requests but {added} new audit lines")
    log(f"{label}: {run.rps:.0f} req/s, p50 {run.p50_ms:.1f} ms, p99 {run.p99_ms:.1f} ms")
    return run


def list_table(
    results: dict[tuple[str, int], list[Run]], meta: str, args: argparse.Namespace, seeded: str
) -> str:
    repeats = len(next(iter(results.values())))
    lines = [
        f"Trajectory list, GET /v1/trajecten?limit={LIST_LIMIT} as coordinator of {LIST_ORG}, "
        f"{args.rows:,} seeded trajectories ({seeded}); first page and a cursor "
        f"{args.deep:,} rows deep; {repeats} x {args.duration} s per page and concurrency, "
        f"durable PostgreSQL. Every request also writes {LIST_LIMIT} audit lines (NEN 7513). "
        f"{meta}.",
        "",
        "| page | connections | req/s median (min-max) | p50 ms | p99 ms | non-2xx |",
        "|---|---|---|---|---|---|",
    ]
    verdicts = []
    for (name, connections), runs in results.items():
        rps = [r.rps for r in runs]
        p50 = statistics.median(r.p50_ms for r in runs)
        p99 = statistics.median(r.p99_ms for r in runs)
        non2xx = sum(r.non2xx for r in runs)
        lines.append(
            f"| {name} | {connections} | {statistics.median(rps):,.0f} "
            f"({min(rps):,.0f}-{max(rps):,.0f}) | {p50:.1f} | {p99:.1f} | {non2xx:.0f} |"
        )
        verdicts.append(f"{name}/c{connections} {'met' if p50 <= TARGET_P50_MS else 'MISSED'}")
    lines += ["", f"Target p50 ≤ {TARGET_P50_MS:.0f} ms: " + ", ".join(verdicts)]
    return "\n".join(lines) + "\n"


def bench_list(args: argparse.Namespace, stack: contextlib.ExitStack) -> str:
    pg = stack.enter_context(postgres())
    migrate(pg)
    seconds, rate = seed(pg, args.rows)
    log(f"seeded {args.rows:,} trajectories in {seconds:.1f} s ({rate:,.0f} rows/s)")
    in_org = int(psql(pg, f"SELECT count(*) FROM trajectory WHERE organisation = '{LIST_ORG}'"))
    if in_org <= args.deep + LIST_LIMIT:
        raise BenchError(f"{LIST_ORG} has {in_org:,} trajectories: too few for --deep {args.deep}")
    cursor, at = deep_cursor(pg, args.deep)
    work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="mim-bench.")))
    (app,) = make_apps(["service"], pg, str(work / "data"))
    app.logname = "service-list"
    start_server(app, stack)
    app.token = mint_token(app.env, role="coordinator", org=LIST_ORG)
    first = f"/v1/trajecten?limit={LIST_LIMIT}"
    pages = [
        ListPage(name, query, c)
        for c in args.list_connections
        for name, query in (("first", first), ("deep", f"{first}&cursor={cursor}"))
    ]
    for page in pages[:2]:
        check_page(app, page, at if page.name == "deep" else None)
    for page in pages:
        measured_list(app, pg, page, 2)  # warm-up, discarded
    results: dict[tuple[str, int], list[Run]] = {(p.name, p.connections): [] for p in pages}
    for _ in range(args.repeats):
        for page in pages:
            results[page.name, page.connections].append(measured_list(app, pg, page, args.duration))
    seeded = f"{in_org:,} in {LIST_ORG}; seeded in {seconds:.0f} s, {rate:,.0f} rows/s"
    report = list_table(results, versions(pg), args, seeded)
    report += "\n" + explain_pages(app, args.deep)
    if args.list_profile:  # in-process section timings; the uvicorn server is idle meanwhile
        report += "\n" + profile_pages(app, args.deep)
    return report


def explain_pages(app: App, deep: int) -> str:
    """bench/explain_page.py: EXPLAIN ANALYZE of the repository's own page query."""
    cmd = [str(BIN / "python"), str(ROOT / "bench/explain_page.py"), "--org", LIST_ORG]
    done = sh([*cmd, "--deep", str(deep), "--limit", str(LIST_LIMIT)], app.env)
    if done.returncode != 0:
        raise BenchError(f"bench/explain_page.py failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def profile_pages(app: App, deep: int) -> str:
    """bench/profile_list.py for both pages, pinned like the server: where a request's time goes."""
    out = []
    for depth in (0, deep):
        cmd = [*SERVER_CPU, str(BIN / "python"), str(ROOT / "bench/profile_list.py")]
        done = sh([*cmd, "--org", LIST_ORG, "--deep", str(depth), "--requests", "200"], app.env)
        if done.returncode != 0:
            raise BenchError(f"bench/profile_list.py failed:\n{done.stdout}{done.stderr}")
        out.append(done.stdout)
    return "\n".join(out)


# --- write scenarios: POST .../overgangen and .../huisbezoeken vs. the bare intake ----------

WRITE_ORG = "mim-demo"
TARGET_RATIO = 0.6
MAX_EXPECTED_RPS = 3000.0  # ids reserved for a run before its first measured rate is known


@dataclass
class WriteScenario:
    name: str  # "transition" or "visit"
    title: str
    suffix: str  # /v1/trajecten/{id}/<suffix>
    state: str  # the seeded state the requests need
    table: str  # one new row per request
    mode: str  # write.lua: "once" (a new trajectory per request) or "cycle" (round-robin)
    body: dict[str, object]


@dataclass
class IdCursor:
    """Where the next wrk run starts in the ids file."""

    ids: list[str]
    mode: str
    offset: int = 0

    def reserve(self, seconds: int, rps: float) -> None:
        """In `once` mode, refuses a run that could reach ids already moved."""
        needed = int(1.5 * rps * seconds) + CONNECTIONS
        left = len(self.ids) - self.offset
        if self.mode == "once" and left < needed:
            raise BenchError(
                f"{left:,} unused ids left but a {seconds} s run at {rps:,.0f} req/s may need "
                f"{needed:,}: seed more (--transition-rows)"
            )

    def advance(self, requests: float) -> None:
        # completed requests plus at most one in flight per connection when wrk stopped
        self.offset += int(requests) + CONNECTIONS
        if self.mode == "cycle":
            self.offset %= len(self.ids)


def cpu_seconds(pid: int) -> float:
    """User + system CPU of one process so far, from /proc/<pid>/stat; 0 once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()  # after the command name: state, ppid, ...
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postgres_cpu(pg: dict[str, str]) -> float:
    """CPU of the cluster's postmaster and its children (backends, WAL writer, ...) so far.
    A backend that exits between two readings takes its CPU with it (the pools keep theirs)."""
    postmaster = int((Path(pg["MIM_PG_DIR"]) / "data/postmaster.pid").read_text().split()[0])
    total = cpu_seconds(postmaster)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if parent == postmaster:
            total += cpu_seconds(int(entry.name))
    return total


def with_cpu(app: App, pg: dict[str, str], measure: Callable[[], Run]) -> Run:
    """`measure()` with the server's and PostgreSQL's CPU per completed request added."""
    server, database = cpu_seconds(app.pid), postgres_cpu(pg)
    run = measure()
    run.server_cpu_ms = 1000 * (cpu_seconds(app.pid) - server) / run.requests
    run.pg_cpu_ms = 1000 * (postgres_cpu(pg) - database) / run.requests
    log(f"{app.name}: server CPU {run.server_cpu_ms:.2f} ms/req, PG {run.pg_cpu_ms:.2f} ms/req")
    return run


def write_scenario(name: str) -> WriteScenario:
    today = datetime.now(ZoneInfo("Europe/Amsterdam")).date().isoformat()
    if name == "transition":
        return WriteScenario(
            name,
            "Transition aangemeld → intake, POST /v1/trajecten/{id}/overgangen",
            "overgangen",
            "aangemeld",
            "trajectory_transition",
            "once",
            {"naar": "intake", "intakeDatum": today},
        )
    return WriteScenario(
        name,
        "Visit in uitvoering, POST /v1/trajecten/{id}/huisbezoeken",
        "huisbezoeken",
        "uitvoering",
        "visit",
        "cycle",
        {
            "soort": "huisbezoek",
            "datum": today,
            "duurMinuten": 75,
            "locatie": "thuis",
            "onderwerpen": ["kind_slapen"],
        },
    )


def seed_more(pg: dict[str, str], count: int, *flags: str) -> float:
    """bench/seed_trajectories.py adding `count` trajectories; returns seconds."""
    what = " ".join(flags) or "mixed states"
    log(f"seeding {count:,} trajectories ({what}) by COPY")
    before = sql_count(pg, "trajectory")
    cmd = [str(BIN / "python"), str(ROOT / "bench/seed_trajectories.py"), "--count", str(count)]
    env = {**os.environ, "DATABASE_URL": pg["DATABASE_URL"]}
    done = subprocess.run(
        [*cmd, *flags], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True, check=False
    )
    match = re.search(r"^SEEDED rows=(\d+) seconds=([\d.]+)", done.stdout, re.M)
    if done.returncode != 0 or not match:
        raise BenchError(f"bench/seed_trajectories.py failed ({done.returncode}):\n{done.stdout}")
    if (added := sql_count(pg, "trajectory") - before) != count:
        raise BenchError(f"seeded {count:,} trajectories but the table gained {added:,}")
    return float(match.group(2))


def write_ids(pg: dict[str, str], scenario: WriteScenario, limit: int | None) -> list[str]:
    """The organisation's trajectories the requests may write to, in random order."""
    where = f"organisation = '{WRITE_ORG}' AND state = '{scenario.state}'"
    if scenario.name == "visit":  # a phase, a matched volunteer that exists, started
        where += (
            " AND phase = 'uitvoering' AND start_date <= current_date"
            " AND volunteer_id IN (SELECT id FROM volunteer WHERE status = 'actief')"
        )
    sql = f"SELECT id FROM trajectory WHERE {where} ORDER BY random()"
    ids = psql(pg, sql + (f" LIMIT {limit}" if limit else "")).split()
    if limit and len(ids) < limit:
        raise BenchError(f"only {len(ids):,} trajectories fit the {scenario.name} scenario")
    return ids


def post_json(app: App, path: str, body: bytes) -> tuple[int, bytes]:
    req = urllib.request.Request(
        f"http://127.0.0.1:{app.port}{path}",
        data=body,
        method="POST",
        headers={
            "Authorization": f"Bearer {app.token}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def check_write(app: App, scenario: WriteScenario, cursor: IdCursor, body: Path) -> None:
    """One request by hand, so a refusal shows its problem body instead of a count: 201."""
    trajectory_id = cursor.ids[cursor.offset]
    status, answer = post_json(
        app, f"/v1/trajecten/{trajectory_id}/{scenario.suffix}", body.read_bytes()
    )
    if status != 201:
        raise BenchError(f"{scenario.name}: by hand {status} instead of 201: {answer[:500]!r}")
    cursor.offset += 1


def wrk_write(
    app: App, scenario: WriteScenario, body: Path, ids: Path, start: int, seconds: int
) -> Run:
    cmd = [*WRK_CPU, "wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency"]
    cmd += ["-s", str(ROOT / "bench/write.lua"), f"http://127.0.0.1:{app.port}/"]
    cmd += ["--", str(body), str(ids), app.token, scenario.suffix, str(start), scenario.mode]
    done = sh(cmd)
    match = re.search(r"^BENCH (.*)$", done.stdout, re.MULTILINE)
    if done.returncode != 0 or not match:
        raise BenchError(f"wrk failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return Run(**{k: float(x) for k, x in (kv.split("=") for kv in match.group(1).split())})


def measured_write(
    app: App,
    pg: dict[str, str],
    scenario: WriteScenario,
    files: tuple[Path, Path],
    cursor: IdCursor,
    seconds: int,
    rps: float,
) -> Run:
    """One wrk run, validated: all 2xx, no socket errors, one new row per request."""
    cursor.reserve(seconds, rps)
    before = settled_count(pg, scenario.table)
    run = wrk_write(app, scenario, *files, cursor.offset, seconds)
    added = settled_count(pg, scenario.table) - before
    cursor.advance(run.requests)
    label = f"{scenario.name} {app.name} ({seconds} s)"
    if run.requests == 0:
        raise BenchError(f"{label}: no requests completed")
    if run.non2xx or run.socket_errors:
        where = app.log.relative_to(ROOT)
        raise BenchError(
            f"{label}: {run.non2xx:.0f} non-2xx, {run.socket_errors:.0f} socket errs (see {where})"
        )
    if not run.requests <= added <= run.requests + CONNECTIONS:
        raise BenchError(
            f"{label}: {run.requests:.0f} requests but {added} rows in {scenario.table}"
        )
    log(f"{label}: {run.rps:.0f} req/s, p50 {run.p50_ms:.1f} ms, p99 {run.p99_ms:.1f} ms")
    return run


def write_state(pg: dict[str, str], scenario: WriteScenario) -> dict[str, int]:
    """The figures the final check compares: rows written and what they imply."""
    if scenario.name == "transition":
        sql = (
            "SELECT (SELECT count(*) FROM trajectory_transition),"
            " (SELECT count(*) FROM trajectory_transition"
            "   WHERE from_state = 'aangemeld' AND to_state = 'intake'"
            "   AND fields ->> 'intakeDatum' IS NOT NULL),"
            f" (SELECT count(*) FROM trajectory WHERE organisation = '{WRITE_ORG}'"
            "   AND state = 'intake' AND version > 1"
            "   AND id IN (SELECT trajectory_id FROM trajectory_transition)),"
            " (SELECT count(*) FROM event), (SELECT count(*) FROM audit_line)"
        )
        names = ("rows", "expected_rows", "moved", "events", "audit_lines")
    else:
        sql = (
            "SELECT (SELECT count(*) FROM visit),"
            " (SELECT count(*) FROM visit WHERE kind = 'huisbezoek' AND phase = 'uitvoering'"
            "   AND replaced_by IS NULL AND NOT void),"
            f" (SELECT coalesce(sum(visits_execution), 0) FROM trajectory"
            f"   WHERE organisation = '{WRITE_ORG}' AND state = 'uitvoering'),"
            " (SELECT count(*) FROM event), (SELECT count(*) FROM audit_line)"
        )
        names = ("rows", "expected_rows", "counted", "events", "audit_lines")
    values = [int(v) for v in psql(pg, sql).split("|")]
    return dict(zip(names, values, strict=True))


def check_written(scenario: WriteScenario, before: dict[str, int], after: dict[str, int]) -> str:
    """After the scenario: every row the expected kind, and the trajectories changed with them
    (a transition: the trajectory in intake; a visit: the execution count + 1)."""
    grown = {key: after[key] - before[key] for key in after}
    rows = grown["rows"]
    problems = []
    if rows == 0:
        problems.append(f"no rows in {scenario.table}")
    if grown["expected_rows"] != rows:
        problems.append(f"{rows - grown['expected_rows']} of {rows} rows not as posted")
    implied = grown["moved"] if scenario.name == "transition" else grown["counted"]
    if implied != rows:
        what = "trajectories now in intake" if scenario.name == "transition" else "visit counts"
        problems.append(f"{rows} rows but {implied} {what}")
    if grown["events"] < rows or grown["audit_lines"] < rows:
        problems.append(
            f"{rows} rows, {grown['events']} events, {grown['audit_lines']} audit lines"
        )
    if problems:
        raise BenchError(f"{scenario.name}: " + "; ".join(problems))
    return (
        f"Checked after the runs: {rows:,} new rows in {scenario.table}, all as posted, "
        f"with {implied:,} matching trajectory changes, {grown['events']:,} outbox events and "
        f"{grown['audit_lines']:,} audit lines."
    )


def write_table(
    scenario: WriteScenario, results: dict[str, list[Run]], meta: str, seeded: str, seconds: int
) -> str:
    repeats = len(next(iter(results.values())))
    spread = (
        "each request a different trajectory"
        if scenario.mode == "once"
        else "round-robin over the trajectories"
    )
    lines = [
        f"{scenario.title} as coordinator of {WRITE_ORG}, {spread} ({seeded}); "
        f"{CONNECTIONS} connections, {repeats} x {seconds} s per app, alternating with the bare "
        f"FastAPI intake (bench/reference_app.py) of the same run; durable PostgreSQL. {meta}.",
        "",
        "| app | req/s median (min-max) | p50 ms | p99 ms | non-2xx "
        "| server CPU ms/req | PostgreSQL CPU ms/req |",
        "|---|---|---|---|---|---|---|",
    ]
    labels = {"reference": "reference (bare intake)", "service": f"service ({scenario.name})"}
    for name, runs in results.items():
        rps = [r.rps for r in runs]
        p50 = statistics.median(r.p50_ms for r in runs)
        p99 = statistics.median(r.p99_ms for r in runs)
        non2xx = sum(r.non2xx for r in runs)
        server = statistics.median(r.server_cpu_ms for r in runs)
        database = statistics.median(r.pg_cpu_ms for r in runs)
        lines.append(
            f"| {labels[name]} | {statistics.median(rps):,.0f} ({min(rps):,.0f}-{max(rps):,.0f}) "
            f"| {p50:.1f} | {p99:.1f} | {non2xx:.0f} | {server:.2f} | {database:.2f} |"
        )
    if {"service", "reference"} <= results.keys():
        reference, service = (statistics.median(r.rps for r in results[n]) for n in APP_NAMES)
        ratio = service / reference
        verdict = "met" if ratio >= TARGET_RATIO else "MISSED"
        cpu_ref, cpu_service = (
            statistics.median(r.server_cpu_ms for r in results[n]) for n in APP_NAMES
        )
        lines += [
            "",
            f"Throughput service / reference: **{ratio:.2f}** "
            f"(target ≥ {TARGET_RATIO}: {verdict}). Server CPU per request, reference / "
            f"service: {cpu_ref / cpu_service:.2f} (about what the ratio would be with the "
            "server's core to itself; medians, from /proc).",
        ]
    return "\n".join(lines) + "\n"


def bench_write(name: str, args: argparse.Namespace, stack: contextlib.ExitStack) -> str:
    scenario = write_scenario(name)
    pg = stack.enter_context(postgres())
    migrate(pg)
    seconds = 0.0
    if args.write_base_rows:  # the rest of a production table: all states, both organisations
        seconds += seed_more(pg, args.write_base_rows, "--volunteers")
    rows = args.transition_rows if name == "transition" else args.visit_rows
    flags = ["--state", scenario.state, "--organisation", WRITE_ORG]
    seconds += seed_more(pg, rows, *flags, *(["--volunteers"] if name == "visit" else []))
    ids = write_ids(pg, scenario, None if scenario.mode == "once" else rows)
    seeded = (
        f"{rows:,} seeded in {scenario.state} in {WRITE_ORG}, {len(ids):,} usable, plus "
        f"{args.write_base_rows:,} in mixed states; seeded in {seconds:.0f} s"
    )
    log(f"{scenario.name}: {len(ids):,} trajectories in {scenario.state} to write to")
    work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="mim-bench.")))
    intake_body, body, ids_file = work / "body.json", work / f"{name}.json", work / "ids.txt"
    write_body(intake_body)
    body.write_text(json.dumps(scenario.body, separators=(",", ":")))
    ids_file.write_text("\n".join(ids) + "\n")
    cursor = IdCursor(ids, scenario.mode)
    apps = make_apps(args.apps, pg, str(work / "data"))
    before = write_state(pg, scenario)
    with contextlib.ExitStack() as servers:  # stopped before the checks and the profile
        files = (intake_body, body, ids_file)
        results = measure_writes(apps, pg, scenario, files, cursor, args, servers)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    meta = f"{versions(pg)}, load average {load} at the end"
    report = write_table(scenario, results, meta, seeded, args.duration)
    if "service" in args.apps:
        report += "\n" + check_written(scenario, before, write_state(pg, scenario)) + "\n"
        if args.write_profile:  # in-process, alone on the database
            report += "\n" + profile_write(scenario, pg, work)
    return report


def measure_writes(
    apps: list[App],
    pg: dict[str, str],
    scenario: WriteScenario,
    files: tuple[Path, Path, Path],
    cursor: IdCursor,
    args: argparse.Namespace,
    servers: contextlib.ExitStack,
) -> dict[str, list[Run]]:
    """Starts the apps, warms them up, then alternates them `args.repeats` times."""
    intake_body, body, ids_file = files
    rps = MAX_EXPECTED_RPS
    for app in apps:
        app.logname = f"{app.name}-{scenario.name}"
        start_server(app, servers)
        if app.name == "reference":
            measured(app, pg, intake_body, 2)  # warm-up, discarded
            continue
        app.token = mint_token(app.env, role="coordinator", org=WRITE_ORG)
        check_write(app, scenario, cursor, body)
        measured_write(app, pg, scenario, (body, ids_file), cursor, 2, rps)  # warm-up
    results: dict[str, list[Run]] = {app.name: [] for app in apps}
    for _ in range(args.repeats):
        for app in apps:
            if app.name == "reference":
                measure = functools.partial(measured, app, pg, intake_body, args.duration)
                run = with_cpu(app, pg, measure)
            else:
                measure = functools.partial(
                    measured_write, app, pg, scenario, (body, ids_file), cursor, args.duration, rps
                )
                run = with_cpu(app, pg, measure)
                rps = max([run.rps, *(r.rps for r in results["service"])])
            results[app.name].append(run)
    return results


def profile_write(scenario: WriteScenario, pg: dict[str, str], work: Path) -> str:
    """bench/profile_writes.py, pinned like the server: statements, round trips, sections."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MIM_")}
    env |= {"DATABASE_URL": pg["DATABASE_URL"], "MIM_DATA_DIR": str(work / "data")}
    env |= {"MIM_DEMO_DATA": "uit", "MIM_RATE_LIMIT": "0", "MIM_SCHEDULER": "aan"}
    cmd = [*SERVER_CPU, str(BIN / "python"), str(ROOT / "bench/profile_writes.py")]
    done = sh([*cmd, "--scenario", scenario.name, "--org", WRITE_ORG, "--round-trips"], env)
    if done.returncode != 0:
        raise BenchError(f"bench/profile_writes.py failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def bench_transition(args: argparse.Namespace, stack: contextlib.ExitStack) -> str:
    return bench_write("transition", args, stack)


def bench_visit(args: argparse.Namespace, stack: contextlib.ExitStack) -> str:
    return bench_write("visit", args, stack)


SCENARIOS = {
    "intake": bench_intake,
    "list": bench_list,
    "transition": bench_transition,
    "visit": bench_visit,
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
