"""Contact data and code validators (CONTRACT §1 "Codes", §8.1)."""

from __future__ import annotations

import re

import pytest

from domain.model.contact import (
    GEMEENTE_CODE,
    IDEMPOTENCY_KEY,
    ISO_639_3_TO_1,
    LANGUAGE_CODE,
    ORG_CODE,
    ORGANISATION_ID_DIGITS,
    REFERENCE,
    WIJK_CODE,
    has_control_characters,
    is_email,
    normalise_language,
    normalise_phone,
    normalise_postcode,
    valid_organisation_id,
)


def digits_of(text: str) -> str:
    return re.sub(r"[^0-9]", "", text)


# ---------------------------------------------------------------------------------------
# Phone numbers
# ---------------------------------------------------------------------------------------

DUTCH_NATIONAL = [
    "0612345678",
    "06 12345678",
    "06-12345678",
    "06.12.34.56.78",
    "020 555 1234",
    "(020) 555 1234",
    "0031 6 12345678",
    "0031 (0)6 12345678",
    " 06 12345678 ",
]


@pytest.mark.parametrize("raw", DUTCH_NATIONAL)
def test_a_dutch_number_is_stored_as_e164_with_country_code_31(raw: str) -> None:
    digits = digits_of(raw)
    national = digits.removeprefix("0031").removeprefix("0")
    assert normalise_phone(raw) == f"+31{national}"


E164 = [
    "+31612345678",
    "+31 6 12345678",
    "+31 (0)6 12345678",
    "+31 20 555 1234",
    "+44 20 7946 0958",
    "+44 (0)20 7946 0958",
    "+1 (212) 555-0100",
    "+32 2 123 45 67",
    "0044 20 7946 0958",
]


@pytest.mark.parametrize("raw", E164)
def test_an_international_number_keeps_its_digits_after_the_plus(raw: str) -> None:
    without_trunk_zero = raw.replace("(0)", "")
    digits = digits_of(without_trunk_zero.removeprefix("00"))
    assert normalise_phone(raw) == f"+{digits}"


INVALID_PHONES = [
    "",
    "   ",
    "612345678",  # neither + nor 0
    "061234567",  # 9 digits
    "06123456789",  # 11 digits
    "0612345678 toestel 12",
    "tel 0612345678",
    "06/12345678",
    "+3161234567",  # 8 digits after 31
    "+316123456789",  # 10 digits after 31
    "+310612345678",  # a trunk zero after 31
    "+1234567",  # 7 digits
    "+1234567890123456",  # 16 digits
    "+0612345678",  # country code cannot start with 0
    "++31612345678",
    "+31 6 1234567a",
    "06\n12345678",
    "\N{FULLWIDTH DIGIT ZERO}612345678",
    "0" * 40,
]


@pytest.mark.parametrize("raw", INVALID_PHONES)
def test_a_malformed_phone_number_is_refused(raw: str) -> None:
    with pytest.raises(ValueError, match=r"\S"):
        normalise_phone(raw)


@pytest.mark.parametrize("raw", [p for p in INVALID_PHONES if digits_of(p)])
def test_the_phone_error_never_contains_the_value(raw: str) -> None:
    with pytest.raises(ValueError, match=r"\S") as caught:
        normalise_phone(raw)
    message = str(caught.value)
    assert raw.strip() not in message
    assert digits_of(raw) not in digits_of(message)


# ---------------------------------------------------------------------------------------
# Postcode
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["1094AB", "1094 AB", "9999ZZ", "1000 AA"])
def test_a_postcode_is_stored_with_one_space(raw: str) -> None:
    compact = raw.replace(" ", "")
    assert normalise_postcode(raw) == f"{compact[:4]} {compact[4:]}"


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "0123 AB",
        "1094 ab",
        "1094  AB",
        "1094-AB",
        "109 AB",
        "10944 AB",
        "1094 ABC",
        "1094 A",
        " 1094 AB",
        "1094 AB\n",
        "\N{FULLWIDTH DIGIT ONE}094 AB",
    ],
)
def test_a_malformed_postcode_is_refused_without_echoing_it(raw: str) -> None:
    with pytest.raises(ValueError, match=r"\S") as caught:
        normalise_postcode(raw)
    assert not raw or raw.strip() not in str(caught.value)


# ---------------------------------------------------------------------------------------
# E-mail
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "a@b.nl",
        "moeder.jansen@example.org",
        "info+mim@ggd.amsterdam.nl",
        "x@" + "d" * 248 + ".nl",
    ],
)
def test_a_plausible_email_address_is_accepted(raw: str) -> None:
    assert len(raw) <= 254
    assert is_email(raw)


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "geen-apenstaart.nl",
        "@example.nl",
        "a@@example.nl",
        "a@b@example.nl",
        "a@localhost",
        "a@example.",
        "a@.example.nl",
        "a@example..nl",
        "a b@example.nl",
        "ab@example.nl ",
        "a\t@example.nl",
        "a@exam\u00a0ple.nl",
        "a@example.nl\n",
        "a@" + "d" * 250 + ".nl",
        "l" * 65 + "@example.nl",
    ],
)
def test_an_implausible_email_address_is_refused(raw: str) -> None:
    assert not is_email(raw)


