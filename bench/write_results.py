"""After a write scenario: the check that every row is as posted, and its Markdown table."""

import statistics

from bench.host import BenchError
from bench.servers import APP_NAMES
from bench.throwaway_postgres import psql
from bench.write_scenario_setup import WRITE_ORG, WriteScenario
from bench.wrk_runs import CONNECTIONS, Run, run_cells

TARGET_RATIO = 0.6


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
        server = statistics.median(r.server_cpu_ms for r in runs)
        database = statistics.median(r.pg_cpu_ms for r in runs)
        lines.append(f"| {labels[name]} | {run_cells(runs)[0]} | {server:.2f} | {database:.2f} |")
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
