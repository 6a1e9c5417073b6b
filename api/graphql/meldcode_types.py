"""Meldcode types and mutation results over GraphQL (CONTRACT §12, §17), built from the REST
JSON of the resource, which an idempotencyKey keeps."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Final

import strawberry
from strawberry.scalars import JSON

from api.graphql.lifecycle_results import HERHAALD
from api.graphql.meldcode_enums import (
    CasusAfsluitreden,
    MeldcodeStapSoort,
    MeldcodeStatus,
    SignaalBron,
    SignaalStatus,
    ZorgOver,
)
from api.graphql.related_types import Uitvoerder, Wire
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

STEP_COMMON: Final = frozenset(
    {"id", "casusId", "volgnummer", "stap", "statusVoor", "statusNa", "vastgelegdDoor"}
    | {"vastgelegdOp"}
)


@strawberry.type(description="Bel nu 112, of Veilig Thuis op 0800-2000 (R24).")
class AcuteInstructie:
    tekst: str
    nummers: list[str]


@strawberry.type(
    description="Een signaal (§12.1). De melder zonder meldcode.behandelen ziet alleen `id` en "
    "`status`; de andere velden zijn dan null."
)
class Signaal:
    id: strawberry.ID
    status: SignaalStatus
    casus_id: strawberry.ID | None = None
    traject_id: strawberry.ID | None = None
    waargenomen_op: date | None = None
    waarneming: str | None = None
    bron: SignaalBron | None = None
    derde_rol: str | None = None
    zorg_over: ZorgOver | None = None
    acuut_gevaar: bool | None = None
    gemeld_door: Uitvoerder | None = None
    gemeld_op: datetime | None = None
    acute_instructie: AcuteInstructie | None = None

    @classmethod
    def from_wire(cls, wire: Wire) -> Signaal:
        instruction = wire.get("acuteInstructie")
        observed, reported = wire.get("waargenomenOp"), wire.get("gemeldOp")
        return cls(
            id=strawberry.ID(wire["id"]),
            status=SignaalStatus(wire["status"]),
            casus_id=wire.get("casusId"),
            traject_id=wire.get("trajectId"),
            waargenomen_op=date.fromisoformat(observed) if observed else None,
            waarneming=wire.get("waarneming"),
            bron=SignaalBron(wire["bron"]) if "bron" in wire else None,
            derde_rol=wire.get("derdeRol"),
            zorg_over=ZorgOver(wire["zorgOver"]) if "zorgOver" in wire else None,
            acuut_gevaar=wire.get("acuutGevaar"),
            gemeld_door=Uitvoerder.from_wire(wire["gemeldDoor"]) if "gemeldDoor" in wire else None,
            gemeld_op=datetime.fromisoformat(reported) if reported else None,
            acute_instructie=AcuteInstructie(**instruction) if instruction else None,
        )


@strawberry.type
class Besluit:
    melden_noodzakelijk: bool
    hulp_mogelijk: bool
    genomen_door: Uitvoerder
    datum: date


@strawberry.type(description="Een Meldcode-casus (§12.2), alleen voor C, A en E.")
class MeldcodeCasus:
    id: strawberry.ID
    versie: int
    traject_id: strawberry.ID
    uitvoerende_organisatie: str
    gemeente: str
    status: MeldcodeStatus
    geopend_op: datetime
    signalen: list[Signaal]
    aantal_stappen: int
    besluit: Besluit | None
    acuut_gemeld: bool
    melding_gedaan: bool
    melding_vereist: bool
    afsluitreden: CasusAfsluitreden | None
    afgesloten_op: datetime | None
    bewaartermijn_tot: date | None
    juridische_bewaring: bool

    @classmethod
    def from_wire(cls, wire: Wire) -> MeldcodeCasus:
        decision = wire["besluit"]
        closed, held = wire["afgeslotenOp"], wire["bewaartermijnTot"]
        return cls(
            id=strawberry.ID(wire["id"]),
            versie=wire["versie"],
            traject_id=strawberry.ID(wire["trajectId"]),
            uitvoerende_organisatie=wire["uitvoerendeOrganisatie"],
            gemeente=wire["gemeente"],
            status=MeldcodeStatus(wire["status"]),
            geopend_op=datetime.fromisoformat(wire["geopendOp"]),
            signalen=[Signaal.from_wire(s) for s in wire["signalen"]],
            aantal_stappen=wire["aantalStappen"],
            besluit=None
            if decision is None
            else Besluit(
                melden_noodzakelijk=decision["meldenNoodzakelijk"],
                hulp_mogelijk=decision["hulpMogelijk"],
                genomen_door=Uitvoerder.from_wire(decision["genomenDoor"]),
                datum=date.fromisoformat(decision["datum"]),
            ),
            acuut_gemeld=wire["acuutGemeld"],
            melding_gedaan=wire["meldingGedaan"],
            melding_vereist=wire["meldingVereist"],
            afsluitreden=CasusAfsluitreden(wire["afsluitreden"]) if wire["afsluitreden"] else None,
            afgesloten_op=datetime.fromisoformat(closed) if closed else None,
            bewaartermijn_tot=date.fromisoformat(held) if held else None,
            juridische_bewaring=wire["juridischeBewaring"],
        )


@strawberry.type
class MeldcodeCasusVerbinding:
    resultaten: list[MeldcodeCasus]
    volgende: str | None


@strawberry.type(
    description="Een Meldcode-stap (§12.3); `gegevens` houdt de eigen velden van de stap, "
    "met hun REST-namen."
)
class MeldcodeStap:
    id: strawberry.ID
    casus_id: strawberry.ID
    volgnummer: int
    stap: MeldcodeStapSoort
    status_voor: MeldcodeStatus
    status_na: MeldcodeStatus
    vastgelegd_door: Uitvoerder
    vastgelegd_op: datetime
    gegevens: JSON

    @classmethod
    def from_wire(cls, wire: Wire) -> MeldcodeStap:
        return cls(
            id=strawberry.ID(wire["id"]),
            casus_id=strawberry.ID(wire["casusId"]),
            volgnummer=wire["volgnummer"],
            stap=MeldcodeStapSoort(wire["stap"]),
            status_voor=MeldcodeStatus(wire["statusVoor"]),
            status_na=MeldcodeStatus(wire["statusNa"]),
            vastgelegd_door=Uitvoerder.from_wire(wire["vastgelegdDoor"]),
            vastgelegd_op=datetime.fromisoformat(wire["vastgelegdOp"]),
            gegevens=JSON({k: v for k, v in wire.items() if k not in STEP_COMMON}),
        )


@strawberry.type
class SignaalGemeld:
    signaal: Signaal
    herhaald: bool = strawberry.field(description=HERHAALD)

    @classmethod
    def from_wire(cls, wire: Wire, replayed: bool) -> SignaalGemeld:
        return cls(signaal=Signaal.from_wire(wire), herhaald=replayed)


@strawberry.type
class StapVastgelegd:
    stap: MeldcodeStap
    herhaald: bool = strawberry.field(description=HERHAALD)

    @classmethod
    def from_wire(cls, wire: Wire, replayed: bool) -> StapVastgelegd:
        return cls(stap=MeldcodeStap.from_wire(wire), herhaald=replayed)


SignaalMeldenResultaat = Annotated[
    SignaalGemeld
    | ValidatieFout
    | OngeldigeStatus
    | VersieConflict
    | NietGevonden
    | GeenBevoegdheid
    | IdempotencyKeyHergebruikt
    | VerzoekLooptNog,
    strawberry.union("SignaalMeldenResultaat"),
]
SIGNAAL_MELDEN_FAILURES: Final = (
    ValidatieFout,
    OngeldigeStatus,
    VersieConflict,
    NietGevonden,
    GeenBevoegdheid,
    IdempotencyKeyHergebruikt,
    VerzoekLooptNog,
)
MeldcodeStapVastleggenResultaat = Annotated[
    StapVastgelegd
    | ValidatieFout
    | OngeldigeOvergang
    | VersieConflict
    | NietGevonden
    | GeenBevoegdheid
    | IdempotencyKeyHergebruikt
    | VerzoekLooptNog,
    strawberry.union("MeldcodeStapVastleggenResultaat"),
]
MELDCODE_STAP_FAILURES: Final = (
    ValidatieFout,
    OngeldigeOvergang,
    VersieConflict,
    NietGevonden,
    GeenBevoegdheid,
    IdempotencyKeyHergebruikt,
    VerzoekLooptNog,
)
