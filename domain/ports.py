"""Ports: what the use cases need from the outside world, as Protocols."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from types import TracebackType
from typing import Any, Protocol

from domain.model.audit import AuditEntry
from domain.model.history import TransitionRecord
from domain.model.meldcode import MeldcodeCase, Signal, Step
from domain.model.referral import Referral
from domain.model.subscription import Delivery, DeliveryStatus, Subscription
from domain.model.trajectory import Trajectory
from domain.model.visit import Visit
from domain.model.volunteer import Supervision, Volunteer
from domain.policy import Actor
from domain.views import StoredEvent, TrajectoryFilter
from domain.views.lifecycle import VisitFilter
from domain.views.meldcode import CaseFilter
from domain.views.volunteers import VolunteerFilter


class Clock(Protocol):
    def now(self) -> datetime: ...


class IdGenerator(Protocol):
    def new(self) -> str: ...


@dataclass(frozen=True, slots=True)
class StoredResponse:
    """An outcome kept under an Idempotency-Key, replayed as it was; opaque to the domain."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class IdempotencyClaim:
    """The scope (hash of sub, org, method and path or field, and the key) and the fingerprint."""

    scope: str
    fingerprint: str


class KeyTaken(Exception):
    """Raised by `commit()`: the business key or the Idempotency-Key of a staged referral is
    already stored (perhaps by a request still in flight). Nothing of the transaction is kept."""


class ReferralRepository(Protocol):
    def add(self, referral: Referral, trajectory: Trajectory) -> None:
        """Stages both for the commit, which raises `KeyTaken` when the business key exists."""
        ...

    async def get(self, referral_id: str) -> tuple[Referral, Trajectory] | None: ...

    async def by_business_key(
        self, scheme: str, value: str, reference: str
    ) -> tuple[Referral, Trajectory] | None: ...

    async def by_reference(
        self, reference: str, *, referrer_org: str | None, host_org: str | None, limit: int
    ) -> Sequence[tuple[Referral, Trajectory]]: ...


class TrajectoryRepository(Protocol):
    async def get(self, trajectory_id: str) -> Trajectory | None: ...

    async def many(self, ids: Sequence[str]) -> Sequence[Trajectory]:
        """The trajectories among `ids` that exist, in no particular order."""
        ...

    async def page(
        self, selection: TrajectoryFilter, *, after: tuple[datetime, str] | None, limit: int
    ) -> Sequence[Trajectory]: ...

    async def get_with_newest_visit(
        self, trajectory_id: str, *, on: date
    ) -> tuple[Trajectory, date | None] | None:
        """`get`, and the date of its newest counted visit on or before `on`, in one read."""
        ...

    async def at_age_limit(self, on: date, *, limit: int) -> Sequence[tuple[str, str]]:
        """(id, organisation) of trajectories in kennismaking, uitvoering or a pause other
        than `meldcode` whose child is 24 months old on `on` or earlier."""
        ...


class StaleVersion(Exception):
    """Raised by `commit()`: a changed trajectory or volunteer was changed by another
    transaction since it was read. Nothing of the transaction is kept."""


class VolunteerRepository(Protocol):
    def add(self, volunteer: Volunteer) -> None: ...

    async def get(self, volunteer_id: str) -> Volunteer | None:
        """Loaded for change: `commit()` writes it back when its `versie` moved."""
        ...

    async def many(self, ids: Sequence[str]) -> Sequence[Volunteer]: ...

    async def page(
        self, selection: VolunteerFilter, *, after: tuple[datetime, str] | None, limit: int
    ) -> Sequence[Volunteer]: ...

    async def available(self, organisation: str) -> Sequence[Volunteer]:
        """Actief volunteers of the organisation with free capacity (matching)."""
        ...


class TransitionLog(Protocol):
    def add(self, record: TransitionRecord) -> None: ...

    async def get(self, trajectory_id: str, record_id: str) -> TransitionRecord | None: ...

    async def page(
        self, trajectory_id: str, *, after: tuple[datetime, str] | None, limit: int
    ) -> Sequence[TransitionRecord]:
        """Newest first (`tijdstip` desc, then id)."""
        ...

    async def for_trajectories(self, trajectory_ids: Sequence[str]) -> Sequence[TransitionRecord]:
        """Every record of these trajectories in one read (GraphQL batches), newest first
        (`tijdstip` desc, then id) within each trajectory."""
        ...


class VisitRepository(Protocol):
    def add(self, visit: Visit) -> None: ...

    def replace(self, old: Visit, *, by: str) -> None:
        """Marks `old` replaced at commit; a record replaced meanwhile is `StaleVersion`."""
        ...

    async def get(self, trajectory_id: str, visit_id: str) -> Visit | None: ...

    async def page(
        self, selection: VisitFilter, *, after: tuple[str, str, str] | None, limit: int
    ) -> Sequence[Visit]:
        """By `datum` desc, then `vastgelegdOp` desc, then id (CONTRACT §5.4)."""
        ...

    async def current_for_trajectories(
        self, trajectory_ids: Sequence[str], *, volunteer_id: str | None, limit_each: int
    ) -> Sequence[Visit]:
        """The records not replaced of these trajectories in one read (GraphQL batches): per
        trajectory the `limit_each` newest by `datum`, `vastgelegdOp`, id (desc, in that
        order); with `volunteer_id` only hers."""
        ...


