"""POST /v1/graphql (CONTRACT §17): the same use cases and rules as REST, through one schema."""

from __future__ import annotations

import dataclasses
import re
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from jose import jwt
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel
from structlog.testing import capture_logs

import adapters.db.tables  # noqa: F401 (registers the tables in the metadata)
from adapters.organisations_toml import demo_configuration
from api.app import create_app
from api.graphql.schema import sdl
from api.settings import Settings
from api.tokens import claims_for
from domain.policy import Role
from domain.ports import AccessContext, UnitOfWork
from tests.factories import a_reference, an_idempotency_key, referral_body

Auth = Callable[..., dict[str, str]]
URL = "/v1/graphql"
BSN = "123456782"  # passes the 11-test
OIN = "00000001001234567000"
SECRET = "een-geheim-van-minstens-32-bytes-lang"

AANMELDEN = """
mutation Aanmelden($invoer: AanmeldInvoer!, $key: String!) {
  aanmelden(invoer: $invoer, idempotencyKey: $key) {
    __typename
    ... on AanmeldenGelukt { nieuw herhaald verwijzing { id status trajectId referentie } }
    ... on Fout { code melding }
    ... on ValidatieFout { invalidParams { name code reason } }
    ... on VerwijzingBestaatAl { bestaandeVerwijzingId }
  }
}
"""
TRAJECT = """
query Traject($id: ID!) {
  traject(id: $id) {
    id status uitvoerendeOrganisatie wijkcode verwijzingId verwijzerType vrijwilligerId
    moeder { roepnaam achternaam }
    kind { roepnaam eersteKind leeftijdInMaanden }
    aanmelding { redenen }
    toestemming { scope wijze }
    aantalHuisbezoeken { totaal }
    aangemaaktOp
  }
}
"""
TRAJECTEN = """
query Trajecten($limit: Int, $cursor: String) {
  trajecten(limit: $limit, cursor: $cursor) { resultaten { id } volgende }
}
"""


