"""Wire shapes of the Meldcode workflow (CONTRACT §12): signals, cases and steps, rendered for
REST and GraphQL alike."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import ConfigDict, Field, ValidationError

from api.errors import shape_problems
from api.schemas.common import (
    FreeText,
    JsonBool,
    JsonDate,
    Line,
    RequestModel,
    ResponseModel,
    iso,
)
from api.schemas.meldcode_steps import STEP_MODELS, SignaalBron, ZorgOver
from domain.errors import RuleViolation
from domain.model.bsn import looks_like_bsn
from domain.model.calendar import local_date
from domain.model.meldcode import RaiseSignal, Signal, Step, StepKind
from domain.model.meldcode_steps import RecordStep
from domain.views.meldcode import CaseView, SignalReceipt, SignalView, StepResult, jsonable


class NieuwSignaal(RequestModel):
    """`waarneming` is factual and kept verbatim; a third party is named by role only."""

    waargenomen_op: JsonDate
    waarneming: Annotated[FreeText, Field(min_length=1, max_length=2000)]
    bron: SignaalBron
    derde_rol: Annotated[Line, Field(min_length=1, max_length=100)] | None = None
    zorg_over: ZorgOver
    acuut_gevaar: JsonBool

    def to_command(self, trajectory_id: str) -> RaiseSignal:
        return RaiseSignal(
            trajectory_id=trajectory_id,
            observed_on=self.waargenomen_op,
            observation=self.waarneming,
            source=self.bron,
            concerns=self.zorg_over,
            acute_danger=self.acuut_gevaar,
            third_party_role=self.derde_rol,
        )


def step_command(data: Any, case_id: str, expected_version: int | None) -> RecordStep:
    """A parsed body -> the command: `stap` picks the step's own model (400 naming each
    field it refuses), whose fields go to the domain by their published names."""
    if not isinstance(data, dict):
        raise RuleViolation.of("$", "ongeldig-formaat", "Verwacht een JSON-object.")
    kind = data.get("stap")
    if kind is None:
        raise RuleViolation.of("stap", "verplicht", "Welke stap wordt vastgelegd.")
    if isinstance(kind, str) and looks_like_bsn(kind):
        raise RuleViolation.of("stap", "bsn-niet-toegestaan", "Een BSN is niet toegestaan.")
    if not isinstance(kind, str) or kind not in STEP_MODELS:
        raise RuleViolation.of("stap", "ongeldige-waarde", "Onbekende stap.")
    try:
        body = STEP_MODELS[kind].model_validate(data)
    except ValidationError as error:
        located = [{**e, "loc": ("body", *e["loc"])} for e in error.errors()]
        raise RuleViolation(shape_problems(located), "De stap is ongeldig.") from None
    fields = body.model_dump(by_alias=True, exclude={"stap"}, exclude_none=True)
    return RecordStep(case_id, StepKind(kind), fields, expected_version)


class AcuteInstructie(ResponseModel):
    tekst: str
    nummers: list[str]


class SignaalOntvangen(ResponseModel):
    """All the author learns: `{id, status}`; `casusId` only for C, A and E."""

    id: str = Field(json_schema_extra={"format": "uuid"})
    status: str
    casus_id: str | None = Field(default=None, json_schema_extra={"format": "uuid"})
    acute_instructie: AcuteInstructie | None = None


class GemeldDoor(ResponseModel):
    actor_id: str
    rol: str


class Signaal(ResponseModel):
    id: str = Field(json_schema_extra={"format": "uuid"})
    casus_id: str = Field(json_schema_extra={"format": "uuid"})
    traject_id: str = Field(json_schema_extra={"format": "uuid"})
    status: str
    waargenomen_op: date
    waarneming: str
    bron: str
    derde_rol: str | None
    zorg_over: str
    acuut_gevaar: bool
    gemeld_door: GemeldDoor
    gemeld_op: datetime


class Besluit(ResponseModel):
    melden_noodzakelijk: bool
    hulp_mogelijk: bool
    genomen_door: GemeldDoor
    datum: date


class MeldcodeCasus(ResponseModel):
    id: str = Field(json_schema_extra={"format": "uuid"})
    versie: int
    traject_id: str = Field(json_schema_extra={"format": "uuid"})
    uitvoerende_organisatie: str
    gemeente: str
    status: str
    geopend_op: datetime
    signalen: list[Signaal]
    aantal_stappen: int
    besluit: Besluit | None
    acuut_gemeld: bool
    melding_gedaan: bool
    melding_vereist: bool
    afsluitreden: str | None
    afgesloten_op: datetime | None
    bewaartermijn_tot: date | None
    juridische_bewaring: bool


class MeldcodeCasusLijst(ResponseModel):
    resultaten: list[MeldcodeCasus]
    volgende: str | None


class MeldcodeStap(ResponseModel):
    """The common fields; the step's own fields follow by their published names."""

    model_config = ConfigDict(extra="allow")

    id: str = Field(json_schema_extra={"format": "uuid"})
    casus_id: str = Field(json_schema_extra={"format": "uuid"})
    volgnummer: int
    stap: str
    status_voor: str
    status_na: str
    vastgelegd_door: GemeldDoor
    vastgelegd_op: datetime


