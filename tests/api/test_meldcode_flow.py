"""The Meldcode workflow over HTTP as a client calls it (CONTRACT §12, §20.5; DOMAIN R22-R33):
the whole path of a case, and each refusal leaving nothing stored."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from tests.api.lifecycle_steps import Auth, move, today
from tests.api.meldcode_flow import (
    case_in,
    consultation,
    continuation,
    conversation,
    decision,
    mapped,
    matched_trajectory,
    raise_signal,
    record,
    report,
    weighing,
)
from tests.factories import an_idempotency_key


async def _case(client: httpx.AsyncClient, auth: Auth, case_id: str) -> dict[str, Any]:
    response = await client.get(f"/v1/meldcode-casussen/{case_id}", headers=auth("coordinator"))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_a_volunteers_signal_runs_through_the_five_steps_to_closure(
    client: httpx.AsyncClient, auth: Auth, backend: str
) -> None:
    trajectory_id, volunteer_id = await matched_trajectory(client, auth)
    volunteer = auth("vrijwilliger", vrijwilligerId=volunteer_id, sub="v-77")
    signalled = await raise_signal(client, auth, trajectory_id, headers=volunteer)
    assert signalled.json().keys() == {"id", "status"}  # R23: never the case
    assert signalled.json()["status"] == "ontvangen"
    signal_path = f"/v1/signalen/{signalled.json()['id']}"
    listed = await client.get(
        "/v1/meldcode-casussen", params={"trajectId": trajectory_id}, headers=auth("coordinator")
    )
    case_id = listed.json()["resultaten"][0]["id"]
    for body in (mapped(), consultation(), conversation(), weighing(unsafety=True)):
        await record(client, auth, case_id, body)
    own = await client.get(signal_path, headers=volunteer)
    assert own.json() == {"id": signalled.json()["id"], "status": "in_behandeling"}
    steps = await client.get(
        f"/v1/meldcode-casussen/{case_id}/stappen", headers=auth("coordinator")
    )
    vt_consultation = steps.json()["resultaten"][1]["id"]
    decided = await record(
        client,
        auth,
        case_id,
        decision(meldenNoodzakelijk=True, veiligThuisStapId=vt_consultation),
        role="eindverantwoordelijke",
        headers={"If-Match": '"5"'},  # as CONTRACT §20.5
    )
    assert decided.headers["etag"] == '"6"'
    assert decided.json()["statusNa"] == "besloten"
    assert decided.json()["volgnummer"] == 5
    await record(client, auth, case_id, report())
    closed = await record(
        client, auth, case_id, {"stap": "afsluiting", "reden": "overgedragen_aan_vt"}
    )
    assert closed.json()["statusNa"] == "afgesloten"
    case = await _case(client, auth, case_id)
    assert case["status"] == "afgesloten"
    assert case["besluit"]["meldenNoodzakelijk"] is True
    assert case["meldingGedaan"] is True
    assert case["juridischeBewaring"] is True
    assert case["bewaartermijnTot"] == today().replace(year=today().year + 5).isoformat()
    assert (await client.get(signal_path, headers=volunteer)).json()["status"] == "afgerond"
    trajectory = await client.get(f"/v1/trajecten/{trajectory_id}", headers=auth("coordinator"))
    assert trajectory.json()["meldcodeCasusOpen"] is False
    assert trajectory.json()["juridischeBewaring"] is True


async def test_refusals_store_nothing_and_name_the_rule(
    client: httpx.AsyncClient, auth: Auth, backend: str
) -> None:
    _, case_id = await case_in(client, auth, "gewogen")
    before = await _case(client, auth, case_id)
    # §20.5: afweging4 false, the rest unchanged -> both decision rules, in order
    refused = await record(
        client, auth, case_id, decision(afweging4=False), role="eindverantwoordelijke", expect=400
    )
    assert refused.json()["code"] == "besluit-strijdig-met-afweging"
    assert [p["name"] for p in refused.json()["invalidParams"]] == [
        "meldenNoodzakelijk",
        "hulpMogelijk",
    ]
    forbidden = await record(client, auth, case_id, decision(), expect=403)  # R30
    assert forbidden.json()["code"] == "geen-bevoegdheid"
    out_of_order = await record(client, auth, case_id, mapped(), expect=409)  # R25
    assert out_of_order.json()["code"] == "ongeldige-overgang"
    assert out_of_order.json()["van"] == "gewogen"
    missing = dict(decision())
    del missing["motivering"]
    unnamed = await record(client, auth, case_id, missing, role="eindverantwoordelijke", expect=400)
    assert unnamed.json()["invalidParams"][0]["name"] == "motivering"
    stale = await record(
        client,
        auth,
        case_id,
        decision(),
        role="eindverantwoordelijke",
        headers={"If-Match": '"2"'},
        expect=412,
    )
    assert stale.json()["huidigeVersie"] == before["versie"]
    after = await _case(client, auth, case_id)
    assert (after["versie"], after["aantalStappen"]) == (before["versie"], before["aantalStappen"])


async def test_doubt_and_skipping_the_conversation_have_their_own_rules(
    client: httpx.AsyncClient, auth: Auth, backend: str
) -> None:
    trajectory_id, _ = await matched_trajectory(client, auth)
    case_id = (await raise_signal(client, auth, trajectory_id)).json()["casusId"]
    await record(client, auth, case_id, mapped())
    await record(client, auth, case_id, consultation("collega"))
    skip = {"stap": "gesprek_overgeslagen", "reden": "geen_zin", "toelichting": "Zie dossier."}
    refused = await record(client, auth, case_id, skip, expect=400)  # R25
    assert refused.json()["invalidParams"][0]["name"] == "reden"
    skip["reden"] = "veiligheid_in_geding"
    await record(client, auth, case_id, skip)
    doubt = {**weighing(), "twijfel": True}
    refused = await record(client, auth, case_id, doubt, expect=409)  # R26
    assert refused.json()["code"] == "veilig-thuis-consultatie-vereist"
    await record(client, auth, case_id, consultation("veilig_thuis"), role="aandachtsfunctionaris")
    await record(client, auth, case_id, doubt)
    assert (await _case(client, auth, case_id))["status"] == "gewogen"


async def test_the_trajectory_pauses_and_resumes_only_through_the_case(
    client: httpx.AsyncClient, auth: Auth, backend: str
) -> None:
    trajectory_id, _ = await matched_trajectory(client, auth)
    review = today().replace(year=today().year + 1).isoformat()
    pause = {"naar": "onderbroken", "reden": "meldcode", "heroverwegingOp": review}
    refused = await move(client, auth, trajectory_id, pause, expect=409)  # R13: no case yet
    assert refused.json()["voorwaarde"] == "meldcode-casus-vereist"
    before = await client.get(f"/v1/trajecten/{trajectory_id}", headers=auth("coordinator"))
    _, case_id = await case_in(client, auth, "signaal_ontvangen", trajectory_id=trajectory_id)
    opened = await client.get(f"/v1/trajecten/{trajectory_id}", headers=auth("coordinator"))
    assert opened.json()["versie"] == before.json()["versie"]  # R33
    assert opened.json()["meldcodeCasusOpen"] is True
    await record(client, auth, case_id, continuation("onderbreken", heroverwegingOp=review))
    paused = await client.get(f"/v1/trajecten/{trajectory_id}", headers=auth("coordinator"))
    assert (paused.json()["status"], paused.json()["reden"]) == ("onderbroken", "meldcode")
    resume = await move(client, auth, trajectory_id, {"naar": "kennismaking"}, expect=409)
    assert resume.json()["voorwaarde"] == "meldcode-besluit-vereist"
    await record(client, auth, case_id, continuation("voortzetten"))
    resumed = await client.get(f"/v1/trajecten/{trajectory_id}", headers=auth("coordinator"))
    assert (resumed.json()["status"], resumed.json()["reden"]) == ("kennismaking", None)
    history = await client.get(
        f"/v1/trajecten/{trajectory_id}/overgangen", headers=auth("coordinator")
    )
    assert [o["naar"] for o in history.json()["resultaten"][:2]] == ["kennismaking", "onderbroken"]


async def test_interrupting_before_the_first_phase_stores_nothing(
    client: httpx.AsyncClient, auth: Auth, backend: str
) -> None:
    from tests.api.lifecycle_steps import trajectory_in

    trajectory_id = await trajectory_in(client, auth, "wacht_op_match")
    _, case_id = await case_in(client, auth, "signaal_ontvangen", trajectory_id=trajectory_id)
    body = continuation("onderbreken", heroverwegingOp=today().isoformat())
    refused = await record(client, auth, case_id, body, expect=409)  # R33
    assert refused.json()["code"] == "ongeldige-overgang"
    case = await _case(client, auth, case_id)
    assert (case["versie"], case["aantalStappen"]) == (1, 0)
    trajectory = await client.get(f"/v1/trajecten/{trajectory_id}", headers=auth("coordinator"))
    assert trajectory.json()["status"] == "wacht_op_match"


async def test_signals_join_the_open_case_and_replay_under_their_key(
    client: httpx.AsyncClient, auth: Auth, backend: str
) -> None:
    trajectory_id, _ = await matched_trajectory(client, auth)
    first, second = await asyncio.gather(  # R22: never two open cases, even in a race
        raise_signal(client, auth, trajectory_id), raise_signal(client, auth, trajectory_id)
    )
    assert first.json()["casusId"] == second.json()["casusId"]
    case = await _case(client, auth, first.json()["casusId"])
    assert (len(case["signalen"]), case["versie"]) == (2, 2)
    headers = {**auth("coordinator", sub="c-1"), "Idempotency-Key": an_idempotency_key()}
    acute = await raise_signal(client, auth, trajectory_id, headers=headers, acuutGevaar=True)
    again = await raise_signal(client, auth, trajectory_id, headers=headers, acuutGevaar=True)
    assert again.json() == acute.json()
    assert again.headers["idempotency-replayed"] == "true"
    assert "112" in acute.json()["acuteInstructie"]["nummers"]
    assert len((await _case(client, auth, first.json()["casusId"]))["signalen"]) == 3
    stopped = await client.post(
        f"/v1/trajecten/{trajectory_id}/overgangen",
        json={"naar": "gestopt", "reden": "verhuisd"},
        headers=auth("coordinator"),
    )
    assert stopped.status_code == 201, stopped.text
    terminal = await raise_signal(client, auth, trajectory_id, expect=409)  # R22
    assert terminal.json()["code"] == "ongeldige-status"
