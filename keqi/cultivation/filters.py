"""Reading the filters of cultivation pages (dates, area, year) from a query string.

Bad input never changes what is stored; a bad date falls back to the default and
the page shows a Chinese message naming the field and what was typed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.http import Http404, QueryDict

from keqi.core.dates import business_today
from keqi.core.numbers import parse_date


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
            return parse_date(raw) or fallback
        except ValueError as exc:
            self.errors.append(f"{label}：{exc}")
            return fallback

    def year(self, name: str, label: str, default: int) -> int:
        """A four-digit year; the default on error."""
        raw = self.query.get(name, "").strip()
        if not raw:
            return default
        if raw.isdigit() and 1990 <= int(raw) <= 2100:
            return int(raw)
        self.errors.append(f"{label}：“{raw}”不是有效的年份")
        return default

    def pk(self, name: str) -> int | None:
        """An id in the query string; a malformed one is a 404, like a missing one."""
        raw = self.query.get(name, "").strip()
        if not raw:
            return None
        if not raw.isdigit():
            raise Http404("参数无效")
        return int(raw)

    def choice(self, name: str, allowed: list[str]) -> str:
        """One of the allowed values, or blank."""
        raw = self.query.get(name, "").strip()
        if raw and raw not in allowed:
            raise Http404("参数无效")
        return raw
