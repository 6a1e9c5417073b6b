"""Use cases that read trajectories (the lifecycle verbs come with their own issue)."""

from __future__ import annotations

from collections.abc import Sequence

from domain.errors import NotFound, RuleViolation
from domain.model.audit import AuditAction, AuditEntry, Purpose, SubjectKind
from domain.model.calendar import local_date
from domain.model.cursor import decode_cursor, encode_cursor
from domain.model.trajectory import Trajectory, TrajectoryState
from domain.policy import TRAJECTORY_READERS, Actor, Role, Scope, require, sees_trajectory
from domain.ports import Clock, UnitOfWork
from domain.views import Page, TrajectoryFilter, TrajectoryView


async def get(trajectory_id: str, *, uow: UnitOfWork, clock: Clock, actor: Actor) -> TrajectoryView:
    """One trajectory of the caller's organisation, fields shaped by role (CONTRACT §9.2)."""
    require(actor, Scope.TRAJECTORIES_READ, roles=TRAJECTORY_READERS)
    async with uow:
        trajectory = await uow.trajectories.get(trajectory_id)
        if trajectory is None or not _visible(trajectory, actor):
            raise NotFound("Traject niet gevonden.")
        uow.audit.record(_read_entry(trajectory, search=False))
        await uow.commit()
    return TrajectoryView.of(trajectory, actor, today=local_date(clock.now()))


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
    after = decode_cursor(cursor, fingerprint=selection.fingerprint()) if cursor else None
    async with uow:
        found = list(await uow.trajectories.page(selection, after=after, limit=limit + 1))
        items = [t for t in found[:limit] if _visible(t, actor)]
        for trajectory in items:
            uow.audit.record(_read_entry(trajectory, search=True))
        await uow.commit()
    next_cursor = None
    if len(found) > limit:
        last = found[limit - 1]
        next_cursor = encode_cursor((last.created_at, last.id), fingerprint=selection.fingerprint())
    today = local_date(clock.now())
    return Page([TrajectoryView.of(t, actor, today=today) for t in items], next_cursor)


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
