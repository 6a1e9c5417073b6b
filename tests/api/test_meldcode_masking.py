"""The reason `meldcode` on every read of a trajectory (CONTRACT §7 Masking, §8.3, §9.2,
§12.3 `mim_voortzetting`, §13.1, §17; DOMAIN R6, R16, R36): unmasked only for C, A and E
holding meldcode.behandelen, `overig` for everyone else; `meldcodeCasusOpen` and
`juridischeBewaring` only with meldcode.behandelen (absent in REST, null in GraphQL)."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from tests.api.lifecycle_steps import Auth, active_volunteer, move, today, trajectory_in
from tests.api.meldcode_flow import continuation, raise_signal, record
from tests.api.meldcode_masking_world import (
    FEEDBACK,
    MELDCODE_VALUE,
    READERS,
    SCENARIOS,
    STATUS_CHANGED,
    WITHOUT_MELDCODE,
    build,
    feed,
    feedback,
    graphql_read_problems,
    referrer_view,
    report,
    rest_read_problems,
    trajectory_problems,
)
from tests.api.test_graphql_lifecycle import graphql


@pytest.mark.parametrize("scenario", SCENARIOS)
async def test_every_rest_read_of_the_trajectory_shows_meldcode_only_to_meldcode_readers(
    backend: str, client: httpx.AsyncClient, auth: Auth, scenario: str
) -> None:
    """One world per scenario; every reader's REST reads are checked over it in a loop."""
    setup = await build(client, auth, scenario)
    mismatches: list[str] = []
    for reader in READERS:
        found = await rest_read_problems(client, auth, setup, reader)
        mismatches += [f"{reader} | {problem}" for problem in found]
    assert not mismatches, report(scenario, mismatches, len(READERS))


@pytest.mark.parametrize("scenario", SCENARIOS)
async def test_graphql_traject_and_trajecten_show_meldcode_only_to_meldcode_readers(
    backend: str, client: httpx.AsyncClient, auth: Auth, scenario: str
) -> None:
    """One world per scenario; every reader's GraphQL reads are checked over it in a loop."""
    setup = await build(client, auth, scenario)
    mismatches: list[str] = []
    for reader in READERS:
        found = await graphql_read_problems(client, auth, setup, reader)
        mismatches += [f"{reader} | {problem}" for problem in found]
    assert not mismatches, report(scenario, mismatches, len(READERS))


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
    mismatches: list[str] = []
    where = f"GET /gebeurtenissen {STATUS_CHANGED}"
    for reader, headers in readers.items():
        events = (await feed(client, headers)).json()["resultaten"]
        changes = [
            e["data"]
            for e in events
            if e["type"] == STATUS_CHANGED and e["data"]["trajectId"] == setup.trajectory_id
        ]
        if not changes:
            mismatches.append(f"{reader} | {where}: no events of the trajectory")
            continue
        newest = (changes[-1]["naar"], changes[-1]["reden"])
        if newest != (setup.state, "overig"):
            mismatches.append(
                f"{reader} | {where}: naar/reden {newest[0]!r}/{newest[1]!r}, "
                f"expected {setup.state!r}/'overig'"
            )
        if any(d.get("reden") == "meldcode" for d in changes):
            mismatches.append(f"{reader} | {where}: reden 'meldcode' in an event")
    assert not mismatches, report(scenario, mismatches, len(readers))


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
