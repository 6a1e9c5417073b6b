"""Inputs of the lifecycle mutations and the volunteer list (CONTRACT §9.3, §9.4, §10, §11).

Each mirrors a REST body and is validated by the same pydantic model (api/schemas), so both
doors refuse the same requests with the same codes and field names. Extensible (⊕) code
lists are strings: the model checks them, as in REST. A merge-patch input leaves an argument
out to keep a field and sends null to clear it.
"""

from __future__ import annotations

from datetime import date

import strawberry

from api.graphql.enums import (
    BegeleidingSoort,
    BezoekSoort,
    ToestemmingScope,
    TrajectStatus,
    VrijwilligerStatus,
)
from api.graphql.inputs import AdresInvoer

UNSET = strawberry.UNSET


@strawberry.input(
    description="Een overgang, als de body van POST /v1/trajecten/{id}/overgangen: `naar` en "
    "de velden van het paar (CONTRACT §9.4); andere velden worden geweigerd."
)
class OvergangInvoer:
    naar: TrajectStatus
    intake_datum: date | None = None
    reden: str | None = None
    toelichting: str | None = None
    contra_indicaties_gecontroleerd: bool | None = None
    indicaties: list[str] | None = None
    vrijwilliger_id: strawberry.ID | None = None
    matchcriteria: list[str] | None = None
    geplande_einddatum: date | None = None
    startdatum: date | None = None
    heroverweging_op: date | None = None
    uitkomst: str | None = None
    afsluitdatum: date | None = None


@strawberry.input(description="Weglaten laat een veld staan, null wist het.")
class MoederWijzigingInvoer:
    roepnaam: str | None = UNSET
    achternaam: str | None = UNSET
    telefoon: str | None = UNSET
    email: str | None = UNSET
    adres: AdresInvoer | None = UNSET
    adres_geheim: bool | None = UNSET
    taalvoorkeur: list[str] | None = UNSET
    tolk_nodig: bool | None = UNSET


@strawberry.input(description="Weglaten laat een veld staan, null wist het.")
class KindWijzigingInvoer:
    roepnaam: str | None = UNSET
    geboortedatum: date | None = UNSET
    eerste_kind: bool | None = UNSET


@strawberry.input(description="De scope mag alleen kleiner worden (CONTRACT §9.3).")
class ToestemmingWijzigingInvoer:
    scope: list[ToestemmingScope]


@strawberry.input(
    description="Een merge patch als PATCH /v1/trajecten/{id} (CONTRACT §9.3): weglaten laat "
    "staan, null wist."
)
class TrajectWijzigingInvoer:
    moeder: MoederWijzigingInvoer | None = UNSET
    kind: KindWijzigingInvoer | None = UNSET
    toestemming: ToestemmingWijzigingInvoer | None = UNSET


@strawberry.input(
    description="Een huisbezoek, als POST /v1/trajecten/{id}/huisbezoeken (CONTRACT §10); "
    "`vrijwilligerId` alleen voor een coördinator."
)
class HuisbezoekInvoer:
    soort: BezoekSoort
    datum: date
    duur_minuten: int
    locatie: str
    onderwerpen: list[str]
    beeldmateriaal: list[str] | None = None
    notitie: str | None = None
    volgend_bezoek_op: date | None = None
    vrijwilliger_id: strawberry.ID | None = None


@strawberry.input(
    description="Een correctie (CONTRACT §10): een volledig bezoek plus `reden`, of "
    "`{reden, vervalt: true}` voor een bezoek dat niet plaatsvond."
)
class HuisbezoekCorrectieInvoer:
    reden: str
    vervalt: bool | None = None
    soort: BezoekSoort | None = None
    datum: date | None = None
    duur_minuten: int | None = None
    locatie: str | None = None
    onderwerpen: list[str] | None = None
    beeldmateriaal: list[str] | None = None
    notitie: str | None = None
    volgend_bezoek_op: date | None = None


@strawberry.input(description="Een vrijwilliger, als POST /v1/vrijwilligers (CONTRACT §11).")
class VrijwilligerInvoer:
    roepnaam: str
    achternaam: str
    telefoon: str
    email: str | None = None
    gemeente: str
    wijkcodes: list[str] | None = None
    talen: list[str]
    capaciteit: int | None = None
    status: VrijwilligerStatus | None = None
    vog_datum: date | None = None


@strawberry.input(
    description="Een merge patch als PATCH /v1/vrijwilligers/{id}: weglaten laat staan, null wist."
)
class VrijwilligerWijzigingInvoer:
    roepnaam: str | None = UNSET
    achternaam: str | None = UNSET
    telefoon: str | None = UNSET
    email: str | None = UNSET
    gemeente: str | None = UNSET
    wijkcodes: list[str] | None = UNSET
    talen: list[str] | None = UNSET
    capaciteit: int | None = UNSET
    status: VrijwilligerStatus | None = UNSET
    vog_datum: date | None = UNSET


@strawberry.input(description="Een begeleiding, als POST /v1/vrijwilligers/{id}/begeleidingen.")
class BegeleidingInvoer:
    soort: BegeleidingSoort
    datum: date
    duur_minuten: int
    trainingsbijeenkomst: int | None = None
    onderwerpen: list[str] | None = None
    notitie: str | None = None


@strawberry.input(description="Filters van `vrijwilligers`, als GET /v1/vrijwilligers.")
class VrijwilligerFilter:
    status: list[VrijwilligerStatus] | None = None
    gemeente: str | None = None
    taal: str | None = None
    begeleiding_achterstallig: bool | None = None
