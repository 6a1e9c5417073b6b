"""The trajectory (Traject): the MIM lifecycle of one mother and child."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Final

from domain.events import DomainEvent
from domain.model.calendar import age_in_months
from domain.model.referral import Child, Consent, Mother, Registration


class TrajectoryState(StrEnum):
    """Published as `TrajectStatus`: the values are the contract's, the names are ours."""

    REGISTERED = "aangemeld"
    INTAKE = "intake"
    AWAITING_MATCH = "wacht_op_match"
    INTRODUCTION = "kennismaking"
    EXECUTION = "uitvoering"
    CLOSING = "afsluiting"
    CLOSED = "afgesloten"
    REJECTED = "afgewezen"
    STOPPED = "gestopt"
    PAUSED = "onderbroken"


S = TrajectoryState
PHASES: Final = frozenset({S.INTRODUCTION, S.EXECUTION, S.CLOSING})
TERMINAL: Final = frozenset({S.CLOSED, S.REJECTED, S.STOPPED})
ACTIVE: Final = frozenset(S) - TERMINAL

# Which moves exist (CONTRACT §9.4); guards per (from, to) pair come with the lifecycle issue.
TRANSITIONS: Final[Mapping[TrajectoryState, frozenset[TrajectoryState]]] = {
    S.REGISTERED: frozenset({S.INTAKE, S.REJECTED, S.STOPPED}),
    S.INTAKE: frozenset({S.AWAITING_MATCH, S.REJECTED, S.STOPPED}),
    S.AWAITING_MATCH: frozenset({S.INTRODUCTION, S.STOPPED}),
    S.INTRODUCTION: frozenset({S.EXECUTION, S.PAUSED, S.STOPPED, S.CLOSING}),
    S.EXECUTION: frozenset({S.EXECUTION, S.CLOSING, S.PAUSED, S.STOPPED}),
    S.CLOSING: frozenset({S.CLOSED, S.PAUSED, S.STOPPED}),
    S.PAUSED: frozenset({S.INTRODUCTION, S.EXECUTION, S.CLOSING, S.PAUSED, S.STOPPED}),
    S.CLOSED: frozenset(),
    S.REJECTED: frozenset(),
    S.STOPPED: frozenset(),
}


class FeedbackStatus(StrEnum):
    """Published as `TerugkoppelingStatus`: all a referrer ever learns (CONTRACT §8.3)."""

    RECEIVED = "ontvangen"
    IN_PROGRESS = "in_behandeling"
    STARTED = "gestart"
    FINISHED = "afgerond"
    NOT_STARTED = "niet_gestart"


# Reason codes readers without `meldcode.behandelen` see as `overig` (CONTRACT §7 Masking).
MASKED_REASONS: Final = frozenset({"meldcode", "ziekte", "contra_indicatie"})


def mask_reason(reason: str | None, *, unmasked: bool) -> str | None:
    if reason is None or unmasked or reason not in MASKED_REASONS:
        return reason
    return "overig"


def feedback_status(state: TrajectoryState, *, started: bool) -> FeedbackStatus:
    """Maps a trajectory state to the referrer's view; an interruption never shows."""
    if state is S.REGISTERED:
        return FeedbackStatus.RECEIVED
    if state in (S.INTAKE, S.AWAITING_MATCH):
        return FeedbackStatus.IN_PROGRESS
    if state in PHASES or state is S.PAUSED:
        return FeedbackStatus.STARTED
    if state is S.CLOSED or (state is S.STOPPED and started):
        return FeedbackStatus.FINISHED
    return FeedbackStatus.NOT_STARTED


@dataclass(frozen=True, slots=True)
class VisitCounts:
    introduction: int = 0
    execution: int = 0
    closing: int = 0

    @property
    def total(self) -> int:
        return self.introduction + self.execution + self.closing


@dataclass(slots=True)
class Trajectory:
    id: str
    referral_id: str
    organisation: str
    municipality: str
    referrer_type: str
    mother: Mother = field(repr=False)
    child: Child = field(repr=False)
    registration: Registration = field(repr=False)
    consent: Consent = field(repr=False)
    created_at: datetime
    updated_at: datetime
    feedback_changed_on: date
    state: TrajectoryState = S.REGISTERED
    phase: TrajectoryState | None = None
    version: int = 1
    wijkcode: str | None = None
    volunteer_id: str | None = None
    intake_date: date | None = None
    start_date: date | None = None
    planned_end_date: date | None = None
    reason: str | None = None
    review_date: date | None = None
    outcome: str | None = None
    closed_date: date | None = None
    anonymised_at: datetime | None = None
    visit_counts: VisitCounts = field(default_factory=VisitCounts)
    referrer_org: str | None = None  # the referrer's `org` code, loaded with the trajectory
    # Derived from its Meldcode cases (CONTRACT §9.1, §16): no `versie`, no event of their own.
    meldcode_case_open: bool = False
    held_until: date | None = None  # the legal hold of its closed cases
    pending_events: list[DomainEvent] = field(default_factory=list, repr=False)

    @property
    def active(self) -> bool:
        return self.state in ACTIVE

    @property
    def max_end_date(self) -> date:
        return self.child.twenty_four_month_date()

    def age_in_months(self, today: date) -> int:
        return age_in_months(self.child.birth_date, today)

    def legal_hold(self, today: date) -> bool:
        """`juridischeBewaring`: an open Meldcode case, or a closed one's retention."""
        return self.meldcode_case_open or (self.held_until is not None and today <= self.held_until)

    @property
    def feedback(self) -> FeedbackStatus:
        return feedback_status(self.state, started=self.start_date is not None)
