"""The real clock and id source; tests use fakes at the same ports."""

from __future__ import annotations

import os
from datetime import UTC, datetime


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class RandomIds:
    """UUIDv4, random, never derived from data (CONTRACT §1).

    Formatted from the random bytes directly: `str(uuid.uuid4())` builds and checks a UUID
    object first, a few microseconds each, and an intake takes four ids.
    """

    def new(self) -> str:
        raw = bytearray(os.urandom(16))
        raw[6] = (raw[6] & 0x0F) | 0x40  # version 4
        raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
        h = raw.hex()
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
