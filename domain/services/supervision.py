"""Use cases of supervision records (Begeleiding, CONTRACT §11): append, list, read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from domain.errors import (
    NotFound,
    RuleViolation,
)
from domain.model.audit import AuditAction
from domain.model.calendar import local_date
from domain.model.cursor import (
    decode_position,
    encode_position,
    next_after,
)
from domain.model.volunteer import (
    Supervision,
    SupervisionKind,
    SupervisionTopic,
    supervision_problems,
)
from domain.policy import Actor, Scope, require
from domain.ports import Clock, IdGenerator, UnitOfWork
from domain.services.access import visible_volunteer, volunteer_entry
from domain.services.lifecycle import with_one_retry
from domain.services.once import Once, Replayed, remember, replay_first
from domain.services.volunteers import MANAGERS, READERS, announce, check_limit
from domain.views import Page
from domain.views.volunteers import SupervisionView


@dataclass(frozen=True, slots=True)
class RecordSupervision:
    volunteer_id: str
    kind: SupervisionKind
    on: date
    duration_minutes: int
    training_session: int | None = None
    topics: tuple[str, ...] = ()
    note: str | None = field(default=None, repr=False)


async def record_supervision(
    cmd: RecordSupervision,
    *,
    uow: UnitOfWork,
    clock: Clock,
    ids: IdGenerator,
    actor: Actor,
    once: Once[SupervisionView] | None = None,
) -> SupervisionView | Replayed:
    """Appends a Begeleiding record; her `versie` follows (training count, last talk)."""
    require(actor, Scope.VOLUNTEERS_UPDATE, roles=MANAGERS)
    now = clock.now()
    problems = supervision_problems(
        cmd.kind,
        on=cmd.on,
        duration_minutes=cmd.duration_minutes,
        training_session=cmd.training_session,
        today=local_date(now),
    )
    if problems:
        raise RuleViolation(problems)

    async def attempt() -> SupervisionView | Replayed:
        async with uow:
            replayed = await replay_first(once, uow)
            if replayed is not None:
                return replayed
            volunteer = await visible_volunteer(uow, cmd.volunteer_id, actor)
            sessions = await uow.supervisions.training_sessions(volunteer.id)
            supervision = Supervision(
                id=ids.new(),
                volunteer_id=volunteer.id,
                kind=cmd.kind,
                on=cmd.on,
                duration_minutes=cmd.duration_minutes,
                training_session=cmd.training_session,
                topics=tuple(SupervisionTopic(t) for t in cmd.topics),
                note=cmd.note,
                recorded_by_id=actor.id,
                recorded_by_role=actor.role.value,
                recorded_at=now,
            )
            volunteer.record_supervision(
                supervision, new_training_session=cmd.training_session not in sessions
            )
            announce(volunteer)
            uow.supervisions.add(supervision)
            uow.audit.record(
                volunteer_entry(
                    volunteer,
                    AuditAction.CREATE,
                    scope=Scope.VOLUNTEERS_UPDATE,
                    resource="begeleiding",
                    resource_id=supervision.id,
                )
            )
            view = SupervisionView.of(supervision, actor)
            remember(once, uow, view)
            await uow.commit()
        return view

    async def current() -> int:
        async with uow:
            return (await visible_volunteer(uow, cmd.volunteer_id, actor)).version

    return await with_one_retry(attempt, expected_version=None, current_version=current)


async def supervisions(
    volunteer_id: str,
    *,
    kind: SupervisionKind | None,
    cursor: str | None,
    limit: int,
    uow: UnitOfWork,
    actor: Actor,
) -> Page[SupervisionView]:
    """Her Begeleiding records by `datum` desc; notes hidden from the volunteer."""
    require(actor, Scope.VOLUNTEERS_READ, roles=READERS)
    check_limit(limit)
    fingerprint = f"begeleidingen|{volunteer_id}|{kind}"
    after = None
    if cursor:
        on, key = decode_position(cursor, fingerprint=fingerprint, size=2)
        after = (on, key)
    async with uow:
        volunteer = await visible_volunteer(uow, volunteer_id, actor)
        found = list(
            await uow.supervisions.page(
                volunteer.id, kind=kind.value if kind else None, after=after, limit=limit + 1
            )
        )
        uow.audit.record(
            volunteer_entry(
                volunteer,
                AuditAction.READ,
                scope=Scope.VOLUNTEERS_READ,
                resource="begeleiding",
                resource_id=None,
                search=True,
            )
        )
        await uow.commit()
    next_cursor = next_after(
        found, limit, lambda s: encode_position((s.on.isoformat(), s.id), fingerprint=fingerprint)
    )
    return Page([SupervisionView.of(s, actor) for s in found[:limit]], next_cursor)


async def supervision(
    volunteer_id: str, supervision_id: str, *, uow: UnitOfWork, actor: Actor
) -> SupervisionView:
    require(actor, Scope.VOLUNTEERS_READ, roles=READERS)
    async with uow:
        volunteer = await visible_volunteer(uow, volunteer_id, actor)
        found = await uow.supervisions.get(volunteer.id, supervision_id)
        if found is None:
            raise NotFound("Begeleiding niet gevonden.")
        uow.audit.record(
            volunteer_entry(
                volunteer,
                AuditAction.READ,
                scope=Scope.VOLUNTEERS_READ,
                resource="begeleiding",
                resource_id=found.id,
            )
        )
        await uow.commit()
    return SupervisionView.of(found, actor)
