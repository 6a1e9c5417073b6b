"""Use cases of volunteers and their supervision (CONTRACT §11, DOMAIN §3)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final, overload

from domain.errors import (
    FieldProblem,
    PreconditionRequired,
    RuleViolation,
    VersionConflict,
)
from domain.events import VolunteerUpdated
from domain.model.audit import AuditAction
from domain.model.calendar import local_date
from domain.model.cursor import (
    decode_cursor,
    encode_cursor,
    next_after,
)
from domain.model.organisations import OrganisationDirectory
from domain.model.volunteer import (
    Volunteer,
    VolunteerStatus,
)
from domain.policy import Actor, Role, Scope, require
from domain.ports import Clock, IdGenerator, UnitOfWork
from domain.services.access import visible_volunteer, volunteer_entry
from domain.services.lifecycle import with_one_retry
from domain.services.once import Once, Replayed, remember, replay_first
from domain.views import Page
from domain.views.volunteers import VolunteerFilter, VolunteerView

MANAGERS: Final = frozenset({Role.COORDINATOR})
READERS: Final = frozenset({Role.COORDINATOR, Role.VOLUNTEER})
# Attributes a PATCH may set, and which of them may not be cleared (CONTRACT §11).
PATCHABLE: Final = frozenset(
    {
        "first_name",
        "surname",
        "phone",
        "email",
        "municipality",
        "wijkcodes",
        "languages",
        "capacity",
        "status",
        "vog_date",
    }
)
REQUIRED: Final = {
    "first_name": "roepnaam",
    "surname": "achternaam",
    "phone": "telefoon",
    "municipality": "gemeente",
    "languages": "talen",
    "capacity": "capaciteit",
    "status": "status",
}


@dataclass(frozen=True, slots=True)
class CreateVolunteer:
    first_name: str = field(repr=False)
    surname: str = field(repr=False)
    phone: str = field(repr=False)
    municipality: str
    languages: tuple[str, ...] = field(repr=False)
    email: str | None = field(default=None, repr=False)
    wijkcodes: tuple[str, ...] = ()
    capacity: int = 2
    status: VolunteerStatus = VolunteerStatus.REGISTERED
    vog_date: date | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class UpdateVolunteer:
    """A merge patch: attribute -> new value (None clears)."""

    volunteer_id: str
    expected_version: int | None
    changes: Mapping[str, Any] = field(repr=False)


def announce(volunteer: Volunteer) -> None:
    volunteer.pending_events.append(
        VolunteerUpdated(
            subject=volunteer.id,
            organisation=volunteer.organisation,
            municipality=volunteer.municipality,
            status=volunteer.status.value,
        )
    )


def _municipality_problem(
    municipality: str, actor: Actor, directory: OrganisationDirectory
) -> list[FieldProblem]:
    if directory.serves(host=actor.organisation, municipality=municipality):
        return []
    return [
        FieldProblem("gemeente", "ongeldige-waarde", "De organisatie bedient deze gemeente niet.")
    ]


async def create(
    cmd: CreateVolunteer,
    *,
    uow: UnitOfWork,
    clock: Clock,
    ids: IdGenerator,
    actor: Actor,
    directory: OrganisationDirectory,
    once: Once[VolunteerView] | None = None,
) -> VolunteerView | Replayed:
    """Registers a volunteer of the caller's organisation; `actief` only with VOG and
    training (R21), so a new volunteer normally starts `aangemeld` or `in_training`."""
    require(actor, Scope.VOLUNTEERS_UPDATE, roles=MANAGERS)
    problems = _municipality_problem(cmd.municipality, actor, directory)
    if problems:
        raise RuleViolation(problems)
    now = clock.now()
    volunteer = Volunteer(
        id=ids.new(),
        organisation=actor.organisation,
        first_name=cmd.first_name,
        surname=cmd.surname,
        phone=cmd.phone,
        municipality=cmd.municipality,
        languages=cmd.languages,
        created_at=now,
        updated_at=now,
        email=cmd.email,
        wijkcodes=cmd.wijkcodes,
        capacity=cmd.capacity,
        vog_date=cmd.vog_date,
    )
    volunteer.change_status(cmd.status, today=local_date(now))
    announce(volunteer)
    async with uow:
        replayed = await replay_first(once, uow)
        if replayed is not None:
            return replayed
        uow.volunteers.add(volunteer)
        uow.audit.record(
            volunteer_entry(volunteer, AuditAction.CREATE, scope=Scope.VOLUNTEERS_UPDATE)
        )
        view = VolunteerView.of(volunteer, today=local_date(now))
        remember(once, uow, view)
        await uow.commit()
    return view


@overload
async def update(
    cmd: UpdateVolunteer,
    *,
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    directory: OrganisationDirectory,
    once: None = None,
) -> VolunteerView: ...


@overload
async def update(
    cmd: UpdateVolunteer,
    *,
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    directory: OrganisationDirectory,
    once: Once[VolunteerView],
) -> VolunteerView | Replayed: ...


async def update(
    cmd: UpdateVolunteer,
    *,
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    directory: OrganisationDirectory,
    once: Once[VolunteerView] | None = None,
) -> VolunteerView | Replayed:
    """Merge patch with `If-Match` (428 without, 412 stale); status moves follow the
    volunteer status machine (R21). Under an idempotency key (GraphQL) the outcome is stored
    in the same transaction."""
    require(actor, Scope.VOLUNTEERS_UPDATE, roles=MANAGERS)
    if cmd.expected_version is None:
        raise PreconditionRequired("If-Match is verplicht bij PATCH.")
    problems = [
        FieldProblem(REQUIRED[name], "verplicht", "Dit veld kan niet worden gewist.")
        for name, value in cmd.changes.items()
        if value is None and name in REQUIRED
    ]
    municipality = cmd.changes.get("municipality")
    if municipality is not None:
        problems += _municipality_problem(municipality, actor, directory)
    if problems:
        raise RuleViolation(problems)

    async def attempt() -> VolunteerView | Replayed:
        return await _update_once(cmd, uow=uow, clock=clock, actor=actor, once=once)

    async def current() -> int:
        async with uow:
            return (await visible_volunteer(uow, cmd.volunteer_id, actor)).version

    return await with_one_retry(
        attempt, expected_version=cmd.expected_version, current_version=current
    )


async def _update_once(
    cmd: UpdateVolunteer,
    *,
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    once: Once[VolunteerView] | None,
) -> VolunteerView | Replayed:
    now = clock.now()
    today = local_date(now)
    async with uow:
        replayed = await replay_first(once, uow)
        if replayed is not None:
            return replayed
        volunteer = await visible_volunteer(uow, cmd.volunteer_id, actor)
        if volunteer.version != cmd.expected_version:
            raise VersionConflict(volunteer.version, precondition=True)
        changed = False
        # The other fields first: a VOG date and `actief` in one patch must both hold.
        for name, value in sorted(cmd.changes.items(), key=lambda item: item[0] == "status"):
            if name == "status":
                changed |= volunteer.change_status(VolunteerStatus(value), today=today)
            elif getattr(volunteer, name) != value:
                setattr(volunteer, name, value)
                changed = True
        if changed:
            volunteer.touch(at=now)
            announce(volunteer)
            uow.audit.record(
                volunteer_entry(volunteer, AuditAction.UPDATE, scope=Scope.VOLUNTEERS_UPDATE)
            )
        view = VolunteerView.of(volunteer, today=today)
        remember(once, uow, view)
        await uow.commit()
    return view


async def get(volunteer_id: str, *, uow: UnitOfWork, clock: Clock, actor: Actor) -> VolunteerView:
    """A coordinator reads her organisation's volunteers; a volunteer only herself."""
    require(actor, Scope.VOLUNTEERS_READ, roles=READERS)
    async with uow:
        volunteer = await visible_volunteer(uow, volunteer_id, actor)
        uow.audit.record(volunteer_entry(volunteer, AuditAction.READ, scope=Scope.VOLUNTEERS_READ))
        await uow.commit()
    return VolunteerView.of(volunteer, today=local_date(clock.now()))


