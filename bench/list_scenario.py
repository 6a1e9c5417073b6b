"""The list scenario: GET /v1/trajecten?limit=50 over a seeded table, first and deep page."""

import argparse
import contextlib
import json
import sys
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bench.host import BIN, ROOT, BenchError, log, sh, versions
from bench.seed_runs import seed
from bench.servers import SERVER_CPU, App, make_apps, mint_token, start_server
from bench.throwaway_postgres import migrate, postgres, psql, settled_count
from bench.wrk_runs import Run, run_cells, run_wrk, wrk_command

LIST_ORG, LIST_LIMIT, AUDIT_TABLE = "mim-demo", 50, "audit_line"
TARGET_P50_MS = 20.0


@dataclass
class ListPage:
    name: str  # "first" or "deep"
    query: str  # path and query string
    connections: int


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
    cmd = wrk_command(page.connections, seconds)
    cmd += ["-s", str(ROOT / "bench/list.lua"), url, "--", app.token]
    return run_wrk(cmd)


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
        cells, p50 = run_cells(runs)
        lines.append(f"| {name} | {connections} | {cells} |")
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
