"""Opaque list cursors, bound to the filters they were made for (CONTRACT §5.4)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

from domain.errors import RuleViolation

T = TypeVar("T")


def _invalid() -> RuleViolation:
    return RuleViolation.of(
        "cursor", "ongeldige-cursor", "De cursor is ongeldig of hoort bij andere filters."
    )


def _bind(fingerprint: str) -> str:
    return hashlib.sha256(fingerprint.encode()).hexdigest()[:16]


def encode_cursor(position: tuple[datetime, str], *, fingerprint: str) -> str:
    raw = json.dumps([position[0].isoformat(), position[1], _bind(fingerprint)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, *, fingerprint: str) -> tuple[datetime, str]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        at, key, bound = json.loads(base64.urlsafe_b64decode(padded.encode()))
        moment = datetime.fromisoformat(at)
    except (ValueError, TypeError, RecursionError, binascii.Error, UnicodeDecodeError):
        raise _invalid() from None
    if bound != _bind(fingerprint) or not isinstance(key, str) or moment.tzinfo is None:
        raise _invalid()
    return moment, key


def encode_position(position: tuple[str, ...], *, fingerprint: str) -> str:
    """A cursor over any sort key given as strings (dates, times and ids in ISO form)."""
    raw = json.dumps([*position, _bind(fingerprint)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_position(cursor: str, *, fingerprint: str, size: int) -> tuple[str, ...]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError, RecursionError, binascii.Error, UnicodeDecodeError):
        raise _invalid() from None
    if not isinstance(values, list) or len(values) != size + 1:
        raise _invalid()
    *position, bound = values
    if bound != _bind(fingerprint) or not all(isinstance(v, str) for v in position):
        raise _invalid()
    return tuple(position)


def next_after(found: Sequence[T], limit: int, position: Callable[[T], str]) -> str | None:
    """The cursor of the next page: `found` holds up to limit + 1 items; only when the extra
    one is there is there a next page, starting after the last item shown."""
    return position(found[limit - 1]) if len(found) > limit else None
