"""Every (from, to) pair over HTTP on both databases (CONTRACT §9.4, DOMAIN R4, R11, R14):
a legal move answers 201 with one Overgang and one event; any other answers 409
`ongeldige-overgang` naming from and to, and changes nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Final

import httpx
import pytest

from domain.model.trajectory import TRANSITIONS, TrajectoryState
from tests.api.lifecycle_steps import Auth, active_volunteer, move, today, trajectory_in, visit

S = TrajectoryState
SOURCES: Final = [s.value for s in S]


def _legal_body(source: str, target: str, volunteer_id: str) -> dict[str, Any] | None:
    """The smallest body a user's legal move takes; None when users cannot make it."""
    day = today().isoformat()
    if target == "gestopt":
        return {"naar": target, "reden": "geen_behoefte_meer"}
    if target == "onderbroken":
        if source == "onderbroken":
            return {"naar": target, "reden": "vrijwilliger_wisselt", "heroverwegingOp": day}
        return {"naar": target, "reden": "ziekte", "heroverwegingOp": day}
    bodies: dict[tuple[str, str], dict[str, Any]] = {
        ("aangemeld", "intake"): {"intakeDatum": day},
        ("aangemeld", "afgewezen"): {"reden": "geen_behoefte"},
        ("intake", "afgewezen"): {"reden": "geen_behoefte"},
        ("intake", "wacht_op_match"): {"contraIndicatiesGecontroleerd": True},
        ("wacht_op_match", "kennismaking"): {"vrijwilligerId": volunteer_id},
        ("kennismaking", "uitvoering"): {},
        ("uitvoering", "uitvoering"): {
            "geplandeEinddatum": (today() + timedelta(days=560)).isoformat(),
            "reden": "later_gestart",
        },
        ("uitvoering", "afsluiting"): {},
        ("afsluiting", "afgesloten"): {"uitkomst": "volledig_doorlopen"},
        ("onderbroken", "kennismaking"): {},  # the phase it left (see _in_state)
    }
    body = bodies.get((source, target))
    return None if body is None else {"naar": target, **body}


async def _in_state(client: httpx.AsyncClient, auth: Auth, source: str, volunteer_id: str) -> str:
    if source in ("afgewezen", "gestopt", "onderbroken"):
        base = {"afgewezen": "intake", "gestopt": "kennismaking", "onderbroken": "kennismaking"}
        trajectory_id = await trajectory_in(client, auth, base[source], volunteer_id=volunteer_id)
        await move(
            client, auth, trajectory_id, _legal_body(base[source], source, volunteer_id) or {}
        )
        return trajectory_id
    trajectory_id = await trajectory_in(client, auth, source, volunteer_id=volunteer_id)
    if source == "kennismaking":
        await visit(client, auth, trajectory_id)
    return trajectory_id


async def _observed(client: httpx.AsyncClient, auth: Auth, trajectory_id: str) -> tuple[Any, ...]:
    detail = (
        await client.get(f"/v1/trajecten/{trajectory_id}", headers=auth("coordinator"))
    ).json()
    history = await client.get(
        f"/v1/trajecten/{trajectory_id}/overgangen", headers=auth("coordinator")
    )
    events = await client.get(
        "/v1/gebeurtenissen",
        params={"type": "nl.mim.traject.status-gewijzigd", "limit": 200},
        headers=auth("coordinator"),
    )
    mine = [e for e in events.json()["resultaten"] if e["subject"] == trajectory_id]
    return detail["status"], detail["versie"], len(history.json()["resultaten"]), len(mine)


@pytest.mark.parametrize("source", SOURCES)
async def test_every_pair_from_a_state_is_allowed_or_refused_as_the_table_says(
    backend: str, client: httpx.AsyncClient, auth: Auth, source: str
) -> None:
    volunteer_id, matched = "", 5
    for target in SOURCES:
        if matched == 5:  # each iteration may leave her one running trajectory; capacity is 5
            volunteer_id, matched = await active_volunteer(client, auth, capaciteit=5), 0
        matched += 1
        trajectory_id = await _in_state(client, auth, source, volunteer_id)
        status, version, moves, events = await _observed(client, auth, trajectory_id)
        body = _legal_body(source, target, volunteer_id)
        legal = S(target) in TRANSITIONS[S(source)] and body is not None
        response = await client.post(
            f"/v1/trajecten/{trajectory_id}/overgangen",
            json=body or {"naar": target},
            headers=auth("coordinator"),
        )
        after = await _observed(client, auth, trajectory_id)
        if legal:
            assert response.status_code == 201, (source, target, response.text)
            assert after == (target, version + 1, moves + 1, events + 1)
        else:
            assert response.status_code == 409, (source, target, response.text)
            problem = response.json()
            assert (problem["code"], problem["van"], problem["naar"]) == (
                "ongeldige-overgang",
                source,
                target,
            )
            assert target not in problem["toegestaneOvergangen"]
            assert after == (status, version, moves, events)
