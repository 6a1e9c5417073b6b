"""Bearer token -> Actor, through the TokenVerifier port; claims checked as CONTRACT §3 says."""

from __future__ import annotations

import re
from collections import OrderedDict
from typing import Any, Final, Protocol
from uuid import UUID

from domain.errors import Unauthenticated
from domain.policy import TOKEN_ROLES, Actor, Role, effective_scopes

_GEMEENTE: Final = re.compile(r"^GM\d{4}$")


class TokenVerifier(Protocol):
    def verify(self, token: str) -> dict[str, Any]: ...


def _text(claims: dict[str, Any], name: str, *, limit: int = 255) -> str:
    value = claims.get(name)
    if not isinstance(value, str) or not 0 < len(value) <= limit:
        raise Unauthenticated(f"Claim {name} ontbreekt of is ongeldig.", token_sent=True)
    return value


def actor_from_claims(claims: dict[str, Any]) -> Actor:
    role_name = _text(claims, "rol", limit=32)
    if role_name not in {r.value for r in TOKEN_ROLES}:
        raise Unauthenticated("Onbekende rol.", token_sent=True)
    role = Role(role_name)
    scope = claims.get("scope")
    if not isinstance(scope, str):
        raise Unauthenticated("Claim scope ontbreekt.", token_sent=True)
    volunteer = claims.get("vrijwilligerId")
    volunteer_id = _uuid_claim(volunteer) if role is Role.VOLUNTEER else None
    return Actor(
        id=_text(claims, "sub"),
        role=role,
        organisation=_text(claims, "org", limit=64),
        scopes=effective_scopes(role, scope),
        volunteer_id=volunteer_id,
        municipalities=_municipalities(claims.get("gemeenten"), role),
        client_id=_client(claims),
        display_name=claims.get("naam") if isinstance(claims.get("naam"), str) else None,
    )


def _uuid_claim(value: object) -> str:
    try:
        return str(UUID(str(value)))
    except ValueError:
        raise Unauthenticated("Claim vrijwilligerId ontbreekt.", token_sent=True) from None


def _municipalities(value: object, role: Role) -> frozenset[str] | None:
    if value is None:
        if role is Role.MUNICIPALITY:
            raise Unauthenticated("Claim gemeenten ontbreekt.", token_sent=True)
        return None
    if isinstance(value, str):
        value = value.split(",") if value else []
    if not isinstance(value, list) or not all(
        isinstance(v, str) and _GEMEENTE.match(v) for v in value
    ):
        raise Unauthenticated("Claim gemeenten is ongeldig.", token_sent=True)
    return frozenset(value)


def _client(claims: dict[str, Any]) -> str | None:
    for name in ("client_id", "azp", "iss"):
        value = claims.get(name)
        if isinstance(value, str) and value:
            return value[:255]
    return None


_ACTORS: Final[OrderedDict[str, Actor]] = OrderedDict()
_ACTORS_KEPT: Final = 1024


def authenticate(authorization: str | None, verifier: TokenVerifier) -> Actor:
    """`Authorization: Bearer <JWT>` -> Actor, or `Unauthenticated` (401).

    The token is verified on every call (expiry included); the Actor built from its claims
    is kept per token, since building it costs more than the cached verification.
    """
    if not authorization:
        raise Unauthenticated("Bearer-token ontbreekt.")
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise Unauthenticated("Alleen Bearer-tokens.", token_sent=True)
    claims = verifier.verify(token)
    actor = _ACTORS.get(token)
    if actor is None:
        actor = _ACTORS[token] = actor_from_claims(claims)
        if len(_ACTORS) > _ACTORS_KEPT:
            _ACTORS.popitem(last=False)
    return actor
