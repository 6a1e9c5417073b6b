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

from collections.abc import Sequence
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

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


def intake_parameters(
    *,
    referral: dict[str, Any],
    trajectory: dict[str, Any],
    record: dict[str, Any] | None,
    events: Sequence[dict[str, Any]],
    lines: Sequence[dict[str, Any]],
) -> dict[str, Any]:
    params = _prefixed(referral_t, "r_", referral) | _prefixed(trajectory_t, "t_", trajectory)
    if record is not None:
        params |= _prefixed(record_t, "k_", record)
    for n, row in enumerate(events):
        params |= _prefixed(event_t, f"e{n}_", row)
    for n, row in enumerate(lines):
        params |= _prefixed(line_t, f"a{n}_", row)
    return params


def _prefixed(table: sa.Table, prefix: str, row: dict[str, Any]) -> dict[str, Any]:
    return {f"{prefix}{c.name}": row.get(c.name) for c in table.c}
