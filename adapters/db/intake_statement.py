"""New referrals on PostgreSQL: any number of them in one statement, one round trip.

A referral's transaction writes five tables (referral, trajectory, idempotency record, outbox,
audit). Sent one by one, with BEGIN and COMMIT, that is eight round trips, and on this stack a
round trip costs more CPU than the rest of the request. PostgreSQL runs a statement with
data-modifying CTEs atomically, so one statement in autocommit mode does it all, and since
every table's rows go in as one JSON array (`json_to_recordset`, typed by the table's own
column types), the same statement carries one referral or fifty (adapters.db.group_commit).
JSON, not one array parameter per column: pydantic-core writes it in microseconds, where the
driver's array encoder checks every element against abstract base classes.

- the referral insert skips an existing business key (`ON CONFLICT DO NOTHING`), and every
  other insert joins on its RETURNING, so a referral whose business key is taken stores
  nothing at all, while the others in the statement are stored;
- the idempotency record is a plain insert: a taken key aborts the whole statement with a
  unique violation.

The statement answers the ids of the referrals it stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from pydantic_core import to_json

from adapters.db.json_rows import column_type
from adapters.db.tables import (
    AuditLineRow,
    EventRow,
    IdempotencyRecordRow,
    ReferralRow,
    TrajectoryRow,
    table_of,
)

BUSINESS_KEY = ("org_scheme", "org_value", "reference")
# Numbered and chained later by the sealer; NULL when a row is written.
SEALED_LATER = frozenset({"volgnummer", "vorige_hash", "hash"})
REFERENCE = "ref"  # the referral a dependent row belongs to


@dataclass(slots=True)
class NewReferralRows:
    """One new referral's rows, as the mappers make them (column name to driver value)."""

    referral: dict[str, Any]
    trajectory: dict[str, Any]
    record: dict[str, Any] | None
    events: list[dict[str, Any]] = field(default_factory=list)
    lines: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Part:
    """One table's input: a relation `alias` read from one JSON array parameter."""

    table: sa.Table
    alias: str
    columns: tuple[str, ...]

    @property
    def dependent(self) -> bool:
        return self.alias != "r"

    def record_type(self) -> str:
        """The column definitions of `json_to_recordset`: the table's own types."""
        names = ((REFERENCE,) if self.dependent else ()) + self.columns
        return ", ".join(f'"{name}" {self._type(name)}' for name in names)

    def _type(self, name: str) -> str:
        return "uuid" if name == REFERENCE else column_type(self.table.c[name])


def _part(model: type[Any], alias: str) -> _Part:
    table = table_of(model)
    return _Part(table, alias, tuple(c.name for c in table.c if c.name not in SEALED_LATER))


REFERRAL = _part(ReferralRow, "r")
TRAJECTORY = _part(TrajectoryRow, "t")
RECORD = _part(IdempotencyRecordRow, "k")
EVENT = _part(EventRow, "e")
LINE = _part(AuditLineRow, "a")
PARTS = (REFERRAL, TRAJECTORY, RECORD, EVENT, LINE)


def _quoted(names: Sequence[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


def _statement() -> str:
    """Built from the table metadata only: no value ever enters the SQL text."""
    inputs, inserts = [], []
    for number, part in enumerate(PARTS, 1):
        source = f"json_to_recordset(${number}::json) AS x({part.record_type()})"
        inputs.append(f"{part.alias} AS (SELECT * FROM {source})")  # noqa: S608
        chosen = ", ".join(f'{part.alias}."{name}"' for name in part.columns)
        insert = (
            f'INSERT INTO "{part.table.name}" ({_quoted(part.columns)}) '  # noqa: S608
            f"SELECT {chosen} FROM {part.alias}"
        )
        if part.dependent:
            on = f'new_referral.id = {part.alias}."{REFERENCE}"'
            inserts.append(f"new_{part.table.name} AS ({insert} JOIN new_referral ON {on})")
        else:
            skip = f"ON CONFLICT ({_quoted(BUSINESS_KEY)}) DO NOTHING RETURNING id"
            inserts.insert(0, f"new_referral AS ({insert} {skip})")
    return f"WITH {', '.join(inputs + inserts)} SELECT id FROM new_referral"  # noqa: S608


INTAKE_SQL = _statement()


def intake_arguments(batch: Sequence[NewReferralRows]) -> list[str]:
    """One JSON array per `$n` of INTAKE_SQL: the referrals, then each dependent table's
    rows, each tagged with its referral's id."""
    referrals: list[dict[str, Any]] = []
    trajectories: list[dict[str, Any]] = []
    records: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    lines: list[dict[str, Any]] = []
    for new in batch:
        ref = new.referral["id"]
        referrals.append(new.referral)
        trajectories.append({REFERENCE: ref, **new.trajectory})
        if new.record is not None:
            records.append({REFERENCE: ref, **new.record})
        events.extend({REFERENCE: ref, **row} for row in new.events)
        lines.extend({REFERENCE: ref, **row} for row in new.lines)
    # pydantic-core writes UUIDs, datetimes and dates in forms PostgreSQL reads back exactly.
    return [to_json(rows).decode() for rows in (referrals, trajectories, records, events, lines)]
