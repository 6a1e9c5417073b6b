"""The trajectory's reason and outcome code lists (CONTRACT §7); each ends in `overig`."""

from __future__ import annotations

from enum import StrEnum


class RejectionReason(StrEnum):
    """Published as `AfwijzingsReden` (⊕)."""

    NOT_FIRST_CHILD = "geen_eerste_kind"
    CHILD_TOO_OLD = "kind_te_oud"
    CONTRA_INDICATION = "contra_indicatie"
    NO_NEED = "geen_behoefte"
    NOT_REACHED = "niet_bereikt"
    OTHER = "overig"


class PauseReason(StrEnum):
    """Published as `OnderbrekingsReden` (⊕)."""

    MELDCODE = "meldcode"
    ILLNESS = "ziekte"
    MOVING = "verhuizing"
    TEMPORARILY_AWAY = "tijdelijk_afwezig"
    VOLUNTEER_CHANGES = "vrijwilliger_wisselt"
    OTHER = "overig"


class StopReason(StrEnum):
    """Published as `StopReden` (⊕)."""

    NO_LONGER_NEEDED = "geen_behoefte_meer"
    CONSENT_WITHDRAWN = "toestemming_ingetrokken"
    MOVED = "verhuisd"
    UNREACHABLE = "niet_bereikbaar"
    NO_VOLUNTEER = "geen_vrijwilliger_beschikbaar"
    ILLNESS = "ziekte"
    MELDCODE = "meldcode"
    OTHER = "overig"


class ExtensionReason(StrEnum):
    """Published as `VerlengingsReden` (⊕)."""

    STARTED_LATE = "later_gestart"
    CATCH_UP_PAUSE = "onderbreking_inhalen"
    MORE_SUPPORT_NEEDED = "extra_ondersteuning_nodig"
    OTHER = "overig"


class Outcome(StrEnum):
    """Published as `Uitkomst` (⊕)."""

    COMPLETED = "volledig_doorlopen"
    GOALS_REACHED_EARLY = "doelen_eerder_bereikt"
    MAXIMUM_DURATION = "maximale_duur_bereikt"
    REFERRED_ELSEWHERE = "doorverwezen_naar_andere_hulp"
    OTHER = "overig"


class MatchCriterion(StrEnum):
    """Published as `MatchCriterium` (⊕)."""

    LANGUAGE = "taal"
    WIJK = "wijk"
    CAPACITY = "capaciteit"
    EXPERIENCE = "ervaring"
    MOTHERS_PREFERENCE = "voorkeur_moeder"
    OTHER = "overig"
