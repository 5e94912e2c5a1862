"""The day pages count "as of" when the user picks none.

Normally the real local date. KEQI_BUSINESS_DATE pins it (e.g. 2019-09-30 for the
demo, whose data is the 2019 campaign), so a demo or a training installation shows
the campaign as it stood then; every page says which date it uses.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from keqi.core.numbers import DATE_FIRST_YEAR, DATE_LAST_YEAR

# The dates keqi accepts anywhere a person types or imports one: wide enough for any
# enterprise's founding and any certificate's expiry, narrow enough that adding a
# validity period of years to it never leaves Python's date range.
EARLIEST_DATE = dt.date(DATE_FIRST_YEAR, 1, 1)
LATEST_DATE = dt.date(DATE_LAST_YEAR, 12, 31)


def date_range_error(day: dt.date) -> str | None:
    """None when `day` is within the accepted range, else a Chinese message."""
    if EARLIEST_DATE <= day <= LATEST_DATE:
        return None
    return (
        f"日期“{day.isoformat()}”超出可接受的年份"
        f"（{DATE_FIRST_YEAR}–{DATE_LAST_YEAR}年），请核对"
    )


def business_today() -> dt.date:
    """The default as-of date: KEQI_BUSINESS_DATE when set, else today."""
    pinned: dt.date | None = getattr(settings, "KEQI_BUSINESS_DATE", None)
    return pinned if pinned is not None else timezone.localdate()
