"""Can a raw request body hold a string the BSN and control-character guards would refuse?

The lean fast path (api.schemas.lean_validation) validates without those guards, so it may
only see bodies for which they would pass every string. This answers from the bytes, without
parsing JSON. With no backslash in the body a JSON string has no escapes, and its content is
exactly the bytes between two consecutive `"`. Every such segment is checked, the ones between
strings too; those can only raise false alarms, which cost the slow path and nothing else.

A body is clean when it holds
- no backslash: no escape can spell a digit (`\\u0031`), a control or a quote;
- no DEL (0x7f) and no C1 control (U+0080-U+009F, in UTF-8 0xC2 0x80-0x9F). Raw C0 controls
  need no check: JSON refuses them inside strings, so such a body fails the lean path too;
- no segment with nine or more ASCII digits (`looks_like_bsn` needs nine) that fails to decode
  as UTF-8 or looks like a BSN.
"""

from __future__ import annotations

import re

from domain.model.bsn import looks_like_bsn

__all__ = ["is_clean"]

_C1_CONTROL = re.compile(rb"\xc2[\x80-\x9f]")
# All but digits and quotes dropped, digits written as 0: each segment's digits stand together
# between its own quotes, and finding nine of them is a plain `bytes.find`. (One C call each;
# a regular expression over the body costs several times more.)
_DIGITS_AS_ZERO = bytes.maketrans(b"0123456789", b"0" * 10)
_ALL_BUT_DIGITS_AND_QUOTES = bytes(b for b in range(256) if b not in b'0123456789"')
_NINE_DIGITS = b"0" * 9


def is_clean(body: bytes) -> bool:
    """True when no string in `body` can be refused by a guard (see the module docstring)."""
    if b"\\" in body or b"\x7f" in body or _C1_CONTROL.search(body):
        return False
    found = _nine_digit_segments(body)
    if not found:
        return True
    segments = body.split(b'"', found[-1] + 1)
    for index in found:
        try:
            text = segments[index].decode("utf-8")
        except UnicodeDecodeError:
            return False
        if looks_like_bsn(text):
            return False
    return True


def _nine_digit_segments(body: bytes) -> list[int]:
    """Indexes into `body.split(b'"')` of the segments holding nine or more ASCII digits."""
    digits = body.translate(_DIGITS_AS_ZERO, _ALL_BUT_DIGITS_AND_QUOTES)
    found = []
    at = digits.find(_NINE_DIGITS)
    while at != -1:
        found.append(digits.count(b'"', 0, at))  # the quotes before it: the segment's index
        end = digits.find(b'"', at)
        at = -1 if end == -1 else digits.find(_NINE_DIGITS, end)
    return found
