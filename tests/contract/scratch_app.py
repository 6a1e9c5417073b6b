"""An app on a freshly migrated SQLite file with a coordinator's token, built at import time
(schemathesis collects its cases from the app's schema when the test module loads)."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from fastapi import FastAPI

from adapters.db.engine import make_engine
from adapters.db.migrate import upgrade_to_head
from api.app import create_app
from api.settings import Settings
from api.tokens import claims_for, mint
from domain.policy import Role


def scratch_app(prefix: str) -> tuple[FastAPI, str]:
    scratch = Path(tempfile.mkdtemp(prefix=prefix))
    url = f"sqlite+aiosqlite:///{scratch / 'mim.db'}"

    async def migrate() -> None:
        engine = make_engine(url)
        await upgrade_to_head(engine)
        await engine.dispose()

    asyncio.run(migrate())
    settings = Settings(env="test", database_url=url, data_dir=scratch / "data", scheduler=False)
    coordinator = claims_for(role=Role.COORDINATOR, organisation="mim-demo", settings=settings)
    return create_app(settings), mint(settings, coordinator)
