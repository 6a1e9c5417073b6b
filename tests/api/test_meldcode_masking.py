"""The reason `meldcode` on every read of a trajectory (CONTRACT §7 Masking, §8.3, §9.2,
§12.3 `mim_voortzetting`, §13.1, §17; DOMAIN R6, R16, R36): unmasked only for C, A and E
holding meldcode.behandelen, `overig` for everyone else; `meldcodeCasusOpen` and
`juridischeBewaring` only with meldcode.behandelen (absent in REST, null in GraphQL)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
import pytest

from tests.api.lifecycle_steps import Auth, active_volunteer, move, today, trajectory_in
from tests.api.meldcode_flow import continuation, raise_signal, record
from tests.api.test_graphql_lifecycle import graphql
from tests.factories import an_idempotency_key, referral_body

FEEDBACK = "nl.mim.verwijzing.teruggekoppeld"
STATUS_CHANGED = "nl.mim.traject.status-gewijzigd"
MELDCODE_VALUE = '"meldcode"'
WITHOUT_MELDCODE = "trajecten.lezen trajecten.bijwerken"
# (auth claims, unmasked); the volunteer's vrijwilligerId is added per test.
READERS: dict[str, tuple[dict[str, Any], bool]] = {
    "coordinator": ({"role": "coordinator"}, True),
    "aandachtsfunctionaris": ({"role": "aandachtsfunctionaris"}, True),
    "eindverantwoordelijke": ({"role": "eindverantwoordelijke"}, True),
    "coordinator-zonder-meldcode": ({"role": "coordinator", "scope": WITHOUT_MELDCODE}, False),
    "vrijwilliger": ({"role": "vrijwilliger"}, False),
}
# The read paths do not depend on the route into the state; the plain transition route is
# tested on its own below.
SCENARIOS = ["pauze-via-stap", "stop-via-stap"]
TRAJECT_GQL = """
query Lezen($id: ID!) {
  traject(id: $id) {
    id status reden meldcodeCasusOpen juridischeBewaring
    overgangen { naar reden toelichting }
  }
  trajecten(limit: 200) {
    resultaten { id status reden meldcodeCasusOpen juridischeBewaring overgangen { naar reden } }
  }
}"""


@dataclass
class Setup:
    trajectory_id: str
    volunteer_id: str
    referral_id: str
    state: str
    view_before: dict[str, Any] = field(default_factory=dict)
    feedback_before: list[dict[str, Any]] = field(default_factory=list)


def headers_of(auth: Auth, reader: str, setup: Setup) -> dict[str, str]:
    claims = dict(READERS[reader][0])
    if reader == "vrijwilliger":
        claims["vrijwilligerId"] = setup.volunteer_id
    return auth(claims.pop("role"), **claims)


async def referrer_view(client: httpx.AsyncClient, auth: Auth, referral_id: str) -> dict[str, Any]:
    response = await client.get(f"/v1/verwijzingen/{referral_id}", headers=auth("verwijzer"))
    assert response.status_code == 200, response.text
    view: dict[str, Any] = response.json()
    return view


async def feed(client: httpx.AsyncClient, headers: dict[str, str]) -> httpx.Response:
    response = await client.get("/v1/gebeurtenissen", params={"limit": 200}, headers=headers)
    assert response.status_code == 200, response.text
    return response


async def feedback(client: httpx.AsyncClient, auth: Auth, referral_id: str) -> list[Any]:
    events = (await feed(client, auth("verwijzer"))).json()["resultaten"]
    return [e["data"] for e in events if e["type"] == FEEDBACK and e["subject"] == referral_id]


async def build(client: httpx.AsyncClient, auth: Auth, scenario: str) -> Setup:
    """A referral with feedback consent, matched, a case open, then paused or stopped with
    reden `meldcode`; the referrer's view and feedback are kept from just before."""
    volunteer_id = await active_volunteer(client, auth)
    sent = {**auth("verwijzer"), "Idempotency-Key": an_idempotency_key()}
    created = await client.post("/v1/verwijzingen", json=referral_body(), headers=sent)
    assert created.status_code == 201, created.text
    referral_id = created.json()["id"]
    found = await client.get(f"/v1/verwijzingen/{referral_id}", headers=auth("coordinator"))
    trajectory_id = found.json()["trajectId"]
    for step in (
        {"naar": "intake", "intakeDatum": today().isoformat()},
        {"naar": "wacht_op_match", "contraIndicatiesGecontroleerd": True},
        {"naar": "kennismaking", "vrijwilligerId": volunteer_id},
    ):
        await move(client, auth, trajectory_id, step)
    case_id = (await raise_signal(client, auth, trajectory_id)).json()["casusId"]
    state = "gestopt" if scenario.startswith("stop") else "onderbroken"
    setup = Setup(trajectory_id, volunteer_id, referral_id, state)
    setup.view_before = await referrer_view(client, auth, referral_id)
    setup.feedback_before = await feedback(client, auth, referral_id)
    review = (today() + timedelta(days=14)).isoformat()
    if scenario == "pauze-via-stap":
        await record(client, auth, case_id, continuation("onderbreken", heroverwegingOp=review))
    elif scenario == "pauze-via-overgang":
        pause = {"naar": "onderbroken", "reden": "meldcode", "heroverwegingOp": review}
        await move(client, auth, trajectory_id, pause)
    else:
        await record(client, auth, case_id, continuation("beeindigen"))
    return setup


