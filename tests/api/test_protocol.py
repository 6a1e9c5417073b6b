"""Protocol rules of every response: headers, request ids, problems, operations (CONTRACT §1,
§4, §18)."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from api.middleware import CSP_API
from tests.factories import an_idempotency_key, referral_body

Auth = Callable[..., dict[str, str]]
SECURITY_HEADERS = {
    "api-version": "1.0.0",
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "content-security-policy": CSP_API,
}
CANONICAL = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
UNKNOWN_PATH = "/v1/bestaat-niet"


async def register(client: httpx.AsyncClient, auth: Auth) -> httpx.Response:
    headers = {**auth("verwijzer"), "Idempotency-Key": an_idempotency_key()}
    return await client.post("/v1/verwijzingen", json=referral_body(), headers=headers)


REQUESTS: dict[str, Callable[[httpx.AsyncClient, Auth], Any]] = {
    "200": lambda c, _: c.get("/v1/health/live"),
    "201": register,
    "400": lambda c, a: c.post("/v1/verwijzingen", json=referral_body(), headers=a("verwijzer")),
    "401": lambda c, _: c.get("/v1/trajecten"),
    "404": lambda c, _: c.get(UNKNOWN_PATH),
    "405": lambda c, a: c.delete("/v1/verwijzingen", headers=a("verwijzer")),
    "413": lambda c, a: c.post(
        "/v1/verwijzingen",
        content=json.dumps({"x": "a" * 65_536}),
        headers={**a("verwijzer"), "Content-Type": "application/json"},
    ),
}


@pytest.mark.parametrize("status", list(REQUESTS))
async def test_every_response_carries_api_version_and_the_security_headers(
    backend: str, client: httpx.AsyncClient, auth: Auth, status: str
) -> None:
    response = await REQUESTS[status](client, auth)

    assert response.status_code == int(status)
    assert {name: response.headers.get(name) for name in SECURITY_HEADERS} == SECURITY_HEADERS
    assert "strict-transport-security" not in response.headers


@pytest.mark.parametrize("request_id", ["abc-123", "A.b_c-9", "x" * 64])
async def test_a_well_formed_request_id_is_echoed_and_the_instance_is_the_path(
    backend: str, client: httpx.AsyncClient, request_id: str
) -> None:
    response = await client.get(UNKNOWN_PATH, headers={"X-Request-Id": request_id})

    assert response.headers["x-request-id"] == request_id
    assert response.json()["instance"] == UNKNOWN_PATH


async def test_a_canonical_uuid_request_id_becomes_the_problem_instance(
    backend: str, client: httpx.AsyncClient
) -> None:
    request_id = str(uuid.uuid4())
    response = await client.get(UNKNOWN_PATH, headers={"X-Request-Id": request_id})

    assert response.headers["x-request-id"] == request_id
    assert response.json()["instance"] == f"urn:uuid:{request_id}"


async def test_an_uppercase_uuid_request_id_is_echoed_but_not_canonical(
    backend: str, client: httpx.AsyncClient
) -> None:
    request_id = str(uuid.uuid4()).upper()
    response = await client.get(UNKNOWN_PATH, headers={"X-Request-Id": request_id})

    assert response.headers["x-request-id"] == request_id
    assert response.json()["instance"] == UNKNOWN_PATH


@pytest.mark.parametrize("request_id", ["met spatie", "x" * 65, "a/b", "<script>"])
async def test_a_malformed_request_id_is_replaced_by_a_canonical_uuid(
    backend: str, client: httpx.AsyncClient, request_id: str
) -> None:
    response = await client.get(UNKNOWN_PATH, headers={"X-Request-Id": request_id})

    replaced = response.headers["x-request-id"]
    assert CANONICAL.match(replaced)
    assert response.json()["instance"] == f"urn:uuid:{replaced}"


@pytest.mark.parametrize("path", [UNKNOWN_PATH, "/", "/v1/", "/v1/trajecten/", "/v2/trajecten"])
async def test_an_unknown_path_is_a_404_problem(
    backend: str, client: httpx.AsyncClient, auth: Auth, path: str
) -> None:
    response = await client.get(path, headers=auth("coordinator"))

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "niet-gevonden"
    assert response.json()["type"] == "https://mim-koppelvlak.nl/problemen/niet-gevonden"


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", "/v1/verwijzingen", ["POST"]),
        ("PUT", "/v1/verwijzingen/_zoek", ["POST"]),
    ],
)
async def test_an_unserved_method_is_405_with_allow_listing_the_served_methods(
    backend: str,
    client: httpx.AsyncClient,
    auth: Auth,
    method: str,
    path: str,
    allowed: list[str],
) -> None:
    response = await client.request(method, path, headers=auth("coordinator"))

    assert response.status_code == 405
    assert response.json()["code"] == "methode-niet-toegestaan"
    assert response.headers["allow"].split(", ") == allowed


async def test_liveness_answers_ok(backend: str, client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/health/live")

    assert (response.status_code, response.json()) == (200, {"status": "ok"})


async def test_readiness_reports_database_migrations_and_a_switched_off_scheduler(
    backend: str, client: httpx.AsyncClient
) -> None:
    response = await client.get("/v1/health/ready")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "controles": {"database": "ok", "migraties": "ok", "scheduler": "uit"},
    }


async def test_metrics_count_requests_by_route_template_without_ids_or_organisations(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    created = (await register(client, auth)).json()
    await client.get(f"/v1/verwijzingen/{created['id']}", headers=auth("verwijzer"))
    response = await client.get("/v1/metrics")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    assert (
        'mim_http_requests_total{methode="GET",route="/v1/verwijzingen/{verwijzing_id}",'
        'status="200"} 1.0'
    ) in response.text
    assert 'route="/v1/verwijzingen",status="201"' in response.text
    leaked = [
        value for value in (created["id"], "mim-demo", "ura:01234567") if value in response.text
    ]
    assert leaked == []


async def test_the_openapi_document_is_served_without_a_token_to_any_origin(
    backend: str, client: httpx.AsyncClient
) -> None:
    response = await client.get("/v1/openapi.json")

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.json()["openapi"].startswith("3.1")
    assert response.json()["info"]["version"] == "1.0.0"


async def test_a_500_problem_hides_the_exception_and_keeps_the_headers(
    backend: str, client: httpx.AsyncClient, auth: Auth, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("geheime-fouttekst")

    monkeypatch.setattr("api.rest.trajectories.traject_wire", broken)
    await register(client, auth)
    response = await client.get("/v1/trajecten", headers=auth("coordinator"))

    assert response.status_code == 500
    assert response.json()["code"] == "interne-fout"
    assert "geheime-fouttekst" not in response.text
    assert response.headers["api-version"] == "1.0.0"
    assert response.headers["x-content-type-options"] == "nosniff"
