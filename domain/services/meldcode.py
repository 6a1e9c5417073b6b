"""Use cases of the Meldcode workflow that write: raise a signal, record a step (CONTRACT §12,
DOMAIN §4). Each is one transaction with its events and audit lines (sensitivity `meldcode`)."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from domain.errors import InvalidState, NotFound, RuleViolation, VersionConflict
from domain.events import MeldcodeAcuteSignal, MeldcodeSignalReceived
from domain.model import lifecycle
from domain.model.audit import AuditAction, AuditEntry, Purpose, SubjectKind
from domain.model.calendar import local_date
from domain.model.meldcode import (
    CaseStatus,
    MeldcodeCase,
    RaiseSignal,
    RecordedBy,
    Signal,
    Step,
    StepKind,
    signal_problems,
)
from domain.model.meldcode_continuation import continuation_move
from domain.model.meldcode_steps import RecordStep, apply, check_fields, check_role, status_after
from domain.model.transition_rules import ActorKind, TransitionContext
from domain.policy import Actor, Role, Scope, require, sees_host_record
from domain.ports import Clock, IdGenerator, UnitOfWork
from domain.services.access import visible_trajectory
from domain.services.lifecycle import apply_change, with_one_retry
from domain.services.once import Once, Replayed, remember, replay_first
from domain.views.meldcode import SignalReceipt, StepResult

SIGNALLERS: Final = frozenset(
    {Role.COORDINATOR, Role.VOLUNTEER, Role.SAFEGUARDING_ADVISER, Role.ACCOUNTABLE_OFFICER}
)
CASE_READERS: Final = frozenset(
    {Role.COORDINATOR, Role.SAFEGUARDING_ADVISER, Role.ACCOUNTABLE_OFFICER}
)


def entitled(actor: Actor) -> bool:
    """Meldcode data: `meldcode.behandelen` and a role of C, A or E (CONTRACT §3, R23)."""
    return actor.has(Scope.MELDCODE_HANDLE) and actor.role in CASE_READERS


def sees_case(case: MeldcodeCase, actor: Actor) -> bool:
    return entitled(actor) and sees_host_record(
        actor, organisation=case.organisation, municipality=case.municipality
    )


def case_entry(
    case: MeldcodeCase,
    action: AuditAction,
    *,
    resource: str = "meldcode-casus",
    resource_id: str | None = None,
    scope: Scope = Scope.MELDCODE_HANDLE,
    search: bool = False,
) -> AuditEntry:
    """Every read and write of Meldcode data: purpose and sensitivity `meldcode` (§15)."""
    return AuditEntry(
        action=action,
        purpose=Purpose.MELDCODE,
        resource=resource,
        resource_id=resource_id or case.id,
        organisation=case.organisation,
        subject_kind=SubjectKind.MOTHER_AND_CHILD,
        subject_id=case.trajectory_id,
        search=search,
        authorisation=scope.value,
        meldcode=True,
    )


async def raise_signal(
    cmd: RaiseSignal,
    *,
    uow: UnitOfWork,
    clock: Clock,
    ids: IdGenerator,
    actor: Actor,
    once: Once[SignalReceipt] | None = None,
) -> SignalReceipt | Replayed:
    """Opens a case for the trajectory or joins its case that is not `afgesloten` (R22);
    a volunteer only on a trajectory matched to her. Acute danger answers with the
    instruction and an urgent event (R24). The trajectory itself does not change (R33)."""
    require(actor, Scope.MELDCODE_SIGNAL, roles=SIGNALLERS)

    async def attempt() -> SignalReceipt | Replayed:
        return await _raise_once(cmd, uow=uow, clock=clock, ids=ids, actor=actor, once=once)

    async def current() -> int:
        async with uow:
            case = await uow.meldcode.open_for(cmd.trajectory_id)
            return 0 if case is None else case.version

    return await with_one_retry(attempt, expected_version=None, current_version=current)


async def _raise_once(
    cmd: RaiseSignal,
    *,
    uow: UnitOfWork,
    clock: Clock,
    ids: IdGenerator,
    actor: Actor,
    once: Once[SignalReceipt] | None,
) -> SignalReceipt | Replayed:
    now = clock.now()
    async with uow:
        replayed = await replay_first(once, uow)
        if replayed is not None:
            return replayed
        trajectory = await visible_trajectory(uow, cmd.trajectory_id, actor)
        if not trajectory.active:
            raise InvalidState("Een beëindigd traject neemt geen signalen aan.")
        problems = signal_problems(cmd, today=local_date(now))
        if problems:
            raise RuleViolation(problems)
        case = await uow.meldcode.open_for(trajectory.id)
        if case is None:
            case = MeldcodeCase(
                id=ids.new(),
                trajectory_id=trajectory.id,
                organisation=trajectory.organisation,
                municipality=trajectory.municipality,
                status=CaseStatus.SIGNAL_RECEIVED,
                opened_at=now,
                updated_at=now,
            )
            uow.meldcode.add(case)
            uow.meldcode.mark_trajectory(trajectory.id, open_case=True, held_until=None)
        else:
            case.touch(at=now)
        signal = Signal(
            id=ids.new(),
            case_id=case.id,
            trajectory_id=trajectory.id,
            organisation=case.organisation,
            observed_on=cmd.observed_on,
            observation=cmd.observation,
            source=cmd.source,
            third_party_role=cmd.third_party_role,
            concerns=cmd.concerns,
            acute_danger=cmd.acute_danger,
            reported_by=RecordedBy(actor.id, actor.role.value),
            reported_at=now,
        )
        case.signal_count += 1
        uow.meldcode.add_signal(signal)
        event = MeldcodeAcuteSignal if cmd.acute_danger else MeldcodeSignalReceived
        case.pending_events.append(
            event(
                subject=signal.id,
                organisation=case.organisation,
                municipality=case.municipality,
                case_id=case.id,
                trajectory_id=trajectory.id,
                acute_danger=cmd.acute_danger,
            )
        )
        uow.audit.record(
            case_entry(
                case,
                AuditAction.CREATE,
                resource="signaal",
                resource_id=signal.id,
                scope=Scope.MELDCODE_SIGNAL,
            )
        )
        receipt = SignalReceipt(
            signal.id,
            case.signal_status(),
            case.id if entitled(actor) else None,
            cmd.acute_danger,
        )
        remember(once, uow, receipt)
        await uow.commit()
    return receipt


async def record_step(
    cmd: RecordStep,
    *,
    uow: UnitOfWork,
    clock: Clock,
    ids: IdGenerator,
    actor: Actor,
    once: Once[StepResult] | None = None,
) -> StepResult | Replayed:
    """Appends one step if the role, the state table, its conditions and its fields allow
    it (R25-R31); `mim_voortzetting` moves the trajectory in the same transaction or
    nothing is stored (R33)."""
    require(actor, Scope.MELDCODE_HANDLE)
    check_role(cmd.kind, actor)

    async def attempt() -> StepResult | Replayed:
        return await _record_once(cmd, uow=uow, clock=clock, ids=ids, actor=actor, once=once)

    async def current() -> int:
        async with uow:
            return (await visible_case(uow, cmd.case_id, actor)).version

    return await with_one_retry(
        attempt, expected_version=cmd.expected_version, current_version=current
    )


async def visible_case(uow: UnitOfWork, case_id: str, actor: Actor) -> MeldcodeCase:
    """The case, loaded for change; others' and unknown ones alike are 404."""
    case = await uow.meldcode.get(case_id)
    if case is None or not sees_case(case, actor):
        raise NotFound("Meldcode-casus niet gevonden.")
    return case


