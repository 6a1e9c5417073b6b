"""Output types: the contract's names, camelCase fields; hidden fields are null (CONTRACT §9.2)."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import Enum
from typing import Any

import strawberry

from api.graphql.context import Context
from api.schemas import referrals as wire
from domain.views import ReferralStatusView, TrajectoryView

# Enum member names are the contract's values, so clients see the same strings as in REST.


@strawberry.enum(description="Status van een traject (CONTRACT §7).")
class TrajectStatus(Enum):
    aangemeld = "aangemeld"
    intake = "intake"
    wacht_op_match = "wacht_op_match"
    kennismaking = "kennismaking"
    uitvoering = "uitvoering"
    afsluiting = "afsluiting"
    afgesloten = "afgesloten"
    afgewezen = "afgewezen"
    gestopt = "gestopt"
    onderbroken = "onderbroken"


@strawberry.enum(description="Fase van een traject.")
class Fase(Enum):
    kennismaking = "kennismaking"
    uitvoering = "uitvoering"
    afsluiting = "afsluiting"


@strawberry.enum(description="Wat de verwijzer van het traject ziet (CONTRACT §8.3).")
class TerugkoppelingStatus(Enum):
    ontvangen = "ontvangen"
    in_behandeling = "in_behandeling"
    gestart = "gestart"
    afgerond = "afgerond"
    niet_gestart = "niet_gestart"


@strawberry.enum(description="Soort verwijzer (uitbreidbaar).")
class VerwijzerType(Enum):
    consultatiebureau = "consultatiebureau"
    cjg = "cjg"
    ggd = "ggd"
    verloskundige = "verloskundige"
    kraamzorg = "kraamzorg"
    huisarts = "huisarts"
    sociaal_wijkteam = "sociaal_wijkteam"
    zelfaanmelding = "zelfaanmelding"
    overig = "overig"


@strawberry.enum(description="Schema van een OrganisatieId.")
class OrganisatieIdSchema(Enum):
    ura = "ura"
    oin = "oin"
    kvk = "kvk"
    intern = "intern"


@strawberry.enum(description="Reden van aanmelding (uitbreidbaar).")
class AanmeldReden(Enum):
    onzeker_opvoeding = "onzeker_opvoeding"
    weinig_netwerk = "weinig_netwerk"
    taal = "taal"
    jonge_moeder = "jonge_moeder"
    overig = "overig"


@strawberry.enum(description="Hoe de toestemming is gegeven.")
class ToestemmingWijze(Enum):
    mondeling = "mondeling"
    schriftelijk = "schriftelijk"
    digitaal = "digitaal"


@strawberry.enum(description="Waarvoor de toestemming geldt.")
class ToestemmingScope(Enum):
    delen_met_mim = "delen_met_mim"
    terugkoppeling_aan_verwijzer = "terugkoppeling_aan_verwijzer"


@strawberry.type
class TrajectMoeder:
    roepnaam: str | None
    achternaam: str | None


@strawberry.type
class TrajectKind:
    roepnaam: str | None
    geboortedatum: date | None
    eerste_kind: bool
    leeftijd_in_maanden: int | None


@strawberry.type
class TrajectAanmelding:
    redenen: list[AanmeldReden]
    toelichting: str | None


@strawberry.type
class VastgelegdDoor:
    rol: str | None
    organisatie_naam: str | None


@strawberry.type
class TrajectToestemming:
    datum: date | None
    wijze: ToestemmingWijze | None
    scope: list[ToestemmingScope]
    informatietekst_versie: str | None
    vastgelegd_door: VastgelegdDoor


@strawberry.type(description="Getelde huisbezoeken per fase (CONTRACT §10).")
class AantalHuisbezoeken:
    kennismaking: int
    uitvoering: int
    afsluiting: int
    totaal: int


@strawberry.type(
    description="Een traject zoals de aanroeper het mag zien; verborgen velden zijn null."
)
class Traject:
    id: strawberry.ID
    versie: int
    status: TrajectStatus
    fase: Fase | None
    uitvoerende_organisatie: str
    gemeente: str
    wijkcode: str | None
    verwijzing_id: strawberry.ID | None
    verwijzer_type: VerwijzerType | None
    moeder: TrajectMoeder
    kind: TrajectKind
    aanmelding: TrajectAanmelding | None
    toestemming: TrajectToestemming | None
    vrijwilliger_id: strawberry.ID | None
    intake_datum: date | None
    startdatum: date | None
    geplande_einddatum: date | None
    maximale_einddatum: date | None
    aantal_huisbezoeken: AantalHuisbezoeken
    reden: str | None = strawberry.field(
        description="Code uit AfwijzingsReden, OnderbrekingsReden, StopReden of "
        "VerlengingsReden; gemaskeerd zonder meldcode.behandelen."
    )
    heroverweging_op: date | None
    uitkomst: str | None = strawberry.field(description="Uitkomst; gemaskeerd als reden.")
    afsluitdatum: date | None
    meldcode_casus_open: bool | None
    juridische_bewaring: bool | None
    geanonimiseerd_op: datetime | None
    aangemaakt_op: datetime
    gewijzigd_op: datetime

    @classmethod
    def from_view(cls, view: TrajectoryView) -> Traject:
        fields = _shown(_trajectory_fields(view), view.hidden)
        registration, consent = fields.pop("aanmelding"), fields.pop("toestemming")
        return cls(
            moeder=TrajectMoeder(**fields.pop("moeder")),
            kind=TrajectKind(**fields.pop("kind")),
            aanmelding=None if registration is None else TrajectAanmelding(**registration),
            toestemming=None if consent is None else TrajectToestemming(**consent),
            aantal_huisbezoeken=AantalHuisbezoeken(**fields.pop("aantal_huisbezoeken")),
            **fields,
        )


def _trajectory_fields(view: TrajectoryView) -> dict[str, Any]:
    consent, counts = view.consent, view.visit_counts
    return {
        "id": strawberry.ID(view.id),
        "versie": view.version,
        "status": TrajectStatus(view.state.value),
        "fase": Fase(view.phase.value) if view.phase else None,
        "uitvoerende_organisatie": view.organisation,
        "gemeente": view.municipality,
        "wijkcode": view.wijkcode,
        "verwijzing_id": strawberry.ID(view.referral_id),
        "verwijzer_type": VerwijzerType(view.referrer_type),
        "moeder": {"roepnaam": view.mother_first_name, "achternaam": view.mother_surname},
        "kind": {
            "roepnaam": view.child_first_name,
            "geboortedatum": view.child_birth_date,
            "eerste_kind": view.child_first_child,
            "leeftijd_in_maanden": view.child_age_months,
        },
        "aanmelding": {
            "redenen": [AanmeldReden(r) for r in view.reasons],
            "toelichting": view.explanation,
        },
        "toestemming": {
            "datum": consent.date,
            "wijze": ToestemmingWijze(consent.method.value) if consent.method else None,
            "scope": [ToestemmingScope(s.value) for s in consent.scopes],
            "informatietekst_versie": consent.information_text_version,
            "vastgelegd_door": VastgelegdDoor(
                rol=consent.recorded_by_role,
                organisatie_naam=consent.recorded_by_organisation,
            ),
        },
        "vrijwilliger_id": strawberry.ID(view.volunteer_id) if view.volunteer_id else None,
        "intake_datum": view.intake_date,
        "startdatum": view.start_date,
        "geplande_einddatum": view.planned_end_date,
        "maximale_einddatum": view.max_end_date,
        "aantal_huisbezoeken": {
            "kennismaking": counts.introduction,
            "uitvoering": counts.execution,
            "afsluiting": counts.closing,
            "totaal": counts.total,
        },
        "reden": view.reason,
        "heroverweging_op": view.review_date,
        "uitkomst": view.outcome,
        "afsluitdatum": view.closed_date,
        "meldcode_casus_open": view.meldcode_case_open,
        "juridische_bewaring": view.legal_hold,
        "geanonimiseerd_op": view.anonymised_at,
        "aangemaakt_op": view.created_at,
        "gewijzigd_op": view.updated_at,
    }


_CAPITAL = re.compile(r"(?<!^)(?=[A-Z])")


def _shown(fields: dict[str, Any], hidden: frozenset[str]) -> dict[str, Any]:
    """Sets the fields the view hides (published names, `moeder.achternaam`) to None."""
    for name in hidden:
        parent, _, child = (_CAPITAL.sub("_", part).lower() for part in name.partition("."))
        if child:
            fields[parent][child] = None
        else:
            fields[parent] = None
    return fields


async def _traject(root: VerwijzingStatus, info: strawberry.Info[Context, None]) -> Traject | None:
    """Through the per-request loader: N status views cost one trajectory read."""
    if root.traject_id is None:
        return None
    view = await info.context.trajectories.load(str(root.traject_id))
    return None if view is None else Traject.from_view(view)


@strawberry.type(description="Alles wat een verwijzer ooit ziet (CONTRACT §8.3).")
class VerwijzingStatus:
    id: strawberry.ID
    referentie: str | None
    ontvangen_op: datetime
    terugkoppeling_toegestaan: bool
    status: TerugkoppelingStatus | None
    reden: str | None
    status_gewijzigd_op: date
    traject_id: strawberry.ID | None = strawberry.field(description="Alleen voor uitvoerders.")
    traject: Traject | None = strawberry.field(
        resolver=_traject, description="Het traject; alleen voor uitvoerders, anders null."
    )

    @classmethod
    def from_view(cls, view: ReferralStatusView) -> VerwijzingStatus:
        return cls.from_wire(wire.VerwijzingStatus.from_view(view))

    @classmethod
    def from_wire(cls, status: wire.VerwijzingStatus) -> VerwijzingStatus:
        """From the REST shape, which is also what an Idempotency-Key replays."""
        return cls(
            id=strawberry.ID(status.id),
            referentie=status.referentie,
            ontvangen_op=status.ontvangen_op,
            terugkoppeling_toegestaan=status.terugkoppeling_toegestaan,
            status=TerugkoppelingStatus(status.status) if status.status else None,
            reden=status.reden,
            status_gewijzigd_op=status.status_gewijzigd_op,
            traject_id=strawberry.ID(status.traject_id) if status.traject_id else None,
        )


@strawberry.type
class VerwijzingStatusLijst:
    resultaten: list[VerwijzingStatus]
    volgende: str | None = None


@strawberry.type(description="Een pagina trajecten; `volgende` is de cursor van de volgende.")
class TrajectVerbinding:
    resultaten: list[Traject]
    volgende: str | None
