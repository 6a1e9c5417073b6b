"""Storage shapes of Meldcode cases, signals and steps (SQLModel tables, in the
metadata of adapters.db.tables). Rows are not entities: mappers convert both ways."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from adapters.db.types import JsonValue

_OPEN_CASE = sa.text("status <> 'afgesloten'")


class MeldcodeCaseRow(SQLModel, table=True):
    """A MeldcodeCasus (CONTRACT §12.2): at most one not `afgesloten` per trajectory (R22)."""

    __tablename__ = "meldcode_case"
    __table_args__ = (
        sa.Index("ix_meldcode_case_organisation_opened", "organisation", "opened_at", "id"),
        sa.Index(
            "uq_meldcode_case_open_trajectory",
            "trajectory_id",
            unique=True,
            sqlite_where=_OPEN_CASE,
            postgresql_where=_OPEN_CASE,
        ),
    )

    id: UUID = Field(primary_key=True)
    trajectory_id: UUID = Field(foreign_key="trajectory.id", index=True)
    organisation: str = Field(max_length=64)
    municipality: str = Field(max_length=6)
    status: str = Field(max_length=32)
    version: int = 1
    step_count: int = 0
    signal_count: int = 0
    facts: dict[str, Any] = Field(sa_type=JsonValue)
    closing_reason: str | None = Field(default=None, max_length=32)
    closed_at: datetime | None = None
    retention_until: date | None = None
    opened_at: datetime
    updated_at: datetime


class MeldcodeSignalRow(SQLModel, table=True):
    """A Signaal: never changed; `fields` by published name."""

    __tablename__ = "meldcode_signal"
    __table_args__ = (sa.Index("ix_meldcode_signal_case", "case_id", "reported_at", "id"),)

    id: UUID = Field(primary_key=True)
    case_id: UUID = Field(foreign_key="meldcode_case.id")
    trajectory_id: UUID = Field(foreign_key="trajectory.id")
    organisation: str = Field(max_length=64)
    fields: dict[str, Any] = Field(sa_type=JsonValue)
    reported_by_id: str = Field(max_length=255)
    reported_by_role: str = Field(max_length=32)
    reported_at: datetime


class MeldcodeStepRow(SQLModel, table=True):
    """A MeldcodeStap: never changed; `volgnummer` unique within its case."""

    __tablename__ = "meldcode_step"
    __table_args__ = (sa.UniqueConstraint("case_id", "sequence"),)

    id: UUID = Field(primary_key=True)
    case_id: UUID = Field(foreign_key="meldcode_case.id")
    organisation: str = Field(max_length=64)
    sequence: int
    kind: str = Field(max_length=32)
    status_before: str = Field(max_length=32)
    status_after: str = Field(max_length=32)
    fields: dict[str, Any] = Field(sa_type=JsonValue)
    recorded_by_id: str = Field(max_length=255)
    recorded_by_role: str = Field(max_length=32)
    recorded_at: datetime
