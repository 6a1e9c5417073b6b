"""A relay process killed in the middle of a batch loses nothing (CONTRACT §13.3,
at-least-once): `python -m api.relay` runs as its own process against the test database,
is killed with SIGKILL while its attempts are in flight at a slow receiver, and after its
lease another relay delivers every event."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI

from adapters.db.subscription_repository import delivery_t
from adapters.webhooks.resolver import SystemResolver
from adapters.webhooks.sender import new_client
from api.relay import LEASE, PER_SUBSCRIPTION, Relay
from api.settings import Settings
from domain.model.subscription import AllowList
from domain.services.subscriptions import UrlGuard
from tests.api.lifecycle_steps import Auth
from tests.api.loopback import loopback_settings
from tests.api.test_trajectory_reads import register
from tests.fakes import FakeClock
from tests.webhook_receiver import running_receiver

EVENTS = PER_SUBSCRIPTION  # every one in flight at once in the first relay
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return loopback_settings(database_url, tmp_path)


async def test_a_relay_killed_mid_batch_loses_no_event(
    app: FastAPI, client: httpx.AsyncClient, auth: Auth, settings: Settings, backend: str
) -> None:
    async with running_receiver() as receiver:
        receiver.delay = 3.0  # every attempt of the first relay is still in flight when killed
        created = await client.post(
            "/v1/abonnementen",
            json={"url": receiver.url, "typen": ["nl.mim.verwijzing.ontvangen"]},
            headers=auth("coordinator"),
        )
        assert created.status_code == 201, created.text
        for _ in range(EVENTS):
            await register(client, auth)
        env = {
            **os.environ,
            "DATABASE_URL": settings.database_url,
            "MIM_ENV": "test",
            "MIM_WEBHOOK_HTTP_TOEGESTAAN": "aan",
            "MIM_WEBHOOK_TOEGESTANE_HOSTS": "127.0.0.1",
        }
        worker = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "api.relay", cwd=ROOT, env=env
        )
        try:
            for _ in range(600):
                if len(receiver.received) >= EVENTS:
                    break
                await asyncio.sleep(0.05)
            assert len(receiver.received) >= EVENTS, "the relay process did not start delivering"
        finally:
            worker.send_signal(signal.SIGKILL)
            await worker.wait()
        async with app.state.engine.connect() as conn:
            leased = (
                await conn.execute(
                    sa.select(sa.func.count()).where(delivery_t.c.locked_until.is_not(None))
                )
            ).scalar_one()
        assert leased == EVENTS  # killed with every delivery leased and none recorded

        receiver.delay = 0.0
        clock = FakeClock(datetime.now(UTC) + LEASE + timedelta(seconds=1))
        guard = UrlGuard(SystemResolver(), AllowList.parse("127.0.0.1"), allow_http=True)
        relay = Relay(app.state.engine, guard=guard, clock=clock)
        async with new_client() as http:
            while await relay.pass_once(http):
                pass
    async with app.state.engine.connect() as conn:
        statuses = (await conn.execute(sa.select(delivery_t.c.status))).scalars().all()
    assert sorted(statuses) == ["afgeleverd"] * EVENTS  # 0 lost
    delivered = {r.headers["webhook-id"] for r in receiver.delivered() if r.status < 300}
    assert len(delivered) == EVENTS
