"""Use cases of webhook subscriptions (CONTRACT §13.3): create, list, read, delete, and the
deliveries of one: list them, restart a dead one. A subscription keeps the creating token's
organisation, role and scopes; only a token that could read all its types manages it."""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Final
from urllib.parse import urlsplit

from domain.errors import Forbidden, InvalidState, NotFound, RequestInProgress, RuleViolation
from domain.events import EVENT_AUDIENCES
from domain.model.cursor import decode_cursor, encode_cursor, next_after
from domain.model.subscription import (
    TYPES_MAX,
    AllowList,
    Delivery,
    DeliveryStatus,
    Subscription,
    addresses_refused,
    url_problems,
)
from domain.policy import Actor, Role, Scope, require
from domain.ports import Clock, HostResolver, IdGenerator, KeyTaken, UnitOfWork
from domain.services.events import audiences
from domain.services.once import Once, Replayed, remember, replay_first
from domain.views import Page

MANAGERS: Final = frozenset(
    {
        Role.REFERRER,
        Role.COORDINATOR,
        Role.SAFEGUARDING_ADVISER,
        Role.ACCOUNTABLE_OFFICER,
        Role.PRIVACY_OFFICER,
        Role.ADMINISTRATOR,
    }
)


@dataclass(frozen=True, slots=True)
class NewSubscription:
    url: str
    types: tuple[str, ...]
    description: str | None = None


@dataclass(frozen=True, slots=True)
class UrlGuard:
    """https only (http where allowed), and every resolved address outside the refused ranges
    unless allowlisted; checked at creation and before each attempt."""

    resolver: HostResolver
    allowed: AllowList
    allow_http: bool

    async def refuses(self, url: str) -> bool:
        if url_problems(url, allow_http=self.allow_http):
            return True
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        return addresses_refused(host, await self.resolver.addresses(host, port), self.allowed)


@dataclass(frozen=True, slots=True)
class CreatedSubscription:
    """The only answer that carries the secret."""

    subscription: Subscription


def readable_types(actor: Actor) -> frozenset[str]:
    """The types whose audience includes this token (CONTRACT §13.1, last column)."""
    seen = audiences(actor)
    return frozenset(kind for kind, audience in EVENT_AUDIENCES.items() if audience in seen)


def subscriber(subscription: Subscription) -> Actor:
    """The creating token as the subscription keeps it: what it may receive, now and later."""
    return Actor(
        id=f"abonnement:{subscription.id}",
        role=Role(subscription.role),
        organisation=subscription.organisation,
        scopes=frozenset(Scope(s) for s in subscription.scopes if s in Scope._value2member_map_),
    )


def owns(subscription: Subscription, actor: Actor) -> bool:
    return (
        subscription.organisation == actor.organisation
        and actor.has(Scope.SUBSCRIPTIONS_MANAGE)
        and set(subscription.types) <= readable_types(actor)
    )


def _new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


async def create(
    cmd: NewSubscription,
    *,
    uow: UnitOfWork,
    clock: Clock,
    ids: IdGenerator,
    actor: Actor,
    guard: UrlGuard,
    once: Once[CreatedSubscription] | None = None,
) -> CreatedSubscription | Replayed:
    """400 for an unknown type or a refused URL (its host resolved now), 403 for a type this
    token could not read itself."""
    require(actor, Scope.SUBSCRIPTIONS_MANAGE, roles=MANAGERS)
    unknown = [i for i, kind in enumerate(cmd.types) if kind not in EVENT_AUDIENCES]
    if unknown:
        raise RuleViolation.of(f"typen[{unknown[0]}]", "ongeldige-waarde", "Onbekend type.")
    if not 1 <= len(cmd.types) <= TYPES_MAX or len(set(cmd.types)) != len(cmd.types):
        raise RuleViolation.of("typen", "ongeldige-waarde", "1 tot 25 verschillende typen.")
    problems = url_problems(cmd.url, allow_http=guard.allow_http)
    if problems:
        raise RuleViolation(problems)
    if not set(cmd.types) <= readable_types(actor):
        raise Forbidden("Dit token mag niet alle gevraagde typen ontvangen.")
    if await guard.refuses(cmd.url):
        raise RuleViolation.of("url", "url-niet-toegestaan", "Dit adres is niet toegestaan.")
    async with uow:
        replayed = await replay_first(once, uow)
        if replayed is not None:
            return replayed
        subscription = Subscription(
            id=ids.new(),
            organisation=actor.organisation,
            url=cmd.url,
            types=cmd.types,
            description=cmd.description,
            role=actor.role.value,
            scopes=frozenset(s.value for s in actor.scopes),
            secret=_new_secret(),
            created_at=clock.now(),
        )
        uow.subscriptions.add(subscription)
        created = CreatedSubscription(subscription)
        remember(once, uow, created)
        try:
            await uow.commit()
        except KeyTaken:
            raise RequestInProgress("Een verzoek met deze Idempotency-Key loopt nog.") from None
    return created


