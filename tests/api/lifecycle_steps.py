"""Steps the lifecycle tests share: a volunteer made active, a trajectory moved along."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import httpx

from domain.model.calendar import AMSTERDAM
from tests.api.test_trajectory_reads import register

Auth = Callable[..., dict[str, str]]


def today() -> date:
    from datetime import datetime

    return datetime.now(AMSTERDAM).date()


def volunteer_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "roepnaam": "Testvrijwilliger",
        "achternaam": "Voorbeeld",
        "telefoon": "06 87654321",
        "gemeente": "GM0363",
        "wijkcodes": ["WK036301"],
        "talen": ["nl", "ar"],
        "capaciteit": 2,
        "vogDatum": (today() - timedelta(days=30)).isoformat(),
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not ...}


async def new_volunteer(
    client: httpx.AsyncClient, auth: Auth, *, org: str = "mim-demo", **overrides: Any
) -> dict[str, Any]:
    response = await client.post(
        "/v1/vrijwilligers", json=volunteer_body(**overrides), headers=auth("coordinator", org)
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def active_volunteer(
    client: httpx.AsyncClient, auth: Auth, *, org: str = "mim-demo", **overrides: Any
) -> str:
    """A volunteer with a VOG date and the three induction sessions, set `actief`."""
    volunteer = await new_volunteer(client, auth, org=org, **overrides)
    volunteer_id = volunteer["id"]
    for session in (1, 2, 3):
        response = await client.post(
            f"/v1/vrijwilligers/{volunteer_id}/begeleidingen",
            json={
                "soort": "training",
                "datum": (today() - timedelta(days=10 - session)).isoformat(),
                "duurMinuten": 120,
                "trainingsbijeenkomst": session,
            },
            headers=auth("coordinator", org),
        )
        assert response.status_code == 201, response.text
    current = await client.get(
        f"/v1/vrijwilligers/{volunteer_id}", headers=auth("coordinator", org)
    )
    response = await client.patch(
        f"/v1/vrijwilligers/{volunteer_id}",
        json={"status": "actief"},
        headers={
            **auth("coordinator", org),
            "If-Match": current.headers["etag"],
            "Content-Type": "application/merge-patch+json",
        },
    )
    assert response.status_code == 200, response.text
    return str(volunteer_id)


async def move(
    client: httpx.AsyncClient,
    auth: Auth,
    trajectory_id: str,
    body: dict[str, Any],
    *,
    expect: int = 201,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    response = await client.post(
        f"/v1/trajecten/{trajectory_id}/overgangen",
        json=body,
        headers={**auth("coordinator"), **(headers or {})},
    )
    assert response.status_code == expect, response.text
    return response


async def visit(
    client: httpx.AsyncClient,
    auth: Auth,
    trajectory_id: str,
    *,
    on: date | None = None,
    headers: dict[str, str] | None = None,
    expect: int = 201,
    **overrides: Any,
) -> httpx.Response:
    body: dict[str, Any] = {
        "soort": "huisbezoek",
        "datum": (on or today()).isoformat(),
        "duurMinuten": 75,
        "locatie": "thuis",
        "onderwerpen": ["kind_slapen", "vertrouwen_als_opvoeder"],
    }
    body.update(overrides)
    response = await client.post(
        f"/v1/trajecten/{trajectory_id}/huisbezoeken",
        json=body,
        headers=headers or auth("coordinator"),
    )
    assert response.status_code == expect, response.text
    return response


async def trajectory_in(
    client: httpx.AsyncClient, auth: Auth, state: str, *, volunteer_id: str | None = None
) -> str:
    """A new trajectory moved to `state` along the main line (with one visit from
    kennismaking on); `volunteer_id` for states after matching."""
    trajectory_id = await register(client, auth)
    steps: list[dict[str, Any]] = [
        {"naar": "intake", "intakeDatum": today().isoformat()},
        {"naar": "wacht_op_match", "contraIndicatiesGecontroleerd": True},
        {"naar": "kennismaking", "vrijwilligerId": volunteer_id},
        {"naar": "uitvoering"},
        {"naar": "afsluiting"},
        {"naar": "afgesloten", "uitkomst": "volledig_doorlopen"},
    ]
    order = ["aangemeld", "intake", "wacht_op_match", "kennismaking", "uitvoering", "afsluiting"]
    order.append("afgesloten")
    for step in steps[: order.index(state)]:
        if step["naar"] == "uitvoering":
            await visit(client, auth, trajectory_id)
        await move(client, auth, trajectory_id, step)
    return trajectory_id
