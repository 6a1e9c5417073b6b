"""The write scenarios: POST .../overgangen and .../huisbezoeken, alternating with the bare
intake of bench/reference_app.py."""

import argparse
import contextlib
import functools
import json
import os
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from bench.cpu_per_request import with_cpu
from bench.host import BIN, ROOT, BenchError, log, sh, versions
from bench.intake_scenario import measured_intake, write_body
from bench.seed_runs import seed_more
from bench.servers import SERVER_CPU, App, make_apps, mint_token, start_server
from bench.throwaway_postgres import migrate, postgres, settled_count
from bench.write_results import check_written, write_state, write_table
from bench.write_scenario_setup import (
    WRITE_ORG,
    IdCursor,
    WriteScenario,
    write_ids,
    write_scenario,
)
from bench.wrk_runs import CONNECTIONS, Run, run_wrk, wrk_command

MAX_EXPECTED_RPS = 3000.0  # ids reserved for a run before its first measured rate is known


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
    cmd = wrk_command(CONNECTIONS, seconds)
    cmd += ["-s", str(ROOT / "bench/write.lua"), f"http://127.0.0.1:{app.port}/"]
    cmd += ["--", str(body), str(ids), app.token, scenario.suffix, str(start), scenario.mode]
    return run_wrk(cmd)


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
            measured_intake(app, pg, intake_body, 2)  # warm-up, discarded
            continue
        app.token = mint_token(app.env, role="coordinator", org=WRITE_ORG)
        check_write(app, scenario, cursor, body)
        measured_write(app, pg, scenario, (body, ids_file), cursor, 2, rps)  # warm-up
    results: dict[str, list[Run]] = {app.name: [] for app in apps}
    for _ in range(args.repeats):
        for app in apps:
            if app.name == "reference":
                measure = functools.partial(measured_intake, app, pg, intake_body, args.duration)
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
