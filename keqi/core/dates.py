"""The day pages count "as of" when the user picks none.

Normally the real local date. KEQI_BUSINESS_DATE pins it (e.g. 2019-09-30 for the
demo, whose data is the 2019 campaign), so a demo or a training installation shows
the campaign as it stood then; every page says which date it uses.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone


def business_today() -> dt.date:
    """The default as-of date: KEQI_BUSINESS_DATE when set, else today."""
    pinned: dt.date | None = getattr(settings, "KEQI_BUSINESS_DATE", None)
    return pinned if pinned is not None else timezone.localdate()
