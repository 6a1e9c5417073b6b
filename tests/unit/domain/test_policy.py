"""Roles, scopes and tenancy (CONTRACT §3), decided once in `domain.policy`."""

from __future__ import annotations

from typing import Final

import pytest

from domain.errors import Forbidden
from domain.policy import (
    ROLE_MAXIMUM_SCOPES,
    TOKEN_ROLES,
    Actor,
    Role,
    Scope,
    effective_scopes,
    expand_scopes,
    require,
    sees_referral,
    sees_trajectory,
)
from tests.fakes import HOST, OTHER_HOST, REFERRER_ORG, an_actor

# Every scope the contract names (CONTRACT §3 and the scope column of §6).
CONTRACT_SCOPES: Final = (
    "verwijzingen.aanmaken",
    "verwijzingen.lezen",
    "trajecten.lezen",
    "trajecten.bijwerken",
    "huisbezoeken.vastleggen",
    "huisbezoeken.lezen",
    "vrijwilligers.lezen",
    "vrijwilligers.bijwerken",
    "meldcode.signaleren",
    "meldcode.behandelen",
    "meldcode.beslissen",
    "dashboards.lezen",
    "gebeurtenissen.lezen",
    "abonnementen.beheren",
    "audit.lezen",
    "beheer",
)

_AANDACHTSFUNCTIONARIS = (
    "trajecten.lezen, huisbezoeken.lezen, meldcode.signaleren, meldcode.behandelen, "
    "gebeurtenissen.lezen, abonnementen.beheren"
)
# CONTRACT §3, "Role | Maximum scopes", copied as written.
CONTRACT_MAXIMUM_SCOPES: Final = {
    "verwijzer": (
        "verwijzingen.aanmaken, verwijzingen.lezen, gebeurtenissen.lezen, abonnementen.beheren"
    ),
    "coordinator": (
        "verwijzingen.*, trajecten.*, huisbezoeken.*, vrijwilligers.*, meldcode.signaleren, "
        "meldcode.behandelen, dashboards.lezen, gebeurtenissen.lezen, abonnementen.beheren"
    ),
    "vrijwilliger": (
        "trajecten.lezen, huisbezoeken.vastleggen, huisbezoeken.lezen, meldcode.signaleren, "
        "vrijwilligers.lezen"
    ),
    "aandachtsfunctionaris": _AANDACHTSFUNCTIONARIS,
    "eindverantwoordelijke": _AANDACHTSFUNCTIONARIS + ", meldcode.beslissen",
    "gemeente": "dashboards.lezen",
    "privacy": "audit.lezen, gebeurtenissen.lezen, abonnementen.beheren",
    "beheer": "abonnementen.beheren, gebeurtenissen.lezen, dashboards.lezen, beheer",
}


def _contract_expansion(words: str) -> frozenset[str]:
    """Reads a cell of the contract's table: `x.*` is every contract scope of resource x."""
    found: set[str] = set()
    for word in words.split(", "):
        if word.endswith(".*"):
            found.update(s for s in CONTRACT_SCOPES if s.startswith(word[:-1]))
        else:
            found.add(word)
    return frozenset(found)


def test_the_scopes_are_the_contracts() -> None:
    assert sorted(s.value for s in Scope) == sorted(CONTRACT_SCOPES)


def test_the_token_roles_are_the_contracts() -> None:
    assert sorted(r.value for r in TOKEN_ROLES) == sorted(CONTRACT_MAXIMUM_SCOPES)


def test_each_role_maximum_is_the_contract_table() -> None:
    ours = {
        role.value: frozenset(s.value for s in ROLE_MAXIMUM_SCOPES[role]) for role in TOKEN_ROLES
    }
    theirs = {role: _contract_expansion(cell) for role, cell in CONTRACT_MAXIMUM_SCOPES.items()}
    assert ours == theirs


REQUESTS: Final = (
    " ".join(CONTRACT_SCOPES),
    "",
    "verwijzingen.aanmaken trajecten.lezen audit.lezen meldcode.beslissen onbekend.scope",
    "dashboards.lezen beheer gebeurtenissen.lezen",
)


