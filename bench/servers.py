"""The apps under test: the service and bench/reference_app.py, each under its own uvicorn."""

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bench.host import BIN, OUT, ROOT, BenchError, sh

APP_NAMES = ("reference", "service")
SERVER_CPU = ["taskset", "-c", "0"]
UVICORN_FLAGS = ["--workers", "1", "--loop", "uvloop", "--http", "httptools", "--no-access-log"]


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
