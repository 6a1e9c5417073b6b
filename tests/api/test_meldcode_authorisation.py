"""The authorisation matrix of the Meldcode workflow: every REST endpoint and GraphQL field
of CONTRACT §6/§12/§17 x every caller (18 x 12 = 216 cases per database; CONTRACT §3, §9.2;
DOMAIN R23, R30, §4.4), checking the status, the problem `code` (or in GraphQL the union
member, `extensions.code` or null) and that no Meldcode data appears where it must not.

One world is built per test (a case with signals of every caller who may signal, its steps,
and shared cases in each state a refused write needs) and the case table of
`meldcode_authorisation_cases` is run over it with a plain loop; every write that should
succeed gets a fresh case. Mismatches are collected and reported together."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Final

import httpx

from tests.api.lifecycle_steps import Auth, active_volunteer, trajectory_in
from tests.api.meldcode_authorisation_cases import (
    CALLERS,
    MATRIX_SIZE,
    Caller,
    Endpoint,
    View,
    cases,
    expected,
)
from tests.api.meldcode_flow import (
    SIGNAL,
    case_in,
    consultation,
    decision,
    mapped,
    raise_signal,
    record,
    weighing,
)
from tests.api.test_trajectory_reads import register

PROBLEM_MEMBERS: Final = frozenset(
    {"type", "title", "status", "detail", "instance", "code", "invalidParams"}
    | {"van", "naar", "toegestaneOvergangen", "voorwaarde", "huidigeVersie"}
)
ADDENDUM: Final[dict[str, Any]] = {
    "stap": "addendum",
    "tekst": "Aanvulling: moeder belde later nog.",
    "reden": "aanvulling",
}
SIGNAAL_FIELDS: Final = (
    "id status casusId trajectId waargenomenOp waarneming bron derdeRol zorgOver acuutGevaar"
    " gemeldDoor { actorId rol } gemeldOp"
)
CASUS_FIELDS: Final = "id trajectId status aantalStappen signalen { id waarneming }"
DOCUMENTS: Final = {
    "meldcodeCasus": f"query($id: ID!) {{ meldcodeCasus(id: $id) {{ {CASUS_FIELDS} }} }}",
    "meldcodeCasussen": (
        f"query {{ meldcodeCasussen(limit: 200) {{ resultaten {{ {CASUS_FIELDS} }} volgende }} }}"
    ),
    "signaal": f"query($id: ID!) {{ signaal(id: $id) {{ {SIGNAAL_FIELDS} }} }}",
    "signaalMelden": (
        "mutation($id: ID!, $invoer: SignaalInvoer!) { signaalMelden(trajectId: $id,"
        " invoer: $invoer) { __typename ... on SignaalGemeld { signaal {"
        f" {SIGNAAL_FIELDS} acuteInstructie {{ tekst }} }} }} ... on Fout {{ code melding }} }} }}"
    ),
    "meldcodeStapVastleggen": (
        "mutation($id: ID!, $invoer: MeldcodeStapInvoer!) { meldcodeStapVastleggen(casusId: $id,"
        " invoer: $invoer) { __typename ... on StapVastgelegd { stap { id casusId stap"
        " statusVoor statusNa gegevens } } ... on Fout { code melding } } }"
    ),
}
SUCCESS_MEMBER: Final = {
    "signaalMelden": "SignaalGemeld",
    "meldcodeStapVastleggen": "StapVastgelegd",
}
STATUS_OF_CODE: Final = {"geen-bevoegdheid": 403, "niet-gevonden": 404}


@dataclass
class World:
    """The ids the case paths name; `shared`: a case per state for the refused writes;
    `own`: the signal each caller reads as hers; `seen`: the status its author sees."""

    ids: dict[str, str] = field(default_factory=dict)
    shared: dict[str, str] = field(default_factory=dict)
    own: dict[str, str] = field(default_factory=dict)
    seen: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, name: str) -> str:
        return self.ids[name]


def headers_of(auth: Auth, world: World, caller: Caller) -> dict[str, str]:
    claims: dict[str, Any] = {"sub": caller.sub}
    if caller.scope_claim is not None:
        claims["scope"] = caller.scope_claim
    if caller.gemeenten is not None:
        claims["gemeenten"] = list(caller.gemeenten)
    if caller.volunteer is not None:
        claims["vrijwilligerId"] = world["v1" if caller.volunteer == "eigen" else "v2"]
    return auth(caller.role, caller.org, **claims)


async def fresh_case(client: httpx.AsyncClient, auth: Auth, state: str) -> str:
    """A new case in `state`, on a trajectory of its own (one open case per trajectory)."""
    _, case_id = await case_in(client, auth, state, trajectory_id=await register(client, auth))
    return case_id


async def build_world(client: httpx.AsyncClient, auth: Auth) -> World:
    """v1 matched to t1, v2 to t3; case c1 on t1, opened by a signal of someone no caller
    is (`signaal_ander`), joined by a signal of every caller who may signal, then mapped and
    consulted (`stap`: the consultation); c3 on t3 with v2's signal. The foreign
    coordinator's `sub` wrote a signal on t1 with a mim-demo token."""
    world = World()
    world.ids["v1"] = await active_volunteer(client, auth, capaciteit=3)
    world.ids["v2"] = await active_volunteer(client, auth, capaciteit=3, roepnaam="Andere")
    t1 = world.ids["t1"] = await trajectory_in(
        client, auth, "kennismaking", volunteer_id=world["v1"]
    )
    t3 = world.ids["t3"] = await trajectory_in(
        client, auth, "kennismaking", volunteer_id=world["v2"]
    )
    other = auth("aandachtsfunctionaris", sub="mc-andere-melder")
    opened = (await raise_signal(client, auth, t1, headers=other)).json()
    world.ids["signaal_ander"], world.ids["c1"] = opened["id"], opened["casusId"]
    world.seen[opened["id"]] = "in_behandeling"
    for caller in CALLERS:
        if caller.foreign:
            headers = auth("coordinator", sub=caller.sub)
        elif caller.signals:
            headers = headers_of(auth, world, caller)
        else:
            world.own[caller.name] = world["signaal_ander"]
            continue
        where = t3 if caller.volunteer == "ander" else t1
        signal_id = (await raise_signal(client, auth, where, headers=headers)).json()["id"]
        world.own[caller.name] = world.ids[f"signaal {caller.name}"] = signal_id
        # §12.1: c3 stays `signaal_ontvangen`, c1 is consulted below
        world.seen[signal_id] = "ontvangen" if where == t3 else "in_behandeling"
    await record(client, auth, world["c1"], mapped())
    world.ids["stap"] = (await record(client, auth, world["c1"], consultation())).json()["id"]
    listed = await client.get(
        "/v1/meldcode-casussen", params={"trajectId": t3}, headers=auth("coordinator")
    )
    assert listed.status_code == 200, listed.text
    world.ids["c3"] = listed.json()["resultaten"][0]["id"]
    for state in ("signaal_ontvangen", "signalen_in_kaart", "gesprek_gevoerd", "gewogen"):
        world.shared[state] = world.ids[f"casus {state}"] = await fresh_case(client, auth, state)
    return world


