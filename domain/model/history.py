"""The trajectory's history: one Overgang per move, never changed (CONTRACT §9.4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.model.trajectory import TrajectoryState
from domain.model.transition_rules import ChangeKind, TransitionTrajectory


@dataclass(frozen=True, slots=True)
class TransitionRecord:
    """`fields` holds the submitted and server-filled fields the Overgang echoes."""

    id: str
    trajectory_id: str
    organisation: str
    from_state: TrajectoryState
    to_state: TrajectoryState
    kind: ChangeKind
    fields: TransitionTrajectory
    actor_id: str
    actor_role: str
    at: datetime
    trajectory_version: int
