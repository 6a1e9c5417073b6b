"""The Meldcode workflow over GraphQL (CONTRACT §12, §17): `signaalMelden`,
`meldcodeStapVastleggen` and the queries go through the same use cases and policy as REST;
refusals are union members, and the author of a signal sees only its status."""

from __future__ import annotations

from typing import Any

import httpx

from tests.api.lifecycle_steps import Auth, today
from tests.api.meldcode_flow import FACT, SIGNAL, matched_trajectory
from tests.api.test_graphql_lifecycle import FOUT, OVERGANG_FOUT, VALIDATIE, graphql, mutate

SIGNAAL_MELDEN = f"""
mutation Melden($trajectId: ID!, $invoer: SignaalInvoer!, $key: String) {{
  signaalMelden(trajectId: $trajectId, invoer: $invoer, idempotencyKey: $key) {{
    __typename
    ... on SignaalGemeld {{
      herhaald signaal {{ id status casusId waarneming acuteInstructie {{ nummers }} }}
    }}
    {FOUT} {VALIDATIE}
  }}
}}"""
STAP = f"""
mutation Stap($casusId: ID!, $invoer: MeldcodeStapInvoer!, $versie: Int) {{
  meldcodeStapVastleggen(casusId: $casusId, invoer: $invoer, versie: $versie) {{
    __typename
    ... on StapVastgelegd {{ stap {{ id volgnummer stap statusVoor statusNa gegevens }} }}
    {FOUT} {VALIDATIE} {OVERGANG_FOUT}
  }}
}}"""
CASUS = """
query Casus($id: ID!) {
  meldcodeCasus(id: $id) {
    id versie status aantalStappen besluit { meldenNoodzakelijk hulpMogelijk }
    signalen { id status waarneming gemeldDoor { rol } }
  }
}"""
SIGNAAL = "query Signaal($id: ID!) { signaal(id: $id) { id status casusId waarneming } }"


def _invoer() -> dict[str, Any]:
    return {
        "waargenomenOp": SIGNAL["waargenomenOp"],
        "waarneming": SIGNAL["waarneming"],
        "bron": "eigen_waarneming",
        "zorgOver": "kind",
        "acuutGevaar": True,
    }


async def test_a_signal_and_the_steps_over_graphql(
    client: httpx.AsyncClient, auth: Auth, backend: str
) -> None:
    trajectory_id, volunteer_id = await matched_trajectory(client, auth)
    volunteer = auth("vrijwilliger", vrijwilligerId=volunteer_id)
    melden = await mutate(
        client, SIGNAAL_MELDEN, volunteer, trajectId=trajectory_id, invoer=_invoer()
    )
    signaal = melden["signaal"]
    assert signaal["status"] == "ontvangen"
    assert signaal["casusId"] is None
    assert signaal["waarneming"] is None
    assert "0800-2000" in signaal["acuteInstructie"]["nummers"]  # R24
    own = await graphql(client, SIGNAAL, volunteer, {"id": signaal["id"]})
    assert own["data"]["signaal"] == {
        "id": signaal["id"],
        "status": "ontvangen",
        "casusId": None,
        "waarneming": None,
    }
    refused = await graphql(
        client, CASUS, volunteer, {"id": "0" * 8 + "-0000-4000-8000-" + "0" * 12}
    )
    assert refused["errors"][0]["extensions"]["code"] == "geen-bevoegdheid"
    full = await graphql(client, SIGNAAL, auth("coordinator"), {"id": signaal["id"]})
    case_id = full["data"]["signaal"]["casusId"]
    assert full["data"]["signaal"]["waarneming"] == SIGNAL["waarneming"]
    step_one = {"signalenInKaart": {"signalen": [FACT], "ontkrachtendeSignalen": []}}
    recorded = await mutate(
        client, STAP, auth("coordinator"), casusId=case_id, invoer=step_one, versie=1
    )
    stap = recorded["stap"]
    assert (stap["volgnummer"], stap["statusNa"]) == (1, "signalen_in_kaart")
    assert stap["gegevens"]["ontkrachtendeSignalen"] == []
    decision = {
        "besluit": {
            "afweging3": True,
            "afweging4": True,
            "meldenNoodzakelijk": False,
            "hulpMogelijk": True,
            "motivering": "Te vroeg.",
            "datum": today().isoformat(),
        }
    }
    by_coordinator = await mutate(
        client, STAP, auth("coordinator"), casusId=case_id, invoer=decision
    )
    assert by_coordinator["code"] == "geen-bevoegdheid"  # R30
    early = await mutate(
        client, STAP, auth("eindverantwoordelijke"), casusId=case_id, invoer=decision
    )
    assert early["__typename"] == "OngeldigeOvergang"
    assert early["van"] == "signalen_in_kaart"
    skip = {"gesprekOvergeslagen": {"reden": "veiligheid_in_geding", "toelichting": ""}}
    invalid = await mutate(client, STAP, auth("coordinator"), casusId=case_id, invoer=skip)
    assert invalid["__typename"] == "ValidatieFout"
    case = await graphql(client, CASUS, auth("aandachtsfunctionaris"), {"id": case_id})
    assert case["data"]["meldcodeCasus"]["aantalStappen"] == 1
    assert case["data"]["meldcodeCasus"]["versie"] == 2
    assert case["data"]["meldcodeCasus"]["signalen"][0]["gemeldDoor"]["rol"] == "vrijwilliger"
    foreign = await graphql(client, CASUS, auth("coordinator", "mim-andere"), {"id": case_id})
    assert foreign["data"]["meldcodeCasus"] is None
