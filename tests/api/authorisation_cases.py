"""The authorisation matrix of the trajectory lifecycle, written down from the contract
(CONTRACT §3 roles and scopes, §6 endpoint table, §9.2 visibility), not from the code:
which callers exist, which endpoints, and what each (endpoint, caller) pair must answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

# CONTRACT §3: the maximum scopes of each role (the default of the `auth` fixture).
ROLE_MAXIMUM: Final[dict[str, frozenset[str]]] = {
    "verwijzer": frozenset(
        {"verwijzingen.aanmaken", "verwijzingen.lezen", "gebeurtenissen.lezen"}
        | {"abonnementen.beheren"}
    ),
    "coordinator": frozenset(
        {"verwijzingen.aanmaken", "verwijzingen.lezen", "trajecten.lezen", "trajecten.bijwerken"}
        | {"huisbezoeken.vastleggen", "huisbezoeken.lezen", "vrijwilligers.lezen"}
        | {"vrijwilligers.bijwerken", "meldcode.signaleren", "meldcode.behandelen"}
        | {"dashboards.lezen", "gebeurtenissen.lezen", "abonnementen.beheren"}
    ),
    "vrijwilliger": frozenset(
        {"trajecten.lezen", "huisbezoeken.vastleggen", "huisbezoeken.lezen"}
        | {"meldcode.signaleren", "vrijwilligers.lezen"}
    ),
    "aandachtsfunctionaris": frozenset(
        {"trajecten.lezen", "huisbezoeken.lezen", "meldcode.signaleren", "meldcode.behandelen"}
        | {"gebeurtenissen.lezen", "abonnementen.beheren"}
    ),
    "eindverantwoordelijke": frozenset(
        {"trajecten.lezen", "huisbezoeken.lezen", "meldcode.signaleren", "meldcode.behandelen"}
        | {"gebeurtenissen.lezen", "abonnementen.beheren", "meldcode.beslissen"}
    ),
    "gemeente": frozenset({"dashboards.lezen"}),
    "privacy": frozenset({"audit.lezen", "gebeurtenissen.lezen", "abonnementen.beheren"}),
    "beheer": frozenset(
        {"abonnementen.beheren", "gebeurtenissen.lezen", "dashboards.lezen", "beheer"}
    ),
}
LETTER: Final = {
    "verwijzer": "V",
    "coordinator": "C",
    "vrijwilliger": "F",
    "aandachtsfunctionaris": "A",
    "eindverantwoordelijke": "E",
    "gemeente": "G",
    "privacy": "P",
    "beheer": "B",
}

# What a caller may see of a Traject, Overgang or Begeleiding (CONTRACT §9.2, §11, R36).
Audience = Literal["vrijwilliger", "volledig", "gemaskeerd"]


@dataclass(frozen=True, slots=True)
class Caller:
    name: str
    role: str
    org: str | None = None  # None: the `auth` fixture's default for the role
    volunteer: Literal["eigen", "ander"] | None = None  # which volunteer a vrijwilliger is
    scope: str | None = None  # None: the role's maximum
    without_endpoint_scope: bool = False  # the role's maximum minus the endpoint's scope
    gemeenten: tuple[str, ...] | None = None  # required for rol gemeente (§3)

    @property
    def letter(self) -> str:
        return LETTER[self.role]

    @property
    def foreign(self) -> bool:
        """Of another host organisation than the records (tenancy, §3)."""
        return self.org is not None and self.org != "mim-demo" and self.role == "coordinator"

    def scopes(self, endpoint: Endpoint) -> frozenset[str]:
        maximum = ROLE_MAXIMUM[self.role]
        if self.without_endpoint_scope:
            return maximum - {endpoint.scope}
        if self.scope is None:
            return maximum
        return frozenset(self.scope.split()) & maximum

    def scope_claim(self, endpoint: Endpoint) -> str | None:
        if self.without_endpoint_scope:
            return " ".join(sorted(self.scopes(endpoint)))
        return self.scope

    @property
    def audience(self) -> Audience:
        if self.role == "vrijwilliger":
            return "vrijwilliger"
        if self.scope is not None and "meldcode.behandelen" not in self.scope.split():
            return "gemaskeerd"
        return "volledig"


CALLERS: Final = (
    Caller("verwijzer", "verwijzer"),
    Caller("coordinator", "coordinator"),
    Caller("vrijwilliger (eigen)", "vrijwilliger", volunteer="eigen"),
    Caller("vrijwilliger (andere vrijwilliger)", "vrijwilliger", volunteer="ander"),
    Caller("aandachtsfunctionaris", "aandachtsfunctionaris"),
    Caller("eindverantwoordelijke", "eindverantwoordelijke"),
    Caller("gemeente", "gemeente", gemeenten=("GM0363",)),
    Caller("privacy", "privacy"),
    Caller("beheer", "beheer"),
    Caller("coordinator van mim-andere", "coordinator", org="mim-andere"),
    Caller("coordinator zonder de scope", "coordinator", without_endpoint_scope=True),
    Caller(  # 403, not 404: the scope is checked before the record is looked up
        "coordinator van mim-andere zonder de scope",
        "coordinator",
        org="mim-andere",
        without_endpoint_scope=True,
    ),
    Caller(
        "coordinator zonder meldcode", "coordinator", scope="trajecten.lezen trajecten.bijwerken"
    ),
    Caller("coordinator alleen trajecten.lezen", "coordinator", scope="trajecten.lezen"),
)

# Records made anew for each case of a write, so that one caller's success cannot turn
# another's into a 409: an aangemeld trajectory, or a visit on t1 under v1's or v2's id.
Fresh = Literal["tw", "bezoek_corr", "bezoek_ander_corr"]

Shape = Literal[
    "traject",
    "trajecten",
    "overgang",
    "overgangen",
    "matchvoorstellen",
    "bezoek",
    "bezoeken",
    "vrijwilliger",
    "vrijwilligers",
    "begeleiding",
    "begeleidingen",
]


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One row of CONTRACT §6, aimed at one record of the world.

    `path` holds `{names}` of world records; `roles` are the §6 letters; `record` says the
    path names a record, so tenancy and a volunteer's own-data rule answer 404 on it;
    `not_hers` marks a record inside her own trajectory that is still not hers (another
    volunteer's visit): 404 for her own token too. `body` names a request body."""

    label: str
    method: Literal["GET", "POST", "PATCH"]
    path: str
    scope: str
    roles: str
    success: int
    shape: Shape
    record: bool = True
    not_hers: bool = False
    body: str | None = None
    fresh: Fresh | None = None  # a new record for every case, bound to this path name

    @property
    def writes(self) -> bool:
        return self.method != "GET"


