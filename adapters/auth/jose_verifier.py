"""Bearer JWT verification with python-jose: algorithms fixed by configuration, every claim
the contract requires checked, every JOSE failure an `Unauthenticated`.

Verified tokens are cached briefly by their exact bytes (signature checks dominate the cost of
a request); `exp` and `nbf` are re-checked against the clock on every hit.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from pathlib import Path
from typing import Any, Final

from jose import jwt
from jose.exceptions import JOSEError

from domain.errors import Unauthenticated
from domain.ports import Clock

MAX_TOKEN_BYTES: Final = 8 * 1024
LEEWAY_SECONDS: Final = 30
_CACHE_SIZE: Final = 1024


class JoseTokenVerifier:
    def __init__(
        self,
        *,
        algorithm: str,
        key: str | dict[str, Any],
        issuer: str,
        audience: str,
        clock: Clock,
    ) -> None:
        if algorithm not in {"RS256", "ES256", "HS256"}:
            raise ValueError("unsupported algorithm")
        self._algorithm, self._key = algorithm, key
        self._issuer, self._audience, self._clock = issuer, audience, clock
        self._cache: OrderedDict[str, dict[str, Any]] = OrderedDict()

    @classmethod
    def from_files(
        cls,
        *,
        algorithm: str,
        public_key_file: Path | None,
        jwks_file: Path | None,
        secret: str | None,
        issuer: str,
        audience: str,
        clock: Clock,
    ) -> JoseTokenVerifier:
        key: str | dict[str, Any]
        if secret is not None:
            key = secret
        elif jwks_file is not None:
            key = json.loads(jwks_file.read_text(encoding="utf-8"))
        elif public_key_file is not None:
            key = public_key_file.read_text(encoding="utf-8")
        else:
            raise ValueError("no verification material")
        return cls(algorithm=algorithm, key=key, issuer=issuer, audience=audience, clock=clock)

    def verify(self, token: str) -> dict[str, Any]:
        if len(token.encode()) > MAX_TOKEN_BYTES:
            raise Unauthenticated("Token te groot.", token_sent=True)
        claims = self._cache.get(token)
        if claims is None:
            claims = self._decode(token)
            self._cache[token] = claims
            if len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)
        self._check_times(claims)
        return claims

    def _decode(self, token: str) -> dict[str, Any]:
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                self._key,
                algorithms=[self._algorithm],  # from settings, never from the token
                audience=self._audience,
                issuer=self._issuer,
                options={
                    "require_exp": True,
                    "require_iat": True,
                    "require_sub": True,
                    "require_iss": True,
                    "require_aud": True,
                    "leeway": LEEWAY_SECONDS,
                },
            )
        except (JOSEError, ValueError, TypeError) as error:
            raise Unauthenticated("Token ongeldig.", token_sent=True) from error
        return claims

    def _check_times(self, claims: dict[str, Any]) -> None:
        now = self._clock.now().timestamp()
        expires, not_before = claims.get("exp"), claims.get("nbf")
        if not isinstance(expires, int | float) or now > expires + LEEWAY_SECONDS:
            raise Unauthenticated("Token verlopen.", token_sent=True)
        if isinstance(not_before, int | float) and now < not_before - LEEWAY_SECONDS:
            raise Unauthenticated("Token nog niet geldig.", token_sent=True)
