"""Shared fixtures: every `backend` test runs on SQLite and, when MIM_TEST_POSTGRES_URL is
set (make test), on PostgreSQL too. Schemas come from `alembic upgrade head`."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.db.engine import make_engine
from adapters.db.migrate import upgrade_to_head
from api.app import create_app
from api.settings import Settings
from api.tokens import claims_for, mint
from domain.policy import Role

POSTGRES_URL = os.environ.get("MIM_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", *(["postgresql"] if POSTGRES_URL else [])]
TABLES = (
    "delivery",
    "subscription",
    "meldcode_step",
    "meldcode_signal",
    "meldcode_case",
    "audit_line",
    "audit_chain",
    "event",
    "feed_state",
    "idempotency_record",
    "visit",
    "trajectory_transition",
    "supervision",
    "volunteer",
    "trajectory",
    "referral",
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "backends(*names): run only on these backends (a path only one of them takes)"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # PostgreSQL runs are added only when a server is there: nothing is skipped.
    wanted = BACKENDS
    marker = metafunc.definition.get_closest_marker("backends")
    if marker is not None:
        wanted = [b for b in BACKENDS if b in marker.args]
    if "pg_only" in metafunc.fixturenames:
        wanted = [b for b in BACKENDS if b == "postgresql"]
        metafunc.parametrize("pg_only", wanted, indirect=True)
    if "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", wanted, indirect=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test for a backend that is not there (PostgreSQL in `make test-fast`) is left out,
    not reported as skipped: `make test` runs it."""
    kept: list[pytest.Item] = []
    absent: list[pytest.Item] = []
    for item in items:
        empty = any(
            str(mark.kwargs.get("reason", "")).startswith("got empty parameter set")
            for mark in item.iter_markers("skip")
        )
        (absent if empty else kept).append(item)
    if absent:
        config.hook.pytest_deselected(items=absent)
        items[:] = kept


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture
def pg_only(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture(scope="session")
async def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file; each test gets a copy (migrating per test is slow)."""
    path = tmp_path_factory.mktemp("template") / "mim.db"
    engine = make_engine(f"sqlite+aiosqlite:///{path}")
    await upgrade_to_head(engine)
    await engine.dispose()
    return path


@pytest.fixture(scope="session")
async def postgres_ready() -> AsyncIterator[AsyncEngine | None]:
    if POSTGRES_URL is None:
        yield None
        return
    engine = make_engine(POSTGRES_URL, pool_size=2)
    await upgrade_to_head(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
async def database_url(
    backend: str,
    tmp_path: Path,
    sqlite_template: Path,
    postgres_ready: AsyncEngine | None,
) -> str:
    if backend == "sqlite":
        path = tmp_path / "mim.db"
        shutil.copyfile(sqlite_template, path)
        return f"sqlite+aiosqlite:///{path}"
    assert postgres_ready is not None
    assert POSTGRES_URL is not None
    async with postgres_ready.begin() as conn:
        await conn.execute(sa.text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
    return POSTGRES_URL


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        env="test",
        database_url=database_url,
        data_dir=tmp_path / "data",
        scheduler=False,
    )


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


@pytest.fixture
def engine(app: FastAPI) -> AsyncEngine:
    found: AsyncEngine = app.state.engine
    return found


TokenMaker = Callable[..., str]


@pytest.fixture
def token(settings: Settings) -> TokenMaker:
    """`token("coordinator", org="mim-demo", scope=None, **claims)` -> a signed dev JWT."""

    def make(role: str, org: str | None = None, **extra: Any) -> str:
        kind = Role(role)
        default_org = {"verwijzer": "ura:01234567", "gemeente": "GM0363"}.get(role, "mim-demo")
        claims = claims_for(
            role=kind,
            organisation=org or default_org,
            settings=settings,
            scope=extra.pop("scope", None),
            subject=extra.pop("sub", None),
            volunteer_id=extra.pop("vrijwilligerId", None),
            municipalities=extra.pop("gemeenten", None),
        )
        claims.update(extra)
        return mint(settings, claims)

    return make


@pytest.fixture
def auth(token: TokenMaker) -> Callable[..., dict[str, str]]:
    """`auth("verwijzer")` -> {"Authorization": "Bearer ..."}."""

    def headers(role: str, org: str | None = None, **extra: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {token(role, org, **extra)}"}

    return headers


@pytest.fixture(autouse=True)
def _no_leaked_env() -> Iterator[None]:
    """Tests build settings explicitly; the process environment must not leak in."""
    saved = {
        k: os.environ.pop(k)
        for k in list(os.environ)
        if k.startswith("MIM_") and k != "MIM_TEST_POSTGRES_URL"
    }
    yield
    os.environ.update(saved)
