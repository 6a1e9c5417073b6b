"""Meldcode and the trajectory's own representation, and the Meldcode events (CONTRACT §5.1,
§12.1, §13.1; DOMAIN §4.4, R24, R33, R34, R37): a signal changes no `versie` and emits no
trajectory event; Meldcode events are thin and reach only same-organisation readers holding
meldcode.behandelen."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest

from tests.api.lifecycle_steps import Auth, today
from tests.api.meldcode_flow import (
    SIGNAL,
    case_in,
    consultation,
    conversation,
    decision,
    matched_trajectory,
    raise_signal,
    record,
)

FEED = "/v1/gebeurtenissen"
MELDCODE = "nl.mim.meldcode."
DATA_KEYS = {
    "nl.mim.meldcode.signaal-ontvangen": {"casusId", "trajectId", "signaalId", "acuutGevaar"},
    "nl.mim.meldcode.acuut-gesignaleerd": {"casusId", "trajectId", "signaalId", "acuutGevaar"},
    "nl.mim.meldcode.stap-vastgelegd": {"casusId", "stapId", "stap", "statusNa"},
    "nl.mim.meldcode.besloten": {"casusId", "meldenNoodzakelijk", "hulpMogelijk"},
    "nl.mim.meldcode.afgesloten": {"casusId", "afsluitreden"},
}
CODE = re.compile(r"^[a-z][a-z0-9_]*$")
HELP: dict[str, Any] = {
    "stap": "hulp",
    "hulpvorm": "opvoedondersteuning",
    "afspraken": "Wekelijks contact met de opvoedondersteuner.",
}
EVALUATION: dict[str, Any] = {
    "stap": "hulp_evaluatie",
    "afweging5": True,
    "afsprakenMonitoring": "Het consultatiebureau volgt het kind maandelijks.",
}
ENTITLED = ["coordinator", "aandachtsfunctionaris", "eindverantwoordelijke"]
NOT_ENTITLED: dict[str, tuple[str, dict[str, Any]]] = {
    "coordinator-zonder-meldcode": (
        "coordinator",
        {"scope": "gebeurtenissen.lezen trajecten.lezen trajecten.bijwerken"},
    ),
    "coordinator-andere-organisatie": ("coordinator", {"org": "mim-andere"}),
    "verwijzer": ("verwijzer", {}),
    "privacy": ("privacy", {}),
    "beheer": ("beheer", {}),
}


async def events_for(
    client: httpx.AsyncClient, headers: dict[str, str], **params: Any
) -> list[dict[str, Any]]:
    response = await client.get(FEED, params={"limit": 200, **params}, headers=headers)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["resultaten"]
    return found


async def closed_case(client: httpx.AsyncClient, auth: Auth) -> tuple[str, str, list[str]]:
    """(trajectory id, case id, step ids) of a case taken through step 5, help and its
    evaluation to `afgesloten`, next to an acute signal on a second trajectory."""
    trajectory_id, case_id = await case_in(client, auth, "gewogen")
    steps = await client.get(
        f"/v1/meldcode-casussen/{case_id}/stappen", headers=auth("coordinator")
    )
    step_ids = [s["id"] for s in steps.json()["resultaten"]]
    later = (today() + timedelta(days=30)).isoformat()
    for body, role in (
        (decision(), "eindverantwoordelijke"),
        ({**HELP, "evaluatieOp": later}, "coordinator"),
        ({**EVALUATION, "datum": today().isoformat()}, "coordinator"),
        ({"stap": "afsluiting", "reden": "hulp_afgerond"}, "coordinator"),
    ):
        step_ids.append((await record(client, auth, case_id, body, role=role)).json()["id"])
    acute_trajectory, _ = await matched_trajectory(client, auth)
    await raise_signal(client, auth, acute_trajectory, acuutGevaar=True)
    return trajectory_id, case_id, step_ids


async def test_a_signal_changes_no_versie_yet_opens_meldcode_casus_open_for_a_coordinator(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    trajectory_id, volunteer_id = await matched_trajectory(client, auth)
    url = f"/v1/trajecten/{trajectory_id}"
    masked = auth("coordinator", scope="trajecten.lezen gebeurtenissen.lezen")
    before = await client.get(url, headers=auth("coordinator"))
    masked_before = (await client.get(url, headers=masked)).json()
    last = (await events_for(client, auth("coordinator")))[-1]["volgnummer"]
    signal = await raise_signal(
        client, auth, trajectory_id, headers=auth("vrijwilliger", vrijwilligerId=volunteer_id)
    )
    after = await client.get(url, headers=auth("coordinator"))
    masked_after = (await client.get(url, headers=masked)).json()
    new = await events_for(client, auth("coordinator"), na=last)

    assert set(signal.json()) == {"id", "status"}  # the author sees her signal's status only
    assert (before.json()["meldcodeCasusOpen"], before.json()["juridischeBewaring"]) == (
        False,
        False,
    )
    assert (after.json()["meldcodeCasusOpen"], after.json()["juridischeBewaring"]) == (True, True)
    for name in ("versie", "status", "gewijzigdOp", "reden"):  # R33, §5.1: derived, no versie
        assert after.json()[name] == before.json()[name], name
    assert after.headers["etag"] == before.headers["etag"]
    assert masked_after == masked_before
    assert "meldcodeCasusOpen" not in masked_after
    assert [e["type"] for e in new] == ["nl.mim.meldcode.signaal-ontvangen"]  # no traject event


def report(mismatches: list[str], readers: int) -> str:
    return f"{len(mismatches)} mismatches over {readers} readers:\n" + "\n".join(mismatches)


async def test_meldcode_events_reach_the_organisations_meldcode_readers(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    """One closed case; every entitled reader's feed is checked over it in a loop."""
    trajectory_id, case_id, step_ids = await closed_case(client, auth)
    mismatches: list[str] = []
    for reader in ENTITLED:
        events = [
            e for e in await events_for(client, auth(reader)) if e["type"].startswith(MELDCODE)
        ]
        of_case = [e["data"] for e in events if e["data"]["casusId"] == case_id]
        where = f"{reader} | GET {FEED}"
        types = {e["type"] for e in events}
        if types != set(DATA_KEYS):
            mismatches.append(f"{where}: types {sorted(types)}, expected {sorted(DATA_KEYS)}")
        steps = [d.get("stapId") for d in of_case if "stapId" in d]
        if steps != step_ids:
            mismatches.append(f"{where}: stapIds {steps}, expected {step_ids}")
        trajectories = [d["trajectId"] for d in of_case if "trajectId" in d]
        if trajectories != [trajectory_id]:
            mismatches.append(f"{where}: trajectIds {trajectories}, expected [{trajectory_id}]")
        decided = {"meldenNoodzakelijk": False, "hulpMogelijk": True, "casusId": case_id}
        if decided not in of_case:
            mismatches.append(f"{where}: no besloten event with data {decided}")
        closed = {"afsluitreden": "hulp_afgerond", "casusId": case_id}
        if closed not in of_case:
            mismatches.append(f"{where}: no afgesloten event with data {closed}")
    assert not mismatches, report(mismatches, len(ENTITLED))


