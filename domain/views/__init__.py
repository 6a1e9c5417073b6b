"""What use cases return: views shaped by the policy, rendered by both doors."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final, Generic, TypeVar

from domain.model.referral import Consent, Referral
from domain.model.trajectory import (
    FeedbackStatus,
    Trajectory,
    TrajectoryState,
    VisitCounts,
    mask_reason,
)
from domain.policy import Actor, Role
from domain.views.expansion import Expansion

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: Sequence[T]
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class TrajectoryFilter:
    """What a list may select; tenancy fields are set by the use case, never by the client."""

    organisation: str
    states: frozenset[TrajectoryState] = frozenset()
    phases: frozenset[TrajectoryState] = frozenset()
    municipality: str | None = None
    municipalities: frozenset[str] | None = None
    volunteer_id: str | None = None
    active_only: bool = False

    def fingerprint(self) -> str:
        """Binds a cursor to its filters (CONTRACT §5.4)."""
        states = ",".join(sorted(self.states)) + "/" + ",".join(sorted(self.phases))
        scope = ",".join(sorted(self.municipalities or ()))
        return f"{self.organisation}|{states}|{self.municipality}|{scope}|{self.volunteer_id}"


@dataclass(frozen=True, slots=True)
class StoredEvent:
    id: str
    volgnummer: int
    type: str
    source_organisation: str
    subject: str
    time: datetime
    dataref: str
    traceparent: str | None
    data: dict[str, Any]


def referrer_feedback(trajectory: Trajectory) -> tuple[FeedbackStatus | None, str | None]:
    """The referrer's status and masked reason (CONTRACT §8.3): both null without the
    mother's feedback consent as it stands now (a PATCH may have narrowed it, §9.3)."""
    if not trajectory.consent.allows_feedback:
        return None, None
    status = trajectory.feedback
    ending = status in (FeedbackStatus.FINISHED, FeedbackStatus.NOT_STARTED)
    reason = trajectory.outcome or trajectory.reason if ending else None
    return status, mask_reason(reason, unmasked=False)


@dataclass(frozen=True, slots=True)
class ReferralStatusView:
    """`VerwijzingStatus`: all a referrer ever sees (CONTRACT §8.3)."""

    id: str
    reference: str | None
    received_at: datetime
    feedback_allowed: bool
    status: FeedbackStatus | None
    reason: str | None
    status_changed_on: date
    trajectory_id: str | None  # host roles only

    @classmethod
    def of(cls, referral: Referral, trajectory: Trajectory, actor: Actor) -> ReferralStatusView:
        status, reason = referrer_feedback(trajectory)
        return cls(
            id=referral.id,
            reference=referral.referrer.reference,
            received_at=referral.received_at,
            feedback_allowed=trajectory.consent.allows_feedback,
            status=status,
            reason=reason,
            status_changed_on=trajectory.feedback_changed_on,
            trajectory_id=trajectory.id if actor.is_host else None,
        )


# Fields a role may not see (CONTRACT §9.2), by their published names.
VOLUNTEER_HIDDEN: Final = frozenset(
    {
        "wijkcode",
        "verwijzingId",
        "verwijzerType",
        "moeder.achternaam",
        "kind.roepnaam",
        "aanmelding",
        "toestemming",
        "meldcodeCasusOpen",
        "juridischeBewaring",
    }
)
MELDCODE_ONLY: Final = frozenset({"meldcodeCasusOpen", "juridischeBewaring"})


def hidden_trajectory_fields(actor: Actor) -> frozenset[str]:
    if actor.role is Role.VOLUNTEER:
        return VOLUNTEER_HIDDEN
    return frozenset() if actor.unmasks_meldcode else MELDCODE_ONLY


@dataclass(frozen=True, slots=True)
class TrajectoryView:
    id: str
    version: int
    state: TrajectoryState
    phase: TrajectoryState | None
    organisation: str
    municipality: str
    wijkcode: str | None
    referral_id: str
    referrer_type: str
    mother_first_name: str | None = field(repr=False)
    mother_surname: str | None = field(repr=False)
    child_first_name: str | None = field(repr=False)
    child_birth_date: date | None = field(repr=False)
    child_first_child: bool
    child_age_months: int | None
    reasons: tuple[str, ...]
    explanation: str | None = field(repr=False)
    consent: Consent = field(repr=False)
    volunteer_id: str | None
    intake_date: date | None
    start_date: date | None
    planned_end_date: date | None
    max_end_date: date | None
    visit_counts: VisitCounts
    reason: str | None
    review_date: date | None
    outcome: str | None
    closed_date: date | None
    meldcode_case_open: bool
    legal_hold: bool
    anonymised_at: datetime | None
    created_at: datetime
    updated_at: datetime
    hidden: frozenset[str]
    expansion: Expansion | None = None

    @classmethod
    def of(
        cls, t: Trajectory, actor: Actor, *, today: date, expansion: Expansion | None = None
    ) -> TrajectoryView:
        unmasked = actor.unmasks_meldcode and actor.role is not Role.VOLUNTEER
        anonymised = t.anonymised_at is not None
        return cls(
            id=t.id,
            version=t.version,
            state=t.state,
            phase=t.phase,
            organisation=t.organisation,
            municipality=t.municipality,
            wijkcode=t.wijkcode,
            referral_id=t.referral_id,
            referrer_type=t.referrer_type,
            mother_first_name=None if anonymised else t.mother.first_name,
            mother_surname=None if anonymised else t.mother.surname,
            child_first_name=None if anonymised else t.child.first_name,
            child_birth_date=None if anonymised else t.child.birth_date,
            child_first_child=t.child.first_child,
            child_age_months=None if anonymised else t.age_in_months(today),
            reasons=tuple(r.value for r in t.registration.reasons),
            explanation=None if anonymised else t.registration.explanation,
            consent=t.consent,
            volunteer_id=t.volunteer_id,
            intake_date=t.intake_date,
            start_date=t.start_date,
            planned_end_date=t.planned_end_date,
            max_end_date=None if anonymised else t.max_end_date,
            visit_counts=t.visit_counts,
            reason=mask_reason(t.reason, unmasked=unmasked),
            review_date=t.review_date,
            outcome=mask_reason(t.outcome, unmasked=unmasked),
            closed_date=t.closed_date,
            meldcode_case_open=t.meldcode_case_open,
            legal_hold=t.legal_hold(today),
            anonymised_at=t.anonymised_at,
            created_at=t.created_at,
            updated_at=t.updated_at,
            hidden=hidden_trajectory_fields(actor),
            expansion=expansion,
        )
