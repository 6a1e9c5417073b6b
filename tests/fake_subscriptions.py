"""In-memory subscriptions and deliveries of tests.fakes.FakeUnitOfWork."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from domain.model.subscription import Delivery, DeliveryStatus, Subscription

PENDING = frozenset({DeliveryStatus.PLANNED, DeliveryStatus.FAILED})


class FakeSubscriptionRepository:
    def __init__(self) -> None:
        self.stored: dict[str, Subscription] = {}
        self.deliveries: dict[str, Delivery] = {}

    def add(self, subscription: Subscription) -> None:
        self.stored[subscription.id] = subscription

    async def get(self, subscription_id: str) -> Subscription | None:
        return self.stored.get(subscription_id)

    async def page(
        self, organisation: str, *, after: tuple[datetime, str] | None, limit: int
    ) -> Sequence[Subscription]:
        found = sorted(
            (s for s in self.stored.values() if s.organisation == organisation),
            key=lambda s: (s.created_at, s.id),
            reverse=True,
        )
        return [s for s in found if after is None or (s.created_at, s.id) < after][:limit]

    def delete(self, subscription: Subscription, *, at: datetime) -> None:
        del self.stored[subscription.id]
        for delivery in self.deliveries.values():
            if delivery.subscription_id == subscription.id and delivery.status in PENDING:
                delivery.status = DeliveryStatus.CANCELLED


class FakeDeliveryRepository:
    def __init__(self, subscriptions: FakeSubscriptionRepository) -> None:
        self._all = subscriptions.deliveries

    async def get(self, subscription_id: str, delivery_id: str) -> Delivery | None:
        found = self._all.get(delivery_id)
        return found if found is not None and found.subscription_id == subscription_id else None

    async def page(
        self,
        subscription_id: str,
        *,
        statuses: frozenset[DeliveryStatus],
        after: tuple[datetime, str] | None,
        limit: int,
    ) -> Sequence[Delivery]:
        found = sorted(
            (
                d
                for d in self._all.values()
                if d.subscription_id == subscription_id and (not statuses or d.status in statuses)
            ),
            key=lambda d: (d.created_at, d.id),
            reverse=True,
        )
        return [d for d in found if after is None or (d.created_at, d.id) < after][:limit]
