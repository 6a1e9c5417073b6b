"""PATCH /v1/trajecten/{id} over HTTP (CONTRACT §9.3, §5.1, §8.3, §13.1; DOMAIN R2, R10,
R17, R37): a merge patch with If-Match of contact, child and a shrinking consent scope."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from domain.model.calendar import add_months
from tests.api.lifecycle_steps import Auth, active_volunteer, move, today
from tests.api.test_trajectory_reads import register
from tests.factories import an_idempotency_key, referral_body

URL = "/v1/trajecten"
MERGE = {"Content-Type": "application/merge-patch+json"}
UPDATED = "nl.mim.traject.bijgewerkt"
FEEDBACK = "nl.mim.verwijzing.teruggekoppeld"


async def patch(
    client: httpx.AsyncClient,
    auth: Auth,
    trajectory_id: str,
    body: dict[str, Any],
    *,
    etag: str | None = '"1"',
) -> httpx.Response:
    headers = {**auth("coordinator"), **MERGE, **({"If-Match": etag} if etag else {})}
    return await client.patch(f"{URL}/{trajectory_id}", json=body, headers=headers)


async def read(
    client: httpx.AsyncClient, auth: Auth, trajectory_id: str, query: str = ""
) -> dict[str, Any]:
    response = await client.get(f"{URL}/{trajectory_id}{query}", headers=auth("coordinator"))
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


async def referred(client: httpx.AsyncClient, auth: Auth, **changes: Any) -> tuple[str, str]:
    """A referral sent by the referrer itself; returns (verwijzing id, traject id)."""
    headers = {**auth("verwijzer"), "Idempotency-Key": an_idempotency_key()}
    response = await client.post("/v1/verwijzingen", json=referral_body(**changes), headers=headers)
    assert response.status_code == 201, response.text
    referral_id: str = response.json()["id"]
    host_view = await client.get(f"/v1/verwijzingen/{referral_id}", headers=auth("coordinator"))
    return referral_id, str(host_view.json()["trajectId"])


async def matched(client: httpx.AsyncClient, auth: Auth, **match: Any) -> str:
    """A self-registration (child of 60 days) moved to kennismaking; `match` adds fields."""
    volunteer_id = await active_volunteer(client, auth)
    trajectory_id = await register(client, auth)
    await move(client, auth, trajectory_id, {"naar": "intake", "intakeDatum": today().isoformat()})
    await move(
        client,
        auth,
        trajectory_id,
        {"naar": "wacht_op_match", "contraIndicatiesGecontroleerd": True},
    )
    await move(
        client,
        auth,
        trajectory_id,
        {"naar": "kennismaking", "vrijwilligerId": volunteer_id, **match},
    )
    return trajectory_id


def births_around_the_18_month_boundary() -> tuple[date, date]:
    """(the youngest birth date that is 18 months old today, the oldest that is not)."""
    days = [today() - timedelta(days=n) for n in range(500, 600)]
    too_old = max(d for d in days if add_months(d, 18) <= today())
    young_enough = min(d for d in days if add_months(d, 18) > today())
    return too_old, young_enough


async def test_a_new_phone_number_is_stored_as_e164_under_a_new_version(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    trajectory_id = await register(client, auth)

    response = await patch(client, auth, trajectory_id, {"moeder": {"telefoon": "06 11112222"}})

    assert response.status_code == 200, response.text
    assert (response.json()["versie"], response.headers["etag"]) == (2, '"2"')
    expanded = await read(client, auth, trajectory_id, "?expand=moeder")
    assert expanded["_expand"]["moeder"]["telefoon"] == "+31611112222"


@pytest.mark.parametrize(
    ("etag", "refusal"),  # refusal: (status, code, huidigeVersie)
    [(None, (428, "if-match-vereist", None)), ('"0"', (412, "versie-conflict", 1))],
    ids=["without", "stale"],
)
async def test_a_patch_needs_the_current_version_and_changes_nothing_without_it(
    backend: str, client: httpx.AsyncClient, auth: Auth, etag: str | None, refusal: Any
) -> None:
    trajectory_id = await register(client, auth)
    body = {"moeder": {"roepnaam": "Nieuw"}}

    response = await patch(client, auth, trajectory_id, body, etag=etag)

    problem = response.json()
    assert (response.status_code, problem["code"], problem.get("huidigeVersie")) == refusal
    after = await read(client, auth, trajectory_id)
    assert (after["versie"], after["moeder"]["roepnaam"]) == (1, "Testmoeder")


@pytest.mark.parametrize(
    ("body", "name"),
    [
        ({"moeder": {"geslacht": "v"}}, "moeder.geslacht"),
        ({"kind": {"leeftijdInMaanden": 3}}, "kind.leeftijdInMaanden"),
        ({"status": "intake"}, "status"),
    ],
)
async def test_an_unknown_or_read_only_field_is_400_onbekend_veld(
    backend: str, client: httpx.AsyncClient, auth: Auth, body: dict[str, Any], name: str
) -> None:
    trajectory_id = await register(client, auth)

    response = await patch(client, auth, trajectory_id, body)

    problem = response.json()
    assert (response.status_code, problem["code"]) == (400, "onbekend-veld")
    assert problem["invalidParams"][0]["name"] == name


async def test_null_on_moeder_roepnaam_is_400_verplicht(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    trajectory_id = await register(client, auth)

    response = await patch(client, auth, trajectory_id, {"moeder": {"roepnaam": None}})

    problem = response.json()
    assert (response.status_code, problem["code"]) == (400, "verplicht")
    assert problem["invalidParams"][0]["name"] == "moeder.roepnaam"


async def test_withdrawing_feedback_consent_nulls_the_referrers_status(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    referral_id, trajectory_id = await referred(client, auth)
    view = f"/v1/verwijzingen/{referral_id}"
    before = (await client.get(view, headers=auth("verwijzer"))).json()

    response = await patch(
        client, auth, trajectory_id, {"toestemming": {"scope": ["delen_met_mim"]}}
    )

    assert response.status_code == 200, response.text
    assert response.json()["toestemming"]["scope"] == ["delen_met_mim"]
    after = (await client.get(view, headers=auth("verwijzer"))).json()
    assert (before["status"], before["terugkoppelingToegestaan"]) == ("ontvangen", True)
    assert (after["status"], after["terugkoppelingToegestaan"]) == (None, False)


@pytest.mark.parametrize("scope", [["terugkoppeling_aan_verwijzer"], []])
async def test_dropping_delen_met_mim_is_400_geen_toestemming(
    backend: str, client: httpx.AsyncClient, auth: Auth, scope: list[str]
) -> None:
    trajectory_id = await register(client, auth)

    response = await patch(client, auth, trajectory_id, {"toestemming": {"scope": scope}})

    problem = response.json()
    assert (response.status_code, problem["code"]) == (400, "geen-toestemming")
    assert problem["invalidParams"][0]["name"] == "toestemming.scope"
    assert (await read(client, auth, trajectory_id))["versie"] == 1


async def test_adding_a_consent_scope_is_400(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    _, trajectory_id = await referred(client, auth, **{"toestemming.scope": ["delen_met_mim"]})
    wider = {"toestemming": {"scope": ["delen_met_mim", "terugkoppeling_aan_verwijzer"]}}

    response = await patch(client, auth, trajectory_id, wider)

    problem = response.json()  # §9.3 names no code: a value outside the allowed set
    assert (response.status_code, problem["code"]) == (400, "ongeldige-waarde")
    assert problem["invalidParams"][0]["name"] == "toestemming.scope"
    assert (await read(client, auth, trajectory_id))["toestemming"]["scope"] == ["delen_met_mim"]


async def test_a_new_birth_date_moves_the_24_month_date_and_the_default_planned_end(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    trajectory_id = await matched(client, auth)
    before = await read(client, auth, trajectory_id)
    birth = date.fromisoformat(before["kind"]["geboortedatum"]) - timedelta(days=10)

    response = await patch(
        client,
        auth,
        trajectory_id,
        {"kind": {"geboortedatum": birth.isoformat()}},
        etag=f'"{before["versie"]}"',
    )

    assert response.status_code == 200, response.text
    after = response.json()
    assert before["geplandeEinddatum"] == add_months(birth + timedelta(days=10), 18).isoformat()
    assert (after["maximaleEinddatum"], after["geplandeEinddatum"]) == (
        add_months(birth, 24).isoformat(),
        add_months(birth, 18).isoformat(),
    )


async def test_a_birth_date_leaving_the_planned_end_past_24_months_is_400(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    old_birth = today() - timedelta(days=60)  # referral_body's child
    planned = add_months(old_birth, 24)
    trajectory_id = await matched(client, auth, geplandeEinddatum=planned.isoformat())
    earlier = {"kind": {"geboortedatum": (old_birth - timedelta(days=31)).isoformat()}}

    response = await patch(client, auth, trajectory_id, earlier, etag='"4"')

    assert (response.status_code, response.json()["code"]) == (400, "na-maximale-einddatum")
    assert (await read(client, auth, trajectory_id))["geplandeEinddatum"] == planned.isoformat()


async def test_a_birth_date_18_months_before_receipt_is_kind_te_oud(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    trajectory_id = await register(client, auth)
    too_old, _ = births_around_the_18_month_boundary()

    response = await patch(client, auth, trajectory_id, {"kind": {"geboortedatum": str(too_old)}})

    problem = response.json()
    assert (response.status_code, problem["code"]) == (400, "kind-te-oud")
    assert problem["invalidParams"][0]["name"] == "kind.geboortedatum"


async def test_a_birth_date_a_day_short_of_18_months_at_receipt_is_accepted(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    trajectory_id = await register(client, auth)
    _, young_enough = births_around_the_18_month_boundary()

    response = await patch(
        client, auth, trajectory_id, {"kind": {"geboortedatum": str(young_enough)}}
    )

    assert response.status_code == 200, response.text
    assert response.json()["kind"]["geboortedatum"] == young_enough.isoformat()


async def test_a_patch_on_a_terminal_trajectory_is_409(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    trajectory_id = await register(client, auth)
    await move(client, auth, trajectory_id, {"naar": "afgewezen", "reden": "geen_behoefte"})

    response = await patch(
        client, auth, trajectory_id, {"moeder": {"roepnaam": "Nieuw"}}, etag='"2"'
    )

    assert (response.status_code, response.json()["code"]) == (409, "ongeldige-status")


async def test_a_volunteer_token_may_not_patch(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    trajectory_id = await register(client, auth)
    volunteer = auth("vrijwilliger", vrijwilligerId="0b7e1c7a-1234-4a5b-9c1d-123456789012")

    response = await client.patch(
        f"{URL}/{trajectory_id}",
        json={"moeder": {"roepnaam": "Nieuw"}},
        headers={**volunteer, **MERGE, "If-Match": '"1"'},
    )

    assert (response.status_code, response.json()["code"]) == (403, "geen-bevoegdheid")


async def test_a_patch_emits_a_thin_bijgewerkt_event_with_the_new_version(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    trajectory_id = await register(client, auth)
    await patch(client, auth, trajectory_id, {"moeder": {"telefoon": "06 11112222"}})

    response = await client.get(f"/v1/gebeurtenissen?type={UPDATED}", headers=auth("coordinator"))

    events = response.json()["resultaten"]
    assert [(e["type"], e["subject"]) for e in events] == [(UPDATED, trajectory_id)]
    assert events[0]["data"] == {"trajectId": trajectory_id, "versie": 2}
    assert "11112222" not in response.text


@pytest.mark.parametrize(
    ("change", "events"),
    [({"moeder": {"tolkNodig": True}}, 1), ({"toestemming": {"scope": ["delen_met_mim"]}}, 0)],
    ids=["other-change", "feedback-withdrawn"],
)
async def test_after_withdrawing_feedback_consent_the_referrer_gets_no_feedback_event(
    backend: str, client: httpx.AsyncClient, auth: Auth, change: dict[str, Any], events: int
) -> None:
    referral_id, trajectory_id = await referred(client, auth)
    assert (await patch(client, auth, trajectory_id, change)).status_code == 200

    await move(client, auth, trajectory_id, {"naar": "intake", "intakeDatum": today().isoformat()})

    feed = await client.get(f"/v1/gebeurtenissen?type={FEEDBACK}", headers=auth("verwijzer"))
    assert [e["subject"] for e in feed.json()["resultaten"]] == [referral_id] * events


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        ({"eersteKind": False}, "geen-eerste-kind"),
        ({"geboortedatum": (today() + timedelta(days=1)).isoformat()}, "ongeldige-waarde"),
    ],
    ids=["not-first-child", "born-tomorrow"],
)
async def test_the_intake_rules_hold_for_a_patched_child(
    backend: str, client: httpx.AsyncClient, auth: Auth, kind: dict[str, Any], code: str
) -> None:
    trajectory_id = await register(client, auth)

    response = await patch(client, auth, trajectory_id, {"kind": kind})

    problem = response.json()
    assert (response.status_code, problem["code"]) == (400, code)
    assert problem["invalidParams"][0]["name"] == f"kind.{next(iter(kind))}"


async def test_if_none_match_on_a_trajectory_is_304_until_a_patch(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    trajectory_id = await register(client, auth)
    cached = {**auth("coordinator"), "If-None-Match": '"1"'}
    unchanged = await client.get(f"{URL}/{trajectory_id}", headers=cached)
    await patch(client, auth, trajectory_id, {"moeder": {"tolkNodig": True}})

    changed = await client.get(f"{URL}/{trajectory_id}", headers=cached)

    assert (unchanged.status_code, unchanged.headers["etag"]) == (304, '"1"')
    assert (changed.status_code, changed.headers["etag"]) == (200, '"2"')