def bodies() -> dict[str, dict[str, Any]]:
    return {
        "signaal": dict(SIGNAL),
        "consultatie": consultation(),
        "weging": weighing(),
        "besluit": decision(),
        "addendum": dict(ADDENDUM),
    }


@dataclass
class Answer:
    """A REST or GraphQL answer in one form: status (GraphQL: 403/404 from its code, 200
    for a query's object, 201 for a mutation's success member), code, payload, and what is
    wrong with the answer's form."""

    status: int
    code: str | None = None
    payload: Any = None
    found: list[str] = field(default_factory=list)
    text: str = ""


async def rest(
    client: httpx.AsyncClient, endpoint: Endpoint, headers: dict[str, str], names: dict[str, str]
) -> Answer:
    path = endpoint.target.format(**names)
    body = bodies()[endpoint.body] if endpoint.body else None
    if endpoint.method == "POST":
        response = await client.post(path, json=body, headers=headers)
    else:
        response = await client.get(path, headers=headers)
    try:
        payload = response.json()
    except ValueError:
        return Answer(response.status_code, found=["geen JSON"], text=response.text)
    answer = Answer(response.status_code, payload=payload, text=response.text)
    if not isinstance(payload, dict):
        answer.found.append("geen JSON-object")
    elif response.status_code >= 400:
        answer.code = payload.get("code")
        extra = sorted(set(payload) - PROBLEM_MEMBERS)
        if extra:
            answer.found.append(f"velden buiten het problem-document: {extra}")
    return answer