class SupervisionRepository(Protocol):
    def add(self, supervision: Supervision) -> None: ...

    async def get(self, volunteer_id: str, supervision_id: str) -> Supervision | None: ...

    async def page(
        self,
        volunteer_id: str,
        *,
        kind: str | None,
        after: tuple[str, str] | None,
        limit: int,
    ) -> Sequence[Supervision]:
        """By `datum` desc, then id."""
        ...

    async def training_sessions(self, volunteer_id: str) -> frozenset[int]: ...


class MeldcodeRepository(Protocol):
    """Meldcode cases with their signals and steps (CONTRACT §12): cases are loaded for
    change and written back guarded by their version; signals and steps are only added."""

    def add(self, case: MeldcodeCase) -> None:
        """A new case; a second case not `afgesloten` for one trajectory is `StaleVersion`
        at commit (R22), so the use case re-reads and joins the one stored first."""
        ...

    async def get(self, case_id: str) -> MeldcodeCase | None: ...

    async def open_for(self, trajectory_id: str) -> MeldcodeCase | None:
        """The trajectory's case that is not `afgesloten`, loaded for change."""
        ...

    async def page(
        self, selection: CaseFilter, *, after: tuple[datetime, str] | None, limit: int
    ) -> Sequence[MeldcodeCase]:
        """Newest first (`geopendOp` desc, then id)."""
        ...

    def add_signal(self, signal: Signal) -> None: ...

    async def signal(self, signal_id: str) -> tuple[Signal, MeldcodeCase] | None: ...

    async def signals(self, case_id: str) -> Sequence[Signal]:
        """Oldest first."""
        ...

    def add_step(self, step: Step) -> None: ...

    async def step(self, case_id: str, step_id: str) -> Step | None: ...

    async def steps(self, case_id: str, *, after: int, limit: int) -> Sequence[Step]:
        """By `volgnummer` ascending, those above `after`."""
        ...

    def mark_trajectory(
        self, trajectory_id: str, *, open_case: bool, held_until: date | None
    ) -> None:
        """The trajectory's derived `meldcodeCasusOpen` and legal hold: written with the
        commit, without raising the trajectory's `versie` (§5.1)."""
        ...


class SubscriptionRepository(Protocol):
    """Webhook subscriptions (CONTRACT §13.3); a deleted one is gone for every reader."""

    def add(self, subscription: Subscription) -> None: ...

    async def get(self, subscription_id: str) -> Subscription | None:
        """Loaded for change: written back with the commit when its `versie` moved."""
        ...

    async def page(
        self, organisation: str, *, after: tuple[datetime, str] | None, limit: int
    ) -> Sequence[Subscription]:
        """Newest first (`aangemaaktOp` desc, then id)."""
        ...

    def delete(self, subscription: Subscription, *, at: datetime) -> None:
        """Removes it for every reader and cancels its pending deliveries, with the commit."""
        ...


class DeliveryRepository(Protocol):
    async def get(self, subscription_id: str, delivery_id: str) -> Delivery | None:
        """Loaded for change: written back with the commit."""
        ...

    async def page(
        self,
        subscription_id: str,
        *,
        statuses: frozenset[DeliveryStatus],
        after: tuple[datetime, str] | None,
        limit: int,
    ) -> Sequence[Delivery]:
        """Newest first (`aangemaaktOp` desc, then id)."""
        ...


class HostResolver(Protocol):
    async def addresses(self, host: str, port: int) -> list[str]:
        """Every address the host resolves to now; empty when it does not resolve."""
        ...


class EventFeed(Protocol):
    async def after(
        self,
        volgnummer: int,
        *,
        organisation: str,
        audiences: frozenset[str],
        types: frozenset[str],
        municipalities: frozenset[str] | None,
        limit: int,
    ) -> Sequence[StoredEvent]: ...

    async def last_purged(self) -> int: ...


class IdempotencyStore(Protocol):
    async def claim(self, claim: IdempotencyClaim) -> tuple[str, StoredResponse] | None:
        """Locks the key for this transaction; returns (fingerprint, response) when stored.

        Raises RequestInProgress when another transaction holds the key right now. An
        expired record counts as absent.
        """
        ...

    def remember(self, claim: IdempotencyClaim, response: StoredResponse) -> None:
        """Stores the outcome with the commit; a live record under the scope is `KeyTaken`,
        an expired one is replaced."""
        ...


class AuditLog(Protocol):
    def record(self, entry: AuditEntry) -> None: ...


class UnitOfWork(Protocol):
    # Read-only members, so an implementation may hold its concrete repositories.
    @property
    def referrals(self) -> ReferralRepository: ...

    @property
    def trajectories(self) -> TrajectoryRepository: ...

    @property
    def volunteers(self) -> VolunteerRepository: ...

    @property
    def transitions(self) -> TransitionLog: ...

    @property
    def visits(self) -> VisitRepository: ...

    @property
    def supervisions(self) -> SupervisionRepository: ...

    @property
    def meldcode(self) -> MeldcodeRepository: ...

    @property
    def subscriptions(self) -> SubscriptionRepository: ...

    @property
    def deliveries(self) -> DeliveryRepository: ...

    @property
    def events(self) -> EventFeed: ...

    @property
    def idempotency(self) -> IdempotencyStore: ...

    @property
    def audit(self) -> AuditLog: ...

    async def __aenter__(self) -> UnitOfWork: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...


@dataclass(frozen=True, slots=True)
class AccessContext:
    """Who acts and through which request: what every audit line and event records."""

    actor: Actor
    request_id: str | None = None
    trace_id: str | None = None
    traceparent: str | None = None
    network_address: str | None = None
    emergency_reason: str | None = None
