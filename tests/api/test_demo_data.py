"""The `make run` demo data (CONTRACT §18.1 `MIM_DEMO_DATA`): every screen filled, through
the real use cases, and a second start adds nothing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx
from fastapi import FastAPI

from api.demo import DEMO_VOLUNTEER_ID, DemoSummary, seed
from domain.model.trajectory import TrajectoryState

Auth = Callable[..., dict[str, str]]


async def _all(client: httpx.AsyncClient, url: str, headers: dict[str, str]) -> list[Any]:
    found: list[Any] = []
    next_url: str | None = url
    while next_url is not None:
        response = await client.get(next_url, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        found += body["resultaten"]
        next_url = body["volgende"]
    return found


async def _snapshot(client: httpx.AsyncClient, auth: Auth) -> dict[str, Any]:
    coordinator = auth("coordinator")
    trajectories = await _all(client, "/v1/trajecten?limit=200", coordinator)
    volunteers = await _all(client, "/v1/vrijwilligers?limit=200", coordinator)
    return {
        "states": Counter(t["status"] for t in trajectories),
        "volunteers": Counter(v["status"] for v in volunteers),
        "visits": sum(t["aantalHuisbezoeken"]["totaal"] for t in trajectories),
    }


async def _seed(app: FastAPI) -> DemoSummary:
    services = app.state.services
    return await seed(services.new_uow, services.directory)


async def test_the_demo_data_fills_every_screen_and_seeds_once(
    backend: str, app: FastAPI, client: httpx.AsyncClient, auth: Auth
) -> None:
    added = await _seed(app)

    coordinator = auth("coordinator")
    for state in TrajectoryState:
        listed = await client.get(f"/v1/trajecten?status={state.value}", headers=coordinator)
        assert listed.status_code == 200, listed.text
        assert listed.json()["resultaten"], f"no demo trajectory in {state.value}"
    snapshot = await _snapshot(client, auth)
    assert sum(snapshot["states"].values()) == added.referrals >= 50
    assert sum(snapshot["volunteers"].values()) == added.volunteers >= 15
    assert len(snapshot["volunteers"]) >= 4
    assert snapshot["visits"] > 0
    assert added.visits >= snapshot["visits"]

    overdue = await client.get(
        "/v1/vrijwilligers?begeleidingAchterstallig=true", headers=coordinator
    )
    assert overdue.json()["resultaten"]

    waiting = [
        t
        for t in await _all(client, "/v1/trajecten?status=onderbroken&limit=200", coordinator)
        if t.get("vrijwilligerId") is None
    ]
    assert waiting, "a pause `vrijwilliger_wisselt` waiting for a new volunteer"
    proposals = await client.get(
        f"/v1/trajecten/{waiting[0]['id']}/matchvoorstellen", headers=coordinator
    )
    assert proposals.status_code == 200, proposals.text
    assert proposals.json()["resultaten"]

    own = await client.get(
        "/v1/trajecten", headers=auth("vrijwilliger", vrijwilligerId=DEMO_VOLUNTEER_ID)
    )
    assert own.status_code == 200, own.text
    assert own.json()["resultaten"]
    assert {t["vrijwilligerId"] for t in own.json()["resultaten"]} == {DEMO_VOLUNTEER_ID}

    again = await _seed(app)

    assert again == DemoSummary(referrals=0, volunteers=0, visits=0)
    assert await _snapshot(client, auth) == snapshot
