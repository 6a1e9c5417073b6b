"""Validators for contact data and codes (CONTRACT §1 "Codes", §8.1).

Normalisers return the stored form or raise `ValueError` with a short Dutch reason that
never contains the input. Patterns are compiled with `re.ASCII` (``\\d`` is ``[0-9]``);
match them with `fullmatch`, since ``$`` also matches before a trailing newline.
"""

from __future__ import annotations

import re

__all__ = [
    "GEMEENTE_CODE",
    "IDEMPOTENCY_KEY",
    "INTERN_SCHEMA",
    "ISO_639_3_TO_1",
    "LANGUAGE_CODE",
    "ORGANISATION_ID_DIGITS",
    "ORG_CODE",
    "POSTCODE",
    "REFERENCE",
    "WIJK_CODE",
    "has_control_characters",
    "is_email",
    "normalise_language",
    "normalise_phone",
    "normalise_postcode",
    "valid_organisation_id",
]

GEMEENTE_CODE = re.compile(r"^GM\d{4}$", re.ASCII)
WIJK_CODE = re.compile(r"^WK\d{6}$", re.ASCII)
ORG_CODE = re.compile(r"^[A-Za-z0-9._:-]{2,64}$", re.ASCII)
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$", re.ASCII)
REFERENCE = re.compile(r"^[A-Za-z0-9._:/-]{1,64}$", re.ASCII)
IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$", re.ASCII)
POSTCODE = re.compile(r"^[1-9]\d{3} ?[A-Z]{2}$", re.ASCII)

# ---------------------------------------------------------------------------------------
# Phone numbers
# ---------------------------------------------------------------------------------------

_PHONE_MAX_INPUT = 32
_E164_MIN_DIGITS = 8
_E164_MAX_DIGITS = 15
_NL_COUNTRY_CODE = "31"
_NL_NATIONAL_DIGITS = 10  # 0 followed by the 9-digit national significant number
_PHONE_SEPARATORS = str.maketrans("", "", " -.")
# "+31 (0)6 …": the trunk prefix written after the country code is dropped.
_TRUNK_AFTER_COUNTRY_CODE = re.compile(r"^(\+|00)([1-9][0-9]{0,2})\(0\)", re.ASCII)
_PARENTHESES = str.maketrans("", "", "()")
_ASCII_DIGITS = re.compile(r"^[0-9]+$", re.ASCII)


def _e164(digits: str) -> str:
    """`digits` (country code first, no +) as E.164, or ValueError."""
    if not _ASCII_DIGITS.fullmatch(digits):
        raise ValueError("een telefoonnummer bevat alleen cijfers na het plusteken")
    if not _E164_MIN_DIGITS <= len(digits) <= _E164_MAX_DIGITS:
        raise ValueError("een internationaal telefoonnummer heeft 8 tot 15 cijfers")
    if digits.startswith("0"):
        raise ValueError("een landnummer begint niet met 0")
    if digits.startswith(_NL_COUNTRY_CODE):
        national = digits[len(_NL_COUNTRY_CODE) :]
        if len(national) != _NL_NATIONAL_DIGITS - 1 or national.startswith("0"):
            raise ValueError("een Nederlands nummer heeft 9 cijfers na +31")
    return "+" + digits


def normalise_phone(raw: str) -> str:
    """E.164 (``+31612345678``) from E.164 or Dutch national input.

    Accepted: ``+`` with 8 to 15 digits, ``00`` with the same, or a Dutch number of 10 digits
    starting with 0; spaces, hyphens, dots and parentheses may separate the digits, and
    ``(0)`` after a country code is dropped. A +31 number needs 9 digits after the 31.
    """
    text = raw.strip()
    if not text or len(text) > _PHONE_MAX_INPUT:
        raise ValueError("een telefoonnummer heeft een ongeldige lengte")
    compact = text.translate(_PHONE_SEPARATORS)
    compact = _TRUNK_AFTER_COUNTRY_CODE.sub(r"\1\2", compact, count=1)
    compact = compact.translate(_PARENTHESES)

    if compact.startswith("+"):
        return _e164(compact[1:])
    if compact.startswith("00"):
        return _e164(compact[2:])
    if not _ASCII_DIGITS.fullmatch(compact):
        raise ValueError("een telefoonnummer bevat alleen cijfers en scheidingstekens")
    if not compact.startswith("0") or len(compact) != _NL_NATIONAL_DIGITS:
        raise ValueError("een Nederlands nummer heeft 10 cijfers en begint met 0")
    return "+" + _NL_COUNTRY_CODE + compact[1:]


