"""Meldcode inputs (CONTRACT §12, §17): `SignaalInvoer` and `MeldcodeStapInvoer @oneOf`, one
member per step. Each is turned into the REST body and validated by the same pydantic
model, so both doors refuse the same requests with the same field names."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import strawberry
from strawberry.types.base import get_object_definition

from api.graphql.inputs import rest_body
from api.graphql.meldcode_enums import (
    AcuutKanaal,
    AddendumReden,
    CasusAfsluitreden,
    ConsultatieSoort,
    GesprekDeelnemer,
    MeldKanaal,
    NietGeinformeerdReden,
    OverslaanReden,
    SignaalBron,
    VoortzettingBesluit,
    WaargenomenDoor,
    ZorgOver,
)


@strawberry.input(description="Een signaal, als POST /v1/trajecten/{id}/signalen (§12.1).")
class SignaalInvoer:
    waargenomen_op: date
    waarneming: str
    bron: SignaalBron
    zorg_over: ZorgOver
    acuut_gevaar: bool
    derde_rol: str | None = None


@strawberry.input
class SignaalRegelInvoer:
    datum: date
    waarneming: str
    bron: SignaalBron
    waargenomen_door: WaargenomenDoor
    is_interpretatie: bool
    van_wie: str | None = None


@strawberry.input
class SignalenInKaartInvoer:
    signalen: list[SignaalRegelInvoer]
    ontkrachtende_signalen: list[SignaalRegelInvoer]


@strawberry.input
class ConsultatieInvoer:
    datum: date
    soort: ConsultatieSoort
    met_rol: str
    advies: str
    casus_geanonimiseerd: bool
    organisatie: str | None = None


@strawberry.input
class GesprekInvoer:
    datum: date
    met_wie: list[GesprekDeelnemer]
    reactie_client: str
    uitkomst: str


@strawberry.input
class GesprekOvergeslagenInvoer:
    reden: OverslaanReden
    toelichting: str


@strawberry.input
class WegingInvoer:
    afweging1: bool
    onderbouwing: str
    twijfel: bool
    afweging2: bool | None = None


@strawberry.input
class BesluitInvoer:
    afweging3: bool
    afweging4: bool
    melden_noodzakelijk: bool
    hulp_mogelijk: bool
    motivering: str
    datum: date
    veilig_thuis_stap_id: strawberry.ID | None = None


@strawberry.input
class MeldingInvoer:
    datum: date
    kanaal: MeldKanaal
    client_geinformeerd: bool
    vt_kenmerk: str | None = None
    reactie_client: str | None = None
    reden_niet_geinformeerd: NietGeinformeerdReden | None = None
    contactpogingen: list[date] | None = None
    vervolgafspraken: str | None = None


@strawberry.input
class HulpInvoer:
    hulpvorm: str
    afspraken: str
    evaluatie_op: date
    afgestemd_met_veilig_thuis: bool | None = None


@strawberry.input
class VtTerugkoppelingInvoer:
    datum: date
    samenvatting: str


@strawberry.input
class HulpEvaluatieInvoer:
    datum: date
    afweging5: bool
    afspraken_monitoring: str | None = None
    toelichting: str | None = None


@strawberry.input
class AcuteMeldingInvoer:
    datum_tijd: datetime
    kanaal: AcuutKanaal
    toelichting: str


@strawberry.input
class MimVoortzettingInvoer:
    besluit: VoortzettingBesluit
    motivering: str
    heroverweging_op: date | None = None
    vrijwilliger_id: strawberry.ID | None = None


@strawberry.input
class AfsluitingInvoer:
    reden: CasusAfsluitreden
    toelichting: str | None = None


@strawberry.input
class AddendumInvoer:
    tekst: str
    reden: AddendumReden
    verwijst_naar_stap_id: strawberry.ID | None = None


@strawberry.input(
    one_of=True,
    description="Precies één stap (CONTRACT §12.3); het veld noemt de stap (`stap` in REST).",
)
class MeldcodeStapInvoer:
    signalen_in_kaart: SignalenInKaartInvoer | None = strawberry.UNSET
    consultatie: ConsultatieInvoer | None = strawberry.UNSET
    gesprek: GesprekInvoer | None = strawberry.UNSET
    gesprek_overgeslagen: GesprekOvergeslagenInvoer | None = strawberry.UNSET
    weging: WegingInvoer | None = strawberry.UNSET
    besluit: BesluitInvoer | None = strawberry.UNSET
    melding: MeldingInvoer | None = strawberry.UNSET
    hulp: HulpInvoer | None = strawberry.UNSET
    vt_terugkoppeling: VtTerugkoppelingInvoer | None = strawberry.UNSET
    hulp_evaluatie: HulpEvaluatieInvoer | None = strawberry.UNSET
    acute_melding: AcuteMeldingInvoer | None = strawberry.UNSET
    mim_voortzetting: MimVoortzettingInvoer | None = strawberry.UNSET
    afsluiting: AfsluitingInvoer | None = strawberry.UNSET
    addendum: AddendumInvoer | None = strawberry.UNSET


def step_body(invoer: MeldcodeStapInvoer) -> dict[str, Any]:
    """The REST body of the one member given: its fields plus `stap` (its snake_case name)."""
    for field in get_object_definition(invoer, strict=True).fields:
        member = getattr(invoer, field.python_name)
        if member is not None and member is not strawberry.UNSET:
            body: dict[str, Any] = rest_body(member)
            return {"stap": field.python_name, **body}
    return {}
