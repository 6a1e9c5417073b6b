"""Rows of Meldcode cases, signals and steps, both ways. Step and signal fields are kept by
their published names, dates as ISO text."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from datetime import date
from typing import Any
from uuid import UUID

from domain.model.meldcode import (
    CaseFacts,
    CaseStatus,
    ClosingReason,
    Decision,
    MeldcodeCase,
    RecordedBy,
    Signal,
    Step,
    StepKind,
)
from domain.views.meldcode import jsonable


def _facts_json(facts: CaseFacts) -> dict[str, Any]:
    data = asdict(facts)
    data["vt_steps"] = list(facts.vt_steps)
    shaped: dict[str, Any] = jsonable(data)
    return shaped


def _facts(data: Mapping[str, Any]) -> CaseFacts:
    decision = data.get("decision")
    return CaseFacts(
        suspicion=data.get("suspicion"),
        unsafety=data.get("unsafety"),
        vt_steps=tuple(data.get("vt_steps") or ()),
        vt_consulted=bool(data.get("vt_consulted")),
        decision=None
        if decision is None
        else Decision(
            report_necessary=decision["report_necessary"],
            help_possible=decision["help_possible"],
            taken_by=decision["taken_by"],
            on=date.fromisoformat(decision["on"]),
        ),
        acute_reported=bool(data.get("acute_reported")),
        report_made=bool(data.get("report_made")),
        report_required=bool(data.get("report_required")),
        help_given=bool(data.get("help_given")),
        safety_restored=data.get("safety_restored"),
    )


def case_row(case: MeldcodeCase) -> dict[str, Any]:
    return {
        "id": UUID(case.id),
        "trajectory_id": UUID(case.trajectory_id),
        "organisation": case.organisation,
        "municipality": case.municipality,
        "status": case.status.value,
        "version": case.version,
        "step_count": case.step_count,
        "signal_count": case.signal_count,
        "facts": _facts_json(case.facts),
        "closing_reason": case.closing_reason.value if case.closing_reason else None,
        "closed_at": case.closed_at,
        "retention_until": case.retention_until,
        "opened_at": case.opened_at,
        "updated_at": case.updated_at,
    }


def case_from_row(row: Any) -> MeldcodeCase:
    return MeldcodeCase(
        id=str(row.id),
        trajectory_id=str(row.trajectory_id),
        organisation=row.organisation,
        municipality=row.municipality,
        status=CaseStatus(row.status),
        opened_at=row.opened_at,
        updated_at=row.updated_at,
        version=row.version,
        step_count=row.step_count,
        signal_count=row.signal_count,
        facts=_facts(row.facts),
        closing_reason=ClosingReason(row.closing_reason) if row.closing_reason else None,
        closed_at=row.closed_at,
        retention_until=row.retention_until,
    )


def signal_row(signal: Signal) -> dict[str, Any]:
    return {
        "id": UUID(signal.id),
        "case_id": UUID(signal.case_id),
        "trajectory_id": UUID(signal.trajectory_id),
        "organisation": signal.organisation,
        "fields": {
            "waargenomenOp": signal.observed_on.isoformat(),
            "waarneming": signal.observation,
            "bron": signal.source,
            "derdeRol": signal.third_party_role,
            "zorgOver": signal.concerns,
            "acuutGevaar": signal.acute_danger,
        },
        "reported_by_id": signal.reported_by.actor_id,
        "reported_by_role": signal.reported_by.role,
        "reported_at": signal.reported_at,
    }


def signal_from_row(row: Any) -> Signal:
    fields = row.fields
    return Signal(
        id=str(row.id),
        case_id=str(row.case_id),
        trajectory_id=str(row.trajectory_id),
        organisation=row.organisation,
        observed_on=date.fromisoformat(fields["waargenomenOp"]),
        observation=fields["waarneming"],
        source=fields["bron"],
        third_party_role=fields.get("derdeRol"),
        concerns=fields["zorgOver"],
        acute_danger=fields["acuutGevaar"],
        reported_by=RecordedBy(row.reported_by_id, row.reported_by_role),
        reported_at=row.reported_at,
    )


def step_row(step: Step) -> dict[str, Any]:
    return {
        "id": UUID(step.id),
        "case_id": UUID(step.case_id),
        "organisation": step.organisation,
        "sequence": step.sequence,
        "kind": step.kind.value,
        "status_before": step.status_before.value,
        "status_after": step.status_after.value,
        "fields": jsonable(step.fields),
        "recorded_by_id": step.recorded_by.actor_id,
        "recorded_by_role": step.recorded_by.role,
        "recorded_at": step.recorded_at,
    }


def step_from_row(row: Any) -> Step:
    return Step(
        id=str(row.id),
        case_id=str(row.case_id),
        organisation=row.organisation,
        sequence=row.sequence,
        kind=StepKind(row.kind),
        status_before=CaseStatus(row.status_before),
        status_after=CaseStatus(row.status_after),
        fields=row.fields,
        recorded_by=RecordedBy(row.recorded_by_id, row.recorded_by_role),
        recorded_at=row.recorded_at,
    )