# ---------------------------------------------------------------------------------------
# Postcode, e-mail
# ---------------------------------------------------------------------------------------


def normalise_postcode(raw: str) -> str:
    """``1094 AB`` from ``1094AB`` or ``1094 AB`` (exactly `POSTCODE`; no case folding)."""
    if not POSTCODE.fullmatch(raw):
        raise ValueError("een postcode heeft de vorm 1234 AB")
    return raw[:4] + " " + raw[-2:]


_EMAIL_MAX = 254
_EMAIL_LOCAL_MAX = 64
_WHITESPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")


def is_email(raw: str) -> bool:
    """Pragmatic check: one @, a local part, a dotted domain, no whitespace, ≤ 254 chars."""
    if not raw or len(raw) > _EMAIL_MAX or raw.count("@") != 1:
        return False
    if _WHITESPACE_OR_CONTROL.search(raw):
        return False
    local, domain = raw.split("@")
    if not local or len(local) > _EMAIL_LOCAL_MAX:
        return False
    labels = domain.split(".")
    return len(labels) >= 2 and all(labels)


# ---------------------------------------------------------------------------------------
# Organisation ids
# ---------------------------------------------------------------------------------------

ORGANISATION_ID_DIGITS: dict[str, int] = {"ura": 8, "oin": 20, "kvk": 8}
INTERN_SCHEMA = "intern"


def valid_organisation_id(schema: str, value: str) -> bool:
    """Digits of the schema's length; for ``intern`` a host organisation code (`ORG_CODE`)."""
    if schema == INTERN_SCHEMA:
        return ORG_CODE.fullmatch(value) is not None
    length = ORGANISATION_ID_DIGITS.get(schema)
    if length is None:
        return False
    return len(value) == length and _ASCII_DIGITS.fullmatch(value) is not None


# ---------------------------------------------------------------------------------------
# Control characters
# ---------------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_EXCEPT_NEWLINES = re.compile(r"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def has_control_characters(text: str, *, allow_newlines: bool) -> bool:
    """C0 controls, DEL or C1 controls in `text`; `\\n` and `\\r` pass with `allow_newlines`.

    A tab is always a control character here.
    """
    pattern = _CONTROL_EXCEPT_NEWLINES if allow_newlines else _CONTROL
    return pattern.search(text) is not None


# ---------------------------------------------------------------------------------------
# Languages
# ---------------------------------------------------------------------------------------

# ISO 639-3 codes met in Dutch practice that have an ISO 639-1 code. Codes without one
# (prs Dari, rif Tarifit, ber Berber, ary Moroccan Arabic, ckb Sorani, pap Papiamento,
# srn Sranan) are kept as they are.
ISO_639_3_TO_1: dict[str, str] = {
    "amh": "am",
    "ara": "ar",
    "ben": "bn",
    "bul": "bg",
    "deu": "de",
    "eng": "en",
    "fas": "fa",
    "fra": "fr",
    "fry": "fy",
    "hin": "hi",
    "hun": "hu",
    "ita": "it",
    "kur": "ku",
    "nld": "nl",
    "orm": "om",
    "pol": "pl",
    "por": "pt",
    "pus": "ps",
    "ron": "ro",
    "rus": "ru",
    "som": "so",
    "spa": "es",
    "sqi": "sq",
    "tir": "ti",
    "tur": "tr",
    "ukr": "uk",
    "urd": "ur",
    "zho": "zh",
}


def normalise_language(code: str) -> str:
    """ISO 639-1 where `code` is a 639-3 code that has one, else `code` unchanged.

    Raises ValueError unless `code` matches `LANGUAGE_CODE` (lower case, 2 or 3 letters).
    """
    if not LANGUAGE_CODE.fullmatch(code):
        raise ValueError("een taalcode heeft 2 of 3 kleine letters")
    return ISO_639_3_TO_1.get(code, code)
