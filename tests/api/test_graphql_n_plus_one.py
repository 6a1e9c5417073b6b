"""Related objects load in batches (CONTRACT §17 "no N+1"): one nested `trajecten` query costs
the same number of SQL statements for 10 trajectories as for 50, and each batch read still
writes one audit line per subject (NEN 7513)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

import adapters.db.tables  # noqa: F401 (registers the tables in the metadata)
from tests.api.lifecycle_steps import Auth, active_volunteer, today, trajectory_in, visit

NESTED = """{
  trajecten(limit: 50) {
    resultaten {
      id
      overgangen { naar }
      huisbezoeken { datum }
      vrijwilliger { roepnaam }
      moeder { telefoon }
    }
  }
}"""
PER_VOLUNTEER = 5  # the largest `capaciteit` (CONTRACT §11)
# Generous, but far below one statement per trajectory: the page read, one read per related
# kind, a trajectory read per batch, and the audit insert of each unit of work (on PostgreSQL
# a multi-row insert goes to the driver directly, adapters/db/json_rows.py, unseen here).
MOST_STATEMENTS = 20


async def seed(client: httpx.AsyncClient, auth: Auth, count: int) -> None:
    """`count` trajectories in kennismaking, each matched and with two visits."""
    volunteer = ""
    for index in range(count):
        if index % PER_VOLUNTEER == 0:
            volunteer = await active_volunteer(client, auth, capaciteit=PER_VOLUNTEER)
        trajectory_id = await trajectory_in(client, auth, "kennismaking", volunteer_id=volunteer)
        for _ in range(2):
            await visit(client, auth, trajectory_id, on=today())


@contextmanager
def statements_on(engine: AsyncEngine) -> Iterator[list[str]]:
    executed: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        executed.append(statement)

    sa.event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield executed
    finally:
        sa.event.remove(engine.sync_engine, "before_cursor_execute", record)


async def nested_query(
    client: httpx.AsyncClient, auth: Auth, engine: AsyncEngine
) -> tuple[list[dict[str, Any]], int]:
    with statements_on(engine) as executed:
        response = await client.post(
            "/v1/graphql", json={"query": NESTED}, headers=auth("coordinator")
        )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    found: list[dict[str, Any]] = body["data"]["trajecten"]["resultaten"]
    return found, len(executed)


def complete(traject: dict[str, Any]) -> bool:
    return (
        [o["naar"] for o in traject["overgangen"]] == ["kennismaking", "wacht_op_match", "intake"]
        and [v["datum"] for v in traject["huisbezoeken"]] == [today().isoformat()] * 2
        and traject["vrijwilliger"] == {"roepnaam": "Testvrijwilliger"}
        and traject["moeder"] == {"telefoon": "+31612345678"}
    )


async def test_a_nested_trajecten_query_costs_as_many_statements_for_50_as_for_10(
    backend: str, client: httpx.AsyncClient, auth: Auth, engine: AsyncEngine
) -> None:
    await seed(client, auth, 10)
    few, statements_for_10 = await nested_query(client, auth, engine)
    await seed(client, auth, 40)
    many, statements_for_50 = await nested_query(client, auth, engine)

    assert (len(few), len(many)) == (10, 50)
    assert all(complete(traject) for traject in many)
    assert statements_for_50 == statements_for_10
    assert statements_for_50 <= MOST_STATEMENTS


async def read_lines(engine: AsyncEngine) -> Counter[tuple[str, str]]:
    table = SQLModel.metadata.tables["audit_line"]
    query = sa.select(table.c.resource, table.c.betrokkene_id).where(table.c.actie == "lezen")
    async with engine.connect() as conn:
        rows = (await conn.execute(query)).all()
    return Counter((resource, str(subject)) for resource, subject in rows)


async def test_the_batch_reads_write_one_audit_line_per_subject(
    backend: str, client: httpx.AsyncClient, auth: Auth, engine: AsyncEngine
) -> None:
    await seed(client, auth, 3)
    before = await read_lines(engine)

    found, _ = await nested_query(client, auth, engine)

    written = await read_lines(engine) - before
    trajectories = {t["id"] for t in found}
    per_resource = Counter(resource for resource, _ in written.elements())
    assert len(trajectories) == 3
    assert {
        subject for (resource, subject) in written if resource != "vrijwilliger"
    } == trajectories
    # the page, the Overgangen, the visits and the mother: one line per trajectory each; the
    # volunteer matched to all three: one line.
    assert per_resource == {
        "traject": 3,
        "overgang": 3,
        "huisbezoek": 3,
        "moeder": 3,
        "vrijwilliger": 1,
    }
