"""Use cases of visit records: record, correct, list and read (CONTRACT §10, DOMAIN §3)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Final

from domain.errors import Forbidden, InvalidState, InvalidTransition, NotFound, RuleViolation
from domain.events import VisitCorrected, VisitRecorded
from domain.model.audit import AuditAction, AuditEntry, Purpose
from domain.model.calendar import local_date
from domain.model.cursor import decode_position, encode_position, next_after
from domain.model.trajectory import Trajectory
from domain.model.visit import (
    VISIT_PHASES,
    CorrectVisit,
    RecordVisit,
    Visit,
    VisitDetails,
    correctable,
    date_problems,
    recount,
    warnings_for,
)
from domain.model.volunteer import VolunteerStatus
from domain.policy import TRAJECTORY_READERS, Actor, Role, Scope, require
from domain.ports import Clock, IdGenerator, UnitOfWork
from domain.services.access import sees, trajectory_entry, visible_trajectory
from domain.services.lifecycle import with_one_retry
from domain.services.once import Once, Replayed, remember, replay_first
from domain.views import Page
from domain.views.lifecycle import VisitFilter, VisitView

RECORDERS: Final = frozenset({Role.COORDINATOR, Role.VOLUNTEER})


async def record(
    cmd: RecordVisit,
    *,
    uow: UnitOfWork,
    clock: Clock,
    ids: IdGenerator,
    actor: Actor,
    once: Once[VisitView] | None = None,
) -> VisitView | Replayed:
    """Records a visit in kennismaking, uitvoering or afsluiting; a volunteer only on a
    trajectory matched to her, under her own id (R18, R19)."""
    require(actor, Scope.VISITS_RECORD, roles=RECORDERS)

    async def attempt() -> VisitView | Replayed:
        return await _record_once(cmd, uow=uow, clock=clock, ids=ids, actor=actor, once=once)

    return await with_one_retry(
        attempt, expected_version=None, current_version=_version_of(cmd.trajectory_id, uow, actor)
    )


def _version_of(trajectory_id: str, uow: UnitOfWork, actor: Actor) -> Callable[[], Awaitable[int]]:
    """The trajectory's `versie` after a second lost race, for the 409's `huidigeVersie`."""

    async def current() -> int:
        async with uow:
            return (await visible_trajectory(uow, trajectory_id, actor)).version

    return current


async def _record_once(
    cmd: RecordVisit,
    *,
    uow: UnitOfWork,
    clock: Clock,
    ids: IdGenerator,
    actor: Actor,
    once: Once[VisitView] | None,
) -> VisitView | Replayed:
    now = clock.now()
    async with uow:
        replayed = await replay_first(once, uow)
        if replayed is not None:
            return replayed
        found = await uow.trajectories.get_with_newest_visit(cmd.trajectory_id, on=cmd.details.on)
        if found is None or not sees(found[0], actor):
            raise NotFound("Traject niet gevonden.")
        trajectory, previous = found
        if trajectory.state not in VISIT_PHASES or trajectory.phase is None:
            raise InvalidState("Huisbezoeken alleen in kennismaking, uitvoering of afsluiting.")
        volunteer_id = await _visiting_volunteer(uow, cmd, trajectory, actor)
        problems = date_problems(cmd.details, trajectory=trajectory, today=local_date(now))
        if problems:
            raise RuleViolation(problems)
        visit = _new_visit(trajectory, cmd.details, ids=ids, actor=actor, at=now)
        visit.volunteer_id = volunteer_id
        uow.visits.add(visit)
        if visit.counted:
            recount(trajectory, phase=visit.phase, delta=1, at=now)
        trajectory.pending_events.append(
            VisitRecorded(
                subject=visit.id,
                organisation=trajectory.organisation,
                municipality=trajectory.municipality,
                trajectory_id=trajectory.id,
                phase=visit.phase.value,
            )
        )
        uow.audit.record(_entry(trajectory, AuditAction.CREATE, visit.id, Scope.VISITS_RECORD))
        view = VisitView(visit, warnings_for(cmd.details, previous_on=previous))
        remember(once, uow, view)
        await uow.commit()
    return view


async def _visiting_volunteer(
    uow: UnitOfWork, cmd: RecordVisit, trajectory: Trajectory, actor: Actor
) -> str:
    """A volunteer records under her own id; a coordinator may name an active volunteer of
    the organisation, by default the matched one (R7)."""
    if actor.role is Role.VOLUNTEER:
        if cmd.volunteer_id not in (None, actor.volunteer_id) or actor.volunteer_id is None:
            raise Forbidden("Een vrijwilliger legt alleen eigen bezoeken vast.")
        return actor.volunteer_id
    if cmd.volunteer_id is None or cmd.volunteer_id == trajectory.volunteer_id:
        if trajectory.volunteer_id is None:
            raise RuleViolation.of("vrijwilligerId", "verplicht", "Het traject heeft geen match.")
        return trajectory.volunteer_id
    named = await uow.volunteers.get(cmd.volunteer_id)
    if (
        named is None
        or named.organisation != trajectory.organisation
        or named.status is not VolunteerStatus.ACTIVE
    ):
        raise InvalidTransition(
            current=trajectory.state.value,
            target=trajectory.state.value,
            allowed=[],
            code="vrijwilliger-niet-beschikbaar",
            condition="vrijwilliger-beschikbaar",
            detail="De vrijwilliger is niet beschikbaar.",
        )
    return named.id


def _new_visit(
    trajectory: Trajectory,
    details: VisitDetails,
    *,
    ids: IdGenerator,
    actor: Actor,
    at: datetime,
    original: Visit | None = None,
) -> Visit:
    phase = original.phase if original is not None else trajectory.phase
    if phase is None:  # checked by the callers; kept for the type checker
        raise InvalidState("Het traject heeft geen fase.")
    return Visit(
        id=ids.new(),
        trajectory_id=trajectory.id,
        organisation=trajectory.organisation,
        volunteer_id=original.volunteer_id if original is not None else "",
        phase=phase,
        details=details,
        recorded_by_id=actor.id,
        recorded_by_role=actor.role.value,
        recorded_at=at,
    )


async def correct(
    cmd: CorrectVisit,
    *,
    uow: UnitOfWork,
    clock: Clock,
    ids: IdGenerator,
    actor: Actor,
    once: Once[VisitView] | None = None,
) -> VisitView | Replayed:
    """A correction is a new record; the corrected one is replaced, never edited (R20)."""
    require(actor, Scope.VISITS_RECORD, roles=RECORDERS)

    async def attempt() -> VisitView | Replayed:
        return await _correct_once(cmd, uow=uow, clock=clock, ids=ids, actor=actor, once=once)

    return await with_one_retry(
        attempt, expected_version=None, current_version=_version_of(cmd.trajectory_id, uow, actor)
    )


async def _correct_once(
    cmd: CorrectVisit,
    *,
    uow: UnitOfWork,
    clock: Clock,
    ids: IdGenerator,
    actor: Actor,
    once: Once[VisitView] | None,
) -> VisitView | Replayed:
    now = clock.now()
    today = local_date(now)
    async with uow:
        replayed = await replay_first(once, uow)
        if replayed is not None:
            return replayed
        trajectory = await visible_trajectory(uow, cmd.trajectory_id, actor)
        original = await uow.visits.get(trajectory.id, cmd.visit_id)
        if original is None or not _sees_visit(original, actor):
            raise NotFound("Huisbezoek niet gevonden.")
        if original.replaced_by is not None or not correctable(trajectory, today=today):
            raise InvalidState("Alleen het nieuwste record, tot 30 dagen na het einde.")
        details = cmd.details or original.details
        if cmd.details is not None:
            problems = date_problems(details, trajectory=trajectory, today=today)
            if problems:
                raise RuleViolation(problems)
        visit = _new_visit(trajectory, details, ids=ids, actor=actor, at=now, original=original)
        visit.corrects, visit.correction_reason, visit.void = original.id, cmd.reason, cmd.void
        delta = int(visit.counted) - int(original.counted)
        uow.visits.add(visit)
        uow.visits.replace(original, by=visit.id)
        if delta:
            recount(trajectory, phase=visit.phase, delta=delta, at=now)
        trajectory.pending_events.append(
            VisitCorrected(
                subject=visit.id,
                organisation=trajectory.organisation,
                municipality=trajectory.municipality,
                trajectory_id=trajectory.id,
                phase=visit.phase.value,
                corrects=original.id,
            )
        )
        uow.audit.record(_entry(trajectory, AuditAction.UPDATE, visit.id, Scope.VISITS_RECORD))
        view = VisitView(visit, warnings_for(details, previous_on=None))
        remember(once, uow, view)
        await uow.commit()
    return view


def _sees_visit(visit: Visit, actor: Actor) -> bool:
    """A volunteer sees only visits with her own id, whoever recorded them (§3)."""
    return actor.role is not Role.VOLUNTEER or visit.volunteer_id == actor.volunteer_id


def _entry(
    trajectory: Trajectory, action: AuditAction, visit_id: str | None, scope: Scope
) -> AuditEntry:
    return trajectory_entry(
        trajectory,
        action,
        resource="huisbezoek",
        resource_id=visit_id,
        purpose=Purpose.VISITS,
        scope=scope,
        search=visit_id is None,
    )


async def page(
    trajectory_id: str,
    *,
    include_replaced: bool,
    cursor: str | None,
    limit: int,
    uow: UnitOfWork,
    actor: Actor,
) -> Page[VisitView]:
    """Visits by `datum` desc, then `vastgelegdOp` desc; replaced records only on request."""
    require(actor, Scope.VISITS_READ, roles=TRAJECTORY_READERS)
    async with uow:
        trajectory = await visible_trajectory(uow, trajectory_id, actor)
        selection = VisitFilter(
            trajectory.id,
            volunteer_id=actor.volunteer_id if actor.role is Role.VOLUNTEER else None,
            include_replaced=include_replaced,
        )
        fingerprint = "huisbezoeken|" + selection.fingerprint()
        after = None
        if cursor:
            on, at, key = decode_position(cursor, fingerprint=fingerprint, size=3)
            after = (on, at, key)
        found = list(await uow.visits.page(selection, after=after, limit=limit + 1))
        uow.audit.record(_entry(trajectory, AuditAction.READ, None, Scope.VISITS_READ))
        await uow.commit()
    next_cursor = next_after(
        found,
        limit,
        lambda v: encode_position(
            (v.details.on.isoformat(), v.recorded_at.isoformat(), v.id), fingerprint=fingerprint
        ),
    )
    return Page([VisitView(v) for v in found[:limit]], next_cursor)


async def get(trajectory_id: str, visit_id: str, *, uow: UnitOfWork, actor: Actor) -> VisitView:
    require(actor, Scope.VISITS_READ, roles=TRAJECTORY_READERS)
    async with uow:
        trajectory = await visible_trajectory(uow, trajectory_id, actor)
        visit = await uow.visits.get(trajectory.id, visit_id)
        if visit is None or not _sees_visit(visit, actor):
            raise NotFound("Huisbezoek niet gevonden.")
        uow.audit.record(_entry(trajectory, AuditAction.READ, visit.id, Scope.VISITS_READ))
        await uow.commit()
    return VisitView(visit)