async def page(
    *,
    statuses: frozenset[VolunteerStatus],
    municipality: str | None,
    language: str | None,
    overdue: bool | None,
    cursor: str | None,
    limit: int,
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
) -> Page[VolunteerView]:
    """Newest first; `begeleidingAchterstallig` picks whom the coordinator should call."""
    require(actor, Scope.VOLUNTEERS_READ, roles=MANAGERS)
    check_limit(limit)
    today = local_date(clock.now())
    selection = VolunteerFilter(
        organisation=actor.organisation,
        statuses=statuses,
        municipality=municipality,
        municipalities=actor.municipalities,
        language=language,
        overdue=overdue,
        today=today,
    )
    after = decode_cursor(cursor, fingerprint=selection.fingerprint()) if cursor else None
    async with uow:
        found = list(await uow.volunteers.page(selection, after=after, limit=limit + 1))
        for volunteer in found[:limit]:
            uow.audit.record(
                volunteer_entry(
                    volunteer, AuditAction.READ, scope=Scope.VOLUNTEERS_READ, search=True
                )
            )
        await uow.commit()
    fingerprint = selection.fingerprint()
    next_cursor = next_after(
        found, limit, lambda v: encode_cursor((v.created_at, v.id), fingerprint=fingerprint)
    )
    return Page([VolunteerView.of(v, today=today) for v in found[:limit]], next_cursor)


def check_limit(limit: int, *, maximum: int = 200) -> None:
    if not 1 <= limit <= maximum:
        raise RuleViolation.of("limit", "ongeldige-waarde", f"limit ligt tussen 1 en {maximum}.")
