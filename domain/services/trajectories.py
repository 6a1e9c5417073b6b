"""Use cases that read trajectories (the lifecycle verbs come with their own issue)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import overload

from domain.errors import NotFound, PreconditionRequired, RuleViolation, VersionConflict
from domain.model import trajectory_patch as patch
from domain.model.audit import AuditAction, AuditEntry, Purpose, SubjectKind
from domain.model.calendar import local_date
from domain.model.cursor import decode_cursor, encode_cursor, next_after
from domain.model.trajectory import Trajectory, TrajectoryState
from domain.model.trajectory_patch import UpdateTrajectory
from domain.model.volunteer import Volunteer
from domain.policy import TRAJECTORY_READERS, Actor, Role, Scope, require, sees_trajectory
from domain.ports import Clock, UnitOfWork
from domain.services.access import (
    trajectory_entry,
    visible_trajectory,
    visible_volunteer,
    volunteer_entry,
)
from domain.services.lifecycle import with_one_retry
from domain.services.once import Once, Replayed, remember, replay_first
from domain.views import Page, TrajectoryFilter, TrajectoryView
from domain.views.expansion import (
    MOTHER,
    VISITS,
    VISITS_SHOWN,
    VOLUNTEER,
    Expansion,
    MotherContactView,
    VolunteerContactView,
    shows_visits,
    shows_volunteer,
)
from domain.views.lifecycle import VisitFilter


async def get(
    trajectory_id: str,
    *,
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    expand: frozenset[str] = frozenset(),
) -> TrajectoryView:
    """One trajectory of the caller's organisation, fields shaped by role (CONTRACT §9.2);
    `expand` adds the mother's contact block, the volunteer and the visits, each authorised
    and audited like a direct read (§5.5)."""
    require(actor, Scope.TRAJECTORIES_READ, roles=TRAJECTORY_READERS)
    async with uow:
        trajectory = await uow.trajectories.get(trajectory_id)
        if trajectory is None or not _visible(trajectory, actor):
            raise NotFound("Traject niet gevonden.")
        uow.audit.record(_read_entry(trajectory, search=False))
        expansions = await expanded([trajectory], expand, uow=uow, actor=actor)
        await uow.commit()
    today = local_date(clock.now())
    return TrajectoryView.of(
        trajectory, actor, today=today, expansion=expansions.get(trajectory.id)
    )


async def get_many(
    ids: Sequence[str], *, uow: UnitOfWork, clock: Clock, actor: Actor
) -> dict[str, TrajectoryView]:
    """Several trajectories in one read (GraphQL batches): only those the caller may see,
    by id; one audit line per returned trajectory, as with `get`."""
    require(actor, Scope.TRAJECTORIES_READ, roles=TRAJECTORY_READERS)
    async with uow:
        found = [t for t in await uow.trajectories.many(ids) if _visible(t, actor)]
        for trajectory in found:
            uow.audit.record(_read_entry(trajectory, search=False))
        await uow.commit()
    today = local_date(clock.now())
    return {t.id: TrajectoryView.of(t, actor, today=today) for t in found}


async def page(
    *,
    states: frozenset[TrajectoryState],
    phases: frozenset[TrajectoryState] = frozenset(),
    municipality: str | None,
    volunteer_id: str | None = None,
    cursor: str | None,
    limit: int,
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    expand: frozenset[str] = frozenset(),
) -> Page[TrajectoryView]:
    """Newest first, cursor-paged; one audit line per returned trajectory (a search)."""
    require(actor, Scope.TRAJECTORIES_READ, roles=TRAJECTORY_READERS)
    if not 1 <= limit <= 200:
        raise RuleViolation.of("limit", "ongeldige-waarde", "limit ligt tussen 1 en 200.")
    volunteer = actor.role is Role.VOLUNTEER
    if volunteer and volunteer_id not in (None, actor.volunteer_id):
        return Page([], None)  # another volunteer's matches are silently absent
    selection = TrajectoryFilter(
        organisation=actor.organisation,
        states=states,
        phases=phases,
        municipality=municipality,
        municipalities=actor.municipalities,
        volunteer_id=actor.volunteer_id if volunteer else volunteer_id,
        active_only=volunteer,
    )
    fingerprint = selection.fingerprint()
    after = decode_cursor(cursor, fingerprint=fingerprint) if cursor else None
    async with uow:
        found = list(await uow.trajectories.page(selection, after=after, limit=limit + 1))
        items = [t for t in found[:limit] if _visible(t, actor)]
        for trajectory in items:
            uow.audit.record(_read_entry(trajectory, search=True))
        expansions = await expanded(items, expand, uow=uow, actor=actor)
        await uow.commit()
    next_cursor = next_after(
        found, limit, lambda t: encode_cursor((t.created_at, t.id), fingerprint=fingerprint)
    )
    today = local_date(clock.now())
    views = [
        TrajectoryView.of(t, actor, today=today, expansion=expansions.get(t.id)) for t in items
    ]
    return Page(views, next_cursor)


def _visible(trajectory: Trajectory, actor: Actor) -> bool:
    return sees_trajectory(
        actor,
        organisation=trajectory.organisation,
        municipality=trajectory.municipality,
        volunteer_id=trajectory.volunteer_id,
        active=trajectory.active,
    )


def _read_entry(trajectory: Trajectory, *, search: bool) -> AuditEntry:
    return AuditEntry(
        action=AuditAction.READ,
        purpose=Purpose.TRAJECTORY_SUPPORT,
        resource="traject",
        resource_id=trajectory.id,
        organisation=trajectory.organisation,
        subject_kind=SubjectKind.MOTHER_AND_CHILD,
        subject_id=trajectory.id,
        search=search,
        authorisation=Scope.TRAJECTORIES_READ.value,
        consent_version=trajectory.consent.information_text_version,
    )


@overload
async def update(
    cmd: UpdateTrajectory, *, uow: UnitOfWork, clock: Clock, actor: Actor, once: None = None
) -> TrajectoryView: ...


@overload
async def update(
    cmd: UpdateTrajectory,
    *,
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    once: Once[TrajectoryView],
) -> TrajectoryView | Replayed: ...


async def update(
    cmd: UpdateTrajectory,
    *,
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    once: Once[TrajectoryView] | None = None,
) -> TrajectoryView | Replayed:
    """Merge patch of contact and child data with `If-Match` (428 without, 412 stale); the
    rules of intake hold, and the consent scope may only shrink (CONTRACT §9.3). Under an
    idempotency key (GraphQL) the outcome is stored in the same transaction."""
    require(actor, Scope.TRAJECTORIES_UPDATE, roles=frozenset({Role.COORDINATOR}))
    if cmd.expected_version is None:
        raise PreconditionRequired("If-Match is verplicht bij PATCH.")

    async def attempt() -> TrajectoryView | Replayed:
        now = clock.now()
        async with uow:
            replayed = await replay_first(once, uow)
            if replayed is not None:
                return replayed
            trajectory = await visible_trajectory(uow, cmd.trajectory_id, actor)
            if trajectory.version != cmd.expected_version:
                raise VersionConflict(trajectory.version, precondition=True)
            found = await uow.referrals.get(trajectory.referral_id)
            received_on = local_date(found[0].received_at) if found else local_date(now)
            today = local_date(now)
            if patch.update(trajectory, cmd, received_on=received_on, today=today, at=now):
                uow.audit.record(
                    trajectory_entry(
                        trajectory, AuditAction.UPDATE, scope=Scope.TRAJECTORIES_UPDATE
                    )
                )
            view = TrajectoryView.of(trajectory, actor, today=today)
            remember(once, uow, view)
            await uow.commit()
        return view

    async def current() -> int:
        async with uow:
            return (await visible_trajectory(uow, cmd.trajectory_id, actor)).version

    return await with_one_retry(
        attempt, expected_version=cmd.expected_version, current_version=current
    )


async def expanded(
    found: Sequence[Trajectory], names: frozenset[str], *, uow: UnitOfWork, actor: Actor
) -> dict[str, Expansion]:
    """The `_expand` blocks of `found`, authorised and audited like direct reads; a block
    the reader may not see is omitted (CONTRACT §5.5)."""
    if not names or not found:
        return {}
    volunteers: dict[str, Volunteer] = {}
    if VOLUNTEER in names and shows_volunteer(actor):
        wanted = [t.volunteer_id for t in found if t.volunteer_id]
        volunteers = {v.id: v for v in await uow.volunteers.many(wanted)}
    result = {}
    for trajectory in found:
        mother = None
        if MOTHER in names:
            mother = MotherContactView.of(trajectory, actor)
            uow.audit.record(
                trajectory_entry(
                    trajectory, AuditAction.READ, resource="moeder", scope=Scope.TRAJECTORIES_READ
                )
            )
        volunteer = volunteers.get(trajectory.volunteer_id or "")
        if volunteer is not None:
            uow.audit.record(
                volunteer_entry(volunteer, AuditAction.READ, scope=Scope.VOLUNTEERS_READ)
            )
        visits = None
        if VISITS in names and shows_visits(actor):
            selection = VisitFilter(
                trajectory.id,
                volunteer_id=actor.volunteer_id if actor.role is Role.VOLUNTEER else None,
            )
            visits = tuple(await uow.visits.page(selection, after=None, limit=VISITS_SHOWN))
            uow.audit.record(
                trajectory_entry(
                    trajectory,
                    AuditAction.READ,
                    resource="huisbezoek",
                    purpose=Purpose.VISITS,
                    scope=Scope.VISITS_READ,
                    search=True,
                )
            )
        result[trajectory.id] = Expansion(
            mother=mother,
            volunteer=VolunteerContactView.of(volunteer) if volunteer else None,
            visits=visits,
            asked=names,
        )
    return result


async def of_volunteer(
    volunteer_id: str,
    *,
    cursor: str | None,
    limit: int,
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
) -> Page[TrajectoryView]:
    """The trajectories matched to a volunteer (CONTRACT §6: `trajecten.lezen`, C and F);
    a volunteer asks only for her own, and sees only the active ones."""
    require(actor, Scope.TRAJECTORIES_READ, roles=frozenset({Role.COORDINATOR, Role.VOLUNTEER}))
    async with uow:
        await visible_volunteer(uow, volunteer_id, actor)  # another's record: 404
    return await page(
        states=frozenset(),
        municipality=None,
        volunteer_id=volunteer_id,
        cursor=cursor,
        limit=limit,
        uow=uow,
        clock=clock,
        actor=actor,
    )
