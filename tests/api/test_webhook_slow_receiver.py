"""A slow receiver holds only its own slots (issue 6, faults): while its attempt takes its
time, the relay keeps delivering to the other subscriptions, and it never has more than
PER_SUBSCRIPTION attempts in flight at one receiver. Both databases, the relay running as
it runs in production (its own loop, the system clock)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from adapters.clock import SystemClock
from adapters.webhooks.resolver import SystemResolver
from api.relay import PER_SUBSCRIPTION, Relay
from api.settings import Settings
from domain.model.subscription import AllowList
from domain.services.subscriptions import UrlGuard
from tests.api.lifecycle_steps import Auth
from tests.api.loopback import LOOPBACK, loopback_settings
from tests.api.test_trajectory_reads import register
from tests.api.test_webhook_delivery import RECEIVED, subscribe
from tests.webhook_receiver import running_receiver


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return loopback_settings(database_url, tmp_path)


async def until(condition: str, check: Callable[[], bool], seconds: float = 10) -> None:
    for _ in range(int(seconds / 0.02)):
        if check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"not within {seconds} s: {condition}")


async def test_a_slow_receiver_does_not_hold_up_the_others(
    app: FastAPI, client: httpx.AsyncClient, auth: Auth, backend: str
) -> None:
    guard = UrlGuard(SystemResolver(), AllowList.parse(LOOPBACK), allow_http=True)
    relay = Relay(app.state.engine, guard=guard, clock=SystemClock(), interval=0.05)
    async with running_receiver() as slow, running_receiver() as fast:
        slow.delay = 3.0
        await subscribe(client, auth("coordinator"), slow.url, RECEIVED)
        await subscribe(client, auth("coordinator"), fast.url, RECEIVED)
        events = PER_SUBSCRIPTION + 2
        for _ in range(events):
            await register(client, auth)
        relay.start()
        try:
            await until("the fast receiver has every event", lambda: len(fast.received) == events)
            await until(
                "the slow receiver has its share", lambda: len(slow.received) >= PER_SUBSCRIPTION
            )
            # A later event reaches the fast receiver while the slow one still holds its first
            # attempts (3 s): the relay did not wait for the round's slowest.
            await register(client, auth)
            await until(
                "the later event at the fast receiver", lambda: len(fast.received) == events + 1
            )
            assert len(slow.received) == PER_SUBSCRIPTION  # never more in flight at one
            assert {r.status for r in fast.received} == {204}
        finally:
            await relay.stop()
