"""The pull feed of events (CloudEvents from the outbox), filtered per token."""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import RuleViolation
from domain.events import Audience
from domain.policy import Actor, Role, Scope, require
from domain.ports import UnitOfWork
from domain.views import StoredEvent

HOST_READERS = frozenset(
    {Role.COORDINATOR, Role.SAFEGUARDING_ADVISER, Role.ACCOUNTABLE_OFFICER, Role.ADMINISTRATOR}
)


@dataclass(frozen=True, slots=True)
class FeedPage:
    events: list[StoredEvent]
    last_purged: int
    full: bool  # as many as asked: there may be more after the last


def audiences(actor: Actor) -> frozenset[str]:
    """The event audiences a token may read (CONTRACT §13.1, 'Delivered to')."""
    seen: set[str] = set()
    if actor.role in HOST_READERS:
        seen.add(Audience.HOST)
        if actor.unmasks_meldcode and actor.role is not Role.ADMINISTRATOR:
            seen.add(Audience.MELDCODE)
    if actor.role is Role.REFERRER:
        seen.add(Audience.REFERRER)
    if actor.role is Role.PRIVACY_OFFICER and actor.has(Scope.AUDIT_READ):
        seen.add(Audience.PRIVACY)
    return frozenset(seen)


async def feed(
    *, after: int, limit: int, types: frozenset[str], uow: UnitOfWork, actor: Actor
) -> FeedPage:
    """Events with a higher volgnummer than `after`, ascending; no personal data inside."""
    require(actor, Scope.EVENTS_READ)
    if after < 0:
        raise RuleViolation.of("na", "ongeldige-waarde", "na is 0 of groter.")
    if not 1 <= limit <= 200:
        raise RuleViolation.of("limit", "ongeldige-waarde", "limit ligt tussen 1 en 200.")
    async with uow:
        found = await uow.events.after(
            after,
            organisation=actor.organisation,
            audiences=audiences(actor),
            types=types,
            municipalities=actor.municipalities,
            limit=limit,
        )
        purged = await uow.events.last_purged()
        await uow.commit()  # reading seals what committed before (adapters.db.sealer)
    return FeedPage(list(found), purged, full=len(found) == limit)
