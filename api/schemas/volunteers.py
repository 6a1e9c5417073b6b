"""Wire shapes of volunteers, supervision and matching suggestions (CONTRACT §11)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field

from api.schemas.common import (
    Code,
    Email,
    FreeText,
    JsonDate,
    JsonInt,
    Line,
    Phone,
    RequestModel,
    ResponseModel,
    guard_code,
    iso,
    matching,
    unique,
)
from domain.model.volunteer import SupervisionKind, VolunteerStatus
from domain.services.supervision import RecordSupervision
from domain.services.volunteers import CreateVolunteer
from domain.views.volunteers import MatchView, SupervisionView, VolunteerView

VrijwilligerStatus = Literal["aangemeld", "in_training", "actief", "inactief", "gestopt"]
BegeleidingSoort = Literal["individueel", "groep", "training"]
Name = Annotated[Line, Field(min_length=1, max_length=100)]
Gemeente = Annotated[Line, matching(r"^GM\d{4}$")]
Wijkcode = Annotated[Line, matching(r"^WK\d{6}$")]
Taal = Annotated[str, BeforeValidator(guard_code), matching(r"^[a-z]{2,3}$")]
Wijkcodes = Annotated[list[Wijkcode], Field(max_length=20), AfterValidator(unique)]
Talen = Annotated[list[Taal], Field(min_length=1, max_length=10), AfterValidator(unique)]
Capaciteit = Annotated[JsonInt, Field(ge=1, le=5)]
Status = Annotated[VrijwilligerStatus, BeforeValidator(guard_code)]


class NieuweVrijwilliger(RequestModel):
    roepnaam: Name
    achternaam: Name
    telefoon: Phone
    email: Email | None = None
    gemeente: Gemeente
    wijkcodes: Wijkcodes | None = None
    talen: Talen
    capaciteit: Capaciteit | None = None
    status: Status | None = None
    vog_datum: JsonDate | None = None

    def to_command(self) -> CreateVolunteer:
        return CreateVolunteer(
            first_name=self.roepnaam,
            surname=self.achternaam,
            phone=self.telefoon,
            municipality=self.gemeente,
            languages=tuple(self.talen),
            email=self.email,
            wijkcodes=tuple(self.wijkcodes or ()),
            capacity=self.capaciteit or 2,
            status=VolunteerStatus(self.status or "aangemeld"),
            vog_date=self.vog_datum,
        )


class VrijwilligerWijziging(RequestModel):
    """A JSON merge patch (RFC 7396): absent leaves a field, null clears it."""

    roepnaam: Name | None = None
    achternaam: Name | None = None
    telefoon: Phone | None = None
    email: Email | None = None
    gemeente: Gemeente | None = None
    wijkcodes: Wijkcodes | None = None
    talen: Talen | None = None
    capaciteit: Capaciteit | None = None
    status: Status | None = None
    vog_datum: JsonDate | None = None

    def changes(self) -> dict[str, Any]:
        names = {
            "roepnaam": "first_name",
            "achternaam": "surname",
            "telefoon": "phone",
            "email": "email",
            "gemeente": "municipality",
            "wijkcodes": "wijkcodes",
            "talen": "languages",
            "capaciteit": "capacity",
            "status": "status",
            "vog_datum": "vog_date",
        }
        found: dict[str, Any] = {}
        for field_name in self.model_fields_set:
            value = getattr(self, field_name)
            if isinstance(value, list):
                value = tuple(value)
            if field_name == "wijkcodes" and value is None:
                value = ()
            found[names[field_name]] = value
        return found


class Vrijwilliger(ResponseModel):
    id: str = Field(json_schema_extra={"format": "uuid"})
    versie: int
    uitvoerende_organisatie: str
    roepnaam: str
    achternaam: str
    telefoon: str
    email: str | None
    gemeente: str
    wijkcodes: list[str]
    talen: list[str]
    capaciteit: int
    status: VrijwilligerStatus
    vog_datum: date | None
    lopende_trajecten: int
    trainingsbijeenkomsten: int
    laatste_individuele_begeleiding: date | None
    begeleiding_achterstallig: bool
    startdatum: date | None
    gestopt_op: date | None
    aangemaakt_op: datetime
    gewijzigd_op: datetime


class VrijwilligerLijst(ResponseModel):
    resultaten: list[Vrijwilliger]
    volgende: str | None


def vrijwilliger_wire(view: VolunteerView) -> dict[str, Any]:
    v = view.volunteer
    return {
        "id": v.id,
        "versie": v.version,
        "uitvoerendeOrganisatie": v.organisation,
        "roepnaam": v.first_name,
        "achternaam": v.surname,
        "telefoon": v.phone,
        "email": v.email,
        "gemeente": v.municipality,
        "wijkcodes": list(v.wijkcodes),
        "talen": list(v.languages),
        "capaciteit": v.capacity,
        "status": v.status.value,
        "vogDatum": iso(v.vog_date),
        "lopendeTrajecten": v.running_trajectories,
        "trainingsbijeenkomsten": v.training_sessions,
        "laatsteIndividueleBegeleiding": iso(v.last_individual_supervision),
        "begeleidingAchterstallig": view.supervision_overdue,
        "startdatum": iso(v.start_date),
        "gestoptOp": iso(v.stopped_on),
        "aangemaaktOp": iso(v.created_at),
        "gewijzigdOp": iso(v.updated_at),
    }


class NieuweBegeleiding(RequestModel):
    soort: Annotated[BegeleidingSoort, BeforeValidator(guard_code)]
    datum: JsonDate
    duur_minuten: Annotated[JsonInt, Field(ge=15, le=480)]
    trainingsbijeenkomst: Annotated[JsonInt, Field(ge=1, le=4)] | None = None
    onderwerpen: Annotated[list[Code], Field(max_length=7), AfterValidator(unique)] | None = None
    notitie: Annotated[FreeText, Field(min_length=1, max_length=1000)] | None = None

    def to_command(self, volunteer_id: str) -> RecordSupervision:
        return RecordSupervision(
            volunteer_id=volunteer_id,
            kind=SupervisionKind(self.soort),
            on=self.datum,
            duration_minutes=self.duur_minuten,
            training_session=self.trainingsbijeenkomst,
            topics=tuple(self.onderwerpen or ()),
            note=self.notitie,
        )


class VastgelegdDoor(ResponseModel):
    actor_id: str
    rol: str


class Begeleiding(ResponseModel):
    id: str = Field(json_schema_extra={"format": "uuid"})
    vrijwilliger_id: str = Field(json_schema_extra={"format": "uuid"})
    soort: BegeleidingSoort
    datum: date
    duur_minuten: int
    trainingsbijeenkomst: int | None
    onderwerpen: list[str]
    notitie: str | None = None
    vastgelegd_door: VastgelegdDoor
    vastgelegd_op: datetime


class BegeleidingLijst(ResponseModel):
    resultaten: list[Begeleiding]
    volgende: str | None


def begeleiding_wire(view: SupervisionView) -> dict[str, Any]:
    s = view.supervision
    wire: dict[str, Any] = {
        "id": s.id,
        "vrijwilligerId": s.volunteer_id,
        "soort": s.kind.value,
        "datum": s.on.isoformat(),
        "duurMinuten": s.duration_minutes,
        "trainingsbijeenkomst": s.training_session,
        "onderwerpen": [t.value for t in s.topics],
    }
    if view.note_visible:
        wire["notitie"] = s.note
    wire["vastgelegdDoor"] = {"actorId": s.recorded_by_id, "rol": s.recorded_by_role}
    wire["vastgelegdOp"] = iso(s.recorded_at)
    return wire


class Matchfactor(ResponseModel):
    criterium: str
    punten: float
    toelichting: str


class Matchvoorstel(ResponseModel):
    vrijwilliger_id: str = Field(json_schema_extra={"format": "uuid"})
    roepnaam: str
    score: int
    criteria: list[str]
    lopende_trajecten: int
    capaciteit: int
    factoren: list[Matchfactor]


class MatchvoorstelLijst(ResponseModel):
    resultaten: list[Matchvoorstel]
    volgende: str | None


def matchvoorstellen_wire(view: MatchView) -> dict[str, Any]:
    return {
        "resultaten": [
            {
                "vrijwilligerId": s.volunteer_id,
                "roepnaam": s.first_name,
                "score": s.score,
                "criteria": [c.value for c in s.criteria],
                "lopendeTrajecten": s.running_trajectories,
                "capaciteit": s.capacity,
                "factoren": [
                    {
                        "criterium": f.criterion.value,
                        "punten": round(float(f.points), 2),
                        "toelichting": f.explanation,
                    }
                    for f in s.factors
                ],
            }
            for s in view.suggestions
        ],
        "volgende": None,
    }
