"""Webhook delivery end to end (CONTRACT §13.3): events made through the API reach a real
receiver on loopback, signed as Standard Webhooks verifies; retries follow the schedule on a
controllable clock; 410 disables; dead deliveries restart; per-subject order holds; Meldcode
events reach only entitled subscriptions. Both databases, one relay."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from standardwebhooks import Webhook

from adapters.webhooks.resolver import SystemResolver
from adapters.webhooks.sender import new_client
from api import taken
from api.relay import Relay
from api.settings import Settings
from domain.model.subscription import AllowList
from domain.services.subscriptions import UrlGuard
from tests.api.lifecycle_steps import Auth, move, today
from tests.api.loopback import loopback_settings
from tests.api.meldcode_flow import raise_signal
from tests.api.test_trajectory_reads import register
from tests.fakes import FakeClock
from tests.webhook_receiver import Received, Receiver, running_receiver

RECEIVED = "nl.mim.verwijzing.ontvangen"
STATUS = "nl.mim.traject.status-gewijzigd"
SIGNAL = "nl.mim.meldcode.signaal-ontvangen"


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return loopback_settings(database_url, tmp_path)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with running_receiver() as running:
        yield running


@dataclasses.dataclass
class Relaying:
    relay: Relay
    clock: FakeClock
    client: httpx.AsyncClient

    async def run(self) -> None:
        """Passes until nothing due is left at the clock's time."""
        while await self.relay.pass_once(self.client):
            pass


@pytest.fixture
async def relaying(app: FastAPI) -> AsyncIterator[Relaying]:
    clock = FakeClock(datetime.now(UTC))
    guard = UrlGuard(SystemResolver(), AllowList.parse("127.0.0.1/32"), allow_http=True)
    relay = Relay(app.state.engine, guard=guard, clock=clock)
    async with new_client() as client:
        yield Relaying(relay, clock, client)


