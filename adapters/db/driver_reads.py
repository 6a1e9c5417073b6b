"""Hot-path reads through the driver on PostgreSQL: a trajectory by id (with its referrer's
organisation, which the feedback event is addressed to) in one prepared statement.

SQLAlchemy Core costs about 0.4 ms of CPU per statement here (statement, execute, result
processing) against about 0.1 ms for asyncpg's own fetch; a transition or a visit starts
with this read. The SQL is built from the table metadata, so a new column comes along.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Final
from uuid import UUID

import sqlalchemy as sa
from pydantic_core import from_json

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
TRAJECTORY_BY_ID: Final = (
    f'SELECT {_COLUMNS}, r."org_scheme" AS "referrer_scheme", '  # noqa: S608
    f'r."org_value" AS "referrer_value" FROM "{trajectory_t.name}" AS t '
    f'JOIN "{referral_t.name}" AS r ON r."id" = t."referral_id" WHERE t."id" = $1'
)


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


async def trajectory_by_id(conn: LazyConnection, key: UUID) -> Loaded | None:
    """The trajectory and its row as read (column -> value), for the write-back's diff."""
    driver = await conn.driver()
    record = await driver.fetchrow(TRAJECTORY_BY_ID, key)
    return None if record is None else _trajectory(record)


def _trajectory(record: Any) -> Loaded:
    row = _Record(record)
    trajectory = trajectory_from_row(row)
    trajectory.referrer_org = f"{record['referrer_scheme']}:{record['referrer_value']}"
    return trajectory, row.__dict__


NEWEST_COUNTED_VISIT: Final = (
    'SELECT max(v."visit_date") FROM "visit" AS v WHERE v."trajectory_id" = $1 '
    'AND v."visit_date" <= $2 AND v."kind" = \'huisbezoek\' '
    'AND v."replaced_by" IS NULL AND NOT v."void"'
)
# A visit's two reads in one statement: the trajectory, and its newest counted visit on or
# before the new one's date (for the `langer-dan-maand-geleden` warning).
_NEWEST_OF_T: Final = NEWEST_COUNTED_VISIT.replace("$1", 't."id"')
TRAJECTORY_WITH_NEWEST_VISIT: Final = TRAJECTORY_BY_ID.replace(
    " FROM ", f', ({_NEWEST_OF_T}) AS "newest_visit" FROM ', 1
)


async def trajectory_with_newest_visit(
    conn: LazyConnection, key: UUID, on: date
) -> tuple[Loaded, date | None] | None:
    record = await (await conn.driver()).fetchrow(TRAJECTORY_WITH_NEWEST_VISIT, key, on)
    return None if record is None else (_trajectory(record), record["newest_visit"])
