"""`expand` on GET /v1/trajecten[/{id}] (CONTRACT §5.5, §9.2, R36): authorised and audited
like a direct read, hidden members absent, a block the reader may not see omitted."""

from __future__ import annotations

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

from tests.api.lifecycle_steps import Auth, active_volunteer, trajectory_in, visit


async def _matched(client: httpx.AsyncClient, auth: Auth) -> tuple[str, str]:
    volunteer_id = await active_volunteer(client, auth)
    trajectory_id = await trajectory_in(client, auth, "kennismaking", volunteer_id=volunteer_id)
    await visit(client, auth, trajectory_id)
    return trajectory_id, volunteer_id


async def test_a_coordinator_expands_mother_volunteer_and_visits(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    trajectory_id, volunteer_id = await _matched(client, auth)
    response = await client.get(
        f"/v1/trajecten/{trajectory_id}",
        params={"expand": "moeder,vrijwilliger,huisbezoeken"},
        headers=auth("coordinator"),
    )
    assert response.status_code == 200, response.text
    expanded = response.json()["_expand"]
    assert expanded["moeder"]["telefoon"] == "+31612345678"
    assert expanded["moeder"]["adres"]["postcode"] == "1094 AB"
    assert expanded["vrijwilliger"]["id"] == volunteer_id
    assert [v["trajectId"] for v in expanded["huisbezoeken"]] == [trajectory_id]


async def test_a_volunteer_gets_her_reduced_view_of_the_mother(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    trajectory_id, volunteer_id = await _matched(client, auth)
    response = await client.get(
        f"/v1/trajecten/{trajectory_id}",
        params={"expand": ["moeder", "vrijwilliger"]},
        headers=auth("vrijwilliger", vrijwilligerId=volunteer_id),
    )
    assert response.status_code == 200, response.text
    mother = response.json()["_expand"]["moeder"]
    assert set(mother) == {"roepnaam", "telefoon", "adres"}
    assert response.json()["_expand"]["vrijwilliger"]["id"] == volunteer_id


async def test_an_aandachtsfunctionaris_gets_no_volunteer_block(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    trajectory_id, _ = await _matched(client, auth)
    response = await client.get(
        f"/v1/trajecten/{trajectory_id}",
        params={"expand": "vrijwilliger"},
        headers=auth("aandachtsfunctionaris"),
    )
    assert response.status_code == 200
    assert "vrijwilliger" not in response.json()["_expand"]


async def test_an_unknown_expand_or_visits_on_a_list_is_400(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    trajectory_id, _ = await _matched(client, auth)
    unknown = await client.get(
        f"/v1/trajecten/{trajectory_id}",
        params={"expand": "verwijzer"},
        headers=auth("coordinator"),
    )
    on_list = await client.get(
        "/v1/trajecten", params={"expand": "huisbezoeken"}, headers=auth("coordinator")
    )
    for response in (unknown, on_list):
        assert response.status_code == 400
        assert response.json()["invalidParams"][0]["name"] == "expand"


async def test_each_expanded_block_writes_its_own_audit_line(
    backend: str, client: httpx.AsyncClient, auth: Auth, engine: AsyncEngine
) -> None:
    trajectory_id, _ = await _matched(client, auth)
    lines = SQLModel.metadata.tables["audit_line"]

    async def reads() -> list[str]:
        async with engine.connect() as conn:
            query = sa.select(lines.c.resource).where(lines.c.actie == "lezen")
            return sorted(r for (r,) in await conn.execute(query))

    before = await reads()
    await client.get(
        f"/v1/trajecten/{trajectory_id}",
        params={"expand": "moeder,vrijwilliger,huisbezoeken"},
        headers=auth("coordinator"),
    )
    after = await reads()
    added = list(after)
    for resource in before:
        added.remove(resource)
    assert sorted(added) == ["huisbezoek", "moeder", "traject", "vrijwilliger"]
