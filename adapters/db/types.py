"""Column types that behave alike on PostgreSQL and SQLite."""

from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

JsonValue = sa.JSON().with_variant(JSONB(), "postgresql")


def value_enum(enum: type[StrEnum]) -> sa.Enum:
    """VARCHAR holding the Dutch value ('wacht_op_match'): no PG type, no member names."""
    return sa.Enum(
        enum,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
    )
