"""The lifecycle over GraphQL (CONTRACT §9, §10, §11, §17): the same use cases and rules as the
REST door, outcomes as union members, hidden fields null for the reader who may not see them."""

from __future__ import annotations

import uuid
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
    visit,
)
from tests.factories import an_idempotency_key

URL = "/v1/graphql"
BSN = "123456782"  # passes the 11-test

FOUT = "... on Fout { code melding }"
VALIDATIE = "... on ValidatieFout { invalidParams { name code } }"
OVERGANG_FOUT = "... on OngeldigeOvergang { van naar toegestaneOvergangen voorwaarde }"
STATUS_FOUT = "... on OngeldigeStatus { voorwaarde }"
VERSIE_FOUT = "... on VersieConflict { huidigeVersie }"

TRAJECT_OVERGANG = f"""
mutation Overgang($id: ID!, $invoer: OvergangInvoer!, $versie: Int, $key: String) {{
  trajectOvergang(id: $id, invoer: $invoer, versie: $versie, idempotencyKey: $key) {{
    __typename
    ... on OvergangGelukt {{
      herhaald waarschuwingen {{ code }}
      overgang {{ id trajectId van naar soort intakeDatum trajectVersie uitgevoerdDoor {{ rol }} }}
    }}
    {FOUT} {VALIDATIE} {OVERGANG_FOUT} {VERSIE_FOUT}
  }}
}}"""
TRAJECT_BIJWERKEN = f"""
mutation Bijwerken($id: ID!, $versie: Int!, $invoer: TrajectWijzigingInvoer!, $key: String) {{
  trajectBijwerken(id: $id, versie: $versie, invoer: $invoer, idempotencyKey: $key) {{
    __typename
    ... on TrajectBijgewerkt {{
      herhaald traject {{ id versie kind {{ roepnaam }} moeder {{ roepnaam telefoon tolkNodig }} }}
    }}
    {FOUT} {VALIDATIE} {STATUS_FOUT} {VERSIE_FOUT}
  }}
}}"""
HUISBEZOEK_VASTLEGGEN = f"""
mutation Bezoek($trajectId: ID!, $invoer: HuisbezoekInvoer!, $key: String) {{
  huisbezoekVastleggen(trajectId: $trajectId, invoer: $invoer, idempotencyKey: $key) {{
    __typename
    ... on HuisbezoekVastgelegd {{
      herhaald waarschuwingen {{ code }}
      huisbezoek {{ id trajectId vrijwilligerId fase soort datum duurMinuten vervalt }}
    }}
    {FOUT} {VALIDATIE} {STATUS_FOUT} {OVERGANG_FOUT}
  }}
}}"""
HUISBEZOEK_CORRIGEREN = f"""
mutation Correctie(
  $trajectId: ID!, $bezoekId: ID!, $invoer: HuisbezoekCorrectieInvoer!, $key: String
) {{
  huisbezoekCorrigeren(
    trajectId: $trajectId, bezoekId: $bezoekId, invoer: $invoer, idempotencyKey: $key
  ) {{
    __typename
    ... on HuisbezoekGecorrigeerd {{ herhaald huisbezoek {{ id correctieVan vervalt }} }}
    {FOUT} {VALIDATIE} {STATUS_FOUT}
  }}
}}"""
VRIJWILLIGER_AANMAKEN = f"""
mutation Aanmaken($invoer: VrijwilligerInvoer!, $key: String) {{
  vrijwilligerAanmaken(invoer: $invoer, idempotencyKey: $key) {{
    __typename
    ... on VrijwilligerAangemaakt {{
      herhaald vrijwilliger {{ id versie status telefoon capaciteit uitvoerendeOrganisatie }}
    }}
    {FOUT} {VALIDATIE} {STATUS_FOUT}
  }}
}}"""
VRIJWILLIGER_BIJWERKEN = f"""
mutation Wijzigen(
  $id: ID!, $versie: Int!, $invoer: VrijwilligerWijzigingInvoer!, $key: String
) {{
  vrijwilligerBijwerken(id: $id, versie: $versie, invoer: $invoer, idempotencyKey: $key) {{
    __typename
    ... on VrijwilligerBijgewerkt {{ herhaald vrijwilliger {{ id versie capaciteit email }} }}
    {FOUT} {VALIDATIE} {STATUS_FOUT} {VERSIE_FOUT}
  }}
}}"""
BEGELEIDING_VASTLEGGEN = f"""
mutation Begeleiding($id: ID!, $invoer: BegeleidingInvoer!, $key: String) {{
  begeleidingVastleggen(vrijwilligerId: $id, invoer: $invoer, idempotencyKey: $key) {{
    __typename
    ... on BegeleidingVastgelegd {{
      herhaald begeleiding {{ id vrijwilligerId soort trainingsbijeenkomst notitie }}
    }}
    {FOUT} {VALIDATIE} {VERSIE_FOUT}
  }}
}}"""
TRAJECT_VOLLEDIG = """
query Traject($id: ID!) {
  traject(id: $id) {
    id
    moeder {
      roepnaam achternaam telefoon email adresGeheim taalvoorkeur tolkNodig
      adres { straat huisnummer postcode woonplaats }
    }
    vrijwilliger { id roepnaam achternaam telefoon }
    overgangen { van naar reden toelichting }
    huisbezoeken { id vrijwilligerId datum }
  }
}"""