async def page(
    *, cursor: str | None, limit: int, uow: UnitOfWork, actor: Actor
) -> Page[Subscription]:
    """The organisation's subscriptions this token manages, newest first."""
    require(actor, Scope.SUBSCRIPTIONS_MANAGE, roles=MANAGERS)
    fingerprint = f"abonnementen|{actor.organisation}|{actor.role.value}"
    after = decode_cursor(cursor, fingerprint=fingerprint) if cursor else None
    found: list[Subscription] = []
    async with uow:
        while len(found) <= limit:
            batch = list(await uow.subscriptions.page(actor.organisation, after=after, limit=200))
            found += [s for s in batch if owns(s, actor)]
            if len(batch) < 200:
                break
            after = (batch[-1].created_at, batch[-1].id)
    next_cursor = next_after(
        found, limit, lambda s: encode_cursor((s.created_at, s.id), fingerprint=fingerprint)
    )
    return Page(found[:limit], next_cursor)


async def owned(uow: UnitOfWork, subscription_id: str, actor: Actor) -> Subscription:
    """Another organisation's, or one whose types this token could not read: 404 (§13.1)."""
    found = await uow.subscriptions.get(subscription_id)
    if found is None or not owns(found, actor):
        raise NotFound("Abonnement niet gevonden.")
    return found


async def get(subscription_id: str, *, uow: UnitOfWork, actor: Actor) -> Subscription:
    require(actor, Scope.SUBSCRIPTIONS_MANAGE, roles=MANAGERS)
    async with uow:
        return await owned(uow, subscription_id, actor)


async def delete(
    subscription_id: str,
    *,
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    once: Once[str] | None = None,
) -> str | Replayed:
    """204; pending deliveries are cancelled in the same transaction. Returns the id."""
    require(actor, Scope.SUBSCRIPTIONS_MANAGE, roles=MANAGERS)
    async with uow:
        replayed = await replay_first(once, uow)
        if replayed is not None:
            return replayed
        subscription = await owned(uow, subscription_id, actor)
        uow.subscriptions.delete(subscription, at=clock.now())
        remember(once, uow, subscription.id)
        await uow.commit()
    return subscription.id


async def deliveries(
    subscription_id: str,
    *,
    statuses: frozenset[DeliveryStatus],
    cursor: str | None,
    limit: int,
    uow: UnitOfWork,
    actor: Actor,
) -> Page[Delivery]:
    require(actor, Scope.SUBSCRIPTIONS_MANAGE, roles=MANAGERS)
    fingerprint = f"afleveringen|{subscription_id}|" + ",".join(sorted(statuses))
    after = decode_cursor(cursor, fingerprint=fingerprint) if cursor else None
    async with uow:
        subscription = await owned(uow, subscription_id, actor)
        found = list(
            await uow.deliveries.page(
                subscription.id, statuses=statuses, after=after, limit=limit + 1
            )
        )
    next_cursor = next_after(
        found, limit, lambda d: encode_cursor((d.created_at, d.id), fingerprint=fingerprint)
    )
    return Page(found[:limit], next_cursor)


async def redeliver(
    subscription_id: str,
    delivery_id: str,
    *,
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    once: Once[Delivery] | None = None,
) -> Delivery | Replayed:
    """Only a dead delivery starts again, with the same `webhook-id` (409 otherwise)."""
    require(actor, Scope.SUBSCRIPTIONS_MANAGE, roles=MANAGERS)
    async with uow:
        replayed = await replay_first(once, uow)
        if replayed is not None:
            return replayed
        subscription = await owned(uow, subscription_id, actor)
        delivery = await uow.deliveries.get(subscription.id, delivery_id)
        if delivery is None:
            raise NotFound("Aflevering niet gevonden.")
        if delivery.status is not DeliveryStatus.DEAD:
            raise InvalidState("Alleen een dode aflevering opnieuw.", condition="dood")
        restart(delivery, at=clock.now())
        remember(once, uow, delivery)
        await uow.commit()
    return delivery


def restart(delivery: Delivery, *, at: datetime) -> None:
    delivery.status, delivery.attempts, delivery.next_attempt_at = DeliveryStatus.PLANNED, 0, at
    delivery.last_error = None
