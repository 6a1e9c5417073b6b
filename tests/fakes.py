"""Fakes at the ports (STYLE §8) and the domain objects the use-case tests feed them.

`FakeUnitOfWork` behaves like `SqlUnitOfWork` wherever a use case could tell the difference:
the business key (organisatieId, referentie) is unique, writes are visible inside their own
transaction, and rows, outbox events, audit entries and idempotency outcomes become durable
only on `commit()`; leaving `async with` without it (or with an exception) keeps nothing.
"""

from __future__ import annotations

import copy
import hashlib
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from types import TracebackType
from typing import Final

from domain.errors import RequestInProgress
from domain.events import Audience, DomainEvent
from domain.model.audit import AuditEntry
from domain.model.history import TransitionRecord
from domain.model.meldcode import MeldcodeCase, Signal, Step
from domain.model.organisations import HostOrganisation, OrganisationDirectory
from domain.model.referral import (
    Address,
    Child,
    Consent,
    ConsentMethod,
    ConsentScope,
    Mother,
    OrganisationId,
    OrganisationIdScheme,
    Referral,
    Referrer,
    ReferrerType,
    RegisterReferral,
    Registration,
    RegistrationReason,
)
from domain.model.trajectory import ACTIVE, PHASES, Trajectory, TrajectoryState
from domain.model.visit import Visit
from domain.model.volunteer import Supervision, Volunteer
from domain.policy import ROLE_MAXIMUM_SCOPES, Actor, Role, Scope
from domain.ports import IdempotencyClaim, KeyTaken, StoredResponse, UnitOfWork
from domain.views import StoredEvent, TrajectoryFilter
from domain.views.lifecycle import VisitFilter
from domain.views.volunteers import VolunteerFilter
from tests.fake_meldcode import FakeMeldcodeRepository
from tests.fake_subscriptions import FakeDeliveryRepository, FakeSubscriptionRepository

# ---------------------------------------------------------------------------------------
# Clock and ids
# ---------------------------------------------------------------------------------------


class FakeClock:
    """A clock that stands still until a test sets or advances it."""

    def __init__(self, now: datetime) -> None:
        self._now = _aware(now)

    def now(self) -> datetime:
        return self._now

    def set(self, now: datetime) -> None:
        self._now = _aware(now)

    def advance(self, by: timedelta) -> datetime:
        self._now += by
        return self._now


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("a clock tells aware time")
    return moment


class FakeIds:
    """UUIDv4-shaped ids counted up from 1 (`00000000-0000-4000-8000-000000000001`, ...).

    Different `series` never collide; within a series later ids sort after earlier ones.
    """

    def __init__(self, *, series: int = 0) -> None:
        self._series, self._count = series, 0
        self.issued: list[str] = []

    def new(self) -> str:
        self._count += 1
        value = str(uuid.UUID(int=(self._series << 80) | self._count, version=4))
        self.issued.append(value)
        return value


# ---------------------------------------------------------------------------------------
# The unit of work
# ---------------------------------------------------------------------------------------


@dataclass
class _Rows:
    """Everything the repositories hold; one copy is committed, one is the transaction's."""

    referrals: dict[str, Referral] = field(default_factory=dict)
    trajectories: dict[str, Trajectory] = field(default_factory=dict)
    volunteers: dict[str, Volunteer] = field(default_factory=dict)
    transitions: dict[str, TransitionRecord] = field(default_factory=dict)
    visits: dict[str, Visit] = field(default_factory=dict)
    supervisions: dict[str, Supervision] = field(default_factory=dict)
    cases: dict[str, MeldcodeCase] = field(default_factory=dict)
    signals: dict[str, Signal] = field(default_factory=dict)
    steps: dict[str, Step] = field(default_factory=dict)


