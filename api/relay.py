"""The webhook relay (CONTRACT §13.3): hands sealed events out to the subscriptions that
receive them, then attempts due deliveries under a lease, signed, on the retry schedule.
Runs in-process (with the sealer, `MIM_SCHEDULER`) and as its own process for production:

    python -m api.relay

Several relays are safe at once: each claims rows with a lease (FOR UPDATE SKIP LOCKED on
PostgreSQL) and records an attempt only while its lease holds; a relay that dies leaves its
rows to the next one after the lease (at-least-once)."""

from __future__ import annotations

import asyncio
import contextlib
import random
import signal
from collections import deque
from datetime import datetime, timedelta
from typing import Final

import httpx
import uvloop
from pydantic_core import to_json
from sqlalchemy.ext.asyncio import AsyncEngine
from structlog import get_logger

from adapters.background import BackgroundLoop
from adapters.webhooks.claimed import Claimed
from adapters.webhooks.hand_out import Capacity, fan_out
from adapters.webhooks.sender import new_client, send
from adapters.webhooks.store import backlog, claim, record
from api.metrics import MimMetrics
from api.schemas.events import cloud_event
from domain.model.subscription import DeliveryError, DeliveryStatus
from domain.ports import Clock
from domain.services.deliveries import Answer, Outcome, settle
from domain.services.subscriptions import UrlGuard

PENDING: Final = (DeliveryStatus.PLANNED, DeliveryStatus.FAILED)
LEASE: Final = timedelta(seconds=60)  # > the 15 s timeout: a live attempt keeps its row
INTERVAL: Final = 0.25  # seconds between rounds when there is nothing to do
# A busy relay hands new events out at most once a tick: each hand-out is a dozen statements,
# worth it for a tick's events together (at 500/s, 25), not for each few.
TICK: Final = 0.05
CONCURRENCY: Final = 64  # attempts in flight in this relay
PER_SUBSCRIPTION: Final = 16  # of which at most this many to one subscription
# Leased and waiting for a slot, per subscription: at most two more rounds of its slots, so a
# waiting delivery starts within 2 x 15 s and ends (15 s) inside its lease (60 s).
WAITING: Final = 2 * PER_SUBSCRIPTION
RECORD_AFTER: Final = 64  # finished attempts recorded together,
RECORD_WITHIN: Final = 0.1  # or once the oldest of them waited this long (seconds)

Finished = tuple[Claimed, datetime | None]


