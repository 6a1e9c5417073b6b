"""Changing volunteer (DOMAIN §2, R7, R12) and the matching suggestions (CONTRACT §11):
the old volunteer loses access at once, suggestions rank by the published score, and the
resume needs a new, available volunteer."""

from __future__ import annotations

import httpx

from tests.api.lifecycle_steps import Auth, active_volunteer, move, today, trajectory_in


async def test_a_volunteer_change_ends_her_access_and_the_resume_needs_a_new_match(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    old = await active_volunteer(client, auth, talen=["nl"], wijkcodes=[])
    trajectory_id = await trajectory_in(client, auth, "kennismaking", volunteer_id=old)
    as_old = auth("vrijwilliger", vrijwilligerId=old)
    assert (await client.get(f"/v1/trajecten/{trajectory_id}", headers=as_old)).status_code == 200

    await move(
        client,
        auth,
        trajectory_id,
        {
            "naar": "onderbroken",
            "reden": "vrijwilliger_wisselt",
            "heroverwegingOp": today().isoformat(),
        },
    )
    assert (await client.get(f"/v1/trajecten/{trajectory_id}", headers=as_old)).status_code == 404
    freed = await client.get(f"/v1/vrijwilligers/{old}", headers=auth("coordinator"))
    assert freed.json()["lopendeTrajecten"] == 0

    missing = await move(client, auth, trajectory_id, {"naar": "kennismaking"}, expect=400)
    assert missing.json()["invalidParams"][0] == {
        "name": "vrijwilligerId",
        "code": "verplicht",
        "reason": missing.json()["invalidParams"][0]["reason"],
    }
    unknown = "00000000-0000-4000-8000-0000000000ff"
    refused = await move(
        client, auth, trajectory_id, {"naar": "kennismaking", "vrijwilligerId": unknown}, expect=409
    )
    assert refused.json()["code"] == "vrijwilliger-niet-beschikbaar"

    new = await active_volunteer(client, auth)
    resumed = await move(
        client, auth, trajectory_id, {"naar": "kennismaking", "vrijwilligerId": new}
    )
    assert (resumed.json()["soort"], resumed.json()["vrijwilligerId"]) == ("hervatting", new)
    as_new = auth("vrijwilliger", vrijwilligerId=new)
    assert (await client.get(f"/v1/trajecten/{trajectory_id}", headers=as_new)).status_code == 200


async def test_suggestions_rank_by_the_published_score_and_explain_each_factor(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    # The mother speaks nl and rif (the factory's referral); wijkcode is not derived here.
    speaks = await active_volunteer(client, auth, talen=["nl"], capaciteit=2)
    other = await active_volunteer(client, auth, talen=["en"], capaciteit=2)
    await active_volunteer(client, auth, talen=["nl"], gemeente="GM0599", org="mim-andere")
    trajectory_id = await trajectory_in(client, auth, "wacht_op_match")
    response = await client.get(
        f"/v1/trajecten/{trajectory_id}/matchvoorstellen", headers=auth("coordinator")
    )
    assert response.status_code == 200, response.text
    ranked = response.json()["resultaten"]
    # 50 shared language + 10 same gemeente + 20 free capacity (2 of 2), no completed yet
    assert [(s["vrijwilligerId"], s["score"]) for s in ranked] == [(speaks, 80), (other, 30)]
    assert ranked[0]["criteria"] == ["taal", "wijk", "capaciteit"]
    assert [f["criterium"] for f in ranked[0]["factoren"]] == [
        "taal",
        "wijk",
        "capaciteit",
        "ervaring",
    ]


async def test_suggestions_outside_waiting_states_are_409_and_a_limit_above_10_is_400(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    trajectory_id = await trajectory_in(client, auth, "intake")
    url = f"/v1/trajecten/{trajectory_id}/matchvoorstellen"
    wrong_state = await client.get(url, headers=auth("coordinator"))
    assert (wrong_state.status_code, wrong_state.json()["code"]) == (409, "ongeldige-status")
    too_many = await client.get(url, params={"limit": 11}, headers=auth("coordinator"))
    assert too_many.status_code == 400
    assert too_many.json()["invalidParams"][0]["name"] == "limit"
