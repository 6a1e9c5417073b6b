"""The Traject type (CONTRACT §9.1) and what hangs off it: the mother's contact block, the
matched volunteer, the Overgangen and the visits, each loaded in batches (loaders.py).

Hidden fields are null, never an error (§9.2), so one query shape serves every role.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import strawberry

from api.graphql.context import Context
from api.graphql.enums import (
    AanmeldReden,
    Fase,
    ToestemmingScope,
    ToestemmingWijze,
    TrajectStatus,
    VerwijzerType,
)
from api.graphql.related_types import (
    Adres,
    Huisbezoek,
    Overgang,
    TrajectVrijwilliger,
    a_date,
    a_moment,
    an_id,
)
from api.schemas.transitions import overgang_wire
from api.schemas.visits import huisbezoek_wire
from domain.views import TrajectoryView
from domain.views.expansion import MotherContactView

Info = strawberry.Info[Context, None]


@strawberry.type(
    description="De moeder. `roepnaam` en `achternaam` komen met het traject; de "
    "contactvelden (`_expand.moeder`, CONTRACT §9.1) worden per verzoek in één batch gelezen "
    "en gelogd. Wat de rol niet mag zien is null (§9.2): een vrijwilliger ziet roepnaam, "
    "telefoon en adres; een geheim adres ziet alleen de coördinator."
)
class TrajectMoeder:
    roepnaam: str | None
    achternaam: str | None
    traject_id: strawberry.Private[str]

    async def _contact(self, info: Info, member: str) -> MotherContactView | None:
        contact = await info.context.mothers.load(self.traject_id)
        return None if contact is None or member in contact.hidden else contact

    @strawberry.field
    async def telefoon(self, info: Info) -> str | None:
        contact = await self._contact(info, "telefoon")
        return None if contact is None else contact.phone

    @strawberry.field
    async def email(self, info: Info) -> str | None:
        contact = await self._contact(info, "email")
        return None if contact is None else contact.email

    @strawberry.field
    async def adres(self, info: Info) -> Adres | None:
        contact = await self._contact(info, "adres")
        address = None if contact is None else contact.address
        if address is None:
            return None
        return Adres(
            straat=address.street,
            huisnummer=address.house_number,
            huisnummertoevoeging=address.addition,
            postcode=address.postcode,
            woonplaats=address.town,
        )

    @strawberry.field
    async def adres_geheim(self, info: Info) -> bool | None:
        contact = await self._contact(info, "adresGeheim")
        return None if contact is None else contact.address_secret

    @strawberry.field
    async def taalvoorkeur(self, info: Info) -> list[str] | None:
        contact = await self._contact(info, "taalvoorkeur")
        return None if contact is None else list(contact.languages)

    @strawberry.field
    async def tolk_nodig(self, info: Info) -> bool | None:
        contact = await self._contact(info, "tolkNodig")
        return None if contact is None else contact.interpreter_needed


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


async def _overgangen(root: Traject, info: Info) -> list[Overgang] | None:
    found = await info.context.transitions.load(str(root.id))
    return None if found is None else [Overgang.from_wire(overgang_wire(v)) for v in found]


async def _huisbezoeken(root: Traject, info: Info) -> list[Huisbezoek] | None:
    found = await info.context.visits.load(str(root.id))
    return None if found is None else [Huisbezoek.from_wire(huisbezoek_wire(v)) for v in found]


async def _vrijwilliger(root: Traject, info: Info) -> TrajectVrijwilliger | None:
    if root.vrijwilliger_id is None:
        return None
    found = await info.context.volunteers.load(str(root.vrijwilliger_id))
    if found is None:
        return None
    return TrajectVrijwilliger(
        id=strawberry.ID(found.id),
        roepnaam=found.first_name,
        achternaam=found.surname,
        telefoon=found.phone,
    )


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

    overgangen: list[Overgang] | None = strawberry.field(
        resolver=_overgangen,
        description="De overgangen, nieuwste eerst (CONTRACT §9.4); voor een vrijwilliger de "
        "reden gemaskeerd en `toelichting` null.",
    )
    huisbezoeken: list[Huisbezoek] | None = strawberry.field(
        resolver=_huisbezoeken,
        description="De huisbezoekrecords die niet vervangen zijn, nieuwste eerst op `datum` "
        "(de 200 nieuwste); een vrijwilliger ziet alleen die met haar vrijwilligerId.",
    )
    vrijwilliger: TrajectVrijwilliger | None = strawberry.field(
        resolver=_vrijwilliger,
        description="De gematchte vrijwilliger; null zonder vrijwilligers.lezen en voor de "
        "aandachtsfunctionaris en eindverantwoordelijke (CONTRACT §9.2).",
    )

    @classmethod
    def from_view(cls, view: TrajectoryView) -> Traject:
        fields = _shown(_trajectory_fields(view), view.hidden)
        registration, consent = fields.pop("aanmelding"), fields.pop("toestemming")
        return cls(
            moeder=TrajectMoeder(**fields.pop("moeder"), traject_id=view.id),
            kind=TrajectKind(**fields.pop("kind")),
            aanmelding=None if registration is None else TrajectAanmelding(**registration),
            toestemming=None if consent is None else TrajectToestemming(**consent),
            aantal_huisbezoeken=AantalHuisbezoeken(**fields.pop("aantal_huisbezoeken")),
            **fields,
        )

    @classmethod
    def from_wire(cls, wire: Mapping[str, Any]) -> Traject:
        """From the REST JSON (absent = hidden = null), which an idempotencyKey stores."""
        mother, child, counts = wire["moeder"], wire["kind"], wire["aantalHuisbezoeken"]
        registration, consent = wire.get("aanmelding"), wire.get("toestemming")
        referrer_type = wire.get("verwijzerType")
        return cls(
            id=strawberry.ID(wire["id"]),
            versie=wire["versie"],
            status=TrajectStatus(wire["status"]),
            fase=Fase(wire["fase"]) if wire.get("fase") else None,
            uitvoerende_organisatie=wire["uitvoerendeOrganisatie"],
            gemeente=wire["gemeente"],
            wijkcode=wire.get("wijkcode"),
            verwijzing_id=an_id(wire.get("verwijzingId")),
            verwijzer_type=VerwijzerType(referrer_type) if referrer_type else None,
            moeder=TrajectMoeder(
                roepnaam=mother.get("roepnaam"),
                achternaam=mother.get("achternaam"),
                traject_id=wire["id"],
            ),
            kind=TrajectKind(
                roepnaam=child.get("roepnaam"),
                geboortedatum=a_date(child.get("geboortedatum")),
                eerste_kind=child["eersteKind"],
                leeftijd_in_maanden=child.get("leeftijdInMaanden"),
            ),
            aanmelding=None if registration is None else _registration(registration),
            toestemming=None if consent is None else _consent(consent),
            vrijwilliger_id=an_id(wire.get("vrijwilligerId")),
            intake_datum=a_date(wire.get("intakeDatum")),
            startdatum=a_date(wire.get("startdatum")),
            geplande_einddatum=a_date(wire.get("geplandeEinddatum")),
            maximale_einddatum=a_date(wire.get("maximaleEinddatum")),
            aantal_huisbezoeken=AantalHuisbezoeken(**counts),
            reden=wire.get("reden"),
            heroverweging_op=a_date(wire.get("heroverwegingOp")),
            uitkomst=wire.get("uitkomst"),
            afsluitdatum=a_date(wire.get("afsluitdatum")),
            meldcode_casus_open=wire.get("meldcodeCasusOpen"),
            juridische_bewaring=wire.get("juridischeBewaring"),
            geanonimiseerd_op=_moment(wire.get("geanonimiseerdOp")),
            aangemaakt_op=a_moment(wire["aangemaaktOp"]),
            gewijzigd_op=a_moment(wire["gewijzigdOp"]),
        )


def _moment(value: Any) -> datetime | None:
    return None if value is None else a_moment(value)


def _registration(wire: Mapping[str, Any]) -> TrajectAanmelding:
    return TrajectAanmelding(
        redenen=[AanmeldReden(r) for r in wire["redenen"]], toelichting=wire.get("toelichting")
    )


def _consent(wire: Mapping[str, Any]) -> TrajectToestemming:
    by = wire["vastgelegdDoor"]
    return TrajectToestemming(
        datum=a_date(wire.get("datum")),
        wijze=ToestemmingWijze(wire["wijze"]) if wire.get("wijze") else None,
        scope=[ToestemmingScope(s) for s in wire["scope"]],
        informatietekst_versie=wire.get("informatietekstVersie"),
        vastgelegd_door=VastgelegdDoor(
            rol=by.get("rol"), organisatie_naam=by.get("organisatieNaam")
        ),
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


@strawberry.type(description="Een pagina trajecten; `volgende` is de cursor van de volgende.")
class TrajectVerbinding:
    resultaten: list[Traject]
    volgende: str | None