async def subscribe(
    client: httpx.AsyncClient, headers: dict[str, str], url: str, *types: str
) -> dict[str, Any]:
    response = await client.post(
        "/v1/abonnementen", json={"url": url, "typen": list(types)}, headers=headers
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def deliveries(
    client: httpx.AsyncClient, auth: Auth, subscription: dict[str, Any], **query: str
) -> list[dict[str, Any]]:
    response = await client.get(
        f"/v1/abonnementen/{subscription['id']}/afleveringen",
        params=query,
        headers=auth("coordinator"),
    )
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["resultaten"]
    return found


async def test_events_reach_the_entitled_subscriptions_signed(
    client: httpx.AsyncClient, auth: Auth, receiver: Receiver, relaying: Relaying, backend: str
) -> None:
    full = await subscribe(client, auth("coordinator"), receiver.url, RECEIVED, STATUS, SIGNAL)
    masked_token = auth("coordinator", scope="abonnementen.beheren gebeurtenissen.lezen")
    masked = await subscribe(client, masked_token, receiver.url + "?b", RECEIVED, STATUS)
    foreign = await subscribe(
        client, auth("coordinator", "mim-andere"), receiver.url + "?c", RECEIVED, STATUS
    )
    trajectory_id = await register(client, auth)
    await move(client, auth, trajectory_id, {"naar": "intake", "intakeDatum": today().isoformat()})
    await raise_signal(client, auth, trajectory_id)
    await relaying.run()

    by_url: dict[str, list[str]] = {}
    for got in receiver.delivered():
        secret = {receiver.url: full, receiver.url + "?b": masked}[_url_of(got, receiver)]
        event = Webhook(secret["geheim"]).verify(got.body, got.headers)
        assert got.headers["webhook-id"] == event["id"]
        assert got.headers["content-type"] == "application/cloudevents+json"
        by_url.setdefault(_url_of(got, receiver), []).append(event["type"])
    assert by_url[receiver.url] == [RECEIVED, STATUS, SIGNAL]
    assert by_url[receiver.url + "?b"] == [RECEIVED, STATUS]  # no Meldcode event (R34)
    assert receiver.url + "?c" not in by_url  # another organisation's events: none
    listed = await deliveries(client, auth, full)
    assert {d["status"] for d in listed} == {"afgeleverd"}
    assert foreign["organisatie"] == "mim-andere"


def _url_of(got: Received, receiver: Receiver) -> str:
    return receiver.url + got.query


async def test_failures_are_retried_on_the_schedule_until_dead_and_can_restart(
    client: httpx.AsyncClient, auth: Auth, receiver: Receiver, relaying: Relaying, backend: str
) -> None:
    subscription = await subscribe(client, auth("coordinator"), receiver.url, RECEIVED)
    receiver.answer(RECEIVED, *([500] * 9))
    await register(client, auth)
    await relaying.run()
    [first] = await deliveries(client, auth, subscription)
    assert (first["status"], first["pogingen"], first["laatsteStatuscode"]) == ("mislukt", 1, 500)
    assert first["laatsteFout"] == "http_status"
    due = datetime.fromisoformat(first["volgendePogingOp"].replace("Z", "+00:00"))
    assert timedelta(seconds=8) <= due - relaying.clock.now() <= timedelta(seconds=12)
    for _ in range(8):
        relaying.clock.advance(timedelta(hours=16))
        await relaying.run()
    [dead] = await deliveries(client, auth, subscription)
    assert (dead["status"], dead["pogingen"]) == ("dood", 9)
    assert len(receiver.received) == 9
    restarted = await client.post(
        f"/v1/abonnementen/{subscription['id']}/afleveringen/{dead['id']}/opnieuw",
        headers=auth("coordinator"),
    )
    assert restarted.status_code == 202, restarted.text
    await relaying.run()
    assert receiver.received[-1].status == 204
    assert receiver.received[-1].headers["webhook-id"] == receiver.received[0].headers["webhook-id"]
    again = await client.post(
        f"/v1/abonnementen/{subscription['id']}/afleveringen/{dead['id']}/opnieuw",
        headers=auth("coordinator"),
    )
    assert again.status_code == 409


async def test_retry_after_defers_and_410_disables(
    client: httpx.AsyncClient, auth: Auth, receiver: Receiver, relaying: Relaying, backend: str
) -> None:
    subscription = await subscribe(client, auth("coordinator"), receiver.url, RECEIVED)
    receiver.answer(RECEIVED, (429, {"Retry-After": "3600"}), 410)
    await register(client, auth)
    await relaying.run()
    [deferred] = await deliveries(client, auth, subscription)
    due = datetime.fromisoformat(deferred["volgendePogingOp"].replace("Z", "+00:00"))
    assert due - relaying.clock.now() >= timedelta(seconds=3600)  # not the 10 s of attempt 2
    relaying.clock.advance(timedelta(seconds=60))
    await register(client, auth)
    await relaying.run()  # the second event meets 410; the first is still deferred
    assert [r.status for r in receiver.received] == [429, 410]
    read = await client.get(f"/v1/abonnementen/{subscription['id']}", headers=auth("coordinator"))
    assert read.json()["status"] == "uitgeschakeld"
    assert read.json()["uitgeschakeldOp"] is not None
    statuses = sorted(d["status"] for d in await deliveries(client, auth, subscription))
    assert statuses == ["geannuleerd", "geannuleerd"]  # the pending one cancelled too
    await register(client, auth)
    relaying.clock.advance(timedelta(hours=2))
    await relaying.run()
    assert len(receiver.received) == 2
    assert len(await deliveries(client, auth, subscription)) == 2


async def test_a_later_event_about_a_subject_waits_for_the_earlier_one(
    client: httpx.AsyncClient, auth: Auth, receiver: Receiver, relaying: Relaying, backend: str
) -> None:
    await subscribe(client, auth("coordinator"), receiver.url, STATUS)
    trajectory_id = await register(client, auth)
    receiver.answer(trajectory_id, 503)
    await move(client, auth, trajectory_id, {"naar": "intake", "intakeDatum": today().isoformat()})
    await move(
        client,
        auth,
        trajectory_id,
        {"naar": "wacht_op_match", "contraIndicatiesGecontroleerd": True},
    )
    await relaying.run()
    assert [r.status for r in receiver.received] == [503]  # the second waits
    relaying.clock.advance(timedelta(seconds=13))
    await relaying.run()
    order = [r.event["data"]["naar"] for r in receiver.received]
    assert order == ["intake", "intake", "wacht_op_match"]


async def test_one_pass_of_the_task_delivers_what_is_due(
    client: httpx.AsyncClient, auth: Auth, receiver: Receiver, settings: Settings, backend: str
) -> None:
    """`python -m api.taken afleveringen`: one hand-out and one batch of attempts."""
    await subscribe(client, auth("coordinator"), receiver.url, RECEIVED)
    await register(client, auth)
    receipt = await taken.deliveries_once(settings)
    assert receipt == {"taak": "afleveringen", "uitgevoerd": True, "pogingen": 1}
    assert [r.event["type"] for r in receiver.delivered()] == [RECEIVED]
