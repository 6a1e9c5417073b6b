"""Bearer JWT authentication and scopes (CONTRACT §3)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jose import jwt

from adapters.auth.dev_keys import ensure_development_key
from api.settings import Settings
from api.tokens import claims_for
from domain.policy import Role

Auth = Callable[..., dict[str, str]]
URL = "/v1/trajecten"
VOLUNTEER_ID = "0b7e1c7a-1234-4a5b-9c1d-123456789012"


def coordinator_claims(settings: Settings, **changes: Any) -> dict[str, Any]:
    """Valid coordinator claims; a change of `...` removes the claim."""
    claims = claims_for(role=Role.COORDINATOR, organisation="mim-demo", settings=settings)
    for name, value in changes.items():
        if value is ...:
            claims.pop(name)
        else:
            claims[name] = value
    return claims


def dev_signed(settings: Settings, claims: dict[str, Any]) -> str:
    private_key, _ = ensure_development_key(settings.data_dir)
    token: str = jwt.encode(claims, private_key.read_text(), algorithm="ES256")
    return token


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hand_made(
    header: dict[str, Any], claims: dict[str, Any], sign: Callable[[bytes], bytes]
) -> str:
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"
    return f"{signing_input}.{b64(sign(signing_input.encode()))}"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_request_without_authorization_is_401_with_a_bare_bearer_challenge(
    backend: str, client: httpx.AsyncClient
) -> None:
    response = await client.get(URL)

    assert response.status_code == 401
    assert response.json()["code"] == "niet-geauthenticeerd"
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "authorization", ["Bearer onzin", "Bearer a.b.c", "Basic dXNlcjpwdw==", "Bearer "]
)
async def test_a_malformed_credential_is_401_invalid_token(
    backend: str, client: httpx.AsyncClient, authorization: str
) -> None:
    response = await client.get(URL, headers={"Authorization": authorization})

    assert response.status_code == 401
    assert response.json()["code"] == "niet-geauthenticeerd"
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({}, 200),
        ({"exp": -60}, 401),
        ({"exp": -10}, 200),
        ({"nbf": 120}, 401),
        ({"nbf": 10}, 200),
    ],
    ids=["valid", "expired-past-leeway", "expired-within-leeway", "not-yet", "nbf-within-leeway"],
)
async def test_exp_and_nbf_are_honoured_with_30_seconds_leeway(
    backend: str,
    client: httpx.AsyncClient,
    settings: Settings,
    changes: dict[str, int],
    status: int,
) -> None:
    now = int(time.time())
    claims = coordinator_claims(settings, **{k: now + v for k, v in changes.items()})
    response = await client.get(URL, headers=bearer(dev_signed(settings, claims)))

    assert response.status_code == status


@pytest.mark.parametrize(
    "changes",
    [
        {"aud": "een-ander"},
        {"aud": ["een-ander", "nog-een"]},
        {"iss": "https://elders.example"},
        {"sub": ...},
        {"sub": ""},
        {"sub": "x" * 256},
        {"exp": ...},
        {"iat": ...},
        {"iss": ...},
        {"aud": ...},
        {"org": ...},
        {"rol": "admin"},
        {"rol": "systeem"},
        {"scope": ...},
        {"rol": "vrijwilliger"},
        {"rol": "vrijwilliger", "vrijwilligerId": "geen-uuid"},
        {"rol": "gemeente", "org": "GM0363"},
    ],
    ids=[
        "wrong-aud",
        "aud-list-without-ours",
        "wrong-iss",
        "no-sub",
        "empty-sub",
        "long-sub",
        "no-exp",
        "no-iat",
        "no-iss",
        "no-aud",
        "no-org",
        "unknown-rol",
        "system-rol",
        "no-scope",
        "volunteer-without-id",
        "volunteer-with-bad-id",
        "gemeente-without-gemeenten",
    ],
)
async def test_a_token_with_missing_or_wrong_claims_is_401(
    backend: str, client: httpx.AsyncClient, settings: Settings, changes: dict[str, Any]
) -> None:
    token = dev_signed(settings, coordinator_claims(settings, **changes))
    response = await client.get(URL, headers=bearer(token))

    assert response.status_code == 401
    assert response.json()["code"] == "niet-geauthenticeerd"
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'


async def test_an_audience_list_containing_ours_is_accepted(
    backend: str, client: httpx.AsyncClient, settings: Settings
) -> None:
    claims = coordinator_claims(settings, aud=["een-ander", settings.jwt_audience])
    response = await client.get(URL, headers=bearer(dev_signed(settings, claims)))

    assert response.status_code == 200


async def test_an_unsigned_alg_none_token_is_401(
    backend: str, client: httpx.AsyncClient, settings: Settings
) -> None:
    token = hand_made({"alg": "none", "typ": "JWT"}, coordinator_claims(settings), lambda _: b"")
    response = await client.get(URL, headers=bearer(token))

    assert response.status_code == 401


async def test_an_hs256_token_keyed_with_the_public_key_is_401(
    backend: str, client: httpx.AsyncClient, settings: Settings
) -> None:
    _, public_key = ensure_development_key(settings.data_dir)
    secret = public_key.read_bytes()
    token = hand_made(
        {"alg": "HS256", "typ": "JWT"},
        coordinator_claims(settings),
        lambda data: hmac.new(secret, data, hashlib.sha256).digest(),
    )
    response = await client.get(URL, headers=bearer(token))

    assert response.status_code == 401


async def test_a_token_signed_by_another_key_is_401(
    backend: str, client: httpx.AsyncClient, settings: Settings
) -> None:
    other = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    token = jwt.encode(coordinator_claims(settings), other.decode(), algorithm="ES256")
    response = await client.get(URL, headers=bearer(token))

    assert response.status_code == 401


async def test_a_token_over_8_kb_is_401_even_when_validly_signed(
    backend: str, client: httpx.AsyncClient, settings: Settings
) -> None:
    token = dev_signed(settings, coordinator_claims(settings, naam="x" * 8192))
    response = await client.get(URL, headers=bearer(token))

    assert len(token) > 8192
    assert response.status_code == 401


async def test_a_tampered_payload_is_401(
    backend: str, client: httpx.AsyncClient, settings: Settings
) -> None:
    header, _, signature = dev_signed(settings, coordinator_claims(settings)).split(".")
    payload = b64(json.dumps(coordinator_claims(settings, org="mim-andere")).encode())
    response = await client.get(URL, headers=bearer(f"{header}.{payload}.{signature}"))

    assert response.status_code == 401


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        ("verwijzer", "verwijzingen.lezen trajecten.lezen"),
        ("coordinator", "verwijzingen.lezen"),
        ("coordinator", ""),
    ],
    ids=["beyond-role-maximum", "missing", "empty"],
)
async def test_a_scope_missing_from_the_effective_scopes_is_403(
    backend: str, client: httpx.AsyncClient, auth: Auth, role: str, scope: str
) -> None:
    response = await client.get(URL, headers=auth(role, scope=scope))

    assert response.status_code == 403
    assert response.json()["code"] == "geen-bevoegdheid"


@pytest.mark.parametrize(
    "scope", ["trajecten.*", "trajecten.lezen onbekend.recht"], ids=["wildcard", "unknown-ignored"]
)
async def test_a_wildcard_scope_counts_and_an_unknown_scope_is_ignored(
    backend: str, client: httpx.AsyncClient, auth: Auth, scope: str
) -> None:
    response = await client.get(URL, headers=auth("coordinator", scope=scope))

    assert response.status_code == 200


async def test_a_volunteer_token_with_her_id_is_accepted(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    response = await client.get(URL, headers=auth("vrijwilliger", vrijwilligerId=VOLUNTEER_ID))

    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/v1/openapi.json", "/v1/health/live", "/v1/metrics"])
async def test_open_paths_need_no_token(backend: str, client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)

    assert response.status_code == 200
