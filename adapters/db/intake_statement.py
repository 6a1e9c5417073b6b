"""A new referral in one round trip on PostgreSQL.

A referral's transaction writes five tables (referral, trajectory, idempotency record, outbox,
audit). Sent one by one, with BEGIN and COMMIT, that is eight round trips, and on this stack a
round trip costs more CPU than the rest of the request. PostgreSQL runs a statement with
data-modifying CTEs atomically, so one statement in autocommit mode does it all:

- the referral insert skips an existing business key (`ON CONFLICT DO NOTHING`), and every
  other insert selects from its RETURNING, so a taken business key stores nothing at all;
- the idempotency record is a plain insert: a taken key aborts the whole statement with a
  unique violation.

Either way the caller gets `KeyTaken` and the use case decides in an ordinary transaction.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import asyncpg as asyncpg_dialect

from adapters.db.tables import (
    AuditLineRow,
    EventRow,
    IdempotencyRecordRow,
    ReferralRow,
    TrajectoryRow,
    table_of,
)

referral_t = table_of(ReferralRow)
trajectory_t = table_of(TrajectoryRow)
record_t = table_of(IdempotencyRecordRow)
event_t = table_of(EventRow)
line_t = table_of(AuditLineRow)
BUSINESS_KEY = ("org_scheme", "org_value", "reference")


def _params(table: sa.Table, prefix: str) -> list[sa.BindParameter[Any]]:
    return [sa.bindparam(f"{prefix}{c.name}", type_=c.type) for c in table.c]


@cache
def intake_statement(*, remembered: bool, events: int, lines: int) -> sa.Select[Any]:
    """The statement for one referral with `events` events and `lines` audit lines."""
    referral = (
        postgresql.insert(referral_t)
        .values({c.name: p for c, p in zip(referral_t.c, _params(referral_t, "r_"), strict=True)})
        .on_conflict_do_nothing(index_elements=list(BUSINESS_KEY))
        .returning(referral_t.c.id)
        .cte("new_referral")
    )

    def after_referral(table: sa.Table, prefix: str, name: str) -> sa.CTE:
        chosen = sa.select(*_params(table, prefix)).select_from(referral)
        insert = sa.insert(table).from_select([c.name for c in table.c], chosen)
        return insert.returning(*table.primary_key.columns).cte(name)

    ctes = [after_referral(trajectory_t, "t_", "new_trajectory")]
    if remembered:
        ctes.append(after_referral(record_t, "k_", "new_record"))
    ctes += [after_referral(event_t, f"e{n}_", f"new_event_{n}") for n in range(events)]
    ctes += [after_referral(line_t, f"a{n}_", f"new_line_{n}") for n in range(lines)]
    return sa.select(sa.func.count()).select_from(referral).add_cte(*ctes)


@dataclass(frozen=True, slots=True)
class DriverStatement:
    """The statement as asyncpg SQL (`$n` placeholders with casts) and, per placeholder, which
    row (0 referral, 1 trajectory, 2 idempotency record, then events, then audit lines) and
    column feeds it, and whether the value is JSON."""

    sql: str
    plan: tuple[tuple[int, str, bool], ...]

    def arguments(self, rows: Sequence[dict[str, Any]]) -> list[Any]:
        """asyncpg takes JSON(B) as text (the dialect's codec only decodes results)."""
        return [
            _json(rows[part].get(column)) if is_json else rows[part].get(column)
            for part, column, is_json in self.plan
        ]


def _json(value: Any) -> Any:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@cache
def compiled_intake(*, remembered: bool, events: int, lines: int) -> DriverStatement:
    """Sent straight to the driver: SQLAlchemy's per-execution bind processing of ~90
    parameters cost more CPU than the rest of the database work. The values are already
    what asyncpg takes (UUIDs, aware datetimes, dates; JSON as text)."""
    statement = intake_statement(remembered=remembered, events=events, lines=lines)
    compiled = statement.compile(dialect=asyncpg_dialect.dialect())  # type: ignore[no-untyped-call]
    sources = [("r_", referral_t), ("t_", trajectory_t), ("k_", record_t)]
    sources += [(f"e{n}_", event_t) for n in range(events)]
    sources += [(f"a{n}_", line_t) for n in range(lines)]
    where: dict[str, tuple[int, str, bool]] = {
        f"{prefix}{column.name}": (part, column.name, _is_json(column))
        for part, (prefix, table) in enumerate(sources)
        for column in table.c
    }
    return DriverStatement(str(compiled), tuple(where[name] for name in compiled.positiontup or ()))


def _is_json(column: sa.Column[Any]) -> bool:
    return isinstance(column.type, sa.JSON)
