"""Webhook subscriptions over GraphQL (CONTRACT §13.3, §17): types, the input and the
mutation results, built from the REST JSON of the resource, which an idempotencyKey keeps."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated, Final

import strawberry

from api.graphql.lifecycle_results import HERHAALD
from api.graphql.related_types import Wire
from api.graphql.results import (
    GeenBevoegdheid,
    IdempotencyKeyHergebruikt,
    NietGevonden,
    OngeldigeStatus,
    ValidatieFout,
    VerzoekLooptNog,
)


@strawberry.enum(description="Status van een aflevering (CONTRACT §7).")
class AfleverStatus(Enum):
    gepland = "gepland"
    afgeleverd = "afgeleverd"
    mislukt = "mislukt"
    dood = "dood"
    geannuleerd = "geannuleerd"


@strawberry.input(description="Een abonnement, als POST /v1/abonnementen (§13.3).")
class AbonnementInvoer:
    url: str
    typen: list[str]
    beschrijving: str | None = None


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@strawberry.type
class Abonnement:
    id: strawberry.ID
    versie: int
    organisatie: str
    url: str
    typen: list[str]
    beschrijving: str | None
    status: str
    uitgeschakeld_op: datetime | None
    aangemaakt_op: datetime

    @classmethod
    def from_wire(cls, wire: Wire) -> Abonnement:
        created = _moment(wire["aangemaaktOp"])
        if created is None:  # always set; kept apart for the type checker
            raise ValueError("aangemaaktOp")
        return cls(
            id=strawberry.ID(wire["id"]),
            versie=wire["versie"],
            organisatie=wire["organisatie"],
            url=wire["url"],
            typen=list(wire["typen"]),
            beschrijving=wire["beschrijving"],
            status=wire["status"],
            uitgeschakeld_op=_moment(wire["uitgeschakeldOp"]),
            aangemaakt_op=created,
        )


@strawberry.type
class AbonnementVerbinding:
    resultaten: list[Abonnement]
    volgende: str | None


@strawberry.type(description="Een aflevering; nooit de body van het antwoord van de ontvanger.")
class Aflevering:
    id: strawberry.ID
    abonnement_id: strawberry.ID
    gebeurtenis_id: strawberry.ID
    type: str
    status: AfleverStatus
    pogingen: int
    volgende_poging_op: datetime | None
    laatste_statuscode: int | None
    laatste_fout: str | None
    aangemaakt_op: datetime | None
    afgeleverd_op: datetime | None

    @classmethod
    def from_wire(cls, wire: Wire) -> Aflevering:
        return cls(
            id=strawberry.ID(wire["id"]),
            abonnement_id=strawberry.ID(wire["abonnementId"]),
            gebeurtenis_id=strawberry.ID(wire["gebeurtenisId"]),
            type=wire["type"],
            status=AfleverStatus(wire["status"]),
            pogingen=wire["pogingen"],
            volgende_poging_op=_moment(wire["volgendePogingOp"]),
            laatste_statuscode=wire["laatsteStatuscode"],
            laatste_fout=wire["laatsteFout"],
            aangemaakt_op=_moment(wire["aangemaaktOp"]),
            afgeleverd_op=_moment(wire["afgeleverdOp"]),
        )


@strawberry.type
class AfleveringVerbinding:
    resultaten: list[Aflevering]
    volgende: str | None


@strawberry.type(description="Het geheim (`whsec_…`) staat alleen in dit antwoord.")
class AbonnementAangemaakt:
    abonnement: Abonnement
    geheim: str
    herhaald: bool = strawberry.field(description=HERHAALD)

    @classmethod
    def from_wire(cls, wire: Wire, replayed: bool) -> AbonnementAangemaakt:
        return cls(abonnement=Abonnement.from_wire(wire), geheim=wire["geheim"], herhaald=replayed)


@strawberry.type
class AbonnementVerwijderd:
    id: strawberry.ID
    herhaald: bool = strawberry.field(description=HERHAALD)

    @classmethod
    def from_wire(cls, wire: Wire, replayed: bool) -> AbonnementVerwijderd:
        return cls(id=strawberry.ID(wire["id"]), herhaald=replayed)


@strawberry.type
class AfleveringOpnieuwGepland:
    aflevering: Aflevering
    herhaald: bool = strawberry.field(description=HERHAALD)

    @classmethod
    def from_wire(cls, wire: Wire, replayed: bool) -> AfleveringOpnieuwGepland:
        return cls(aflevering=Aflevering.from_wire(wire), herhaald=replayed)


AbonnementAanmakenResultaat = Annotated[
    AbonnementAangemaakt
    | ValidatieFout
    | GeenBevoegdheid
    | IdempotencyKeyHergebruikt
    | VerzoekLooptNog,
    strawberry.union("AbonnementAanmakenResultaat"),
]
ABONNEMENT_AANMAKEN_FAILURES: Final = (
    ValidatieFout,
    GeenBevoegdheid,
    IdempotencyKeyHergebruikt,
    VerzoekLooptNog,
)
AbonnementVerwijderenResultaat = Annotated[
    AbonnementVerwijderd
    | NietGevonden
    | GeenBevoegdheid
    | IdempotencyKeyHergebruikt
    | VerzoekLooptNog,
    strawberry.union("AbonnementVerwijderenResultaat"),
]
ABONNEMENT_VERWIJDEREN_FAILURES: Final = (
    NietGevonden,
    GeenBevoegdheid,
    IdempotencyKeyHergebruikt,
    VerzoekLooptNog,
)
AfleveringOpnieuwResultaat = Annotated[
    AfleveringOpnieuwGepland
    | OngeldigeStatus
    | NietGevonden
    | GeenBevoegdheid
    | IdempotencyKeyHergebruikt
    | VerzoekLooptNog,
    strawberry.union("AfleveringOpnieuwResultaat"),
]
AFLEVERING_OPNIEUW_FAILURES: Final = (
    OngeldigeStatus,
    NietGevonden,
    GeenBevoegdheid,
    IdempotencyKeyHergebruikt,
    VerzoekLooptNog,
)
