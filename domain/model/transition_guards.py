"""When a move may happen: one guard per (from, to) pair, raising the contract's code
(CONTRACT §9.4 "Guard", DOMAIN §2, R2, R7, R8, R10-R13)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Final

from domain.errors import FieldProblem, Forbidden, RuleViolation
from domain.model.reasons import (
    PauseReason,
    StopReason,
)
from domain.model.trajectory import Trajectory, TrajectoryState
from domain.model.transition_rules import (
    TransitionContext,
    TransitionTrajectory,
    refuse,
)

S = TrajectoryState

Guard = Callable[[Trajectory, TransitionTrajectory, TransitionContext], None]


def _no_guard(trajectory: Trajectory, cmd: TransitionTrajectory, ctx: TransitionContext) -> None:
    return None


def _to_awaiting_match(
    trajectory: Trajectory, cmd: TransitionTrajectory, ctx: TransitionContext
) -> None:
    """Consent, first child, and today before the 18-month date, in the contract's order (R2)."""
    problems = []
    if cmd.contra_indications_checked is False:
        problems.append(
            FieldProblem(
                "contraIndicatiesGecontroleerd", "ongeldige-waarde", "Contra-indicaties eerst."
            )
        )
    if not trajectory.consent.shares_with_mim:
        problems.append(FieldProblem("toestemming", "geen-toestemming", "Toestemming ontbreekt."))
    if not trajectory.child.first_child:
        problems.append(FieldProblem("kind.eersteKind", "geen-eerste-kind", "Geen eerste kind."))
    if ctx.today >= trajectory.child.eighteen_month_date():
        problems.append(
            FieldProblem("kind.geboortedatum", "kind-te-oud", "Het kind is 18 maanden of ouder.")
        )
    if problems:
        raise RuleViolation(problems)


def _volunteer_available(
    trajectory: Trajectory, ctx: TransitionContext, target: TrajectoryState
) -> None:
    """R7: an unknown, foreign or unavailable volunteer fails alike."""
    volunteer = ctx.volunteer
    if (
        volunteer is None
        or volunteer.organisation != trajectory.organisation
        or not volunteer.is_available
    ):
        raise refuse(
            trajectory,
            target,
            ctx,
            code="vrijwilliger-niet-beschikbaar",
            condition="vrijwilliger-beschikbaar",
            detail="De vrijwilliger is niet beschikbaar.",
        )


def _planned_end_problems(
    trajectory: Trajectory, planned: date, ctx: TransitionContext
) -> list[FieldProblem]:
    if planned > trajectory.max_end_date:
        return [
            FieldProblem(
                "geplandeEinddatum", "na-maximale-einddatum", "Na de 24-maandendatum van het kind."
            )
        ]
    if planned <= ctx.today:
        return [FieldProblem("geplandeEinddatum", "ongeldige-waarde", "Ligt niet na vandaag.")]
    return []


def _to_introduction(
    trajectory: Trajectory, cmd: TransitionTrajectory, ctx: TransitionContext
) -> None:
    problems = []
    start = cmd.start_date or ctx.today
    if start > ctx.today or (trajectory.intake_date is not None and start < trajectory.intake_date):
        problems.append(
            FieldProblem("startdatum", "ongeldige-waarde", "Tussen de intakedatum en vandaag.")
        )
    planned = cmd.planned_end_date or trajectory.child.eighteen_month_date()
    problems += _planned_end_problems(trajectory, planned, ctx)
    if problems:
        raise RuleViolation(problems)
    _volunteer_available(trajectory, ctx, cmd.target)


def _to_execution(
    trajectory: Trajectory, cmd: TransitionTrajectory, ctx: TransitionContext
) -> None:
    """R8: at least one counted visit; R10: a verlenging stays within the 24-month date."""
    if trajectory.state is S.INTRODUCTION:
        if trajectory.visit_counts.total < 1:
            raise refuse(trajectory, cmd.target, ctx, condition="minimaal-een-huisbezoek")
        return
    if trajectory.state is S.PAUSED:
        return
    planned = cmd.planned_end_date
    if planned is None:  # required by the pair's rule, which is checked first
        raise RuleViolation.of("geplandeEinddatum", "verplicht", "Verplicht bij verlenging.")
    if trajectory.planned_end_date is not None and planned <= trajectory.planned_end_date:
        raise RuleViolation.of(
            "geplandeEinddatum", "ongeldige-waarde", "Een verlenging ligt na de huidige einddatum."
        )
    problems = _planned_end_problems(trajectory, planned, ctx)
    if problems:
        raise RuleViolation(problems)


