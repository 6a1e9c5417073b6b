"""Who may do what: roles, scopes and tenancy, decided here once for REST and GraphQL."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from domain.errors import Forbidden


class Role(StrEnum):
    """Published as the token claim `rol`."""

    REFERRER = "verwijzer"
    COORDINATOR = "coordinator"
    VOLUNTEER = "vrijwilliger"
    SAFEGUARDING_ADVISER = "aandachtsfunctionaris"
    ACCOUNTABLE_OFFICER = "eindverantwoordelijke"
    MUNICIPALITY = "gemeente"
    PRIVACY_OFFICER = "privacy"
    ADMINISTRATOR = "beheer"
    SYSTEM = "systeem"


class Scope(StrEnum):
    REFERRALS_CREATE = "verwijzingen.aanmaken"
    REFERRALS_READ = "verwijzingen.lezen"
    TRAJECTORIES_READ = "trajecten.lezen"
    TRAJECTORIES_UPDATE = "trajecten.bijwerken"
    VISITS_RECORD = "huisbezoeken.vastleggen"
    VISITS_READ = "huisbezoeken.lezen"
    VOLUNTEERS_READ = "vrijwilligers.lezen"
    VOLUNTEERS_UPDATE = "vrijwilligers.bijwerken"
    MELDCODE_SIGNAL = "meldcode.signaleren"
    MELDCODE_HANDLE = "meldcode.behandelen"
    MELDCODE_DECIDE = "meldcode.beslissen"
    DASHBOARDS_READ = "dashboards.lezen"
    EVENTS_READ = "gebeurtenissen.lezen"
    SUBSCRIPTIONS_MANAGE = "abonnementen.beheren"
    AUDIT_READ = "audit.lezen"
    OPERATIONS = "beheer"


S = Scope
_HOST_MELDCODE: Final = frozenset(
    {
        S.TRAJECTORIES_READ,
        S.VISITS_READ,
        S.MELDCODE_SIGNAL,
        S.MELDCODE_HANDLE,
        S.EVENTS_READ,
        S.SUBSCRIPTIONS_MANAGE,
    }
)
ROLE_MAXIMUM_SCOPES: Final[Mapping[Role, frozenset[Scope]]] = {
    Role.REFERRER: frozenset(
        {S.REFERRALS_CREATE, S.REFERRALS_READ, S.EVENTS_READ, S.SUBSCRIPTIONS_MANAGE}
    ),
    Role.COORDINATOR: frozenset(
        {
            S.REFERRALS_CREATE,
            S.REFERRALS_READ,
            S.TRAJECTORIES_READ,
            S.TRAJECTORIES_UPDATE,
            S.VISITS_RECORD,
            S.VISITS_READ,
            S.VOLUNTEERS_READ,
            S.VOLUNTEERS_UPDATE,
            S.MELDCODE_SIGNAL,
            S.MELDCODE_HANDLE,
            S.DASHBOARDS_READ,
            S.EVENTS_READ,
            S.SUBSCRIPTIONS_MANAGE,
        }
    ),
    Role.VOLUNTEER: frozenset(
        {S.TRAJECTORIES_READ, S.VISITS_RECORD, S.VISITS_READ, S.MELDCODE_SIGNAL, S.VOLUNTEERS_READ}
    ),
    Role.SAFEGUARDING_ADVISER: _HOST_MELDCODE,
    Role.ACCOUNTABLE_OFFICER: _HOST_MELDCODE | {S.MELDCODE_DECIDE},
    Role.MUNICIPALITY: frozenset({S.DASHBOARDS_READ}),
    Role.PRIVACY_OFFICER: frozenset({S.AUDIT_READ, S.EVENTS_READ, S.SUBSCRIPTIONS_MANAGE}),
    Role.ADMINISTRATOR: frozenset(
        {S.SUBSCRIPTIONS_MANAGE, S.EVENTS_READ, S.DASHBOARDS_READ, S.OPERATIONS}
    ),
    Role.SYSTEM: frozenset(Scope),
}

TOKEN_ROLES: Final = frozenset(Role) - {Role.SYSTEM}
HOST_ROLES: Final = frozenset(
    {
        Role.COORDINATOR,
        Role.VOLUNTEER,
        Role.SAFEGUARDING_ADVISER,
        Role.ACCOUNTABLE_OFFICER,
        Role.PRIVACY_OFFICER,
        Role.ADMINISTRATOR,
        Role.SYSTEM,
    }
)
TRAJECTORY_READERS: Final = frozenset(
    {Role.COORDINATOR, Role.VOLUNTEER, Role.SAFEGUARDING_ADVISER, Role.ACCOUNTABLE_OFFICER}
)


def expand_scopes(requested: str) -> frozenset[Scope]:
    """Parses the space-separated `scope` claim; `x.*` stands for every scope of resource x."""
    known: set[Scope] = set()
    for word in requested.split():
        if word.endswith(".*"):
            prefix = word[:-1]
            known.update(s for s in Scope if s.value.startswith(prefix))
        elif word in Scope._value2member_map_:
            known.add(Scope(word))
    return frozenset(known)


def effective_scopes(role: Role, requested: str) -> frozenset[Scope]:
    """Effective scopes = requested ∩ the role's maximum; `meldcode.beslissen` needs its role."""
    return expand_scopes(requested) & ROLE_MAXIMUM_SCOPES[role]


@dataclass(frozen=True, slots=True)
class Actor:
    """The caller, from a verified token (or the system for periodic tasks)."""

    id: str
    role: Role
    organisation: str
    scopes: frozenset[Scope]
    volunteer_id: str | None = None
    municipalities: frozenset[str] | None = None
    client_id: str | None = None
    display_name: str | None = field(default=None, repr=False)  # never logged or stored

    def has(self, scope: Scope) -> bool:
        return scope in self.scopes

    @property
    def is_host(self) -> bool:
        return self.role in HOST_ROLES

    @property
    def unmasks_meldcode(self) -> bool:
        return Scope.MELDCODE_HANDLE in self.scopes


def require(actor: Actor, scope: Scope, *, roles: frozenset[Role] | None = None) -> None:
    """Missing scope or role → 403 `geen-bevoegdheid`."""
    if scope not in actor.scopes or (roles is not None and actor.role not in roles):
        raise Forbidden("Het token mist de vereiste scope of rol.")


def sees_host_record(actor: Actor, *, organisation: str, municipality: str) -> bool:
    """Tenancy: a host token sees its own organisation only, narrowed by `gemeenten` if given."""
    if actor.organisation != organisation or actor.role not in HOST_ROLES:
        return False
    return actor.municipalities is None or municipality in actor.municipalities


def sees_referral(actor: Actor, *, referrer_org: str, host_org: str, municipality: str) -> bool:
    """A referrer sees referrals whose organisatieId is its `org`; hosts their organisation's."""
    if actor.role is Role.REFERRER:
        return actor.organisation == referrer_org
    if actor.role is Role.COORDINATOR:
        return sees_host_record(actor, organisation=host_org, municipality=municipality)
    return False


def sees_trajectory(
    actor: Actor, *, organisation: str, municipality: str, volunteer_id: str | None, active: bool
) -> bool:
    """Roles C, A, E see their organisation's; a volunteer only active ones matched to her."""
    if actor.role not in TRAJECTORY_READERS:
        return False
    if not sees_host_record(actor, organisation=organisation, municipality=municipality):
        return False
    if actor.role is Role.VOLUNTEER:
        return active and volunteer_id is not None and volunteer_id == actor.volunteer_id
    return True
