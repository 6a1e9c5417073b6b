"""CPU per request of the server and of PostgreSQL, from /proc (the write scenarios)."""

import os
from collections.abc import Callable
from pathlib import Path

from bench.host import log
from bench.servers import App
from bench.wrk_runs import Run


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