async def test_meldcode_events_never_reach_readers_without_behandelen_or_of_another_org(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    """One closed case; every reader without the right is checked over it in a loop."""
    await closed_case(client, auth)
    mismatches: list[str] = []
    for reader, (role, reader_claims) in NOT_ENTITLED.items():
        claims = dict(reader_claims)
        headers = auth(role, claims.pop("org", None), **claims)
        events = await events_for(client, headers)
        seen = [e["type"] for e in events if e["type"].startswith(MELDCODE)]
        if seen != []:
            mismatches.append(f"{reader} | GET {FEED}: Meldcode events {seen}")
        for kind in sorted(DATA_KEYS):  # asking by exact type reveals nothing either
            by_type = await events_for(client, headers, type=kind)
            if by_type != []:
                mismatches.append(f"{reader} | GET {FEED}?type={kind}: {len(by_type)} events")
    assert not mismatches, report(mismatches, len(NOT_ENTITLED))


async def test_roles_outside_the_feed_get_no_events_at_all(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    """One closed case; each role outside the feed is checked over it in a loop."""
    await closed_case(client, auth)
    roles = ["vrijwilliger", "gemeente"]
    mismatches: list[str] = []
    for role in roles:
        claims: dict[str, Any] = {"gemeenten": ["GM0363"]}  # the claim each role requires
        if role == "vrijwilliger":
            claims = {"vrijwilligerId": str(uuid.uuid4())}
        response = await client.get(FEED, headers=auth(role, **claims))
        if response.status_code != 403:
            mismatches.append(f"{role} | GET {FEED}: {response.status_code}, expected 403")
            continue
        code = response.json().get("code")
        if code != "geen-bevoegdheid":
            mismatches.append(f"{role} | GET {FEED}: code {code!r}, expected 'geen-bevoegdheid'")
    assert not mismatches, report(mismatches, len(roles))


async def test_meldcode_event_data_holds_only_ids_step_and_status_codes(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    await closed_case(client, auth)
    response = await client.get(FEED, params={"limit": 200}, headers=auth("coordinator"))
    events = [e for e in response.json()["resultaten"] if e["type"].startswith(MELDCODE)]

    assert events
    for event in events:
        data = event["data"]
        assert set(data) == DATA_KEYS[event["type"]], event["type"]
        for name, value in data.items():
            if name.endswith("Id"):
                assert str(uuid.UUID(value)) == value, name
            elif isinstance(value, bool):
                continue
            else:
                assert isinstance(value, str), name
                assert CODE.match(value), (name, value)  # a code, never free text (R37)
    for text in (
        SIGNAL["waarneming"],
        HELP["afspraken"],
        EVALUATION["afsprakenMonitoring"],
        decision()["motivering"],
        consultation()["advies"],
        conversation()["reactieClient"],
    ):
        assert text not in response.text


@pytest.mark.parametrize("role", ["coordinator", "vrijwilliger"])
async def test_an_acute_signal_answers_phone_112_or_veilig_thuis_and_is_announced(
    backend: str, client: httpx.AsyncClient, auth: Auth, role: str
) -> None:
    trajectory_id, volunteer_id = await matched_trajectory(client, auth)
    author = auth(role, vrijwilligerId=volunteer_id) if role == "vrijwilliger" else auth(role)
    created = await raise_signal(client, auth, trajectory_id, headers=author, acuutGevaar=True)
    body = created.json()
    acute = [
        e["data"]
        for e in await events_for(client, auth("coordinator"))
        if e["type"] == "nl.mim.meldcode.acuut-gesignaleerd"
    ]

    assert {"112", "0800-2000"} <= set(body["acuteInstructie"]["nummers"])  # R24
    assert body["acuteInstructie"]["tekst"]
    assert ("casusId" in body) is (role == "coordinator")  # §12.1: casusId for C/A/E only
    assert acute == [
        {
            "casusId": acute[0]["casusId"],
            "trajectId": trajectory_id,
            "signaalId": body["id"],
            "acuutGevaar": True,
        }
    ]
