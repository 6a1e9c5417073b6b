"""Hot-path reads through the driver on PostgreSQL: trajectories by id (with their referrer's
organisation, which the feedback event is addressed to) in one prepared statement, one or
many (adapters.db.read_batches).

SQLAlchemy Core costs about 0.4 ms of CPU per statement here (statement, execute, result
processing) against about 0.1 ms for asyncpg's own fetch; a transition or a visit starts
with this read. The SQL is built from the table metadata, so a new column comes along.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Final
from uuid import UUID

import sqlalchemy as sa
from pydantic_core import from_json, to_json

from adapters.db.lazy_connection import LazyConnection
from adapters.db.mappers import trajectory_from_row
from adapters.db.tables import ReferralRow, TrajectoryRow, table_of
from domain.model.trajectory import Trajectory, TrajectoryState

trajectory_t = table_of(TrajectoryRow)
referral_t = table_of(ReferralRow)
_JSON: Final = frozenset(
    c.name for c in trajectory_t.c if isinstance(c.type, sa.JSON) or "JSON" in str(c.type)
)
_STATES: Final = frozenset({"state", "phase"})
_COLUMNS: Final = ", ".join(f't."{c.name}"' for c in trajectory_t.c)
NEWEST_COUNTED_VISIT: Final = (
    'SELECT max(v."visit_date") FROM "visit" AS v WHERE v."trajectory_id" = $1 '
    'AND v."visit_date" <= $2 AND v."kind" = \'huisbezoek\' '
    'AND v."replaced_by" IS NULL AND NOT v."void"'
)
NEWEST: Final = "newest_visit"
ON: Final = "__on"  # the date a visit is recorded for, when the read is a visit's
_NEWEST_FOR_Q: Final = NEWEST_COUNTED_VISIT.replace("$1", 't."id"').replace("$2", f'q."{ON}"')
# Any number of trajectories in one statement, each with its newest counted visit on or before
# `ON` (for the `langer-dan-maand-geleden` warning) when the read is a visit's.
TRAJECTORIES: Final = (
    f'SELECT q."{ON}", {_COLUMNS}, r."org_scheme" AS "referrer_scheme", '  # noqa: S608
    f'r."org_value" AS "referrer_value", CASE WHEN q."{ON}" IS NULL THEN NULL '
    f'ELSE ({_NEWEST_FOR_Q}) END AS "newest_visit" '
    f'FROM json_to_recordset($1::json) AS q("id" uuid, "{ON}" date) '
    f'JOIN "{trajectory_t.name}" AS t ON t."id" = q."id" '
    f'JOIN "{referral_t.name}" AS r ON r."id" = t."referral_id"'
)
Wanted = tuple[UUID, date | None]  # a trajectory, and the visit date of a visit's read


async def fetch_trajectories(driver: Any, wanted: Sequence[Wanted]) -> dict[Wanted, Any]:
    """The records found, by what was asked (absent ones are left out)."""
    asked = to_json([{"id": key, ON: on} for key, on in dict.fromkeys(wanted)]).decode()
    records = await driver.fetch(TRAJECTORIES, asked)
    return {(record["id"], record[ON]): record for record in records}


class _Record:
    """Attribute access to an asyncpg Record, decoded as SQLAlchemy's result would be."""

    def __init__(self, record: Any) -> None:
        for key, value in record.items():
            if key in _JSON and isinstance(value, str):
                value = from_json(value)
            elif key in _STATES and value is not None:
                value = TrajectoryState(value)
            self.__dict__[key] = value


Loaded = tuple[Trajectory, dict[str, Any]]


def loaded(record: Any) -> Loaded:
    """The trajectory of a TRAJECTORIES record and its row as read (column -> value), for the
    write-back's diff."""
    row = _Record(record)
    trajectory = trajectory_from_row(row)
    trajectory.referrer_org = f"{record['referrer_scheme']}:{record['referrer_value']}"
    return trajectory, row.__dict__


async def trajectory_by_id(
    conn: LazyConnection, key: UUID, on: date | None = None
) -> tuple[Loaded, date | None] | None:
    """On the unit of work's own connection: the trajectory and, with `on`, its newest
    counted visit on or before that date."""
    found = await fetch_trajectories(await conn.driver(), [(key, on)])
    record = found.get((key, on))
    return None if record is None else (loaded(record), record[NEWEST])
