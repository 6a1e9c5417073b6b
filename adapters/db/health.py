"""Readiness: can we reach the database, and is its schema at the head revision?"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

ROOT = Path(__file__).resolve().parents[2]


def head_revision() -> str | None:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return ScriptDirectory.from_config(config).get_current_head()


async def check_database(engine: AsyncEngine, *, head: str | None) -> dict[str, str]:
    """{"database": ok|fout, "migraties": ok|fout}; never raises."""
    try:
        async with engine.connect() as conn:
            current = (
                await conn.execute(sa.text("SELECT version_num FROM alembic_version"))
            ).scalar()
    except SQLAlchemyError:
        return {"database": "fout", "migraties": "fout"}
    return {"database": "ok", "migraties": "ok" if current == head else "fout"}