def trajectory_problems(where: str, body: dict[str, Any], unmasked: bool, state: str) -> list[str]:
    problems = []
    if body.get("status") != state:
        problems.append(f"{where}: status {body.get('status')!r}, expected {state!r}")
    reason = "meldcode" if unmasked else "overig"
    if body.get("reden") != reason:
        problems.append(f"{where}: reden {body.get('reden')!r}, expected {reason!r}")
    for name in ("meldcodeCasusOpen", "juridischeBewaring"):
        if unmasked and body.get(name) is not True:
            problems.append(f"{where}: {name} {body.get(name, '<absent>')!r}, expected True")
        if not unmasked and name in body:
            problems.append(f"{where}: {name} present ({body[name]!r}), expected absent")
    return problems


async def get(
    client: httpx.AsyncClient, url: str, headers: dict[str, str], **params: Any
) -> httpx.Response:
    return await client.get(url, params=params, headers=headers)


@pytest.mark.parametrize("reader", list(READERS))
@pytest.mark.parametrize("scenario", SCENARIOS)
async def test_every_rest_read_of_the_trajectory_shows_meldcode_only_to_meldcode_readers(
    backend: str, client: httpx.AsyncClient, auth: Auth, scenario: str, reader: str
) -> None:
    setup = await build(client, auth, scenario)
    headers = headers_of(auth, reader, setup)
    unmasked = READERS[reader][1]
    url = f"/v1/trajecten/{setup.trajectory_id}"
    reads: dict[str, httpx.Response] = {
        "GET /trajecten/{id}": await get(client, url, headers),
        "GET /trajecten/{id}?expand": await get(
            client, url, headers, expand="moeder,vrijwilliger,huisbezoeken"
        ),
        "GET /trajecten": await get(client, "/v1/trajecten", headers, limit=200),
        "GET /trajecten?expand": await get(
            client, "/v1/trajecten", headers, limit=200, expand="vrijwilliger,moeder"
        ),
        "GET /trajecten?status": await get(client, "/v1/trajecten", headers, status=setup.state),
        "GET /trajecten/{id}/overgangen": await get(client, f"{url}/overgangen", headers),
    }
    if reader in ("coordinator", "coordinator-zonder-meldcode", "vrijwilliger"):
        reads["GET /vrijwilligers/{id}/trajecten"] = await get(
            client, f"/v1/vrijwilligers/{setup.volunteer_id}/trajecten", headers
        )
    problems: list[str] = []
    if reader == "vrijwilliger" and setup.state == "gestopt":
        # A terminal state ends her access (CONTRACT §3): 404, absent from her lists.
        for where, response in reads.items():
            if where.startswith("GET /trajecten/{id}"):
                if response.status_code != 404:
                    problems.append(f"{where}: {response.status_code}, expected 404")
            elif setup.trajectory_id in response.text:
                problems.append(f"{where}: her ended trajectory is listed")
        assert problems == []
        return

    for where, response in reads.items():
        if response.status_code != 200:
            problems.append(f"{where}: {response.status_code} {response.text[:200]}")
            continue
        if not unmasked and MELDCODE_VALUE in response.text:
            problems.append(f"{where}: the value 'meldcode' appears in the body")
        body = response.json()
        if "overgangen" in where:
            continue
        items = body.get("resultaten", [body])
        mine = [t for t in items if t["id"] == setup.trajectory_id]
        if len(mine) != 1:
            problems.append(f"{where}: the trajectory is listed {len(mine)} times")
            continue
        problems += trajectory_problems(where, mine[0], unmasked, setup.state)

    transitions = reads["GET /trajecten/{id}/overgangen"]
    if transitions.status_code == 200:
        newest = transitions.json()["resultaten"][0]
        one = await get(client, f"{url}/overgangen/{newest['id']}", headers)
        if one.status_code != 200:
            problems.append(f"GET /overgangen/{{id}}: {one.status_code}")
        elif not unmasked and MELDCODE_VALUE in one.text:
            problems.append("GET /overgangen/{id}: the value 'meldcode' appears in the body")
        reason = "meldcode" if unmasked else "overig"
        for where, item in (("GET /overgangen", newest), ("GET /overgangen/{id}", one.json())):
            if (item.get("naar"), item.get("reden")) != (setup.state, reason):
                problems.append(
                    f"{where}: naar/reden {item.get('naar')!r}/{item.get('reden')!r}, "
                    f"expected {setup.state!r}/{reason!r}"
                )
            if reader == "vrijwilliger" and "toelichting" in item:
                problems.append(f"{where}: toelichting present for the volunteer")
    assert problems == []