class _Session:
    def __init__(self) -> None:
        self.committed = _Rows()
        self.work: _Rows | None = None
        self.tracked: list[Trajectory] = []  # added or loaded: commit turns their events into rows
        self.cases: list[MeldcodeCase] = []  # likewise
        self.key_taken = False  # a staged referral met an existing business key

    def rows(self) -> _Rows:
        if self.work is None:
            raise RuntimeError("unit of work used outside `async with`")
        return self.work


class FakeReferralRepository:
    def __init__(self, session: _Session) -> None:
        self._session = session

    def add(self, referral: Referral, trajectory: Trajectory) -> None:
        rows = self._session.rows()
        key = _business_key(referral)
        if any(_business_key(r) == key for r in rows.referrals.values()):
            self._session.key_taken = True  # the commit refuses, like the SQL store
            return
        rows.referrals[referral.id] = referral
        rows.trajectories[trajectory.id] = trajectory
        self._session.tracked.append(trajectory)

    async def get(self, referral_id: str) -> tuple[Referral, Trajectory] | None:
        rows = self._session.rows()
        referral = rows.referrals.get(referral_id)
        return None if referral is None else (referral, _trajectory_of(rows, referral))

    async def by_business_key(
        self, scheme: str, value: str, reference: str
    ) -> tuple[Referral, Trajectory] | None:
        rows = self._session.rows()
        for referral in rows.referrals.values():
            if _business_key(referral) == (scheme, value, reference):
                return referral, _trajectory_of(rows, referral)
        return None

    async def by_reference(
        self, reference: str, *, referrer_org: str | None, host_org: str | None, limit: int
    ) -> Sequence[tuple[Referral, Trajectory]]:
        rows = self._session.rows()
        found = [
            r
            for r in rows.referrals.values()
            if r.referrer.reference == reference
            and (referrer_org is None or r.referrer.organisation_id.code == referrer_org)
            and (host_org is None or r.host_organisation == host_org)
        ]
        found.sort(key=lambda r: (r.received_at, r.id), reverse=True)
        return [(r, _trajectory_of(rows, r)) for r in found[:limit]]


def _business_key(referral: Referral) -> tuple[str, str, str]:
    organisation = referral.referrer.organisation_id
    return organisation.scheme.value, organisation.value, referral.referrer.reference


def _trajectory_of(rows: _Rows, referral: Referral) -> Trajectory:
    for trajectory in rows.trajectories.values():
        if trajectory.referral_id == referral.id:
            return trajectory
    raise LookupError("a referral is always stored with its trajectory")


class FakeVolunteerRepository:
    def __init__(self, session: _Session) -> None:
        self._session = session

    def add(self, volunteer: Volunteer) -> None:
        self._session.rows().volunteers[volunteer.id] = volunteer

    async def get(self, volunteer_id: str) -> Volunteer | None:
        return self._session.rows().volunteers.get(volunteer_id)

    async def many(self, ids: Sequence[str]) -> Sequence[Volunteer]:
        rows = self._session.rows().volunteers
        return [rows[i] for i in dict.fromkeys(ids) if i in rows]

    async def page(
        self, selection: VolunteerFilter, *, after: tuple[datetime, str] | None, limit: int
    ) -> Sequence[Volunteer]:
        found = [
            v
            for v in self._session.rows().volunteers.values()
            if v.organisation == selection.organisation
            and (not selection.statuses or v.status in selection.statuses)
            and (selection.municipality is None or v.municipality == selection.municipality)
            and (after is None or (v.created_at, v.id) < after)
        ]
        found.sort(key=lambda v: (v.created_at, v.id), reverse=True)
        return found[:limit]

    async def available(self, organisation: str) -> Sequence[Volunteer]:
        rows = self._session.rows().volunteers.values()
        return [v for v in rows if v.organisation == organisation and v.is_available]


