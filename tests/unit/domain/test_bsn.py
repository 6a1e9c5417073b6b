"""The BSN guard (CONTRACT §1, DOMAIN R35): rules (a), (b) and (c) with the elfproef."""

from __future__ import annotations

import random
import re

import pytest

from domain.model.bsn import looks_like_bsn

WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)


def passes_eleven_test(digits: str) -> bool:
    assert len(digits) == 9
    return sum(w * int(d) for w, d in zip(WEIGHTS, digits, strict=True)) % 11 == 0


def check_digit(first_eight: str) -> int | None:
    """The d9 that makes `first_eight` + d9 pass the elfproef, None when it would be 10."""
    digit = sum(w * int(d) for w, d in zip(WEIGHTS[:8], first_eight, strict=True)) % 11
    return None if digit == 10 else digit


def generated_numbers(seed: int, count: int, *, valid: bool) -> list[str]:
    """`count` nine-digit strings that pass (valid) or fail the elfproef."""
    rng = random.Random(seed)
    numbers: list[str] = []
    while len(numbers) < count:
        first_eight = "".join(rng.choice("0123456789") for _ in range(8))
        digit = check_digit(first_eight)
        if valid:
            if digit is None:
                continue
            numbers.append(f"{first_eight}{digit}")
        else:
            wrong = [d for d in range(10) if d != digit]
            numbers.append(f"{first_eight}{rng.choice(wrong)}")
    return numbers


def formats(n: str) -> list[str]:
    """A nine-digit string written the ways the rules cover."""
    return [
        n,  # (a), (b)
        f"nr {n}",  # (b)
        f"BSN:{n}x",  # (b)
        f"zie {n}.",  # (b)
        f"{n[:3]}.{n[3:6]}.{n[6:]}",  # (a), (c)
        f"nr {n[:3]}.{n[3:6]}.{n[6:]}",  # (c)
        f"{n[:4]}.{n[4:6]}.{n[6:]}",  # (c)
        f"{n[:3]} {n[3:6]} {n[6:]}",  # (c)
        f"{n[:3]}-{n[3:5]}-{n[5:]}",  # (c)
        f"notitie: {n[:2]} {n[2:4]} {n[4:6]} {n[6:]} gebeld",  # (c)
        " ".join(n),  # (a), (c)
        f"  {n[:3]}  {n[3:6]}--{n[6:]}  ",  # (a) only: repeated separators
    ]


REFUSED = [
    "123456782",
    "111222333",
    "nr 111222333",
    "nr 123.456.782",
    "1234.56.782",
    "123 456 782",
    "123-45-6782",
    "BSN:123456782x",
]

ALLOWED = [
    "123456789",
    "tel 0612345678",
    "+31 6 12345678",
    "+31 20 123 4567",
    "00000001001234567000",
    "",
    "Moeder belt liever 's avonds.",
    "1234567820",
]


@pytest.mark.parametrize("text", REFUSED)
def test_the_contract_examples_of_a_bsn_are_refused(text: str) -> None:
    assert passes_eleven_test(re.sub(r"[^0-9]", "", text))
    assert looks_like_bsn(text)


@pytest.mark.parametrize("text", ALLOWED)
def test_the_contract_examples_without_a_bsn_are_allowed(text: str) -> None:
    assert not looks_like_bsn(text)


def test_a_nine_digit_number_failing_the_eleven_test_is_allowed() -> None:
    assert not passes_eleven_test("123456789")
    assert not looks_like_bsn("123456789")


@pytest.mark.parametrize("number", generated_numbers(seed=35, count=300, valid=True))
def test_a_nine_digit_number_passing_the_eleven_test_is_refused_in_every_format(
    number: str,
) -> None:
    refused = [text for text in formats(number) if looks_like_bsn(text)]
    assert refused == formats(number)


@pytest.mark.parametrize("number", generated_numbers(seed=36, count=300, valid=False))
def test_a_nine_digit_number_failing_the_eleven_test_is_allowed_in_every_format(
    number: str,
) -> None:
    assert not passes_eleven_test(number)
    allowed = [text for text in formats(number) if not looks_like_bsn(text)]
    assert allowed == formats(number)


@pytest.mark.parametrize("number", generated_numbers(seed=37, count=200, valid=True))
def test_a_digit_run_longer_than_nine_is_not_tested(number: str) -> None:
    longer = [f"{number}0", f"7{number}", f"tel 0{number}", f"OIN {number}{number}00"]
    assert [text for text in longer if looks_like_bsn(text)] == []


@pytest.mark.parametrize("number", generated_numbers(seed=38, count=200, valid=True))
def test_a_group_holding_more_than_nine_digits_is_not_tested(number: str) -> None:
    grouped = [
        f"{number[:3]} {number[3:6]} {number[6:]} 1",
        f"nr 4.{number[:3]}.{number[3:6]}.{number[6:]}",
        f"+31 {number[:1]} {number[1:]}",
        f"{number[:4]}-{number[4:]}-12",
    ]
    assert [text for text in grouped if looks_like_bsn(text)] == []


@pytest.mark.parametrize("number", generated_numbers(seed=39, count=100, valid=True))
def test_a_lone_run_of_nine_is_refused_even_inside_a_longer_group(number: str) -> None:
    assert looks_like_bsn(f"12 {number}")
    assert looks_like_bsn(f"{number}-4")


@pytest.mark.parametrize("number", generated_numbers(seed=40, count=100, valid=True))
def test_separators_other_than_space_dot_and_hyphen_break_a_group(number: str) -> None:
    split = [
        f"{number[:3]}/{number[3:6]}/{number[6:]}",
        f"{number[:3]}_{number[3:6]}_{number[6:]}",
        f"{number[:3]},{number[3:6]},{number[6:]}",
        f"nr {number[:3]}..{number[3:6]}..{number[6:]}",
        f"nr {number[:3]}  {number[3:6]}  {number[6:]}",
    ]
    assert [text for text in split if looks_like_bsn(text)] == []


@pytest.mark.parametrize("number", generated_numbers(seed=41, count=100, valid=True))
def test_the_whole_string_without_separators_is_checked_even_with_repeated_separators(
    number: str,
) -> None:
    assert looks_like_bsn(f"{number[:3]}..{number[3:6]}..{number[6:]}")
    assert looks_like_bsn(f"-{number[:3]} - {number[3:6]} - {number[6:]}-")


def test_a_string_with_fewer_than_nine_digits_is_allowed() -> None:
    assert not looks_like_bsn("12345678")
    assert not looks_like_bsn("1-2-3-4-5-6-7-8 en nog wat tekst")


def test_only_ascii_digits_count_as_digits() -> None:
    fullwidth = "".join(chr(ord("\N{FULLWIDTH DIGIT ZERO}") + int(d)) for d in "123456782")
    assert looks_like_bsn("123456782")
    assert not looks_like_bsn(fullwidth)


def test_the_second_of_two_groups_is_checked_as_well() -> None:
    assert looks_like_bsn("tel 0612345678 of 123 456 782")
    assert looks_like_bsn("tel +31 6 12345678, nr 111.222.333")
