"""SQL repositories of volunteers, supervision, transitions and visits (SQLAlchemy Core)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from uuid import UUID

import sqlalchemy as sa

from adapters.db.lazy_connection import LazyConnection
from adapters.db.lifecycle_mappers import (
    language_keys,
    supervision_from_row,
    supervision_row,
    transition_from_row,
    transition_row,
    visit_from_row,
    visit_row,
    volunteer_from_row,
    volunteer_row,
)
from adapters.db.repositories import Tracked, uuid_or_none
from adapters.db.tables import (
    SupervisionRow,
    TransitionRow,
    VisitRow,
    VolunteerRow,
    table_of,
)
from domain.model.history import TransitionRecord
from domain.model.visit import Visit
from domain.model.volunteer import (
    SUPERVISION_INTERVAL_DAYS,
    Supervision,
    Volunteer,
    VolunteerStatus,
)
from domain.views.lifecycle import VisitFilter
from domain.views.volunteers import VolunteerFilter

volunteer_t = table_of(VolunteerRow)
transition_t = table_of(TransitionRow)
visit_t = table_of(VisitRow)
supervision_t = table_of(SupervisionRow)


class SqlVolunteerRepository:
    def __init__(self, conn: LazyConnection, tracked: Tracked) -> None:
        self._conn, self._tracked = conn, tracked

    def add(self, volunteer: Volunteer) -> None:
        self._tracked.new_volunteers.append(volunteer)

    async def get(self, volunteer_id: str) -> Volunteer | None:
        key = uuid_or_none(volunteer_id)
        if key is None:
            return None
        for known in self._tracked.volunteers:
            if known.id == str(key):
                return known  # one object per record and unit of work
        row = (
            await self._conn.execute(sa.select(volunteer_t).where(volunteer_t.c.id == key))
        ).first()
        if row is None:
            return None
        volunteer = volunteer_from_row(row)
        self._tracked.volunteers.append(volunteer)
        self._tracked.loaded_versions.setdefault(volunteer.id, volunteer.version)
        self._tracked.loaded_rows.setdefault(volunteer.id, volunteer_row(volunteer))
        return volunteer

    async def many(self, ids: Sequence[str]) -> Sequence[Volunteer]:
        keys = sorted({key for key in map(uuid_or_none, ids) if key is not None})
        if not keys:
            return []
        query = sa.select(volunteer_t).where(volunteer_t.c.id.in_(keys))
        return [volunteer_from_row(row) for row in (await self._conn.execute(query)).all()]

    async def page(
        self, selection: VolunteerFilter, *, after: tuple[datetime, str] | None, limit: int
    ) -> Sequence[Volunteer]:
        v = volunteer_t
        query = sa.select(v).where(v.c.organisation == selection.organisation)
        if selection.statuses:
            query = query.where(v.c.status.in_(sorted(selection.statuses)))
        if selection.municipality is not None:
            query = query.where(v.c.municipality == selection.municipality)
        if selection.municipalities is not None:
            query = query.where(v.c.municipality.in_(sorted(selection.municipalities)))
        if selection.language is not None:
            query = query.where(v.c.language_keys.contains(language_keys((selection.language,))))
        if selection.overdue is not None and selection.today is not None:
            due = selection.today.toordinal() - SUPERVISION_INTERVAL_DAYS
            overdue = sa.and_(
                v.c.running_trajectories > 0,
                sa.or_(
                    v.c.last_individual_supervision.is_(None),
                    v.c.last_individual_supervision < date.fromordinal(due),
                ),
            )
            query = query.where(overdue if selection.overdue else sa.not_(overdue))
        if after is not None:
            at, key = after
            query = query.where(sa.tuple_(v.c.created_at, v.c.id) < (at, uuid_or_none(key)))
        query = query.order_by(v.c.created_at.desc(), v.c.id.desc()).limit(limit)
        return [volunteer_from_row(row) for row in (await self._conn.execute(query)).all()]

    async def available(self, organisation: str) -> Sequence[Volunteer]:
        v = volunteer_t
        query = sa.select(v).where(
            v.c.organisation == organisation,
            v.c.status == VolunteerStatus.ACTIVE,
            v.c.running_trajectories < v.c.capacity,
        )
        return [volunteer_from_row(row) for row in (await self._conn.execute(query)).all()]


class SqlTransitionLog:
    def __init__(self, conn: LazyConnection, tracked: Tracked) -> None:
        self._conn, self._tracked = conn, tracked

    def add(self, record: TransitionRecord) -> None:
        self._tracked.inserts.append((transition_t, transition_row(record)))

    async def get(self, trajectory_id: str, record_id: str) -> TransitionRecord | None:
        key, trajectory = uuid_or_none(record_id), uuid_or_none(trajectory_id)
        if key is None or trajectory is None:
            return None
        query = sa.select(transition_t).where(
            transition_t.c.id == key, transition_t.c.trajectory_id == trajectory
        )
        row = (await self._conn.execute(query)).first()
        return None if row is None else transition_from_row(row)

    async def page(
        self, trajectory_id: str, *, after: tuple[datetime, str] | None, limit: int
    ) -> Sequence[TransitionRecord]:
        t = transition_t
        query = sa.select(t).where(t.c.trajectory_id == UUID(trajectory_id))
        if after is not None:
            at, key = after
            query = query.where(sa.tuple_(t.c.at, t.c.id) < (at, uuid_or_none(key)))
        query = query.order_by(t.c.at.desc(), t.c.id.desc()).limit(limit)
        return [transition_from_row(row) for row in (await self._conn.execute(query)).all()]

    async def for_trajectories(self, trajectory_ids: Sequence[str]) -> Sequence[TransitionRecord]:
        keys = sorted({key for key in map(uuid_or_none, trajectory_ids) if key is not None})
        if not keys:
            return []
        t = transition_t
        query = (
            sa.select(t)
            .where(t.c.trajectory_id.in_(keys))
            .order_by(t.c.trajectory_id, t.c.at.desc(), t.c.id.desc())
        )
        return [transition_from_row(row) for row in (await self._conn.execute(query)).all()]


class SqlVisitRepository:
    def __init__(self, conn: LazyConnection, tracked: Tracked) -> None:
        self._conn, self._tracked = conn, tracked

    def add(self, visit: Visit) -> None:
        self._tracked.inserts.append((visit_t, visit_row(visit)))

    def replace(self, old: Visit, *, by: str) -> None:
        old.replaced_by = by
        self._tracked.replaced_visits.append((old.id, by))

    async def get(self, trajectory_id: str, visit_id: str) -> Visit | None:
        key, trajectory = uuid_or_none(visit_id), uuid_or_none(trajectory_id)
        if key is None or trajectory is None:
            return None
        query = sa.select(visit_t).where(visit_t.c.id == key, visit_t.c.trajectory_id == trajectory)
        row = (await self._conn.execute(query)).first()
        return None if row is None else visit_from_row(row)

    async def page(
        self, selection: VisitFilter, *, after: tuple[str, str, str] | None, limit: int
    ) -> Sequence[Visit]:
        v = visit_t
        query = sa.select(v).where(v.c.trajectory_id == UUID(selection.trajectory_id))
        if selection.volunteer_id is not None:
            query = query.where(v.c.volunteer_id == uuid_or_none(selection.volunteer_id))
        if not selection.include_replaced:
            query = query.where(v.c.replaced_by.is_(None))
        if after is not None:
            on, at, key = after
            position = (date.fromisoformat(on), datetime.fromisoformat(at), uuid_or_none(key))
            query = query.where(sa.tuple_(v.c.visit_date, v.c.recorded_at, v.c.id) < position)
        query = query.order_by(v.c.visit_date.desc(), v.c.recorded_at.desc(), v.c.id.desc())
        rows = (await self._conn.execute(query.limit(limit))).all()
        return [visit_from_row(row) for row in rows]

    async def current_for_trajectories(
        self, trajectory_ids: Sequence[str], *, volunteer_id: str | None, limit_each: int
    ) -> Sequence[Visit]:
        keys = sorted({key for key in map(uuid_or_none, trajectory_ids) if key is not None})
        if not keys:
            return []
        v = visit_t
        newest_first = (v.c.visit_date.desc(), v.c.recorded_at.desc(), v.c.id.desc())
        # One statement for the whole batch: a window numbers each trajectory's records, so
        # the per-trajectory limit needs no query per trajectory (SQLite >= 3.25 and PG).
        position = sa.func.row_number().over(partition_by=v.c.trajectory_id, order_by=newest_first)
        inner = sa.select(v, position.label("position")).where(
            v.c.trajectory_id.in_(keys), v.c.replaced_by.is_(None)
        )
        if volunteer_id is not None:
            inner = inner.where(v.c.volunteer_id == uuid_or_none(volunteer_id))
        ranked = inner.subquery("ranked")
        query = (
            sa.select(*(ranked.c[column.key] for column in v.c))
            .where(ranked.c.position <= limit_each)
            .order_by(
                ranked.c.trajectory_id,
                ranked.c.visit_date.desc(),
                ranked.c.recorded_at.desc(),
                ranked.c.id.desc(),
            )
        )
        rows = (await self._conn.execute(query)).all()
        return [visit_from_row(row) for row in rows]


class SqlSupervisionRepository:
    def __init__(self, conn: LazyConnection, tracked: Tracked) -> None:
        self._conn, self._tracked = conn, tracked

    def add(self, supervision: Supervision) -> None:
        self._tracked.inserts.append((supervision_t, supervision_row(supervision)))

    async def get(self, volunteer_id: str, supervision_id: str) -> Supervision | None:
        key, volunteer = uuid_or_none(supervision_id), uuid_or_none(volunteer_id)
        if key is None or volunteer is None:
            return None
        s = supervision_t
        query = sa.select(s).where(s.c.id == key, s.c.volunteer_id == volunteer)
        row = (await self._conn.execute(query)).first()
        return None if row is None else supervision_from_row(row)

    async def page(
        self, volunteer_id: str, *, kind: str | None, after: tuple[str, str] | None, limit: int
    ) -> Sequence[Supervision]:
        s = supervision_t
        query = sa.select(s).where(s.c.volunteer_id == UUID(volunteer_id))
        if kind is not None:
            query = query.where(s.c.kind == kind)
        if after is not None:
            on, key = after
            position = (date.fromisoformat(on), uuid_or_none(key))
            query = query.where(sa.tuple_(s.c.supervision_date, s.c.id) < position)
        query = query.order_by(s.c.supervision_date.desc(), s.c.id.desc()).limit(limit)
        return [supervision_from_row(row) for row in (await self._conn.execute(query)).all()]

    async def training_sessions(self, volunteer_id: str) -> frozenset[int]:
        s = supervision_t
        query = sa.select(s.c.training_session).where(
            s.c.volunteer_id == UUID(volunteer_id),
            s.c.kind == "training",
            s.c.training_session.is_not(None),
        )
        return frozenset(int(n) for n in (await self._conn.execute(query)).scalars())
