"""Many rows in one statement on PostgreSQL: the rows go in as one JSON array, read by
`json_to_recordset` typed by the table's own columns (as adapters.db.intake_statement does).

SQLAlchemy's executemany binds every value of every row through Python; for the 50 audit
lines of one list page that was 6.6 ms of the request's CPU, the JSON array a fraction of it.
pydantic-core writes UUIDs, datetimes and dates in forms PostgreSQL reads back exactly.
SQLite takes the plain executemany.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from pydantic_core import to_json
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection

_PG = postgresql.dialect()  # type: ignore[no-untyped-call]


def column_type(column: sa.Column[Any]) -> str:
    """The column's PostgreSQL type; text for VARCHAR, whose length the insert checks."""
    compiled = str(column.type.compile(dialect=_PG))
    return "text" if compiled.startswith("VARCHAR") else compiled


@functools.cache
def recordset_insert(table: sa.Table, columns: tuple[str, ...]) -> str:
    """Built from the table metadata only: no value ever enters the SQL text."""
    quoted = ", ".join(f'"{name}"' for name in columns)
    record = ", ".join(f'"{name}" {column_type(table.c[name])}' for name in columns)
    return (
        f'INSERT INTO "{table.name}" ({quoted}) '  # noqa: S608
        f"SELECT {quoted} FROM json_to_recordset($1::json) AS x({record})"
    )


async def insert_rows(
    conn: AsyncConnection, table: sa.Table, rows: Sequence[dict[str, Any]]
) -> None:
    """Inserts `rows` (all with the same keys) in the caller's transaction."""
    if not rows:
        return
    if conn.dialect.name != "postgresql" or len(rows) == 1:
        await conn.execute(sa.insert(table), list(rows))
        return
    raw = await conn.get_raw_connection()
    driver: Any = raw.driver_connection
    await driver.execute(recordset_insert(table, tuple(rows[0])), to_json(rows).decode())