# ---------------------------------------------------------------------------------------
# Codes
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "valid", "invalid"),
    [
        (GEMEENTE_CODE, ["GM0363", "GM1680"], ["GM363", "GM03630", "gm0363", "GM0363\n"]),
        (WIJK_CODE, ["WK036300", "WK168001"], ["WK03630", "WK0363000", "wk036300", "BU036300"]),
        (
            ORG_CODE,
            ["ab", "ura:01234567", "mim.amsterdam-west_1", "x" * 64],
            ["a", "x" * 65, "mim amsterdam", "mim/west", "mim\u00e9", "ab\n"],
        ),
        (LANGUAGE_CODE, ["nl", "rif", "ar"], ["n", "nlda", "NL", "n1", "nl\n"]),
        (
            REFERENCE,
            ["R", "DOS-2026/0042", "a.b_c:d/e-f", "r" * 64],
            ["", "r" * 65, "DOS 42", "dossier#42", "ref\n"],
        ),
        (
            IDEMPOTENCY_KEY,
            ["k" * 16, "k" * 64, "0f3a-9b_C7d2-4e1f"],
            ["k" * 15, "k" * 65, "key.with.dots.123", "key with spaces 12"],
        ),
    ],
    ids=["gemeente", "wijk", "org", "language", "reference", "idempotency-key"],
)
def test_a_code_pattern_accepts_only_its_own_shape(
    pattern: re.Pattern[str], valid: list[str], invalid: list[str]
) -> None:
    assert [v for v in valid if not pattern.fullmatch(v)] == []
    assert [v for v in invalid if pattern.fullmatch(v)] == []


def test_code_patterns_count_only_ascii_digits() -> None:
    arabic_indic = "".join(chr(0x0660 + int(d)) for d in "0363")
    assert GEMEENTE_CODE.fullmatch("GM0363")
    assert not GEMEENTE_CODE.fullmatch(f"GM{arabic_indic}")


# ---------------------------------------------------------------------------------------
# Organisation ids
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("schema", "length"), sorted(ORGANISATION_ID_DIGITS.items()))
def test_an_organisation_id_has_exactly_the_schemas_number_of_digits(
    schema: str, length: int
) -> None:
    digits = ("0123456789" * 3)[:length]
    assert valid_organisation_id(schema, digits)
    assert not valid_organisation_id(schema, digits[:-1])
    assert not valid_organisation_id(schema, digits + "0")
    assert not valid_organisation_id(schema, "A" + digits[1:])
    assert not valid_organisation_id(schema, digits[:-1] + " ")


def test_the_known_schemas_have_their_registry_lengths() -> None:
    assert ORGANISATION_ID_DIGITS == {"ura": 8, "oin": 20, "kvk": 8}


def test_an_intern_organisation_id_is_an_organisation_code() -> None:
    assert valid_organisation_id("intern", "mim-amsterdam")
    assert valid_organisation_id("intern", "ggd:west.1")
    assert not valid_organisation_id("intern", "m")
    assert not valid_organisation_id("intern", "mim amsterdam")


@pytest.mark.parametrize("schema", ["URA", "bsn", "", "agb"])
def test_an_unknown_organisation_id_schema_is_refused(schema: str) -> None:
    assert not valid_organisation_id(schema, "01234567")


# ---------------------------------------------------------------------------------------
# Control characters
# ---------------------------------------------------------------------------------------

CONTROL_CHARACTERS = [chr(c) for c in (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0))]
NEWLINES = {"\n", "\r"}


@pytest.mark.parametrize("control", CONTROL_CHARACTERS, ids=lambda c: f"U+{ord(c):04X}")
def test_a_control_character_is_found_in_a_single_line_field(control: str) -> None:
    assert has_control_characters(f"voor{control}na", allow_newlines=False)


@pytest.mark.parametrize("control", CONTROL_CHARACTERS, ids=lambda c: f"U+{ord(c):04X}")
def test_in_multi_line_fields_only_newlines_and_carriage_returns_pass(control: str) -> None:
    found = has_control_characters(f"voor{control}na", allow_newlines=True)
    assert found is (control not in NEWLINES)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Gewone tekst.",
        "Caf\u00e9 Zo\u00eb \u2014 \u2019s avonds",
        "عربي",
        "\u00a0spatie",
        "\U0001f476",
    ],
)
def test_printable_text_has_no_control_characters(text: str) -> None:
    assert not has_control_characters(text, allow_newlines=False)
    assert not has_control_characters(text, allow_newlines=True)


# ---------------------------------------------------------------------------------------
# Languages
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("three", "two"), sorted(ISO_639_3_TO_1.items()))
def test_a_three_letter_code_with_a_two_letter_code_becomes_the_two_letter_code(
    three: str, two: str
) -> None:
    assert normalise_language(three) == two
    assert normalise_language(two) == two


@pytest.mark.parametrize("code", ["rif", "prs", "ber", "ary", "pap", "nl", "tr"])
def test_a_code_without_a_shorter_form_is_kept(code: str) -> None:
    assert code not in ISO_639_3_TO_1
    assert normalise_language(code) == code


def test_the_language_table_maps_three_letter_codes_to_distinct_two_letter_codes() -> None:
    assert all(LANGUAGE_CODE.fullmatch(k) and len(k) == 3 for k in ISO_639_3_TO_1)
    assert all(LANGUAGE_CODE.fullmatch(v) and len(v) == 2 for v in ISO_639_3_TO_1.values())
    assert len(set(ISO_639_3_TO_1.values())) == len(ISO_639_3_TO_1)


@pytest.mark.parametrize("code", ["", "n", "NL", "Nld", "nlda", "n1", "nl\n", " nl"])
def test_a_malformed_language_code_is_refused(code: str) -> None:
    with pytest.raises(ValueError, match="taalcode"):
        normalise_language(code)
