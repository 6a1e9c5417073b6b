"""The intake scenario: POST /v1/verwijzingen, the service vs. bench/reference_app.py."""

import argparse
import contextlib
import json
import random
import statistics
import string
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.host import ROOT, BenchError, log, versions
from bench.servers import APP_NAMES, App, make_apps, mint_token, start_server
from bench.throwaway_postgres import migrate, postgres, sql_count
from bench.wrk_runs import CONNECTIONS, Run, run_cells, run_wrk, wrk_command


def write_body(path: Path) -> None:
    today = datetime.now(ZoneInfo("Europe/Amsterdam")).date()
    body = json.loads((ROOT / "bench" / "body.json").read_text())
    body["kind"]["geboortedatum"] = (today - timedelta(days=60)).isoformat()
    body["toestemming"]["datum"] = (today - timedelta(days=3)).isoformat()
    path.write_text(json.dumps(body, ensure_ascii=False, separators=(",", ":")))


def wrk_intake(app: App, body: Path, seconds: int) -> Run:
    run_id = "".join(random.choices(string.ascii_letters, k=12))
    cmd = wrk_command(CONNECTIONS, seconds)
    cmd += ["-s", str(ROOT / "bench/intake.lua"), f"http://127.0.0.1:{app.port}/v1/verwijzingen"]
    cmd += ["--", str(body), app.token, run_id]
    return run_wrk(cmd)


def measured_intake(app: App, pg: dict[str, str], body: Path, seconds: int) -> Run:
    """One wrk run, validated: all 2xx, no socket errors, one new row per request."""
    before = sql_count(pg, app.table)
    run = wrk_intake(app, body, seconds)
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


def intake_table(results: dict[str, list[Run]], meta: str, seconds: int) -> str:
    lines = [
        f"Referral intake, {CONNECTIONS} connections, {len(next(iter(results.values())))} x "
        f"{seconds} s per app, durable PostgreSQL. {meta}.",
        "",
        "| app | req/s median (min-max) | p50 ms | p99 ms | non-2xx |",
        "|---|---|---|---|---|",
    ]
    for name, runs in results.items():
        lines.append(f"| {name} | {run_cells(runs)[0]} |")
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
        measured_intake(app, pg, body, 2)  # warm-up, discarded
    results: dict[str, list[Run]] = {app.name: [] for app in apps}
    for _ in range(args.repeats):
        for app in apps:
            results[app.name].append(measured_intake(app, pg, body, args.duration))
    return intake_table(results, versions(pg), args.duration)
