"""Which subscriptions receive an event, and what an attempt's answer means for its delivery
(CONTRACT §13.1, §13.3). Entitlement is the creating token's, checked when the event is
handed out, not only when the subscription was made."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

from domain.events import URGENT_TYPES, Audience
from domain.model.subscription import (
    Delivery,
    DeliveryError,
    DeliveryStatus,
    Subscription,
    SubscriptionStatus,
    after_failure,
)
from domain.services.events import audiences
from domain.services.subscriptions import subscriber

URGENT_PRIORITY: Final = 10


@dataclass(frozen=True, slots=True)
class EventAddress:
    """What decides who may receive an event: never its data."""

    type: str
    audience: str
    organisation: str  # the host organisation the event is about (its `source`)
    recipient: str | None  # the referrer organisation of a referrer-addressed event


def receives(subscription: Subscription, event: EventAddress) -> bool:
    """Its type asked for, its audience one the creating token may read (Meldcode events only
    with `meldcode.behandelen`), and its organisation the subscription's (R34)."""
    if subscription.status is not SubscriptionStatus.ACTIVE or event.type not in subscription.types:
        return False
    if event.audience not in audiences(subscriber(subscription)):
        return False
    if event.audience == Audience.REFERRER:
        return event.recipient == subscription.organisation
    return event.organisation == subscription.organisation


def priority(event_type: str) -> int:
    """An acute signal goes out ahead of every pending delivery (R24)."""
    return URGENT_PRIORITY if event_type in URGENT_TYPES else 0


class Outcome(StrEnum):
    DELIVERED = "afgeleverd"
    FAILED = "mislukt"
    GONE = "weg"  # 410: the subscription is disabled


@dataclass(frozen=True, slots=True)
class Answer:
    """What one attempt got: a status code, or an error without one."""

    status_code: int | None = None
    error: DeliveryError | None = None
    retry_after: timedelta | None = None

    @property
    def outcome(self) -> Outcome:
        if self.status_code is not None and 200 <= self.status_code < 300:
            return Outcome.DELIVERED
        if self.status_code == 410:
            return Outcome.GONE
        return Outcome.FAILED


def settle(delivery: Delivery, answer: Answer, *, at: datetime, jitter: random.Random) -> Outcome:
    """The delivery after an attempt (its `attempts` already counts it): delivered; on 410
    cancelled (the caller disables the subscription); else the next attempt or `dood`.
    `Retry-After` counts only with 429 and 503."""
    delivery.last_status_code = answer.status_code
    delivery.last_error = answer.error
    if (
        answer.status_code is not None
        and answer.error is None
        and answer.outcome is not Outcome.DELIVERED
    ):
        delivery.last_error = DeliveryError.HTTP_STATUS
    outcome = answer.outcome
    if outcome is Outcome.DELIVERED:
        delivery.status, delivery.delivered_at = DeliveryStatus.DELIVERED, at
    elif outcome is Outcome.GONE:
        delivery.status = DeliveryStatus.CANCELLED
    else:
        deferral = answer.retry_after if answer.status_code in (429, 503) else None
        after_failure(delivery, at=at, jitter=jitter, retry_after=deferral)
    return outcome
