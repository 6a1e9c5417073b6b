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


@dataclass(frozen=True, slots=True)
class MeldcodeSignalReceived(DomainEvent):
    """A signal on a trajectory (CONTRACT §12.1); only for host tokens with
    `meldcode.behandelen` (R34). `subject` is the signal."""

    type: ClassVar[str] = "nl.mim.meldcode.signaal-ontvangen"
    audience: ClassVar[Audience] = Audience.MELDCODE
    urgent: ClassVar[bool] = False
    case_id: str
    trajectory_id: str
    acute_danger: bool

    def data(self) -> dict[str, Any]:
        return {
            "casusId": self.case_id,
            "trajectId": self.trajectory_id,
            "signaalId": self.subject,
            "acuutGevaar": self.acute_danger,
        }

    def dataref(self) -> str:
        return f"/v1/signalen/{self.subject}"


@dataclass(frozen=True, slots=True)
class MeldcodeAcuteSignal(MeldcodeSignalReceived):
    """`acuutGevaar: true`: delivered ahead of every pending delivery (R24)."""

    type: ClassVar[str] = "nl.mim.meldcode.acuut-gesignaleerd"
    urgent: ClassVar[bool] = True


@dataclass(frozen=True, slots=True)
class MeldcodeStepRecorded(DomainEvent):
    type: ClassVar[str] = "nl.mim.meldcode.stap-vastgelegd"
    audience: ClassVar[Audience] = Audience.MELDCODE
    case_id: str
    step: str
    status_after: str

    def data(self) -> dict[str, Any]:
        return {
            "casusId": self.case_id,
            "stapId": self.subject,
            "stap": self.step,
            "statusNa": self.status_after,
        }

    def dataref(self) -> str:
        return f"/v1/meldcode-casussen/{self.case_id}/stappen/{self.subject}"


@dataclass(frozen=True, slots=True)
class MeldcodeCaseDecided(DomainEvent):
    type: ClassVar[str] = "nl.mim.meldcode.besloten"
    audience: ClassVar[Audience] = Audience.MELDCODE
    case_id: str
    report_necessary: bool
    help_possible: bool

    def data(self) -> dict[str, Any]:
        return {
            "casusId": self.case_id,
            "meldenNoodzakelijk": self.report_necessary,
            "hulpMogelijk": self.help_possible,
        }

    def dataref(self) -> str:
        return f"/v1/meldcode-casussen/{self.case_id}"


@dataclass(frozen=True, slots=True)
class MeldcodeCaseClosed(DomainEvent):
    type: ClassVar[str] = "nl.mim.meldcode.afgesloten"
    audience: ClassVar[Audience] = Audience.MELDCODE
    case_id: str
    closing_reason: str

    def data(self) -> dict[str, Any]:
        return {"casusId": self.case_id, "afsluitreden": self.closing_reason}

    def dataref(self) -> str:
        return f"/v1/meldcode-casussen/{self.case_id}"


# Every published type (CONTRACT §13.1) and who may receive it: what a subscription may ask for.
# Types without a class here are emitted by later issues (the retention purge, break-glass).
EVENT_AUDIENCES: dict[str, Audience] = {
    **{
        kind.type: kind.audience
        for kind in (
            ReferralReceived,
            ReferralFeedbackChanged,
            TrajectoryStateChanged,
            TrajectoryUpdated,
            VisitRecorded,
            VisitCorrected,
            VolunteerUpdated,
            MeldcodeSignalReceived,
            MeldcodeAcuteSignal,
            MeldcodeStepRecorded,
            MeldcodeCaseDecided,
            MeldcodeCaseClosed,
        )
    },
    "nl.mim.traject.gegevens-verwijderd": Audience.HOST,
    "nl.mim.audit.noodtoegang-gebruikt": Audience.PRIVACY,
}
URGENT_TYPES: frozenset[str] = frozenset({MeldcodeAcuteSignal.type})
