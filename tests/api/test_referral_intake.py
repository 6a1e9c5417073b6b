"""POST /v1/verwijzingen (CONTRACT §5.2, §5.3, §8; DOMAIN R1, R2, R3, R35, R37)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

import adapters.db.tables  # noqa: F401 (registers the tables in the metadata)
from domain.model.calendar import AMSTERDAM, add_months
from tests.factories import an_idempotency_key, referral_body

Auth = Callable[..., dict[str, str]]
URL = "/v1/verwijzingen"
BSN = "123456782"
OIN = "00000001001234567000"


def changed_body(changes: dict[str, Any]) -> dict[str, Any]:
    """`referral_body` with fields changed by dotted path (`...` removes one)."""
    return referral_body(**changes)


def keyed(headers: dict[str, str], key: str | None = None) -> dict[str, str]:
    return {**headers, "Idempotency-Key": key or an_idempotency_key()}


async def count(engine: AsyncEngine, table: str) -> int:
    async with engine.connect() as conn:
        query = sa.select(sa.func.count()).select_from(SQLModel.metadata.tables[table])
        return int((await conn.execute(query)).scalar_one())


async def rows(engine: AsyncEngine, table: str) -> list[dict[str, Any]]:
    async with engine.connect() as conn:
        result = await conn.execute(sa.select(SQLModel.metadata.tables[table]))
        return [dict(row._mapping) for row in result]


def codes(response: httpx.Response) -> list[tuple[str, str]]:
    return [(p["name"], p["code"]) for p in response.json()["invalidParams"]]


def self_registration() -> dict[str, Any]:
    return changed_body(
        {
            "verwijzer.type": "zelfaanmelding",
            "verwijzer.organisatieId": {"schema": "intern", "waarde": "mim-demo"},
        }
    )


async def test_a_referrer_intake_answers_201_with_location_and_a_status_view_without_traject(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    body = referral_body()
    response = await client.post(URL, json=body, headers=keyed(auth("verwijzer")))

    assert response.status_code == 201, response.text
    view = response.json()
    assert response.headers["location"] == f"{URL}/{view['id']}"
    assert view["referentie"] == body["verwijzer"]["referentie"]
    assert view["status"] == "ontvangen"
    assert view["terugkoppelingToegestaan"] is True
    assert "trajectId" not in view


@pytest.mark.parametrize("make_body", [referral_body, self_registration], ids=["phoned", "self"])
async def test_a_coordinator_intake_for_its_own_organisation_shows_the_traject_id(
    backend: str, client: httpx.AsyncClient, auth: Auth, make_body: Callable[[], dict[str, Any]]
) -> None:
    response = await client.post(URL, json=make_body(), headers=keyed(auth("coordinator")))

    assert response.status_code == 201, response.text
    assert response.json()["trajectId"] is not None


async def test_the_same_key_and_body_replay_the_first_answer_without_a_second_row(
    backend: str, client: httpx.AsyncClient, auth: Auth, engine: AsyncEngine
) -> None:
    headers, body = keyed(auth("verwijzer")), referral_body()
    first = await client.post(URL, json=body, headers=headers)
    again = await client.post(URL, json=body, headers=headers)

    assert again.status_code == 201
    assert again.headers["idempotency-replayed"] == "true"
    assert again.headers["location"] == first.headers["location"]
    assert again.json() == first.json()
    assert await count(engine, "referral") == 1


async def test_the_same_key_with_another_body_is_422_idempotency_key_hergebruikt(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    headers = keyed(auth("verwijzer"))
    await client.post(URL, json=referral_body(), headers=headers)
    response = await client.post(URL, json=referral_body(), headers=headers)

    assert response.status_code == 422
    assert response.json()["code"] == "idempotency-key-hergebruikt"


async def test_a_missing_idempotency_key_is_400_naming_the_header(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    response = await client.post(URL, json=referral_body(), headers=auth("verwijzer"))

    assert response.status_code == 400
    assert codes(response) == [("Idempotency-Key", "idempotency-key-ontbreekt")]


@pytest.mark.parametrize(
    "key", ["kort-123", "x" * 65, "sleutel met spaties!", "sleutel.met.punten.01", '"' + "a" * 15]
)
async def test_a_malformed_idempotency_key_is_400_ongeldig_formaat(
    backend: str, client: httpx.AsyncClient, auth: Auth, key: str
) -> None:
    headers = {**auth("verwijzer"), "Idempotency-Key": key}
    response = await client.post(URL, json=referral_body(), headers=headers)

    assert response.status_code == 400
    assert codes(response) == [("Idempotency-Key", "ongeldig-formaat")]


async def test_a_quoted_structured_field_key_is_the_same_key_as_its_bare_form(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    key, headers, body = an_idempotency_key(), auth("verwijzer"), referral_body()
    quoted = await client.post(URL, json=body, headers={**headers, "Idempotency-Key": f'"{key}"'})
    bare = await client.post(URL, json=body, headers={**headers, "Idempotency-Key": key})

    assert quoted.status_code == 201
    assert bare.headers["idempotency-replayed"] == "true"
    assert bare.json()["id"] == quoted.json()["id"]


async def test_an_identical_referral_under_a_new_key_is_200_with_the_existing_one(
    backend: str, client: httpx.AsyncClient, auth: Auth, engine: AsyncEngine
) -> None:
    body = referral_body()
    first = await client.post(URL, json=body, headers=keyed(auth("verwijzer")))
    second = await client.post(URL, json=body, headers=keyed(auth("verwijzer")))

    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    assert (await count(engine, "referral"), await count(engine, "trajectory")) == (1, 1)


async def test_another_body_under_an_existing_business_key_is_409_naming_the_existing_referral(
    backend: str, client: httpx.AsyncClient, auth: Auth, engine: AsyncEngine
) -> None:
    body = referral_body()
    first = await client.post(URL, json=body, headers=keyed(auth("verwijzer")))
    changed = {**body, "moeder": {**body["moeder"], "roepnaam": "Anders"}}
    response = await client.post(URL, json=changed, headers=keyed(auth("verwijzer")))

    assert response.status_code == 409
    assert response.json()["code"] == "verwijzing-bestaat-al"
    assert response.json()["bestaandeVerwijzing"] == f"{URL}/{first.json()['id']}"
    assert await count(engine, "referral") == 1


async def test_a_409_business_key_conflict_is_replayed_under_its_key(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    body = referral_body()
    await client.post(URL, json=body, headers=keyed(auth("verwijzer")))
    changed = {**body, "moeder": {**body["moeder"], "roepnaam": "Anders"}}
    headers = keyed(auth("verwijzer"))
    conflict = await client.post(URL, json=changed, headers=headers)
    again = await client.post(URL, json=changed, headers=headers)

    assert conflict.status_code == again.status_code == 409
    assert again.headers["idempotency-replayed"] == "true"
    assert again.json() == conflict.json()


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"toestemming": ...}, [("toestemming", "geen-toestemming")]),
        ({"toestemming": None}, [("toestemming", "geen-toestemming")]),
        ({"toestemming.gegeven": False}, [("toestemming.gegeven", "geen-toestemming")]),
        ({"toestemming.gegeven": ...}, [("toestemming.gegeven", "geen-toestemming")]),
        (
            {"toestemming.scope": ["terugkoppeling_aan_verwijzer"]},
            [("toestemming.scope", "geen-toestemming")],
        ),
        ({"kind.eersteKind": False}, [("kind.eersteKind", "geen-eerste-kind")]),
        (
            {"toestemming.gegeven": False, "kind.eersteKind": False},
            [("toestemming.gegeven", "geen-toestemming"), ("kind.eersteKind", "geen-eerste-kind")],
        ),
    ],
    ids=["no-block", "null-block", "false", "no-gegeven", "no-delen", "second-child", "both"],
)
async def test_r1_a_referral_without_consent_or_first_child_is_refused_and_nothing_stored(
    backend: str,
    client: httpx.AsyncClient,
    auth: Auth,
    engine: AsyncEngine,
    overrides: dict[str, Any],
    expected: list[tuple[str, str]],
) -> None:
    response = await client.post(
        URL, json=referral_body(**overrides), headers=keyed(auth("verwijzer"))
    )

    assert response.status_code == 400
    assert codes(response) == expected
    assert response.json()["code"] == expected[0][1]
    stored = [await count(engine, t) for t in ("referral", "trajectory", "event")]
    assert stored == [0, 0, 0]


def born_days_after_18_months_ago(days: int) -> str:
    today = datetime.now(AMSTERDAM).date()
    return (add_months(today, -18) + timedelta(days=days)).isoformat()


async def test_r2_a_child_is_too_old_on_its_18_month_date(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    body = changed_body({"kind.geboortedatum": born_days_after_18_months_ago(0)})
    response = await client.post(URL, json=body, headers=keyed(auth("verwijzer")))

    assert response.status_code == 400
    assert codes(response) == [("kind.geboortedatum", "kind-te-oud")]


async def test_r2_a_child_one_day_younger_is_accepted(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    body = changed_body({"kind.geboortedatum": born_days_after_18_months_ago(1)})
    response = await client.post(URL, json=body, headers=keyed(auth("verwijzer")))

    assert response.status_code == 201, response.text


async def test_a_birth_date_in_the_future_is_400_ongeldige_waarde(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    tomorrow = datetime.now(AMSTERDAM).date() + timedelta(days=1)
    body = changed_body({"kind.geboortedatum": tomorrow.isoformat()})
    response = await client.post(URL, json=body, headers=keyed(auth("verwijzer")))

    assert response.status_code == 400
    assert codes(response) == [("kind.geboortedatum", "ongeldige-waarde")]


@pytest.mark.parametrize(
    ("overrides", "path"),
    [
        ({"moeder.roepnaam": BSN}, "moeder.roepnaam"),
        (
            {"aanmelding.redenen": ["taal", "overig"], "aanmelding.toelichting": f"zie {BSN}"},
            "aanmelding.toelichting",
        ),
        ({"moeder.adres.straat": "nr 123.456.782"}, "moeder.adres.straat"),
        ({"toestemming.vastgelegdDoor.rol": "123 456 782"}, "toestemming.vastgelegdDoor.rol"),
        ({"moeder.taalvoorkeur": ["nl", BSN]}, "moeder.taalvoorkeur[1]"),
    ],
    ids=["name", "toelichting", "dotted-nested", "spaced-deep", "array-item"],
)
async def test_r35_a_bsn_anywhere_in_the_body_is_refused_naming_the_path_never_the_value(
    backend: str, client: httpx.AsyncClient, auth: Auth, overrides: dict[str, Any], path: str
) -> None:
    body = referral_body(**overrides)
    response = await client.post(URL, json=body, headers=keyed(auth("verwijzer")))

    assert response.status_code == 400
    assert (path, "bsn-niet-toegestaan") in codes(response)
    assert response.json()["code"] == "bsn-niet-toegestaan"
    submitted = [
        v for value in overrides.values() for v in (value if isinstance(value, list) else [value])
    ]
    assert [v for v in submitted if "782" in v and v in response.text] == []  # never echoed


@pytest.mark.parametrize(
    "overrides",
    [{"moeder.telefoon": "+31 6 12345678"}, {"moeder.achternaam": "Naam 123456789"}],
    ids=["phone", "nine-digits-failing-the-eleven-test"],
)
async def test_r35_numbers_that_are_not_a_bsn_pass(
    backend: str, client: httpx.AsyncClient, auth: Auth, overrides: dict[str, Any]
) -> None:
    body = referral_body(**overrides)
    response = await client.post(URL, json=body, headers=keyed(auth("verwijzer")))

    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"bijlage": "x"}, ("bijlage", "onbekend-veld")),
        ({"moeder.geboortedatum": "1990-01-01"}, ("moeder.geboortedatum", "onbekend-veld")),
        ({"moeder.adres_geheim": True}, ("moeder.adres_geheim", "onbekend-veld")),
        ({"moeder.adres.huisnummer": "12"}, ("moeder.adres.huisnummer", "ongeldig-formaat")),
        ({"moeder.adres.huisnummer": True}, ("moeder.adres.huisnummer", "ongeldig-formaat")),
        ({"kind.eersteKind": "true"}, ("kind.eersteKind", "ongeldig-formaat")),
        ({"moeder.roepnaam": ...}, ("moeder.roepnaam", "verplicht")),
        ({"aanmelding.gemeente": "0363"}, ("aanmelding.gemeente", "ongeldig-formaat")),
    ],
)
async def test_a_shape_error_is_400_naming_its_json_path(
    backend: str,
    client: httpx.AsyncClient,
    auth: Auth,
    overrides: dict[str, Any],
    expected: tuple[str, str],
) -> None:
    body = referral_body(**overrides)
    response = await client.post(URL, json=body, headers=keyed(auth("verwijzer")))

    assert response.status_code == 400
    assert codes(response) == [expected]


async def test_several_shape_errors_are_listed_at_once_in_document_order(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    body = changed_body(
        {"aanmelding.gemeente": "X", "verwijzer.naam": ..., "kind.eersteKind": "ja"}
    )
    response = await client.post(URL, json=body, headers=keyed(auth("verwijzer")))

    assert [name for name, _ in codes(response)] == [
        "verwijzer.naam",
        "kind.eersteKind",
        "aanmelding.gemeente",
    ]
    assert response.json()["code"] == "verplicht"


@pytest.mark.parametrize(
    ("content", "headers", "status", "code"),
    [
        (b'{"verwijzer": ', {}, 400, "ongeldige-json"),
        (json.dumps({"x": "a" * 65_536}).encode(), {}, 413, "te-groot"),
        (b"{}", {"Content-Type": "text/plain"}, 415, "mediatype-niet-ondersteund"),
        (b"{}", {"Accept": "text/html"}, 406, "niet-acceptabel"),
    ],
    ids=["malformed", "too-large", "text-plain", "accept-html"],
)
async def test_an_unusable_request_body_or_media_type_is_refused(
    backend: str,
    client: httpx.AsyncClient,
    auth: Auth,
    content: bytes,
    headers: dict[str, str],
    status: int,
    code: str,
) -> None:
    sent = {"Content-Type": "application/json", **keyed(auth("verwijzer")), **headers}
    response = await client.post(URL, content=content, headers=sent)

    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == code


@pytest.mark.parametrize(
    ("role", "org", "overrides"),
    [
        ("verwijzer", None, {"verwijzer.organisatieId": {"schema": "oin", "waarde": OIN}}),
        ("verwijzer", f"oin:{OIN}", {}),
        (
            "verwijzer",
            None,
            {"aanmelding.uitvoerendeOrganisatie": "mim-andere", "aanmelding.gemeente": "GM0599"},
        ),
        ("coordinator", "mim-andere", {}),
    ],
    ids=["body-org-differs", "token-org-differs", "host-not-linked", "foreign-coordinator"],
)
async def test_an_intake_outside_the_callers_links_is_403_and_stores_nothing(
    backend: str,
    client: httpx.AsyncClient,
    auth: Auth,
    engine: AsyncEngine,
    role: str,
    org: str | None,
    overrides: dict[str, Any],
) -> None:
    body = referral_body(**overrides)
    response = await client.post(URL, json=body, headers=keyed(auth(role, org)))

    assert response.status_code == 403
    assert response.json()["code"] == "geen-bevoegdheid"
    assert await count(engine, "referral") == 0


async def test_a_gemeente_the_host_does_not_serve_is_400_ongeldige_waarde(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    body = changed_body({"aanmelding.gemeente": "GM0599"})
    response = await client.post(URL, json=body, headers=keyed(auth("verwijzer")))

    assert response.status_code == 400
    assert codes(response) == [("aanmelding.gemeente", "ongeldige-waarde")]


@pytest.mark.parametrize(
    ("role", "claims"),
    [
        ("vrijwilliger", {"vrijwilligerId": "0b7e1c7a-1234-4a5b-9c1d-123456789012"}),
        ("gemeente", {"gemeenten": ["GM0363"]}),
    ],
)
async def test_a_role_without_intake_rights_is_403(
    backend: str, client: httpx.AsyncClient, auth: Auth, role: str, claims: dict[str, Any]
) -> None:
    response = await client.post(URL, json=referral_body(), headers=keyed(auth(role, **claims)))

    assert response.status_code == 403
    assert response.json()["code"] == "geen-bevoegdheid"


async def test_an_intake_writes_one_thin_event_and_one_audit_line_for_the_trajectory(
    backend: str, client: httpx.AsyncClient, auth: Auth, engine: AsyncEngine
) -> None:
    body = changed_body({"kind.roepnaam": "Testkind"})
    response = await client.post(URL, json=body, headers=keyed(auth("coordinator")))
    events, lines = await rows(engine, "event"), await rows(engine, "audit_line")

    trajectory_id = response.json()["trajectId"]
    assert [e["type"] for e in events] == ["nl.mim.verwijzing.ontvangen"]
    assert [(line["actie"], str(line["betrokkene_id"])) for line in lines] == [
        ("aanmaken", trajectory_id)
    ]
    data = json.dumps(events[0]["data"])
    personal = [
        body["moeder"]["roepnaam"],
        body["moeder"]["achternaam"],
        body["moeder"]["adres"]["straat"],
        body["moeder"]["adres"]["postcode"],
        "12345678",
        body["kind"]["geboortedatum"],
        "Testkind",
    ]
    assert [value for value in personal if value in data] == []


async def test_intake_answers_carry_the_route_label_and_the_common_headers(
    client: httpx.AsyncClient, auth: Auth, app: FastAPI
) -> None:
    """The intake is served straight from the request gate (api.direct_route): its answers,
    refusals included, are labelled and headed as every routed answer is."""
    headers = {**auth("verwijzer"), "Idempotency-Key": an_idempotency_key()}
    created = await client.post(URL, json=referral_body(), headers=headers)
    refused = await client.post(
        URL, json={"verwijzer": {}}, headers={**headers, "Idempotency-Key": an_idempotency_key()}
    )

    assert (created.status_code, refused.status_code) == (201, 400)
    assert refused.headers["content-type"] == "application/problem+json"
    for response in (created, refused):
        assert response.headers["api-version"] == "1.0.0"
        assert response.headers["x-content-type-options"] == "nosniff"
    requests = app.state.metrics.http.requests
    assert requests.value(methode="POST", route=URL, status="201") == 1
    assert requests.value(methode="POST", route=URL, status="400") == 1
