"""Wire shape of a Traject (CONTRACT §9.1): hidden fields absent, unset ones null."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.common import iso
from api.schemas.visits import Huisbezoek, huisbezoek_wire
from domain.views import TrajectoryView
from domain.views.expansion import Expansion
from domain.views.lifecycle import VisitView

TrajectStatus = Literal[
    "aangemeld",
    "intake",
    "wacht_op_match",
    "kennismaking",
    "uitvoering",
    "afsluiting",
    "afgesloten",
    "afgewezen",
    "gestopt",
    "onderbroken",
]
Fase = Literal["kennismaking", "uitvoering", "afsluiting"]


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TrajectMoeder(_Wire):
    roepnaam: str | None
    achternaam: str | None = None


class TrajectKind(_Wire):
    roepnaam: str | None = None
    geboortedatum: date | None
    eersteKind: bool  # noqa: N815
    leeftijdInMaanden: int | None  # noqa: N815


class TrajectAanmelding(_Wire):
    redenen: list[str]
    toelichting: str | None


class TrajectVastgelegdDoor(_Wire):
    rol: str | None
    organisatieNaam: str | None  # noqa: N815


class TrajectToestemming(_Wire):
    datum: date | None
    wijze: str | None
    scope: list[str]
    informatietekstVersie: str | None  # noqa: N815
    vastgelegdDoor: TrajectVastgelegdDoor  # noqa: N815


class AantalHuisbezoeken(_Wire):
    kennismaking: int
    uitvoering: int
    afsluiting: int
    totaal: int


class Traject(_Wire):
    """A trajectory as the caller may see it; fields outside the role's view are absent."""

    id: str = Field(json_schema_extra={"format": "uuid"})
    versie: int
    status: TrajectStatus
    fase: Fase | None
    uitvoerendeOrganisatie: str  # noqa: N815
    gemeente: str
    wijkcode: str | None = None
    verwijzingId: str | None = Field(default=None, json_schema_extra={"format": "uuid"})  # noqa: N815
    verwijzerType: str | None = None  # noqa: N815
    moeder: TrajectMoeder
    kind: TrajectKind
    aanmelding: TrajectAanmelding | None = None
    toestemming: TrajectToestemming | None = None
    vrijwilligerId: str | None  # noqa: N815
    intakeDatum: date | None  # noqa: N815
    startdatum: date | None
    geplandeEinddatum: date | None  # noqa: N815
    maximaleEinddatum: date | None  # noqa: N815
    aantalHuisbezoeken: AantalHuisbezoeken  # noqa: N815
    reden: str | None
    heroverwegingOp: date | None  # noqa: N815
    uitkomst: str | None
    afsluitdatum: date | None
    meldcodeCasusOpen: bool | None = None  # noqa: N815
    juridischeBewaring: bool | None = None  # noqa: N815
    geanonimiseerdOp: datetime | None  # noqa: N815
    aangemaaktOp: datetime  # noqa: N815
    gewijzigdOp: datetime  # noqa: N815
    expand_: TrajectExpand | None = Field(default=None, alias="_expand")


class ExpandAdres(_Wire):
    straat: str
    huisnummer: int
    huisnummertoevoeging: str | None
    postcode: str
    woonplaats: str


class ExpandMoeder(_Wire):
    """`_expand.moeder`: members the reader may not see are absent (§9.2)."""

    roepnaam: str | None = None
    achternaam: str | None = None
    telefoon: str | None = None
    email: str | None = None
    adres: ExpandAdres | None = None
    adresGeheim: bool | None = None  # noqa: N815
    taalvoorkeur: list[str] | None = None
    tolkNodig: bool | None = None  # noqa: N815


class ExpandVrijwilliger(_Wire):
    id: str = Field(json_schema_extra={"format": "uuid"})
    roepnaam: str
    achternaam: str
    telefoon: str


class TrajectExpand(_Wire):
    moeder: ExpandMoeder | None = None
    vrijwilliger: ExpandVrijwilliger | None = None
    huisbezoeken: list[Huisbezoek] | None = None


