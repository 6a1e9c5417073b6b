"""Storage shapes of webhook subscriptions and deliveries (SQLModel tables, in the
metadata of adapters.db.tables). Rows are not entities: mappers convert both ways."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from adapters.db.types import JsonValue


class SubscriptionRow(SQLModel, table=True):
    """An Abonnement (CONTRACT §13.3); `deleted_at` set: gone for every reader."""

    __tablename__ = "subscription"
    __table_args__ = (
        sa.Index("ix_subscription_organisation_created", "organisation", "created_at", "id"),
    )

    id: UUID = Field(primary_key=True)
    organisation: str = Field(max_length=64)
    url: str = Field(max_length=2000)
    types: list[str] = Field(sa_type=JsonValue)
    description: str | None = Field(default=None, max_length=200)
    role: str = Field(max_length=32)
    scopes: list[str] = Field(sa_type=JsonValue)
    secret: str = Field(max_length=64)
    status: str = Field(max_length=16)
    version: int = 1
    created_at: datetime
    disabled_at: datetime | None = None
    deleted_at: datetime | None = None


_PENDING_ROWS = "status IN ('gepland', 'mislukt')"


class DeliveryRow(SQLModel, table=True):
    """One event to one subscription (Aflevering); claimed by a worker with a lease."""

    __tablename__ = "delivery"
    __table_args__ = (
        sa.UniqueConstraint("subscription_id", "event_id"),
        sa.Index("ix_delivery_due", "status", "next_attempt_at"),
        sa.Index("ix_delivery_subscription_created", "subscription_id", "created_at", "id"),
        sa.Index("ix_delivery_subject_order", "subscription_id", "subject", "volgnummer"),
        # the claim walks pending rows in volgnummer order and stops at its batch (0005)
        sa.Index(
            "ix_delivery_pending_order",
            "volgnummer",
            postgresql_where=sa.text(_PENDING_ROWS),
            sqlite_where=sa.text(_PENDING_ROWS),
        ),
        sa.Index(
            "ix_delivery_pending_urgent",
            "volgnummer",
            postgresql_where=sa.text(f"{_PENDING_ROWS} AND priority > 0"),
            sqlite_where=sa.text(f"{_PENDING_ROWS} AND priority > 0"),
        ),
    )

    id: UUID = Field(primary_key=True)
    subscription_id: UUID = Field(foreign_key="subscription.id")
    event_id: UUID
    volgnummer: int = Field(sa_type=sa.BigInteger)
    subject: UUID
    type: str = Field(max_length=100)
    priority: int = 0
    status: str = Field(max_length=16)
    attempts: int = 0
    next_attempt_at: datetime
    locked_until: datetime | None = None
    last_status_code: int | None = None
    last_error: str | None = Field(default=None, max_length=16)
    created_at: datetime
    delivered_at: datetime | None = None