class Relay(BackgroundLoop):
    """Attempts run side by side and the relay does not wait for a round's slowest: a receiver
    that takes its 15 s holds only its own slots (at most PER_SUBSCRIPTION), not the others'.
    A subscription's leased deliveries beyond its slots wait in order and start as its
    attempts end. Finished attempts are recorded in batches, one transaction each."""

    name = "mim-relay"

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        guard: UrlGuard,
        clock: Clock,
        metrics: MimMetrics | None = None,
        lease: timedelta = LEASE,
        interval: float = INTERVAL,
        jitter: random.Random | None = None,
    ) -> None:
        super().__init__()
        self._engine, self._guard, self._clock, self._metrics = engine, guard, clock, metrics
        self._lease, self._interval = lease, interval
        self._jitter = jitter or random.Random()  # noqa: S311 - spreading retries, no secret
        self._in_flight: dict[str, int] = {}  # subscription id -> attempts running
        self._waiting: dict[str, deque[Claimed]] = {}  # leased, waiting for a slot
        self._running: set[asyncio.Task[None]] = set()
        self._finished: list[Finished] = []
        self._first_finished_at = 0.0  # loop time the oldest unrecorded attempt ended
        self._ended = asyncio.Event()
        self._ends = 0  # attempts ended so far
        self._fanned_at = 0.0  # loop time of the last hand-out
        self._claimed_at, self._claims_empty = 0.0, False  # the last claim: when, and empty?
        self._log = get_logger("mim.relay")

    async def _run(self) -> None:
        async with new_client() as client:
            try:
                while True:
                    await self._round(client)
            finally:  # stopping: attempts cut off now come back when their lease runs out
                self._waiting.clear()
                for task in list(self._running):
                    task.cancel()
                await asyncio.gather(*self._running, return_exceptions=True)
                with contextlib.suppress(Exception):
                    await self._record()

    async def _round(self, client: httpx.AsyncClient) -> None:
        self._ended.clear()
        try:
            started = await self._start(client)
            if self._record_due():
                await self._record()
        except Exception as error:  # the next round retries; a dead loop delivers nothing
            self._log.error("afleveren-mislukt", error_type=type(error).__name__)
            started = 0
        loop = asyncio.get_running_loop()
        if not started:  # nothing due, or no free slot: until an attempt ends, or a while
            wait = self._interval
            if self._finished:  # not past the moment its outcomes are due to be recorded
                wait = min(wait, max(0.0, self._first_finished_at + RECORD_WITHIN - loop.time()))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._ended.wait(), wait)
            return
        # Started some: look again once half of what runs has ended, or after a tick.
        deadline, mark = loop.time() + TICK, self._ends
        while (self._ends - mark) * 2 < len(self._running) and (left := deadline - loop.time()) > 0:
            self._ended.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._ended.wait(), left)

    def _record_due(self) -> bool:
        """Outcomes wait to be recorded together, but not long: a later delivery about the
        same subject waits for its predecessor's outcome to be stored."""
        if not self._finished:
            return False
        waited = asyncio.get_running_loop().time() - self._first_finished_at
        return len(self._finished) >= RECORD_AFTER or not self._running or waited >= RECORD_WITHIN

    async def pass_once(self, client: httpx.AsyncClient) -> int:
        """One round to its end: hand out, claim, attempt, record. Returns the attempts."""
        started = await self._start(client, eager=True)
        while self._running:
            await asyncio.gather(*self._running)
        await self._record()
        return started

    async def _start(self, client: httpx.AsyncClient, *, eager: bool = False) -> int:
        """Takes as many new events as there are free slots (their deliveries leased at once),
        then claims due deliveries for the slots still free (retries, and rows that had to
        wait), none beyond a subscription's room; starts every attempt."""
        moment = asyncio.get_running_loop().time()
        started = 0
        if not self._running or moment - self._fanned_at >= TICK:  # busy: every tick at most
            self._fanned_at = moment
            handed = await fan_out(
                self._engine, now=self._clock.now(), lease=self._lease, capacity=self._capacity()
            )
            started += self._launch(client, handed.started)
        held = self._held()
        free = CONCURRENCY - sum(held.values())
        # Retries and rows that had to wait: looked for again at once while there are some,
        # else once an interval (an empty look costs as much as a full one).
        recently = moment - self._claimed_at < self._interval
        if free <= 0 or (self._claims_empty and recently and not eager):
            return started
        self._claimed_at = moment
        claimed = await claim(
            self._engine,
            now=self._clock.now(),
            lease=self._lease,
            batch=free,
            per_subscription=PER_SUBSCRIPTION,
            in_flight=held,
        )
        self._claims_empty = not claimed
        return started + self._launch(client, claimed)

    def _held(self) -> dict[str, int]:
        """Per subscription: attempts running and leased ones waiting."""
        held = dict(self._in_flight)
        for key, waiting in self._waiting.items():
            held[key] = held.get(key, 0) + len(waiting)
        return held

    def _capacity(self) -> Capacity:
        held = self._held()
        free = CONCURRENCY + CONCURRENCY // 2 - sum(held.values())
        return Capacity(free, PER_SUBSCRIPTION + WAITING, held)

    def _launch(self, client: httpx.AsyncClient, claimed: list[Claimed]) -> int:
        for item in claimed:
            key = item.subscription.id
            if self._in_flight.get(key, 0) < PER_SUBSCRIPTION:
                self._begin(client, item)
            else:
                self._waiting.setdefault(key, deque()).append(item)
        return len(claimed)

    def _begin(self, client: httpx.AsyncClient, item: Claimed) -> None:
        key = item.subscription.id
        self._in_flight[key] = self._in_flight.get(key, 0) + 1
        task = asyncio.create_task(self._attempt(client, item))
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _record(self) -> None:
        finished, self._finished = self._finished, []
        if not finished:
            return
        kept = await record(self._engine, finished)
        if self._metrics is not None:
            for (attempt, _), stored in zip(finished, kept, strict=True):
                if stored:
                    status = attempt.delivery.status.value
                    self._metrics.afleveringen.labels(uitkomst=status).inc()

    async def _attempt(self, client: httpx.AsyncClient, claimed: Claimed) -> None:
        """One attempt, settled in memory; `_record` stores it with others."""
        try:
            answer = await self._answer(client, claimed)
            now = self._clock.now()
            outcome = settle(claimed.delivery, answer, at=now, jitter=self._jitter)
            if not self._finished:
                self._first_finished_at = asyncio.get_running_loop().time()
            self._finished.append((claimed, now if outcome is Outcome.GONE else None))
        finally:
            key = claimed.subscription.id
            self._in_flight[key] -= 1
            if not self._in_flight[key]:
                del self._in_flight[key]
            waiting = self._waiting.get(key)
            if waiting:  # the next of this subscription takes the slot
                self._begin(client, waiting.popleft())
                if not waiting:
                    del self._waiting[key]
            self._ends += 1
            self._ended.set()

    async def _answer(self, client: httpx.AsyncClient, claimed: Claimed) -> Answer:
        """The URL guard again before every attempt: the host may resolve elsewhere now."""
        url = claimed.subscription.url
        if await self._guard.refuses(url):
            return Answer(error=DeliveryError.URL_REFUSED)
        return await send(
            client,
            url,
            message_id=claimed.event.id,
            secret=claimed.subscription.secret,
            body=to_json(cloud_event(claimed.event)),
            now=self._clock.now(),
        )


