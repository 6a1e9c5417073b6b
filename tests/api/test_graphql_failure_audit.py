"""A GraphQL operation that fails after authentication leaves an audit line (CONTRACT §15),
although GraphQL answers HTTP 200."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

from tests.api.test_graphql import AANMELDEN, TRAJECTEN, graphql
from tests.factories import an_idempotency_key, referral_body

Auth = Callable[..., dict[str, str]]


async def failure_lines(engine: AsyncEngine) -> list[tuple[int, int | None, str]]:
    lines = SQLModel.metadata.tables["audit_line"]
    async with engine.connect() as conn:
        rows = await conn.execute(
            sa.select(lines.c.uitkomst, lines.c.http_status, lines.c.rol).where(
                lines.c.uitkomst != 0
            )
        )
        return [(r.uitkomst, r.http_status, r.rol) for r in rows]


async def test_a_refused_aanmelden_writes_one_client_error_line(
    backend: str, client: httpx.AsyncClient, auth: Auth, engine: AsyncEngine
) -> None:
    first_child: dict[str, Any] = {"kind.eersteKind": False}
    invoer = referral_body(**first_child)
    body = await graphql(
        client, AANMELDEN, auth("verwijzer"), {"invoer": invoer, "key": an_idempotency_key()}
    )

    assert body["data"]["aanmelden"]["__typename"] == "ValidatieFout"
    assert await failure_lines(engine) == [(4, 400, "verwijzer")]


async def test_a_query_refused_for_its_input_writes_one_client_error_line(
    backend: str, client: httpx.AsyncClient, auth: Auth, engine: AsyncEngine
) -> None:
    body = await graphql(client, TRAJECTEN, auth("coordinator"), {"limit": 500})

    assert body["errors"][0]["extensions"]["code"] == "ongeldige-waarde"
    assert await failure_lines(engine) == [(4, 400, "coordinator")]


async def test_a_successful_query_writes_no_failure_line(
    backend: str, client: httpx.AsyncClient, auth: Auth, engine: AsyncEngine
) -> None:
    body = await graphql(client, TRAJECTEN, auth("coordinator"), {"limit": 5})

    assert "errors" not in body
    assert await failure_lines(engine) == []
