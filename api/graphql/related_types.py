"""Output types of the lifecycle (CONTRACT §9.4, §10, §11): Overgang, Huisbezoek, Vrijwilliger,
Begeleiding, Matchvoorstel and the contact blocks hanging off a Traject.

Each is built from the REST wire JSON (api/schemas), the same JSON an idempotencyKey stores:
a fresh answer and its replay go through one function, so they cannot differ.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import strawberry

from api.graphql.enums import BegeleidingSoort, BezoekSoort, Fase, TrajectStatus, VrijwilligerStatus

Wire = Mapping[str, Any]


def a_date(value: Any) -> date | None:
    return None if value is None else date.fromisoformat(value)


def a_moment(value: Any) -> datetime:
    return datetime.fromisoformat(value)


def an_id(value: Any) -> strawberry.ID | None:
    return None if value is None else strawberry.ID(str(value))


def texts(value: Any) -> list[str] | None:
    return None if value is None else [str(item) for item in value]


@strawberry.type(description="Wie iets deed: een actor-id en een rol, nooit een naam.")
class Uitvoerder:
    actor_id: str
    rol: str

    @classmethod
    def from_wire(cls, wire: Wire) -> Uitvoerder:
        return cls(actor_id=wire["actorId"], rol=wire["rol"])


@strawberry.type(description="Een waarschuwing blokkeert nooit (CONTRACT §1).")
class Waarschuwing:
    code: str
    melding: str

    @classmethod
    def all_from(cls, wire: Wire) -> list[Waarschuwing]:
        return [cls(code=w["code"], melding=w["melding"]) for w in wire.get("waarschuwingen") or []]


@strawberry.type(
    description="Eén overgang (CONTRACT §9.4): de velden van het paar; voor een vrijwilliger "
    "de reden gemaskeerd en `toelichting` null."
)
class Overgang:
    id: strawberry.ID
    traject_id: strawberry.ID
    van: TrajectStatus
    naar: TrajectStatus
    soort: str = strawberry.field(description="overgang, verlenging, hervatting of systeem.")
    intake_datum: date | None
    reden: str | None
    toelichting: str | None
    contra_indicaties_gecontroleerd: bool | None
    indicaties: list[str] | None
    vrijwilliger_id: strawberry.ID | None
    matchcriteria: list[str] | None
    geplande_einddatum: date | None
    startdatum: date | None
    heroverweging_op: date | None
    uitkomst: str | None
    afsluitdatum: date | None
    uitgevoerd_door: Uitvoerder
    tijdstip: datetime
    traject_versie: int

    @classmethod
    def from_wire(cls, wire: Wire) -> Overgang:
        return cls(
            id=strawberry.ID(wire["id"]),
            traject_id=strawberry.ID(wire["trajectId"]),
            van=TrajectStatus(wire["van"]),
            naar=TrajectStatus(wire["naar"]),
            soort=wire["soort"],
            intake_datum=a_date(wire.get("intakeDatum")),
            reden=wire.get("reden"),
            toelichting=wire.get("toelichting"),
            contra_indicaties_gecontroleerd=wire.get("contraIndicatiesGecontroleerd"),
            indicaties=texts(wire.get("indicaties")),
            vrijwilliger_id=an_id(wire.get("vrijwilligerId")),
            matchcriteria=texts(wire.get("matchcriteria")),
            geplande_einddatum=a_date(wire.get("geplandeEinddatum")),
            startdatum=a_date(wire.get("startdatum")),
            heroverweging_op=a_date(wire.get("heroverwegingOp")),
            uitkomst=wire.get("uitkomst"),
            afsluitdatum=a_date(wire.get("afsluitdatum")),
            uitgevoerd_door=Uitvoerder.from_wire(wire["uitgevoerdDoor"]),
            tijdstip=a_moment(wire["tijdstip"]),
            traject_versie=wire["trajectVersie"],
        )


@strawberry.type(description="Eén huisbezoekrecord (CONTRACT §10); correcties zijn nieuwe records.")
class Huisbezoek:
    id: strawberry.ID
    traject_id: strawberry.ID
    vrijwilliger_id: strawberry.ID
    fase: Fase
    soort: BezoekSoort
    datum: date
    duur_minuten: int
    locatie: str
    onderwerpen: list[str]
    beeldmateriaal: list[str]
    notitie: str | None
    volgend_bezoek_op: date | None
    vastgelegd_door: Uitvoerder
    vastgelegd_op: datetime
    correctie_van: strawberry.ID | None
    vervangen_door: strawberry.ID | None
    correctiereden: str | None
    vervalt: bool

    @classmethod
    def from_wire(cls, wire: Wire) -> Huisbezoek:
        return cls(
            id=strawberry.ID(wire["id"]),
            traject_id=strawberry.ID(wire["trajectId"]),
            vrijwilliger_id=strawberry.ID(wire["vrijwilligerId"]),
            fase=Fase(wire["fase"]),
            soort=BezoekSoort(wire["soort"]),
            datum=date.fromisoformat(wire["datum"]),
            duur_minuten=wire["duurMinuten"],
            locatie=wire["locatie"],
            onderwerpen=list(wire["onderwerpen"]),
            beeldmateriaal=list(wire["beeldmateriaal"]),
            notitie=wire.get("notitie"),
            volgend_bezoek_op=a_date(wire.get("volgendBezoekOp")),
            vastgelegd_door=Uitvoerder.from_wire(wire["vastgelegdDoor"]),
            vastgelegd_op=a_moment(wire["vastgelegdOp"]),
            correctie_van=an_id(wire.get("correctieVan")),
            vervangen_door=an_id(wire.get("vervangenDoor")),
            correctiereden=wire.get("correctiereden"),
            vervalt=wire["vervalt"],
        )


@strawberry.type
class Adres:
    straat: str
    huisnummer: int
    huisnummertoevoeging: str | None
    postcode: str
    woonplaats: str


@strawberry.type(
    description="De gematchte vrijwilliger (`_expand.vrijwilliger`, CONTRACT §9.1); null voor "
    "een aandachtsfunctionaris of eindverantwoordelijke en zonder vrijwilligers.lezen."
)
class TrajectVrijwilliger:
    id: strawberry.ID
    roepnaam: str
    achternaam: str
    telefoon: str


@strawberry.type(description="Een vrijwilliger (CONTRACT §11).")
class Vrijwilliger:
    id: strawberry.ID
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

    @classmethod
    def from_wire(cls, wire: Wire) -> Vrijwilliger:
        return cls(
            id=strawberry.ID(wire["id"]),
            versie=wire["versie"],
            uitvoerende_organisatie=wire["uitvoerendeOrganisatie"],
            roepnaam=wire["roepnaam"],
            achternaam=wire["achternaam"],
            telefoon=wire["telefoon"],
            email=wire.get("email"),
            gemeente=wire["gemeente"],
            wijkcodes=list(wire["wijkcodes"]),
            talen=list(wire["talen"]),
            capaciteit=wire["capaciteit"],
            status=VrijwilligerStatus(wire["status"]),
            vog_datum=a_date(wire.get("vogDatum")),
            lopende_trajecten=wire["lopendeTrajecten"],
            trainingsbijeenkomsten=wire["trainingsbijeenkomsten"],
            laatste_individuele_begeleiding=a_date(wire.get("laatsteIndividueleBegeleiding")),
            begeleiding_achterstallig=wire["begeleidingAchterstallig"],
            startdatum=a_date(wire.get("startdatum")),
            gestopt_op=a_date(wire.get("gestoptOp")),
            aangemaakt_op=a_moment(wire["aangemaaktOp"]),
            gewijzigd_op=a_moment(wire["gewijzigdOp"]),
        )


@strawberry.type(description="Een pagina vrijwilligers; `volgende` is de cursor van de volgende.")
class VrijwilligerVerbinding:
    resultaten: list[Vrijwilliger]
    volgende: str | None


@strawberry.type(description="Eén begeleiding (CONTRACT §11); `notitie` null voor de vrijwilliger.")
class Begeleiding:
    id: strawberry.ID
    vrijwilliger_id: strawberry.ID
    soort: BegeleidingSoort
    datum: date
    duur_minuten: int
    trainingsbijeenkomst: int | None
    onderwerpen: list[str]
    notitie: str | None
    vastgelegd_door: Uitvoerder
    vastgelegd_op: datetime

    @classmethod
    def from_wire(cls, wire: Wire) -> Begeleiding:
        return cls(
            id=strawberry.ID(wire["id"]),
            vrijwilliger_id=strawberry.ID(wire["vrijwilligerId"]),
            soort=BegeleidingSoort(wire["soort"]),
            datum=date.fromisoformat(wire["datum"]),
            duur_minuten=wire["duurMinuten"],
            trainingsbijeenkomst=wire.get("trainingsbijeenkomst"),
            onderwerpen=list(wire["onderwerpen"]),
            notitie=wire.get("notitie"),
            vastgelegd_door=Uitvoerder.from_wire(wire["vastgelegdDoor"]),
            vastgelegd_op=a_moment(wire["vastgelegdOp"]),
        )


@strawberry.type(description="Hoe een deel van de score tot stand kwam.")
class Matchfactor:
    criterium: str
    punten: float
    toelichting: str


@strawberry.type(description="Een voorgestelde vrijwilliger, gerangschikt op score (CONTRACT §11).")
class Matchvoorstel:
    vrijwilliger_id: strawberry.ID
    roepnaam: str
    score: int
    criteria: list[str]
    lopende_trajecten: int
    capaciteit: int
    factoren: list[Matchfactor]

    @classmethod
    def from_wire(cls, wire: Wire) -> Matchvoorstel:
        return cls(
            vrijwilliger_id=strawberry.ID(wire["vrijwilligerId"]),
            roepnaam=wire["roepnaam"],
            score=wire["score"],
            criteria=list(wire["criteria"]),
            lopende_trajecten=wire["lopendeTrajecten"],
            capaciteit=wire["capaciteit"],
            factoren=[
                Matchfactor(
                    criterium=f["criterium"], punten=f["punten"], toelichting=f["toelichting"]
                )
                for f in wire["factoren"]
            ],
        )
