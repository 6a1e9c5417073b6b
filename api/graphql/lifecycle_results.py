"""Results of the lifecycle mutations (CONTRACT §17): a success member per mutation and the
union members of its row in the contract's table, in that order.

Success members are built from the REST JSON of the resource (what an idempotencyKey keeps);
`herhaald: true` says the answer is a replay, as `Idempotency-Replayed` does in REST.
"""

from __future__ import annotations

from typing import Annotated, Final

import strawberry

from api.graphql.related_types import (
    Begeleiding,
    Huisbezoek,
    Overgang,
    Vrijwilliger,
    Waarschuwing,
    Wire,
)
from api.graphql.results import (
    GeenBevoegdheid,
    IdempotencyKeyHergebruikt,
    NietGevonden,
    OngeldigeOvergang,
    OngeldigeStatus,
    ValidatieFout,
    VersieConflict,
    VerzoekLooptNog,
)
from api.graphql.traject import Traject

HERHAALD: Final = "true: herhaald antwoord (idempotencyKey), er is niets opnieuw uitgevoerd."


@strawberry.type(
    description="De overgang is uitgevoerd; `overgang.trajectVersie` is de nieuwe versie."
)
class OvergangGelukt:
    overgang: Overgang
    waarschuwingen: list[Waarschuwing]
    herhaald: bool = strawberry.field(description=HERHAALD)

    @classmethod
    def from_wire(cls, wire: Wire, replayed: bool) -> OvergangGelukt:
        return cls(
            overgang=Overgang.from_wire(wire),
            waarschuwingen=Waarschuwing.all_from(wire),
            herhaald=replayed,
        )


@strawberry.type
class TrajectBijgewerkt:
    traject: Traject
    herhaald: bool = strawberry.field(description=HERHAALD)

    @classmethod
    def from_wire(cls, wire: Wire, replayed: bool) -> TrajectBijgewerkt:
        return cls(traject=Traject.from_wire(wire), herhaald=replayed)


@strawberry.type
class HuisbezoekVastgelegd:
    huisbezoek: Huisbezoek
    waarschuwingen: list[Waarschuwing]
    herhaald: bool = strawberry.field(description=HERHAALD)

    @classmethod
    def from_wire(cls, wire: Wire, replayed: bool) -> HuisbezoekVastgelegd:
        return cls(
            huisbezoek=Huisbezoek.from_wire(wire),
            waarschuwingen=Waarschuwing.all_from(wire),
            herhaald=replayed,
        )


@strawberry.type
class HuisbezoekGecorrigeerd:
    huisbezoek: Huisbezoek = strawberry.field(description="Het nieuwe record (`correctieVan`).")
    waarschuwingen: list[Waarschuwing]
    herhaald: bool = strawberry.field(description=HERHAALD)

    @classmethod
    def from_wire(cls, wire: Wire, replayed: bool) -> HuisbezoekGecorrigeerd:
        return cls(
            huisbezoek=Huisbezoek.from_wire(wire),
            waarschuwingen=Waarschuwing.all_from(wire),
            herhaald=replayed,
        )


@strawberry.type
class VrijwilligerAangemaakt:
    vrijwilliger: Vrijwilliger
    herhaald: bool = strawberry.field(description=HERHAALD)

    @classmethod
    def from_wire(cls, wire: Wire, replayed: bool) -> VrijwilligerAangemaakt:
        return cls(vrijwilliger=Vrijwilliger.from_wire(wire), herhaald=replayed)


@strawberry.type
class VrijwilligerBijgewerkt:
    vrijwilliger: Vrijwilliger
    herhaald: bool = strawberry.field(description=HERHAALD)

    @classmethod
    def from_wire(cls, wire: Wire, replayed: bool) -> VrijwilligerBijgewerkt:
        return cls(vrijwilliger=Vrijwilliger.from_wire(wire), herhaald=replayed)


@strawberry.type
class BegeleidingVastgelegd:
    begeleiding: Begeleiding
    herhaald: bool = strawberry.field(description=HERHAALD)

    @classmethod
    def from_wire(cls, wire: Wire, replayed: bool) -> BegeleidingVastgelegd:
        return cls(begeleiding=Begeleiding.from_wire(wire), herhaald=replayed)


