"""Use case: volunteer suggestions for a mother (CONTRACT §11 Matchvoorstel, DOMAIN §1)."""

from __future__ import annotations

from typing import Final

from domain.errors import InvalidState, RuleViolation
from domain.model.audit import AuditAction
from domain.model.matching import suggest
from domain.model.reasons import PauseReason
from domain.model.trajectory import TrajectoryState
from domain.policy import Actor, Role, Scope, require
from domain.ports import Clock, UnitOfWork
from domain.services.access import trajectory_entry, visible_trajectory, volunteer_entry
from domain.views.volunteers import MatchView

MAXIMUM: Final = 10


async def suggestions(
    trajectory_id: str, *, limit: int, uow: UnitOfWork, clock: Clock, actor: Actor
) -> MatchView:
    """Active volunteers of the organisation with free capacity, ranked by the published
    score; only while the trajectory waits for a match or for a new volunteer."""
    require(actor, Scope.TRAJECTORIES_READ, roles=frozenset({Role.COORDINATOR}))
    if not 1 <= limit <= MAXIMUM:
        raise RuleViolation.of("limit", "ongeldige-waarde", "limit ligt tussen 1 en 10.")
    async with uow:
        trajectory = await visible_trajectory(uow, trajectory_id, actor)
        waiting = trajectory.state is TrajectoryState.AWAITING_MATCH or (
            trajectory.state is TrajectoryState.PAUSED
            and trajectory.reason == PauseReason.VOLUNTEER_CHANGES
        )
        if not waiting:
            raise InvalidState(
                "Alleen in wacht_op_match, of onderbroken omdat de vrijwilliger wisselt."
            )
        pool = {v.id: v for v in await uow.volunteers.available(trajectory.organisation)}
        found = suggest(
            pool.values(),
            mother_languages=trajectory.mother.languages,
            mother_wijkcode=trajectory.wijkcode,
            municipality=trajectory.municipality,
            organisation=trajectory.organisation,
            limit=limit,
        )
        uow.audit.record(
            trajectory_entry(
                trajectory,
                AuditAction.READ,
                resource="matchvoorstel",
                scope=Scope.TRAJECTORIES_READ,
            )
        )
        for suggestion in found:  # each suggestion names a volunteer: one line per subject
            uow.audit.record(
                volunteer_entry(
                    pool[suggestion.volunteer_id],
                    AuditAction.READ,
                    scope=Scope.TRAJECTORIES_READ,
                    search=True,
                )
            )
        await uow.commit()
    return MatchView(trajectory.id, tuple(found), clock.now())
