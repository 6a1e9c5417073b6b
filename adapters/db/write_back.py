"""Writes what a unit of work changed: aggregates whose `version` moved, guarded by the
version they were read at (optimistic concurrency, CONTRACT §5.1), and appended records."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.db.lifecycle_mappers import volunteer_row
from adapters.db.lifecycle_repositories import visit_t, volunteer_t
from adapters.db.meldcode_repository import write_cases, write_marks
from adapters.db.repositories import Tracked
from adapters.db.subscription_repository import write_subscription_changes
from adapters.db.write_statement import FIXED, changed_aggregates
from domain.ports import StaleVersion


async def _update(
    conn: AsyncConnection, table: sa.Table, row: dict[str, Any], *, seen: int
) -> None:
    values = {k: v for k, v in row.items() if k not in FIXED}
    statement = (
        sa.update(table).where(table.c.id == row["id"], table.c.version == seen).values(values)
    )
    if (await conn.execute(statement)).rowcount != 1:
        raise StaleVersion("changed by another transaction since it was read")


async def write_changes(conn: AsyncConnection, tracked: Tracked) -> None:
    """In the caller's transaction; `StaleVersion` when another one got there first."""
    for table, row, loaded in changed_aggregates(tracked):
        await _update(conn, table, row, seen=loaded)
    if tracked.new_volunteers:
        await conn.execute(
            sa.insert(volunteer_t), [volunteer_row(v) for v in tracked.new_volunteers]
        )
    await write_cases(conn, tracked)
    for table, row in tracked.inserts:
        await conn.execute(sa.insert(table), row)
    await write_marks(conn, tracked)
    await write_subscription_changes(conn, tracked)
    for old, new in tracked.replaced_visits:
        statement = (
            sa.update(visit_t)
            .where(visit_t.c.id == UUID(old), visit_t.c.replaced_by.is_(None))
            .values(replaced_by=UUID(new))
        )
        if (await conn.execute(statement)).rowcount != 1:
            raise StaleVersion("the visit was corrected by another transaction")
