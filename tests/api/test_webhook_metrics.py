"""The relay in /v1/metrics (issue 6, CONTRACT §18): pending, delivered, retried and dead
deliveries and the outbox lag, as a Prometheus scraper reads them. The gauges come from the
tables at scrape time (right whichever process relays); the attempt counter from the relay
in this process. Both databases."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from adapters.webhooks.resolver import SystemResolver
from adapters.webhooks.sender import new_client
from api.relay import Relay
from api.settings import Settings
from domain.model.subscription import AllowList
from domain.services.subscriptions import UrlGuard
from tests.api.lifecycle_steps import Auth
from tests.api.loopback import LOOPBACK, loopback_settings
from tests.api.test_trajectory_reads import register
from tests.api.test_webhook_delivery import RECEIVED, subscribe
from tests.fakes import FakeClock
from tests.webhook_receiver import Receiver, running_receiver

SAMPLE = re.compile(r"^(?P<name>[a-z_]+)(?:\{(?P<labels>[^}]*)\})? (?P<value>\S+)$")


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return loopback_settings(database_url, tmp_path)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with running_receiver() as running:
        yield running


async def scrape(client: httpx.AsyncClient) -> dict[str, float]:
    """`name` or `name{labels}` -> value, for the relay's metrics."""
    response = await client.get("/v1/metrics")
    assert response.status_code == 200, response.text
    found = {}
    for line in response.text.splitlines():
        match = SAMPLE.match(line)
        if match and ("afleveringen" in line or "outbox" in line):
            key = match["name"] + (f"{{{match['labels']}}}" if match["labels"] else "")
            found[key] = float(match["value"])
    return found


async def test_the_metrics_follow_deliveries_through_retries_to_dead(
    app: FastAPI, client: httpx.AsyncClient, auth: Auth, receiver: Receiver, backend: str
) -> None:
    clock = FakeClock(datetime.now(UTC))
    guard = UrlGuard(SystemResolver(), AllowList.parse(LOOPBACK), allow_http=True)
    relay = Relay(app.state.engine, guard=guard, clock=clock, metrics=app.state.metrics)
    await subscribe(client, auth("coordinator"), receiver.url, RECEIVED)
    receiver.answer(RECEIVED, *([500] * 9))  # the first event's nine attempts all fail
    await register(client, auth)
    before = await scrape(client)
    assert before["mim_outbox_wachtend"] == 1  # committed, not handed out yet
    assert 0 < before["mim_outbox_vertraging_seconden"] < 60
    assert before["mim_afleveringen_wachtend"] == 0

    async with new_client() as http:
        await relay.pass_once(http)
        failed = await scrape(client)
        assert failed["mim_outbox_wachtend"] == 0
        assert failed['mim_afleveringen_total{uitkomst="mislukt"}'] == 1
        assert failed["mim_afleveringen_wachtend"] == 1
        assert failed["mim_outbox_vertraging_seconden"] == 0  # its retry is not due yet
        for _ in range(8):
            clock.advance(timedelta(hours=16))
            await relay.pass_once(http)
        dead = await scrape(client)
        assert dead['mim_afleveringen_total{uitkomst="mislukt"}'] == 8
        assert dead['mim_afleveringen_total{uitkomst="dood"}'] == 1
        assert dead["mim_afleveringen_dood"] == 1
        assert dead["mim_afleveringen_wachtend"] == 0
        await register(client, auth)  # the receiver answers 204 from now on
        await relay.pass_once(http)
    delivered = await scrape(client)
    assert delivered['mim_afleveringen_total{uitkomst="afgeleverd"}'] == 1
    assert delivered["mim_afleveringen_dood"] == 1
    assert (delivered["mim_afleveringen_wachtend"], delivered["mim_outbox_wachtend"]) == (0, 0)
    assert len(receiver.received) == 10
