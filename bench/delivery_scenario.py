"""The delivery bench (issue 6): 10,000 events, committed at a steady pace in small
transactions, delivered by `python -m api.relay` (core 0) to a local receiver (core 1) on a
durable PostgreSQL. Prints deliveries/s and the lag from an event's commit to its receipt
(p50, p99); fails when an event is missing or was received twice."""

import asyncio
import contextlib
import os
import socket
import subprocess
import time
import uuid
from argparse import Namespace
from pathlib import Path

import asyncpg

from bench.host import BIN, OUT, ROOT, BenchError, log
from bench.throwaway_postgres import migrate, postgres

EVENTS = 10_000
PACE = 1_000  # events committed per second
BATCH = 50  # events per producer transaction
SECRET = "whsec_" + "QkVOQ0hCRU5DSEJFTkNIQkVOQ0hCRU5DSEJFTkNIMTI="


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_port(port: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.1)
    raise BenchError("the delivery receiver did not start")


def _start(cmd: list[str], env: dict[str, str], log_name: str, stack: contextlib.ExitStack) -> None:
    handle = (OUT / log_name).open("wb")
    stack.callback(handle.close)
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)

    def stop() -> None:
        proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(10)
        if proc.poll() is None:
            proc.kill()

    stack.callback(stop)


async def _produce(dsn: str, subscription_url: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            "INSERT INTO subscription (id, organisation, url, types, role, scopes, secret, "
            "status, version, created_at) VALUES ($1, 'mim-demo', $2, "
            "'[\"nl.mim.verwijzing.ontvangen\"]', 'coordinator', "
            "'[\"abonnementen.beheren\", \"gebeurtenissen.lezen\"]', $3, 'actief', 1, now())",
            uuid.uuid4(),
            subscription_url,
            SECRET,
        )
        started = time.monotonic()
        for batch in range(EVENTS // BATCH):
            await conn.execute(
                "INSERT INTO event (id, type, source_organisation, municipality, audience, "
                "subject, time, dataref, data) SELECT gen_random_uuid(), "
                "'nl.mim.verwijzing.ontvangen', 'mim-demo', 'GM0363', 'host', "
                "gen_random_uuid(), clock_timestamp(), '/v1/verwijzingen/x', "
                '\'{"verwijzingId": "x"}\'::jsonb FROM generate_series(1, $1)',
                BATCH,
            )
            due = started + (batch + 1) * BATCH / PACE
            await asyncio.sleep(max(0.0, due - time.monotonic()))
    finally:
        await conn.close()


async def _committed(dsn: str) -> dict[str, float]:
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch("SELECT id::text AS id, extract(epoch FROM time) AS t FROM event")
        return {row["id"]: float(row["t"]) for row in rows}
    finally:
        await conn.close()


def _receipts(path: Path) -> list[tuple[str, float]]:
    if not path.exists():
        return []
    found = []
    for line in path.read_text().splitlines():
        webhook_id, _, at = line.partition(" ")
        found.append((webhook_id, float(at)))
    return found


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def bench_delivery(args: Namespace, stack: contextlib.ExitStack) -> str:
    pg = stack.enter_context(postgres())
    migrate(pg)
    dsn = pg["DATABASE_URL"].replace("+asyncpg", "")
    port, receipts = _free_port(), OUT / "delivery-receipts.txt"
    receipts.unlink(missing_ok=True)
    python = str(BIN / "python")
    env = {
        **os.environ,
        **pg,
        "MIM_ENV": "development",
        "MIM_DATA_DIR": str(OUT / "delivery-data"),
        "MIM_WEBHOOK_HTTP_TOEGESTAAN": "aan",
        "MIM_WEBHOOK_TOEGESTANE_HOSTS": "127.0.0.1",
    }
    receiver = [
        "taskset",
        "-c",
        "1",
        python,
        "bench/delivery_receiver.py",
        str(port),
        str(receipts),
    ]
    _start(receiver, env, "delivery-receiver.log", stack)
    _wait_port(port)
    _start(["taskset", "-c", "0", python, "-m", "api.relay"], env, "delivery-relay.log", stack)
    log(f"delivery: {EVENTS:,} events at {PACE:,}/s in transactions of {BATCH}")
    asyncio.run(_produce(dsn, f"http://127.0.0.1:{port}/hook"))
    deadline = time.monotonic() + 120
    while len(_receipts(receipts)) < EVENTS and time.monotonic() < deadline:
        time.sleep(0.5)
    got = _receipts(receipts)
    committed = asyncio.run(_committed(dsn))
    ids = [webhook_id for webhook_id, _ in got]
    if len(set(ids)) != EVENTS or set(ids) != set(committed):
        raise BenchError(f"delivery: {len(set(ids)):,} distinct of {EVENTS:,} events received")
    if len(ids) != len(set(ids)):
        raise BenchError(f"delivery: {len(ids) - len(set(ids))} events received twice")
    lags = [at - committed[webhook_id] for webhook_id, at in got]
    span = max(at for _, at in got) - min(committed.values())
    rate = EVENTS / span
    return (
        f"Delivery: {EVENTS:,} events committed at {PACE:,}/s in transactions of {BATCH}, "
        f"one `python -m api.relay` (core 0) to a local receiver (core 1), durable PostgreSQL.\n\n"
        f"| deliveries/s | lag p50 ms | lag p99 ms | lag max ms | received twice |\n"
        f"|---|---|---|---|---|\n"
        f"| {rate:,.0f} | {_percentile(lags, 0.5) * 1000:.0f} | "
        f"{_percentile(lags, 0.99) * 1000:.0f} | {max(lags) * 1000:.0f} | 0 |\n\n"
        f"deliveries/s: events over the time from the first commit to the last receipt; it "
        f"cannot exceed the pace of {PACE:,}/s. Targets: >= 500/s, p99 <= 1,000 ms.\n"
    )
