"""A unit of work's writes on PostgreSQL as one statement, where they fit in one.

A transition, a visit or a supervision record changes one aggregate (its row written back
over the version it was read at) and appends rows: the record, its events, its audit lines.
Sent one by one that is five statements and their round trips; as data-modifying CTEs it is
one, and PostgreSQL runs a statement atomically. Every insert is conditioned on the guarded
update having matched its row, so a writer that lost the race stores nothing at all and the
statement answers 0 (`StaleVersion`). Rows go in as JSON arrays read by `json_to_recordset`,
typed by the table's own columns (adapters.db.json_rows).

Writes that change two aggregates, replace a visit or store an idempotency record take the
statement-per-write path of adapters.db.write_back, in the same transaction.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import sqlalchemy as sa
from pydantic_core import to_json
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.db.json_rows import column_type
from adapters.db.lifecycle_mappers import volunteer_row
from adapters.db.lifecycle_repositories import volunteer_t
from adapters.db.mappers import trajectory_row
from adapters.db.meldcode_mappers import case_row
from adapters.db.meldcode_repository import case_t
from adapters.db.repositories import Tracked, trajectory_t
from domain.ports import StaleVersion

FIXED: Final = frozenset({"id", "referral_id", "organisation", "created_at"})


@dataclass(slots=True)
class WriteSet:
    """At most one guarded update, then inserts grouped by table in the order staged."""

    update: tuple[sa.Table, dict[str, Any], int] | None = None
    inserts: dict[sa.Table, list[dict[str, Any]]] = field(default_factory=dict)

    def add(self, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            self.inserts.setdefault(table, []).extend(rows)


def changed_aggregates(tracked: Tracked) -> list[tuple[sa.Table, dict[str, Any], int]]:
    """Each aggregate whose version moved since it was read: (table, the `id` and the
    columns that changed, version read)."""
    seen, rows = tracked.loaded_versions, tracked.loaded_rows
    current: list[tuple[sa.Table, str, dict[str, Any]]] = [
        (trajectory_t, t.id, trajectory_row(t))
        for t in {t.id: t for t in tracked.trajectories}.values()
        if seen.get(t.id) not in (None, t.version)
    ]
    current += [
        (volunteer_t, v.id, volunteer_row(v))
        for v in tracked.volunteers
        if seen.get(v.id) not in (None, v.version)
    ]
    current += [
        (case_t, c.id, case_row(c))
        for c in tracked.cases
        if seen.get(c.id) not in (None, c.version)
    ]
    changed = []
    for table, key, row in current:
        before = rows.get(key, {})
        delta = {k: v for k, v in row.items() if k == "id" or k not in before or before[k] != v}
        changed.append((table, delta, seen[key]))
    return changed


def write_set(tracked: Tracked) -> WriteSet | None:
    """The tracked writes as one statement, or None when they need more than one."""
    changed = changed_aggregates(tracked)
    if (
        len(changed) > 1
        or tracked.replaced_visits
        or tracked.new_referral is not None
        or tracked.beyond_one_statement
    ):
        return None
    writes = WriteSet(update=changed[0] if changed else None)
    writes.add(volunteer_t, [volunteer_row(v) for v in tracked.new_volunteers])
    for table, row in tracked.inserts:
        writes.add(table, [row])
    return writes


def _record(table: sa.Table, columns: Sequence[str]) -> str:
    return ", ".join(f'"{name}" {column_type(table.c[name])}' for name in columns)


# Bookkeeping columns of the JSON rows, never a table's: the version an update was read at,
# and the aggregate an inserted row belongs to (it is stored only if that update matched).
SEEN: Final = "__seen_version"
OWNER: Final = "__owner"


@functools.cache
def _statement(
    update: tuple[sa.Table, tuple[str, ...]] | None,
    inserts: tuple[tuple[sa.Table, tuple[str, ...]], ...],
) -> str:
    """Built from table metadata only: no value ever enters the SQL text. With an update,
    the statement takes any number of write sets of this shape and answers the ids whose
    update matched; each insert row goes in only with its own aggregate's update."""
    parts, number, only_if = [], 1, ""
    if update is not None:
        table, columns = update
        assigned = ", ".join(f'"{c}" = x."{c}"' for c in columns if c not in FIXED)
        parts.append(
            f'u AS (UPDATE "{table.name}" AS o SET {assigned} '  # noqa: S608
            f'FROM json_to_recordset($1::json) AS x("{SEEN}" integer, {_record(table, columns)}) '
            f'WHERE o."id" = x."id" AND o."version" = x."{SEEN}" RETURNING o."id")'
        )
        owner = f'"{OWNER}" {column_type(table.c["id"])}, '
        number, only_if = 2, f' WHERE x."{OWNER}" IN (SELECT "id" FROM u)'  # noqa: S608
    for index, (table, columns) in enumerate(inserts):
        quoted = ", ".join(f'"{c}"' for c in columns)
        record = (owner if update is not None else "") + _record(table, columns)
        parts.append(
            f'i{index} AS (INSERT INTO "{table.name}" ({quoted}) '  # noqa: S608
            f"SELECT {quoted} FROM json_to_recordset(${number}::json) "
            f"AS x({record}){only_if})"
        )
        number += 1
    answer = 'SELECT "id" FROM u' if update is not None else "SELECT 1"
    return f"WITH {', '.join(parts)} {answer}" if parts else answer


Shape = tuple[tuple[sa.Table, tuple[str, ...]] | None, tuple[tuple[sa.Table, tuple[str, ...]], ...]]


def shape(writes: WriteSet) -> Shape:
    """Write sets of one shape share a statement: the same columns updated and inserted."""
    update = None if writes.update is None else (writes.update[0], tuple(writes.update[1]))
    inserts = tuple(
        (table, tuple(name for name in rows[0] if name != OWNER))  # tagged once sent
        for table, rows in writes.inserts.items()
    )
    return update, inserts


def _arguments(batch: Sequence[WriteSet]) -> list[str]:
    """One JSON array per `$n` of the statement of the batch's (common) shape."""
    first = batch[0]
    if first.update is None:
        return [to_json(rows).decode() for rows in first.inserts.values()]
    updates: list[dict[str, Any]] = []
    inserts: dict[sa.Table, list[dict[str, Any]]] = {table: [] for table in first.inserts}
    for writes in batch:
        if writes.update is None:
            raise ValueError("write sets of one statement share their shape")
        _, row, seen = writes.update
        updates.append({SEEN: seen, **row})
        for table, rows in writes.inserts.items():
            for r in rows:  # rows made for this write set alone: tagged in place, not copied
                r[OWNER] = row["id"]
            inserts[table].extend(rows)
    return [to_json(updates).decode(), *(to_json(rows).decode() for rows in inserts.values())]


async def matched_updates(driver: Any, batch: Sequence[WriteSet]) -> set[Any]:
    """Sends write sets of one shape (each with its update) as one statement through the
    raw driver; the ids whose update matched the version read (the others stored nothing)."""
    records = await driver.fetch(_statement(*shape(batch[0])), *_arguments(batch))
    return {str(record[0]) for record in records}


async def execute(conn: AsyncConnection, writes: WriteSet) -> None:
    """Sends the write set as one statement in the caller's transaction."""
    if writes.update is None and not writes.inserts:
        return
    raw = await conn.get_raw_connection()
    driver: Any = raw.driver_connection
    if writes.update is None:
        await driver.execute(_statement(*shape(writes)), *_arguments([writes]))
    elif str(writes.update[1]["id"]) not in await matched_updates(driver, [writes]):
        raise StaleVersion("changed by another transaction since it was read")