TrajectOvergangResultaat = Annotated[
    OvergangGelukt
    | ValidatieFout
    | OngeldigeOvergang
    | VersieConflict
    | NietGevonden
    | GeenBevoegdheid
    | IdempotencyKeyHergebruikt
    | VerzoekLooptNog,
    strawberry.union("TrajectOvergangResultaat"),
]
TRAJECT_OVERGANG_FAILURES: Final = (
    ValidatieFout,
    OngeldigeOvergang,
    VersieConflict,
    NietGevonden,
    GeenBevoegdheid,
    IdempotencyKeyHergebruikt,
    VerzoekLooptNog,
)

TrajectBijwerkenResultaat = Annotated[
    TrajectBijgewerkt
    | ValidatieFout
    | OngeldigeStatus
    | VersieConflict
    | NietGevonden
    | GeenBevoegdheid
    | IdempotencyKeyHergebruikt
    | VerzoekLooptNog,
    strawberry.union("TrajectBijwerkenResultaat"),
]
TRAJECT_BIJWERKEN_FAILURES: Final = (
    ValidatieFout,
    OngeldigeStatus,
    VersieConflict,
    NietGevonden,
    GeenBevoegdheid,
    IdempotencyKeyHergebruikt,
    VerzoekLooptNog,
)

HuisbezoekVastleggenResultaat = Annotated[
    HuisbezoekVastgelegd
    | ValidatieFout
    | OngeldigeStatus
    | OngeldigeOvergang
    | VersieConflict
    | NietGevonden
    | GeenBevoegdheid
    | IdempotencyKeyHergebruikt
    | VerzoekLooptNog,
    strawberry.union("HuisbezoekVastleggenResultaat"),
]
HUISBEZOEK_VASTLEGGEN_FAILURES: Final = (
    ValidatieFout,
    OngeldigeStatus,
    OngeldigeOvergang,
    VersieConflict,
    NietGevonden,
    GeenBevoegdheid,
    IdempotencyKeyHergebruikt,
    VerzoekLooptNog,
)

HuisbezoekCorrigerenResultaat = Annotated[
    HuisbezoekGecorrigeerd
    | ValidatieFout
    | OngeldigeStatus
    | VersieConflict
    | NietGevonden
    | GeenBevoegdheid
    | IdempotencyKeyHergebruikt
    | VerzoekLooptNog,
    strawberry.union("HuisbezoekCorrigerenResultaat"),
]
HUISBEZOEK_CORRIGEREN_FAILURES: Final = (
    ValidatieFout,
    OngeldigeStatus,
    VersieConflict,
    NietGevonden,
    GeenBevoegdheid,
    IdempotencyKeyHergebruikt,
    VerzoekLooptNog,
)

VrijwilligerAanmakenResultaat = Annotated[
    VrijwilligerAangemaakt
    | ValidatieFout
    | OngeldigeStatus
    | GeenBevoegdheid
    | IdempotencyKeyHergebruikt
    | VerzoekLooptNog,
    strawberry.union("VrijwilligerAanmakenResultaat"),
]
VRIJWILLIGER_AANMAKEN_FAILURES: Final = (
    ValidatieFout,
    OngeldigeStatus,
    GeenBevoegdheid,
    IdempotencyKeyHergebruikt,
    VerzoekLooptNog,
)

VrijwilligerBijwerkenResultaat = Annotated[
    VrijwilligerBijgewerkt
    | ValidatieFout
    | OngeldigeStatus
    | VersieConflict
    | NietGevonden
    | GeenBevoegdheid
    | IdempotencyKeyHergebruikt
    | VerzoekLooptNog,
    strawberry.union("VrijwilligerBijwerkenResultaat"),
]
VRIJWILLIGER_BIJWERKEN_FAILURES: Final = (
    ValidatieFout,
    OngeldigeStatus,
    VersieConflict,
    NietGevonden,
    GeenBevoegdheid,
    IdempotencyKeyHergebruikt,
    VerzoekLooptNog,
)

BegeleidingVastleggenResultaat = Annotated[
    BegeleidingVastgelegd
    | ValidatieFout
    | VersieConflict
    | NietGevonden
    | GeenBevoegdheid
    | IdempotencyKeyHergebruikt
    | VerzoekLooptNog,
    strawberry.union("BegeleidingVastleggenResultaat"),
]
BEGELEIDING_VASTLEGGEN_FAILURES: Final = (
    ValidatieFout,
    VersieConflict,
    NietGevonden,
    GeenBevoegdheid,
    IdempotencyKeyHergebruikt,
    VerzoekLooptNog,
)
