"""Opaque list cursors, bound to their filters (CONTRACT §5.4)."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Final

import pytest

from domain.errors import RuleViolation
from domain.model.cursor import decode_cursor, encode_cursor
from domain.model.trajectory import TrajectoryState
from domain.views import TrajectoryFilter

AT: Final = datetime(2026, 11, 24, 9, 14, 3, 123456, tzinfo=UTC)
KEY: Final = "3f2b8c1e-6d4a-4c7e-9b1a-2e5f7d9c0a11"
FILTERS: Final = TrajectoryFilter(organisation="mim-demo")


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _refused(cursor: str, *, fingerprint: str = FILTERS.fingerprint()) -> RuleViolation:
    with pytest.raises(RuleViolation) as refused:
        decode_cursor(cursor, fingerprint=fingerprint)
    return refused.value


@pytest.mark.parametrize(
    "at", [AT, AT.astimezone(timezone(timedelta(hours=2))), datetime(2000, 1, 1, tzinfo=UTC)]
)
def test_a_cursor_gives_back_the_position_it_was_made_from(at: datetime) -> None:
    fingerprint = FILTERS.fingerprint()
    cursor = encode_cursor((at, KEY), fingerprint=fingerprint)
    assert decode_cursor(cursor, fingerprint=fingerprint) == (at, KEY)


def test_a_cursor_is_url_safe_without_padding() -> None:
    cursor = encode_cursor((AT, KEY), fingerprint=FILTERS.fingerprint())
    assert set(cursor) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


@pytest.mark.parametrize(
    "other",
    [
        TrajectoryFilter(organisation="mim-andere"),
        TrajectoryFilter(organisation="mim-demo", states=frozenset({TrajectoryState.INTAKE})),
        TrajectoryFilter(organisation="mim-demo", phases=frozenset({TrajectoryState.EXECUTION})),
        TrajectoryFilter(organisation="mim-demo", municipality="GM0363"),
        TrajectoryFilter(organisation="mim-demo", municipalities=frozenset({"GM0363"})),
        TrajectoryFilter(
            organisation="mim-demo", volunteer_id="b7d40c9e-5a1f-4b2c-8d3e-6f7a8b9c0d1e"
        ),
    ],
)
def test_a_cursor_made_for_other_filters_is_ongeldige_cursor(other: TrajectoryFilter) -> None:
    cursor = encode_cursor((AT, KEY), fingerprint=FILTERS.fingerprint())
    refused = _refused(cursor, fingerprint=other.fingerprint())
    assert (refused.code, refused.problems[0].name) == ("ongeldige-cursor", "cursor")


def _tampered() -> str:
    cursor = encode_cursor((AT, KEY), fingerprint=FILTERS.fingerprint())
    raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    raw[1] = "00000000-0000-4000-8000-000000000000"
    raw[2] = raw[2][::-1]  # a forger who cannot recompute the binding
    return _b64(json.dumps(raw).encode())


GARBAGE: Final = {
    "not base64": "!!!***",
    "single character": "A",
    "base64 of text": _b64(b"not json at all"),
    "json object": _b64(b'{"a": 1, "b": 2, "c": 3}'),
    "json number": _b64(b"5"),
    "json null": _b64(b"null"),
    "two items": _b64(b'["2026-11-24T09:14:03+00:00", "x"]'),
    "four items": _b64(b'["2026-11-24T09:14:03+00:00", "x", "y", "z"]'),
    "time not a string": _b64(b'[5, "x", "y"]'),
    "time not a time": _b64(b'["gisteren", "x", "y"]'),
    "naive time": _b64(
        json.dumps(["2026-11-24T09:14:03", KEY, "0" * 16]).encode()  # no offset
    ),
    "key not a string": _b64(json.dumps([AT.isoformat(), 7, "0" * 16]).encode()),
    "invalid utf-8": _b64(b"\xff\xfe\xfd"),
    "tampered": _tampered(),
    "deeply nested": _b64(b"[" * 100_000),
}


@pytest.mark.parametrize("cursor", GARBAGE.values(), ids=GARBAGE.keys())
def test_a_garbage_or_tampered_cursor_is_ongeldige_cursor(cursor: str) -> None:
    refused = _refused(cursor)
    assert (refused.code, refused.problems[0].name) == ("ongeldige-cursor", "cursor")
