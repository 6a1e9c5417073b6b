"""Rows <-> entities for volunteers, supervision, transitions and visits."""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from typing import Any, Final
from uuid import UUID

from domain.model.contact import normalise_language
from domain.model.history import TransitionRecord
from domain.model.transition_rules import ChangeKind, TransitionTrajectory
from domain.model.visit import Visit, VisitDetails, VisitKind
from domain.model.volunteer import Supervision, SupervisionKind, SupervisionTopic, Volunteer

# TransitionTrajectory attribute -> published name, for the `fields` column.
_PUBLISHED: Final = {f.name: f.metadata["name"] for f in fields(TransitionTrajectory) if f.metadata}
_ATTRIBUTE: Final = {name: attribute for attribute, name in _PUBLISHED.items()}


def language_keys(languages: tuple[str, ...]) -> str:
    """ ",nl,ar,": each code as ISO 639-1 where one exists, for the `taal` filter."""
    keys = []
    for code in languages:
        try:
            keys.append(normalise_language(code))
        except ValueError:
            keys.append(code)
    return "," + ",".join(sorted(set(keys))) + ","


def volunteer_row(v: Volunteer) -> dict[str, Any]:
    return {
        "id": UUID(v.id),
        "organisation": v.organisation,
        "municipality": v.municipality,
        "status": v.status,
        "version": v.version,
        "personal": {
            "first_name": v.first_name,
            "surname": v.surname,
            "phone": v.phone,
            "email": v.email,
        },
        "wijkcodes": list(v.wijkcodes),
        "languages": list(v.languages),
        "language_keys": language_keys(v.languages),
        "capacity": v.capacity,
        "vog_date": v.vog_date,
        "running_trajectories": v.running_trajectories,
        "completed_trajectories": v.completed_trajectories,
        "training_sessions": v.training_sessions,
        "last_individual_supervision": v.last_individual_supervision,
        "start_date": v.start_date,
        "stopped_on": v.stopped_on,
        "created_at": v.created_at,
        "updated_at": v.updated_at,
    }


def volunteer_from_row(row: Any) -> Volunteer:
    personal = row.personal or {}
    return Volunteer(
        id=str(row.id),
        organisation=row.organisation,
        first_name=personal.get("first_name", ""),
        surname=personal.get("surname", ""),
        phone=personal.get("phone", ""),
        municipality=row.municipality,
        languages=tuple(row.languages),
        created_at=row.created_at,
        updated_at=row.updated_at,
        email=personal.get("email"),
        wijkcodes=tuple(row.wijkcodes),
        capacity=row.capacity,
        status=row.status,
        vog_date=row.vog_date,
        version=row.version,
        running_trajectories=row.running_trajectories,
        completed_trajectories=row.completed_trajectories,
        training_sessions=row.training_sessions,
        last_individual_supervision=row.last_individual_supervision,
        start_date=row.start_date,
        stopped_on=row.stopped_on,
    )


def _json(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def transition_row(record: TransitionRecord) -> dict[str, Any]:
    cmd = record.fields
    published = {
        name: _json(getattr(cmd, attribute))
        for attribute, name in _PUBLISHED.items()
        if getattr(cmd, attribute) is not None
    }
    return {
        "id": UUID(record.id),
        "trajectory_id": UUID(record.trajectory_id),
        "organisation": record.organisation,
        "from_state": record.from_state,
        "to_state": record.to_state,
        "kind": record.kind.value,
        "fields": published,
        "actor_id": record.actor_id,
        "actor_role": record.actor_role,
        "at": record.at,
        "trajectory_version": record.trajectory_version,
    }


_DATES: Final = frozenset(
    {"intakeDatum", "geplandeEinddatum", "startdatum", "heroverwegingOp", "afsluitdatum"}
)


def _attribute_value(name: str, value: Any) -> Any:
    if name in _DATES:
        return date.fromisoformat(value)
    if isinstance(value, list):
        return tuple(value)
    return value


def transition_from_row(row: Any) -> TransitionRecord:
    stored = {
        _ATTRIBUTE[name]: _attribute_value(name, value)
        for name, value in row.fields.items()
        if name in _ATTRIBUTE
    }
    return TransitionRecord(
        id=str(row.id),
        trajectory_id=str(row.trajectory_id),
        organisation=row.organisation,
        from_state=row.from_state,
        to_state=row.to_state,
        kind=ChangeKind(row.kind),
        fields=TransitionTrajectory(str(row.trajectory_id), row.to_state, **stored),
        actor_id=row.actor_id,
        actor_role=row.actor_role,
        at=row.at,
        trajectory_version=row.trajectory_version,
    )


def visit_row(v: Visit) -> dict[str, Any]:
    d = v.details
    return {
        "id": UUID(v.id),
        "trajectory_id": UUID(v.trajectory_id),
        "organisation": v.organisation,
        "volunteer_id": UUID(v.volunteer_id),
        "phase": v.phase,
        "kind": d.kind.value,
        "visit_date": d.on,
        "duration_minutes": d.duration_minutes,
        "location": d.location,
        "topics": list(d.topics),
        "picture_themes": list(d.picture_themes),
        "note": d.note,
        "next_visit_on": d.next_visit_on,
        "recorded_by_id": v.recorded_by_id,
        "recorded_by_role": v.recorded_by_role,
        "recorded_at": v.recorded_at,
        "corrects": UUID(v.corrects) if v.corrects else None,
        "replaced_by": UUID(v.replaced_by) if v.replaced_by else None,
        "correction_reason": v.correction_reason,
        "void": v.void,
    }


def visit_from_row(row: Any) -> Visit:
    return Visit(
        id=str(row.id),
        trajectory_id=str(row.trajectory_id),
        organisation=row.organisation,
        volunteer_id=str(row.volunteer_id),
        phase=row.phase,
        details=VisitDetails(
            kind=VisitKind(row.kind),
            on=row.visit_date,
            duration_minutes=row.duration_minutes,
            location=row.location,
            topics=tuple(row.topics),
            picture_themes=tuple(row.picture_themes),
            note=row.note,
            next_visit_on=row.next_visit_on,
        ),
        recorded_by_id=row.recorded_by_id,
        recorded_by_role=row.recorded_by_role,
        recorded_at=row.recorded_at,
        corrects=str(row.corrects) if row.corrects else None,
        replaced_by=str(row.replaced_by) if row.replaced_by else None,
        correction_reason=row.correction_reason,
        void=row.void,
    )


def supervision_row(s: Supervision) -> dict[str, Any]:
    return {
        "id": UUID(s.id),
        "volunteer_id": UUID(s.volunteer_id),
        "kind": s.kind.value,
        "supervision_date": s.on,
        "duration_minutes": s.duration_minutes,
        "training_session": s.training_session,
        "topics": [t.value for t in s.topics],
        "note": s.note,
        "recorded_by_id": s.recorded_by_id,
        "recorded_by_role": s.recorded_by_role,
        "recorded_at": s.recorded_at,
    }


def supervision_from_row(row: Any) -> Supervision:
    return Supervision(
        id=str(row.id),
        volunteer_id=str(row.volunteer_id),
        kind=SupervisionKind(row.kind),
        on=row.supervision_date,
        duration_minutes=row.duration_minutes,
        training_session=row.training_session,
        topics=tuple(SupervisionTopic(t) for t in row.topics),
        note=row.note,
        recorded_by_id=row.recorded_by_id,
        recorded_by_role=row.recorded_by_role,
        recorded_at=row.recorded_at,
    )