@pytest.mark.parametrize("requested", REQUESTS)
@pytest.mark.parametrize("role", sorted(TOKEN_ROLES))
def test_effective_scopes_are_the_requested_ones_within_the_role_maximum(
    role: Role, requested: str
) -> None:
    maximum = _contract_expansion(CONTRACT_MAXIMUM_SCOPES[role.value])
    expected = set(requested.split()) & maximum
    assert {s.value for s in effective_scopes(role, requested)} == expected


@pytest.mark.parametrize(
    ("requested", "expected"),
    [
        ("verwijzingen.*", {"verwijzingen.aanmaken", "verwijzingen.lezen"}),
        ("trajecten.*", {"trajecten.lezen", "trajecten.bijwerken"}),
        ("huisbezoeken.*", {"huisbezoeken.vastleggen", "huisbezoeken.lezen"}),
        ("vrijwilligers.*", {"vrijwilligers.lezen", "vrijwilligers.bijwerken"}),
        (
            "meldcode.*",
            {"meldcode.signaleren", "meldcode.behandelen", "meldcode.beslissen"},
        ),
        ("trajecten.* audit.lezen", {"trajecten.lezen", "trajecten.bijwerken", "audit.lezen"}),
        ("*", set()),
        ("trajecten", set()),
        ("onbekend.*", set()),
    ],
)
def test_x_star_stands_for_every_scope_of_resource_x(requested: str, expected: set[str]) -> None:
    assert {s.value for s in expand_scopes(requested)} == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.COORDINATOR, {"meldcode.signaleren", "meldcode.behandelen"}),
        (Role.VOLUNTEER, {"meldcode.signaleren"}),
        (Role.SAFEGUARDING_ADVISER, {"meldcode.signaleren", "meldcode.behandelen"}),
        (
            Role.ACCOUNTABLE_OFFICER,
            {"meldcode.signaleren", "meldcode.behandelen", "meldcode.beslissen"},
        ),
        (Role.REFERRER, set()),
    ],
)
def test_a_meldcode_star_request_yields_only_what_the_role_may_hold(
    role: Role, expected: set[str]
) -> None:
    assert {s.value for s in effective_scopes(role, "meldcode.*")} == expected


@pytest.mark.parametrize("role", sorted(TOKEN_ROLES))
def test_meldcode_beslissen_is_only_in_the_eindverantwoordelijke_maximum(role: Role) -> None:
    holds = Scope.MELDCODE_DECIDE in ROLE_MAXIMUM_SCOPES[role]
    assert holds is (role is Role.ACCOUNTABLE_OFFICER)


def test_require_passes_a_held_scope_in_an_allowed_role() -> None:
    actor = an_actor(Role.REFERRER)
    require(actor, Scope.REFERRALS_CREATE, roles=frozenset({Role.REFERRER, Role.COORDINATOR}))
    assert actor.has(Scope.REFERRALS_CREATE)


@pytest.mark.parametrize(
    ("actor", "roles"),
    [
        (an_actor(Role.COORDINATOR, scopes=[Scope.TRAJECTORIES_READ]), None),
        (an_actor(Role.COORDINATOR), frozenset({Role.REFERRER})),
        (an_actor(Role.VOLUNTEER), None),
    ],
)
def test_require_refuses_a_missing_scope_or_role(
    actor: Actor, roles: frozenset[Role] | None
) -> None:
    with pytest.raises(Forbidden) as refused:
        require(actor, Scope.REFERRALS_CREATE, roles=roles)
    assert refused.value.code == "geen-bevoegdheid"


