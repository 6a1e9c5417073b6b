"""The lifecycle end to end over HTTP: from aangemeld to afgesloten (CONTRACT §9.4, §20.2)."""

from __future__ import annotations

import re

import httpx

from domain.model.calendar import add_months
from tests.api.lifecycle_steps import (
    Auth,
    active_volunteer,
    move,
    today,
    trajectory_in,
    visit,
)

UUID_TEXT = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
RANDOM_HEX = re.compile(rf"{UUID_TEXT}|00-[0-9a-f]{{32}}-[0-9a-f]{{16}}-0[01]")  # ids, traceparent


async def test_a_trajectory_runs_from_aangemeld_to_afgesloten(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    volunteer_id = await active_volunteer(client, auth)
    trajectory_id = await trajectory_in(client, auth, "wacht_op_match")
    matched = await move(
        client,
        auth,
        trajectory_id,
        {"naar": "kennismaking", "vrijwilligerId": volunteer_id, "matchcriteria": ["taal"]},
        headers={"If-Match": '"3"'},
    )
    body = matched.json()
    assert matched.headers["etag"] == '"4"'
    assert matched.headers["location"] == f"/v1/trajecten/{trajectory_id}/overgangen/{body['id']}"
    assert (body["van"], body["naar"], body["soort"]) == (
        "wacht_op_match",
        "kennismaking",
        "overgang",
    )
    assert body["startdatum"] == today().isoformat()
    detail = (
        await client.get(f"/v1/trajecten/{trajectory_id}", headers=auth("coordinator"))
    ).json()
    assert (
        body["geplandeEinddatum"]
        == add_months(
            __import__("datetime").date.fromisoformat(detail["kind"]["geboortedatum"]), 18
        ).isoformat()
    )
    assert detail["vrijwilligerId"] == volunteer_id
    assert detail["versie"] == 4
    await visit(client, auth, trajectory_id)
    await move(client, auth, trajectory_id, {"naar": "uitvoering"})
    closing = await move(client, auth, trajectory_id, {"naar": "afsluiting"})
    assert [w["code"] for w in closing.json()["waarschuwingen"]] == ["minder-dan-14-huisbezoeken"]
    closed = await move(
        client, auth, trajectory_id, {"naar": "afgesloten", "uitkomst": "volledig_doorlopen"}
    )
    assert closed.json()["afsluitdatum"] == today().isoformat()
    history = await client.get(
        f"/v1/trajecten/{trajectory_id}/overgangen", headers=auth("coordinator")
    )
    assert [o["naar"] for o in history.json()["resultaten"]] == [
        "afgesloten",
        "afsluiting",
        "uitvoering",
        "kennismaking",
        "wacht_op_match",
        "intake",
    ]
    volunteer = await client.get(f"/v1/vrijwilligers/{volunteer_id}", headers=auth("coordinator"))
    assert volunteer.json()["lopendeTrajecten"] == 0


async def test_every_stored_move_counts_in_the_metrics(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    await trajectory_in(client, auth, "wacht_op_match")
    text = (await client.get("/v1/metrics")).text
    assert 'mim_overgangen_total{van="aangemeld",naar="intake"} 1' in text
    assert 'mim_overgangen_total{van="intake",naar="wacht_op_match"} 1' in text


async def test_no_event_of_the_lifecycle_carries_personal_data(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    # R37: ids, states and codes only; the names and numbers below are the factories'.
    volunteer_id = await active_volunteer(client, auth)
    trajectory_id = await trajectory_in(client, auth, "uitvoering", volunteer_id=volunteer_id)
    await visit(client, auth, trajectory_id, notitie="Testmoeder vertelde over de nachten.")
    await move(
        client,
        auth,
        trajectory_id,
        {"naar": "gestopt", "reden": "verhuisd", "toelichting": "Testmoeder verhuist."},
    )
    events = await client.get(
        "/v1/gebeurtenissen", params={"limit": 200}, headers=auth("coordinator")
    )
    text = events.text
    assert "nl.mim.huisbezoek.vastgelegd" in text
    assert "nl.mim.vrijwilliger.bijgewerkt" in text
    # Random ids and trace ids are hex and may hold "1094" by chance: look past them.
    text = RANDOM_HEX.sub("", text)
    for personal in (
        "Testmoeder",
        "Voorbeeld",
        "Testvrijwilliger",
        "612345678",
        "687654321",
        "Teststraat",
        "1094",
    ):
        assert personal not in text


async def test_writes_served_from_the_gate_keep_their_route_label_and_problems(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    trajectory_id = await trajectory_in(client, auth, "aangemeld")
    refused = await client.post(
        f"/v1/trajecten/{trajectory_id}/overgangen",
        json={"naar": "afgesloten", "uitkomst": "overig"},
        headers=auth("coordinator"),
    )
    assert (refused.status_code, refused.json()["code"]) == (409, "ongeldige-overgang")
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.headers["api-version"] == "1.0.0"
    unknown = await client.post(
        "/v1/trajecten/geen-uuid/huisbezoeken", json={}, headers=auth("coordinator")
    )
    assert unknown.status_code == 404
    metrics = (await client.get("/v1/metrics")).text
    assert (
        'mim_http_requests_total{methode="POST",route="/v1/trajecten/{traject_id}/overgangen",'
        'status="409"} 1'
    ) in metrics
