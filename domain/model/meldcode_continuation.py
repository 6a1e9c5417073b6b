"""`mim_voortzetting` (CONTRACT §12.3, DOMAIN §4.4, R13, R15, R33): the coordinator's decision
whether MIM goes on, as the trajectory move the step makes in its own transaction."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from domain.errors import InvalidTransition, RuleViolation
from domain.model.meldcode import ContinuationDecision
from domain.model.reasons import PauseReason, StopReason
from domain.model.trajectory import PHASES, Trajectory, TrajectoryState
from domain.model.transition_rules import TransitionTrajectory

S = TrajectoryState


def continuation_move(
    trajectory: Trajectory, fields: Mapping[str, Any], *, today: date
) -> TransitionTrajectory | None:
    """The move, or None when the decision changes nothing: `voortzetten` of a trajectory that
    is not in a `meldcode` pause. `onderbreken` before the first phase is 409."""
    decision = ContinuationDecision(fields["besluit"])
    if decision is ContinuationDecision.END:
        return TransitionTrajectory(trajectory.id, S.STOPPED, reason=StopReason.MELDCODE.value)
    if decision is ContinuationDecision.INTERRUPT:
        if trajectory.state not in PHASES and trajectory.state is not S.PAUSED:
            raise InvalidTransition(
                current=trajectory.state.value,
                target=S.PAUSED.value,
                allowed=[],
                condition="alleen-tijdens-een-fase",
                detail="Onderbreken kan alleen in kennismaking, uitvoering of afsluiting.",
            )
        return TransitionTrajectory(
            trajectory.id,
            S.PAUSED,
            reason=PauseReason.MELDCODE.value,
            review_date=fields.get("heroverwegingOp"),
        )
    if trajectory.state is not S.PAUSED or trajectory.reason != PauseReason.MELDCODE:
        return None
    if today >= trajectory.max_end_date:  # past the 24-month date: straight into afsluiting
        return TransitionTrajectory(trajectory.id, S.CLOSING)
    volunteer = fields.get("vrijwilligerId")
    if volunteer is None and trajectory.volunteer_id is None:
        raise RuleViolation.of(
            "vrijwilligerId", "verplicht", "Het traject heeft geen vrijwilliger meer."
        )
    if trajectory.phase is None:  # a pause always keeps the phase it left
        raise RuleViolation.of("besluit", "ongeldige-waarde", "Het traject heeft geen fase.")
    return TransitionTrajectory(trajectory.id, trajectory.phase, volunteer_id=volunteer)