class FakeTransitionLog:
    def __init__(self, session: _Session) -> None:
        self._session = session

    def add(self, record: TransitionRecord) -> None:
        self._session.rows().transitions[record.id] = record

    async def get(self, trajectory_id: str, record_id: str) -> TransitionRecord | None:
        found = self._session.rows().transitions.get(record_id)
        return found if found is not None and found.trajectory_id == trajectory_id else None

    async def page(
        self, trajectory_id: str, *, after: tuple[datetime, str] | None, limit: int
    ) -> Sequence[TransitionRecord]:
        found = [
            r
            for r in self._session.rows().transitions.values()
            if r.trajectory_id == trajectory_id and (after is None or (r.at, r.id) < after)
        ]
        found.sort(key=lambda r: (r.at, r.id), reverse=True)
        return found[:limit]

    async def for_trajectories(self, trajectory_ids: Sequence[str]) -> Sequence[TransitionRecord]:
        wanted = set(trajectory_ids)
        found = [r for r in self._session.rows().transitions.values() if r.trajectory_id in wanted]
        found.sort(key=lambda r: (r.at, r.id), reverse=True)
        return found


class FakeVisitRepository:
    def __init__(self, session: _Session) -> None:
        self._session = session

    def add(self, visit: Visit) -> None:
        self._session.rows().visits[visit.id] = visit

    def replace(self, old: Visit, *, by: str) -> None:
        old.replaced_by = by
        self._session.rows().visits[old.id] = old

    async def get(self, trajectory_id: str, visit_id: str) -> Visit | None:
        found = self._session.rows().visits.get(visit_id)
        return found if found is not None and found.trajectory_id == trajectory_id else None

    async def page(
        self, selection: VisitFilter, *, after: tuple[str, str, str] | None, limit: int
    ) -> Sequence[Visit]:
        def key(v: Visit) -> tuple[str, str, str]:
            return (v.details.on.isoformat(), v.recorded_at.isoformat(), v.id)

        found = [
            v
            for v in self._session.rows().visits.values()
            if v.trajectory_id == selection.trajectory_id
            and (selection.volunteer_id is None or v.volunteer_id == selection.volunteer_id)
            and (selection.include_replaced or v.replaced_by is None)
            and (after is None or key(v) < after)
        ]
        found.sort(key=key, reverse=True)
        return found[:limit]

    async def current_for_trajectories(
        self, trajectory_ids: Sequence[str], *, volunteer_id: str | None, limit_each: int
    ) -> Sequence[Visit]:
        def key(v: Visit) -> tuple[str, str, str]:
            return (v.details.on.isoformat(), v.recorded_at.isoformat(), v.id)

        wanted = set(trajectory_ids)
        found = [
            v
            for v in self._session.rows().visits.values()
            if v.trajectory_id in wanted
            and v.replaced_by is None
            and (volunteer_id is None or v.volunteer_id == volunteer_id)
        ]
        found.sort(key=key, reverse=True)
        kept: list[Visit] = []
        for trajectory_id in dict.fromkeys(v.trajectory_id for v in found):
            kept += [v for v in found if v.trajectory_id == trajectory_id][:limit_each]
        return kept


class FakeSupervisionRepository:
    def __init__(self, session: _Session) -> None:
        self._session = session

    def add(self, supervision: Supervision) -> None:
        self._session.rows().supervisions[supervision.id] = supervision

    async def get(self, volunteer_id: str, supervision_id: str) -> Supervision | None:
        found = self._session.rows().supervisions.get(supervision_id)
        return found if found is not None and found.volunteer_id == volunteer_id else None

    async def page(
        self, volunteer_id: str, *, kind: str | None, after: tuple[str, str] | None, limit: int
    ) -> Sequence[Supervision]:
        found = [
            s
            for s in self._session.rows().supervisions.values()
            if s.volunteer_id == volunteer_id
            and (kind is None or s.kind.value == kind)
            and (after is None or (s.on.isoformat(), s.id) < after)
        ]
        found.sort(key=lambda s: (s.on.isoformat(), s.id), reverse=True)
        return found[:limit]

    async def training_sessions(self, volunteer_id: str) -> frozenset[int]:
        return frozenset(
            s.training_session
            for s in self._session.rows().supervisions.values()
            if s.volunteer_id == volunteer_id and s.training_session is not None
        )


