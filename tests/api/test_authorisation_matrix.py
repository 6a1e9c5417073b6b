"""The authorisation matrix of the trajectory lifecycle: every endpoint x every caller
(CONTRACT §3, §6, §9.2, §11; DOMAIN R14, R23, R36), checking the status, the problem
`code` and that no field hidden from the caller appears in the body.

One world is built per test (two active volunteers, matched trajectories, visits, a pause
for `ziekte`, supervision) and the case table of `authorisation_cases` is run over it with a
plain loop; mismatches are collected and reported together."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Final

import httpx

from tests.api.authorisation_cases import (
    CALLERS,
    ENDPOINTS,
    Audience,
    Caller,
    Endpoint,
    Fresh,
    cases,
    expected,
)
from tests.api.lifecycle_steps import Auth, active_volunteer, move, today, visit, volunteer_body
from tests.factories import an_idempotency_key, referral_body

SENSITIVE_REASONS: Final = frozenset({"meldcode", "ziekte", "contra_indicatie"})
TRAJECT_HIDDEN_FROM_VOLUNTEER: Final = (
    "wijkcode",
    "verwijzingId",
    "verwijzerType",
    "aanmelding",
    "toestemming",
    "meldcodeCasusOpen",
    "juridischeBewaring",
)
MELDCODE_ONLY: Final = ("meldcodeCasusOpen", "juridischeBewaring")
PROBLEM_MEMBERS: Final = frozenset(
    {"type", "title", "status", "detail", "instance", "code", "invalidParams"}
    | {"van", "naar", "toegestaneOvergangen", "voorwaarde", "huidigeVersie"}
)
RESUME_NOTE: Final = "Moeder is hersteld en wil graag verder."
SUPERVISION_NOTE: Final = "Gaat goed; wil meer weten over slapen van baby's."


@dataclass
class World:
    """The ids of what the world holds, by the names the case paths use."""

    ids: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, name: str) -> str:
        return self.ids[name]

    def path(self, template: str) -> str:
        return template.format(**self.ids)


async def registered(client: httpx.AsyncClient, auth: Auth) -> str:
    """A phoned-in referral recorded by the coordinator, with the child's first name set so
    that every field §9.2 hides from a volunteer has a value for a coordinator to see."""
    named: dict[str, Any] = {"kind.roepnaam": "Testkind"}
    body = referral_body(**named)
    headers = {**auth("coordinator"), "Idempotency-Key": an_idempotency_key()}
    response = await client.post("/v1/verwijzingen", json=body, headers=headers)
    assert response.status_code == 201, response.text
    trajectory_id: str = response.json()["trajectId"]
    return trajectory_id


async def matched(client: httpx.AsyncClient, auth: Auth, volunteer_id: str) -> str:
    trajectory_id = await registered(client, auth)
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
    return trajectory_id


def pause(reason: str) -> dict[str, Any]:
    later = (today() + timedelta(days=14)).isoformat()
    return {"naar": "onderbroken", "reden": reason, "heroverwegingOp": later}


async def build_world(client: httpx.AsyncClient, auth: Auth) -> World:
    """v1 ("hers") and v2 (another volunteer), both active;
    t1: matched to v1, in uitvoering after a pause for `ziekte` and a resume with a note,
        with visits under v1's id and one under v2's id;
    t2: matched to v1, paused for `ziekte` now; t3: matched to v2; t4: waiting for a match;
    tw: aangemeld (each transition case gets a fresh one); a supervision talk of v1 with a
    note. The visits that corrections replace are made per case (`Fresh`)."""
    world = World()
    world.ids["v1"] = await active_volunteer(client, auth, capaciteit=3)
    world.ids["v2"] = await active_volunteer(client, auth, capaciteit=3, roepnaam="Andere")
    talk = await client.post(
        f"/v1/vrijwilligers/{world['v1']}/begeleidingen",
        json={
            "soort": "individueel",
            "datum": today().isoformat(),
            "duurMinuten": 45,
            "onderwerpen": ["voortgang_trajecten"],
            "notitie": SUPERVISION_NOTE,
        },
        headers=auth("coordinator"),
    )
    assert talk.status_code == 201, talk.text
    world.ids["begeleiding"] = talk.json()["id"]

    t1 = world.ids["t1"] = await matched(client, auth, world["v1"])
    await visit(client, auth, t1)
    await move(client, auth, t1, {"naar": "uitvoering"})
    world.ids["pauze"] = (await move(client, auth, t1, pause("ziekte"))).json()["id"]
    resumed = await move(client, auth, t1, {"naar": "uitvoering", "toelichting": RESUME_NOTE})
    world.ids["hervatting"] = resumed.json()["id"]
    own = auth("vrijwilliger", vrijwilligerId=world["v1"])
    world.ids["bezoek"] = (await visit(client, auth, t1, headers=own)).json()["id"]
    other = await visit(client, auth, t1, vrijwilligerId=world["v2"])
    world.ids["bezoek_ander"] = other.json()["id"]

    t2 = world.ids["t2"] = await matched(client, auth, world["v1"])
    await move(client, auth, t2, pause("ziekte"))
    t3 = world.ids["t3"] = await matched(client, auth, world["v2"])
    await visit(client, auth, t3)
    t4 = world.ids["t4"] = await registered(client, auth)
    await move(client, auth, t4, {"naar": "intake", "intakeDatum": today().isoformat()})
    await move(client, auth, t4, {"naar": "wacht_op_match", "contraIndicatiesGecontroleerd": True})
    world.ids["tw"] = await registered(client, auth)
    for fresh in ("bezoek_corr", "bezoek_ander_corr"):
        world.ids[fresh] = ""  # made anew for each case that needs one
    return world


def bodies() -> dict[str, dict[str, Any]]:
    return {
        "traject-wijziging": {"moeder": {"telefoon": "06 11112222"}},
        "overgang": {"naar": "intake", "intakeDatum": today().isoformat()},
        "huisbezoek": {
            "soort": "huisbezoek",
            "datum": today().isoformat(),
            "duurMinuten": 75,
            "locatie": "thuis",
            "onderwerpen": ["kind_eten"],
        },
        "correctie": {"reden": "Het bezoek ging niet door.", "vervalt": True},
        "vrijwilliger": volunteer_body(roepnaam="Nieuwe"),
        "vrijwilliger-wijziging": {"telefoon": "06 33334444"},
        "begeleiding": {"soort": "individueel", "datum": today().isoformat(), "duurMinuten": 30},
    }


def headers_of(auth: Auth, world: World, endpoint: Endpoint, caller: Caller) -> dict[str, str]:
    claims: dict[str, Any] = {}
    scope = caller.scope_claim(endpoint)
    if scope is not None:
        claims["scope"] = scope
    if caller.gemeenten is not None:
        claims["gemeenten"] = list(caller.gemeenten)
    if caller.volunteer is not None:
        claims["vrijwilligerId"] = world["v1" if caller.volunteer == "eigen" else "v2"]
    return auth(caller.role, caller.org, **claims)


async def make_fresh(client: httpx.AsyncClient, auth: Auth, world: World, fresh: Fresh) -> None:
    """A new record for one write case, bound to its path name in the world."""
    if fresh == "tw":
        world.ids["tw"] = await registered(client, auth)
        return
    named: dict[str, Any] = {} if fresh == "bezoek_corr" else {"vrijwilligerId": world["v2"]}
    world.ids[fresh] = (await visit(client, auth, world["t1"], **named)).json()["id"]


async def send(
    client: httpx.AsyncClient, auth: Auth, world: World, endpoint: Endpoint, caller: Caller
) -> httpx.Response:
    if endpoint.fresh is not None:
        await make_fresh(client, auth, world, endpoint.fresh)
    path = world.path(endpoint.path)
    headers = headers_of(auth, world, endpoint, caller)
    body = None if endpoint.body is None else bodies()[endpoint.body]
    if endpoint.method == "PATCH":
        current = await client.get(path, headers=auth("coordinator"))
        assert current.status_code == 200, current.text
        headers |= {
            "If-Match": current.headers["etag"],
            "Content-Type": "application/merge-patch+json",
        }
        return await client.patch(path, json=body, headers=headers)
    if endpoint.method == "POST":
        return await client.post(path, json=body, headers=headers)
    return await client.get(path, headers=headers)


# -- what the body may and must hold --------------------------------------------------


def traject_problems(item: dict[str, Any], audience: Audience, world: World) -> list[str]:
    found: list[str] = []
    reason = item.get("reden")
    if audience == "vrijwilliger":
        found += [f"{n} zichtbaar" for n in TRAJECT_HIDDEN_FROM_VOLUNTEER if n in item]
        if "achternaam" in item.get("moeder", {}):
            found.append("moeder.achternaam zichtbaar")
        if "roepnaam" in item.get("kind", {}):
            found.append("kind.roepnaam zichtbaar")
    else:
        shown: tuple[str, ...] = TRAJECT_HIDDEN_FROM_VOLUNTEER
        if audience == "gemaskeerd":
            shown = tuple(n for n in shown if n not in MELDCODE_ONLY)
            found += [
                f"{n} zichtbaar zonder meldcode.behandelen" for n in MELDCODE_ONLY if n in item
            ]
        found += [f"{n} ontbreekt" for n in shown if n not in item]
        if item.get("moeder", {}).get("achternaam") is None:
            found.append("moeder.achternaam ontbreekt")
        if item.get("kind", {}).get("roepnaam") != "Testkind":
            found.append("kind.roepnaam ontbreekt")
    if item.get("id") == world["t2"]:
        want = "ziekte" if audience == "volledig" else "overig"
        if reason != want:
            found.append(f"reden {reason!r} op het onderbroken traject, verwacht {want!r}")
    elif audience != "volledig" and (
        reason in SENSITIVE_REASONS or item.get("uitkomst") in SENSITIVE_REASONS
    ):
        found.append(f"ongemaskeerde reden {reason!r}")
    return found


def overgang_problems(item: dict[str, Any], audience: Audience, world: World) -> list[str]:
    found: list[str] = []
    reason = item.get("reden")
    if audience == "vrijwilliger" and "toelichting" in item:
        found.append("toelichting zichtbaar")
    if item.get("id") == world["pauze"]:
        want = "ziekte" if audience == "volledig" else "overig"
        if reason != want:
            found.append(f"reden {reason!r} op de pauze, verwacht {want!r}")
    elif audience != "volledig" and reason in SENSITIVE_REASONS:
        found.append(f"ongemaskeerde reden {reason!r}")
    resume = item.get("id") == world["hervatting"] and audience != "vrijwilliger"
    if resume and item.get("toelichting") != RESUME_NOTE:
        found.append("toelichting van de hervatting ontbreekt")
    return found


def begeleiding_problems(item: dict[str, Any], audience: Audience, world: World) -> list[str]:
    if audience == "vrijwilliger":
        return ["notitie zichtbaar"] if "notitie" in item else []
    if item.get("id") == world["begeleiding"] and item.get("notitie") != SUPERVISION_NOTE:
        return ["notitie ontbreekt"]
    return []


def bezoek_problems(item: dict[str, Any], caller: Caller, world: World) -> list[str]:
    if caller.volunteer == "eigen" and item.get("vrijwilligerId") != world["v1"]:
        return [f"bezoek {item.get('id')} met vrijwilligerId {item.get('vrijwilligerId')}"]
    return []


def membership(ids: set[str], present: set[str], absent: set[str], world: World) -> list[str]:
    names = {v: k for k, v in world.ids.items()}
    return [f"{names[i]} ontbreekt in de lijst" for i in sorted(present - ids)] + [
        f"{names[i]} staat ten onrechte in de lijst" for i in sorted(absent & ids)
    ]


def list_expectation(endpoint: Endpoint, caller: Caller, world: World) -> tuple[set[str], set[str]]:
    """(ids that must be listed, ids that must not be) for a successful list."""
    trajectories = {world[n] for n in ("t1", "t2", "t3", "t4", "tw")}
    if endpoint.shape == "trajecten":
        if caller.foreign:
            return set(), trajectories
        if caller.volunteer == "eigen" or endpoint.path.startswith("/v1/vrijwilligers"):
            mine = {world["t1"], world["t2"]}
            return mine, trajectories - mine
        if caller.volunteer == "ander":
            return {world["t3"]}, trajectories - {world["t3"]}
        return trajectories, set()
    if endpoint.shape == "vrijwilligers":
        both = {world["v1"], world["v2"]}
        return (set(), both) if caller.foreign else (both, set())
    if endpoint.shape == "bezoeken":
        if caller.volunteer == "eigen":
            return {world["bezoek"]}, {world["bezoek_ander"]}
        return {world["bezoek"], world["bezoek_ander"]}, set()
    if endpoint.shape == "overgangen":
        return {world["pauze"], world["hervatting"]}, set()
    if endpoint.shape == "begeleidingen":
        return {world["begeleiding"]}, set()
    return set(), set()


def body_problems(
    endpoint: Endpoint, caller: Caller, world: World, body: dict[str, Any]
) -> list[str]:
    """What a successful answer shows that the caller may not see, or misses."""
    audience = caller.audience
    shape = endpoint.shape
    items: list[dict[str, Any]]
    if shape in ("trajecten", "overgangen", "bezoeken", "vrijwilligers", "begeleidingen"):
        items = body.get("resultaten", [])
        found = membership(
            {i["id"] for i in items}, *list_expectation(endpoint, caller, world), world
        )
    elif shape == "matchvoorstellen":
        return [] if isinstance(body.get("resultaten"), list) else ["geen resultaten"]
    else:
        items, found = [body], []
    for item in items:
        if shape.startswith("traject"):
            found += traject_problems(item, audience, world)
        elif shape.startswith("overgang"):
            found += overgang_problems(item, audience, world)
        elif shape.startswith("begeleiding"):
            found += begeleiding_problems(item, audience, world)
        elif shape.startswith("bezoek"):
            found += bezoek_problems(item, caller, world)
    return found


def problem_problems(body: Any, want_code: str | None) -> list[str]:
    """A refusal is a problem document with the right `code`, and nothing else."""
    if not isinstance(body, dict):
        return ["geen problem-document"]
    found = (
        []
        if body.get("code") == want_code
        else [f"code {body.get('code')!r}, verwacht {want_code!r}"]
    )
    extra = sorted(set(body) - PROBLEM_MEMBERS)
    return found + ([f"velden buiten het problem-document: {extra}"] if extra else [])


async def test_every_lifecycle_endpoint_answers_every_role_as_the_contract_says(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    world = await build_world(client, auth)
    table = cases()
    mismatches: list[str] = []
    for endpoint, caller in table:
        want = expected(endpoint, caller)
        response = await send(client, auth, world, endpoint, caller)
        try:
            body = response.json()
        except ValueError:
            body = None
        found: list[str] = []
        if response.status_code != want.status:
            found.append(f"status {response.status_code}, verwacht {want.status}")
        if want.status >= 400:
            found += problem_problems(body, want.code)
        elif response.status_code >= 400:
            code = body.get("code") if isinstance(body, dict) else None
            found.append(f"code {code!r}")
        elif isinstance(body, dict):
            found += body_problems(endpoint, caller, world, body)
        else:
            found.append("geen JSON-object")
        if found:
            mismatches.append(f"{endpoint.label} | {caller.name}: " + "; ".join(found))

    assert len(table) >= len(ENDPOINTS) * (len(CALLERS) - 1)
    assert not mismatches, f"{len(mismatches)} van {len(table)} gevallen wijken af:\n" + "\n".join(
        mismatches
    )
