"""The periodic task `leeftijdsgrens` (CONTRACT §16, DOMAIN R15): at the child's 24-month
date a trajectory moves to afsluiting as `systeem`, once; a day earlier nothing moves."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from sqlmodel import SQLModel

from adapters.db.uow import SqlUnitOfWorkFactory
from api.app import create_app
from api.settings import Settings
from api.tasks import run_age_limit, seconds_until
from domain.model.calendar import AMSTERDAM, add_months
from tests.api.lifecycle_steps import Auth, active_volunteer, move, today, trajectory_in
from tests.fakes import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime.now(UTC))


@pytest.fixture
async def clocked_app(settings: Settings, clock: FakeClock) -> AsyncIterator[FastAPI]:
    application = create_app(settings, clock=clock)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def clocked_client(clocked_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=clocked_app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12, 0), tzinfo=AMSTERDAM)


async def _state(app: FastAPI, trajectory_id: str) -> tuple[str, int]:
    table = SQLModel.metadata.tables["trajectory"]
    async with app.state.engine.connect() as conn:
        row = (
            await conn.execute(
                sa.select(table.c.state, table.c.version).where(table.c.id == UUID(trajectory_id))
            )
        ).one()
    return str(row.state.value), int(row.version)


async def test_the_task_moves_at_24_months_once_and_not_a_day_earlier(
    backend: str,
    clocked_app: FastAPI,
    clocked_client: httpx.AsyncClient,
    auth: Auth,
    clock: FakeClock,
) -> None:
    client = clocked_client
    volunteer_id = await active_volunteer(client, auth)
    running = await trajectory_in(client, auth, "uitvoering", volunteer_id=volunteer_id)
    paused = await trajectory_in(client, auth, "kennismaking", volunteer_id=volunteer_id)
    await move(
        client,
        auth,
        paused,
        {"naar": "onderbroken", "reden": "ziekte", "heroverwegingOp": today().isoformat()},
    )
    waiting = await trajectory_in(client, auth, "wacht_op_match")
    detail = await client.get(f"/v1/trajecten/{running}", headers=auth("coordinator"))
    birth = date.fromisoformat(detail.json()["kind"]["geboortedatum"])
    limit = add_months(birth, 24)
    factory: SqlUnitOfWorkFactory = clocked_app.state.services.new_uow
    engine = clocked_app.state.engine

    clock.set(_noon(limit - timedelta(days=1)))
    early = await run_age_limit(engine, factory)
    assert early is not None
    assert early.moved == 0
    assert await _state(clocked_app, running) == ("uitvoering", 6)  # 4 moves, 1 visit

    clock.set(_noon(limit))
    first = await run_age_limit(engine, factory)
    second = await run_age_limit(engine, factory)
    assert first is not None
    assert second is not None
    assert (first.moved, second.moved) == (2, 0)
    assert (await _state(clocked_app, running))[0] == "afsluiting"
    assert (await _state(clocked_app, paused))[0] == "afsluiting"
    assert (await _state(clocked_app, waiting))[0] == "wacht_op_match"  # pre-match: skipped

    transitions = SQLModel.metadata.tables["trajectory_transition"]
    lines = SQLModel.metadata.tables["audit_line"]
    async with engine.connect() as conn:
        record = (
            await conn.execute(
                sa.select(transitions).where(
                    transitions.c.trajectory_id == UUID(running),
                    transitions.c.to_state == "afsluiting",
                )
            )
        ).one()
        audited = (
            await conn.execute(
                sa.select(sa.func.count())
                .select_from(lines)
                .where(lines.c.betrokkene_id == UUID(running), lines.c.actor_id == "systeem")
            )
        ).scalar_one()
    assert (record.kind, record.actor_id, record.actor_role) == ("systeem", "systeem", "systeem")
    assert audited == 1


def test_the_scheduler_waits_for_the_next_01_00_in_amsterdam() -> None:
    evening = datetime(2026, 11, 24, 23, 30, tzinfo=AMSTERDAM)
    assert seconds_until(time(1, 0), evening) == 90 * 60
    just_after = datetime(2026, 11, 25, 1, 0, 1, tzinfo=AMSTERDAM)
    assert seconds_until(time(1, 0), just_after) == 24 * 3600 - 1
