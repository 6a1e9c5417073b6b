"""Volunteers and supervision over HTTP (CONTRACT §3, §5.1, §11; DOMAIN §3, R21): the status
machine, merge patches with If-Match, training and talks, overdue supervision, tenancy."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from tests.api.lifecycle_steps import (
    Auth,
    active_volunteer,
    move,
    new_volunteer,
    today,
    trajectory_in,
    volunteer_body,
)

URL = "/v1/vrijwilligers"
MERGE = {"Content-Type": "application/merge-patch+json"}


async def patch(
    client: httpx.AsyncClient, auth: Auth, volunteer_id: str, body: Any, *, etag: str | None
) -> httpx.Response:
    headers = {**auth("coordinator"), **MERGE, **({"If-Match": etag} if etag else {})}
    return await client.patch(f"{URL}/{volunteer_id}", json=body, headers=headers)


async def etag_of(client: httpx.AsyncClient, auth: Auth, volunteer_id: str) -> str:
    response = await client.get(f"{URL}/{volunteer_id}", headers=auth("coordinator"))
    assert response.status_code == 200, response.text
    return response.headers["etag"]


async def set_status(
    client: httpx.AsyncClient, auth: Auth, volunteer_id: str, status: str
) -> httpx.Response:
    etag = await etag_of(client, auth, volunteer_id)
    return await patch(client, auth, volunteer_id, {"status": status}, etag=etag)


async def supervise(
    client: httpx.AsyncClient, auth: Auth, volunteer_id: str, **fields: Any
) -> httpx.Response:
    body = {"soort": "individueel", "datum": today().isoformat(), "duurMinuten": 45, **fields}
    return await client.post(
        f"{URL}/{volunteer_id}/begeleidingen", json=body, headers=auth("coordinator")
    )


async def train(client: httpx.AsyncClient, auth: Auth, volunteer_id: str, *sessions: int) -> None:
    for session in sessions:
        response = await supervise(
            client, auth, volunteer_id, soort="training", trainingsbijeenkomst=session
        )
        assert response.status_code == 201, response.text


async def listed(client: httpx.AsyncClient, auth: Auth, query: str) -> set[str]:
    response = await client.get(f"{URL}?{query}", headers=auth("coordinator"))
    assert response.status_code == 200, response.text
    return {v["id"] for v in response.json()["resultaten"]}


async def test_a_new_volunteer_is_aangemeld_at_version_1_with_location(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    response = await client.post(URL, json=volunteer_body(), headers=auth("coordinator"))

    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["location"] == f"{URL}/{body['id']}"
    assert response.headers["etag"] == '"1"'
    expected = {"status": "aangemeld", "versie": 1, "telefoon": "+31687654321"}
    assert {k: body[k] for k in expected} == expected
    assert (body["uitvoerendeOrganisatie"], body["trainingsbijeenkomsten"]) == ("mim-demo", 0)


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("gemeente", "GM0599", "ongeldige-waarde"),  # served by mim-andere only
        ("achternaam", "123456782", "bsn-niet-toegestaan"),
    ],
)
async def test_a_refused_volunteer_names_the_field_and_is_not_stored(
    backend: str, client: httpx.AsyncClient, auth: Auth, field: str, value: str, code: str
) -> None:
    response = await client.post(
        URL, json=volunteer_body(**{field: value}), headers=auth("coordinator")
    )

    problem = response.json()
    assert (response.status_code, problem["code"]) == (400, code)
    assert problem["invalidParams"][0]["name"] == field
    assert value not in response.text
    listed = await client.get(URL, headers=auth("coordinator"))
    assert listed.json()["resultaten"] == []


@pytest.mark.parametrize(
    ("changes", "sessions"),
    [({"vogDatum": ...}, (1, 2, 3)), ({}, (1, 2))],  # `...` leaves the VOG date out
    ids=["no-vog", "two-sessions"],
)
async def test_actief_without_vog_and_three_sessions_is_409(
    backend: str, client: httpx.AsyncClient, auth: Auth, changes: dict[str, Any], sessions: Any
) -> None:
    created = await new_volunteer(client, auth, **changes)
    await train(client, auth, created["id"], *sessions)

    response = await set_status(client, auth, created["id"], "actief")

    problem = response.json()
    assert (response.status_code, problem["code"], problem["voorwaarde"]) == (
        409,
        "ongeldige-status",
        "vog-en-training-vereist",
    )
    assert await etag_of(client, auth, created["id"]) == f'"{1 + len(sessions)}"'


async def test_actief_with_vog_and_three_sessions_succeeds(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    created = await new_volunteer(client, auth)
    await train(client, auth, created["id"], 1, 2, 3)

    response = await patch(client, auth, created["id"], {"status": "actief"}, etag='"4"')

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["status"], body["startdatum"]) == ("actief", today().isoformat())
    assert (body["versie"], response.headers["etag"]) == (5, '"5"')


async def test_vog_datum_and_actief_in_one_patch_succeed(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    created = await new_volunteer(client, auth, vogDatum=...)
    await train(client, auth, created["id"], 1, 2, 3)
    vog = (today() - timedelta(days=3)).isoformat()

    response = await patch(
        client, auth, created["id"], {"vogDatum": vog, "status": "actief"}, etag='"4"'
    )

    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["vogDatum"]) == ("actief", vog)


@pytest.mark.parametrize("start", ["aangemeld", "in_training"])
async def test_inactief_before_ever_being_actief_is_409(
    backend: str, client: httpx.AsyncClient, auth: Auth, start: str
) -> None:
    created = await new_volunteer(client, auth, status=start)

    response = await patch(client, auth, created["id"], {"status": "inactief"}, etag='"1"')

    assert (response.status_code, response.json()["code"]) == (409, "ongeldige-status")


async def test_gestopt_waits_until_her_matched_trajectory_has_stopped(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    volunteer_id = await active_volunteer(client, auth)
    trajectory_id = await trajectory_in(client, auth, "kennismaking", volunteer_id=volunteer_id)

    refused = await set_status(client, auth, volunteer_id, "gestopt")
    await move(client, auth, trajectory_id, {"naar": "gestopt", "reden": "verhuisd"})
    stopped = await set_status(client, auth, volunteer_id, "gestopt")

    assert (refused.status_code, refused.json()["code"]) == (409, "ongeldige-status")
    assert stopped.status_code == 200, stopped.text
    assert stopped.json()["gestoptOp"] == today().isoformat()


@pytest.mark.parametrize(
    ("etag", "refusal"),  # refusal: (status, code, huidigeVersie)
    [(None, (428, "if-match-vereist", None)), ('"1"', (412, "versie-conflict", 2))],
    ids=["without", "stale"],
)
async def test_a_patch_needs_the_current_version_and_changes_nothing_without_it(
    backend: str, client: httpx.AsyncClient, auth: Auth, etag: str | None, refusal: Any
) -> None:
    created = await new_volunteer(client, auth)
    await train(client, auth, created["id"], 1)  # a supervision record: versie 2

    response = await patch(client, auth, created["id"], {"roepnaam": "Anders"}, etag=etag)

    problem = response.json()
    assert (response.status_code, problem["code"], problem.get("huidigeVersie")) == refusal
    after = (await client.get(f"{URL}/{created['id']}", headers=auth("coordinator"))).json()
    assert (after["roepnaam"], after["versie"]) == (created["roepnaam"], 2)


@pytest.mark.parametrize("field", ["roepnaam", "achternaam", "telefoon", "gemeente", "talen"])
async def test_null_on_a_required_field_is_400_verplicht(
    backend: str, client: httpx.AsyncClient, auth: Auth, field: str
) -> None:
    created = await new_volunteer(client, auth)

    response = await patch(client, auth, created["id"], {field: None}, etag='"1"')

    problem = response.json()
    assert (response.status_code, problem["code"]) == (400, "verplicht")
    assert problem["invalidParams"][0]["name"] == field


async def test_if_none_match_is_304_until_the_volunteer_changes(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    created = await new_volunteer(client, auth)
    detail = f"{URL}/{created['id']}"
    unchanged = await client.get(detail, headers={**auth("coordinator"), "If-None-Match": '"1"'})
    await patch(client, auth, created["id"], {"capaciteit": 3}, etag='"1"')

    changed = await client.get(detail, headers={**auth("coordinator"), "If-None-Match": '"1"'})

    assert (unchanged.status_code, unchanged.headers["etag"], unchanged.text) == (304, '"1"', "")
    assert (changed.status_code, changed.headers["etag"]) == (200, '"2"')
    assert changed.json()["capaciteit"] == 3


async def test_training_sessions_count_once_per_session_number(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    created = await new_volunteer(client, auth)

    await train(client, auth, created["id"], 1, 2, 2)

    body = (await client.get(f"{URL}/{created['id']}", headers=auth("coordinator"))).json()
    assert (body["trainingsbijeenkomsten"], body["versie"]) == (2, 4)


async def test_training_without_trainingsbijeenkomst_is_400_naming_it(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    created = await new_volunteer(client, auth)

    response = await supervise(client, auth, created["id"], soort="training")

    problem = response.json()
    assert (response.status_code, problem["code"]) == (400, "verplicht")
    assert problem["invalidParams"][0]["name"] == "trainingsbijeenkomst"


async def test_the_volunteer_reads_herself_and_her_supervision_without_notes(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    created = await new_volunteer(client, auth)
    talk = (await supervise(client, auth, created["id"], notitie="Gaat goed")).json()
    herself = auth("vrijwilliger", vrijwilligerId=created["id"])
    talks = f"{URL}/{created['id']}/begeleidingen"

    own = await client.get(f"{URL}/{created['id']}", headers=herself)
    listed = await client.get(talks, headers=herself)
    one = await client.get(f"{talks}/{talk['id']}", headers=herself)
    coordinator = await client.get(f"{talks}/{talk['id']}", headers=auth("coordinator"))

    assert (own.status_code, own.json()["id"]) == (200, created["id"])
    assert [t["id"] for t in listed.json()["resultaten"]] == [talk["id"]]
    assert "notitie" not in listed.json()["resultaten"][0]
    assert (one.status_code, "notitie" in one.json()) == (200, False)
    assert coordinator.json()["notitie"] == "Gaat goed"


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/{other}", 404, "niet-gevonden"),
        ("/{other}/begeleidingen", 404, "niet-gevonden"),
        ("/{other}/trajecten", 404, "niet-gevonden"),
        ("", 403, "geen-bevoegdheid"),  # the list is for coordinators
    ],
)
async def test_a_volunteer_token_reaches_no_other_volunteer(
    backend: str, client: httpx.AsyncClient, auth: Auth, path: str, status: int, code: str
) -> None:
    mine = await new_volunteer(client, auth)
    other = await new_volunteer(client, auth)
    herself = auth("vrijwilliger", vrijwilligerId=mine["id"])

    response = await client.get(URL + path.format(other=other["id"]), headers=herself)

    assert (response.status_code, response.json()["code"]) == (status, code)


async def test_supervision_is_overdue_with_a_running_trajectory_until_a_talk_today(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    volunteer_id = await active_volunteer(client, auth)
    await trajectory_in(client, auth, "kennismaking", volunteer_id=volunteer_id)
    before = (await client.get(f"{URL}/{volunteer_id}", headers=auth("coordinator"))).json()

    await supervise(client, auth, volunteer_id)

    after = (await client.get(f"{URL}/{volunteer_id}", headers=auth("coordinator"))).json()
    assert (before["begeleidingAchterstallig"], before["lopendeTrajecten"]) == (True, 1)
    assert (after["begeleidingAchterstallig"], after["laatsteIndividueleBegeleiding"]) == (
        False,
        today().isoformat(),
    )


@pytest.mark.parametrize(
    ("days_ago", "overdue", "not_overdue"),
    [(43, {"matched"}, {"unmatched"}), (42, set(), {"matched", "unmatched"})],
)
async def test_the_overdue_filter_lists_exactly_who_had_no_talk_in_42_days(
    backend: str,
    client: httpx.AsyncClient,
    auth: Auth,
    days_ago: int,
    overdue: Any,
    not_overdue: Any,
) -> None:
    ids = {"matched": await active_volunteer(client, auth)}
    await trajectory_in(client, auth, "kennismaking", volunteer_id=ids["matched"])
    ids["unmatched"] = await active_volunteer(client, auth)
    talk_on = (today() - timedelta(days=days_ago)).isoformat()
    assert (await supervise(client, auth, ids["matched"], datum=talk_on)).status_code == 201

    flagged = await listed(client, auth, "begeleidingAchterstallig=true")
    others = await listed(client, auth, "begeleidingAchterstallig=false")

    assert (flagged, others) == ({ids[n] for n in overdue}, {ids[n] for n in not_overdue})
    detail = (await client.get(f"{URL}/{ids['matched']}", headers=auth("coordinator"))).json()
    assert detail["begeleidingAchterstallig"] is ("matched" in overdue)


async def test_her_trajecten_are_exactly_the_trajectories_matched_to_her(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    mine = await active_volunteer(client, auth)
    other = await active_volunteer(client, auth)
    matched = {
        await trajectory_in(client, auth, "kennismaking", volunteer_id=mine) for _ in range(2)
    }
    await trajectory_in(client, auth, "kennismaking", volunteer_id=other)

    response = await client.get(f"{URL}/{mine}/trajecten", headers=auth("coordinator"))

    assert response.status_code == 200, response.text
    found = response.json()["resultaten"]
    assert {t["id"] for t in found} == matched
    assert {t["vrijwilligerId"] for t in found} == {mine}


async def test_another_organisation_neither_reads_nor_lists_the_volunteer(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    created = await new_volunteer(client, auth)
    foreign = auth("coordinator", "mim-andere")

    detail = await client.get(f"{URL}/{created['id']}", headers=foreign)
    listed = await client.get(URL, headers=foreign)
    own = await client.get(URL, headers=auth("coordinator"))

    assert (detail.status_code, detail.json()["code"]) == (404, "niet-gevonden")
    assert listed.json()["resultaten"] == []
    assert [v["id"] for v in own.json()["resultaten"]] == [created["id"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("taal=ara", {"A"}),  # ISO 639-3 finds the 639-1 code she gave
        ("taal=ar", {"A"}),
        ("taal=nld", {"B", "C"}),
        ("status=aangemeld&status=gestopt", {"A", "C"}),
        ("status=in_training&taal=nl", {"B"}),
    ],
)
async def test_the_list_filters_select_exactly_the_matching_volunteers(
    backend: str, client: httpx.AsyncClient, auth: Auth, query: str, expected: set[str]
) -> None:
    made = {
        "A": await new_volunteer(client, auth, status="aangemeld", talen=["ar"]),
        "B": await new_volunteer(client, auth, status="in_training", talen=["nl"]),
        "C": await new_volunteer(client, auth, status="gestopt", talen=["nl", "tr"]),
    }

    found = await listed(client, auth, query)

    assert found == {made[name]["id"] for name in expected}
