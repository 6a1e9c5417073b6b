"""wrk, pinned to its own core: the command, the BENCH line the Lua scripts print, its figures."""

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from bench.host import BenchError, sh

CONNECTIONS = 32
WRK_CPU = ["taskset", "-c", "1"]


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


def wrk_command(connections: int, seconds: int) -> list[str]:
    return [*WRK_CPU, "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]


def run_wrk(cmd: list[str]) -> Run:
    done = sh(cmd)
    match = re.search(r"^BENCH (.*)$", done.stdout, re.MULTILINE)
    if done.returncode != 0 or not match:
        raise BenchError(f"wrk failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return Run(**{k: float(x) for k, x in (kv.split("=") for kv in match.group(1).split())})


def run_cells(runs: Sequence[Run]) -> tuple[str, float]:
    """The table cells `req/s median (min-max) | p50 ms | p99 ms | non-2xx` of repeated runs,
    and their median p50."""
    rps = [r.rps for r in runs]
    p50 = statistics.median(r.p50_ms for r in runs)
    p99 = statistics.median(r.p99_ms for r in runs)
    non2xx = sum(r.non2xx for r in runs)
    cells = (
        f"{statistics.median(rps):,.0f} ({min(rps):,.0f}-{max(rps):,.0f}) "
        f"| {p50:.1f} | {p99:.1f} | {non2xx:.0f}"
    )
    return cells, p50
