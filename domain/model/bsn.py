"""The BSN guard (CONTRACT §1, DOMAIN R35): does a string look like a citizen service number?

A string is refused when one of three shapes holds nine digits d1…d9 that pass the
elfproef, 9·d1 + 8·d2 + 7·d3 + 6·d4 + 5·d5 + 4·d6 + 3·d7 + 2·d8 - d9 ≡ 0 (mod 11):

(a) the whole string, without spaces, dots and hyphens, is exactly 9 digits;
(b) a run of exactly 9 digits that does not adjoin another digit;
(c) a group of exactly 9 digits in total, a group being a longest sequence of digit runs
    joined by single spaces, dots or hyphens (``1234.56.782``, ``123 456 782``).

Groups holding more than 9 digits are not tested under (c), so phone numbers such as
``+31 20 123 4567`` and OINs pass. Digits are the ASCII digits ``0`` to ``9``.

The check runs on every string of every request, so it bails out early on strings with
fewer than nine digits and uses module-level compiled patterns.
"""

from __future__ import annotations

import re

__all__ = ["looks_like_bsn"]

_BSN_LENGTH = 9
_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2)

_NON_DIGITS = re.compile(r"[^0-9]+")
# (a): spaces, dots and hyphens are dropped before looking at the whole string.
_SEPARATORS_DROPPED = str.maketrans("", "", " .-")
# (b): a run of exactly nine digits, no digit on either side.
_LONE_RUN_OF_NINE = re.compile(r"(?<![0-9])[0-9]{9}(?![0-9])")
# (c): digit runs joined by single separators. The leading run is greedy and each further
# run must follow exactly one separator, so every match is a longest group.
_GROUP = re.compile(r"[0-9]+(?:[ .-][0-9]+)*")


def _passes_eleven_test(digits: str) -> bool:
    """The elfproef on exactly nine ASCII digits."""
    total = sum(weight * int(digit) for weight, digit in zip(_WEIGHTS, digits[:8], strict=True))
    return (total - int(digits[8])) % 11 == 0


def _count_digits(text: str) -> int:
    return len(_NON_DIGITS.sub("", text))


def looks_like_bsn(text: str) -> bool:
    """True when `text` holds a BSN-shaped number under rule (a), (b) or (c)."""
    if len(text) < _BSN_LENGTH or _count_digits(text) < _BSN_LENGTH:
        return False

    # (a) the whole string is nine digits once spaces, dots and hyphens are gone.
    compact = text.translate(_SEPARATORS_DROPPED)
    if (
        len(compact) == _BSN_LENGTH
        and compact.isascii()
        and compact.isdigit()
        and _passes_eleven_test(compact)
    ):
        return True

    # (b) a lone run of exactly nine digits.
    for match in _LONE_RUN_OF_NINE.finditer(text):
        if _passes_eleven_test(match.group()):
            return True

    # (c) a group of runs holding exactly nine digits in total.
    for match in _GROUP.finditer(text):
        group = match.group()
        if len(group) < _BSN_LENGTH:
            continue
        digits = group.translate(_SEPARATORS_DROPPED)
        if len(digits) == _BSN_LENGTH and _passes_eleven_test(digits):
            return True

    return False
