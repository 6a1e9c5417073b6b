"""`column IN (values)` for the relay's hot statements."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection


def any_of(
    conn: AsyncConnection, column: sa.Column[Any], values: Collection[Any]
) -> sa.ColumnElement[bool]:
    """`column IN values`; on PostgreSQL `column = ANY(array)`: one statement text for any
    number of values, compiled and prepared once (an IN list is a new text for every length,
    compiled and prepared anew)."""
    if conn.dialect.name == "postgresql":
        return column == sa.any_(sa.literal(list(values), postgresql.ARRAY(column.type)))
    return column.in_(values)
