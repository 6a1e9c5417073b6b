"""The receiver example (`examples/webhook_receiver.py`) against the real relay: it verifies
every delivery with the `standardwebhooks` package, refuses a forged one, and handles an
event delivered twice (at-least-once) only once."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI

from adapters.db.subscription_repository import delivery_t
from adapters.webhooks.resolver import SystemResolver
from adapters.webhooks.sender import new_client, send
from api.relay import Relay
from api.settings import Settings
from domain.model.subscription import AllowList
from domain.services.subscriptions import UrlGuard
from examples.webhook_receiver import create_app
from tests.api.lifecycle_steps import Auth
from tests.api.loopback import loopback_settings
from tests.api.test_trajectory_reads import register
from tests.fakes import FakeClock
from tests.webhook_receiver import free_port, serving

RECEIVED = "nl.mim.verwijzing.ontvangen"


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return loopback_settings(database_url, tmp_path)


async def test_the_example_receiver_verifies_and_deduplicates(
    app: FastAPI, client: httpx.AsyncClient, auth: Auth, backend: str
) -> None:
    handled: list[dict[str, Any]] = []

    async def handle(event: dict[str, Any]) -> None:
        handled.append(event)

    guard = UrlGuard(SystemResolver(), AllowList.parse("127.0.0.1"), allow_http=True)
    relay = Relay(app.state.engine, guard=guard, clock=FakeClock(datetime.now(UTC)))
    port = free_port()
    url = f"http://127.0.0.1:{port}/hook"
    created = await client.post(
        "/v1/abonnementen", json={"url": url, "typen": [RECEIVED]}, headers=auth("coordinator")
    )
    assert created.status_code == 201, created.text
    receiver = create_app(created.json()["geheim"], handle)
    async with serving(receiver, port), new_client() as http:
        await register(client, auth)
        await relay.pass_once(http)
        async with app.state.engine.begin() as conn:  # as a crashed relay would leave it
            await conn.execute(sa.update(delivery_t).values(status="gepland", locked_until=None))
        await relay.pass_once(http)
        forged = await send(
            http,
            url,
            message_id="00000000-0000-4000-8000-000000000000",
            secret="whsec_" + "A" * 43 + "=",
            body=b'{"type": "nl.mim.verwijzing.ontvangen"}',
            now=datetime.now(UTC),
        )
    assert [event["type"] for event in handled] == [RECEIVED]  # twice delivered, once handled
    assert forged.status_code == 400
