"""What the Meldcode use cases return (CONTRACT §12): the case with its signals, a signal's
receipt (all its author learns, R23), and the list filter."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from domain.model.meldcode import (
    ACUTE_INSTRUCTION,
    ACUTE_NUMBERS,
    CaseStatus,
    MeldcodeCase,
    Signal,
    SignalStatus,
    Step,
)


@dataclass(frozen=True, slots=True)
class CaseFilter:
    """Tenancy fields are set by the use case, never by the client."""

    organisation: str
    municipalities: frozenset[str] | None = None
    statuses: frozenset[CaseStatus] = frozenset()
    trajectory_id: str | None = None

    def fingerprint(self) -> str:
        """Binds a cursor to its filters (CONTRACT §5.4)."""
        statuses = ",".join(sorted(self.statuses))
        scope = ",".join(sorted(self.municipalities or ()))
        return f"meldcode|{self.organisation}|{scope}|{statuses}|{self.trajectory_id}"


@dataclass(frozen=True, slots=True)
class CaseView:
    case: MeldcodeCase
    signals: Sequence[Signal]


@dataclass(frozen=True, slots=True)
class SignalReceipt:
    """`{id, status}` for everyone; `casusId` only for Meldcode-entitled roles; the acute
    instruction when acute danger was signalled (R24)."""

    id: str
    status: SignalStatus
    case_id: str | None
    acute: bool

    @property
    def instruction(self) -> tuple[str, tuple[str, ...]] | None:
        return (ACUTE_INSTRUCTION, ACUTE_NUMBERS) if self.acute else None


@dataclass(frozen=True, slots=True)
class SignalView:
    """A signal as read: the whole record for Meldcode-entitled roles, else only the
    receipt (its author)."""

    receipt: SignalReceipt
    signal: Signal | None


@dataclass(frozen=True, slots=True)
class StepResult:
    step: Step
    case_version: int


def jsonable(value: Any) -> Any:
    """Step and signal fields as JSON holds them: dates as ISO text, times in UTC with `Z`
    (CONTRACT §1), recursively."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value
