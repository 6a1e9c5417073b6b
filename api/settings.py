"""Settings, read once from the environment at start-up (CONTRACT §18.1)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from adapters.db.settings_url import database_url_from_env


class SettingsError(ValueError):
    """A setting that cannot be used; start-up stops with this message."""


def _switch(value: str | None, *, default: bool) -> bool:
    if value is None or value == "":
        return default
    if value.lower() in {"aan", "on", "true", "1", "ja"}:
        return True
    if value.lower() in {"uit", "off", "false", "0", "nee"}:
        return False
    raise SettingsError(f"expected aan or uit, got {value!r}")


@dataclass(frozen=True, slots=True)
class Settings:
    env: str = "development"
    database_url: str = "sqlite+aiosqlite:///./var/mim.db"
    data_dir: Path = Path("./var")
    host: str = "127.0.0.1"
    port: int = 8000
    jwt_algorithm: str = "ES256"
    jwt_public_key_file: Path | None = None
    jwt_jwks_file: Path | None = None
    jwt_secret: str | None = None
    jwt_issuer: str = "mim-koppelvlak-dev"
    jwt_audience: str = "mim-koppelvlak"
    organisations_file: Path | None = None
    scheduler: bool = True
    metrics_token: str | None = None
    cors_origins: tuple[str, ...] = ()
    rate_limit: int = 600
    demo_data: bool = False
    webhook_http_allowed: bool = False  # MIM_WEBHOOK_HTTP_TOEGESTAAN, never in production
    webhook_allowed_hosts: str = ""  # MIM_WEBHOOK_TOEGESTANE_HOSTS: hosts and CIDRs

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def uses_development_key(self) -> bool:
        return not (self.jwt_public_key_file or self.jwt_jwks_file or self.jwt_secret)

    def check(self) -> Settings:
        if self.jwt_algorithm not in {"RS256", "ES256", "HS256"}:
            raise SettingsError("MIM_JWT_ALGORITHM must be RS256, ES256 or HS256")
        given = [m for m in (self.jwt_public_key_file, self.jwt_jwks_file, self.jwt_secret) if m]
        if len(given) > 1:
            raise SettingsError("give exactly one of the MIM_JWT_* verification materials")
        if self.jwt_secret is not None and len(self.jwt_secret.encode()) < 32:
            raise SettingsError("MIM_JWT_SECRET must hold at least 32 bytes")
        if (self.jwt_secret is None) != (self.jwt_algorithm != "HS256") and given:
            raise SettingsError("HS256 goes with MIM_JWT_SECRET, RS256/ES256 with a public key")
        if self.production:
            if self.webhook_http_allowed:
                raise SettingsError("production refuses MIM_WEBHOOK_HTTP_TOEGESTAAN=aan")
            if self.uses_development_key:
                raise SettingsError("production refuses the development key: set MIM_JWT_*")
            if self.organisations_file is None:
                raise SettingsError("production needs MIM_ORGANISATIES_FILE")
        return self


def settings_from_env(environ: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ

    def path(name: str) -> Path | None:
        value = env.get(name)
        return Path(value) if value else None

    data_dir = Path(env.get("MIM_DATA_DIR") or "./var")
    mode = env.get("MIM_ENV", "development")
    if mode not in {"development", "production", "test"}:
        raise SettingsError("MIM_ENV must be development, production or test")
    try:
        port = int(env.get("MIM_PORT", "8000"))
        rate_limit = int(env.get("MIM_RATE_LIMIT", "600"))
    except ValueError as error:
        raise SettingsError("MIM_PORT and MIM_RATE_LIMIT are whole numbers") from error
    url = database_url_from_env(env)
    origins = tuple(o.strip() for o in env.get("MIM_CORS_ORIGINS", "").split(",") if o.strip())
    return Settings(
        env=mode,
        database_url=url,
        data_dir=data_dir,
        host=env.get("MIM_HOST", "127.0.0.1"),
        port=port,
        jwt_algorithm=env.get("MIM_JWT_ALGORITHM", "ES256"),
        jwt_public_key_file=path("MIM_JWT_PUBLIC_KEY_FILE"),
        jwt_jwks_file=path("MIM_JWT_JWKS_FILE"),
        jwt_secret=env.get("MIM_JWT_SECRET") or None,
        jwt_issuer=env.get("MIM_JWT_ISSUER", "mim-koppelvlak-dev"),
        jwt_audience=env.get("MIM_JWT_AUDIENCE", "mim-koppelvlak"),
        organisations_file=path("MIM_ORGANISATIES_FILE"),
        scheduler=_switch(env.get("MIM_SCHEDULER"), default=True),
        metrics_token=env.get("MIM_METRICS_TOKEN") or None,
        cors_origins=origins,
        rate_limit=rate_limit,
        demo_data=_switch(env.get("MIM_DEMO_DATA"), default=False),
        webhook_http_allowed=_switch(env.get("MIM_WEBHOOK_HTTP_TOEGESTAAN"), default=False),
        webhook_allowed_hosts=env.get("MIM_WEBHOOK_TOEGESTANE_HOSTS", ""),
    ).check()
