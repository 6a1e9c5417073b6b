"""Storage shapes (SQLModel tables). Rows are not entities: mappers convert both ways."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from adapters.db.types import JsonValue, value_enum
from domain.model.trajectory import TrajectoryState

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def table_of(model: type[SQLModel]) -> sa.Table:
    """The Core table of a table model (typed, unlike `Model.__table__`)."""
    return SQLModel.metadata.tables[str(model.__tablename__)]


class ReferralRow(SQLModel, table=True):
    __tablename__ = "referral"
    __table_args__ = (sa.UniqueConstraint("org_scheme", "org_value", "reference"),)

    id: UUID = Field(primary_key=True)
    org_scheme: str = Field(max_length=8)
    org_value: str = Field(max_length=64)
    reference: str | None = Field(default=None, max_length=64, index=True)
    referrer_type: str = Field(max_length=32)
    referrer: dict[str, Any] = Field(sa_type=JsonValue)
    content_hash: str = Field(max_length=64)
    host_organisation: str = Field(max_length=64)
    municipality: str = Field(max_length=6)
    feedback_allowed: bool
    received_at: datetime


class TrajectoryRow(SQLModel, table=True):
    __tablename__ = "trajectory"
    __table_args__ = (
        sa.Index("ix_trajectory_organisation_created", "organisation", "created_at", "id"),
        sa.Index("ix_trajectory_volunteer", "volunteer_id", "created_at", "id"),
    )

    id: UUID = Field(primary_key=True)
    referral_id: UUID = Field(foreign_key="referral.id", unique=True)
    organisation: str = Field(max_length=64)
    municipality: str = Field(max_length=6)
    wijkcode: str | None = Field(default=None, max_length=8)
    referrer_type: str = Field(max_length=32)
    state: TrajectoryState = Field(sa_type=value_enum(TrajectoryState))
    phase: TrajectoryState | None = Field(default=None, sa_type=value_enum(TrajectoryState))
    version: int = 1
    volunteer_id: UUID | None = None
    mother: dict[str, Any] | None = Field(default=None, sa_type=JsonValue)
    child: dict[str, Any] = Field(sa_type=JsonValue)
    registration: dict[str, Any] = Field(sa_type=JsonValue)
    consent: dict[str, Any] = Field(sa_type=JsonValue)
    intake_date: date | None = None
    start_date: date | None = None
    planned_end_date: date | None = None
    review_date: date | None = None
    closed_date: date | None = None
    reason: str | None = Field(default=None, max_length=64)
    outcome: str | None = Field(default=None, max_length=64)
    visits_introduction: int = 0
    visits_execution: int = 0
    visits_closing: int = 0
    feedback_changed_on: date
    anonymised_at: datetime | None = None
    created_at: datetime
    updated_at: datetime


class EventRow(SQLModel, table=True):
    """The outbox: one row per event, written in the transaction of the change."""

    __tablename__ = "event"
    __table_args__ = (
        sa.Index(
            "ix_event_unsealed",
            "time",
            "id",
            sqlite_where=sa.text("volgnummer IS NULL"),
            postgresql_where=sa.text("volgnummer IS NULL"),
        ),
    )

    id: UUID = Field(primary_key=True)
    # Null until the sealer numbers it: only committed rows get a number, in one serial pass,
    # so a reader polling `na=<n>` can never skip a row that commits late.
    volgnummer: int | None = Field(default=None, sa_type=sa.BigInteger, unique=True)
    type: str = Field(max_length=100)
    source_organisation: str = Field(max_length=64)
    municipality: str | None = Field(default=None, max_length=6)
    audience: str = Field(max_length=16)
    recipient: str | None = Field(default=None, max_length=64)
    subject: UUID
    time: datetime
    dataref: str = Field(max_length=200)
    traceparent: str | None = Field(default=None, max_length=55)
    data: dict[str, Any] = Field(sa_type=JsonValue)


class FeedStateRow(SQLModel, table=True):
    """Watermarks of the feed, e.g. `laatst_verwijderd` (the highest purged volgnummer)."""

    __tablename__ = "feed_state"

    name: str = Field(primary_key=True, max_length=32)
    value: int = Field(sa_type=sa.BigInteger)


class IdempotencyRecordRow(SQLModel, table=True):
    __tablename__ = "idempotency_record"

    scope: str = Field(primary_key=True, max_length=64)
    fingerprint: str = Field(max_length=64)
    status: int
    body: dict[str, Any] = Field(sa_type=JsonValue)
    headers: dict[str, Any] = Field(sa_type=JsonValue)
    created_at: datetime
    expires_at: datetime = Field(index=True)


class AuditChainRow(SQLModel, table=True):
    """The head of one organisation's hash chain; its row lock serialises the chain."""

    __tablename__ = "audit_chain"

    organisation: str = Field(primary_key=True, max_length=64)
    volgnummer: int = Field(sa_type=sa.BigInteger)
    hash: str = Field(max_length=64)


class AuditLineRow(SQLModel, table=True):
    """NEN 7513 access log line (CONTRACT §15), hash-chained per organisation."""

    __tablename__ = "audit_line"
    __table_args__ = (
        sa.UniqueConstraint("organisation", "volgnummer"),
        sa.Index("ix_audit_line_subject", "betrokkene_id", "tijdstip"),
        sa.Index(
            "ix_audit_line_unsealed",
            "tijdstip",
            "id",
            sqlite_where=sa.text("hash IS NULL"),
            postgresql_where=sa.text("hash IS NULL"),
        ),
    )

    id: UUID = Field(primary_key=True)
    organisation: str = Field(max_length=64)
    # Null until sealed into the organisation's chain (CONTRACT §15: within 5 s).
    volgnummer: int | None = Field(default=None, sa_type=sa.BigInteger)
    tijdstip: datetime
    actie: str = Field(max_length=16)
    zoekactie: bool = False
    verwerkingsactiviteit: str = Field(max_length=32)
    uitkomst: int
    http_status: int | None = None
    actor_id: str = Field(max_length=255)
    rol: str = Field(max_length=32)
    actor_organisation: str = Field(max_length=64)
    client_id: str | None = Field(default=None, max_length=255)
    netwerkadres: str | None = Field(default=None, max_length=64)
    betrokkene_soort: str | None = Field(default=None, max_length=32)
    betrokkene_id: UUID | None = None
    resource: str = Field(max_length=64)
    resource_id: str | None = Field(default=None, max_length=64)
    gevoeligheid: str = Field(max_length=16)
    autorisatie: str | None = Field(default=None, max_length=100)
    toestemming_versie: str | None = Field(default=None, max_length=50)
    request_id: str | None = Field(default=None, max_length=64)
    trace_id: str | None = Field(default=None, max_length=32)
    noodtoegang: bool = False
    noodtoegang_reden: str | None = Field(default=None, max_length=500)
    vorige_hash: str | None = Field(default=None, max_length=64)
    hash: str | None = Field(default=None, max_length=64)