def invoer(endpoint: Endpoint) -> dict[str, Any]:
    body = bodies()[endpoint.body or ""]
    if endpoint.target == "signaalMelden":
        return body
    return {body["stap"]: {k: v for k, v in body.items() if k != "stap"}}


async def graphql(
    client: httpx.AsyncClient, endpoint: Endpoint, headers: dict[str, str], names: dict[str, str]
) -> Answer:
    name = endpoint.target
    variables: dict[str, Any] = {} if endpoint.on is None else {"id": names[endpoint.on]}
    if endpoint.body:
        variables["invoer"] = invoer(endpoint)
    response = await client.post(
        "/v1/graphql", json={"query": DOCUMENTS[name], "variables": variables}, headers=headers
    )
    if response.status_code != 200:
        return Answer(response.status_code, found=["HTTP-status van GraphQL"], text=response.text)
    reply = response.json()
    data, errors = reply.get("data") or {}, reply.get("errors") or []
    value = data.get(name)
    if errors:
        code = str((errors[0].get("extensions") or {}).get("code"))
        found = [] if value is None else ["data naast een fout"]
        return Answer(STATUS_OF_CODE.get(code, 500), code, found=found, text=response.text)
    if endpoint.writes:
        if not isinstance(value, dict):
            return Answer(500, found=["geen resultaat"], text=response.text)
        member = value.get("__typename")
        if member == SUCCESS_MEMBER[name]:
            return Answer(
                201, payload=value.get("signaal") or value.get("stap"), text=response.text
            )
        status = STATUS_OF_CODE.get(str(value.get("code")), 400)
        found = [] if set(value) <= {"__typename", "code", "melding"} else ["velden in de fout"]
        want = {403: "GeenBevoegdheid", 404: "NietGevonden"}.get(status)
        found += [] if member == want else [f"unielid {member}"]
        return Answer(status, value.get("code"), value, found, response.text)
    if value is None:
        return Answer(404, "niet-gevonden", text=response.text)  # §17: null, no error
    return Answer(200, payload=value, text=response.text)


# -- what a successful answer may and must hold -----------------------------------------


def shown(payload: dict[str, Any], rest_api: bool) -> set[str]:
    """REST: hidden fields are absent; GraphQL: they are null (CONTRACT §9.2)."""
    return set(payload) if rest_api else {k for k, v in payload.items() if v is not None}


def signal_problems(payload: dict[str, Any], view: View, world: World, asked: str) -> list[str]:
    found = [] if payload.get("id") == asked else [f"id {payload.get('id')}"]
    if view == "status":
        if payload.get("status") != world.seen.get(asked):
            found.append(f"status {payload.get('status')!r}, verwacht {world.seen.get(asked)!r}")
        return found
    if payload.get("waarneming") != SIGNAL["waarneming"]:
        found.append("waarneming ontbreekt")
    if payload.get("casusId") not in (world["c1"], world["c3"]):
        found.append("casusId ontbreekt")
    return found + [f"{n} ontbreekt" for n in ("trajectId", "gemeldDoor") if not payload.get(n)]


def receipt_problems(payload: dict[str, Any], view: View, world: World) -> list[str]:
    found = [] if payload.get("status") == "in_behandeling" else ["status"]
    if view == "volledig" and payload.get("casusId") != world["c1"]:
        found.append("casusId ontbreekt")
    return found


def case_problems(item: dict[str, Any], world: World) -> list[str]:
    found = [] if item.get("trajectId") == world["t1"] else ["trajectId"]
    found += [] if item.get("status") == "geconsulteerd" else [f"status {item.get('status')!r}"]
    texts = {s.get("id"): s.get("waarneming") for s in item.get("signalen") or []}
    return found + ([] if texts.get(world["signaal_ander"]) else ["signalen ontbreken"])


