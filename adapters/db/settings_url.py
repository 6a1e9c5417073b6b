"""The database URL rule shared by the app and Alembic (CONTRACT §18.1)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path


def database_url_from_env(environ: Mapping[str, str] | None = None) -> str:
    """`DATABASE_URL`, else the SQLite file `<MIM_DATA_DIR>/mim.db` (directory created)."""
    env = os.environ if environ is None else environ
    url = env.get("DATABASE_URL")
    if url:
        return url
    data_dir = Path(env.get("MIM_DATA_DIR") or "./var")
    data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite+aiosqlite:///{data_dir.resolve() / 'mim.db'}"