class TrajectLijst(_Wire):
    resultaten: list[Traject]
    volgende: str | None


def traject_wire(view: TrajectoryView) -> dict[str, Any]:
    """The JSON object of a Traject, leaving out what `view.hidden` names (CONTRACT §9.2)."""
    hidden = view.hidden
    counts = view.visit_counts
    consent = view.consent
    wire: dict[str, Any] = {
        "id": view.id,
        "versie": view.version,
        "status": view.state.value,
        "fase": view.phase.value if view.phase else None,
        "uitvoerendeOrganisatie": view.organisation,
        "gemeente": view.municipality,
        "wijkcode": view.wijkcode,
        "verwijzingId": view.referral_id,
        "verwijzerType": view.referrer_type,
        "moeder": {"roepnaam": view.mother_first_name, "achternaam": view.mother_surname},
        "kind": {
            "roepnaam": view.child_first_name,
            "geboortedatum": iso(view.child_birth_date),
            "eersteKind": view.child_first_child,
            "leeftijdInMaanden": view.child_age_months,
        },
        "aanmelding": {"redenen": list(view.reasons), "toelichting": view.explanation},
        "toestemming": {
            "datum": iso(consent.date),
            "wijze": consent.method.value if consent.method else None,
            "scope": [s.value for s in consent.scopes],
            "informatietekstVersie": consent.information_text_version,
            "vastgelegdDoor": {
                "rol": consent.recorded_by_role,
                "organisatieNaam": consent.recorded_by_organisation,
            },
        },
        "vrijwilligerId": view.volunteer_id,
        "intakeDatum": iso(view.intake_date),
        "startdatum": iso(view.start_date),
        "geplandeEinddatum": iso(view.planned_end_date),
        "maximaleEinddatum": iso(view.max_end_date),
        "aantalHuisbezoeken": {
            "kennismaking": counts.introduction,
            "uitvoering": counts.execution,
            "afsluiting": counts.closing,
            "totaal": counts.total,
        },
        "reden": view.reason,
        "heroverwegingOp": iso(view.review_date),
        "uitkomst": view.outcome,
        "afsluitdatum": iso(view.closed_date),
        "meldcodeCasusOpen": view.meldcode_case_open,
        "juridischeBewaring": view.legal_hold,
        "geanonimiseerdOp": iso(view.anonymised_at),
        "aangemaaktOp": iso(view.created_at),
        "gewijzigdOp": iso(view.updated_at),
    }
    for name in hidden:
        parent, _, child = name.partition(".")
        if child:
            wire[parent].pop(child, None)
        else:
            wire.pop(parent, None)
    if view.expansion is not None:
        wire["_expand"] = _expand_wire(view.expansion)
    return wire


def _expand_wire(expansion: Expansion) -> dict[str, Any]:
    wire: dict[str, Any] = {}
    mother = expansion.mother
    if mother is not None:
        address = mother.address
        block: dict[str, Any] = {
            "roepnaam": mother.first_name,
            "achternaam": mother.surname,
            "telefoon": mother.phone,
            "email": mother.email,
            "adres": None
            if address is None
            else {
                "straat": address.street,
                "huisnummer": address.house_number,
                "huisnummertoevoeging": address.addition,
                "postcode": address.postcode,
                "woonplaats": address.town,
            },
            "adresGeheim": mother.address_secret,
            "taalvoorkeur": list(mother.languages),
            "tolkNodig": mother.interpreter_needed,
        }
        wire["moeder"] = {k: v for k, v in block.items() if k not in mother.hidden}
    if expansion.volunteer is not None:
        v = expansion.volunteer
        wire["vrijwilliger"] = {
            "id": v.id,
            "roepnaam": v.first_name,
            "achternaam": v.surname,
            "telefoon": v.phone,
        }
    if expansion.visits is not None:
        wire["huisbezoeken"] = [huisbezoek_wire(VisitView(visit)) for visit in expansion.visits]
    return wire