class FakeTrajectoryRepository:
    def __init__(self, session: _Session) -> None:
        self._session = session

    async def get(self, trajectory_id: str) -> Trajectory | None:
        found = self._session.rows().trajectories.get(trajectory_id)
        if found is not None:
            self._session.tracked.append(found)
        return found

    async def many(self, ids: Sequence[str]) -> Sequence[Trajectory]:
        rows = self._session.rows()
        return [rows.trajectories[i] for i in dict.fromkeys(ids) if i in rows.trajectories]

    async def page(
        self, selection: TrajectoryFilter, *, after: tuple[datetime, str] | None, limit: int
    ) -> Sequence[Trajectory]:
        found = [t for t in self._session.rows().trajectories.values() if _selected(t, selection)]
        if after is not None:
            found = [t for t in found if (t.created_at, t.id) < after]
        found.sort(key=lambda t: (t.created_at, t.id), reverse=True)
        return found[:limit]

    async def get_with_newest_visit(
        self, trajectory_id: str, *, on: date
    ) -> tuple[Trajectory, date | None] | None:
        trajectory = await self.get(trajectory_id)
        if trajectory is None:
            return None
        days = [
            v.details.on
            for v in self._session.rows().visits.values()
            if v.trajectory_id == trajectory_id and v.counted and v.details.on <= on
        ]
        return trajectory, max(days, default=None)

    async def at_age_limit(self, on: date, *, limit: int) -> Sequence[tuple[str, str]]:
        states = {TrajectoryState.INTRODUCTION, TrajectoryState.EXECUTION, TrajectoryState.PAUSED}
        found = sorted(
            (t.max_end_date, t.id, t.organisation)
            for t in self._session.rows().trajectories.values()
            if t.state in states and t.max_end_date <= on and t.reason != "meldcode"
        )
        return [(key, organisation) for _, key, organisation in found[:limit]]


def _selected(t: Trajectory, s: TrajectoryFilter) -> bool:
    return (
        t.organisation == s.organisation
        and (not s.states or t.state in s.states)
        and (not s.phases or t.phase in s.phases)
        and (s.municipality is None or t.municipality == s.municipality)
        and (s.municipalities is None or t.municipality in s.municipalities)
        and (s.volunteer_id is None or t.volunteer_id == s.volunteer_id)
        and (not s.active_only or t.state in ACTIVE)
    )


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """A committed event as the outbox holds it: the event, its number and its address."""

    event: DomainEvent
    stored: StoredEvent


class FakeEventFeed:
    """The outbox and the feed over it: `rows` holds committed events only."""

    def __init__(self) -> None:
        self.rows: list[OutboxRow] = []
        self.purged_up_to = 0

    @property
    def published(self) -> list[DomainEvent]:
        return [row.event for row in self.rows]

    def append(self, event: DomainEvent, *, event_id: str, at: datetime) -> OutboxRow:
        number = self.rows[-1].stored.volgnummer + 1 if self.rows else 1
        stored = StoredEvent(
            id=event_id,
            volgnummer=number,
            type=event.type,
            source_organisation=event.organisation,
            subject=event.subject,
            time=at,
            dataref=event.dataref(),
            traceparent=None,
            data=event.data(),
        )
        row = OutboxRow(event, stored)
        self.rows.append(row)
        return row

    async def after(
        self,
        volgnummer: int,
        *,
        organisation: str,
        audiences: frozenset[str],
        types: frozenset[str],
        municipalities: frozenset[str] | None,
        limit: int,
    ) -> Sequence[StoredEvent]:
        found = [
            row.stored
            for row in self.rows
            if row.stored.volgnummer > volgnummer
            and _addressed(row.event, organisation, audiences, municipalities)
            and (not types or row.event.type in types)
        ]
        return found[:limit]

    async def last_purged(self) -> int:
        return self.purged_up_to


