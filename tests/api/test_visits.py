"""Visit records over HTTP (CONTRACT §10, §5.2; DOMAIN §3, R8, R18-R20): who records where,
the warnings, the counts, corrections, and nothing stored on a refusal."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

import adapters.db.tables  # noqa: F401 (registers the tables in the metadata)
from tests.api.lifecycle_steps import (
    Auth,
    active_volunteer,
    move,
    new_volunteer,
    today,
    trajectory_in,
    visit,
)
from tests.api.test_trajectory_reads import register
from tests.factories import an_idempotency_key


async def visit_rows(engine: AsyncEngine) -> int:
    table = SQLModel.metadata.tables["visit"]
    async with engine.connect() as conn:
        found = (await conn.execute(sa.select(sa.func.count()).select_from(table))).scalar()
    return int(found or 0)


async def matched(
    client: httpx.AsyncClient, auth: Auth, *, started_days_ago: int = 0
) -> tuple[str, str]:
    """(volunteer, trajectory in kennismaking matched to her, started that many days ago)."""
    volunteer_id = await active_volunteer(client, auth)
    trajectory_id = await register(client, auth)
    start = (today() - timedelta(days=started_days_ago)).isoformat()
    for step in (
        {"naar": "intake", "intakeDatum": start},
        {"naar": "wacht_op_match", "contraIndicatiesGecontroleerd": True},
        {"naar": "kennismaking", "vrijwilligerId": volunteer_id, "startdatum": start},
    ):
        await move(client, auth, trajectory_id, step)
    return volunteer_id, trajectory_id


def as_volunteer(auth: Auth, volunteer_id: str) -> dict[str, str]:
    return auth("vrijwilliger", vrijwilligerId=volunteer_id)


async def trajectory(client: httpx.AsyncClient, auth: Auth, trajectory_id: str) -> dict[str, Any]:
    response = await client.get(f"/v1/trajecten/{trajectory_id}", headers=auth("coordinator"))
    assert response.status_code == 200, response.text
    return dict(response.json())


async def correct(
    client: httpx.AsyncClient, trajectory_id: str, visit_id: str, body: Any, headers: Any
) -> httpx.Response:
    url = f"/v1/trajecten/{trajectory_id}/huisbezoeken/{visit_id}/correcties"
    return await client.post(url, json=body, headers=headers)


VOID = {"reden": "Bezoek ging niet door", "vervalt": True}


async def test_a_volunteer_records_on_her_trajectory_under_her_own_id_in_its_phase(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    volunteer_id, trajectory_id = await matched(client, auth)

    response = await visit(client, auth, trajectory_id, headers=as_volunteer(auth, volunteer_id))

    body = response.json()
    assert (
        response.headers["location"] == f"/v1/trajecten/{trajectory_id}/huisbezoeken/{body['id']}"
    )
    assert (body["vrijwilligerId"], body["fase"], body["trajectId"]) == (
        volunteer_id,
        "kennismaking",
        trajectory_id,
    )
    assert (body["vastgelegdDoor"]["rol"], body["vervangenDoor"]) == ("vrijwilliger", None)


async def another_volunteer(client: httpx.AsyncClient, auth: Auth, _: str, __: str) -> str:
    return await active_volunteer(client, auth)


async def replaced_volunteer(
    client: httpx.AsyncClient, auth: Auth, trajectory_id: str, volunteer_id: str
) -> str:
    pause = {"naar": "onderbroken", "reden": "vrijwilliger_wisselt"}
    await move(client, auth, trajectory_id, {**pause, "heroverwegingOp": today().isoformat()})
    return volunteer_id


@pytest.mark.parametrize("outsider", [another_volunteer, replaced_volunteer])
async def test_a_volunteer_not_matched_to_the_trajectory_gets_404_and_nothing_is_stored(
    backend: str, client: httpx.AsyncClient, auth: Auth, engine: AsyncEngine, outsider: Any
) -> None:
    volunteer_id, trajectory_id = await matched(client, auth)
    who = await outsider(client, auth, trajectory_id, volunteer_id)

    response = await visit(client, auth, trajectory_id, headers=as_volunteer(auth, who), expect=404)

    assert response.json()["code"] == "niet-gevonden"
    assert await visit_rows(engine) == 0


@pytest.mark.parametrize("state", ["aangemeld", "wacht_op_match", "afgesloten"])
async def test_a_visit_outside_the_three_phases_is_409_and_not_stored(
    backend: str, client: httpx.AsyncClient, auth: Auth, engine: AsyncEngine, state: str
) -> None:
    volunteer_id = await active_volunteer(client, auth)
    trajectory_id = await trajectory_in(client, auth, state, volunteer_id=volunteer_id)
    before = await visit_rows(engine)

    response = await visit(client, auth, trajectory_id, expect=409)

    assert response.json()["code"] == "ongeldige-status"
    assert await visit_rows(engine) == before


@pytest.mark.parametrize("days", [-1, 6], ids=["before-startdatum", "future"])
async def test_a_visit_dated_before_startdatum_or_in_the_future_is_400_naming_datum(
    backend: str, client: httpx.AsyncClient, auth: Auth, engine: AsyncEngine, days: int
) -> None:
    _, trajectory_id = await matched(client, auth, started_days_ago=5)
    on = today() - timedelta(days=5 - days)  # `days` after the start

    response = await visit(client, auth, trajectory_id, on=on, expect=400)

    problem = response.json()
    assert (problem["invalidParams"][0]["name"], problem["code"]) == ("datum", "ongeldige-waarde")
    assert await visit_rows(engine) == 0


@pytest.mark.parametrize(
    ("minutes", "codes"),
    [(59, ["duur-buiten-norm"]), (60, []), (90, []), (91, ["duur-buiten-norm"])],
)
async def test_a_duration_outside_60_to_90_minutes_warns_without_blocking(
    backend: str, client: httpx.AsyncClient, auth: Auth, minutes: int, codes: list[str]
) -> None:
    _, trajectory_id = await matched(client, auth)

    response = await visit(client, auth, trajectory_id, duurMinuten=minutes)

    assert [w["code"] for w in response.json()["waarschuwingen"]] == codes


@pytest.mark.parametrize(("gap", "codes"), [(31, []), (32, ["langer-dan-maand-geleden"])])
async def test_more_than_31_days_after_the_previous_visit_warns(
    backend: str, client: httpx.AsyncClient, auth: Auth, gap: int, codes: list[str]
) -> None:
    _, trajectory_id = await matched(client, auth, started_days_ago=40)
    first = await visit(client, auth, trajectory_id, on=today() - timedelta(days=40))

    second = await visit(client, auth, trajectory_id, on=today() - timedelta(days=40 - gap))

    assert first.json()["waarschuwingen"] == []
    assert [w["code"] for w in second.json()["waarschuwingen"]] == codes


@pytest.mark.parametrize(
    ("soort", "counted", "uitvoering"),  # uitvoering: (status, voorwaarde) of the next move
    [("huisbezoek", 1, (201, None)), ("ontmoetingsgroep", 0, (409, "minimaal-een-huisbezoek"))],
)
async def test_only_a_counted_visit_raises_the_counts_and_versie_and_opens_uitvoering(
    backend: str, client: httpx.AsyncClient, auth: Auth, soort: str, counted: int, uitvoering: Any
) -> None:
    _, trajectory_id = await matched(client, auth)
    before = await trajectory(client, auth, trajectory_id)

    await visit(client, auth, trajectory_id, soort=soort)

    after = await trajectory(client, auth, trajectory_id)
    counts = after["aantalHuisbezoeken"]
    assert (counts["kennismaking"], counts["totaal"], counts["uitvoering"]) == (counted, counted, 0)
    assert after["versie"] == before["versie"] + counted
    moved = await move(client, auth, trajectory_id, {"naar": "uitvoering"}, expect=uitvoering[0])
    assert moved.json().get("voorwaarde") == uitvoering[1]  # R8


async def test_voiding_the_only_visit_drops_the_counts_and_blocks_uitvoering_again(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    _, trajectory_id = await matched(client, auth)
    original = (await visit(client, auth, trajectory_id)).json()
    counted_version = (await trajectory(client, auth, trajectory_id))["versie"]

    voided = await correct(client, trajectory_id, original["id"], VOID, auth("coordinator"))

    assert voided.status_code == 201, voided.text
    assert (voided.json()["vervalt"], voided.json()["correctieVan"]) == (True, original["id"])
    after = await trajectory(client, auth, trajectory_id)
    assert (after["aantalHuisbezoeken"]["totaal"], after["versie"]) == (0, counted_version + 1)
    refused = (await move(client, auth, trajectory_id, {"naar": "uitvoering"}, expect=409)).json()
    assert (refused["code"], refused["voorwaarde"]) == (
        "ongeldige-overgang",
        "minimaal-een-huisbezoek",
    )


async def test_a_full_correction_is_a_new_record_keeping_the_phase_it_corrects(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    volunteer_id, trajectory_id = await matched(client, auth)
    original = (await visit(client, auth, trajectory_id)).json()
    await move(client, auth, trajectory_id, {"naar": "uitvoering"})
    body = {
        "soort": "huisbezoek",
        "datum": today().isoformat(),
        "duurMinuten": 65,
        "locatie": "bibliotheek",
        "onderwerpen": ["kind_eten"],
        "reden": "Duur verkeerd ingevoerd",
    }

    response = await correct(client, trajectory_id, original["id"], body, auth("coordinator"))

    assert response.status_code == 201, response.text
    new = response.json()
    assert (new["correctieVan"], new["correctiereden"], new["duurMinuten"]) == (
        original["id"],
        body["reden"],
        65,
    )
    assert (new["fase"], new["vrijwilligerId"], new["vervalt"]) == (
        "kennismaking",
        volunteer_id,
        False,
    )
    counts = (await trajectory(client, auth, trajectory_id))["aantalHuisbezoeken"]
    assert (counts["kennismaking"], counts["totaal"]) == (1, 1)


async def test_a_corrected_visit_only_gains_vervangen_door_and_leaves_the_default_list(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    _, trajectory_id = await matched(client, auth)
    original = (await visit(client, auth, trajectory_id)).json()
    url = f"/v1/trajecten/{trajectory_id}/huisbezoeken"
    read_before = (await client.get(f"{url}/{original['id']}", headers=auth("coordinator"))).json()

    new = (await correct(client, trajectory_id, original["id"], VOID, auth("coordinator"))).json()

    read_after = (await client.get(f"{url}/{original['id']}", headers=auth("coordinator"))).json()
    assert read_after == {**read_before, "vervangenDoor": new["id"]}
    listed = await client.get(url, headers=auth("coordinator"))
    everything = await client.get(f"{url}?inclusiefVervangen=true", headers=auth("coordinator"))
    assert [v["id"] for v in listed.json()["resultaten"]] == [new["id"]]
    assert {v["id"] for v in everything.json()["resultaten"]} == {new["id"], original["id"]}


async def test_correcting_a_replaced_record_is_409_and_stores_nothing(
    backend: str, client: httpx.AsyncClient, auth: Auth, engine: AsyncEngine
) -> None:
    _, trajectory_id = await matched(client, auth)
    original = (await visit(client, auth, trajectory_id)).json()
    first = await correct(client, trajectory_id, original["id"], VOID, auth("coordinator"))
    assert first.status_code == 201, first.text

    again = await correct(client, trajectory_id, original["id"], VOID, auth("coordinator"))

    assert (again.status_code, again.json()["code"]) == (409, "ongeldige-status")
    assert await visit_rows(engine) == 2


async def two_volunteers_on_one_trajectory(client: httpx.AsyncClient, auth: Auth) -> dict[str, str]:
    """Matched to `mine`; the coordinator records `own` for her and `named` for `other`."""
    mine, trajectory_id = await matched(client, auth)
    other = await active_volunteer(client, auth)
    own = (await visit(client, auth, trajectory_id)).json()
    named = (await visit(client, auth, trajectory_id, vrijwilligerId=other)).json()
    assert (own["vrijwilligerId"], named["vrijwilligerId"]) == (mine, other)
    return {"trajectory": trajectory_id, "mine": mine, "own": own["id"], "named": named["id"]}


async def test_a_volunteer_sees_only_visits_with_her_own_id(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    setup = await two_volunteers_on_one_trajectory(client, auth)
    url = f"/v1/trajecten/{setup['trajectory']}/huisbezoeken"
    herself = as_volunteer(auth, setup["mine"])

    hers = await client.get(url, headers=herself)
    hidden = await client.get(f"{url}/{setup['named']}", headers=herself)
    everyone = await client.get(url, headers=auth("coordinator"))

    assert [v["id"] for v in hers.json()["resultaten"]] == [setup["own"]]
    assert (hidden.status_code, hidden.json()["code"]) == (404, "niet-gevonden")
    assert {v["id"] for v in everyone.json()["resultaten"]} == {setup["own"], setup["named"]}


@pytest.mark.parametrize(
    ("whose", "outcome"),  # outcome: (status, code, visit rows afterwards)
    [("own", (201, None, 3)), ("named", (404, "niet-gevonden", 2))],
)
async def test_a_volunteer_corrects_only_visits_with_her_own_id(
    backend: str,
    client: httpx.AsyncClient,
    auth: Auth,
    engine: AsyncEngine,
    whose: str,
    outcome: Any,
) -> None:
    setup = await two_volunteers_on_one_trajectory(client, auth)
    herself = as_volunteer(auth, setup["mine"])

    response = await correct(client, setup["trajectory"], setup[whose], VOID, herself)

    assert (response.status_code, response.json().get("code")) == outcome[:2]
    assert await visit_rows(engine) == outcome[2]


async def registered_only(client: httpx.AsyncClient, auth: Auth) -> str:
    return str((await new_volunteer(client, auth))["id"])


async def of_another_organisation(client: httpx.AsyncClient, auth: Auth) -> str:
    return await active_volunteer(client, auth, org="mim-andere", gemeente="GM0599")


async def unknown(client: httpx.AsyncClient, auth: Auth) -> str:
    return "0b7e1c7a-1234-4a5b-9c1d-123456789012"


@pytest.mark.parametrize("unavailable", [registered_only, of_another_organisation, unknown])
async def test_a_coordinator_naming_an_unavailable_volunteer_gets_409(
    backend: str, client: httpx.AsyncClient, auth: Auth, engine: AsyncEngine, unavailable: Any
) -> None:
    _, trajectory_id = await matched(client, auth)
    named_id = await unavailable(client, auth)

    response = await visit(client, auth, trajectory_id, vrijwilligerId=named_id, expect=409)

    assert response.json()["code"] == "vrijwilliger-niet-beschikbaar"
    assert await visit_rows(engine) == 0


async def test_the_same_idempotency_key_replays_the_visit_and_stores_one_row(
    backend: str, client: httpx.AsyncClient, auth: Auth, engine: AsyncEngine
) -> None:
    _, trajectory_id = await matched(client, auth)
    headers = {**auth("coordinator"), "Idempotency-Key": an_idempotency_key()}
    first = await visit(client, auth, trajectory_id, headers=headers)

    replay = await visit(client, auth, trajectory_id, headers=headers)

    assert replay.json() == first.json()
    assert replay.headers["idempotency-replayed"] == "true"
    assert replay.headers["location"] == first.headers["location"]
    assert await visit_rows(engine) == 1
    other = await visit(client, auth, trajectory_id, headers=headers, duurMinuten=80, expect=422)
    assert other.json()["code"] == "idempotency-key-hergebruikt"
    assert await visit_rows(engine) == 1


@pytest.mark.parametrize(
    ("days", "status", "code"), [(30, 201, None), (31, 409, "ongeldige-status")]
)
async def test_corrections_are_accepted_up_to_30_days_after_the_trajectory_ended(
    backend: str, client: httpx.AsyncClient, auth: Auth, days: int, status: int, code: str | None
) -> None:
    _, trajectory_id = await matched(client, auth)
    original = (await visit(client, auth, trajectory_id)).json()
    for step in ({"naar": "uitvoering"}, {"naar": "afsluiting"}):
        await move(client, auth, trajectory_id, step)
    ended = (today() - timedelta(days=days)).isoformat()
    closing = {"naar": "afgesloten", "uitkomst": "volledig_doorlopen", "afsluitdatum": ended}
    await move(client, auth, trajectory_id, closing)

    response = await correct(client, trajectory_id, original["id"], VOID, auth("coordinator"))

    assert (response.status_code, response.json().get("code")) == (status, code)


async def test_the_etag_of_a_visit_changes_when_it_gains_vervangen_door(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    _, trajectory_id = await matched(client, auth)
    original = (await visit(client, auth, trajectory_id)).json()
    url = f"/v1/trajecten/{trajectory_id}/huisbezoeken/{original['id']}"
    before = (await client.get(url, headers=auth("coordinator"))).headers["etag"]
    await correct(client, trajectory_id, original["id"], VOID, auth("coordinator"))

    after = (await client.get(url, headers=auth("coordinator"))).headers["etag"]

    # append-only records carry a weak *content* ETag (CONTRACT §5.1): new content, new tag
    assert (before[:3], after == before) == ('W/"', False)
