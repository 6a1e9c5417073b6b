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