def _to_paused(trajectory: Trajectory, cmd: TransitionTrajectory, ctx: TransitionContext) -> None:
    """R11-R13: a volunteer change only out of a pause for another reason; `meldcode` needs
    the scope and an open case."""
    if cmd.reason == PauseReason.MELDCODE and not ctx.unmasks_meldcode:
        raise Forbidden("Reden meldcode vereist meldcode.behandelen.")
    if trajectory.state is S.PAUSED and ctx.meldcode_decision:
        if cmd.reason != PauseReason.MELDCODE:  # `onderbreken` turns a pause into a meldcode one
            raise refuse(trajectory, cmd.target, ctx, condition="alleen-meldcode")
        if not ctx.open_meldcode_case:
            raise refuse(trajectory, cmd.target, ctx, condition="meldcode-casus-vereist")
    elif trajectory.state is S.PAUSED:
        if cmd.reason != PauseReason.VOLUNTEER_CHANGES or trajectory.reason in (
            PauseReason.MELDCODE,
            PauseReason.VOLUNTEER_CHANGES,
        ):
            raise refuse(trajectory, cmd.target, ctx, condition="alleen-vrijwilliger-wisselt")
    elif cmd.reason == PauseReason.MELDCODE and not ctx.open_meldcode_case:
        raise refuse(trajectory, cmd.target, ctx, condition="meldcode-casus-vereist")
    if cmd.review_date is not None and cmd.review_date < ctx.today:
        raise RuleViolation.of("heroverwegingOp", "ongeldige-waarde", "Ligt niet voor vandaag.")


def _resume(trajectory: Trajectory, cmd: TransitionTrajectory, ctx: TransitionContext) -> None:
    """R12, R13: a resume after a volunteer change names the new volunteer; a `meldcode`
    pause ends only through the Meldcode step `mim_voortzetting` or the 24-month task."""
    if trajectory.reason == PauseReason.MELDCODE and not ctx.meldcode_decision:
        raise refuse(trajectory, cmd.target, ctx, condition="meldcode-besluit-vereist")
    if trajectory.reason == PauseReason.VOLUNTEER_CHANGES and cmd.volunteer_id is None:
        raise RuleViolation.of("vrijwilligerId", "verplicht", "Een nieuwe vrijwilliger is nodig.")
    if cmd.volunteer_id is not None and cmd.volunteer_id != trajectory.volunteer_id:
        _volunteer_available(trajectory, ctx, cmd.target)


def _to_stopped(trajectory: Trajectory, cmd: TransitionTrajectory, ctx: TransitionContext) -> None:
    if cmd.reason == StopReason.MELDCODE and not ctx.unmasks_meldcode:
        raise Forbidden("Reden meldcode vereist meldcode.behandelen.")


def _to_closed(trajectory: Trajectory, cmd: TransitionTrajectory, ctx: TransitionContext) -> None:
    if cmd.closed_date is not None and cmd.closed_date > ctx.today:
        raise RuleViolation.of("afsluitdatum", "ongeldige-waarde", "Ligt niet in de toekomst.")


def _to_closing(trajectory: Trajectory, cmd: TransitionTrajectory, ctx: TransitionContext) -> None:
    if trajectory.state is S.PAUSED and trajectory.phase is S.CLOSING:
        _resume(trajectory, cmd, ctx)
    elif (
        trajectory.state is S.PAUSED
        and trajectory.reason == PauseReason.MELDCODE
        and not ctx.meldcode_decision
    ):
        raise refuse(trajectory, cmd.target, ctx, condition="meldcode-besluit-vereist")


def guard_for(source: TrajectoryState, target: TrajectoryState) -> Guard:
    if target is S.STOPPED:
        return _to_stopped
    if target is S.PAUSED:
        return _to_paused
    if source is S.PAUSED and target in (S.INTRODUCTION, S.EXECUTION):
        return _resume
    return _GUARDS.get(target, _no_guard)


_GUARDS: Final[Mapping[TrajectoryState, Guard]] = {
    S.AWAITING_MATCH: _to_awaiting_match,
    S.INTRODUCTION: _to_introduction,
    S.EXECUTION: _to_execution,
    S.CLOSING: _to_closing,
    S.CLOSED: _to_closed,
}
