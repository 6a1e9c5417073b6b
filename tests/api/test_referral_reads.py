"""GET /v1/verwijzingen/{id} and POST /v1/verwijzingen/_zoek (CONTRACT §8.1, §8.3; R16, R38)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

import adapters.db.tables  # noqa: F401 (registers the tables in the metadata)
from tests.factories import a_reference, an_idempotency_key, referral_body

Auth = Callable[..., dict[str, str]]
URL = "/v1/verwijzingen"
OIN = "00000001001234567000"


def changed_body(changes: dict[str, Any]) -> dict[str, Any]:
    """`referral_body` with fields changed by dotted path (`...` removes one)."""
    return referral_body(**changes)


async def register(
    client: httpx.AsyncClient,
    auth: Auth,
    body: dict[str, Any] | None = None,
    org: str | None = None,
) -> dict[str, Any]:
    headers = {**auth("verwijzer", org), "Idempotency-Key": an_idempotency_key()}
    response = await client.post(URL, json=body or referral_body(), headers=headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def trajectory_of(engine: AsyncEngine, referral_id: str) -> str:
    table = SQLModel.metadata.tables["trajectory"]
    async with engine.connect() as conn:
        query = sa.select(table.c.id, table.c.referral_id)
        found = [row.id for row in await conn.execute(query) if str(row.referral_id) == referral_id]
    return str(found[0])


async def read_lines(engine: AsyncEngine) -> list[tuple[bool, str]]:
    table = SQLModel.metadata.tables["audit_line"]
    async with engine.connect() as conn:
        query = (
            sa.select(table).where(table.c.actie == "lezen").order_by(table.c.tijdstip, table.c.id)
        )
        return [(row.zoekactie, str(row.betrokkene_id)) for row in await conn.execute(query)]


async def test_a_referrer_reads_the_status_view_of_its_own_referral(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    created = await register(client, auth)
    response = await client.get(f"{URL}/{created['id']}", headers=auth("verwijzer"))

    assert response.status_code == 200
    assert response.json() == created
    assert "trajectId" not in response.json()


async def test_the_host_coordinator_sees_the_referral_with_its_traject_id(
    backend: str, client: httpx.AsyncClient, auth: Auth, engine: AsyncEngine
) -> None:
    created = await register(client, auth)
    response = await client.get(f"{URL}/{created['id']}", headers=auth("coordinator"))

    assert response.status_code == 200
    assert response.json()["trajectId"] == await trajectory_of(engine, created["id"])


@pytest.mark.parametrize(
    ("role", "org"),
    [("verwijzer", f"oin:{OIN}"), ("coordinator", "mim-andere"), ("coordinator", "mim-west")],
    ids=["other-referrer", "other-host", "host-serving-the-same-gemeente"],
)
async def test_a_referral_of_someone_else_is_404(
    backend: str, client: httpx.AsyncClient, auth: Auth, role: str, org: str
) -> None:
    created = await register(client, auth)
    response = await client.get(f"{URL}/{created['id']}", headers=auth(role, org))

    assert response.status_code == 404
    assert response.json()["code"] == "niet-gevonden"


@pytest.mark.parametrize(
    "path",
    [
        "/v1/verwijzingen/123",
        "/v1/verwijzingen/0b7e1c7a-1234-4a5b-9c1d-123456789012",
        "/v1/verwijzingen/{id}/",
    ],
    ids=["not-a-uuid", "unknown-uuid", "trailing-slash"],
)
async def test_a_path_that_names_no_referral_is_404_never_a_redirect(
    backend: str, client: httpx.AsyncClient, auth: Auth, path: str
) -> None:
    created = await register(client, auth)
    response = await client.get(path.format(id=created["id"]), headers=auth("verwijzer"))

    assert response.status_code == 404
    assert response.json()["code"] == "niet-gevonden"
    assert "location" not in response.headers


async def test_search_by_reference_finds_only_the_callers_own_referral(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    reference = a_reference()
    own = await register(client, auth, changed_body({"verwijzer.referentie": reference}))
    other_body = changed_body(
        {
            "verwijzer.referentie": reference,
            "verwijzer.organisatieId": {"schema": "oin", "waarde": OIN},
        }
    )
    await register(client, auth, other_body, org=f"oin:{OIN}")
    response = await client.post(
        f"{URL}/_zoek", json={"referentie": reference}, headers=auth("verwijzer")
    )

    assert response.status_code == 200
    assert response.json() == {"resultaten": [own], "volgende": None}


@pytest.mark.parametrize(("org", "found"), [("mim-demo", 1), ("mim-andere", 0)])
async def test_a_coordinator_searches_its_own_organisations_referrals(
    backend: str, client: httpx.AsyncClient, auth: Auth, org: str, found: int
) -> None:
    reference = a_reference()
    await register(client, auth, changed_body({"verwijzer.referentie": reference}))
    response = await client.post(
        f"{URL}/_zoek", json={"referentie": reference}, headers=auth("coordinator", org)
    )

    assert response.status_code == 200
    assert len(response.json()["resultaten"]) == found


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, ("referentie", "verplicht")),
        ({"referentie": "123456782"}, ("referentie", "bsn-niet-toegestaan")),
        ({"referentie": "CB-1", "moeder": "x"}, ("moeder", "onbekend-veld")),
        ({"referentie": "met spatie"}, ("referentie", "ongeldig-formaat")),
    ],
)
async def test_a_malformed_search_is_400_naming_the_field(
    backend: str,
    client: httpx.AsyncClient,
    auth: Auth,
    body: dict[str, Any],
    expected: tuple[str, str],
) -> None:
    response = await client.post(f"{URL}/_zoek", json=body, headers=auth("verwijzer"))

    assert response.status_code == 400
    assert [(p["name"], p["code"]) for p in response.json()["invalidParams"]] == [expected]


async def test_reading_a_referral_writes_one_audit_line_for_its_subject(
    backend: str, client: httpx.AsyncClient, auth: Auth, engine: AsyncEngine
) -> None:
    created = await register(client, auth)
    await client.get(f"{URL}/{created['id']}", headers=auth("verwijzer"))

    assert await read_lines(engine) == [(False, await trajectory_of(engine, created["id"]))]


async def test_a_search_writes_one_audit_line_per_subject_marked_as_a_search(
    backend: str, client: httpx.AsyncClient, auth: Auth, engine: AsyncEngine
) -> None:
    created = await register(client, auth)
    await client.post(
        f"{URL}/_zoek", json={"referentie": created["referentie"]}, headers=auth("coordinator")
    )

    assert await read_lines(engine) == [(True, await trajectory_of(engine, created["id"]))]


async def test_a_search_without_results_writes_no_audit_line(
    backend: str, client: httpx.AsyncClient, auth: Auth, engine: AsyncEngine
) -> None:
    await client.post(f"{URL}/_zoek", json={"referentie": a_reference()}, headers=auth("verwijzer"))

    assert await read_lines(engine) == []


async def test_r16_a_fresh_referral_reads_as_ontvangen_without_reason(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    created = await register(client, auth)
    view = (await client.get(f"{URL}/{created['id']}", headers=auth("verwijzer"))).json()

    assert (view["status"], view["reden"], view["terugkoppelingToegestaan"]) == (
        "ontvangen",
        None,
        True,
    )


async def test_r17_without_feedback_consent_the_status_is_null(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    body = changed_body({"toestemming.scope": ["delen_met_mim"]})
    created = await register(client, auth, body)
    view = (await client.get(f"{URL}/{created['id']}", headers=auth("verwijzer"))).json()

    assert (view["status"], view["terugkoppelingToegestaan"]) == (None, False)


@pytest.mark.parametrize(
    ("role", "claims"),
    [
        ("vrijwilliger", {"vrijwilligerId": "0b7e1c7a-1234-4a5b-9c1d-123456789012"}),
        ("aandachtsfunctionaris", {}),
        ("verwijzer", {"scope": "verwijzingen.aanmaken"}),
    ],
)
async def test_a_token_without_referral_read_rights_is_403(
    backend: str, client: httpx.AsyncClient, auth: Auth, role: str, claims: dict[str, Any]
) -> None:
    created = await register(client, auth)
    response = await client.get(f"{URL}/{created['id']}", headers=auth(role, **claims))

    assert response.status_code == 403
    assert response.json()["code"] == "geen-bevoegdheid"
