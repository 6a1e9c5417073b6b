"""A failed request leaves no half-done change: rows, outbox, audit and idempotency key go
together or not at all; failures after authentication are audited on their own (CONTRACT
§5.2, §8.2, §15)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

import adapters.db.tables  # noqa: F401 (registers the tables in the metadata)
from adapters.db import audit, uow
from tests.factories import an_idempotency_key, referral_body

Auth = Callable[..., dict[str, str]]
URL = "/v1/verwijzingen"
SECRET = "geheime-fouttekst"
DATA_TABLES = ("referral", "trajectory", "event", "idempotency_record")


async def count(engine: AsyncEngine, table: str) -> int:
    async with engine.connect() as conn:
        query = sa.select(sa.func.count()).select_from(SQLModel.metadata.tables[table])
        return int((await conn.execute(query)).scalar_one())


async def audit_outcomes(engine: AsyncEngine) -> list[tuple[str, int, int | None]]:
    table = SQLModel.metadata.tables["audit_line"]
    async with engine.connect() as conn:
        query = sa.select(table).order_by(table.c.tijdstip, table.c.id)
        return [(row.actie, row.uitkomst, row.http_status) for row in await conn.execute(query)]


def failing_after(real: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """Runs the real writer inside the transaction, then fails as a lost connection would."""

    async def write_then_fail(*args: Any, **kwargs: Any) -> Any:
        await real(*args, **kwargs)
        raise RuntimeError(SECRET)

    return write_then_fail


def refused_by_the_database(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every audit line goes out twice under one id: the database refuses the last insert of
    the change (the primary key), after the referral, trajectory and event went out with it,
    whether the change is one statement (PostgreSQL) or a transaction of several."""
    real = audit.line_rows

    def doubled(*args: Any, **kwargs: Any) -> list[dict[str, Any]]:
        rows = real(*args, **kwargs)
        # Only the change's own lines: the failure's audit line must still go through.
        return [*rows, dict(rows[0])] if rows and rows[0]["uitkomst"] == 0 else rows

    monkeypatch.setattr(audit, "line_rows", doubled)
    monkeypatch.setattr(uow, "line_rows", doubled)


async def test_a_change_the_database_refuses_at_its_last_insert_leaves_nothing(
    backend: str,
    client: httpx.AsyncClient,
    auth: Auth,
    engine: AsyncEngine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    refused_by_the_database(monkeypatch)
    headers = {**auth("verwijzer"), "Idempotency-Key": an_idempotency_key()}
    response = await client.post(URL, json=referral_body(), headers=headers)

    assert response.status_code == 500
    assert response.json()["code"] == "interne-fout"
    assert [await count(engine, table) for table in DATA_TABLES] == [0, 0, 0, 0]


@pytest.mark.backends("sqlite")
@pytest.mark.parametrize("writer", ["write_events", "write_lines"])
async def test_a_commit_failing_after_the_inserts_leaves_no_row_no_event_and_no_key(
    backend: str,
    client: httpx.AsyncClient,
    auth: Auth,
    engine: AsyncEngine,
    monkeypatch: pytest.MonkeyPatch,
    writer: str,
) -> None:
    """The transactional path (SQLite; on PostgreSQL a new referral is one statement)."""
    monkeypatch.setattr(uow, writer, failing_after(getattr(uow, writer)))
    headers = {**auth("verwijzer"), "Idempotency-Key": an_idempotency_key()}
    response = await client.post(URL, json=referral_body(), headers=headers)

    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "interne-fout"
    assert SECRET not in response.text
    assert [await count(engine, table) for table in DATA_TABLES] == [0, 0, 0, 0]


async def test_a_failed_commit_writes_no_success_audit_line(
    backend: str,
    client: httpx.AsyncClient,
    auth: Auth,
    engine: AsyncEngine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    refused_by_the_database(monkeypatch)
    headers = {**auth("verwijzer"), "Idempotency-Key": an_idempotency_key()}
    await client.post(URL, json=referral_body(), headers=headers)

    assert [line for line in await audit_outcomes(engine) if line[1] == 0] == []


async def test_the_500_is_audited_as_a_server_error_in_its_own_transaction(
    backend: str,
    client: httpx.AsyncClient,
    auth: Auth,
    engine: AsyncEngine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    refused_by_the_database(monkeypatch)
    headers = {**auth("verwijzer"), "Idempotency-Key": an_idempotency_key()}
    await client.post(URL, json=referral_body(), headers=headers)

    assert await audit_outcomes(engine) == [("aanmaken", 8, 500)]


async def test_a_retry_under_the_same_key_succeeds_once_the_fault_is_gone(
    backend: str,
    client: httpx.AsyncClient,
    auth: Auth,
    engine: AsyncEngine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    refused_by_the_database(monkeypatch)
    headers = {**auth("verwijzer"), "Idempotency-Key": an_idempotency_key()}
    body = referral_body()
    failed = await client.post(URL, json=body, headers=headers)
    monkeypatch.undo()
    retried = await client.post(URL, json=body, headers=headers)

    assert failed.status_code == 500
    assert retried.status_code == 201, retried.text
    assert "idempotency-replayed" not in retried.headers
    assert [await count(engine, table) for table in DATA_TABLES] == [1, 1, 1, 1]


@pytest.mark.parametrize(
    "overrides",
    [{"kind.eersteKind": False}, {"moeder.roepnaam": ...}, {"aanmelding.gemeente": "GM0599"}],
    ids=["business-rule", "shape", "directory"],
)
async def test_a_400_after_authentication_writes_one_client_error_audit_line_and_no_referral(
    backend: str,
    client: httpx.AsyncClient,
    auth: Auth,
    engine: AsyncEngine,
    overrides: dict[str, Any],
) -> None:
    headers = {**auth("verwijzer"), "Idempotency-Key": an_idempotency_key()}
    response = await client.post(URL, json=referral_body(**overrides), headers=headers)

    assert response.status_code == 400
    assert await audit_outcomes(engine) == [("aanmaken", 4, 400)]
    assert [await count(engine, table) for table in DATA_TABLES] == [0, 0, 0, 0]


async def test_a_403_is_audited_as_a_client_error_too(
    backend: str, client: httpx.AsyncClient, auth: Auth, engine: AsyncEngine
) -> None:
    headers = {**auth("coordinator", "mim-andere"), "Idempotency-Key": an_idempotency_key()}
    response = await client.post(URL, json=referral_body(), headers=headers)

    assert response.status_code == 403
    assert await audit_outcomes(engine) == [("aanmaken", 4, 403)]


async def test_a_401_writes_no_audit_line(
    backend: str, client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    response = await client.post(
        URL, json=referral_body(), headers={"Idempotency-Key": an_idempotency_key()}
    )

    assert response.status_code == 401
    assert await audit_outcomes(engine) == []
