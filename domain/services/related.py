"""Batch reads of what hangs off trajectories (CONTRACT §17: related objects in batches, no
N+1): the Overgangen, the visits, the mother's contact block and the matched volunteer of many
trajectories in one unit of work each. Every batch is authorised like the direct read it
stands for, filtered by the same visibility rules, and audited with one line per subject."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from domain.model.audit import AuditAction, Purpose
from domain.model.trajectory import Trajectory
from domain.policy import TRAJECTORY_READERS, Actor, Role, Scope, require
from domain.ports import UnitOfWork
from domain.services.access import sees, sees_volunteer, trajectory_entry, volunteer_entry
from domain.views.expansion import (
    VISITS_SHOWN,
    MotherContactView,
    VolunteerContactView,
    shows_volunteer,
)
from domain.views.lifecycle import TransitionView, VisitView


async def _visible(
    uow: UnitOfWork, trajectory_ids: Sequence[str], actor: Actor
) -> Mapping[str, Trajectory]:
    """The trajectories among the ids the caller may see; others are silently absent."""
    found = await uow.trajectories.many(trajectory_ids)
    return {t.id: t for t in found if sees(t, actor)}


async def transitions_of(
    trajectory_ids: Sequence[str], *, uow: UnitOfWork, actor: Actor
) -> dict[str, list[TransitionView]]:
    """The Overgangen of several trajectories, newest first per trajectory; reasons shaped
    for the reader as in `lifecycle.history` (for a volunteer masked, no `toelichting`)."""
    require(actor, Scope.TRAJECTORIES_READ, roles=TRAJECTORY_READERS)
    async with uow:
        found = await _visible(uow, trajectory_ids, actor)
        if not found:
            return {}
        records = await uow.transitions.for_trajectories(sorted(found))
        for trajectory in found.values():
            uow.audit.record(
                trajectory_entry(
                    trajectory,
                    AuditAction.READ,
                    resource="overgang",
                    scope=Scope.TRAJECTORIES_READ,
                    search=True,
                )
            )
        await uow.commit()
    result: dict[str, list[TransitionView]] = {trajectory_id: [] for trajectory_id in found}
    for record in records:
        result[record.trajectory_id].append(TransitionView.of(record, actor))
    return result


async def visits_of(
    trajectory_ids: Sequence[str], *, uow: UnitOfWork, actor: Actor
) -> dict[str, list[VisitView]]:
    """The current visit records (not replaced) of several trajectories, newest first by
    `datum`, at most the 200 newest each; a volunteer sees only those with her id (§9.2)."""
    require(actor, Scope.VISITS_READ, roles=TRAJECTORY_READERS)
    own = actor.volunteer_id if actor.role is Role.VOLUNTEER else None
    async with uow:
        found = await _visible(uow, trajectory_ids, actor)
        if not found:
            return {}
        visits = await uow.visits.current_for_trajectories(
            sorted(found), volunteer_id=own, limit_each=VISITS_SHOWN
        )
        for trajectory in found.values():
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
        await uow.commit()
    result: dict[str, list[VisitView]] = {trajectory_id: [] for trajectory_id in found}
    for visit in visits:
        result[visit.trajectory_id].append(VisitView(visit))
    return result


async def mothers_of(
    trajectory_ids: Sequence[str], *, uow: UnitOfWork, actor: Actor
) -> dict[str, MotherContactView]:
    """The mother's contact block of several trajectories, members hidden by role (§9.2)."""
    require(actor, Scope.TRAJECTORIES_READ, roles=TRAJECTORY_READERS)
    async with uow:
        found = await _visible(uow, trajectory_ids, actor)
        if not found:
            return {}
        for trajectory in found.values():
            uow.audit.record(
                trajectory_entry(
                    trajectory, AuditAction.READ, resource="moeder", scope=Scope.TRAJECTORIES_READ
                )
            )
        await uow.commit()
    return {t.id: MotherContactView.of(t, actor) for t in found.values()}


async def volunteers_of(
    volunteer_ids: Sequence[str], *, uow: UnitOfWork, actor: Actor
) -> dict[str, VolunteerContactView]:
    """The matched volunteers `{id, roepnaam, achternaam, telefoon}` by id. Like
    `_expand.vrijwilliger` omitted, not refused, for a reader who may not see them: A and E,
    or a token without `vrijwilligers.lezen` (CONTRACT §5.5, §9.2)."""
    if not shows_volunteer(actor):
        return {}
    async with uow:
        found = [v for v in await uow.volunteers.many(volunteer_ids) if sees_volunteer(v, actor)]
        if not found:
            return {}
        for volunteer in found:
            uow.audit.record(
                volunteer_entry(volunteer, AuditAction.READ, scope=Scope.VOLUNTEERS_READ)
            )
        await uow.commit()
    return {v.id: VolunteerContactView.of(v) for v in found}
