"""Webhook subscriptions over HTTP (CONTRACT §13.3): the secret once, the URL guard, the
types a token may ask for, and who manages a subscription."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.settings import Settings
from tests.api.lifecycle_steps import Auth
from tests.api.loopback import loopback_settings
from tests.api.test_graphql_lifecycle import graphql

URL = "/v1/abonnementen"
STATUS = "nl.mim.traject.status-gewijzigd"
STEP = "nl.mim.meldcode.stap-vastgelegd"
FEEDBACK = "nl.mim.verwijzing.teruggekoppeld"


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Loopback receivers over http, as the tests run them (never so in production)."""
    return loopback_settings(database_url, tmp_path)


def body(*types: str, url: str = "http://127.0.0.1:9/hook") -> dict[str, Any]:
    return {"url": url, "typen": list(types), "beschrijving": "Dossiersysteem"}


async def create(
    client: httpx.AsyncClient, headers: dict[str, str], payload: dict[str, Any], expect: int
) -> httpx.Response:
    response = await client.post(URL, json=payload, headers=headers)
    assert response.status_code == expect, response.text
    return response


async def test_the_secret_is_shown_once_and_the_subscription_managed_by_its_owner(
    client: httpx.AsyncClient, auth: Auth, backend: str
) -> None:
    created = await create(client, auth("coordinator"), body(STATUS, STEP), 201)
    secret = created.json()["geheim"]
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    location = created.headers["location"]
    read = await client.get(location, headers=auth("coordinator"))
    assert read.status_code == 200
    assert "geheim" not in read.json()
    assert (read.json()["status"], read.json()["organisatie"]) == ("actief", "mim-demo")
    listed = await client.get(URL, headers=auth("aandachtsfunctionaris"))
    assert [s["id"] for s in listed.json()["resultaten"]] == [created.json()["id"]]
    # a token that could not read all its types, or of another organisation: 404 (§13.1)
    unmasked = auth("coordinator", scope="abonnementen.beheren gebeurtenissen.lezen")
    for headers in (unmasked, auth("coordinator", "mim-andere"), auth("beheer")):
        assert (await client.get(location, headers=headers)).status_code == 404
    assert (await client.get(URL, headers=unmasked)).json()["resultaten"] == []
    deliveries = await client.get(f"{location}/afleveringen", headers=auth("coordinator"))
    assert deliveries.json() == {"resultaten": [], "volgende": None}
    deleted = await client.delete(location, headers=auth("eindverantwoordelijke"))
    assert deleted.status_code == 204
    assert (await client.get(location, headers=auth("coordinator"))).status_code == 404


async def test_the_url_guard_refuses_private_and_unresolvable_targets(
    client: httpx.AsyncClient, auth: Auth, backend: str
) -> None:
    for url in (
        "http://10.1.2.3/hook",
        "http://192.168.1.10/hook",
        "http://[::1]:8080/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://100.64.0.1/hook",
        "http://niet-te-vinden.invalid/hook",
        "ftp://127.0.0.1/hook",
        "http://gebruiker:wachtwoord@127.0.0.1/hook",
    ):
        refused = await create(client, auth("coordinator"), body(STATUS, url=url), 400)
        assert refused.json()["invalidParams"][0]["name"] == "url", url
        assert refused.json()["code"] == "url-niet-toegestaan", url


async def test_types_must_exist_and_be_readable_by_the_token(
    client: httpx.AsyncClient, auth: Auth, backend: str
) -> None:
    unknown = await create(client, auth("coordinator"), body(STATUS, "nl.mim.onbekend.type"), 400)
    assert unknown.json()["invalidParams"][0]["name"] == "typen[1]"
    doubled = await create(client, auth("coordinator"), body(STATUS, STATUS), 400)
    assert doubled.json()["invalidParams"][0]["name"] == "typen"
    masked = auth("coordinator", scope="abonnementen.beheren gebeurtenissen.lezen")
    await create(client, masked, body(STEP), 403)  # Meldcode types need meldcode.behandelen
    await create(client, auth("beheer"), body(STEP), 403)
    await create(client, auth("verwijzer"), body(STATUS), 403)
    referrer = await create(client, auth("verwijzer"), body(FEEDBACK), 201)
    assert referrer.json()["organisatie"] == "ura:01234567"
    volunteer = auth("vrijwilliger", vrijwilligerId="00000000-0000-4000-8000-00000000f001")
    for headers in (volunteer, auth("gemeente", gemeenten=["GM0363"])):
        await create(client, headers, body(STATUS), 403)


async def test_an_unknown_delivery_cannot_be_restarted(
    client: httpx.AsyncClient, auth: Auth, backend: str
) -> None:
    created = await create(client, auth("coordinator"), body(STATUS), 201)
    missing = "00000000-0000-4000-8000-000000000000"
    response = await client.post(
        f"{URL}/{created.json()['id']}/afleveringen/{missing}/opnieuw",
        headers=auth("coordinator"),
    )
    assert response.status_code == 404


async def test_subscriptions_over_graphql(
    client: httpx.AsyncClient, auth: Auth, backend: str
) -> None:
    """The same use cases and policy as REST (CONTRACT §17)."""
    create_mutation = """
    mutation Aanmaken($invoer: AbonnementInvoer!) {
      abonnementAanmaken(invoer: $invoer) {
        __typename
        ... on AbonnementAangemaakt { geheim abonnement { id status typen } }
        ... on Fout { code }
      }
    }"""
    invoer = {"url": "http://127.0.0.1:9/hook", "typen": [STATUS]}
    created = await graphql(client, create_mutation, auth("coordinator"), {"invoer": invoer})
    member = created["data"]["abonnementAanmaken"]
    assert member["geheim"].startswith("whsec_")
    refused = await graphql(
        client, create_mutation, auth("verwijzer"), {"invoer": {**invoer, "typen": [STEP]}}
    )
    assert refused["data"]["abonnementAanmaken"]["code"] == "geen-bevoegdheid"
    listed = await graphql(
        client,
        "{ abonnementen { resultaten { id } } }",
        auth("coordinator"),
    )
    subscription_id = member["abonnement"]["id"]
    assert listed["data"]["abonnementen"]["resultaten"] == [{"id": subscription_id}]
    deliveries = await graphql(
        client,
        "query A($id: ID!) { afleveringen(abonnementId: $id) { resultaten { id } } }",
        auth("coordinator", "mim-andere"),
        {"id": subscription_id},
    )
    assert deliveries["data"]["afleveringen"] is None  # another organisation's: null
    redeliver = await graphql(
        client,
        """mutation R($a: ID!, $b: ID!) { afleveringOpnieuw(abonnementId: $a, afleveringId: $b)
           { __typename ... on Fout { code } } }""",
        auth("coordinator"),
        {"a": subscription_id, "b": "00000000-0000-4000-8000-000000000000"},
    )
    assert redeliver["data"]["afleveringOpnieuw"]["code"] == "niet-gevonden"
    deleted = await graphql(
        client,
        "mutation D($id: ID!) { abonnementVerwijderen(id: $id) { __typename } }",
        auth("coordinator"),
        {"id": subscription_id},
    )
    assert deleted["data"]["abonnementVerwijderen"]["__typename"] == "AbonnementVerwijderd"
    assert (
        await client.get(f"{URL}/{subscription_id}", headers=auth("coordinator"))
    ).status_code == 404
