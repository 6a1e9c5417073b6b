"""Calendar months, ages in months and the Amsterdam date (CONTRACT §1, "Time")."""

from __future__ import annotations

import calendar
import random
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo

import pytest

from domain.model.calendar import AMSTERDAM, add_months, age_in_months, local_date


def random_dates(seed: int, count: int) -> list[date]:
    rng = random.Random(seed)
    start = date(1990, 1, 1).toordinal()
    end = date(2060, 12, 31).toordinal()
    return [date.fromordinal(rng.randint(start, end)) for _ in range(count)]


# ---------------------------------------------------------------------------------------
# add_months
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 8, 30), 18, date(2028, 2, 29)),
        (date(2025, 8, 31), 18, date(2027, 2, 28)),
        (date(2025, 8, 31), 24, date(2027, 8, 31)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2025, 12, 15), 1, date(2026, 1, 15)),
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
        (date(2026, 1, 10), -13, date(2024, 12, 10)),
        (date(2026, 5, 17), 0, date(2026, 5, 17)),
    ],
)
def test_adding_months_keeps_the_day_or_falls_back_to_the_months_last_day(
    day: date, months: int, expected: date
) -> None:
    assert add_months(day, months) == expected


@pytest.mark.parametrize("day", random_dates(seed=1, count=200))
def test_adding_months_lands_in_the_calendar_month_that_many_months_on(day: date) -> None:
    rng = random.Random(day.toordinal())
    months = rng.randint(-60, 60)
    result = add_months(day, months)
    month_index = day.year * 12 + day.month - 1 + months
    last_day = calendar.monthrange(result.year, result.month)[1]
    assert result.year * 12 + result.month - 1 == month_index
    assert result.day == min(day.day, last_day)


@pytest.mark.parametrize("day", random_dates(seed=2, count=100))
def test_each_further_month_gives_a_later_date(day: date) -> None:
    later = [add_months(day, n) for n in range(0, 30)]
    assert later == sorted(set(later))


# ---------------------------------------------------------------------------------------
# age_in_months
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "months"),
    [(date(2026, 8, 30), 18), (date(2025, 8, 31), 18), (date(2025, 8, 31), 24)],
)
def test_the_age_reaches_n_months_exactly_on_the_n_month_date(birth: date, months: int) -> None:
    boundary = add_months(birth, months)
    assert age_in_months(birth, boundary) == months
    assert age_in_months(birth, boundary - timedelta(days=1)) == months - 1


def test_a_child_born_on_the_31st_is_one_month_old_on_the_last_day_of_february() -> None:
    birth = date(2025, 1, 31)
    assert age_in_months(birth, date(2025, 2, 27)) == 0
    assert age_in_months(birth, date(2025, 2, 28)) == 1
    assert age_in_months(birth, date(2025, 3, 30)) == 1
    assert age_in_months(birth, date(2025, 3, 31)) == 2


def test_the_age_on_the_day_of_birth_is_zero_and_the_day_before_is_negative() -> None:
    birth = date(2026, 6, 15)
    assert age_in_months(birth, birth) == 0
    assert age_in_months(birth, birth - timedelta(days=1)) == -1


@pytest.mark.parametrize("birth", random_dates(seed=3, count=300))
def test_the_age_is_the_number_of_month_dates_already_reached(birth: date) -> None:
    rng = random.Random(birth.toordinal())
    on = birth + timedelta(days=rng.randint(-400, 2000))
    age = age_in_months(birth, on)
    assert add_months(birth, age) <= on < add_months(birth, age + 1)


@pytest.mark.parametrize("birth", random_dates(seed=4, count=100))
def test_the_age_is_at_least_n_exactly_from_the_n_month_date(birth: date) -> None:
    for n in (0, 1, 6, 12, 18, 23, 24, 25):
        boundary = add_months(birth, n)
        assert age_in_months(birth, boundary) >= n
        assert age_in_months(birth, boundary - timedelta(days=1)) < n


# ---------------------------------------------------------------------------------------
# local_date
# ---------------------------------------------------------------------------------------

CET = timedelta(hours=1)
CEST = timedelta(hours=2)


@pytest.mark.parametrize(
    ("instant", "amsterdam_offset"),
    [
        (datetime(2026, 1, 15, 22, 59, 59, tzinfo=UTC), CET),
        (datetime(2026, 1, 15, 23, 0, tzinfo=UTC), CET),
        (datetime(2026, 7, 15, 21, 59, 59, tzinfo=UTC), CEST),
        (datetime(2026, 7, 15, 22, 0, tzinfo=UTC), CEST),
        # The night the clocks go forward (2026-03-29 01:00 UTC) and back (2026-10-25).
        (datetime(2026, 3, 28, 23, 0, tzinfo=UTC), CET),
        (datetime(2026, 3, 29, 22, 0, tzinfo=UTC), CEST),
        (datetime(2026, 10, 24, 22, 0, tzinfo=UTC), CEST),
        (datetime(2026, 10, 25, 23, 0, tzinfo=UTC), CET),
        (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), CET),
    ],
)
def test_the_local_date_is_the_date_on_the_amsterdam_wall_clock(
    instant: datetime, amsterdam_offset: timedelta
) -> None:
    assert local_date(instant) == (instant + amsterdam_offset).date()


@pytest.mark.parametrize("hours", [-10, -5, 0, 5, 9, 14])
def test_the_local_date_does_not_depend_on_the_offset_the_instant_was_written_in(
    hours: int,
) -> None:
    utc_instant = datetime(2026, 2, 28, 23, 30, tzinfo=UTC)
    written = utc_instant.astimezone(timezone(timedelta(hours=hours)))
    assert local_date(written) == local_date(utc_instant) == (utc_instant + CET).date()


class _NoOffset(tzinfo):
    """A tzinfo that knows no offset: the datetime counts as naive."""

    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        return None

    def dst(self, dt: datetime | None) -> timedelta | None:
        return None

    def tzname(self, dt: datetime | None) -> str | None:
        return None


@pytest.mark.parametrize(
    "instant",
    [
        datetime(2026, 1, 1, 12, 0),  # noqa: DTZ001 - naive on purpose
        datetime(2026, 1, 1, 12, 0, tzinfo=_NoOffset()),
    ],
    ids=["naive", "tzinfo-without-offset"],
)
def test_a_datetime_without_an_offset_has_no_local_date(instant: datetime) -> None:
    with pytest.raises(ValueError, match="tijdzone"):
        local_date(instant)


def test_amsterdam_is_the_europe_amsterdam_zone() -> None:
    assert AMSTERDAM.key == "Europe/Amsterdam"
