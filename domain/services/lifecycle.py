"""Use cases of the trajectory lifecycle: move a trajectory, read its history."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Final, TypeVar

from domain.errors import NotFound, RequestInProgress, VersionConflict
from domain.events import ReferralFeedbackChanged, VolunteerUpdated
from domain.model import lifecycle
from domain.model.audit import AuditAction, AuditEntry, Purpose
from domain.model.calendar import local_date
from domain.model.cursor import decode_cursor, encode_cursor, next_after
from domain.model.history import TransitionRecord
from domain.model.trajectory import Trajectory
from domain.model.transition_rules import (
    ActorKind,
    StateChange,
    TransitionContext,
    TransitionTrajectory,
)
from domain.model.volunteer import Volunteer
from domain.policy import TRAJECTORY_READERS, Actor, Role, Scope, require
from domain.ports import Clock, IdGenerator, KeyTaken, StaleVersion, UnitOfWork
from domain.services.access import trajectory_entry, visible_trajectory, volunteer_entry
from domain.services.once import Once, Replayed, remember, replay_first
from domain.views import Page, referrer_feedback
from domain.views.lifecycle import TransitionView

TRANSITION_ROLES: Final = frozenset({Role.COORDINATOR, Role.SYSTEM})
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class TransitionResult:
    view: TransitionView
    trajectory_version: int


async def with_one_retry(
    attempt: Callable[[], Awaitable[R]],
    *,
    expected_version: int | None,
    current_version: Callable[[], Awaitable[int]],
) -> R:
    """A write that loses a race: 412 when `If-Match` was sent; without it the use case
    re-reads and re-runs its guards once, and a second loss is 409 (CONTRACT §5.1)."""
    for retry in (False, True):
        try:
            return await attempt()
        except StaleVersion:
            if expected_version is not None or retry:
                current = await current_version()
                raise VersionConflict(current, precondition=expected_version is not None) from None
        except KeyTaken:
            raise RequestInProgress("Een verzoek met deze Idempotency-Key loopt nog.") from None
    raise AssertionError("unreachable")  # pragma: no cover


async def transition(
    cmd: TransitionTrajectory,
    *,
    uow: UnitOfWork,
    clock: Clock,
    ids: IdGenerator,
    actor: Actor,
    once: Once[TransitionResult] | None = None,
) -> TransitionResult | Replayed:
    """Moves a trajectory of the caller's organisation to a state the table allows, if its
    guards hold: one Overgang, `versie` + 1, events and audit lines in one transaction."""
    require(actor, Scope.TRAJECTORIES_UPDATE, roles=TRANSITION_ROLES)

    async def attempt() -> TransitionResult | Replayed:
        return await _transition_once(cmd, uow=uow, clock=clock, ids=ids, actor=actor, once=once)

    async def current() -> int:
        async with uow:
            return (await visible_trajectory(uow, cmd.trajectory_id, actor)).version

    return await with_one_retry(
        attempt, expected_version=cmd.expected_version, current_version=current
    )


async def _transition_once(
    cmd: TransitionTrajectory,
    *,
    uow: UnitOfWork,
    clock: Clock,
    ids: IdGenerator,
    actor: Actor,
    once: Once[TransitionResult] | None,
) -> TransitionResult | Replayed:
    now = clock.now()
    async with uow:
        replayed = await replay_first(once, uow)
        if replayed is not None:
            return replayed
        trajectory = await visible_trajectory(uow, cmd.trajectory_id, actor)
        if cmd.expected_version is not None and cmd.expected_version != trajectory.version:
            raise VersionConflict(trajectory.version, precondition=True)
        named = await uow.volunteers.get(cmd.volunteer_id) if cmd.volunteer_id else None
        ctx = TransitionContext(
            today=local_date(now),
            kind=ActorKind.SYSTEM if actor.role is Role.SYSTEM else ActorKind.USER,
            unmasks_meldcode=actor.unmasks_meldcode,
            volunteer=named,
            open_meldcode_case=trajectory.meldcode_case_open,
        )
        change = lifecycle.transition(trajectory, cmd, ctx, at=now)
        record = await apply_change(
            uow, trajectory, change, named=named, ids=ids, actor=actor, at=now
        )
        result = TransitionResult(
            TransitionView.of(record, actor, warnings=change.warnings), trajectory.version
        )
        remember(once, uow, result)
        await uow.commit()
    return result


async def apply_change(
    uow: UnitOfWork,
    trajectory: Trajectory,
    change: StateChange,
    *,
    named: Volunteer | None,
    ids: IdGenerator,
    actor: Actor,
    at: datetime,
    scope: Scope = Scope.TRAJECTORIES_UPDATE,
) -> TransitionRecord:
    """What follows a move, in its transaction: the volunteers' counts, the referrer's
    feedback, the Overgang and the audit lines. A move made by a Meldcode step is audited as
    Meldcode processing (purpose and sensitivity `meldcode`), so the access report marks it."""
    marked = _marked if scope is Scope.MELDCODE_HANDLE else _unmarked
    await _update_volunteers(uow, change, named=named, at=at, scope=scope, marked=marked)
    if change.feedback_changed:
        await _tell_referrer(uow, trajectory, actor)
    record = _record(trajectory, change, ids=ids, actor=actor, at=at)
    uow.transitions.add(record)
    uow.audit.record(marked(trajectory_entry(trajectory, AuditAction.UPDATE, scope=scope)))
    return record


def _marked(entry: AuditEntry) -> AuditEntry:
    return replace(entry, purpose=Purpose.MELDCODE, meldcode=True)


def _unmarked(entry: AuditEntry) -> AuditEntry:
    return entry


def _record(
    trajectory: Trajectory, change: StateChange, *, ids: IdGenerator, actor: Actor, at: datetime
) -> TransitionRecord:
    return TransitionRecord(
        id=ids.new(),
        trajectory_id=trajectory.id,
        organisation=trajectory.organisation,
        from_state=change.from_state,
        to_state=change.to_state,
        kind=change.kind,
        fields=change.cmd,
        actor_id=actor.id,
        actor_role=actor.role.value,
        at=at,
        trajectory_version=trajectory.version,
    )


async def _update_volunteers(
    uow: UnitOfWork,
    change: StateChange,
    *,
    named: Volunteer | None,
    at: datetime,
    scope: Scope,
    marked: Callable[[AuditEntry], AuditEntry],
) -> None:
    """Her running trajectories follow the match: +1 when matched, -1 when released (a
    volunteer change or the end of the trajectory), and a completion when it closed."""
    deltas: dict[str, tuple[int, int]] = {}
    if change.matched_volunteer is not None:
        deltas[change.matched_volunteer] = (1, 0)
    if change.released_volunteer is not None:
        completed = 1 if change.completed_volunteer == change.released_volunteer else 0
        deltas[change.released_volunteer] = (-1, completed)
    for volunteer_id, (running, completed) in deltas.items():
        volunteer = named if named is not None and named.id == volunteer_id else None
        volunteer = volunteer or await uow.volunteers.get(volunteer_id)
        if volunteer is None:
            continue  # removed by the retention purge; nothing left to count
        adjust_running(volunteer, running=running, completed=completed, at=at)
        uow.audit.record(marked(volunteer_entry(volunteer, AuditAction.UPDATE, scope=scope)))


def adjust_running(volunteer: Volunteer, *, running: int, completed: int, at: datetime) -> None:
    """`lopendeTrajecten` is part of her representation: `versie` + 1 and an event (§5.1)."""
    volunteer.running_trajectories = max(0, volunteer.running_trajectories + running)
    volunteer.completed_trajectories += completed
    volunteer.touch(at=at)
    volunteer.pending_events.append(
        VolunteerUpdated(
            subject=volunteer.id,
            organisation=volunteer.organisation,
            municipality=volunteer.municipality,
            status=volunteer.status.value,
        )
    )


async def _tell_referrer(uow: UnitOfWork, trajectory: Trajectory, actor: Actor) -> None:
    """`nl.mim.verwijzing.teruggekoppeld` only with the mother's feedback consent (R17)."""
    status, reason = referrer_feedback(trajectory)
    if status is None:
        return
    referrer = trajectory.referrer_org
    if referrer is None:  # a repository that does not load it: read the referral
        found = await uow.referrals.get(trajectory.referral_id)
        if found is None:
            return
        referrer = found[0].referrer.organisation_id.code
    trajectory.pending_events.append(
        ReferralFeedbackChanged(
            subject=trajectory.referral_id,
            organisation=trajectory.organisation,
            municipality=trajectory.municipality,
            referrer=referrer,
            status=status.value,
            reason=reason,
        )
    )


