"""Domain events: frozen, past tense, ids, states and codes only — never personal data (R37)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar


class Audience(StrEnum):
    """Who may receive an event type (CONTRACT §13.1, last column)."""

    HOST = "host"  # the host organisation (C, A, E, B)
    MELDCODE = "meldcode"  # host tokens with meldcode.behandelen
    REFERRER = "referrer"  # the referrer organisation, with feedback consent
    PRIVACY = "privacy"  # host tokens with audit.lezen


@dataclass(frozen=True, slots=True)
class DomainEvent:
    type: ClassVar[str]
    audience: ClassVar[Audience] = Audience.HOST
    subject: str
    organisation: str
    municipality: str

    def data(self) -> dict[str, Any]:
        raise NotImplementedError

    def dataref(self) -> str:
        raise NotImplementedError

    @property
    def recipient(self) -> str | None:
        """The referrer organisation for referrer-addressed events; else None."""
        return None


@dataclass(frozen=True, slots=True)
class ReferralReceived(DomainEvent):
    type: ClassVar[str] = "nl.mim.verwijzing.ontvangen"
    trajectory_id: str

    def data(self) -> dict[str, Any]:
        return {
            "verwijzingId": self.subject,
            "trajectId": self.trajectory_id,
            "gemeente": self.municipality,
        }

    def dataref(self) -> str:
        return f"/v1/verwijzingen/{self.subject}"


@dataclass(frozen=True, slots=True)
class TrajectoryStateChanged(DomainEvent):
    """`reason` is stored masked: events are read without `meldcode.behandelen`."""

    type: ClassVar[str] = "nl.mim.traject.status-gewijzigd"
    from_state: str
    to_state: str
    phase: str | None
    reason: str | None
    by_system: bool

    def data(self) -> dict[str, Any]:
        return {
            "trajectId": self.subject,
            "van": self.from_state,
            "naar": self.to_state,
            "fase": self.phase,
            "reden": self.reason,
            "doorSysteem": self.by_system,
        }

    def dataref(self) -> str:
        return f"/v1/trajecten/{self.subject}"


@dataclass(frozen=True, slots=True)
class TrajectoryUpdated(DomainEvent):
    type: ClassVar[str] = "nl.mim.traject.bijgewerkt"
    version: int

    def data(self) -> dict[str, Any]:
        return {"trajectId": self.subject, "versie": self.version}

    def dataref(self) -> str:
        return f"/v1/trajecten/{self.subject}"


@dataclass(frozen=True, slots=True)
class VisitRecorded(DomainEvent):
    type: ClassVar[str] = "nl.mim.huisbezoek.vastgelegd"
    trajectory_id: str
    phase: str

    def data(self) -> dict[str, Any]:
        return {"trajectId": self.trajectory_id, "bezoekId": self.subject, "fase": self.phase}

    def dataref(self) -> str:
        return f"/v1/trajecten/{self.trajectory_id}/huisbezoeken/{self.subject}"


@dataclass(frozen=True, slots=True)
class VisitCorrected(DomainEvent):
    type: ClassVar[str] = "nl.mim.huisbezoek.gecorrigeerd"
    trajectory_id: str
    phase: str
    corrects: str

    def data(self) -> dict[str, Any]:
        return {
            "trajectId": self.trajectory_id,
            "bezoekId": self.subject,
            "fase": self.phase,
            "correctieVan": self.corrects,
        }

    def dataref(self) -> str:
        return f"/v1/trajecten/{self.trajectory_id}/huisbezoeken/{self.subject}"


@dataclass(frozen=True, slots=True)
class VolunteerUpdated(DomainEvent):
    """`municipality` is her team's gemeente (CONTRACT §11)."""

    type: ClassVar[str] = "nl.mim.vrijwilliger.bijgewerkt"
    status: str

    def data(self) -> dict[str, Any]:
        return {"vrijwilligerId": self.subject, "status": self.status}

    def dataref(self) -> str:
        return f"/v1/vrijwilligers/{self.subject}"


@dataclass(frozen=True, slots=True)
class ReferralFeedbackChanged(DomainEvent):
    """Goes to the referrer organisation only, and only with feedback consent (§13.1)."""

    type: ClassVar[str] = "nl.mim.verwijzing.teruggekoppeld"
    audience: ClassVar[Audience] = Audience.REFERRER
    referrer: str
    status: str
    reason: str | None

    def data(self) -> dict[str, Any]:
        return {"verwijzingId": self.subject, "status": self.status, "reden": self.reason}

    def dataref(self) -> str:
        return f"/v1/verwijzingen/{self.subject}"

    @property
    def recipient(self) -> str | None:
        return self.referrer