T = "/v1/trajecten"
W = "/v1/vrijwilligers"
ENDPOINTS: Final = (
    Endpoint("GET /trajecten", "GET", T, "trajecten.lezen", "CFAE", 200, "trajecten", False),
    Endpoint("GET /trajecten/{id}", "GET", T + "/{t1}", "trajecten.lezen", "CFAE", 200, "traject"),
    Endpoint(
        "GET /trajecten/{id} (onderbroken, ziekte)",
        "GET",
        T + "/{t2}",
        "trajecten.lezen",
        "CFAE",
        200,
        "traject",
    ),
    Endpoint(
        "PATCH /trajecten/{id}",
        "PATCH",
        T + "/{t1}",
        "trajecten.bijwerken",
        "C",
        200,
        "traject",
        body="traject-wijziging",
    ),
    Endpoint(
        "POST /trajecten/{id}/overgangen",
        "POST",
        T + "/{tw}/overgangen",
        "trajecten.bijwerken",
        "C",
        201,
        "overgang",
        body="overgang",
        fresh="tw",
    ),
    Endpoint(
        "GET /trajecten/{id}/overgangen",
        "GET",
        T + "/{t1}/overgangen",
        "trajecten.lezen",
        "CFAE",
        200,
        "overgangen",
    ),
    Endpoint(
        "GET /trajecten/{id}/overgangen/{overgangId} (pauze, ziekte)",
        "GET",
        T + "/{t1}/overgangen/{pauze}",
        "trajecten.lezen",
        "CFAE",
        200,
        "overgang",
    ),
    Endpoint(
        "GET /trajecten/{id}/overgangen/{overgangId} (hervatting, toelichting)",
        "GET",
        T + "/{t1}/overgangen/{hervatting}",
        "trajecten.lezen",
        "CFAE",
        200,
        "overgang",
    ),
    Endpoint(
        "GET /trajecten/{id}/matchvoorstellen",
        "GET",
        T + "/{t4}/matchvoorstellen",
        "trajecten.lezen",
        "C",
        200,
        "matchvoorstellen",
    ),
    Endpoint(
        "POST /trajecten/{id}/huisbezoeken",
        "POST",
        T + "/{t1}/huisbezoeken",
        "huisbezoeken.vastleggen",
        "CF",
        201,
        "bezoek",
        body="huisbezoek",
    ),
    Endpoint(
        "GET /trajecten/{id}/huisbezoeken",
        "GET",
        T + "/{t1}/huisbezoeken",
        "huisbezoeken.lezen",
        "CFAE",
        200,
        "bezoeken",
    ),
    Endpoint(
        "GET /trajecten/{id}/huisbezoeken/{bezoekId}",
        "GET",
        T + "/{t1}/huisbezoeken/{bezoek}",
        "huisbezoeken.lezen",
        "CFAE",
        200,
        "bezoek",
    ),
    Endpoint(
        "GET /trajecten/{id}/huisbezoeken/{bezoekId} (bezoek van een ander)",
        "GET",
        T + "/{t1}/huisbezoeken/{bezoek_ander}",
        "huisbezoeken.lezen",
        "CFAE",
        200,
        "bezoek",
        not_hers=True,
    ),
    Endpoint(
        "POST /trajecten/{id}/huisbezoeken/{bezoekId}/correcties",
        "POST",
        T + "/{t1}/huisbezoeken/{bezoek_corr}/correcties",
        "huisbezoeken.vastleggen",
        "CF",
        201,
        "bezoek",
        body="correctie",
        fresh="bezoek_corr",
    ),
    Endpoint(
        "POST /trajecten/{id}/huisbezoeken/{bezoekId}/correcties (bezoek van een ander)",
        "POST",
        T + "/{t1}/huisbezoeken/{bezoek_ander_corr}/correcties",
        "huisbezoeken.vastleggen",
        "CF",
        201,
        "bezoek",
        not_hers=True,
        body="correctie",
        fresh="bezoek_ander_corr",
    ),
    Endpoint(
        "POST /vrijwilligers",
        "POST",
        W,
        "vrijwilligers.bijwerken",
        "C",
        201,
        "vrijwilliger",
        record=False,
        body="vrijwilliger",
    ),
    Endpoint(
        "GET /vrijwilligers", "GET", W, "vrijwilligers.lezen", "C", 200, "vrijwilligers", False
    ),
    Endpoint(
        "GET /vrijwilligers/{id}",
        "GET",
        W + "/{v1}",
        "vrijwilligers.lezen",
        "CF",
        200,
        "vrijwilliger",
    ),
    Endpoint(
        "PATCH /vrijwilligers/{id}",
        "PATCH",
        W + "/{v1}",
        "vrijwilligers.bijwerken",
        "C",
        200,
        "vrijwilliger",
        body="vrijwilliger-wijziging",
    ),
    Endpoint(
        "GET /vrijwilligers/{id}/trajecten",
        "GET",
        W + "/{v1}/trajecten",
        "trajecten.lezen",
        "CF",
        200,
        "trajecten",
    ),
    Endpoint(
        "POST /vrijwilligers/{id}/begeleidingen",
        "POST",
        W + "/{v1}/begeleidingen",
        "vrijwilligers.bijwerken",
        "C",
        201,
        "begeleiding",
        body="begeleiding",
    ),
    Endpoint(
        "GET /vrijwilligers/{id}/begeleidingen",
        "GET",
        W + "/{v1}/begeleidingen",
        "vrijwilligers.lezen",
        "CF",
        200,
        "begeleidingen",
    ),
    Endpoint(
        "GET /vrijwilligers/{id}/begeleidingen/{begeleidingId}",
        "GET",
        W + "/{v1}/begeleidingen/{begeleiding}",
        "vrijwilligers.lezen",
        "CF",
        200,
        "begeleiding",
    ),
)


