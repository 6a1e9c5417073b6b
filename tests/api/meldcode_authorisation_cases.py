"""The authorisation matrix of the Meldcode workflow, written down from the contract
(CONTRACT §3 roles, scopes and tenancy; §6 the Meldcode rows; §12; §17; DOMAIN R23, R30,
R34, §4.4), not from the code: which callers exist, which endpoints and GraphQL fields, and
what each (endpoint, caller) pair must answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from tests.api.authorisation_cases import LETTER, ROLE_MAXIMUM

SIGNAL: Final = "meldcode.signaleren"
HANDLE: Final = "meldcode.behandelen"
DECIDE: Final = "meldcode.beslissen"

# What a successful answer may show: the whole Meldcode record (and a receipt's `casusId`),
# or, for the author without `meldcode.behandelen`, only `{id, status}` (§12.1, R23).
View = Literal["volledig", "status"]


@dataclass(frozen=True, slots=True)
class Caller:
    """`sub` is fixed per caller: a signal's author is recognised by it (§12.1 "author")."""

    name: str
    role: str
    sub: str
    org: str | None = None  # None: the `auth` fixture's default for the role
    volunteer: Literal["eigen", "ander"] | None = None  # matched to t1 ("eigen") or not
    without: frozenset[str] = frozenset()  # scopes left out of the role's maximum
    gemeenten: tuple[str, ...] | None = None  # required for rol gemeente (§3)

    @property
    def letter(self) -> str:
        return LETTER[self.role]

    @property
    def foreign(self) -> bool:
        """Of another host organisation than the records (tenancy, §3)."""
        return self.org is not None and self.org != "mim-demo" and self.role == "coordinator"

    @property
    def scopes(self) -> frozenset[str]:
        """Effective scopes: the claim ∩ the role's maximum (§3)."""
        return ROLE_MAXIMUM[self.role] - self.without

    @property
    def scope_claim(self) -> str | None:
        return " ".join(sorted(self.scopes)) if self.without else None

    @property
    def signals(self) -> bool:
        """May raise a signal, and so be the author of one (§6: C F A E, meldcode.signaleren)."""
        return self.letter in "CFAE" and SIGNAL in self.scopes

    @property
    def handles(self) -> bool:
        """Reads the organisation's Meldcode data (§3, §6: C A E with meldcode.behandelen)."""
        return self.letter in "CAE" and HANDLE in self.scopes


CALLERS: Final = (
    Caller("vrijwilliger (gekoppeld, melder)", "vrijwilliger", "mc-vw-eigen", volunteer="eigen"),
    Caller("vrijwilliger (niet gekoppeld)", "vrijwilliger", "mc-vw-ander", volunteer="ander"),
    Caller("coordinator", "coordinator", "mc-coordinator"),
    Caller(
        "coordinator zonder meldcode.behandelen",
        "coordinator",
        "mc-coordinator-beperkt",
        without=frozenset({HANDLE}),
    ),
    # Her `sub` also authored a signal in mim-demo (with a mim-demo token): authorship is
    # per organisation too, so even "her" signal is another organisation's record -> 404.
    Caller("coordinator van mim-andere", "coordinator", "mc-coordinator-andere", org="mim-andere"),
    Caller("aandachtsfunctionaris", "aandachtsfunctionaris", "mc-af"),
    Caller("eindverantwoordelijke", "eindverantwoordelijke", "mc-ev"),
    Caller(
        "eindverantwoordelijke zonder meldcode.beslissen",
        "eindverantwoordelijke",
        "mc-ev-beperkt",
        without=frozenset({DECIDE}),
    ),
    Caller("verwijzer", "verwijzer", "mc-verwijzer"),
    Caller("gemeente", "gemeente", "mc-gemeente", gemeenten=("GM0363",)),
    Caller("privacy", "privacy", "mc-privacy"),
    Caller("beheer", "beheer", "mc-beheer"),
)

