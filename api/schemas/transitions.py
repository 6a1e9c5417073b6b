"""Wire shapes of trajectory transitions (CONTRACT §9.4): NieuweOvergang and Overgang."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field

from api.schemas.common import (
    Code,
    FreeText,
    JsonBool,
    JsonDate,
    RequestModel,
    ResponseModel,
    Uuid,
    guard_code,
    iso,
    unique,
)
from api.schemas.trajectories import TrajectStatus
from api.schemas.warnings import Waarschuwing, warnings_wire
from domain.model.trajectory import TrajectoryState
from domain.model.transition_rules import TransitionTrajectory
from domain.views.lifecycle import TransitionView

CodeList = Annotated[list[Code], Field(min_length=1, max_length=10), AfterValidator(unique)]
Status = Annotated[TrajectStatus, BeforeValidator(guard_code)]


class NieuweOvergang(RequestModel):
    """`naar` plus the fields of the pair (CONTRACT §9.4 "Fields"); others are refused."""

    naar: Status
    intake_datum: JsonDate | None = None
    reden: Code | None = None
    toelichting: Annotated[FreeText, Field(min_length=1, max_length=500)] | None = None
    contra_indicaties_gecontroleerd: JsonBool | None = None
    indicaties: CodeList | None = None
    vrijwilliger_id: Uuid | None = None
    matchcriteria: CodeList | None = None
    geplande_einddatum: JsonDate | None = None
    startdatum: JsonDate | None = None
    heroverweging_op: JsonDate | None = None
    uitkomst: Code | None = None
    afsluitdatum: JsonDate | None = None

    def to_command(
        self, trajectory_id: str, *, expected_version: int | None
    ) -> TransitionTrajectory:
        return TransitionTrajectory(
            trajectory_id=trajectory_id,
            target=TrajectoryState(self.naar),
            intake_date=self.intake_datum,
            reason=self.reden,
            explanation=self.toelichting,
            contra_indications_checked=self.contra_indicaties_gecontroleerd,
            indications=tuple(self.indicaties) if self.indicaties is not None else None,
            volunteer_id=self.vrijwilliger_id.lower() if self.vrijwilliger_id else None,
            match_criteria=tuple(self.matchcriteria) if self.matchcriteria is not None else None,
            planned_end_date=self.geplande_einddatum,
            start_date=self.startdatum,
            review_date=self.heroverweging_op,
            outcome=self.uitkomst,
            closed_date=self.afsluitdatum,
            expected_version=expected_version,
        )


class UitgevoerdDoor(ResponseModel):
    actor_id: str
    rol: str


class Overgang(ResponseModel):
    """One move: the submitted and server-filled fields of its pair, nothing else."""

    id: str = Field(json_schema_extra={"format": "uuid"})
    traject_id: str = Field(json_schema_extra={"format": "uuid"})
    van: TrajectStatus
    naar: TrajectStatus
    soort: str
    intake_datum: date | None = None
    reden: str | None = None
    toelichting: str | None = None
    contra_indicaties_gecontroleerd: bool | None = None
    indicaties: list[str] | None = None
    vrijwilliger_id: str | None = None
    matchcriteria: list[str] | None = None
    geplande_einddatum: date | None = None
    startdatum: date | None = None
    heroverweging_op: date | None = None
    uitkomst: str | None = None
    afsluitdatum: date | None = None
    uitgevoerd_door: UitgevoerdDoor
    tijdstip: datetime
    traject_versie: int
    waarschuwingen: list[Waarschuwing] | None = None


class OvergangLijst(ResponseModel):
    resultaten: list[Overgang]
    volgende: str | None


def _json(value: object) -> object:
    if isinstance(value, date):
        return iso(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def overgang_wire(view: TransitionView, *, with_warnings: bool = False) -> dict[str, Any]:
    record = view.record
    cmd = record.fields
    given = {
        "intakeDatum": cmd.intake_date,
        "reden": view.reason,
        "toelichting": cmd.explanation if view.explanation_visible else None,
        "contraIndicatiesGecontroleerd": cmd.contra_indications_checked,
        "indicaties": cmd.indications,
        "vrijwilligerId": cmd.volunteer_id,
        "matchcriteria": cmd.match_criteria,
        "geplandeEinddatum": cmd.planned_end_date,
        "startdatum": cmd.start_date,
        "heroverwegingOp": cmd.review_date,
        "uitkomst": cmd.outcome,
        "afsluitdatum": cmd.closed_date,
    }
    wire: dict[str, Any] = {
        "id": record.id,
        "trajectId": record.trajectory_id,
        "van": record.from_state.value,
        "naar": record.to_state.value,
        "soort": record.kind.value,
    }
    wire.update({name: _json(value) for name, value in given.items() if value is not None})
    wire["uitgevoerdDoor"] = {"actorId": record.actor_id, "rol": record.actor_role}
    wire["tijdstip"] = iso(record.at)
    wire["trajectVersie"] = record.trajectory_version
    if with_warnings:
        wire["waarschuwingen"] = warnings_wire(view.warnings)
    return wire
