"""Settings for tests with webhook receivers on loopback (never so in production)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from api.settings import Settings

LOOPBACK = "127.0.0.1/32"


def loopback_settings(database_url: str, data_dir: Path) -> Settings:
    """http allowed and 127.0.0.1 let through the URL guard, as the receivers run here."""
    base = Settings(env="test", database_url=database_url, data_dir=data_dir, scheduler=False)
    return dataclasses.replace(base, webhook_http_allowed=True, webhook_allowed_hosts=LOOPBACK)