def _addressed(
    event: DomainEvent,
    organisation: str,
    audiences: frozenset[str],
    municipalities: frozenset[str] | None,
) -> bool:
    if event.audience is Audience.REFERRER:
        return Audience.REFERRER in audiences and event.recipient == organisation
    return (
        event.audience in audiences
        and event.organisation == organisation
        and (municipalities is None or event.municipality in municipalities)
    )


class FakeIdempotencyStore:
    """Outcomes by claim scope. A scope in `in_flight` is held by another transaction."""

    def __init__(self) -> None:
        self.records: dict[str, tuple[str, StoredResponse]] = {}
        self.pending: list[tuple[IdempotencyClaim, StoredResponse]] = []
        self.in_flight: set[str] = set()

    async def claim(self, claim: IdempotencyClaim) -> tuple[str, StoredResponse] | None:
        if claim.scope in self.in_flight:
            raise RequestInProgress("Een verzoek met deze Idempotency-Key loopt nog.")
        return self.records.get(claim.scope)

    def remember(self, claim: IdempotencyClaim, response: StoredResponse) -> None:
        self.pending.append((claim, response))

    def taken(self) -> bool:
        """A live record under a pending scope (no expiry here): the commit refuses."""
        return any(
            claim.scope in self.records or claim.scope in self.in_flight
            for claim, _ in self.pending
        )

    def flush(self) -> None:
        for claim, response in self.pending:
            self.records[claim.scope] = (claim.fingerprint, response)
        self.pending.clear()


class FakeAuditLog:
    """`entries` holds committed entries only; `pending` those of the open transaction."""

    def __init__(self) -> None:
        self.entries: list[AuditEntry] = []
        self.pending: list[AuditEntry] = []

    def record(self, entry: AuditEntry) -> None:
        self.pending.append(entry)


class FakeUnitOfWork:
    """An in-memory database with one transaction per `async with`."""

    def __init__(self, *, clock: FakeClock | None = None, ids: FakeIds | None = None) -> None:
        self._session = _Session()
        self._clock = clock or FakeClock(T0)
        self._ids = ids or FakeIds(series=0xE7)  # event ids, apart from the use case's ids
        self.referrals = FakeReferralRepository(self._session)
        self.trajectories = FakeTrajectoryRepository(self._session)
        self.volunteers = FakeVolunteerRepository(self._session)
        self.transitions = FakeTransitionLog(self._session)
        self.visits = FakeVisitRepository(self._session)
        self.supervisions = FakeSupervisionRepository(self._session)
        self.meldcode = FakeMeldcodeRepository(self._session.rows, self._session.cases.append)
        self.subscriptions = FakeSubscriptionRepository()  # not transactional: tests of the
        self.deliveries = FakeDeliveryRepository(self.subscriptions)  # rules, not of rollback
        self.events = FakeEventFeed()  # also the outbox: `events.rows`, `events.published`
        self.idempotency = FakeIdempotencyStore()
        self.audit = FakeAuditLog()
        self.committed = False
        self.commits = 0

    async def __aenter__(self) -> FakeUnitOfWork:
        if self._session.work is not None:
            raise RuntimeError("a unit of work is not re-entrant")
        self._session.work = copy.deepcopy(self._session.committed)
        self._session.tracked = []
        self._session.cases.clear()
        self._session.key_taken = False
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.rollback()
        self._session.work = None

    async def commit(self) -> None:
        rows = self._session.rows()
        if self._session.key_taken or self.idempotency.taken():
            await self.rollback()
            raise KeyTaken("business key or Idempotency-Key already stored")
        queues = [t.pending_events for t in self._session.tracked]
        queues += [v.pending_events for v in rows.volunteers.values()]
        queues += [c.pending_events for c in self._session.cases]
        for queue in {id(q): q for q in queues}.values():
            for event in queue:
                self.events.append(event, event_id=self._ids.new(), at=self._clock.now())
            queue.clear()
        self.audit.entries.extend(self.audit.pending)
        self.audit.pending.clear()
        self.idempotency.flush()
        self._session.committed = copy.deepcopy(rows)
        self.committed = True
        self.commits += 1

    async def rollback(self) -> None:
        """Drops what the open transaction wrote; a no-op right after `commit()`."""
        if self._session.work is not None:
            self._session.work = copy.deepcopy(self._session.committed)
        self._session.tracked = []
        self._session.cases.clear()
        self._session.key_taken = False
        self.audit.pending.clear()
        self.idempotency.pending.clear()

    def seed(self, *items: Referral | Trajectory) -> None:
        """Stores committed rows directly, as if an earlier transaction had written them."""
        for item in items:
            if isinstance(item, Referral):
                self._session.committed.referrals[item.id] = copy.deepcopy(item)
            else:
                stored = copy.deepcopy(item)
                stored.pending_events.clear()
                self._session.committed.trajectories[item.id] = stored

    def seed_events(self, *events: DomainEvent) -> list[StoredEvent]:
        """Committed outbox rows, numbered on from the last."""
        at = self._clock.now()
        return [self.events.append(e, event_id=self._ids.new(), at=at).stored for e in events]

    @property
    def stored_referrals(self) -> list[Referral]:
        return list(self._session.committed.referrals.values())

    @property
    def stored_trajectories(self) -> list[Trajectory]:
        return list(self._session.committed.trajectories.values())


