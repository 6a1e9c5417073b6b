"""The real clock and id source; tests use fakes at the same ports."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class RandomIds:
    """UUIDv4, random, never derived from data (CONTRACT §1)."""

    def new(self) -> str:
        return str(uuid.uuid4())