async def history(
    trajectory_id: str,
    *,
    cursor: str | None,
    limit: int,
    uow: UnitOfWork,
    actor: Actor,
) -> Page[TransitionView]:
    """The trajectory's Overgangen, newest first; reasons shaped for the reader."""
    require(actor, Scope.TRAJECTORIES_READ, roles=TRAJECTORY_READERS)
    fingerprint = f"overgangen|{trajectory_id}"
    after = decode_cursor(cursor, fingerprint=fingerprint) if cursor else None
    async with uow:
        trajectory = await visible_trajectory(uow, trajectory_id, actor)
        found = list(await uow.transitions.page(trajectory.id, after=after, limit=limit + 1))
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
    next_cursor = next_after(
        found, limit, lambda r: encode_cursor((r.at, r.id), fingerprint=fingerprint)
    )
    return Page([TransitionView.of(r, actor) for r in found[:limit]], next_cursor)


async def one_transition(
    trajectory_id: str, transition_id: str, *, uow: UnitOfWork, actor: Actor
) -> TransitionView:
    require(actor, Scope.TRAJECTORIES_READ, roles=TRAJECTORY_READERS)
    async with uow:
        trajectory = await visible_trajectory(uow, trajectory_id, actor)
        record = await uow.transitions.get(trajectory.id, transition_id)
        if record is None:
            raise NotFound("Overgang niet gevonden.")
        uow.audit.record(
            trajectory_entry(
                trajectory,
                AuditAction.READ,
                resource="overgang",
                resource_id=record.id,
                scope=Scope.TRAJECTORIES_READ,
            )
        )
        await uow.commit()
    return TransitionView.of(record, actor)
