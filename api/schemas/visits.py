"""Wire shapes of visit records (CONTRACT §10): NieuwHuisbezoek, correcties, Huisbezoek."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic.alias_generators import to_camel

from api.schemas.common import (
    FreeText,
    JsonBool,
    JsonDate,
    JsonInt,
    RequestModel,
    ResponseModel,
    Uuid,
    guard_code,
    iso,
    unique,
)
from api.schemas.warnings import Waarschuwing, warnings_wire
from domain.errors import FieldProblem, RuleViolation
from domain.model.visit import CorrectVisit, RecordVisit, VisitDetails, VisitKind
from domain.views.lifecycle import VisitView

BezoekSoort = Literal["huisbezoek", "ontmoetingsgroep"]
Locatie = Literal[
    "thuis", "bibliotheek", "speeltuin", "mama_cafe", "buurthuis", "speelotheek", "online", "overig"
]
Onderwerp = Literal[
    "kind_eten",
    "kind_slapen",
    "kind_gezondheid",
    "vertrouwen_als_opvoeder",
    "steun_uit_netwerk",
    "ervaringen_consultatiebureau",
    "ontwikkeling_kind",
    "veiligheid_zorgen_vooruitdenken",
    "voorzieningen_in_de_wijk",
]
Thema = Literal[
    "ontwikkeling", "opvoedsituaties", "ouder_kindinteractie", "ouderschap", "kindercentrum"
]


def _guarded(kind: Any) -> Any:
    return Annotated[kind, BeforeValidator(guard_code)]


class BezoekGegevens(RequestModel):
    soort: _guarded(BezoekSoort)  # type: ignore[valid-type]
    datum: JsonDate
    duur_minuten: Annotated[JsonInt, Field(ge=10, le=240)]
    locatie: _guarded(Locatie)  # type: ignore[valid-type]
    onderwerpen: Annotated[
        list[_guarded(Onderwerp)],  # type: ignore[valid-type]
        Field(min_length=1, max_length=9),
        AfterValidator(unique),
    ]
    beeldmateriaal: (
        Annotated[
            list[_guarded(Thema)],  # type: ignore[valid-type]
            Field(max_length=5),
            AfterValidator(unique),
        ]
        | None
    ) = None
    notitie: Annotated[FreeText, Field(min_length=1, max_length=1000)] | None = None
    volgend_bezoek_op: JsonDate | None = None

    def details(self) -> VisitDetails:
        return VisitDetails(
            kind=VisitKind(self.soort),
            on=self.datum,
            duration_minutes=self.duur_minuten,
            location=self.locatie,
            topics=tuple(self.onderwerpen),
            picture_themes=tuple(self.beeldmateriaal or ()),
            note=self.notitie,
            next_visit_on=self.volgend_bezoek_op,
        )


class NieuwHuisbezoek(BezoekGegevens):
    """A coordinator may name the volunteer; a volunteer's own id comes from her token."""

    vrijwilliger_id: Uuid | None = None

    def to_command(self, trajectory_id: str) -> RecordVisit:
        volunteer = self.vrijwilliger_id.lower() if self.vrijwilliger_id else None
        return RecordVisit(trajectory_id, self.details(), volunteer_id=volunteer)


Reden = Annotated[FreeText, Field(min_length=1, max_length=200)]


class HuisbezoekCorrectie(RequestModel):
    """A complete visit plus `reden`, or `{reden, vervalt: true}` for a visit that did not
    happen (CONTRACT §10)."""

    reden: Reden
    vervalt: JsonBool | None = None
    soort: _guarded(BezoekSoort) | None = None  # type: ignore[valid-type]
    datum: JsonDate | None = None
    duur_minuten: Annotated[JsonInt, Field(ge=10, le=240)] | None = None
    locatie: _guarded(Locatie) | None = None  # type: ignore[valid-type]
    onderwerpen: (
        Annotated[
            list[_guarded(Onderwerp)],  # type: ignore[valid-type]
            Field(min_length=1, max_length=9),
            AfterValidator(unique),
        ]
        | None
    ) = None
    beeldmateriaal: (
        Annotated[
            list[_guarded(Thema)],  # type: ignore[valid-type]
            Field(max_length=5),
            AfterValidator(unique),
        ]
        | None
    ) = None
    notitie: Annotated[FreeText, Field(min_length=1, max_length=1000)] | None = None
    volgend_bezoek_op: JsonDate | None = None

    def to_command(self, trajectory_id: str, visit_id: str) -> CorrectVisit:
        """Refuses a half visit field by field: with `vervalt` nothing else, else all of
        soort, datum, duurMinuten, locatie and onderwerpen."""
        if self.vervalt:
            extra = sorted(self.model_fields_set - {"reden", "vervalt"})
            if extra:
                raise RuleViolation(
                    [FieldProblem(to_camel(n), "onbekend-veld", "Niet bij vervalt.") for n in extra]
                )
            return CorrectVisit(trajectory_id, visit_id, reason=self.reden, void=True)
        required = ("soort", "datum", "duur_minuten", "locatie", "onderwerpen")
        missing = [n for n in required if getattr(self, n) is None]
        if missing:
            raise RuleViolation(
                [
                    FieldProblem(to_camel(n), "verplicht", "Een correctie is een volledig bezoek.")
                    for n in missing
                ]
            )
        details = BezoekGegevens.model_validate(
            self.model_dump(
                mode="json", exclude={"reden", "vervalt"}, by_alias=True, exclude_none=True
            )
        ).details()
        return CorrectVisit(trajectory_id, visit_id, reason=self.reden, details=details)


class VastgelegdDoor(ResponseModel):
    actor_id: str
    rol: str


class Huisbezoek(ResponseModel):
    id: str = Field(json_schema_extra={"format": "uuid"})
    traject_id: str = Field(json_schema_extra={"format": "uuid"})
    vrijwilliger_id: str = Field(json_schema_extra={"format": "uuid"})
    fase: str
    soort: BezoekSoort
    datum: date
    duur_minuten: int
    locatie: str
    onderwerpen: list[str]
    beeldmateriaal: list[str]
    notitie: str | None
    volgend_bezoek_op: date | None
    vastgelegd_door: VastgelegdDoor
    vastgelegd_op: datetime
    correctie_van: str | None
    vervangen_door: str | None
    correctiereden: str | None
    vervalt: bool
    waarschuwingen: list[Waarschuwing] | None = None


class HuisbezoekLijst(ResponseModel):
    resultaten: list[Huisbezoek]
    volgende: str | None


def huisbezoek_wire(view: VisitView, *, with_warnings: bool = False) -> dict[str, Any]:
    v = view.visit
    d = v.details
    wire: dict[str, Any] = {
        "id": v.id,
        "trajectId": v.trajectory_id,
        "vrijwilligerId": v.volunteer_id,
        "fase": v.phase.value,
        "soort": d.kind.value,
        "datum": d.on.isoformat(),
        "duurMinuten": d.duration_minutes,
        "locatie": d.location,
        "onderwerpen": list(d.topics),
        "beeldmateriaal": list(d.picture_themes),
        "notitie": d.note,
        "volgendBezoekOp": iso(d.next_visit_on),
        "vastgelegdDoor": {"actorId": v.recorded_by_id, "rol": v.recorded_by_role},
        "vastgelegdOp": iso(v.recorded_at),
        "correctieVan": v.corrects,
        "vervangenDoor": v.replaced_by,
        "correctiereden": v.correction_reason,
        "vervalt": v.void,
    }
    if with_warnings:
        wire["waarschuwingen"] = warnings_wire(view.warnings)
    return wire