async def show_backlog(engine: AsyncEngine, metrics: MimMetrics, *, now: datetime) -> None:
    """The relay's gauges for /v1/metrics, read from the tables at scrape time: right whichever
    process relays (in-process or `python -m api.relay`)."""
    found = await backlog(engine, now=now)
    pending = sum(found.by_status.get(s.value, 0) for s in PENDING)
    metrics.afleveringen_wachtend.set(pending)
    metrics.afleveringen_dood.set(found.by_status.get(DeliveryStatus.DEAD.value, 0))
    metrics.outbox_wachtend.set(found.not_handed_out)
    waited = (now - found.oldest_wait).total_seconds() if found.oldest_wait else 0.0
    metrics.outbox_vertraging.set(max(0.0, waited))


async def run_until_stopped(relay: Relay, stop: asyncio.Event) -> None:
    relay.start()
    await stop.wait()
    await relay.stop()


def main() -> int:
    from adapters.clock import SystemClock
    from adapters.db.engine import make_engine
    from adapters.webhooks.resolver import SystemResolver
    from api.settings import settings_from_env
    from domain.model.subscription import AllowList

    settings = settings_from_env()

    async def serve() -> None:
        engine = make_engine(settings.database_url)
        guard = UrlGuard(
            SystemResolver(),
            AllowList.parse(settings.webhook_allowed_hosts),
            allow_http=settings.webhook_http_allowed,
        )
        relay = Relay(engine, guard=guard, clock=SystemClock())
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for name in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(name, stop.set)
        try:
            await run_until_stopped(relay, stop)
        finally:
            await engine.dispose()

    uvloop.run(serve())  # as the API under uvicorn: the relay is mostly socket work
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