async def graphql(
    client: httpx.AsyncClient,
    query: str,
    headers: dict[str, str],
    variables: dict[str, Any] | None = None,
) -> dict[str, Any]:
    response = await client.post(
        URL, json={"query": query, "variables": variables or {}}, headers=headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def aanmelden(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    invoer: dict[str, Any],
    key: str | None = None,
) -> dict[str, Any]:
    variables = {"invoer": invoer, "key": key or an_idempotency_key()}
    body = await graphql(client, AANMELDEN, headers, variables)
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["aanmelden"]
    return result


async def registered_trajectory(client: httpx.AsyncClient, auth: Auth) -> str:
    result = await aanmelden(client, auth("coordinator"), referral_body())
    traject_id: str = result["verwijzing"]["trajectId"]
    return traject_id


async def match(engine: AsyncEngine, traject_id: str, volunteer_id: str) -> None:
    """Matches a volunteer directly in storage: the match transition is not built yet."""
    table = SQLModel.metadata.tables["trajectory"]
    async with engine.begin() as conn:
        await conn.execute(
            sa.update(table)
            .where(table.c.id == uuid.UUID(traject_id))
            .values(volunteer_id=uuid.UUID(volunteer_id))
        )


# --- aanmelden ---------------------------------------------------------------------------


async def test_aanmelden_registers_a_referral_as_new_and_not_replayed(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    invoer = referral_body()
    result = await aanmelden(client, auth("verwijzer"), invoer)

    assert result["__typename"] == "AanmeldenGelukt"
    assert (result["nieuw"], result["herhaald"]) == (True, False)
    assert result["verwijzing"]["status"] == "ontvangen"
    assert result["verwijzing"]["referentie"] == invoer["verwijzer"]["referentie"]
    assert result["verwijzing"]["trajectId"] is None  # host roles only


async def test_aanmelden_with_the_same_key_and_invoer_replays_the_first_outcome(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    headers, invoer, key = (
        auth("verwijzer", sub="verwijzer-1"),
        referral_body(),
        an_idempotency_key(),
    )
    first = await aanmelden(client, headers, invoer, key)

    again = await aanmelden(client, headers, invoer, key)

    assert again["__typename"] == "AanmeldenGelukt"
    assert (again["nieuw"], again["herhaald"]) == (True, True)
    assert again["verwijzing"] == first["verwijzing"]


async def test_aanmelden_with_the_same_key_and_other_invoer_is_idempotency_key_hergebruikt(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    headers, key = auth("verwijzer", sub="verwijzer-1"), an_idempotency_key()
    await aanmelden(client, headers, referral_body(), key)

    result = await aanmelden(client, headers, referral_body(), key)

    assert result["__typename"] == "IdempotencyKeyHergebruikt"
    assert result["code"] == "idempotency-key-hergebruikt"


async def test_aanmelden_of_an_existing_reference_with_other_content_is_verwijzing_bestaat_al(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    headers, invoer = auth("verwijzer"), referral_body()
    first = await aanmelden(client, headers, invoer)
    changed = {**invoer, "moeder": {**invoer["moeder"], "roepnaam": "Anders"}}

    result = await aanmelden(client, headers, changed)

    assert result["__typename"] == "VerwijzingBestaatAl"
    assert result["code"] == "verwijzing-bestaat-al"
    assert result["bestaandeVerwijzingId"] == first["verwijzing"]["id"]


@pytest.mark.parametrize(
    ("overrides", "name", "code"),
    [
        ({"kind.eersteKind": False}, "kind.eersteKind", "geen-eerste-kind"),
        ({"moeder.roepnaam": BSN}, "moeder.roepnaam", "bsn-niet-toegestaan"),
        ({"moeder.telefoon": "geen telefoonnummer"}, "moeder.telefoon", "ongeldig-formaat"),
        ({"aanmelding.redenen": ["taal", "taal"]}, "aanmelding.redenen", "ongeldige-waarde"),
        ({"toestemming": ...}, "toestemming", "geen-toestemming"),
    ],
    ids=["rule", "bsn", "format", "duplicates", "no-consent"],
)
async def test_aanmelden_refuses_invalid_invoer_as_validatie_fout_naming_the_field_like_rest(
    backend: str,
    client: httpx.AsyncClient,
    auth: Auth,
    overrides: dict[str, Any],
    name: str,
    code: str,
) -> None:
    result = await aanmelden(client, auth("verwijzer"), referral_body(**overrides))

    assert result["__typename"] == "ValidatieFout"
    assert result["code"] == code
    assert [(p["name"], p["code"]) for p in result["invalidParams"]] == [(name, code)]
    assert BSN not in str(result)


async def test_aanmelden_with_a_malformed_idempotency_key_names_the_argument(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    result = await aanmelden(client, auth("verwijzer"), referral_body(), key="kort")

    assert result["__typename"] == "ValidatieFout"
    assert result["invalidParams"][0]["name"] == "idempotencyKey"
    assert result["code"] == "ongeldig-formaat"


async def test_aanmelden_by_a_volunteer_is_geen_bevoegdheid(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    headers = auth("vrijwilliger", vrijwilligerId=str(uuid.uuid4()))

    result = await aanmelden(client, headers, referral_body())

    assert result["__typename"] == "GeenBevoegdheid"
    assert result["code"] == "geen-bevoegdheid"


# --- queries -----------------------------------------------------------------------------


async def test_traject_for_a_coordinator_shows_every_field(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    traject_id = await registered_trajectory(client, auth)

    body = await graphql(client, TRAJECT, auth("coordinator"), {"id": traject_id})

    traject = body["data"]["traject"]
    assert traject["id"] == traject_id
    assert traject["status"] == "aangemeld"
    assert traject["moeder"] == {"roepnaam": "Testmoeder", "achternaam": "Voorbeeld"}
    assert traject["verwijzerType"] == "consultatiebureau"
    assert traject["aanmelding"] == {"redenen": ["onzeker_opvoeding", "weinig_netwerk"]}
    assert traject["toestemming"]["scope"] == ["delen_met_mim", "terugkoppeling_aan_verwijzer"]
    assert traject["aangemaaktOp"].endswith("Z")


async def test_traject_for_her_volunteer_gives_null_for_the_fields_she_may_not_see(
    backend: str, client: httpx.AsyncClient, auth: Auth, engine: AsyncEngine
) -> None:
    traject_id, volunteer_id = await registered_trajectory(client, auth), str(uuid.uuid4())
    await match(engine, traject_id, volunteer_id)

    body = await graphql(
        client, TRAJECT, auth("vrijwilliger", vrijwilligerId=volunteer_id), {"id": traject_id}
    )

    assert "errors" not in body
    traject = body["data"]["traject"]
    assert traject["vrijwilligerId"] == volunteer_id
    assert traject["moeder"] == {"roepnaam": "Testmoeder", "achternaam": None}
    assert traject["kind"]["roepnaam"] is None
    assert traject["kind"]["eersteKind"] is True
    hidden = ("wijkcode", "verwijzingId", "verwijzerType", "aanmelding", "toestemming")
    assert {name: traject[name] for name in hidden} == dict.fromkeys(hidden)


@pytest.mark.parametrize(
    ("role", "claims"),
    [
        ("coordinator", {"org": "mim-andere"}),
        ("vrijwilliger", {"vrijwilligerId": "7f3c0c1e-5a8e-4f0b-9a51-0d4e6f1b2c3d"}),
    ],
    ids=["other-organisation", "unmatched-volunteer"],
)
async def test_traject_the_caller_may_not_see_is_null_without_an_error(
    backend: str, client: httpx.AsyncClient, auth: Auth, role: str, claims: dict[str, str]
) -> None:
    traject_id = await registered_trajectory(client, auth)

    body = await graphql(client, TRAJECT, auth(role, **claims), {"id": traject_id})

    assert body == {"data": {"traject": None}}


async def test_traject_without_the_scope_is_an_error_coded_geen_bevoegdheid(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    body = await graphql(client, TRAJECT, auth("verwijzer"), {"id": str(uuid.uuid4())})

    assert body["data"] == {"traject": None}
    assert [e["extensions"]["code"] for e in body["errors"]] == ["geen-bevoegdheid"]


async def test_trajecten_pages_newest_first_with_volgende_as_the_next_cursor(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    created = [await registered_trajectory(client, auth) for _ in range(3)]
    headers = auth("coordinator")

    first = (await graphql(client, TRAJECTEN, headers, {"limit": 2}))["data"]["trajecten"]
    second = (await graphql(client, TRAJECTEN, headers, {"limit": 2, "cursor": first["volgende"]}))[
        "data"
    ]["trajecten"]

    seen = [t["id"] for t in first["resultaten"] + second["resultaten"]]
    assert sorted(seen) == sorted(created)
    assert len(first["resultaten"]) == 2
    assert first["volgende"] is not None
    assert second["volgende"] is None


async def test_verwijzingen_with_their_traject_load_the_trajectories_in_one_batch(
    backend: str, client: httpx.AsyncClient, auth: Auth, engine: AsyncEngine
) -> None:
    reference, headers = a_reference(), auth("coordinator")
    referrers: list[dict[str, Any]] = [
        {"schema": "ura", "waarde": "01234567"},
        {"schema": "oin", "waarde": OIN},
    ]
    for organisatie_id in referrers:
        fields: dict[str, Any] = {
            "verwijzer.referentie": reference,
            "verwijzer.organisatieId": organisatie_id,
        }
        invoer = referral_body(**fields)
        await aanmelden(client, headers, invoer)
    query = """query Zoek($referentie: String!) {
      verwijzingen(referentie: $referentie) { resultaten { trajectId traject { id status } } }
    }"""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    sa.event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        body = await graphql(client, query, headers, {"referentie": reference})
    finally:
        sa.event.remove(engine.sync_engine, "before_cursor_execute", record)

    found = body["data"]["verwijzingen"]["resultaten"]
    assert len(found) == len(referrers)
    assert all(v["traject"] == {"id": v["trajectId"], "status": "aangemeld"} for v in found)
    batch = re.compile(r"FROM trajectory\s+WHERE trajectory\.id IN", re.IGNORECASE)
    assert len([s for s in statements if batch.search(s)]) == 1


async def test_sibling_root_fields_resolve_concurrently_each_in_its_own_unit_of_work(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    first, second = [await registered_trajectory(client, auth) for _ in range(2)]
    query = """query Twee($a: ID!, $b: ID!) {
      a: traject(id: $a) { id } b: traject(id: $b) { id } lijst: trajecten { resultaten { id } }
    }"""

    body = await graphql(client, query, auth("coordinator"), {"a": first, "b": second})

    assert "errors" not in body
    assert (body["data"]["a"]["id"], body["data"]["b"]["id"]) == (first, second)
    assert {t["id"] for t in body["data"]["lijst"]["resultaten"]} == {first, second}


async def test_verwijzing_of_another_referrer_is_null(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    created = await aanmelden(client, auth("verwijzer"), referral_body())
    query = "query V($id: ID!) { verwijzing(id: $id) { id } }"

    body = await graphql(
        client, query, auth("verwijzer", org=f"oin:{OIN}"), {"id": created["verwijzing"]["id"]}
    )

    assert body == {"data": {"verwijzing": None}}


# --- protocol ----------------------------------------------------------------------------


async def test_get_on_the_graphql_endpoint_is_405_with_allow_post(
    backend: str, client: httpx.AsyncClient
) -> None:
    response = await client.get(URL, params={"query": "{ __typename }"})

    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "methode-niet-toegestaan"


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer niet-een-jwt"}], ids=["missing", "invalid"]
)
async def test_a_missing_or_invalid_token_is_http_401_before_any_resolver(
    backend: str, client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await client.post(URL, json={"query": "{ __typename }"}, headers=headers)

    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["code"] == "niet-geauthenticeerd"


@pytest.mark.parametrize(
    ("content", "media", "status", "code"),
    [
        (b'{"query": ', "application/json", 400, "ongeldige-json"),
        (b"{ __typename }", "application/graphql", 415, "mediatype-niet-ondersteund"),
    ],
    ids=["malformed", "not-json"],
)
async def test_a_body_that_is_not_json_is_a_problem_like_in_rest(
    backend: str,
    client: httpx.AsyncClient,
    auth: Auth,
    content: bytes,
    media: str,
    status: int,
    code: str,
) -> None:
    headers = {**auth("coordinator"), "Content-Type": media}

    response = await client.post(URL, content=content, headers=headers)

    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == code


async def test_a_query_deeper_than_ten_levels_is_refused(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    nested = "{ a " * 9 + "{ j }" + " }" * 9  # no such fields: depth is checked first
    deep = '{ traject(id: "x") { moeder ' + nested + " } }"

    body = await graphql(client, deep, auth("coordinator"))

    assert body.get("data") is None
    assert any("exceeds maximum operation depth of 10" in e["message"] for e in body["errors"])


async def test_an_unexpected_error_is_masked_as_interne_fout_and_logged_once(
    backend: str, client: httpx.AsyncClient, auth: Auth, app: FastAPI
) -> None:
    def broken(context: AccessContext) -> UnitOfWork:
        raise RuntimeError("database weg bij Testmoeder")

    app.state.services = dataclasses.replace(app.state.services, new_uow=broken)

    with capture_logs() as logs:
        body = await graphql(client, TRAJECT, auth("coordinator"), {"id": str(uuid.uuid4())})

    assert body["data"] == {"traject": None}
    assert [(e["message"], e["extensions"]) for e in body["errors"]] == [
        ("interne-fout", {"code": "interne-fout"})
    ]
    logged = [entry["error_type"] for entry in logs if entry["event"] == "interne-fout"]
    assert logged == ["RuntimeError"]
    assert "Testmoeder" not in str(body) + str(logs)


async def test_graphiql_in_development_is_a_page_pointed_at_the_endpoint_without_a_token(
    backend: str, client: httpx.AsyncClient
) -> None:
    response = await client.get("/v1/graphiql")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert 'new URL("/v1/graphql", window.location.href)' in response.text


@pytest.fixture
async def production_app(tmp_path: Path, database_url: str) -> AsyncIterator[tuple[FastAPI, str]]:
    """Production settings (HS256: development keys are refused there) and a coordinator token."""
    settings = Settings(
        env="production",
        database_url=database_url,
        data_dir=tmp_path,
        jwt_algorithm="HS256",
        jwt_secret=SECRET,
        organisations_file=demo_configuration(tmp_path),
        scheduler=False,
    )
    claims = claims_for(role=Role.COORDINATOR, organisation="mim-demo", settings=settings)
    application = create_app(settings)
    yield application, jwt.encode(claims, SECRET, algorithm="HS256")
    await application.state.engine.dispose()


async def test_production_serves_no_graphiql_and_refuses_introspection(
    backend: str, production_app: tuple[FastAPI, str]
) -> None:
    app, token = production_app
    headers = {"Authorization": f"Bearer {token}"}
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        page = await client.get("/v1/graphiql")
        body = await graphql(client, "{ __schema { queryType { name } } }", headers)

    assert page.status_code == 404
    assert body.get("data") is None
    assert body["errors"]


def test_the_sdl_publishes_the_query_and_mutation_roots() -> None:
    schema = sdl()

    assert "verwijzing(id: ID!): VerwijzingStatus" in schema
    assert (
        "trajecten(filter: TrajectFilter = null, limit: Int = 50, cursor: String = null)" in schema
    )
    assert "aanmelden(" in schema
    assert re.search(r"union AanmeldenResultaat =\s*\|?\s*AanmeldenGelukt", schema)