# --- tenancy: referrals --------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "referrer_org", "host_org", "municipality", "seen"),
    [
        (an_actor(Role.REFERRER), REFERRER_ORG, HOST, "GM0363", True),
        (an_actor(Role.REFERRER), "oin:00000001001234567000", HOST, "GM0363", False),
        (an_actor(Role.REFERRER, org=HOST), REFERRER_ORG, HOST, "GM0363", False),
        (an_actor(Role.COORDINATOR), REFERRER_ORG, HOST, "GM0363", True),
        (an_actor(Role.COORDINATOR), REFERRER_ORG, OTHER_HOST, "GM0599", False),
        (an_actor(Role.COORDINATOR, municipalities=["GM0363"]), REFERRER_ORG, HOST, "GM0363", True),
        (
            an_actor(Role.COORDINATOR, municipalities=["GM0344"]),
            REFERRER_ORG,
            HOST,
            "GM0363",
            False,
        ),
        (an_actor(Role.VOLUNTEER, volunteer_id="v-1"), REFERRER_ORG, HOST, "GM0363", False),
        (an_actor(Role.SAFEGUARDING_ADVISER), REFERRER_ORG, HOST, "GM0363", False),
        (an_actor(Role.PRIVACY_OFFICER), REFERRER_ORG, HOST, "GM0363", False),
        (an_actor(Role.MUNICIPALITY), REFERRER_ORG, HOST, "GM0363", False),
    ],
)
def test_a_referral_is_seen_by_its_referrer_and_its_host_coordinator_only(
    actor: Actor, referrer_org: str, host_org: str, municipality: str, seen: bool
) -> None:
    found = sees_referral(
        actor, referrer_org=referrer_org, host_org=host_org, municipality=municipality
    )
    assert found is seen


# --- tenancy: trajectories -----------------------------------------------------------

HOST_READERS: Final = (Role.COORDINATOR, Role.SAFEGUARDING_ADVISER, Role.ACCOUNTABLE_OFFICER)


@pytest.mark.parametrize("role", HOST_READERS)
@pytest.mark.parametrize(
    ("organisation", "municipality", "narrowing", "seen"),
    [
        (HOST, "GM0363", None, True),
        (OTHER_HOST, "GM0599", None, False),
        (OTHER_HOST, "GM0363", None, False),
        (HOST, "GM0363", ["GM0363"], True),
        (HOST, "GM0363", ["GM0344"], False),
    ],
)
def test_a_host_reader_sees_its_own_organisations_trajectories_within_its_gemeenten(
    role: Role, organisation: str, municipality: str, narrowing: list[str] | None, seen: bool
) -> None:
    actor = an_actor(role, municipalities=narrowing)
    found = sees_trajectory(
        actor, organisation=organisation, municipality=municipality, volunteer_id=None, active=True
    )
    assert found is seen


@pytest.mark.parametrize("role", HOST_READERS)
def test_a_host_reader_also_sees_finished_trajectories(role: Role) -> None:
    actor = an_actor(role)
    found = sees_trajectory(
        actor, organisation=HOST, municipality="GM0363", volunteer_id="v-1", active=False
    )
    assert found is True


@pytest.mark.parametrize(
    ("organisation", "volunteer_id", "active", "seen"),
    [
        (HOST, "v-1", True, True),
        (HOST, "v-2", True, False),
        (HOST, None, True, False),
        (HOST, "v-1", False, False),
        (OTHER_HOST, "v-1", True, False),
    ],
)
def test_a_volunteer_sees_only_active_trajectories_matched_to_her(
    organisation: str, volunteer_id: str | None, active: bool, seen: bool
) -> None:
    volunteer = an_actor(Role.VOLUNTEER, volunteer_id="v-1")
    found = sees_trajectory(
        volunteer,
        organisation=organisation,
        municipality="GM0363",
        volunteer_id=volunteer_id,
        active=active,
    )
    assert found is seen


@pytest.mark.parametrize(
    "role", [Role.REFERRER, Role.MUNICIPALITY, Role.PRIVACY_OFFICER, Role.ADMINISTRATOR]
)
def test_roles_that_see_no_traject_see_none_even_of_their_own_organisation(role: Role) -> None:
    actor = an_actor(role, org=HOST)
    found = sees_trajectory(
        actor, organisation=HOST, municipality="GM0363", volunteer_id=None, active=True
    )
    assert found is False
