"""SQL repository of Meldcode cases, signals and steps (SQLAlchemy Core). Cases are written
back with the unit of work, guarded by the version read; signals and steps are inserted."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.db.lazy_connection import LazyConnection
from adapters.db.meldcode_mappers import (
    case_from_row,
    case_row,
    signal_from_row,
    signal_row,
    step_from_row,
    step_row,
)
from adapters.db.meldcode_tables import MeldcodeCaseRow, MeldcodeSignalRow, MeldcodeStepRow
from adapters.db.repositories import Tracked, trajectory_t, uuid_or_none
from adapters.db.tables import table_of
from domain.model.meldcode import CaseStatus, MeldcodeCase, Signal, Step
from domain.ports import StaleVersion
from domain.views.meldcode import CaseFilter

case_t = table_of(MeldcodeCaseRow)
signal_t = table_of(MeldcodeSignalRow)
step_t = table_of(MeldcodeStepRow)


class SqlMeldcodeRepository:
    def __init__(self, conn: LazyConnection, tracked: Tracked) -> None:
        self._conn, self._tracked = conn, tracked

    def add(self, case: MeldcodeCase) -> None:
        self._tracked.new_cases.append(case)

    def _track(self, row: Any) -> MeldcodeCase:
        key = str(row.id)
        for known in self._tracked.cases:
            if known.id == key:
                return known  # one object per record and unit of work
        case = case_from_row(row)
        self._tracked.cases.append(case)
        self._tracked.loaded_versions.setdefault(case.id, case.version)
        self._tracked.loaded_rows.setdefault(case.id, case_row(case))
        return case

    async def get(self, case_id: str) -> MeldcodeCase | None:
        key = uuid_or_none(case_id)
        if key is None:
            return None
        row = (await self._conn.execute(sa.select(case_t).where(case_t.c.id == key))).first()
        return None if row is None else self._track(row)

    async def open_for(self, trajectory_id: str) -> MeldcodeCase | None:
        key = uuid_or_none(trajectory_id)
        if key is None:
            return None
        query = sa.select(case_t).where(
            case_t.c.trajectory_id == key, case_t.c.status != CaseStatus.CLOSED.value
        )
        row = (await self._conn.execute(query)).first()
        return None if row is None else self._track(row)

    async def page(
        self, selection: CaseFilter, *, after: tuple[datetime, str] | None, limit: int
    ) -> Sequence[MeldcodeCase]:
        c = case_t
        query = sa.select(c).where(c.c.organisation == selection.organisation)
        if selection.municipalities is not None:
            query = query.where(c.c.municipality.in_(sorted(selection.municipalities)))
        if selection.statuses:
            query = query.where(c.c.status.in_(sorted(selection.statuses)))
        if selection.trajectory_id is not None:
            query = query.where(c.c.trajectory_id == uuid_or_none(selection.trajectory_id))
        if after is not None:
            at, key = after
            query = query.where(sa.tuple_(c.c.opened_at, c.c.id) < (at, uuid_or_none(key)))
        query = query.order_by(c.c.opened_at.desc(), c.c.id.desc()).limit(limit)
        return [case_from_row(row) for row in (await self._conn.execute(query)).all()]

    def add_signal(self, signal: Signal) -> None:
        self._tracked.inserts.append((signal_t, signal_row(signal)))

    async def signal(self, signal_id: str) -> tuple[Signal, MeldcodeCase] | None:
        key = uuid_or_none(signal_id)
        if key is None:
            return None
        query = sa.select(signal_t).where(signal_t.c.id == key)
        row = (await self._conn.execute(query)).first()
        if row is None:
            return None
        case = await self.get(str(row.case_id))
        return None if case is None else (signal_from_row(row), case)

    async def signals(self, case_id: str) -> Sequence[Signal]:
        query = (
            sa.select(signal_t)
            .where(signal_t.c.case_id == uuid_or_none(case_id))
            .order_by(signal_t.c.reported_at, signal_t.c.id)
        )
        return [signal_from_row(row) for row in (await self._conn.execute(query)).all()]

    def add_step(self, step: Step) -> None:
        self._tracked.inserts.append((step_t, step_row(step)))

    async def step(self, case_id: str, step_id: str) -> Step | None:
        case_key, step_key = uuid_or_none(case_id), uuid_or_none(step_id)
        if case_key is None or step_key is None:
            return None
        query = sa.select(step_t).where(step_t.c.case_id == case_key, step_t.c.id == step_key)
        row = (await self._conn.execute(query)).first()
        return None if row is None else step_from_row(row)

    async def steps(self, case_id: str, *, after: int, limit: int) -> Sequence[Step]:
        query = (
            sa.select(step_t)
            .where(step_t.c.case_id == uuid_or_none(case_id), step_t.c.sequence > after)
            .order_by(step_t.c.sequence)
            .limit(limit)
        )
        return [step_from_row(row) for row in (await self._conn.execute(query)).all()]

    def mark_trajectory(
        self, trajectory_id: str, *, open_case: bool, held_until: date | None
    ) -> None:
        self._tracked.trajectory_marks[trajectory_id] = (open_case, held_until)


async def write_cases(conn: AsyncConnection, tracked: Tracked) -> None:
    """New cases, before the signals that join them; a second open case for a trajectory
    (a concurrent first signal won) is `StaleVersion`, so the use case re-reads (R22)."""
    for case in tracked.new_cases:
        try:
            await conn.execute(sa.insert(case_t), case_row(case))
        except sa.exc.IntegrityError:
            raise StaleVersion("another case for this trajectory was opened") from None


async def write_marks(conn: AsyncConnection, tracked: Tracked) -> None:
    """The derived Meldcode columns of trajectories, without touching their `versie`."""
    for trajectory_id, (open_case, held_until) in tracked.trajectory_marks.items():
        await conn.execute(
            sa.update(trajectory_t)
            .where(trajectory_t.c.id == UUID(trajectory_id))
            .values(meldcode_open=open_case, held_until=held_until)
        )
