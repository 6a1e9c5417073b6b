"""The delivery bench (issue 6), two runs of 10,000 events each, delivered by one
`python -m api.relay` (core 0) to a local receiver (core 1) on a durable PostgreSQL:

- burst: all 10,000 committed before the relay starts; deliveries/s is the relay's capacity
  (events over the time from the relay's start to the last receipt);
- paced: committed at a steady PACE in small transactions while the relay runs; the lag from
  an event's commit to its receipt (p50, p99) is what a subscriber sees at that load.

Fails when an event is missing or was received twice."""

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
PACE = 250  # events committed per second in the paced run
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


async def _subscribe(dsn: str, subscription_url: str) -> None:
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
    finally:
        await conn.close()


async def _produce(dsn: str, *, pace: float | None) -> None:
    """EVENTS events in transactions of BATCH, at `pace` per second (None: at once)."""
    conn = await asyncpg.connect(dsn)
    try:
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
            if pace is not None:
                due = started + (batch + 1) * BATCH / pace
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


def _wait_for(receipts: Path, count: int, timeout: float) -> list[tuple[str, float]]:
    deadline = time.monotonic() + timeout
    while len(_receipts(receipts)) < count and time.monotonic() < deadline:
        time.sleep(0.2)
    return _receipts(receipts)


def _check(got: list[tuple[str, float]], committed: dict[str, float]) -> None:
    ids = [webhook_id for webhook_id, _ in got]
    if len(set(ids)) != len(committed) or set(ids) != set(committed):
        raise BenchError(f"delivery: {len(set(ids)):,} distinct of {len(committed):,} received")
    if len(ids) != len(set(ids)):
        raise BenchError(f"delivery: {len(ids) - len(set(ids))} events received twice")


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
    receiver = ["taskset", "-c", "1", python, "bench/delivery_receiver.py", str(port)]
    _start([*receiver, str(receipts)], env, "delivery-receiver.log", stack)
    _wait_port(port)
    asyncio.run(_subscribe(dsn, f"http://127.0.0.1:{port}/hook"))

    log(f"delivery, burst: {EVENTS:,} events committed, then the relay starts")
    asyncio.run(_produce(dsn, pace=None))
    relay_started = time.time()
    _start(["taskset", "-c", "0", python, "-m", "api.relay"], env, "delivery-relay.log", stack)
    burst = _wait_for(receipts, EVENTS, timeout=300)
    burst_committed = asyncio.run(_committed(dsn))
    _check(burst, burst_committed)
    rate = EVENTS / (max(at for _, at in burst) - relay_started)

    log(f"delivery, paced: {EVENTS:,} events at {PACE:,}/s in transactions of {BATCH}")
    asyncio.run(_produce(dsn, pace=PACE))
    got = _wait_for(receipts, 2 * EVENTS, timeout=120)
    committed = {k: v for k, v in asyncio.run(_committed(dsn)).items() if k not in burst_committed}
    paced = [(k, at) for k, at in got if k not in burst_committed]
    _check(paced, committed)
    lags = [at - committed[webhook_id] for webhook_id, at in paced]
    return (
        f"Delivery: one `python -m api.relay` (core 0) to a local receiver (core 1), durable "
        f"PostgreSQL, one subscription.\n\n"
        f"| run | events | deliveries/s | lag p50 ms | lag p99 ms | lag max ms | twice |\n"
        f"|---|---|---|---|---|---|---|\n"
        f"| burst (all committed first) | {EVENTS:,} | {rate:,.0f} | | | | 0 |\n"
        f"| paced at {PACE:,}/s | {EVENTS:,} | {PACE:,} (the pace) | "
        f"{_percentile(lags, 0.5) * 1000:.0f} | {_percentile(lags, 0.99) * 1000:.0f} | "
        f"{max(lags) * 1000:.0f} | 0 |\n\n"
        f"burst deliveries/s: events over the time from the relay's start to the last "
        f"receipt. Lag: from the event's commit to its receipt. Targets: >= 500/s, "
        f"p99 <= 1,000 ms.\n"
    )