@pytest.mark.parametrize("reader", list(READERS))
@pytest.mark.parametrize("scenario", SCENARIOS)
async def test_graphql_traject_and_trajecten_show_meldcode_only_to_meldcode_readers(
    backend: str, client: httpx.AsyncClient, auth: Auth, scenario: str, reader: str
) -> None:
    setup = await build(client, auth, scenario)
    unmasked = READERS[reader][1]
    body = await graphql(
        client, TRAJECT_GQL, headers_of(auth, reader, setup), {"id": setup.trajectory_id}
    )
    assert "errors" not in body, body
    one = body["data"]["traject"]
    listed = [t for t in body["data"]["trajecten"]["resultaten"] if t["id"] == setup.trajectory_id]
    if reader == "vrijwilliger" and setup.state == "gestopt":
        assert (one, listed) == (None, [])  # her access ended with the trajectory
        return

    derived = True if unmasked else None  # hidden fields resolve to null (CONTRACT §9.2)
    reason = "meldcode" if unmasked else "overig"
    for trajectory in (one, *listed):
        assert (trajectory["status"], trajectory["reden"]) == (setup.state, reason)
        assert trajectory["meldcodeCasusOpen"] is derived
        assert trajectory["juridischeBewaring"] is derived
        newest = trajectory["overgangen"][0]
        assert (newest["naar"], newest["reden"]) == (setup.state, reason)
    assert len(listed) == 1
    if not unmasked:
        assert all(o["reden"] != "meldcode" for o in one["overgangen"])
    if reader == "vrijwilliger":
        assert all(o["toelichting"] is None for o in one["overgangen"])


@pytest.mark.parametrize("scenario", SCENARIOS)
async def test_graphql_verwijzing_traject_masks_meldcode_without_behandelen(
    backend: str, client: httpx.AsyncClient, auth: Auth, scenario: str
) -> None:
    setup = await build(client, auth, scenario)
    query = """query($id: ID!) { verwijzing(id: $id) {
      status reden traject { reden meldcodeCasusOpen juridischeBewaring } } }"""
    variables = {"id": setup.referral_id}
    full = await graphql(client, query, auth("coordinator"), variables)
    masked_scope = "verwijzingen.lezen trajecten.lezen"
    masked = await graphql(client, query, auth("coordinator", scope=masked_scope), variables)
    referrer = await graphql(client, query, auth("verwijzer"), variables)

    assert full["data"]["verwijzing"]["traject"] == {
        "reden": "meldcode",
        "meldcodeCasusOpen": True,
        "juridischeBewaring": True,
    }
    assert masked["data"]["verwijzing"]["traject"] == {
        "reden": "overig",
        "meldcodeCasusOpen": None,
        "juridischeBewaring": None,
    }
    assert "errors" not in referrer, referrer
    assert referrer["data"]["verwijzing"]["traject"] is None
    assert MELDCODE_VALUE not in str(referrer).replace("'", '"')