@dataclass(frozen=True, slots=True)
class Expected:
    status: int
    code: str | None = None  # the problem `code` of a refusal


FORBIDDEN: Final = Expected(403, "geen-bevoegdheid")
NOT_FOUND: Final = Expected(404, "niet-gevonden")


def applies(endpoint: Endpoint, caller: Caller) -> bool:
    """A coordinator of another organisation is tried only where a record or a list of
    `mim-demo` is involved; creating a volunteer in her own organisation is no tenancy case."""
    return not (caller.foreign and not endpoint.record and endpoint.writes)


def expected(endpoint: Endpoint, caller: Caller) -> Expected:
    """CONTRACT §3/§6: a role not listed or a missing scope is 403 before any look-up; a
    listed role gets 404 on records it may not see (another organisation, or for a
    volunteer anything that is not hers); else the endpoint's success status."""
    if caller.letter not in endpoint.roles or endpoint.scope not in caller.scopes(endpoint):
        return FORBIDDEN
    if endpoint.record and caller.foreign:
        return NOT_FOUND
    if endpoint.record and caller.volunteer == "ander":
        return NOT_FOUND
    if endpoint.not_hers and caller.volunteer == "eigen":
        return NOT_FOUND
    return Expected(endpoint.success)


def cases() -> list[tuple[Endpoint, Caller]]:
    """Every (endpoint, caller) pair, ordered so that no write changes what a later case
    sees: all reads first, then the refused writes, then the writes that succeed."""
    pairs = [(e, c) for e in ENDPOINTS for c in CALLERS if applies(e, c)]

    def phase(pair: tuple[Endpoint, Caller]) -> int:
        endpoint, caller = pair
        if not endpoint.writes:
            return 0
        return 2 if expected(endpoint, caller).status < 300 else 1

    return sorted(pairs, key=phase)  # sorted() is stable: table order within a phase
