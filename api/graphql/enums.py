"""Enums: member names are the contract's values, so clients see the same strings as in REST.

Closed code lists (CONTRACT §7) are enums; extensible (⊕) lists stay strings where a new value
within v1 must not break a client, except those the intake already published as enums.
"""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(description="Status van een traject (CONTRACT §7).")
class TrajectStatus(Enum):
    aangemeld = "aangemeld"
    intake = "intake"
    wacht_op_match = "wacht_op_match"
    kennismaking = "kennismaking"
    uitvoering = "uitvoering"
    afsluiting = "afsluiting"
    afgesloten = "afgesloten"
    afgewezen = "afgewezen"
    gestopt = "gestopt"
    onderbroken = "onderbroken"


@strawberry.enum(description="Fase van een traject.")
class Fase(Enum):
    kennismaking = "kennismaking"
    uitvoering = "uitvoering"
    afsluiting = "afsluiting"


@strawberry.enum(description="Wat de verwijzer van het traject ziet (CONTRACT §8.3).")
class TerugkoppelingStatus(Enum):
    ontvangen = "ontvangen"
    in_behandeling = "in_behandeling"
    gestart = "gestart"
    afgerond = "afgerond"
    niet_gestart = "niet_gestart"


@strawberry.enum(description="Soort verwijzer (uitbreidbaar).")
class VerwijzerType(Enum):
    consultatiebureau = "consultatiebureau"
    cjg = "cjg"
    ggd = "ggd"
    verloskundige = "verloskundige"
    kraamzorg = "kraamzorg"
    huisarts = "huisarts"
    sociaal_wijkteam = "sociaal_wijkteam"
    zelfaanmelding = "zelfaanmelding"
    overig = "overig"


@strawberry.enum(description="Schema van een OrganisatieId.")
class OrganisatieIdSchema(Enum):
    ura = "ura"
    oin = "oin"
    kvk = "kvk"
    intern = "intern"


@strawberry.enum(description="Reden van aanmelding (uitbreidbaar).")
class AanmeldReden(Enum):
    onzeker_opvoeding = "onzeker_opvoeding"
    weinig_netwerk = "weinig_netwerk"
    taal = "taal"
    jonge_moeder = "jonge_moeder"
    overig = "overig"


@strawberry.enum(description="Hoe de toestemming is gegeven.")
class ToestemmingWijze(Enum):
    mondeling = "mondeling"
    schriftelijk = "schriftelijk"
    digitaal = "digitaal"


@strawberry.enum(description="Waarvoor de toestemming geldt.")
class ToestemmingScope(Enum):
    delen_met_mim = "delen_met_mim"
    terugkoppeling_aan_verwijzer = "terugkoppeling_aan_verwijzer"


@strawberry.enum(description="Status van een vrijwilliger (CONTRACT §11).")
class VrijwilligerStatus(Enum):
    aangemeld = "aangemeld"
    in_training = "in_training"
    actief = "actief"
    inactief = "inactief"
    gestopt = "gestopt"


@strawberry.enum(description="Soort begeleiding (CONTRACT §11).")
class BegeleidingSoort(Enum):
    individueel = "individueel"
    groep = "groep"
    training = "training"


@strawberry.enum(description="Soort bezoek; alleen `huisbezoek` telt (CONTRACT §10).")
class BezoekSoort(Enum):
    huisbezoek = "huisbezoek"
    ontmoetingsgroep = "ontmoetingsgroep"
