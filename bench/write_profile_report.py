"""The write profiler's report: per request statements, round trips and sections, then the
sealer's pass, the cost of one exchange and cProfile's top functions, as Markdown on stdout."""

import argparse
import cProfile
import io
import pstats

from bench.postgres_wire_counters import Wire
from bench.write_profile_scenarios import Scenario
from bench.write_section_timers import Timers


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


def report_after(
    args: argparse.Namespace,
    sealed: int,
    costs: list[tuple[str, float, float]],
    profiler: cProfile.Profile | None,
    missing: list[str],
) -> None:
    """What follows the tables: the sealer's pass, `--round-trips`, `--cprofile`, and the
    sections this tree does not have."""
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