async def _record_once(
    cmd: RecordStep,
    *,
    uow: UnitOfWork,
    clock: Clock,
    ids: IdGenerator,
    actor: Actor,
    once: Once[StepResult] | None,
) -> StepResult | Replayed:
    now = clock.now()
    async with uow:
        replayed = await replay_first(once, uow)
        if replayed is not None:
            return replayed
        case = await visible_case(uow, cmd.case_id, actor)
        if cmd.expected_version is not None and cmd.expected_version != case.version:
            raise VersionConflict(case.version, precondition=True)
        after = status_after(case, cmd)
        check_fields(case, cmd)
        await _check_reference(uow, case, cmd)
        step = Step(
            id=ids.new(),
            case_id=case.id,
            organisation=case.organisation,
            sequence=case.step_count + 1,
            kind=cmd.kind,
            status_before=case.status,
            status_after=after,
            fields=dict(cmd.fields),
            recorded_by=RecordedBy(actor.id, actor.role.value),
            recorded_at=now,
        )
        if cmd.kind is StepKind.CONTINUATION:
            await _continue_mim(uow, case, cmd, ids=ids, actor=actor, at=now)
        apply(case, step)
        uow.meldcode.add_step(step)
        if not case.open:
            uow.meldcode.mark_trajectory(
                case.trajectory_id, open_case=False, held_until=case.retention_until
            )
        uow.audit.record(
            case_entry(case, AuditAction.CREATE, resource="meldcode-stap", resource_id=step.id)
        )
        result = StepResult(step, case.version)
        remember(once, uow, result)
        await uow.commit()
    return result


async def _check_reference(uow: UnitOfWork, case: MeldcodeCase, cmd: RecordStep) -> None:
    """An addendum points at a step of this case (R32)."""
    target = cmd.fields.get("verwijstNaarStapId")
    if (
        cmd.kind is StepKind.ADDENDUM
        and target is not None
        and await uow.meldcode.step(case.id, str(target)) is None
    ):
        raise RuleViolation.of(
            "verwijstNaarStapId", "ongeldige-waarde", "Geen stap van deze casus."
        )


async def _continue_mim(
    uow: UnitOfWork,
    case: MeldcodeCase,
    cmd: RecordStep,
    *,
    ids: IdGenerator,
    actor: Actor,
    at: datetime,
) -> None:
    """The trajectory move of `mim_voortzetting`; a refusal stores nothing (R33)."""
    trajectory = await uow.trajectories.get(case.trajectory_id)
    if trajectory is None:
        raise NotFound("Traject niet gevonden.")
    today = local_date(at)
    move = continuation_move(trajectory, cmd.fields, today=today)
    if move is None:
        return
    named = await uow.volunteers.get(move.volunteer_id) if move.volunteer_id else None
    ctx = TransitionContext(
        today=today,
        kind=ActorKind.USER,
        unmasks_meldcode=True,
        volunteer=named,
        open_meldcode_case=case.open,
        meldcode_decision=True,
    )
    change = lifecycle.transition(trajectory, move, ctx, at=at)
    await apply_change(
        uow,
        trajectory,
        change,
        named=named,
        ids=ids,
        actor=actor,
        at=at,
        scope=Scope.MELDCODE_HANDLE,
    )
