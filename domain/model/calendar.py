"""Calendar arithmetic (CONTRACT §1, "Time").

"N months after" adds calendar months; a day the target month lacks becomes its last day
(18 months after 2026-08-30 is 2028-02-29). "Today" is the calendar date in
Europe/Amsterdam. Nothing here reads the clock: callers pass the instant.
"""

from __future__ import annotations

import calendar as _calendar
from datetime import date, datetime
from zoneinfo import ZoneInfo

__all__ = ["AMSTERDAM", "add_months", "age_in_months", "local_date"]

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def add_months(day: date, months: int) -> date:
    """`day` moved by `months` calendar months (negative moves back), clamped to month end."""
    years, month_index = divmod(day.month - 1 + months, 12)
    year = day.year + years
    month = month_index + 1
    last_day = _calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last_day))


def age_in_months(birth: date, on: date) -> int:
    """Whole calendar months from `birth` to `on`.

    The largest n with ``add_months(birth, n) <= on``, so ``age_in_months(birth, on) >= n``
    exactly when ``on >= add_months(birth, n)``. Negative when `on` precedes `birth`.
    """
    months = (on.year - birth.year) * 12 + (on.month - birth.month)
    # add_months(birth, months) lies in on's month; if it is still ahead, a month is missing.
    if add_months(birth, months) > on:
        months -= 1
    return months


def local_date(instant: datetime) -> date:
    """The calendar date in Europe/Amsterdam of an aware datetime."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("een tijdstip zonder tijdzone heeft geen lokale datum")
    return instant.astimezone(AMSTERDAM).date()