Shape = Literal["ontvangst", "signaal", "casus", "casussen", "stap", "stappen"]
CaseState = Literal["signaal_ontvangen", "signalen_in_kaart", "gesprek_gevoerd", "gewogen"]


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One Meldcode row of CONTRACT §6 (or §12.3 step, or §17 field), aimed at the world.

    `target` is the REST path with `{names}` of world records (`{signaal}`: the caller's own
    signal; `{casus}`: a case in state `case`), or the GraphQL field, whose id argument
    names the world record `on`. `scopes`: any one of them suffices; `needs`: required too.
    `record` says the request names a record, so tenancy and a volunteer's own-data rule
    answer 404 on it. A write that should succeed gets a fresh case in state `case`."""

    label: str
    api: Literal["rest", "graphql"]
    method: Literal["GET", "POST"]  # GraphQL: GET = query, POST = mutation
    target: str
    scopes: frozenset[str]
    roles: str
    success: int
    shape: Shape
    record: bool = True
    needs: frozenset[str] = frozenset()
    signal: Literal["eigen", "ander"] | None = None  # whose signal is read
    body: str | None = None
    case: CaseState | None = None
    on: str | None = None

    @property
    def writes(self) -> bool:
        return self.method == "POST"


M = "/v1/meldcode-casussen"
SIGNALLERS: Final = frozenset({SIGNAL})
READERS: Final = frozenset({SIGNAL, HANDLE})  # §6 GET /signalen/{id}: author / C A E
HANDLERS: Final = frozenset({HANDLE})
ENDPOINTS: Final = (
    Endpoint(
        "POST /trajecten/{id}/signalen",
        *("rest", "POST", "/v1/trajecten/{t1}/signalen", SIGNALLERS, "CFAE", 201, "ontvangst"),
        body="signaal",
    ),
    Endpoint(
        "GET /signalen/{id} (eigen signaal)",
        *("rest", "GET", "/v1/signalen/{signaal}", READERS, "CFAE", 200, "signaal"),
        signal="eigen",
    ),
    Endpoint(
        "GET /signalen/{id} (signaal van een ander)",
        *("rest", "GET", "/v1/signalen/{signaal_ander}", READERS, "CFAE", 200, "signaal"),
        signal="ander",
    ),
    Endpoint(
        "GET /meldcode-casussen",
        *("rest", "GET", M, HANDLERS, "CAE", 200, "casussen"),
        record=False,
    ),
    Endpoint(
        "GET /meldcode-casussen/{id}", "rest", "GET", M + "/{c1}", HANDLERS, "CAE", 200, "casus"
    ),
    Endpoint(
        "POST /meldcode-casussen/{id}/stappen (consultatie)",
        *("rest", "POST", M + "/{casus}/stappen", HANDLERS, "CAE", 201, "stap"),
        body="consultatie",
        case="signalen_in_kaart",
    ),
    Endpoint(
        "POST /meldcode-casussen/{id}/stappen (weging)",
        *("rest", "POST", M + "/{casus}/stappen", HANDLERS, "CE", 201, "stap"),
        body="weging",
        case="gesprek_gevoerd",
    ),
    Endpoint(  # R30: only E, and only with meldcode.beslissen
        "POST /meldcode-casussen/{id}/stappen (besluit)",
        *("rest", "POST", M + "/{casus}/stappen", HANDLERS, "E", 201, "stap"),
        needs=frozenset({DECIDE}),
        body="besluit",
        case="gewogen",
    ),
    Endpoint(
        "POST /meldcode-casussen/{id}/stappen (addendum)",
        *("rest", "POST", M + "/{casus}/stappen", HANDLERS, "CAE", 201, "stap"),
        body="addendum",
        case="signaal_ontvangen",
    ),
    Endpoint(
        "GET /meldcode-casussen/{id}/stappen",
        *("rest", "GET", M + "/{c1}/stappen", HANDLERS, "CAE", 200, "stappen"),
    ),
    Endpoint(
        "GET /meldcode-casussen/{id}/stappen/{stapId}",
        *("rest", "GET", M + "/{c1}/stappen/{stap}", HANDLERS, "CAE", 200, "stap"),
    ),
    Endpoint(
        "query meldcodeCasus",
        *("graphql", "GET", "meldcodeCasus", HANDLERS, "CAE", 200, "casus"),
        on="c1",
    ),
    Endpoint(
        "query meldcodeCasussen",
        *("graphql", "GET", "meldcodeCasussen", HANDLERS, "CAE", 200, "casussen"),
        record=False,
    ),
    Endpoint(
        "query signaal (eigen signaal)",
        *("graphql", "GET", "signaal", READERS, "CFAE", 200, "signaal"),
        signal="eigen",
        on="signaal",
    ),
    Endpoint(
        "query signaal (signaal van een ander)",
        *("graphql", "GET", "signaal", READERS, "CFAE", 200, "signaal"),
        signal="ander",
        on="signaal_ander",
    ),
    Endpoint(
        "mutation signaalMelden",
        *("graphql", "POST", "signaalMelden", SIGNALLERS, "CFAE", 201, "ontvangst"),
        body="signaal",
        on="t1",
    ),
    Endpoint(
        "mutation meldcodeStapVastleggen (consultatie)",
        *("graphql", "POST", "meldcodeStapVastleggen", HANDLERS, "CAE", 201, "stap"),
        body="consultatie",
        case="signalen_in_kaart",
        on="casus",
    ),
    Endpoint(  # R30 over GraphQL
        "mutation meldcodeStapVastleggen (besluit)",
        *("graphql", "POST", "meldcodeStapVastleggen", HANDLERS, "E", 201, "stap"),
        needs=frozenset({DECIDE}),
        body="besluit",
        case="gewogen",
        on="casus",
    ),
)


@dataclass(frozen=True, slots=True)
class Expected:
    status: int
    code: str | None = None  # the problem `code` of a refusal
    view: View | None = None  # what a success may show


FORBIDDEN: Final = Expected(403, "geen-bevoegdheid")
NOT_FOUND: Final = Expected(404, "niet-gevonden")


def expected(endpoint: Endpoint, caller: Caller) -> Expected:
    """CONTRACT §3/§6/§12: a role not listed or a missing scope is 403 before any look-up;
    a listed role gets 404 on a record it may not see (another organisation; a trajectory
    not matched to a volunteer, §12.1, R22; a signal it neither wrote nor may handle);
    else the endpoint's success status, showing the whole record only to C, A and E with
    `meldcode.behandelen` (DOMAIN §4.4) and `{id, status}` to anyone else (R23)."""
    scopes = caller.scopes
    if (
        caller.letter not in endpoint.roles
        or not endpoint.scopes & scopes
        or not endpoint.needs <= scopes
    ):
        return FORBIDDEN
    if endpoint.record and caller.foreign:
        return NOT_FOUND
    view: View = "volledig" if caller.handles else "status"
    if endpoint.signal is not None:
        # Reading a signal: the whole of it for C/A/E with meldcode.behandelen, `{id,
        # status}` for its author. READING: a signaller who is neither (the matched
        # volunteer on someone else's signal; a coordinator without meldcode.behandelen)
        # gets 404, not 403: holding meldcode.signaleren passes the scope check before the
        # look-up, and only the record tells that she did not write it (as §3 "for a
        # volunteer anything that is not hers" is 404).
        if caller.handles or endpoint.signal == "eigen":
            return Expected(200, view=view)
        return NOT_FOUND
    if endpoint.record and caller.volunteer == "ander":
        return NOT_FOUND  # §12.1: a volunteer signals only on her own matched trajectory
    # READING for POST …/signalen: §12.1 gives `casusId` "for C/A/E"; a coordinator without
    # meldcode.behandelen reads no case (§3, DOMAIN §4.4), so she gets `{id, status}` only.
    return Expected(endpoint.success, view=view)


def cases() -> list[tuple[Endpoint, Caller]]:
    """Every (endpoint, caller) pair, ordered so that no write changes what a later case
    sees: all reads first, then the refused writes (on shared cases), then the writes that
    succeed (each on a fresh case in the right state)."""
    pairs = [(e, c) for e in ENDPOINTS for c in CALLERS]

    def phase(pair: tuple[Endpoint, Caller]) -> int:
        endpoint, caller = pair
        if not endpoint.writes:
            return 0
        return 2 if expected(endpoint, caller).status < 300 else 1

    return sorted(pairs, key=phase)  # sorted() is stable: table order within a phase


MATRIX_SIZE: Final = len(ENDPOINTS) * len(CALLERS)  # 18 x 12 = 216
