"""The world and the checks of tests/api/test_meldcode_masking.py: a trajectory paused or
stopped for `meldcode` through the Meldcode step, its readers, and what each may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx

from tests.api.lifecycle_steps import Auth, active_volunteer, move, today
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


def report(scenario: str, mismatches: list[str], readers: int) -> str:
    return f"{scenario}: {len(mismatches)} mismatches over {readers} readers:\n" + "\n".join(
        mismatches
    )


async def rest_read_problems(
    client: httpx.AsyncClient, auth: Auth, setup: Setup, reader: str
) -> list[str]:
    """What is wrong with `reader`'s REST reads of the trajectory; each names its path."""
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
        return problems

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
        listed = transitions.json()["resultaten"]
        if not listed:
            return [*problems, "GET /trajecten/{id}/overgangen: no transitions"]
        newest = listed[0]
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
    return problems


def graphql_trajectory_problems(
    where: str, trajectory: dict[str, Any], unmasked: bool, state: str
) -> list[str]:
    derived = True if unmasked else None  # hidden fields resolve to null (CONTRACT §9.2)
    reason = "meldcode" if unmasked else "overig"
    problems = []
    if (trajectory["status"], trajectory["reden"]) != (state, reason):
        problems.append(
            f"{where}: status/reden {trajectory['status']!r}/{trajectory['reden']!r}, "
            f"expected {state!r}/{reason!r}"
        )
    for name in ("meldcodeCasusOpen", "juridischeBewaring"):
        if trajectory[name] is not derived:
            problems.append(f"{where}: {name} {trajectory[name]!r}, expected {derived!r}")
    newest = trajectory["overgangen"][0]
    if (newest["naar"], newest["reden"]) != (state, reason):
        problems.append(
            f"{where}.overgangen[0]: naar/reden {newest['naar']!r}/{newest['reden']!r}, "
            f"expected {state!r}/{reason!r}"
        )
    return problems


async def graphql_read_problems(
    client: httpx.AsyncClient, auth: Auth, setup: Setup, reader: str
) -> list[str]:
    """What is wrong with `reader`'s GraphQL `traject` and `trajecten`; each names its path."""
    unmasked = READERS[reader][1]
    body = await graphql(
        client, TRAJECT_GQL, headers_of(auth, reader, setup), {"id": setup.trajectory_id}
    )
    if "errors" in body:
        return [f"traject/trajecten: errors {body}"]
    one = body["data"]["traject"]
    listed = [t for t in body["data"]["trajecten"]["resultaten"] if t["id"] == setup.trajectory_id]
    if reader == "vrijwilliger" and setup.state == "gestopt":
        if (one, listed) != (None, []):  # her access ended with the trajectory
            return [f"traject/trajecten: {(one, listed)!r}, expected (None, [])"]
        return []

    if one is None:
        return ["traject(id): null"]
    problems = graphql_trajectory_problems("traject(id)", one, unmasked, setup.state)
    for trajectory in listed:
        problems += graphql_trajectory_problems("trajecten", trajectory, unmasked, setup.state)
    if len(listed) != 1:
        problems.append(f"trajecten: the trajectory is listed {len(listed)} times")
    if not unmasked and any(o["reden"] == "meldcode" for o in one["overgangen"]):
        problems.append("traject(id).overgangen: reden 'meldcode'")
    if reader == "vrijwilliger" and any(o["toelichting"] is not None for o in one["overgangen"]):
        problems.append("traject(id).overgangen: toelichting present for the volunteer")
    return problems
