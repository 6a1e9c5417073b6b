"""`expand` (CONTRACT §5.5, §9.1, §9.2): the mother's contact block, the matched volunteer
and the visits, each shaped by the one policy below for REST and GraphQL alike."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from domain.errors import RuleViolation
from domain.model.referral import Address
from domain.model.trajectory import Trajectory
from domain.model.visit import Visit
from domain.model.volunteer import Volunteer
from domain.policy import Actor, Role, Scope

MOTHER: Final = "moeder"
VOLUNTEER: Final = "vrijwilliger"
VISITS: Final = "huisbezoeken"
DETAIL_ONLY: Final = frozenset({VISITS})
VISITS_SHOWN: Final = 200  # "the 200 newest by datum"


def parse_expand(values: list[str] | None, *, detail: bool) -> frozenset[str]:
    """`expand=moeder,vrijwilliger` (comma-separated, or the key repeated); else 400."""
    names = {part.strip() for value in values or () for part in value.split(",")}
    allowed = {MOTHER, VOLUNTEER} | (DETAIL_ONLY if detail else set())
    if names - allowed:
        raise RuleViolation.of(
            "expand", "ongeldige-waarde", "expand kent: " + ", ".join(sorted(allowed))
        )
    return frozenset(names)


@dataclass(frozen=True, slots=True)
class MotherContactView:
    """`_expand.moeder`; `hidden` names the members this reader may not see (§9.2)."""

    first_name: str | None = field(repr=False)
    surname: str | None = field(repr=False)
    phone: str | None = field(repr=False)
    email: str | None = field(repr=False)
    address: Address | None = field(repr=False)
    address_secret: bool
    languages: tuple[str, ...] = field(repr=False)
    interpreter_needed: bool
    hidden: frozenset[str]

    @classmethod
    def of(cls, trajectory: Trajectory, actor: Actor) -> MotherContactView:
        mother = trajectory.mother
        hidden: set[str] = set()
        if actor.role is Role.VOLUNTEER:
            hidden |= {"achternaam", "email", "adresGeheim", "taalvoorkeur", "tolkNodig"}
        if mother.address_secret and actor.role is not Role.COORDINATOR:
            hidden.add("adres")  # only coordinators get a secret address
        anonymised = trajectory.anonymised_at is not None
        return cls(
            first_name=None if anonymised else mother.first_name,
            surname=None if anonymised else mother.surname,
            phone=None if anonymised else mother.phone,
            email=None if anonymised else mother.email,
            address=None if anonymised else mother.address,
            address_secret=mother.address_secret,
            languages=mother.languages,
            interpreter_needed=mother.interpreter_needed,
            hidden=frozenset(hidden),
        )


@dataclass(frozen=True, slots=True)
class VolunteerContactView:
    """`_expand.vrijwilliger`: `{id, roepnaam, achternaam, telefoon}`."""

    id: str
    first_name: str = field(repr=False)
    surname: str = field(repr=False)
    phone: str = field(repr=False)

    @classmethod
    def of(cls, volunteer: Volunteer) -> VolunteerContactView:
        return cls(volunteer.id, volunteer.first_name, volunteer.surname, volunteer.phone)


def shows_volunteer(actor: Actor) -> bool:
    """C sees the matched volunteer, F herself; A and E never, nor a token without
    `vrijwilligers.lezen` (omitted, not 403)."""
    return actor.role in (Role.COORDINATOR, Role.VOLUNTEER) and actor.has(Scope.VOLUNTEERS_READ)


def shows_visits(actor: Actor) -> bool:
    return actor.has(Scope.VISITS_READ)


@dataclass(frozen=True, slots=True)
class Expansion:
    mother: MotherContactView | None = None
    volunteer: VolunteerContactView | None = None
    visits: tuple[Visit, ...] | None = None
    asked: frozenset[str] = frozenset()