def as_unit_of_work(uow: FakeUnitOfWork) -> UnitOfWork:
    """mypy checks here that the fake satisfies the port."""
    return uow


# ---------------------------------------------------------------------------------------
# Domain test data: plainly fake, built from the arguments given
# ---------------------------------------------------------------------------------------

HOST: Final = "mim-demo"
OTHER_HOST: Final = "mim-andere"
WEST_HOST: Final = "mim-west"
REFERRER_ORG: Final = "ura:01234567"
OTHER_REFERRER_ORG: Final = "oin:00000001001234567000"
UNLINKED_REFERRER_ORG: Final = "kvk:87654321"


def a_directory() -> OrganisationDirectory:
    """The demo configuration (CONTRACT §18.1)."""
    demo = HostOrganisation(
        HOST,
        "MIM Demo",
        frozenset({"GM0363", "GM0344"}),
        frozenset({REFERRER_ORG, OTHER_REFERRER_ORG}),
    )
    other = HostOrganisation(OTHER_HOST, "MIM Andere", frozenset({"GM0599"}), frozenset())
    west = HostOrganisation(WEST_HOST, "MIM West", frozenset({"GM0363"}), frozenset())
    return OrganisationDirectory({h.code: h for h in (demo, other, west)})


def an_actor(
    role: Role,
    *,
    org: str | None = None,
    scopes: Iterable[Scope] | None = None,
    volunteer_id: str | None = None,
    municipalities: Iterable[str] | None = None,
    actor_id: str | None = None,
) -> Actor:
    """A verified caller; scopes default to the role's maximum, `org` to the demo one."""
    default_org = {Role.REFERRER: REFERRER_ORG, Role.MUNICIPALITY: "GM0363"}.get(role, HOST)
    return Actor(
        id=actor_id or f"test-{role.value}",
        role=role,
        organisation=org or default_org,
        scopes=frozenset(ROLE_MAXIMUM_SCOPES[role] if scopes is None else scopes),
        volunteer_id=volunteer_id,
        municipalities=None if municipalities is None else frozenset(municipalities),
    )


def a_consent(
    *,
    given: bool | None = True,
    on: date = date(2026, 11, 20),
    scopes: Iterable[ConsentScope] = (
        ConsentScope.SHARE_WITH_MIM,
        ConsentScope.FEEDBACK_TO_REFERRER,
    ),
) -> Consent:
    return Consent(
        given=given,
        date=on,
        method=ConsentMethod.ORAL,
        recorded_by_role="jeugdverpleegkundige",
        scopes=tuple(scopes),
        information_text_version="2026-1",
    )


