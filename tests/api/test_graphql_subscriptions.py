"""`subscription { gebeurtenissen(na, typen) }` over graphql-transport-ws (issue 6 point 5): the
feed's CloudEvents for the token, pushed as they come, resumable from a volgnummer."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, Final

import httpx
import pytest
from fastapi import FastAPI
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from api.app import create_app
from api.settings import Settings
from domain.policy import ROLE_MAXIMUM_SCOPES, Role
from tests.api.graphql_socket import SUBSCRIPTION, graphql_socket, socket_url
from tests.api.lifecycle_steps import trajectory_in
from tests.api.meldcode_flow import matched_trajectory, raise_signal
from tests.api.test_event_feed import register

Auth = Callable[..., dict[str, str]]
TokenMaker = Callable[..., str]
RECEIVED: Final = "nl.mim.verwijzing.ontvangen"
MOVED: Final = "nl.mim.traject.status-gewijzigd"
SIGNALLED: Final = "nl.mim.meldcode.signaal-ontvangen"


def bearer(token: TokenMaker, role: str = "coordinator", **claims: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(role, **claims)}"}


async def test_events_created_after_subscribing_arrive_in_order(
    backend: str, app: FastAPI, client: httpx.AsyncClient, auth: Auth, token: TokenMaker
) -> None:
    first = await register(client, auth)
    async with socket_url(app) as url, graphql_socket(url, bearer(token)) as socket:
        await socket.subscribe()
        caught_up = await socket.events(1)  # the subscription has read the feed once
        later = [await register(client, auth), await register(client, auth)]
        pushed = await socket.events(2)

    assert caught_up[0]["subject"] == first["id"]
    assert [(e["type"], e["subject"]) for e in pushed] == [(RECEIVED, c["id"]) for c in later]
    assert caught_up[0]["volgnummer"] < pushed[0]["volgnummer"] < pushed[1]["volgnummer"]


async def test_a_streamed_event_is_the_feeds_cloudevent(
    backend: str, app: FastAPI, client: httpx.AsyncClient, auth: Auth, token: TokenMaker
) -> None:
    await register(client, auth, {"traceparent": f"00-{'ab' * 16}-{'cd' * 8}-01"})
    await register(client, auth)
    feed = (await client.get("/v1/gebeurtenissen", headers=auth("coordinator"))).json()
    async with socket_url(app) as url, graphql_socket(url, bearer(token)) as socket:
        await socket.subscribe()
        streamed = await socket.events(2)

    assert streamed == feed["resultaten"]


async def test_resuming_with_na_streams_exactly_the_events_after_it(
    backend: str, app: FastAPI, client: httpx.AsyncClient, auth: Auth, token: TokenMaker
) -> None:
    created = [await register(client, auth) for _ in range(3)]
    feed = (await client.get("/v1/gebeurtenissen", headers=auth("coordinator"))).json()
    seen = feed["resultaten"][1]["volgnummer"]
    async with socket_url(app) as url, graphql_socket(url, bearer(token)) as socket:
        await socket.subscribe(na=seen)
        resumed = await socket.events(1)
        newer = await register(client, auth)
        pushed = await socket.events(1)

    assert [e["subject"] for e in resumed + pushed] == [created[2]["id"], newer["id"]]


async def test_typen_selects_the_events_by_exact_type(
    backend: str, app: FastAPI, client: httpx.AsyncClient, auth: Auth, token: TokenMaker
) -> None:
    async with socket_url(app) as url, graphql_socket(url, bearer(token)) as socket:
        await socket.subscribe(typen=[MOVED])
        trajectory_id = await trajectory_in(client, auth, "intake")  # received, then moved
        streamed = await socket.events(1)

    assert streamed[0]["type"] == MOVED
    assert streamed[0]["data"]["trajectId"] == trajectory_id
    assert streamed[0]["data"]["naar"] == "intake"


async def test_meldcode_events_reach_only_tokens_with_meldcode_behandelen(
    backend: str, app: FastAPI, client: httpx.AsyncClient, auth: Auth, token: TokenMaker
) -> None:
    maximum = ROLE_MAXIMUM_SCOPES[Role.COORDINATOR]
    without = " ".join(sorted(s for s in maximum if s != "meldcode.behandelen"))
    async with (
        socket_url(app) as url,
        graphql_socket(url, bearer(token)) as handler,
        graphql_socket(url, bearer(token, scope=without)) as colleague,
    ):
        await handler.subscribe()
        await colleague.subscribe()
        trajectory_id, _ = await matched_trajectory(client, auth)
        await raise_signal(client, auth, trajectory_id)
        marker = (await register(client, auth))["id"]  # a host event after the signal
        seen_by_handler = {e["type"] for e in await handler.events_until(marker)}
        seen_by_colleague = {e["type"] for e in await colleague.events_until(marker)}

    assert SIGNALLED in seen_by_handler
    assert RECEIVED in seen_by_colleague
    assert not {t for t in seen_by_colleague if t.startswith("nl.mim.meldcode.")}


@pytest.mark.parametrize(
    "who",
    [
        {"role": "vrijwilliger", "vrijwilligerId": "0b7e1c7a-1234-4a5b-9c1d-123456789012"},
        {"role": "gemeente", "gemeenten": ["GM0363"]},
    ],
    ids=["volunteer", "gemeente"],
)
async def test_a_token_without_gebeurtenissen_lezen_gets_no_events_but_an_error(
    backend: str,
    app: FastAPI,
    client: httpx.AsyncClient,
    auth: Auth,
    token: TokenMaker,
    who: dict[str, Any],
) -> None:
    await register(client, auth)
    async with socket_url(app) as url, graphql_socket(url, bearer(token, **who)) as socket:
        await socket.subscribe()
        refusal, end = await socket.receive(), await socket.receive()

    assert refusal["type"] == "next"
    assert refusal["payload"]["data"] is None
    assert refusal["payload"]["errors"][0]["extensions"]["code"] == "geen-bevoegdheid"
    assert end == {"id": "1", "type": "complete"}


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"Authorization": "Bearer geen.geldig.token"},
        {"Authorization": "Basic YWxhZGRpbjpvcGVuc2VzYW1l"},
        {"Authorization": 42},
        "expired",
    ],
    ids=["missing", "invalid", "not-bearer", "not-text", "expired"],
)
async def test_a_socket_without_a_valid_token_is_closed_with_4403(
    backend: str, app: FastAPI, token: TokenMaker, payload: dict[str, Any] | str
) -> None:
    if payload == "expired":  # past the 30 s leeway
        payload = bearer(token, exp=int(datetime.now(UTC).timestamp()) - 3600)
    assert isinstance(payload, dict)
    async with (
        socket_url(app) as url,
        graphql_socket(url, payload, acknowledged=False) as socket,
    ):
        code = await socket.close_code()

    assert code == 4403


async def test_only_the_graphql_transport_ws_protocol_is_spoken(backend: str, app: FastAPI) -> None:
    async with (
        socket_url(app) as url,
        connect(url, subprotocols=[Subprotocol("graphql-ws")]) as connection,
    ):
        with pytest.raises(ConnectionClosed) as closed:
            await connection.recv()

    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4406


@pytest.mark.parametrize("where", ["Authorization", "authorization", "upgrade-header"])
async def test_the_token_comes_from_connection_init_or_else_the_upgrade_request(
    backend: str,
    app: FastAPI,
    client: httpx.AsyncClient,
    auth: Auth,
    token: TokenMaker,
    where: str,
) -> None:
    created = await register(client, auth)
    value = bearer(token)["Authorization"]
    payload = {} if where == "upgrade-header" else {where: value}
    headers = {"Authorization": value} if where == "upgrade-header" else None
    async with socket_url(app) as url, graphql_socket(url, payload, headers=headers) as socket:
        await socket.subscribe()
        streamed = await socket.events(1)

    assert streamed[0]["subject"] == created["id"]


@pytest.mark.parametrize(
    "operation",
    [
        "{ abonnementen { resultaten { id } } }",
        'mutation { abonnementVerwijderen(id: "x") { __typename } }',
    ],
    ids=["query", "mutation"],
)
async def test_the_websocket_refuses_queries_and_mutations(
    backend: str, app: FastAPI, token: TokenMaker, operation: str
) -> None:
    async with socket_url(app) as url, graphql_socket(url, bearer(token)) as socket:
        await socket.subscribe(operation)
        refusal = await socket.receive()

    assert refusal["type"] == "error"
    assert refusal["payload"][0]["extensions"]["code"] == "methode-niet-toegestaan"


async def test_post_refuses_a_subscription(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    response = await client.post(
        "/v1/graphql", json={"query": SUBSCRIPTION}, headers=auth("coordinator")
    )

    assert response.json()["data"] is None
    assert response.json()["errors"][0]["extensions"]["code"] == "methode-niet-toegestaan"


@pytest.mark.parametrize(
    ("variables", "name", "code"),
    [
        ({"na": -1}, "na", "ongeldige-waarde"),
        ({"typen": [RECEIVED, "nl.mim.Verkeerd"]}, "typen[1]", "ongeldig-formaat"),
        ({"typen": [RECEIVED] * 26}, "typen", "ongeldige-waarde"),
    ],
    ids=["negative-na", "not-an-event-type", "too-many-typen"],
)
async def test_bad_arguments_end_the_subscription_with_an_error_naming_the_field(
    backend: str,
    app: FastAPI,
    token: TokenMaker,
    variables: dict[str, Any],
    name: str,
    code: str,
) -> None:
    async with socket_url(app) as url, graphql_socket(url, bearer(token)) as socket:
        await socket.subscribe(**variables)
        refusal, end = await socket.receive(), await socket.receive()

    error = refusal["payload"]["errors"][0]
    assert error["extensions"]["code"] == code
    assert error["extensions"]["invalidParams"][0]["name"] == name
    assert end["type"] == "complete"


class ShiftedClock:
    """The system clock moved forward by `shift`: tokens minted now expire when it grows."""

    def __init__(self) -> None:
        self.shift = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self.shift


@pytest.fixture
async def clocked_app(settings: Settings) -> AsyncIterator[tuple[FastAPI, ShiftedClock]]:
    clock = ShiftedClock()
    application = create_app(settings, clock=clock)
    async with application.router.lifespan_context(application):
        yield application, clock


async def test_an_expired_token_ends_the_stream_with_niet_geauthenticeerd(
    backend: str,
    clocked_app: tuple[FastAPI, ShiftedClock],
    auth: Auth,
    token: TokenMaker,
) -> None:
    app, clock = clocked_app
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        await register(client, auth)
    async with socket_url(app) as url, graphql_socket(url, bearer(token)) as socket:
        await socket.subscribe()
        await socket.events(1)  # now waiting for the next event
        clock.shift = timedelta(hours=2)  # the token was valid for one
        refusal, end = await socket.receive(), await socket.receive()

    assert refusal["payload"]["errors"][0]["extensions"]["code"] == "niet-geauthenticeerd"
    assert end["type"] == "complete"
