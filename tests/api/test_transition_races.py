"""Two writers racing on one trajectory (CONTRACT §5.1): exactly one move wins, the other
answers 412 (with If-Match) or 409, and the history holds one entry. On PostgreSQL, where
writers really run concurrently; SQLite serialises them."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from tests.api.lifecycle_steps import Auth, today, trajectory_in

pytestmark = pytest.mark.backends("postgresql")


async def _race(
    client: httpx.AsyncClient,
    auth: Auth,
    trajectory_id: str,
    bodies: list[dict[str, Any]],
    headers: dict[str, str],
) -> list[httpx.Response]:
    async def post(body: dict[str, Any]) -> httpx.Response:
        return await client.post(
            f"/v1/trajecten/{trajectory_id}/overgangen",
            json=body,
            headers={**auth("coordinator"), **headers},
        )

    return list(await asyncio.gather(*(post(body) for body in bodies)))


@pytest.mark.parametrize(("headers", "losing"), [({"If-Match": '"1"'}, {412}), ({}, {409})])
async def test_two_concurrent_transitions_one_wins_and_history_has_one_entry(
    backend: str, client: httpx.AsyncClient, auth: Auth, headers: dict[str, str], losing: set[int]
) -> None:
    for _ in range(5):  # several rounds: the interleaving differs from round to round
        trajectory_id = await trajectory_in(client, auth, "aangemeld")
        # the same move twice: after a lost race the re-run guard refuses intake -> intake
        bodies = [{"naar": "intake", "intakeDatum": today().isoformat()}] * 2
        responses = await _race(client, auth, trajectory_id, bodies, headers)
        statuses = sorted(r.status_code for r in responses)
        assert statuses[0] == 201
        assert statuses[1] in losing
        loser = max(responses, key=lambda r: r.status_code).json()
        assert loser["code"] in {"versie-conflict", "ongeldige-overgang"}
        history = await client.get(
            f"/v1/trajecten/{trajectory_id}/overgangen", headers=auth("coordinator")
        )
        assert len(history.json()["resultaten"]) == 1
        detail = await client.get(f"/v1/trajecten/{trajectory_id}", headers=auth("coordinator"))
        assert detail.json()["versie"] == 2
