"""Wire shapes of the Meldcode steps (CONTRACT §12.3): one body per `stap`, told apart by it.
Types, code lists and unconditional required fields are checked here; the rules between
fields and against the case are the domain's (domain.model.meldcode_steps)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, RootModel

from api.schemas.common import (
    FreeText,
    JsonBool,
    JsonDate,
    JsonDateTime,
    Line,
    RequestModel,
    Uuid,
    guard_code,
)

G = BeforeValidator(guard_code)  # a code list is BSN-guarded like every string

SignaalBron = Annotated[Literal["eigen_waarneming", "moeder", "derde"], G]
ZorgOver = Annotated[Literal["kind", "moeder", "ander_gezinslid"], G]
WaargenomenDoor = Annotated[Literal["vrijwilliger", "coordinator", "moeder", "derde"], G]
GesprekDeelnemer = Annotated[Literal["moeder", "partner", "ander_gezinslid", "overig"], G]
ConsultatieSoort = Annotated[
    Literal[
        "collega",
        "aandachtsfunctionaris",
        "veilig_thuis_anoniem",
        "veilig_thuis",
        "letselduiding",
    ],
    G,
]
OverslaanReden = Annotated[Literal["veiligheid_in_geding", "contact_zou_worden_verbroken"], G]
MeldKanaal = Annotated[Literal["telefoon", "beveiligd_digitaal"], G]
AcuutKanaal = Annotated[Literal["alarmnummer_112", "politie", "veilig_thuis"], G]
NietGeinformeerdReden = Annotated[Literal["veiligheid", "contact_verbreken", "niet_bereikbaar"], G]
Hulpvorm = Annotated[
    Literal[
        "opvoedondersteuning",
        "jgz_extra_zorg",
        "sociaal_wijkteam",
        "jeugdhulp",
        "maatschappelijk_werk",
        "huisarts",
        "overig",
    ],
    G,
]
VoortzettingBesluit = Annotated[Literal["voortzetten", "onderbreken", "beeindigen"], G]
CasusAfsluitreden = Annotated[Literal["geen_vermoeden", "overgedragen_aan_vt", "hulp_afgerond"], G]
AddendumReden = Annotated[Literal["correctie", "aanvulling", "zienswijze_client"], G]

Text = Annotated[FreeText, Field(min_length=1, max_length=2000)]
Role100 = Annotated[Line, Field(min_length=1, max_length=100)]


class SignaalRegel(RequestModel):
    """One signal of step 1: a fact or an interpretation, with its source and observer."""

    datum: JsonDate
    waarneming: Text
    bron: SignaalBron
    waargenomen_door: WaargenomenDoor
    is_interpretatie: JsonBool
    van_wie: Role100 | None = None


class StapSignalenInKaart(RequestModel):
    stap: Literal["signalen_in_kaart"]
    signalen: Annotated[list[SignaalRegel], Field(min_length=1, max_length=50)]
    ontkrachtende_signalen: Annotated[list[SignaalRegel], Field(max_length=50)]


class StapConsultatie(RequestModel):
    stap: Literal["consultatie"]
    datum: JsonDate
    soort: ConsultatieSoort
    met_rol: Role100
    organisatie: Annotated[Line, Field(min_length=1, max_length=200)] | None = None
    advies: Text
    casus_geanonimiseerd: JsonBool


class StapGesprek(RequestModel):
    stap: Literal["gesprek"]
    datum: JsonDate
    met_wie: Annotated[list[GesprekDeelnemer], Field(min_length=1, max_length=4)]
    reactie_client: Text
    uitkomst: Text


class StapGesprekOvergeslagen(RequestModel):
    stap: Literal["gesprek_overgeslagen"]
    reden: OverslaanReden
    toelichting: Text


class StapWeging(RequestModel):
    stap: Literal["weging"]
    afweging1: JsonBool
    afweging2: JsonBool | None = None
    onderbouwing: Text
    twijfel: JsonBool


class StapBesluit(RequestModel):
    stap: Literal["besluit"]
    afweging3: JsonBool
    afweging4: JsonBool
    melden_noodzakelijk: JsonBool
    hulp_mogelijk: JsonBool
    motivering: Text
    datum: JsonDate
    veilig_thuis_stap_id: Uuid | None = None


class StapMelding(RequestModel):
    stap: Literal["melding"]
    datum: JsonDate
    kanaal: MeldKanaal
    vt_kenmerk: Annotated[Line, Field(min_length=1, max_length=64)] | None = None
    client_geinformeerd: JsonBool
    reactie_client: Text | None = None
    reden_niet_geinformeerd: NietGeinformeerdReden | None = None
    contactpogingen: Annotated[list[JsonDate], Field(max_length=20)] | None = None
    vervolgafspraken: Text | None = None


class StapHulp(RequestModel):
    stap: Literal["hulp"]
    hulpvorm: Hulpvorm
    afspraken: Text
    evaluatie_op: JsonDate
    afgestemd_met_veilig_thuis: JsonBool | None = None


class StapVtTerugkoppeling(RequestModel):
    stap: Literal["vt_terugkoppeling"]
    datum: JsonDate
    samenvatting: Annotated[FreeText, Field(min_length=1, max_length=1000)]


class StapHulpEvaluatie(RequestModel):
    stap: Literal["hulp_evaluatie"]
    datum: JsonDate
    afweging5: JsonBool
    afspraken_monitoring: Text | None = None
    toelichting: Text | None = None


class StapAcuteMelding(RequestModel):
    stap: Literal["acute_melding"]
    datum_tijd: JsonDateTime
    kanaal: AcuutKanaal
    toelichting: Text


class StapMimVoortzetting(RequestModel):
    stap: Literal["mim_voortzetting"]
    besluit: VoortzettingBesluit
    motivering: Text
    heroverweging_op: JsonDate | None = None
    vrijwilliger_id: Uuid | None = None


class StapAfsluiting(RequestModel):
    stap: Literal["afsluiting"]
    reden: CasusAfsluitreden
    toelichting: Text | None = None


class StapAddendum(RequestModel):
    stap: Literal["addendum"]
    tekst: Text
    reden: AddendumReden
    verwijst_naar_stap_id: Uuid | None = None


STEP_MODELS: dict[str, type[RequestModel]] = {
    model.model_fields["stap"].annotation.__args__[0]: model  # type: ignore[union-attr]
    for model in (
        StapSignalenInKaart,
        StapConsultatie,
        StapGesprek,
        StapGesprekOvergeslagen,
        StapWeging,
        StapBesluit,
        StapMelding,
        StapHulp,
        StapVtTerugkoppeling,
        StapHulpEvaluatie,
        StapAcuteMelding,
        StapMimVoortzetting,
        StapAfsluiting,
        StapAddendum,
    )
}


class NieuweMeldcodeStap(
    RootModel[
        Annotated[
            StapSignalenInKaart
            | StapConsultatie
            | StapGesprek
            | StapGesprekOvergeslagen
            | StapWeging
            | StapBesluit
            | StapMelding
            | StapHulp
            | StapVtTerugkoppeling
            | StapHulpEvaluatie
            | StapAcuteMelding
            | StapMimVoortzetting
            | StapAfsluiting
            | StapAddendum,
            Field(discriminator="stap"),
        ]
    ]
):
    """The body of `POST /v1/meldcode-casussen/{id}/stappen`: `stap` says which step; the
    documented schema only (the route validates against the step's own model)."""