def a_mother() -> Mother:
    return Mother(
        first_name="Testmoeder",
        surname="Voorbeeld",
        phone="+31612345678",
        address=Address("Teststraat", 12, "1094 AB", "Amsterdam"),
        languages=("nl",),
    )


def a_register_command(
    *,
    reference: str = "CB-TEST-0001",
    birth_date: date = date(2026, 9, 24),
    first_child: bool = True,
    consent: Consent | None = None,
    no_consent: bool = False,
    referrer_org: str = REFERRER_ORG,
    referrer_type: ReferrerType = ReferrerType.CONSULTATIEBUREAU,
    host: str = HOST,
    municipality: str = "GM0363",
    content_hash: str | None = None,
) -> RegisterReferral:
    """The referral of CONTRACT §20.1; `content_hash` follows from the content unless given."""
    scheme, _, value = referrer_org.partition(":")
    given = None if no_consent else consent or a_consent()
    hashed = f"{referrer_org}|{reference}|{birth_date}|{first_child}|{host}|{municipality}|{given}"
    return RegisterReferral(
        referrer=Referrer(
            type=referrer_type,
            organisation_id=OrganisationId(OrganisationIdScheme(scheme), value),
            name="JGZ Oost",
            reference=reference,
        ),
        mother=a_mother(),
        child=Child(birth_date=birth_date, first_child=first_child),
        registration=Registration(
            host_organisation=host,
            municipality=municipality,
            reasons=(RegistrationReason.UNSURE_PARENTING,),
        ),
        consent=given,
        content_hash=content_hash or hashlib.sha256(hashed.encode()).hexdigest(),
    )


T0: Final = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def a_trajectory(
    *,
    trajectory_id: str,
    referral_id: str | None = None,
    organisation: str = HOST,
    municipality: str = "GM0363",
    state: TrajectoryState = TrajectoryState.REGISTERED,
    volunteer_id: str | None = None,
    created_at: datetime = T0,
    start_date: date | None = None,
    reason: str | None = None,
    outcome: str | None = None,
    consent: Consent | None = None,
    birth_date: date = date(2026, 9, 24),
) -> Trajectory:
    """A trajectory in `state`; `phase` follows the state (a paused one left kennismaking)."""
    phase = state if state in PHASES else None
    if state is TrajectoryState.PAUSED:
        phase = TrajectoryState.INTRODUCTION
    return Trajectory(
        id=trajectory_id,
        referral_id=referral_id or str(uuid.uuid5(uuid.NAMESPACE_URL, trajectory_id)),
        organisation=organisation,
        municipality=municipality,
        referrer_type=ReferrerType.CONSULTATIEBUREAU.value,
        mother=a_mother(),
        child=Child(birth_date=birth_date, first_child=True),
        registration=Registration(organisation, municipality, (RegistrationReason.OTHER,)),
        consent=consent or a_consent(),
        created_at=created_at,
        updated_at=created_at,
        feedback_changed_on=created_at.date(),
        state=state,
        phase=phase,
        volunteer_id=volunteer_id,
        start_date=start_date,
        reason=reason,
        outcome=outcome,
    )


def a_referral(
    *,
    referral_id: str,
    reference: str = "CB-TEST-0001",
    referrer_org: str = REFERRER_ORG,
    host: str = HOST,
    municipality: str = "GM0363",
    feedback_allowed: bool = True,
    received_at: datetime = T0,
) -> Referral:
    scheme, _, value = referrer_org.partition(":")
    return Referral(
        id=referral_id,
        referrer=Referrer(
            type=ReferrerType.CONSULTATIEBUREAU,
            organisation_id=OrganisationId(OrganisationIdScheme(scheme), value),
            name="JGZ Oost",
            reference=reference,
        ),
        received_at=received_at,
        content_hash="0" * 64,
        host_organisation=host,
        municipality=municipality,
        feedback_allowed=feedback_allowed,
    )