@pytest.mark.parametrize("scenario", SCENARIOS)
async def test_status_gewijzigd_carries_overig_for_every_reader_of_the_feed(
    backend: str, client: httpx.AsyncClient, auth: Auth, scenario: str
) -> None:
    setup = await build(client, auth, scenario)
    readers = {
        "coordinator": auth("coordinator"),
        "aandachtsfunctionaris": auth("aandachtsfunctionaris"),
        "eindverantwoordelijke": auth("eindverantwoordelijke"),
        "coordinator-zonder-meldcode": auth("coordinator", scope="gebeurtenissen.lezen"),
        "beheer": auth("beheer"),
    }
    for reader, headers in readers.items():
        events = (await feed(client, headers)).json()["resultaten"]
        changes = [
            e["data"]
            for e in events
            if e["type"] == STATUS_CHANGED and e["data"]["trajectId"] == setup.trajectory_id
        ]
        assert (changes[-1]["naar"], changes[-1]["reden"]) == (setup.state, "overig"), reader
        assert all(d.get("reden") != "meldcode" for d in changes), reader


@pytest.mark.parametrize("scenario", SCENARIOS)
async def test_the_referrer_never_learns_of_meldcode(
    backend: str, client: httpx.AsyncClient, auth: Auth, scenario: str
) -> None:
    setup = await build(client, auth, scenario)
    view = await referrer_view(client, auth, setup.referral_id)
    told = await feedback(client, auth, setup.referral_id)
    search = await client.post(
        "/v1/verwijzingen/_zoek",
        json={"referentie": setup.view_before["referentie"]},
        headers=auth("verwijzer"),
    )
    events = await feed(client, auth("verwijzer"))

    if setup.state == "onderbroken":  # a pause does not even change the referrer's view (R17)
        assert view == setup.view_before
        assert (view["status"], view["reden"]) == ("gestart", None)
        assert told == setup.feedback_before
    else:
        assert (view["status"], view["reden"]) == ("afgerond", "overig")
        final = {"verwijzingId": setup.referral_id, "status": "afgerond", "reden": "overig"}
        assert told == [*setup.feedback_before, final]
    assert search.json()["resultaten"] == [view]
    assert "trajectId" not in view
    assert {e["type"] for e in events.json()["resultaten"]} <= {FEEDBACK}
    for response in (search, events):
        assert MELDCODE_VALUE not in response.text


async def test_a_plain_meldcode_pause_while_a_case_is_open_is_accepted_and_read_masked(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    # CONTRACT §9.4: kennismaking -> onderbroken with reden meldcode needs meldcode.behandelen
    # and a case of the trajectory that is not afgesloten; `build` raised a signal first.
    setup = await build(client, auth, "pauze-via-overgang")
    url = f"/v1/trajecten/{setup.trajectory_id}"
    full = await client.get(url, headers=auth("coordinator"))
    masked = await client.get(url, headers=auth("coordinator", scope=WITHOUT_MELDCODE))
    newest = (await client.get(f"{url}/overgangen", headers=auth("coordinator"))).json()

    assert trajectory_problems("coordinator", full.json(), True, "onderbroken") == []
    assert trajectory_problems("zonder meldcode", masked.json(), False, "onderbroken") == []
    assert newest["resultaten"][0]["reden"] == "meldcode"


async def test_setting_meldcode_needs_behandelen_and_a_meldcode_pause_resumes_only_by_step(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    volunteer_id = await active_volunteer(client, auth)
    trajectory_id = await trajectory_in(client, auth, "kennismaking", volunteer_id=volunteer_id)
    case_id = (await raise_signal(client, auth, trajectory_id)).json()["casusId"]
    review = (today() + timedelta(days=14)).isoformat()
    pause = {"naar": "onderbroken", "reden": "meldcode", "heroverwegingOp": review}
    masked = auth("coordinator", scope=WITHOUT_MELDCODE)
    refused = await move(client, auth, trajectory_id, pause, headers=masked, expect=403)
    step = await client.post(
        f"/v1/meldcode-casussen/{case_id}/stappen",
        json=continuation("onderbreken", heroverwegingOp=review),
        headers=masked,
    )
    still = await client.get(f"/v1/trajecten/{trajectory_id}", headers=auth("coordinator"))

    assert refused.json()["code"] == "geen-bevoegdheid"  # R6
    assert step.status_code == 403
    assert (still.json()["status"], still.json()["versie"]) == ("kennismaking", 4)
    await record(client, auth, case_id, continuation("onderbreken", heroverwegingOp=review))
    resumed = await move(client, auth, trajectory_id, {"naar": "kennismaking"}, expect=409)
    assert resumed.json()["voorwaarde"] == "meldcode-besluit-vereist"  # R13
