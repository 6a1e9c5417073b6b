"""Storage shapes (SQLModel tables). Rows are not entities: mappers convert both ways."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from adapters.db.types import JsonValue, value_enum
from domain.model.trajectory import TrajectoryState
from domain.model.volunteer import VolunteerStatus

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
        sa.Index("ix_trajectory_age_limit", "age_limit_date"),
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
    # The child's 24-month date, kept beside the JSON so the daily `leeftijdsgrens` task
    # finds its trajectories through an index (CONTRACT §16).
    age_limit_date: date | None = None
    anonymised_at: datetime | None = None
    created_at: datetime
    updated_at: datetime
    # Derived from the trajectory's Meldcode cases and written only by them (CONTRACT §5.1):
    # a trajectory's own write-back sends only changed columns, so never these.
    meldcode_open: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    held_until: date | None = None


class TransitionRow(SQLModel, table=True):
    """One Overgang (CONTRACT §9.4): never changed; `fields` by published name."""

    __tablename__ = "trajectory_transition"
    __table_args__ = (sa.Index("ix_trajectory_transition_history", "trajectory_id", "at", "id"),)

    id: UUID = Field(primary_key=True)
    trajectory_id: UUID = Field(foreign_key="trajectory.id")
    organisation: str = Field(max_length=64)
    from_state: TrajectoryState = Field(sa_type=value_enum(TrajectoryState))
    to_state: TrajectoryState = Field(sa_type=value_enum(TrajectoryState))
    kind: str = Field(max_length=16)
    fields: dict[str, Any] = Field(sa_type=JsonValue)
    actor_id: str = Field(max_length=255)
    actor_role: str = Field(max_length=32)
    at: datetime
    trajectory_version: int


class VolunteerRow(SQLModel, table=True):
    __tablename__ = "volunteer"
    __table_args__ = (
        sa.Index("ix_volunteer_organisation_created", "organisation", "created_at", "id"),
    )

    id: UUID = Field(primary_key=True)
    organisation: str = Field(max_length=64)
    municipality: str = Field(max_length=6)
    status: VolunteerStatus = Field(sa_type=value_enum(VolunteerStatus))
    version: int = 1
    # Personal data in one column, so the retention purge nulls it in one place.
    personal: dict[str, Any] | None = Field(default=None, sa_type=JsonValue)
    wijkcodes: list[str] = Field(sa_type=JsonValue)
    languages: list[str] = Field(sa_type=JsonValue)
    # ",nl,ar," (ISO 639-1 where one exists): the `taal` filter is a LIKE on both databases.
    language_keys: str = Field(max_length=64)
    capacity: int
    vog_date: date | None = None
    running_trajectories: int = 0
    completed_trajectories: int = 0
    training_sessions: int = 0
    last_individual_supervision: date | None = None
    start_date: date | None = None
    stopped_on: date | None = None
    created_at: datetime
    updated_at: datetime


class VisitRow(SQLModel, table=True):
    """A Huisbezoek record (CONTRACT §10): append-only; only `replaced_by` is ever set later."""

    __tablename__ = "visit"
    __table_args__ = (
        sa.Index("ix_visit_trajectory_date", "trajectory_id", "visit_date", "recorded_at", "id"),
    )

    id: UUID = Field(primary_key=True)
    trajectory_id: UUID = Field(foreign_key="trajectory.id")
    organisation: str = Field(max_length=64)
    volunteer_id: UUID
    phase: TrajectoryState = Field(sa_type=value_enum(TrajectoryState))
    kind: str = Field(max_length=16)
    visit_date: date
    duration_minutes: int
    location: str = Field(max_length=32)
    topics: list[str] = Field(sa_type=JsonValue)
    picture_themes: list[str] = Field(sa_type=JsonValue)
    note: str | None = Field(default=None, max_length=1000)
    next_visit_on: date | None = None
    recorded_by_id: str = Field(max_length=255)
    recorded_by_role: str = Field(max_length=32)
    recorded_at: datetime
    corrects: UUID | None = None
    replaced_by: UUID | None = None
    correction_reason: str | None = Field(default=None, max_length=200)
    void: bool = False


class SupervisionRow(SQLModel, table=True):
    """A Begeleiding record (CONTRACT §11): append-only."""

    __tablename__ = "supervision"
    __table_args__ = (
        sa.Index("ix_supervision_volunteer_date", "volunteer_id", "supervision_date", "id"),
    )

    id: UUID = Field(primary_key=True)
    volunteer_id: UUID = Field(foreign_key="volunteer.id")
    kind: str = Field(max_length=16)
    supervision_date: date
    duration_minutes: int
    training_session: int | None = None
    topics: list[str] = Field(sa_type=JsonValue)
    note: str | None = Field(default=None, max_length=1000)
    recorded_by_id: str = Field(max_length=255)
    recorded_by_role: str = Field(max_length=32)
    recorded_at: datetime


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