async def graphql(
    client: httpx.AsyncClient,
    query: str,
    headers: dict[str, str],
    variables: dict[str, Any] | None = None,
) -> dict[str, Any]:
    response = await client.post(
        URL, json={"query": query, "variables": variables or {}}, headers=headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def mutate(
    client: httpx.AsyncClient, query: str, headers: dict[str, str], **variables: Any
) -> dict[str, Any]:
    """The one mutation's result; a GraphQL error fails the test."""
    body = await graphql(client, query, headers, variables)
    assert "errors" not in body, body
    (result,) = body["data"].values()
    assert isinstance(result, dict)
    return result


def a_visit(**overrides: Any) -> dict[str, Any]:
    invoer: dict[str, Any] = {
        "soort": "huisbezoek",
        "datum": today().isoformat(),
        "duurMinuten": 75,
        "locatie": "thuis",
        "onderwerpen": ["kind_slapen"],
    }
    return {**invoer, **overrides}


def a_volunteer(**overrides: Any) -> dict[str, Any]:
    invoer: dict[str, Any] = {
        "roepnaam": "Testvrijwilliger",
        "achternaam": "Voorbeeld",
        "telefoon": "06 87654321",
        "gemeente": "GM0363",
        "talen": ["nl"],
    }
    return {**invoer, **overrides}


async def matched(client: httpx.AsyncClient, auth: Auth, state: str) -> tuple[str, str]:
    """A trajectory in `state` (from kennismaking on) matched to a fresh active volunteer."""
    volunteer_id = await active_volunteer(client, auth)
    trajectory_id = await trajectory_in(client, auth, state, volunteer_id=volunteer_id)
    return trajectory_id, volunteer_id


INTAKE = {"naar": "intake", "intakeDatum": "2026-01-01"}
ADRES = {"straat": "Teststraat", "huisnummer": 12, "postcode": "1094 AB", "woonplaats": "Amsterdam"}


async def overgang(
    client: httpx.AsyncClient, headers: dict[str, str], traject: str, invoer: Any, **extra: Any
) -> dict[str, Any]:
    return await mutate(client, TRAJECT_OVERGANG, headers, id=traject, invoer=invoer, **extra)


async def bijwerken(
    client: httpx.AsyncClient, headers: dict[str, str], traject: str, invoer: Any, **extra: Any
) -> dict[str, Any]:
    return await mutate(client, TRAJECT_BIJWERKEN, headers, id=traject, invoer=invoer, **extra)


async def bezoek(
    client: httpx.AsyncClient, headers: dict[str, str], traject: str, invoer: Any, **extra: Any
) -> dict[str, Any]:
    return await mutate(
        client, HUISBEZOEK_VASTLEGGEN, headers, trajectId=traject, invoer=invoer, **extra
    )


async def correctie(
    client: httpx.AsyncClient, headers: dict[str, str], traject: str, bezoek_id: str, invoer: Any
) -> dict[str, Any]:
    return await mutate(
        client, HUISBEZOEK_CORRIGEREN, headers, trajectId=traject, bezoekId=bezoek_id, invoer=invoer
    )


async def vrijwilliger_aanmaken(
    client: httpx.AsyncClient, headers: dict[str, str], invoer: Any, **extra: Any
) -> dict[str, Any]:
    return await mutate(client, VRIJWILLIGER_AANMAKEN, headers, invoer=invoer, **extra)


async def vrijwilliger_bijwerken(
    client: httpx.AsyncClient, headers: dict[str, str], vrijwilliger: str, invoer: Any, **extra: Any
) -> dict[str, Any]:
    return await mutate(
        client, VRIJWILLIGER_BIJWERKEN, headers, id=vrijwilliger, invoer=invoer, **extra
    )


async def begeleiding(
    client: httpx.AsyncClient, headers: dict[str, str], vrijwilliger: str, invoer: Any
) -> dict[str, Any]:
    return await mutate(client, BEGELEIDING_VASTLEGGEN, headers, id=vrijwilliger, invoer=invoer)


# --- trajectOvergang ---------------------------------------------------------------------


async def test_traject_overgang_moves_the_trajectory_and_answers_overgang_gelukt(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    traject = await trajectory_in(client, auth, "aangemeld")

    result = await overgang(client, auth("coordinator"), traject, INTAKE)

    assert result["__typename"] == "OvergangGelukt"
    assert result["overgang"] == {
        "id": result["overgang"]["id"],
        "trajectId": traject,
        "van": "aangemeld",
        "naar": "intake",
        "soort": "overgang",
        "intakeDatum": "2026-01-01",
        "trajectVersie": 2,
        "uitgevoerdDoor": {"rol": "coordinator"},
    }
    assert (result["herhaald"], result["waarschuwingen"]) == (False, [])


async def test_traject_overgang_closing_with_few_visits_warns_without_blocking(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    traject, _ = await matched(client, auth, "uitvoering")

    result = await overgang(client, auth("coordinator"), traject, {"naar": "afsluiting"})

    assert result["overgang"]["naar"] == "afsluiting"
    assert result["waarschuwingen"] == [{"code": "minder-dan-14-huisbezoeken"}]


@pytest.mark.parametrize(
    ("extra", "name", "code"),
    [
        ({"toelichting": f"Nummer {BSN}"}, "toelichting", "bsn-niet-toegestaan"),
        ({"vrijwilligerId": "geen-uuid"}, "vrijwilligerId", "ongeldig-formaat"),
        ({"toelichting": "x" * 501}, "toelichting", "ongeldige-waarde"),
    ],
    ids=["bsn", "format", "length"],
)
async def test_traject_overgang_refuses_invalid_invoer_as_validatie_fout_like_rest(
    backend: str, client: httpx.AsyncClient, auth: Auth, extra: Any, name: str, code: str
) -> None:
    traject = await trajectory_in(client, auth, "aangemeld")

    result = await overgang(client, auth("coordinator"), traject, {**INTAKE, **extra})
    rest = await move(client, auth, traject, {**INTAKE, **extra}, expect=400)

    assert result["__typename"] == "ValidatieFout"
    assert (result["code"], result["invalidParams"]) == (code, [{"name": name, "code": code}])
    assert [(p["name"], p["code"]) for p in rest.json()["invalidParams"]] == [(name, code)]
    assert BSN not in str(result)


async def test_traject_overgang_outside_the_table_is_ongeldige_overgang_with_the_allowed_moves(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    traject = await trajectory_in(client, auth, "aangemeld")

    result = await overgang(client, auth("coordinator"), traject, {"naar": "uitvoering"})

    assert result["__typename"] == "OngeldigeOvergang"
    assert (result["code"], result["van"], result["naar"], result["voorwaarde"]) == (
        "ongeldige-overgang",
        "aangemeld",
        "uitvoering",
        None,
    )
    assert sorted(result["toegestaneOvergangen"]) == ["afgewezen", "gestopt", "intake"]


async def test_traject_overgang_with_an_unmet_guard_names_the_voorwaarde(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    volunteer = await active_volunteer(client, auth)
    traject = await trajectory_in(client, auth, "wacht_op_match")
    await move(client, auth, traject, {"naar": "kennismaking", "vrijwilligerId": volunteer})

    result = await overgang(client, auth("coordinator"), traject, {"naar": "uitvoering"})

    assert result["__typename"] == "OngeldigeOvergang"
    assert (result["van"], result["naar"]) == ("kennismaking", "uitvoering")
    assert result["voorwaarde"] == "minimaal-een-huisbezoek"


async def test_traject_overgang_with_a_stale_versie_is_versie_conflict_with_the_current_one(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    traject = await trajectory_in(client, auth, "intake")
    invoer = {"naar": "wacht_op_match", "contraIndicatiesGecontroleerd": True}

    result = await overgang(client, auth("coordinator"), traject, invoer, versie=1)

    assert result["__typename"] == "VersieConflict"
    assert (result["code"], result["huidigeVersie"]) == ("versie-conflict", 2)


@pytest.mark.parametrize(
    ("org", "target"),
    [("mim-andere", "own"), ("mim-demo", str(uuid.uuid4())), ("mim-demo", "geen-uuid")],
    ids=["other-organisation", "unknown", "not-a-uuid"],
)
async def test_traject_overgang_on_a_trajectory_the_caller_cannot_see_is_niet_gevonden(
    backend: str, client: httpx.AsyncClient, auth: Auth, org: str, target: str
) -> None:
    traject = await trajectory_in(client, auth, "aangemeld")

    result = await overgang(
        client, auth("coordinator", org), traject if target == "own" else target, INTAKE
    )

    assert result["__typename"] == "NietGevonden"
    assert result["code"] == "niet-gevonden"


async def test_traject_overgang_by_a_volunteer_is_geen_bevoegdheid(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    traject, volunteer = await matched(client, auth, "kennismaking")
    await visit(client, auth, traject)
    headers = auth("vrijwilliger", vrijwilligerId=volunteer)

    result = await overgang(client, headers, traject, {"naar": "uitvoering"})

    assert result["__typename"] == "GeenBevoegdheid"
    assert result["code"] == "geen-bevoegdheid"


async def test_traject_overgang_with_the_same_key_and_invoer_replays_without_moving_again(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    traject = await trajectory_in(client, auth, "aangemeld")
    headers, key = auth("coordinator", sub="coordinator-1"), an_idempotency_key()

    first = await overgang(client, headers, traject, INTAKE, key=key)
    again = await overgang(client, headers, traject, INTAKE, key=key)
    detail = await client.get(f"/v1/trajecten/{traject}", headers=headers)

    assert (first["herhaald"], again["herhaald"]) == (False, True)
    assert (again["overgang"], again["waarschuwingen"]) == (first["overgang"], [])
    assert detail.json()["versie"] == 2


async def test_traject_overgang_with_the_same_key_and_other_invoer_is_idempotency_key_hergebruikt(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    traject = await trajectory_in(client, auth, "aangemeld")
    headers, key = auth("coordinator", sub="coordinator-1"), an_idempotency_key()
    await overgang(client, headers, traject, INTAKE, key=key)

    result = await overgang(
        client, headers, traject, {"naar": "afgewezen", "reden": "geen_behoefte"}, key=key
    )

    assert result["__typename"] == "IdempotencyKeyHergebruikt"
    assert result["code"] == "idempotency-key-hergebruikt"


async def test_a_refused_overgang_is_kept_under_its_key_and_replayed_as_the_same_member(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    traject = await trajectory_in(client, auth, "aangemeld")
    headers, key = auth("coordinator", sub="coordinator-1"), an_idempotency_key()

    first = await overgang(client, headers, traject, {"naar": "uitvoering"}, key=key)
    await move(client, auth, traject, INTAKE)
    again = await overgang(client, headers, traject, {"naar": "uitvoering"}, key=key)

    assert first["__typename"] == "OngeldigeOvergang"
    assert again == first  # a 409 is stored (CONTRACT §5.2): the first answer, no new check


async def test_a_malformed_idempotency_key_names_the_argument(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    traject = await trajectory_in(client, auth, "aangemeld")

    result = await overgang(client, auth("coordinator"), traject, INTAKE, key="kort")

    assert result["__typename"] == "ValidatieFout"
    assert result["invalidParams"] == [{"name": "idempotencyKey", "code": "ongeldig-formaat"}]


# --- trajectBijwerken --------------------------------------------------------------------


async def test_traject_bijwerken_patches_the_contact_data_and_clears_with_null(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    traject = await trajectory_in(client, auth, "aangemeld")
    invoer = {"moeder": {"telefoon": "06 11111111", "tolkNodig": True}, "kind": {"roepnaam": None}}

    result = await bijwerken(client, auth("coordinator"), traject, invoer, versie=1)

    assert result["__typename"] == "TrajectBijgewerkt"
    assert result["traject"] == {
        "id": traject,
        "versie": 2,
        "kind": {"roepnaam": None},
        "moeder": {"roepnaam": "Testmoeder", "telefoon": "+31611111111", "tolkNodig": True},
    }


async def test_traject_bijwerken_with_a_stale_versie_is_versie_conflict(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    traject = await trajectory_in(client, auth, "intake")

    result = await bijwerken(client, auth("coordinator"), traject, {"kind": {}}, versie=1)

    assert result["__typename"] == "VersieConflict"
    assert result["huidigeVersie"] == 2


async def test_traject_bijwerken_of_a_terminal_trajectory_is_ongeldige_status(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    traject = await trajectory_in(client, auth, "aangemeld")
    await move(client, auth, traject, {"naar": "afgewezen", "reden": "geen_behoefte"})
    invoer = {"moeder": {"tolkNodig": True}}

    result = await bijwerken(client, auth("coordinator"), traject, invoer, versie=2)

    assert result["__typename"] == "OngeldigeStatus"
    assert result["code"] == "ongeldige-status"


async def test_traject_bijwerken_refuses_a_bsn_in_the_patch_naming_the_field(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    traject = await trajectory_in(client, auth, "aangemeld")
    invoer = {"moeder": {"roepnaam": BSN}}

    result = await bijwerken(client, auth("coordinator"), traject, invoer, versie=1)

    assert result["__typename"] == "ValidatieFout"
    assert result["invalidParams"] == [{"name": "moeder.roepnaam", "code": "bsn-niet-toegestaan"}]


async def test_traject_bijwerken_with_the_same_key_replays_the_first_answer(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    traject = await trajectory_in(client, auth, "aangemeld")
    headers, key = auth("coordinator", sub="coordinator-1"), an_idempotency_key()
    invoer = {"moeder": {"tolkNodig": True}}

    first = await bijwerken(client, headers, traject, invoer, versie=1, key=key)
    again = await bijwerken(client, headers, traject, invoer, versie=1, key=key)

    assert (first["herhaald"], again["herhaald"]) == (False, True)
    assert again["traject"] == first["traject"]
    assert first["traject"]["versie"] == 2


# --- huisbezoekVastleggen, huisbezoekCorrigeren ------------------------------------------


async def test_huisbezoek_vastleggen_records_a_visit_in_the_current_phase_with_warnings(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    traject, volunteer = await matched(client, auth, "kennismaking")

    result = await bezoek(client, auth("coordinator"), traject, a_visit(duurMinuten=30))

    assert result["__typename"] == "HuisbezoekVastgelegd"
    assert result["huisbezoek"] == {
        "id": result["huisbezoek"]["id"],
        "trajectId": traject,
        "vrijwilligerId": volunteer,
        "fase": "kennismaking",
        "soort": "huisbezoek",
        "datum": today().isoformat(),
        "duurMinuten": 30,
        "vervalt": False,
    }
    assert result["waarschuwingen"] == [{"code": "duur-buiten-norm"}]


async def test_huisbezoek_vastleggen_by_her_volunteer_is_recorded_under_her_id(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    traject, volunteer = await matched(client, auth, "kennismaking")
    headers = auth("vrijwilliger", vrijwilligerId=volunteer)

    result = await bezoek(client, headers, traject, a_visit())

    assert result["__typename"] == "HuisbezoekVastgelegd"
    assert result["huisbezoek"]["vrijwilligerId"] == volunteer


async def test_huisbezoek_vastleggen_before_kennismaking_is_ongeldige_status(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    traject = await trajectory_in(client, auth, "intake")

    result = await bezoek(client, auth("coordinator"), traject, a_visit())

    assert result["__typename"] == "OngeldigeStatus"
    assert result["code"] == "ongeldige-status"


async def test_huisbezoek_vastleggen_with_the_same_key_replays_one_visit(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    traject, _ = await matched(client, auth, "kennismaking")
    headers, key = auth("coordinator", sub="coordinator-1"), an_idempotency_key()

    first = await bezoek(client, headers, traject, a_visit(), key=key)
    again = await bezoek(client, headers, traject, a_visit(), key=key)
    listed = await client.get(f"/v1/trajecten/{traject}/huisbezoeken", headers=headers)

    assert (first["herhaald"], again["herhaald"]) == (False, True)
    assert again["huisbezoek"] == first["huisbezoek"]
    assert [v["id"] for v in listed.json()["resultaten"]] == [first["huisbezoek"]["id"]]


@pytest.mark.parametrize(
    ("overrides", "name", "code"),
    [
        ({"duurMinuten": 5}, "duurMinuten", "ongeldige-waarde"),
        ({"onderwerpen": []}, "onderwerpen", "ongeldige-waarde"),
        ({"locatie": "op_de_maan"}, "locatie", "ongeldige-waarde"),
        ({"notitie": f"Nummer {BSN}"}, "notitie", "bsn-niet-toegestaan"),
    ],
    ids=["duration", "no-topics", "location", "bsn"],
)
async def test_huisbezoek_vastleggen_refuses_invalid_invoer_like_rest(
    backend: str, client: httpx.AsyncClient, auth: Auth, overrides: Any, name: str, code: str
) -> None:
    traject, _ = await matched(client, auth, "kennismaking")

    result = await bezoek(client, auth("coordinator"), traject, a_visit(**overrides))
    rest = await visit(client, auth, traject, expect=400, **overrides)

    assert result["__typename"] == "ValidatieFout"
    assert result["invalidParams"] == [{"name": name, "code": code}]
    assert [(p["name"], p["code"]) for p in rest.json()["invalidParams"]] == [(name, code)]


async def test_huisbezoek_corrigeren_voids_a_visit_and_a_second_correction_is_ongeldige_status(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    traject, _ = await matched(client, auth, "kennismaking")
    visit_id = (await visit(client, auth, traject)).json()["id"]
    invoer, headers = {"reden": "Niet doorgegaan", "vervalt": True}, auth("coordinator")

    result = await correctie(client, headers, traject, visit_id, invoer)
    again = await correctie(client, headers, traject, visit_id, invoer)

    assert result["__typename"] == "HuisbezoekGecorrigeerd"
    assert (result["huisbezoek"]["correctieVan"], result["huisbezoek"]["vervalt"]) == (
        visit_id,
        True,
    )
    assert again["__typename"] == "OngeldigeStatus"


async def test_huisbezoek_corrigeren_of_a_half_visit_names_the_missing_fields(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    traject, _ = await matched(client, auth, "kennismaking")
    visit_id = (await visit(client, auth, traject)).json()["id"]
    invoer = {"reden": "Datum klopte niet", "datum": today().isoformat()}

    result = await correctie(client, auth("coordinator"), traject, visit_id, invoer)

    assert result["__typename"] == "ValidatieFout"
    missing = [p["name"] for p in result["invalidParams"]]
    assert missing == ["soort", "duurMinuten", "locatie", "onderwerpen"]


async def test_huisbezoek_corrigeren_of_another_volunteers_visit_is_niet_gevonden(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    traject, volunteer = await matched(client, auth, "kennismaking")
    other = await active_volunteer(client, auth)
    visit_id = (await visit(client, auth, traject, vrijwilligerId=other)).json()["id"]
    headers = auth("vrijwilliger", vrijwilligerId=volunteer)

    result = await correctie(client, headers, traject, visit_id, {"reden": "X", "vervalt": True})

    assert result["__typename"] == "NietGevonden"


# --- vrijwilligers -----------------------------------------------------------------------


async def test_vrijwilliger_aanmaken_registers_her_in_the_callers_organisation(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    result = await vrijwilliger_aanmaken(client, auth("coordinator"), a_volunteer())

    assert result["__typename"] == "VrijwilligerAangemaakt"
    assert result["vrijwilliger"] == {
        "id": result["vrijwilliger"]["id"],
        "versie": 1,
        "status": "aangemeld",
        "telefoon": "+31687654321",
        "capaciteit": 2,
        "uitvoerendeOrganisatie": "mim-demo",
    }


async def test_vrijwilliger_aanmaken_actief_without_vog_and_training_is_ongeldige_status(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    result = await vrijwilliger_aanmaken(client, auth("coordinator"), a_volunteer(status="actief"))

    assert result["__typename"] == "OngeldigeStatus"
    assert result["voorwaarde"] == "vog-en-training-vereist"


@pytest.mark.parametrize(
    ("overrides", "name", "code"),
    [
        ({"gemeente": "Amsterdam"}, "gemeente", "ongeldig-formaat"),
        ({"achternaam": BSN}, "achternaam", "bsn-niet-toegestaan"),
        ({"capaciteit": 6}, "capaciteit", "ongeldige-waarde"),
        ({"gemeente": "GM0599"}, "gemeente", "ongeldige-waarde"),
    ],
    ids=["format", "bsn", "capacity", "not-served"],
)
async def test_vrijwilliger_aanmaken_refuses_invalid_invoer_as_validatie_fout(
    backend: str, client: httpx.AsyncClient, auth: Auth, overrides: Any, name: str, code: str
) -> None:
    result = await vrijwilliger_aanmaken(client, auth("coordinator"), a_volunteer(**overrides))

    assert result["__typename"] == "ValidatieFout"
    assert result["invalidParams"] == [{"name": name, "code": code}]


async def test_vrijwilliger_aanmaken_with_the_same_key_replays_the_same_volunteer(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    headers, key = auth("coordinator", sub="coordinator-1"), an_idempotency_key()

    first = await vrijwilliger_aanmaken(client, headers, a_volunteer(), key=key)
    again = await vrijwilliger_aanmaken(client, headers, a_volunteer(), key=key)
    listed = await client.get("/v1/vrijwilligers", headers=headers)

    assert (first["herhaald"], again["herhaald"]) == (False, True)
    assert again["vrijwilliger"] == first["vrijwilliger"]
    assert [v["id"] for v in listed.json()["resultaten"]] == [first["vrijwilliger"]["id"]]


async def test_vrijwilliger_bijwerken_patches_with_versie_and_refuses_a_stale_one(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    volunteer = (await new_volunteer(client, auth, email="oud@example.org"))["id"]
    headers, invoer = auth("coordinator"), {"capaciteit": 3, "email": None}

    result = await vrijwilliger_bijwerken(client, headers, volunteer, invoer, versie=1)
    stale = await vrijwilliger_bijwerken(client, headers, volunteer, invoer, versie=1)

    assert result["__typename"] == "VrijwilligerBijgewerkt"
    assert result["vrijwilliger"] == {"id": volunteer, "versie": 2, "capaciteit": 3, "email": None}
    assert (stale["__typename"], stale["huidigeVersie"]) == ("VersieConflict", 2)


async def test_vrijwilliger_bijwerken_with_the_same_key_replays_the_first_answer(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    volunteer = (await new_volunteer(client, auth))["id"]
    headers, key = auth("coordinator", sub="coordinator-1"), an_idempotency_key()

    first = await vrijwilliger_bijwerken(
        client, headers, volunteer, {"capaciteit": 3}, versie=1, key=key
    )
    again = await vrijwilliger_bijwerken(
        client, headers, volunteer, {"capaciteit": 3}, versie=1, key=key
    )
    stored = await client.get(f"/v1/vrijwilligers/{volunteer}", headers=headers)

    assert (first["herhaald"], again["herhaald"]) == (False, True)
    assert again["vrijwilliger"] == first["vrijwilliger"]
    assert stored.json()["versie"] == first["vrijwilliger"]["versie"] == 2


async def test_vrijwilliger_bijwerken_of_another_organisations_volunteer_is_niet_gevonden(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    volunteer = (await new_volunteer(client, auth))["id"]
    headers = auth("coordinator", "mim-andere")

    result = await vrijwilliger_bijwerken(client, headers, volunteer, {"capaciteit": 3}, versie=1)

    assert result["__typename"] == "NietGevonden"


async def test_begeleiding_vastleggen_appends_a_training_session(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    volunteer = (await new_volunteer(client, auth))["id"]
    invoer = {
        "soort": "training",
        "datum": today().isoformat(),
        "duurMinuten": 120,
        "trainingsbijeenkomst": 1,
        "notitie": "Eerste bijeenkomst",
    }

    result = await begeleiding(client, auth("coordinator"), volunteer, invoer)

    assert result["__typename"] == "BegeleidingVastgelegd"
    assert result["begeleiding"] == {
        "id": result["begeleiding"]["id"],
        "vrijwilligerId": volunteer,
        "soort": "training",
        "trainingsbijeenkomst": 1,
        "notitie": "Eerste bijeenkomst",
    }


@pytest.mark.parametrize(
    ("volunteer", "invoer", "member"),
    [
        ("own", {"soort": "training", "datum": "2026-01-05", "duurMinuten": 120}, "ValidatieFout"),
        ("unknown", {"soort": "groep", "datum": "2026-01-05", "duurMinuten": 60}, "NietGevonden"),
    ],
    ids=["training-without-session", "unknown-volunteer"],
)
async def test_begeleiding_vastleggen_refuses_as_the_union_member_of_its_error(
    backend: str, client: httpx.AsyncClient, auth: Auth, volunteer: str, invoer: Any, member: str
) -> None:
    own = (await new_volunteer(client, auth))["id"]
    target = own if volunteer == "own" else str(uuid.uuid4())

    result = await begeleiding(client, auth("coordinator"), target, invoer)

    assert result["__typename"] == member


# --- queries -----------------------------------------------------------------------------


async def test_vrijwilliger_is_her_record_for_the_coordinator_and_herself_and_null_for_others(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    volunteer = (await new_volunteer(client, auth))["id"]
    query, variables = (
        "query V($id: ID!) { vrijwilliger(id: $id) { id roepnaam } }",
        {"id": volunteer},
    )

    coordinator = await graphql(client, query, auth("coordinator"), variables)
    herself = await graphql(
        client, query, auth("vrijwilliger", vrijwilligerId=volunteer), variables
    )
    other = await graphql(
        client, query, auth("vrijwilliger", vrijwilligerId=str(uuid.uuid4())), variables
    )
    foreign = await graphql(client, query, auth("coordinator", "mim-andere"), variables)

    expected = {"id": volunteer, "roepnaam": "Testvrijwilliger"}
    assert coordinator == herself == {"data": {"vrijwilliger": expected}}
    assert other == foreign == {"data": {"vrijwilliger": None}}


async def test_vrijwilligers_lists_newest_first_filtered_with_volgende(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    first = (await new_volunteer(client, auth, talen=["ar"]))["id"]
    second = (await new_volunteer(client, auth, talen=["ar", "nl"]))["id"]
    await new_volunteer(client, auth, talen=["tr"])
    query = """query L($filter: VrijwilligerFilter, $cursor: String) {
      vrijwilligers(filter: $filter, limit: 1, cursor: $cursor) { resultaten { id } volgende }
    }"""
    headers, selection = auth("coordinator"), {"taal": "ar", "status": ["aangemeld"]}

    page = (await graphql(client, query, headers, {"filter": selection}))["data"]["vrijwilligers"]
    variables = {"filter": selection, "cursor": page["volgende"]}
    rest = (await graphql(client, query, headers, variables))["data"]["vrijwilligers"]

    assert [v["id"] for v in page["resultaten"] + rest["resultaten"]] == [second, first]
    assert rest["volgende"] is None


async def test_vrijwilligers_with_a_bsn_as_filter_is_an_error_coded_bsn_niet_toegestaan(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    query = "query L($g: String) { vrijwilligers(filter: {gemeente: $g}) { resultaten { id } } }"

    body = await graphql(client, query, auth("coordinator"), {"g": BSN})

    assert body["data"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["bsn-niet-toegestaan"]
    assert body["errors"][0]["extensions"]["invalidParams"][0]["name"] == "filter.gemeente"
    assert BSN not in str(body)


async def test_matchvoorstellen_ranks_the_available_volunteers_while_waiting_for_a_match(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    volunteer = await active_volunteer(client, auth)
    traject = await trajectory_in(client, auth, "wacht_op_match")
    query = """query M($id: ID!) {
      matchvoorstellen(trajectId: $id) { vrijwilligerId roepnaam score criteria }
    }"""

    body = await graphql(client, query, auth("coordinator"), {"id": traject})
    foreign = await graphql(client, query, auth("coordinator", "mim-andere"), {"id": traject})

    (voorstel,) = body["data"]["matchvoorstellen"]
    assert (voorstel["vrijwilligerId"], voorstel["roepnaam"]) == (volunteer, "Testvrijwilliger")
    assert 0 <= voorstel["score"] <= 100
    assert "taal" in voorstel["criteria"]
    assert foreign == {"data": {"matchvoorstellen": None}}


async def test_matchvoorstellen_outside_wacht_op_match_is_an_error_coded_ongeldige_status(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    traject = await trajectory_in(client, auth, "intake")
    query = "query M($id: ID!) { matchvoorstellen(trajectId: $id) { score } }"

    body = await graphql(client, query, auth("coordinator"), {"id": traject})

    assert body["data"] == {"matchvoorstellen": None}
    assert [e["extensions"]["code"] for e in body["errors"]] == ["ongeldige-status"]


# --- Traject's related objects, per role (CONTRACT §9.2) ---------------------------------


async def closing_with_history(client: httpx.AsyncClient, auth: Auth) -> tuple[str, str]:
    """Matched, one visit of hers and one recorded for another volunteer, moved to afsluiting
    with a `toelichting`: for the masking and the visit filter."""
    traject, volunteer = await matched(client, auth, "uitvoering")
    other = await active_volunteer(client, auth)
    await visit(client, auth, traject, vrijwilligerId=other)
    await move(client, auth, traject, {"naar": "afsluiting", "toelichting": "Goed verlopen"})
    return traject, volunteer


async def test_a_coordinator_sees_the_whole_traject_with_its_related_objects(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    traject, volunteer = await closing_with_history(client, auth)

    body = await graphql(client, TRAJECT_VOLLEDIG, auth("coordinator"), {"id": traject})

    assert "errors" not in body
    found = body["data"]["traject"]
    assert found["moeder"] == {
        "roepnaam": "Testmoeder",
        "achternaam": "Voorbeeld",
        "telefoon": "+31612345678",
        "email": None,
        "adresGeheim": False,
        "taalvoorkeur": ["nl", "rif"],
        "tolkNodig": False,
        "adres": ADRES,
    }
    assert found["vrijwilliger"] == {
        "id": volunteer,
        "roepnaam": "Testvrijwilliger",
        "achternaam": "Voorbeeld",
        "telefoon": "+31687654321",
    }
    moves = ["afsluiting", "uitvoering", "kennismaking", "wacht_op_match", "intake"]
    assert [o["naar"] for o in found["overgangen"]] == moves
    assert found["overgangen"][0]["toelichting"] == "Goed verlopen"
    assert len(found["huisbezoeken"]) == 2


async def test_her_volunteer_gets_the_same_query_with_hidden_fields_null_and_no_error(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    traject, volunteer = await closing_with_history(client, auth)
    headers = auth("vrijwilliger", vrijwilligerId=volunteer)

    body = await graphql(client, TRAJECT_VOLLEDIG, headers, {"id": traject})

    assert "errors" not in body
    found = body["data"]["traject"]
    hidden = ("achternaam", "email", "adresGeheim", "taalvoorkeur", "tolkNodig")
    assert {name: found["moeder"][name] for name in hidden} == dict.fromkeys(hidden)
    shown = (found["moeder"]["roepnaam"], found["moeder"]["telefoon"], found["moeder"]["adres"])
    assert shown == ("Testmoeder", "+31612345678", ADRES)
    assert found["vrijwilliger"]["id"] == volunteer
    assert found["overgangen"][0]["toelichting"] is None
    assert [v["vrijwilligerId"] for v in found["huisbezoeken"]] == [volunteer]


async def test_a_volunteer_sees_reasons_masked_in_the_overgangen(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    traject, volunteer = await matched(client, auth, "kennismaking")
    pause = {"naar": "onderbroken", "reden": "ziekte", "heroverwegingOp": today().isoformat()}
    await move(client, auth, traject, pause)
    query = "query T($id: ID!) { traject(id: $id) { overgangen { naar reden } } }"
    herself = auth("vrijwilliger", vrijwilligerId=volunteer)

    by_coordinator = await graphql(client, query, auth("coordinator"), {"id": traject})
    by_herself = await graphql(client, query, herself, {"id": traject})

    newest = by_coordinator["data"]["traject"]["overgangen"][0]
    assert newest == {"naar": "onderbroken", "reden": "ziekte"}
    assert by_herself["data"]["traject"]["overgangen"][0] == {
        "naar": "onderbroken",
        "reden": "overig",
    }


@pytest.mark.parametrize("role", ["aandachtsfunctionaris", "eindverantwoordelijke"])
async def test_a_and_e_get_no_volunteer_and_no_secret_address_without_an_error(
    backend: str, client: httpx.AsyncClient, auth: Auth, role: str
) -> None:
    traject, _ = await matched(client, auth, "kennismaking")
    current = (await client.get(f"/v1/trajecten/{traject}", headers=auth("coordinator"))).json()
    secret = {"moeder": {"adresGeheim": True, "email": "moeder@example.org"}}
    await bijwerken(client, auth("coordinator"), traject, secret, versie=current["versie"])
    query = """query T($id: ID!) {
      traject(id: $id) {
        vrijwilliger { id } moeder { achternaam adres { straat } adresGeheim email }
      }
    }"""

    body = await graphql(client, query, auth(role), {"id": traject})

    mother = {
        "achternaam": "Voorbeeld",
        "adres": None,
        "adresGeheim": True,
        "email": "moeder@example.org",
    }
    assert body == {"data": {"traject": {"vrijwilliger": None, "moeder": mother}}}


async def test_a_token_without_vrijwilligers_lezen_gets_a_null_vrijwilliger(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    traject, _ = await matched(client, auth, "kennismaking")
    headers = auth("coordinator", scope="trajecten.lezen huisbezoeken.lezen")
    query = "query T($id: ID!) { traject(id: $id) { id vrijwilliger { id } } }"

    body = await graphql(client, query, headers, {"id": traject})

    assert body == {"data": {"traject": {"id": traject, "vrijwilliger": None}}}


async def test_a_graphql_move_counts_in_the_metrics_like_a_rest_move(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    trajectory_id = await trajectory_in(client, auth, "aangemeld")
    query = (
        "mutation($id: ID!) { trajectOvergang(id: $id, invoer: {naar: intake, "
        f'intakeDatum: "{today().isoformat()}"}}) {{ __typename }} }}'
    )
    response = await client.post(
        "/v1/graphql",
        json={"query": query, "variables": {"id": trajectory_id}},
        headers=auth("coordinator"),
    )
    assert response.json()["data"]["trajectOvergang"]["__typename"] == "OvergangGelukt"
    metrics = (await client.get("/v1/metrics")).text
    assert 'mim_overgangen_total{van="aangemeld",naar="intake"} 1' in metrics
