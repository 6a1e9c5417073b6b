"""GET /v1/gebeurtenissen: thin CloudEvents from the outbox (CONTRACT §13.1, §13.2; R37)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.factories import an_idempotency_key, referral_body

Auth = Callable[..., dict[str, str]]
URL = "/v1/gebeurtenissen"
RECEIVED = "nl.mim.verwijzing.ontvangen"
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"


async def register(
    client: httpx.AsyncClient, auth: Auth, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    sent = {**auth("verwijzer"), "Idempotency-Key": an_idempotency_key(), **(headers or {})}
    response = await client.post("/v1/verwijzingen", json=referral_body(), headers=sent)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def two_intakes(client: httpx.AsyncClient, auth: Auth) -> list[dict[str, Any]]:
    return [await register(client, auth), await register(client, auth)]


async def feed(
    client: httpx.AsyncClient, auth: Auth, query: str = "", **who: Any
) -> httpx.Response:
    claims = {"role": "coordinator", **who}
    headers = auth(claims.pop("role"), claims.pop("org", None), **claims)
    return await client.get(f"{URL}{query}", headers=headers)


async def test_the_coordinator_feed_holds_one_received_event_per_intake_in_order(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    created = await two_intakes(client, auth)
    events = (await feed(client, auth)).json()["resultaten"]

    assert [(e["type"], e["subject"]) for e in events] == [(RECEIVED, c["id"]) for c in created]
    assert events[0]["volgnummer"] < events[1]["volgnummer"]


async def test_a_received_event_is_a_thin_cloudevent_of_the_host(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    created = await register(client, auth)
    coordinator = auth("coordinator")
    trajectory_id = (
        await client.get(f"/v1/verwijzingen/{created['id']}", headers=coordinator)
    ).json()["trajectId"]
    event = (await feed(client, auth)).json()["resultaten"][0]

    assert event["specversion"] == "1.0"
    assert event["source"] == "urn:nld:mim-koppelvlak:mim-demo"
    assert event["datacontenttype"] == "application/json"
    assert event["dataref"] == f"/v1/verwijzingen/{created['id']}"
    assert event["sequence"] == f"{event['volgnummer']:020d}"
    assert len(event["sequence"]) == 20
    assert event["time"].endswith("Z")
    assert event["data"] == {
        "verwijzingId": created["id"],
        "trajectId": trajectory_id,
        "gemeente": "GM0363",
    }


async def test_the_trace_id_of_the_intake_request_travels_in_the_event(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    await register(client, auth, {"traceparent": TRACEPARENT})
    event = (await feed(client, auth)).json()["resultaten"][0]

    assert event["traceparent"].split("-")[1] == TRACE_ID


async def test_na_returns_only_events_after_that_volgnummer(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    created = await two_intakes(client, auth)
    first = (await feed(client, auth)).json()["resultaten"][0]
    after = (await feed(client, auth, f"?na={first['volgnummer']}")).json()

    assert [e["subject"] for e in after["resultaten"]] == [created[1]["id"]]


async def test_a_full_page_links_to_the_next_one_by_na(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    created = await two_intakes(client, auth)
    page = await feed(client, auth, "?limit=1")
    first = page.json()["resultaten"][0]
    next_url = page.json()["volgende"]
    second = await client.get(next_url, headers=auth("coordinator"))

    assert next_url == f"{URL}?limit=1&na={first['volgnummer']}"
    assert page.headers["link"] == f'<{next_url}>; rel="next"'
    assert [e["subject"] for e in second.json()["resultaten"]] == [created[1]["id"]]


async def test_laatst_verwijderd_is_zero_while_nothing_was_purged(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    await register(client, auth)
    body = (await feed(client, auth)).json()

    assert body["laatstVerwijderd"] == 0


@pytest.mark.parametrize(
    "who",
    [
        {"org": "mim-andere"},
        {"org": "mim-west"},
        {"role": "verwijzer"},
        {"role": "privacy"},
    ],
    ids=["other-host", "host-serving-the-same-gemeente", "referrer", "privacy"],
)
async def test_host_events_are_invisible_outside_the_host_organisation(
    backend: str, client: httpx.AsyncClient, auth: Auth, who: dict[str, Any]
) -> None:
    await two_intakes(client, auth)
    response = await feed(client, auth, **who)

    assert response.status_code == 200
    assert response.json()["resultaten"] == []


@pytest.mark.parametrize(
    ("query", "count"),
    [(f"?type={RECEIVED}", 2), ("?type=nl.mim.traject.status-gewijzigd", 0)],
)
async def test_the_type_filter_selects_events_by_exact_type(
    backend: str, client: httpx.AsyncClient, auth: Auth, query: str, count: int
) -> None:
    await two_intakes(client, auth)
    response = await feed(client, auth, query)

    assert len(response.json()["resultaten"]) == count


async def test_the_aandachtsfunctionaris_of_the_host_sees_its_events(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    created = await register(client, auth)
    response = await feed(client, auth, role="aandachtsfunctionaris")

    assert [e["subject"] for e in response.json()["resultaten"]] == [created["id"]]


@pytest.mark.parametrize(
    "who",
    [
        {"role": "vrijwilliger", "vrijwilligerId": "0b7e1c7a-1234-4a5b-9c1d-123456789012"},
        {"role": "gemeente", "gemeenten": ["GM0363"]},
        {"scope": "trajecten.lezen"},
    ],
    ids=["volunteer", "gemeente", "coordinator-without-scope"],
)
async def test_a_token_without_gebeurtenissen_lezen_is_403(
    backend: str, client: httpx.AsyncClient, auth: Auth, who: dict[str, Any]
) -> None:
    response = await feed(client, auth, **who)

    assert response.status_code == 403
    assert response.json()["code"] == "geen-bevoegdheid"


@pytest.mark.parametrize(
    ("query", "name"),
    [("?na=-1", "na"), ("?limit=0", "limit"), ("?limit=201", "limit"), ("?vanaf=1", "vanaf")],
)
async def test_a_bad_feed_query_is_400_naming_the_parameter(
    backend: str, client: httpx.AsyncClient, auth: Auth, query: str, name: str
) -> None:
    response = await feed(client, auth, query)

    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == name
