"""A delivery a worker holds under a lease, with everything its attempt needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.model.subscription import Delivery, Subscription
from domain.views import StoredEvent


@dataclass(frozen=True, slots=True)
class Claimed:
    """A delivery taken with a lease, with what its attempt needs."""

    delivery: Delivery
    subscription: Subscription
    event: StoredEvent
    lease_until: datetime
