"""What the referrer is told (CONTRACT §8.3, §13.1, DOMAIN R16, R17): its thin status view
follows the trajectory, and `nl.mim.verwijzing.teruggekoppeld` goes out only when that view
changes and only with the mother's feedback consent; reasons are masked."""

from __future__ import annotations

from typing import Any

import httpx

from tests.api.lifecycle_steps import Auth, active_volunteer, move, today, visit
from tests.factories import an_idempotency_key, referral_body

FEEDBACK = "nl.mim.verwijzing.teruggekoppeld"


async def _referred(
    client: httpx.AsyncClient, auth: Auth, *, consent: list[str]
) -> tuple[str, str]:
    """(verwijzing id, traject id) of a referral the consultatiebureau sent."""
    scope: dict[str, Any] = {"toestemming.scope": consent}
    body = referral_body(**scope)
    headers = {**auth("verwijzer"), "Idempotency-Key": an_idempotency_key()}
    created = await client.post("/v1/verwijzingen", json=body, headers=headers)
    assert created.status_code == 201, created.text
    found = await client.post(
        "/v1/verwijzingen/_zoek",
        json={"referentie": body["verwijzer"]["referentie"]},
        headers=auth("coordinator"),
    )
    [view] = found.json()["resultaten"]
    return created.json()["id"], view["trajectId"]


async def _feedback(
    client: httpx.AsyncClient, auth: Auth, referral_id: str
) -> list[dict[str, Any]]:
    response = await client.get(
        "/v1/gebeurtenissen", params={"limit": 200}, headers=auth("verwijzer")
    )
    assert response.status_code == 200, response.text
    return [
        e["data"]
        for e in response.json()["resultaten"]
        if e["type"] == FEEDBACK and e["subject"] == referral_id
    ]


async def _view(client: httpx.AsyncClient, auth: Auth, referral_id: str) -> dict[str, Any]:
    response = await client.get(f"/v1/verwijzingen/{referral_id}", headers=auth("verwijzer"))
    assert response.status_code == 200, response.text
    view: dict[str, Any] = response.json()
    return view


async def test_the_referrer_hears_each_change_of_its_view_and_nothing_else(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    volunteer_id = await active_volunteer(client, auth)
    referral_id, trajectory_id = await _referred(
        client, auth, consent=["delen_met_mim", "terugkoppeling_aan_verwijzer"]
    )
    await move(client, auth, trajectory_id, {"naar": "intake", "intakeDatum": today().isoformat()})
    await move(
        client,
        auth,
        trajectory_id,
        {"naar": "wacht_op_match", "contraIndicatiesGecontroleerd": True},
    )
    await move(
        client, auth, trajectory_id, {"naar": "kennismaking", "vrijwilligerId": volunteer_id}
    )
    await visit(client, auth, trajectory_id)
    await move(client, auth, trajectory_id, {"naar": "uitvoering"})
    started = await _view(client, auth, referral_id)
    await move(
        client,
        auth,
        trajectory_id,
        {"naar": "onderbroken", "reden": "ziekte", "heroverwegingOp": today().isoformat()},
    )
    assert await _view(client, auth, referral_id) == started  # an interruption never shows
    await move(client, auth, trajectory_id, {"naar": "uitvoering"})
    await move(client, auth, trajectory_id, {"naar": "gestopt", "reden": "ziekte"})

    told = await _feedback(client, auth, referral_id)
    assert [(d["status"], d["reden"]) for d in told] == [
        ("in_behandeling", None),
        ("gestart", None),
        ("afgerond", "overig"),  # ziekte is masked
    ]
    final = await _view(client, auth, referral_id)
    assert (final["status"], final["reden"]) == ("afgerond", "overig")
    assert set(final) == {
        "id",
        "referentie",
        "ontvangenOp",
        "terugkoppelingToegestaan",
        "status",
        "reden",
        "statusGewijzigdOp",
    }  # never a volunteer, a phase or a visit (R16)


async def test_without_feedback_consent_status_is_null_and_no_event_goes_out(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    referral_id, trajectory_id = await _referred(client, auth, consent=["delen_met_mim"])
    await move(client, auth, trajectory_id, {"naar": "intake", "intakeDatum": today().isoformat()})
    await move(client, auth, trajectory_id, {"naar": "afgewezen", "reden": "contra_indicatie"})
    view = await _view(client, auth, referral_id)
    assert (view["terugkoppelingToegestaan"], view["status"], view["reden"]) == (False, None, None)
    assert await _feedback(client, auth, referral_id) == []


async def test_a_rejection_reads_niet_gestart_with_the_masked_reason(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    referral_id, trajectory_id = await _referred(
        client, auth, consent=["delen_met_mim", "terugkoppeling_aan_verwijzer"]
    )
    await move(client, auth, trajectory_id, {"naar": "afgewezen", "reden": "contra_indicatie"})
    view = await _view(client, auth, referral_id)
    assert (view["status"], view["reden"]) == ("niet_gestart", "overig")
    assert [d["status"] for d in await _feedback(client, auth, referral_id)] == ["niet_gestart"]
