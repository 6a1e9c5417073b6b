"""The machine the bench runs on: its paths, how commands run, the tools it needs, versions."""

import os
import platform
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
OUT = ROOT / "bench" / "out"


class BenchError(Exception):
    """The run is invalid or could not be set up; the message says why."""


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
