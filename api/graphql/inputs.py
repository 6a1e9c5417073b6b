"""Input types: `AanmeldInvoer` mirrors the REST body (CONTRACT §8.1) and is validated by the
same pydantic model, so both doors refuse the same requests with the same field names."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Any

import strawberry
from strawberry.types.base import get_object_definition, has_object_definition
from strawberry.utils.str_converters import to_camel_case

from api.graphql.enums import (
    AanmeldReden,
    Fase,
    OrganisatieIdSchema,
    ToestemmingScope,
    ToestemmingWijze,
    TrajectStatus,
    VerwijzerType,
)


@strawberry.input
class OrganisatieIdInvoer:
    schema: OrganisatieIdSchema
    waarde: str


@strawberry.input
class VerwijzerInvoer:
    type: VerwijzerType
    organisatie_id: OrganisatieIdInvoer
    naam: str
    referentie: str
    contact_rol: str | None = None
    contact_telefoon: str | None = None
    contact_email: str | None = None


@strawberry.input
class AdresInvoer:
    straat: str
    huisnummer: int
    huisnummertoevoeging: str | None = None
    postcode: str
    woonplaats: str


@strawberry.input
class MoederInvoer:
    roepnaam: str
    achternaam: str
    telefoon: str
    email: str | None = None
    adres: AdresInvoer
    adres_geheim: bool | None = None
    taalvoorkeur: list[str] | None = None
    tolk_nodig: bool | None = None


@strawberry.input
class KindInvoer:
    geboortedatum: date
    eerste_kind: bool
    roepnaam: str | None = None


@strawberry.input
class AanmeldingInvoer:
    uitvoerende_organisatie: str
    gemeente: str
    redenen: list[AanmeldReden]
    toelichting: str | None = None


@strawberry.input
class VastgelegdDoorInvoer:
    rol: str
    organisatie_naam: str | None = None


@strawberry.input(
    description="Ontbreekt het blok, `gegeven` of `delen_met_mim` in `scope`, dan is het "
    "resultaat ValidatieFout `geen-toestemming`."
)
class ToestemmingInvoer:
    gegeven: bool | None = None
    datum: date
    wijze: ToestemmingWijze
    vastgelegd_door: VastgelegdDoorInvoer
    scope: list[ToestemmingScope] | None = None
    informatietekst_versie: str


@strawberry.input(description="Een verwijzing, zoals de body van POST /v1/verwijzingen.")
class AanmeldInvoer:
    verwijzer: VerwijzerInvoer
    moeder: MoederInvoer
    kind: KindInvoer
    aanmelding: AanmeldingInvoer
    toestemming: ToestemmingInvoer | None = None


@strawberry.input(description="Filters van `trajecten`, als de query van GET /v1/trajecten.")
class TrajectFilter:
    status: list[TrajectStatus] | None = None
    fase: list[Fase] | None = None
    gemeente: str | None = None
    vrijwilliger_id: strawberry.ID | None = None


def rest_body(value: object) -> Any:
    """An input as the REST JSON body: published (camelCase) names, null left out."""
    if has_object_definition(value):
        body: dict[str, Any] = {}
        for field in get_object_definition(value, strict=True).fields:
            item = getattr(value, field.python_name)
            if item is not None and item is not strawberry.UNSET:
                body[field.graphql_name or to_camel_case(field.python_name)] = rest_body(item)
        return body
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [rest_body(item) for item in value]
    return value


def patch_body(value: object) -> Any:
    """A merge-patch input as the REST JSON body: an argument left out is absent, an explicit
    null is kept and clears the field (RFC 7396, CONTRACT §1)."""
    if has_object_definition(value):
        body: dict[str, Any] = {}
        for field in get_object_definition(value, strict=True).fields:
            item = getattr(value, field.python_name)
            if item is not strawberry.UNSET:
                body[field.graphql_name or to_camel_case(field.python_name)] = patch_body(item)
        return body
    if isinstance(value, list):
        return [patch_body(item) for item in value]
    return rest_body(value)
