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
import time
from datetime import datetime, timedelta
from typing import Final

import httpx
from pydantic_core import to_json
from sqlalchemy.ext.asyncio import AsyncEngine
from structlog import get_logger

from adapters.background import BackgroundLoop
from adapters.webhooks.sender import new_client, send
from adapters.webhooks.store import Claimed, claim, counts, fan_out, record
from api.metrics import MimMetrics
from api.rest.events import cloud_event
from domain.model.subscription import DeliveryError, DeliveryStatus
from domain.ports import Clock
from domain.services.deliveries import Answer, Outcome, settle
from domain.services.subscriptions import UrlGuard

LEASE: Final = timedelta(seconds=60)  # > the 15 s timeout: a live attempt keeps its row
INTERVAL: Final = 0.25  # seconds between passes when there was nothing to do
BATCH: Final = 200
CONCURRENCY: Final = 64
GAUGE_INTERVAL: Final = 5.0  # seconds between the counts for /v1/metrics


class Relay(BackgroundLoop):
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
        self._limit = asyncio.Semaphore(CONCURRENCY)
        self._gauged = -GAUGE_INTERVAL
        self._log = get_logger("mim.relay")

    async def _run(self) -> None:
        async with new_client() as client:
            while True:
                try:
                    busy = await self.pass_once(client)
                except Exception as error:  # the next pass retries; a dead loop delivers nothing
                    self._log.error("afleveren-mislukt", error_type=type(error).__name__)
                    busy = 0
                if busy < BATCH:
                    await asyncio.sleep(self._interval)

    async def pass_once(self, client: httpx.AsyncClient) -> int:
        """Hands out what was sealed, then attempts one batch of due deliveries."""
        while await fan_out(self._engine, now=self._clock.now()):
            pass
        claimed = await claim(self._engine, now=self._clock.now(), lease=self._lease, batch=BATCH)
        settled = await asyncio.gather(*(self._attempt(client, c) for c in claimed))
        if settled:
            kept = await record(self._engine, settled)
            if self._metrics is not None:
                for (attempt, _), stored in zip(settled, kept, strict=True):
                    if stored:
                        status = attempt.delivery.status.value
                        self._metrics.afleveringen.labels(uitkomst=status).inc()
        await self._gauges()
        return len(claimed)

    async def _gauges(self) -> None:
        """Dead deliveries and the events not yet handed out, at most every few seconds."""
        now = time.monotonic()
        if self._metrics is None or now - self._gauged < GAUGE_INTERVAL:
            return
        self._gauged = now
        found = await counts(self._engine)
        self._metrics.afleveringen_dood.set(found.get(DeliveryStatus.DEAD.value, 0))
        self._metrics.outbox_wachtend.set(found["wachtend_in_outbox"])

    async def _attempt(
        self, client: httpx.AsyncClient, claimed: Claimed
    ) -> tuple[Claimed, datetime | None]:
        """One attempt, settled in memory; the pass records them all in one transaction."""
        async with self._limit:
            answer = await self._answer(client, claimed)
        now = self._clock.now()
        outcome = settle(claimed.delivery, answer, at=now, jitter=self._jitter)
        return claimed, now if outcome is Outcome.GONE else None

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

    asyncio.run(serve())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