def success_problems(
    endpoint: Endpoint, caller: Caller, world: World, names: dict[str, str], payload: Any
) -> list[str]:
    if not isinstance(payload, dict):
        return ["geen object"]
    view: View = expected(endpoint, caller).view or "status"
    rest_api = endpoint.api == "rest"
    visible = shown(payload, rest_api)
    if view == "status" and endpoint.shape in ("ontvangst", "signaal"):
        extra = sorted(visible - {"id", "status"})
        if extra:  # R23: the author learns {id, status} only
            return [f"Meldcode-velden zichtbaar: {extra}"]
    shape = endpoint.shape
    if shape == "ontvangst":
        return receipt_problems(payload, view, world)
    if shape == "signaal":
        whose = "signaal" if endpoint.signal == "eigen" else "signaal_ander"
        return signal_problems(payload, view, world, names[whose])
    if shape == "casus":
        return ([] if payload.get("id") == world["c1"] else ["id"]) + case_problems(payload, world)
    if shape == "casussen":
        listed = {i.get("id") for i in payload.get("resultaten") or []}
        ours = {world["c1"], world["c3"], *world.shared.values()}
        if caller.foreign:  # §3: other organisations' records are silently absent
            return (
                [f"{len(listed & ours)} casussen van mim-demo in de lijst"] if listed & ours else []
            )
        return [] if ours <= listed else ["casussen ontbreken in de lijst"]
    if shape == "stappen":
        items = payload.get("resultaten") or []
        return [] if world["stap"] in {i.get("id") for i in items} else ["stap ontbreekt"]
    if endpoint.writes:
        want_kind = bodies()[endpoint.body or ""]["stap"]
        found = [] if payload.get("casusId") == names["casus"] else ["casusId"]
        return found + ([] if payload.get("stap") == want_kind else [f"stap {payload.get('stap')}"])
    found = [] if payload.get("id") == world["stap"] else ["id"]
    advice = payload.get("advies") if rest_api else (payload.get("gegevens") or {}).get("advies")
    return found + ([] if advice == consultation()["advies"] else ["advies ontbreekt"])


def leaks(text: str, world: World, asked: set[str]) -> list[str]:
    """Meldcode data in a refusal: the observation, the advice, or any world id the caller
    did not name herself."""
    found = [t for t in (SIGNAL["waarneming"], consultation()["advies"]) if t in text]
    named = {i for i in world.ids.values() if i and i in text and i not in asked}
    return found + ([f"{len(named)} ids van de wereld"] if named else [])


def asked(endpoint: Endpoint, names: dict[str, str]) -> set[str]:
    """The ids the caller named herself (in the path, or as the GraphQL id argument)."""
    if endpoint.api == "graphql":
        return {names[endpoint.on]} if endpoint.on else set()
    path = endpoint.target.format(**names)
    return {v for v in names.values() if v and v in path}


async def run_case(
    client: httpx.AsyncClient, auth: Auth, world: World, endpoint: Endpoint, caller: Caller
) -> list[str]:
    want = expected(endpoint, caller)
    names = dict(world.ids, signaal=world.own[caller.name])
    if endpoint.case is not None:
        success = want.status < 300
        names["casus"] = (
            await fresh_case(client, auth, endpoint.case)
            if success
            else world.shared[endpoint.case]
        )
    headers = headers_of(auth, world, caller)
    send = rest if endpoint.api == "rest" else graphql
    answer = await send(client, endpoint, headers, names)
    found = list(answer.found)
    if answer.status != want.status:
        found.append(f"status {answer.status}, verwacht {want.status}")
    if want.status >= 400:
        if answer.code != want.code:
            found.append(f"code {answer.code!r}, verwacht {want.code!r}")
        found += leaks(answer.text, world, asked(endpoint, names))
    elif answer.status < 300:
        found += success_problems(endpoint, caller, world, names, answer.payload)
    else:
        found.append(f"code {answer.code!r}: {json.dumps(answer.payload)[:200]}")
    return found


async def test_every_meldcode_endpoint_answers_every_caller_as_the_contract_says(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    """216 cases (18 REST endpoints, step bodies and GraphQL fields x 12 callers)."""
    world = await build_world(client, auth)
    table = cases()
    mismatches: list[str] = []
    for endpoint, caller in table:
        found = await run_case(client, auth, world, endpoint, caller)
        if found:
            mismatches.append(f"{endpoint.label} | {caller.name}: " + "; ".join(found))

    assert len(table) == MATRIX_SIZE == 216
    assert not mismatches, f"{len(mismatches)} van {len(table)} gevallen wijken af:\n" + "\n".join(
        mismatches
    )
