"""Use cases that read Meldcode data (CONTRACT §12): cases, their steps, one signal. Only
Meldcode-entitled roles of the organisation read cases; a signal's author sees only its
status (R23). Every read leaves an audit line with sensitivity `meldcode`."""

from __future__ import annotations

from domain.errors import Forbidden, NotFound
from domain.model.audit import AuditAction
from domain.model.cursor import (
    decode_cursor,
    decode_position,
    encode_cursor,
    encode_position,
    next_after,
)
from domain.model.meldcode import CaseStatus, Step
from domain.policy import Actor, Scope, require
from domain.ports import UnitOfWork
from domain.services.meldcode import CASE_READERS, case_entry, entitled, sees_case, visible_case
from domain.views import Page
from domain.views.meldcode import CaseFilter, CaseView, SignalReceipt, SignalView


async def page(
    *,
    statuses: frozenset[CaseStatus],
    trajectory_id: str | None,
    cursor: str | None,
    limit: int,
    uow: UnitOfWork,
    actor: Actor,
) -> Page[CaseView]:
    """The organisation's cases, newest first; one audit line per case listed (R38)."""
    require(actor, Scope.MELDCODE_HANDLE, roles=CASE_READERS)
    selection = CaseFilter(
        organisation=actor.organisation,
        municipalities=actor.municipalities,
        statuses=statuses,
        trajectory_id=trajectory_id,
    )
    fingerprint = selection.fingerprint()
    after = decode_cursor(cursor, fingerprint=fingerprint) if cursor else None
    async with uow:
        found = list(await uow.meldcode.page(selection, after=after, limit=limit + 1))
        views = []
        for case in found[:limit]:
            views.append(CaseView(case, await uow.meldcode.signals(case.id)))
            uow.audit.record(case_entry(case, AuditAction.READ, search=True))
        await uow.commit()
    next_cursor = next_after(
        found, limit, lambda c: encode_cursor((c.opened_at, c.id), fingerprint=fingerprint)
    )
    return Page(views, next_cursor)


async def get(case_id: str, *, uow: UnitOfWork, actor: Actor) -> CaseView:
    require(actor, Scope.MELDCODE_HANDLE, roles=CASE_READERS)
    async with uow:
        case = await visible_case(uow, case_id, actor)
        signals = await uow.meldcode.signals(case.id)
        uow.audit.record(case_entry(case, AuditAction.READ))
        await uow.commit()
    return CaseView(case, signals)


async def steps(
    case_id: str, *, cursor: str | None, limit: int, uow: UnitOfWork, actor: Actor
) -> Page[Step]:
    """By `volgnummer`, oldest first (CONTRACT §5.4)."""
    require(actor, Scope.MELDCODE_HANDLE, roles=CASE_READERS)
    fingerprint = f"meldcode-stappen|{case_id}"
    after = int(decode_position(cursor, fingerprint=fingerprint, size=1)[0]) if cursor else 0
    async with uow:
        case = await visible_case(uow, case_id, actor)
        found = list(await uow.meldcode.steps(case.id, after=after, limit=limit + 1))
        uow.audit.record(case_entry(case, AuditAction.READ, resource="meldcode-stap", search=True))
        await uow.commit()
    next_cursor = next_after(
        found, limit, lambda s: encode_position((str(s.sequence),), fingerprint=fingerprint)
    )
    return Page(found[:limit], next_cursor)


async def step(case_id: str, step_id: str, *, uow: UnitOfWork, actor: Actor) -> Step:
    require(actor, Scope.MELDCODE_HANDLE, roles=CASE_READERS)
    async with uow:
        case = await visible_case(uow, case_id, actor)
        found = await uow.meldcode.step(case.id, step_id)
        if found is None:
            raise NotFound("Stap niet gevonden.")
        uow.audit.record(
            case_entry(case, AuditAction.READ, resource="meldcode-stap", resource_id=found.id)
        )
        await uow.commit()
    return found


async def signal(signal_id: str, *, uow: UnitOfWork, actor: Actor) -> SignalView:
    """The whole signal for C, A, E with `meldcode.behandelen`; its author (any role with
    `meldcode.signaleren`) gets `{id, status}` only; anyone else 404."""
    if not (actor.has(Scope.MELDCODE_SIGNAL) or entitled(actor)):
        raise Forbidden("Het token mist de vereiste scope of rol.")
    async with uow:
        found = await uow.meldcode.signal(signal_id)
        if found is None:
            raise NotFound("Signaal niet gevonden.")
        record, case = found
        full = sees_case(case, actor)
        author = (
            record.reported_by.actor_id == actor.id
            and record.organisation == actor.organisation
            and actor.has(Scope.MELDCODE_SIGNAL)
        )
        if not (full or author):
            raise NotFound("Signaal niet gevonden.")
        scope = Scope.MELDCODE_HANDLE if full else Scope.MELDCODE_SIGNAL
        uow.audit.record(
            case_entry(
                case, AuditAction.READ, resource="signaal", resource_id=record.id, scope=scope
            )
        )
        await uow.commit()
    receipt = SignalReceipt(record.id, case.signal_status(), case.id if full else None, False)
    return SignalView(receipt, record if full else None)
