"""NEN 7513 access log entries, as the domain records them (one per data subject)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class AuditAction(StrEnum):
    """Published as `AuditActie` (EventActionCode C/R/U/D/E)."""

    CREATE = "aanmaken"
    READ = "lezen"
    UPDATE = "wijzigen"
    DELETE = "verwijderen"
    EXECUTE = "uitvoeren"


class Purpose(StrEnum):
    """Published as `verwerkingsactiviteit` (EventID)."""

    INTAKE = "intake"
    TRAJECTORY_SUPPORT = "trajectbegeleiding"
    VISITS = "huisbezoeken"
    VOLUNTEER_MANAGEMENT = "vrijwilligersbeheer"
    MELDCODE = "meldcode"
    FEEDBACK = "terugkoppeling"
    PRIVACY_REQUEST = "privacyverzoek"
    RETENTION = "bewaartermijnen"


class SubjectKind(StrEnum):
    MOTHER_AND_CHILD = "moeder_en_kind"
    VOLUNTEER = "vrijwilliger"


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """What was done to whom and why; the adapter adds actor, time, request and chain."""

    action: AuditAction
    purpose: Purpose
    resource: str
    resource_id: str | None
    organisation: str  # the chain: the subject's host organisation, else the token's
    subject_kind: SubjectKind | None = None
    subject_id: str | None = None
    search: bool = False
    authorisation: str | None = None
    consent_version: str | None = None
    meldcode: bool = False
