"""The trajectory lifecycle (CONTRACT §9.4, DOMAIN §2): which moves exist is `TRANSITIONS`;
the rules and guards modules say which fields and when; this module performs the move."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from domain.errors import RuleViolation
from domain.events import TrajectoryStateChanged
from domain.model.reasons import (
    PauseReason,
)
from domain.model.trajectory import PHASES, Trajectory, TrajectoryState, mask_reason
from domain.model.transition_guards import guard_for
from domain.model.transition_rules import (
    ActorKind,
    ChangeKind,
    StateChange,
    TransitionContext,
    TransitionTrajectory,
    check_pair,
    field_problems,
    refuse,
)

S = TrajectoryState


def change_kind(trajectory: Trajectory, target: TrajectoryState, kind: ActorKind) -> ChangeKind:
    if kind is ActorKind.SYSTEM:
        return ChangeKind.SYSTEM
    if trajectory.state is S.EXECUTION and target is S.EXECUTION:
        return ChangeKind.EXTENSION
    if trajectory.state is S.PAUSED and target is trajectory.phase:
        return ChangeKind.RESUMPTION
    return ChangeKind.TRANSITION


def check(trajectory: Trajectory, cmd: TransitionTrajectory, ctx: TransitionContext) -> None:
    """Everything that may refuse the move, in order: the pair (409), the fields (400), the
    guard (400, 403 or 409). Nothing changes on a refusal."""
    check_pair(trajectory, cmd.target, ctx)
    extension = cmd.planned_end_date is not None or cmd.reason is not None
    if cmd.target is S.EXECUTION and extension and trajectory.state is not S.EXECUTION:
        # R10: a verlenging outside uitvoering is a move that does not exist
        raise refuse(trajectory, cmd.target, ctx, condition="verlenging-alleen-in-uitvoering")
    problems = field_problems(trajectory, cmd)
    if problems:
        raise RuleViolation(problems)
    guard_for(trajectory.state, cmd.target)(trajectory, cmd, ctx)


def transition(
    trajectory: Trajectory, cmd: TransitionTrajectory, ctx: TransitionContext, *, at: datetime
) -> StateChange:
    """Checks and performs one move: the new state, the fields it sets, `versie` + 1, the
    referrer's view date, and the event (its reason masked: events are read without
    `meldcode.behandelen`)."""
    check(trajectory, cmd, ctx)
    source, feedback_before = trajectory.state, trajectory.feedback
    kind = change_kind(trajectory, cmd.target, ctx.kind)
    running_before = trajectory.volunteer_id if trajectory.active else None
    _set_fields(trajectory, cmd, ctx)
    running_after = trajectory.volunteer_id if trajectory.active else None
    trajectory.version += 1
    trajectory.updated_at = at
    feedback_changed = trajectory.feedback is not feedback_before
    if feedback_changed:
        trajectory.feedback_changed_on = ctx.today
    warnings: tuple[str, ...] = ()
    # R9: the norm is 14-16 counted visits in uitvoering
    if source is S.EXECUTION and cmd.target is S.CLOSING and trajectory.visit_counts.execution < 14:
        warnings = ("minder-dan-14-huisbezoeken",)
    trajectory.pending_events.append(
        TrajectoryStateChanged(
            subject=trajectory.id,
            organisation=trajectory.organisation,
            municipality=trajectory.municipality,
            from_state=source.value,
            to_state=trajectory.state.value,
            phase=trajectory.phase.value if trajectory.phase else None,
            reason=mask_reason(trajectory.reason, unmasked=False),
            by_system=ctx.kind is ActorKind.SYSTEM,
        )
    )
    return StateChange(
        from_state=source,
        to_state=trajectory.state,
        kind=kind,
        cmd=_with_defaults(cmd, trajectory, source),
        warnings=warnings,
        matched_volunteer=running_after if running_after != running_before else None,
        released_volunteer=running_before if running_after != running_before else None,
        completed_volunteer=running_before if trajectory.state is S.CLOSED else None,
        feedback_changed=feedback_changed,
    )


def _set_fields(trajectory: Trajectory, cmd: TransitionTrajectory, ctx: TransitionContext) -> None:
    target, source = cmd.target, trajectory.state
    if target is S.INTAKE:
        trajectory.intake_date = cmd.intake_date
    elif target is S.INTRODUCTION and source is S.AWAITING_MATCH:
        trajectory.volunteer_id = cmd.volunteer_id
        trajectory.start_date = cmd.start_date or ctx.today
        trajectory.planned_end_date = cmd.planned_end_date or trajectory.child.eighteen_month_date()
    elif target is S.EXECUTION and source is S.EXECUTION:
        trajectory.planned_end_date = cmd.planned_end_date
    elif target is S.PAUSED:
        trajectory.reason, trajectory.review_date = cmd.reason, cmd.review_date
        if cmd.reason == PauseReason.VOLUNTEER_CHANGES:
            trajectory.volunteer_id = None  # R12: her access ends, her capacity is freed
    elif target in (S.REJECTED, S.STOPPED):
        trajectory.reason, trajectory.review_date = cmd.reason, None
        trajectory.closed_date = ctx.today
    elif target is S.CLOSED:
        trajectory.outcome = cmd.outcome
        trajectory.closed_date = cmd.closed_date or ctx.today
    if source is S.PAUSED and target is not S.PAUSED and target is not S.STOPPED:
        trajectory.reason = trajectory.review_date = None
        if cmd.volunteer_id is not None:
            trajectory.volunteer_id = cmd.volunteer_id
    trajectory.state = target
    trajectory.phase = (
        target if target in PHASES else trajectory.phase if target is S.PAUSED else None
    )


def _with_defaults(
    cmd: TransitionTrajectory, trajectory: Trajectory, source: TrajectoryState
) -> TransitionTrajectory:
    """The Overgang echoes server-filled values: a defaulted start and planned end, an
    afsluitdatum of today."""
    if source is S.AWAITING_MATCH and (cmd.start_date is None or cmd.planned_end_date is None):
        return replace(
            cmd,
            start_date=trajectory.start_date,
            planned_end_date=trajectory.planned_end_date,
        )
    if cmd.target is S.CLOSED and cmd.closed_date is None:
        return replace(cmd, closed_date=trajectory.closed_date)
    return cmd
