"""Reading the filters of cultivation pages (dates, area, year) from a query string.

Bad input never changes what is stored; a bad date falls back to the default and
the page shows a Chinese message naming the field and what was typed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.http import Http404, QueryDict

from keqi.core import query
from keqi.core.dates import business_today
from keqi.core.numbers import parse_date

# Pages look at most a few decades either side of the campaign; far dates would
# also overflow the date arithmetic around the chosen day (reminder windows).
# keqi.core.query holds the bounds and the id/number reading every page shares.
FIRST_YEAR, LAST_YEAR = query.FIRST_YEAR, query.LAST_YEAR


@dataclass
class Filters:
    """Parsed filters and the errors met while reading them."""

    query: QueryDict
    errors: list[str] = field(default_factory=list)

    def day(self, name: str, label: str, default: dt.date | None = None) -> dt.date:
        """A date field; today (local) when blank, the default on error."""
        fallback = default or business_today()
        raw = self.query.get(name, "").strip()
        if not raw:
            return fallback
        try:
            day = parse_date(raw) or fallback
        except ValueError as exc:
            self.errors.append(f"{label}：{exc}")
            return fallback
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            self.errors.append(
                f"{label}：“{raw}”超出可查看的年份（{FIRST_YEAR}–{LAST_YEAR}年）"
            )
            return fallback
        return day

    def year(self, name: str, label: str, default: int) -> int:
        """A four-digit year; the default on error."""
        raw = self.query.get(name, "").strip()
        if not raw:
            return default
        year = query.whole_number(raw, digits=4)
        if year is not None and FIRST_YEAR <= year <= LAST_YEAR:
            return year
        self.errors.append(f"{label}：“{raw}”不是有效的年份")
        return default

    def pk(self, name: str) -> int | None:
        """An id in the query string; a malformed or too large one is a Chinese 400."""
        return query.query_id(self.query, name)

    def choice(self, name: str, allowed: list[str]) -> str:
        """One of the allowed values, or blank."""
        raw = self.query.get(name, "").strip()
        if raw and raw not in allowed:
            raise Http404("参数无效")
        return raw
