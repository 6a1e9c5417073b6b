"""Meldcode enums (CONTRACT §7): closed code lists, member names the contract's values."""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(description="Status van een Meldcode-casus (CONTRACT §7).")
class MeldcodeStatus(Enum):
    signaal_ontvangen = "signaal_ontvangen"
    signalen_in_kaart = "signalen_in_kaart"
    geconsulteerd = "geconsulteerd"
    gesprek_gevoerd = "gesprek_gevoerd"
    gewogen = "gewogen"
    besloten = "besloten"
    afgesloten = "afgesloten"


@strawberry.enum(description="Wat de melder van haar signaal ziet (CONTRACT §12.1).")
class SignaalStatus(Enum):
    ontvangen = "ontvangen"
    in_behandeling = "in_behandeling"
    afgerond = "afgerond"


@strawberry.enum(description="Soort Meldcode-stap (CONTRACT §12.3).")
class MeldcodeStapSoort(Enum):
    signalen_in_kaart = "signalen_in_kaart"
    consultatie = "consultatie"
    gesprek = "gesprek"
    gesprek_overgeslagen = "gesprek_overgeslagen"
    weging = "weging"
    besluit = "besluit"
    melding = "melding"
    hulp = "hulp"
    vt_terugkoppeling = "vt_terugkoppeling"
    hulp_evaluatie = "hulp_evaluatie"
    acute_melding = "acute_melding"
    mim_voortzetting = "mim_voortzetting"
    afsluiting = "afsluiting"
    addendum = "addendum"


@strawberry.enum(description="Bron van een signaal: een derde met zijn rol, nooit een naam.")
class SignaalBron(Enum):
    eigen_waarneming = "eigen_waarneming"
    moeder = "moeder"
    derde = "derde"


@strawberry.enum(description="Om wie de zorg gaat.")
class ZorgOver(Enum):
    kind = "kind"
    moeder = "moeder"
    ander_gezinslid = "ander_gezinslid"


@strawberry.enum(description="Wie het signaal waarnam.")
class WaargenomenDoor(Enum):
    vrijwilliger = "vrijwilliger"
    coordinator = "coordinator"
    moeder = "moeder"
    derde = "derde"


@strawberry.enum(description="Met wie het gesprek (stap 3) gevoerd is.")
class GesprekDeelnemer(Enum):
    moeder = "moeder"
    partner = "partner"
    ander_gezinslid = "ander_gezinslid"
    overig = "overig"


@strawberry.enum(description="Wie geconsulteerd is (stap 2).")
class ConsultatieSoort(Enum):
    collega = "collega"
    aandachtsfunctionaris = "aandachtsfunctionaris"
    veilig_thuis_anoniem = "veilig_thuis_anoniem"
    veilig_thuis = "veilig_thuis"
    letselduiding = "letselduiding"


@strawberry.enum(description="De enige twee redenen om het gesprek over te slaan.")
class OverslaanReden(Enum):
    veiligheid_in_geding = "veiligheid_in_geding"
    contact_zou_worden_verbroken = "contact_zou_worden_verbroken"


@strawberry.enum(description="Hoe de melding bij Veilig Thuis gedaan is.")
class MeldKanaal(Enum):
    telefoon = "telefoon"
    beveiligd_digitaal = "beveiligd_digitaal"


@strawberry.enum(description="Wie bij acuut gevaar gebeld is.")
class AcuutKanaal(Enum):
    alarmnummer_112 = "alarmnummer_112"
    politie = "politie"
    veilig_thuis = "veilig_thuis"


@strawberry.enum(description="Waarom de cliënt niet over de melding is geïnformeerd.")
class NietGeinformeerdReden(Enum):
    veiligheid = "veiligheid"
    contact_verbreken = "contact_verbreken"
    niet_bereikbaar = "niet_bereikbaar"


@strawberry.enum(description="Of MIM doorgaat (mim_voortzetting).")
class VoortzettingBesluit(Enum):
    voortzetten = "voortzetten"
    onderbreken = "onderbreken"
    beeindigen = "beeindigen"


@strawberry.enum(description="Waarom een Meldcode-casus is afgesloten.")
class CasusAfsluitreden(Enum):
    geen_vermoeden = "geen_vermoeden"
    overgedragen_aan_vt = "overgedragen_aan_vt"
    hulp_afgerond = "hulp_afgerond"


@strawberry.enum(description="Soort addendum.")
class AddendumReden(Enum):
    correctie = "correctie"
    aanvulling = "aanvulling"
    zienswijze_client = "zienswijze_client"
