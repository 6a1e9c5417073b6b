"""`make bench`: referral intake, service vs. bare FastAPI (TECH-NOTES §12).

Durable throwaway PostgreSQL; both apps pinned to one core, wrk to another; 2 s warm-up each,
then alternating repeats. Any non-2xx, socket error or unexpected row count fails the run.
Prints one Markdown table and writes it to bench/out/latest.md; server logs go to bench/out/.

    .venv/bin/python bench/run.py [--apps reference,service] [--repeats 3] [--duration 10]
"""

import argparse
import contextlib
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
import urllib.request
from collections.abc import Iterator
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


@dataclass
class Run:  # the BENCH line printed by done() in bench/intake.lua
    requests: float
    rps: float
    p50_ms: float
    p99_ms: float
    non2xx: float
    socket_errors: float


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
    logfile = stack.enter_context((OUT / f"{app.name}.log").open("w"))
    cmd = [*SERVER_CPU, str(BIN / "uvicorn"), *app.target, *UVICORN_FLAGS]
    cmd += ["--host", "127.0.0.1", "--port", str(app.port)]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=app.env, stdout=logfile, stderr=subprocess.STDOUT, start_new_session=True
    )
    stack.callback(stop_process, proc)
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
    tail = "\n".join((OUT / f"{app.name}.log").read_text(errors="replace").splitlines()[-30:])
    state = f"exited with {proc.returncode}" if proc.poll() is not None else "timed out"
    raise BenchError(f"{app.name} not ready at {url} ({state}); bench/out/{app.name}.log:\n{tail}")


def mint_token(env: dict[str, str]) -> str:
    cmd = [str(BIN / "python"), "-m", "api.tokens", "--rol", "verwijzer", "--org", "ura:01234567"]
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


def bench(args: argparse.Namespace, stack: contextlib.ExitStack) -> str:
    ensure_tools()
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apps", nargs="+", choices=APP_NAMES, default=list(APP_NAMES))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10, help="seconds per repeat")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        with contextlib.ExitStack() as stack:
            report = bench(args, stack)
    except (BenchError, subprocess.CalledProcessError) as exc:
        print(f"bench FAILED: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench interrupted", file=sys.stderr)
        return 130
    (OUT / "latest.md").write_text(report)
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
