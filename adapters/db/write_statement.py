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
    changed = []
    for table, key, row in current:
        before = rows.get(key, {})
        delta = {k: v for k, v in row.items() if k == "id" or k not in before or before[k] != v}
        changed.append((table, delta, seen[key]))
    return changed


def write_set(tracked: Tracked) -> WriteSet | None:
    """The tracked writes as one statement, or None when they need more than one."""
    changed = changed_aggregates(tracked)
    if len(changed) > 1 or tracked.replaced_visits or tracked.new_referral is not None:
        return None
    writes = WriteSet(update=changed[0] if changed else None)
    writes.add(volunteer_t, [volunteer_row(v) for v in tracked.new_volunteers])
    for table, row in tracked.inserts:
        writes.add(table, [row])
    return writes


def _record(table: sa.Table, columns: Sequence[str]) -> str:
    return ", ".join(f'"{name}" {column_type(table.c[name])}' for name in columns)


@functools.cache
def _statement(
    update: tuple[sa.Table, tuple[str, ...]] | None,
    inserts: tuple[tuple[sa.Table, tuple[str, ...]], ...],
) -> str:
    """Built from table metadata only: no value ever enters the SQL text."""
    parts, number, only_if = [], 1, ""
    if update is not None:
        table, columns = update
        assigned = ", ".join(f'"{c}" = x."{c}"' for c in columns if c not in FIXED)
        parts.append(
            f'u AS (UPDATE "{table.name}" AS o SET {assigned} '  # noqa: S608
            f"FROM json_to_record($1::json) AS x({_record(table, columns)}) "
            f'WHERE o."id" = x."id" AND o."version" = $2::integer RETURNING o."id")'
        )
        number, only_if = 3, " WHERE EXISTS (SELECT 1 FROM u)"
    for index, (table, columns) in enumerate(inserts):
        quoted = ", ".join(f'"{c}"' for c in columns)
        parts.append(
            f'i{index} AS (INSERT INTO "{table.name}" ({quoted}) '  # noqa: S608
            f"SELECT {quoted} FROM json_to_recordset(${number}::json) "
            f"AS x({_record(table, columns)}){only_if})"
        )
        number += 1
    answer = "SELECT count(*) FROM u" if update is not None else "SELECT 1"
    return f"WITH {', '.join(parts)} {answer}" if parts else answer


async def execute(conn: AsyncConnection, writes: WriteSet) -> None:
    """Sends the write set as one statement in the caller's transaction."""
    arguments: list[Any] = []
    update_key = None
    if writes.update is not None:
        table, row, seen = writes.update
        update_key = (table, tuple(row))
        arguments += [to_json(row).decode(), seen]
    insert_key = tuple((table, tuple(rows[0])) for table, rows in writes.inserts.items())
    arguments += [to_json(rows).decode() for rows in writes.inserts.values()]
    if update_key is None and not insert_key:
        return
    raw = await conn.get_raw_connection()
    driver: Any = raw.driver_connection
    matched = await driver.fetchval(_statement(update_key, insert_key), *arguments)
    if update_key is not None and matched != 1:
        raise StaleVersion("changed by another transaction since it was read")
