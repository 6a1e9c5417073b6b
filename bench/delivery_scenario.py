"""The delivery bench (issue 6): 10,000 events to a local receiver (pinned to core 1), relayed
by one `python -m api.relay` (core 0), then by two (one per core: several relays share the
work safely, CONTRACT §13.3), on a durable PostgreSQL. Per number of relays, two runs of
10,000 events each, with the relays already running and idle:

- burst: 10,000 events committed in one transaction; deliveries/s is the relays' capacity
  (events over the time from the commit to the last receipt);
- paced: committed at a steady PACE in small transactions; the lag from an event's commit to
  its receipt (p50, p99) is what a subscriber sees at that load.

Fails when an event is missing or was received twice."""

import asyncio
import contextlib
import os
import socket
import subprocess
import time
import uuid
from argparse import Namespace
from dataclasses import dataclass
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


def _start(
    cmd: list[str], env: dict[str, str], log_name: str, stack: contextlib.ExitStack
) -> subprocess.Popen[bytes]:
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
    return proc


async def _connected(dsn: str, count: int) -> None:
    """Waits until `count` other sessions are connected: the relays are up and looking."""
    conn = await asyncpg.connect(dsn)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            others = await conn.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
            )
            if others >= count:
                return
            await asyncio.sleep(0.1)
    finally:
        await conn.close()
    raise BenchError("the relays did not connect")


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


async def _produce(dsn: str, *, pace: float | None) -> float:
    """EVENTS events: at `pace` per second in transactions of BATCH, or (None) all in one.
    Returns the unix time the last transaction had committed."""
    conn = await asyncpg.connect(dsn)
    size = BATCH if pace is not None else EVENTS
    try:
        started = time.monotonic()
        for batch in range(EVENTS // size):
            await conn.execute(
                "INSERT INTO event (id, type, source_organisation, municipality, audience, "
                "subject, time, dataref, data) SELECT gen_random_uuid(), "
                "'nl.mim.verwijzing.ontvangen', 'mim-demo', 'GM0363', 'host', "
                "gen_random_uuid(), clock_timestamp(), '/v1/verwijzingen/x', "
                '\'{"verwijzingId": "x"}\'::jsonb FROM generate_series(1, $1)',
                size,
            )
            if pace is not None:
                due = started + (batch + 1) * size / pace
                await asyncio.sleep(max(0.0, due - time.monotonic()))
        return time.time()
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


@dataclass(frozen=True)
class _Figures:
    relays: int
    rate: float  # burst deliveries/s
    lags: list[float]  # paced, seconds


def _with_relays(
    relays: int, dsn: str, env: dict[str, str], receipts: Path, seen: set[str]
) -> _Figures:
    """Both runs with `relays` relays (relay i on core i % 2); `seen`: events of earlier runs."""
    python = str(BIN / "python")
    with contextlib.ExitStack() as stack:
        for index in range(relays):
            relay = ["taskset", "-c", str(index % 2), python, "-m", "api.relay"]
            _start(relay, env, f"delivery-relay-{relays}-{index}.log", stack)
        asyncio.run(_connected(dsn, relays))

        log(f"delivery, {relays} relay(s), burst: {EVENTS:,} events in one transaction")
        committed_at = asyncio.run(_produce(dsn, pace=None))
        burst_ids = set(asyncio.run(_committed(dsn))) - seen
        got = [r for r in _wait_for(receipts, len(seen) + EVENTS, 300) if r[0] in burst_ids]
        _check(got, dict.fromkeys(burst_ids, 0.0))
        rate = EVENTS / (max(at for _, at in got) - committed_at)
        seen |= burst_ids

        log(f"delivery, {relays} relay(s), paced: {EVENTS:,} at {PACE:,}/s, {BATCH} a time")
        asyncio.run(_produce(dsn, pace=PACE))
        committed = {k: v for k, v in asyncio.run(_committed(dsn)).items() if k not in seen}
        got = [r for r in _wait_for(receipts, len(seen) + EVENTS, 120) if r[0] in committed]
        _check(got, committed)
        seen |= set(committed)
    return _Figures(relays, rate, [at - committed[key] for key, at in got])


def bench_delivery(args: Namespace, stack: contextlib.ExitStack) -> str:
    pg = stack.enter_context(postgres())
    migrate(pg)
    dsn = pg["DATABASE_URL"].replace("+asyncpg", "")
    port, receipts = _free_port(), OUT / "delivery-receipts.txt"
    receipts.unlink(missing_ok=True)
    env = {
        **os.environ,
        **pg,
        "MIM_ENV": "development",
        "MIM_DATA_DIR": str(OUT / "delivery-data"),
        "MIM_WEBHOOK_HTTP_TOEGESTAAN": "aan",
        "MIM_WEBHOOK_TOEGESTANE_HOSTS": "127.0.0.1",
    }
    receiver = ["taskset", "-c", "1", str(BIN / "python"), "bench/delivery_receiver.py", str(port)]
    _start([*receiver, str(receipts)], env, "delivery-receiver.log", stack)
    _wait_port(port)
    asyncio.run(_subscribe(dsn, f"http://127.0.0.1:{port}/hook"))
    seen: set[str] = set()
    rows = [_with_relays(relays, dsn, env, receipts, seen) for relays in (1, 2)]
    table = "".join(
        f"| {f.relays} | {f.rate:,.0f} | {_percentile(f.lags, 0.5) * 1000:.0f} | "
        f"{_percentile(f.lags, 0.99) * 1000:.0f} | {max(f.lags) * 1000:.0f} | 0 | 0 |\n"
        for f in rows
    )
    return (
        f"Delivery: `python -m api.relay` processes (relay i on core i % 2) to a local receiver "
        f"(core 1), durable PostgreSQL, one subscription; {EVENTS:,} events per run.\n\n"
        f"| relays | burst deliveries/s | paced {PACE}/s lag p50 ms | lag p99 ms | lag max ms "
        f"| lost | twice |\n"
        f"|---|---|---|---|---|---|---|\n"
        f"{table}\n"
        f"Burst: {EVENTS:,} events committed in one transaction while the relays idle; "
        f"deliveries/s over the time from that commit to the last receipt. Paced: lag from "
        f"an event's commit to its receipt. Targets: >= 500/s, p99 <= 1,000 ms.\n"
    )
