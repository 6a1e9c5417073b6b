"""python -m api.tokens: mints a development JWT for the given claims (CONTRACT §18.1)."""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from collections.abc import Sequence
from typing import Any

from adapters.auth.dev_keys import ensure_development_key
from adapters.auth.jose_signer import sign_token
from api.settings import Settings, SettingsError, settings_from_env
from domain.policy import ROLE_MAXIMUM_SCOPES, TOKEN_ROLES, Role


def claims_for(
    *,
    role: Role,
    organisation: str,
    settings: Settings,
    scope: str | None = None,
    subject: str | None = None,
    volunteer_id: str | None = None,
    municipalities: Sequence[str] | None = None,
    valid_seconds: int = 3600,
    now: int | None = None,
) -> dict[str, Any]:
    issued = int(time.time()) if now is None else now
    claims: dict[str, Any] = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": subject or f"dev-{uuid.uuid4().hex[:12]}",
        "iat": issued,
        "exp": issued + valid_seconds,
        "org": organisation,
        "rol": role.value,
        "scope": scope if scope is not None else " ".join(sorted(ROLE_MAXIMUM_SCOPES[role])),
        "client_id": "mim-dev-tokens",
    }
    if volunteer_id:
        claims["vrijwilligerId"] = volunteer_id
    if municipalities:
        claims["gemeenten"] = list(municipalities)
    return claims


def mint(settings: Settings, claims: dict[str, Any]) -> str:
    private_key, _ = ensure_development_key(settings.data_dir)
    return sign_token(claims, private_key_file=private_key, algorithm="ES256")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m api.tokens", description=__doc__)
    parser.add_argument("--rol", required=True, choices=sorted(r.value for r in TOKEN_ROLES))
    parser.add_argument("--org", required=True)
    parser.add_argument("--scope")
    parser.add_argument("--sub")
    parser.add_argument("--vrijwilliger-id")
    parser.add_argument("--gemeenten")
    parser.add_argument("--geldig", type=int, default=3600)
    args = parser.parse_args(argv)
    try:
        settings = settings_from_env()
    except SettingsError as error:
        print(f"api.tokens: {error}", file=sys.stderr)
        return 2
    if settings.production or not settings.uses_development_key:
        print(
            "api.tokens: development tokens are refused here (MIM_ENV=production "
            "or other verification material configured)",
            file=sys.stderr,
        )
        return 2
    claims = claims_for(
        role=Role(args.rol),
        organisation=args.org,
        settings=settings,
        scope=args.scope,
        subject=args.sub,
        volunteer_id=args.vrijwilliger_id,
        municipalities=args.gemeenten.split(",") if args.gemeenten else None,
        valid_seconds=args.geldig,
    )
    print(mint(settings, claims))
    return 0


if __name__ == "__main__":
    sys.exit(main())