class MeldcodeStapLijst(ResponseModel):
    resultaten: list[MeldcodeStap]
    volgende: str | None


def receipt_wire(receipt: SignalReceipt) -> dict[str, Any]:
    wire: dict[str, Any] = {"id": receipt.id, "status": receipt.status.value}
    if receipt.case_id is not None:
        wire["casusId"] = receipt.case_id
    if receipt.instruction is not None:
        text, numbers = receipt.instruction
        wire["acuteInstructie"] = {"tekst": text, "nummers": list(numbers)}
    return wire


def signal_wire(signal: Signal, status: str) -> dict[str, Any]:
    return {
        "id": signal.id,
        "casusId": signal.case_id,
        "trajectId": signal.trajectory_id,
        "status": status,
        "waargenomenOp": iso(signal.observed_on),
        "waarneming": signal.observation,
        "bron": signal.source,
        "derdeRol": signal.third_party_role,
        "zorgOver": signal.concerns,
        "acuutGevaar": signal.acute_danger,
        "gemeldDoor": {"actorId": signal.reported_by.actor_id, "rol": signal.reported_by.role},
        "gemeldOp": iso(signal.reported_at),
    }


def signal_view_wire(view: SignalView) -> dict[str, Any]:
    """The whole signal for Meldcode-entitled roles; `{id, status}` for its author (R23)."""
    if view.signal is None:
        return receipt_wire(view.receipt)
    return signal_wire(view.signal, view.receipt.status.value)


def case_wire(view: CaseView) -> dict[str, Any]:
    case, facts = view.case, view.case.facts
    decision = facts.decision
    today = local_date(datetime.now(UTC))
    held = case.open or (case.retention_until is not None and today <= case.retention_until)
    return {
        "id": case.id,
        "versie": case.version,
        "trajectId": case.trajectory_id,
        "uitvoerendeOrganisatie": case.organisation,
        "gemeente": case.municipality,
        "status": case.status.value,
        "geopendOp": iso(case.opened_at),
        "signalen": [signal_wire(s, case.signal_status().value) for s in view.signals],
        "aantalStappen": case.step_count,
        "besluit": None
        if decision is None
        else {
            "meldenNoodzakelijk": decision.report_necessary,
            "hulpMogelijk": decision.help_possible,
            "genomenDoor": {"actorId": decision.taken_by, "rol": "eindverantwoordelijke"},
            "datum": iso(decision.on),
        },
        "acuutGemeld": facts.acute_reported,
        "meldingGedaan": facts.report_made,
        "meldingVereist": facts.report_required,
        "afsluitreden": case.closing_reason.value if case.closing_reason else None,
        "afgeslotenOp": iso(case.closed_at),
        "bewaartermijnTot": iso(case.retention_until),
        "juridischeBewaring": held,
    }


def step_wire(step: Step) -> dict[str, Any]:
    return {
        "id": step.id,
        "casusId": step.case_id,
        "volgnummer": step.sequence,
        "stap": step.kind.value,
        "statusVoor": step.status_before.value,
        "statusNa": step.status_after.value,
        "vastgelegdDoor": {"actorId": step.recorded_by.actor_id, "rol": step.recorded_by.role},
        "vastgelegdOp": iso(step.recorded_at),
        **jsonable(step.fields),
    }


def step_result_wire(result: StepResult) -> dict[str, Any]:
    return step_wire(result.step)
