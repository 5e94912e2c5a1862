"""Reading ids, years and whole numbers from query strings and form posts.

Every page that takes ``?area=7``, ``?institution=12`` or ``?year=2019`` reads it
through here, so hostile input is refused the same way everywhere: digits may be
ASCII or full-width (１２), anything else, and any number too large for a database
id (SQLite and PostgreSQL both stop at 2^63 - 1), is a Chinese 400 naming the
parameter (``django.core.exceptions.BadRequest``, shown by keqi.core.errors), never
a 500. Dates are read by ``keqi.core.numbers.parse_date`` and kept within
``FIRST_YEAR``–``LAST_YEAR`` (``checked_day``).
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from django.core.exceptions import BadRequest
from django.http import QueryDict

# Ids are bigints: 18 digits always fit (the API's path converter uses the same).
ID_DIGITS = 18
# Dates a page or a form accepts: a few decades either side of the campaign. Far
# dates (9999-12-31) would overflow the date arithmetic around them.
FIRST_YEAR, LAST_YEAR = 1990, 2100


def shown(text: str, limit: int = 30) -> str:
    """The typed text as a message quotes it: shortened when long."""
    return text if len(text) <= limit else text[:limit] + "…"


def whole_number(text: object, *, digits: int = ID_DIGITS) -> int | None:
    """The non-negative whole number the text spells (ASCII or full-width digits,
    at most `digits` of them), or None when it spells none."""
    normal = unicodedata.normalize("NFKC", str(text)).strip()
    if not normal or len(normal) > digits or not normal.isascii():
        return None
    return int(normal) if normal.isdigit() else None


def query_id(query: QueryDict, name: str) -> int | None:
    """An id in the query string (?name=12); None when absent or blank; a 400 when
    it is not one."""
    raw = query.get(name, "").strip()
    if not raw:
        return None
    value = whole_number(raw)
    if value is None:
        raise BadRequest(f"参数“{name}”应为记录编号（数字），实际为“{shown(raw)}”")
    return value


def query_year(
    query: QueryDict, name: str, label: str, default: int, *, first: int = FIRST_YEAR
) -> int:
    """A four-digit year (?name=2019); the default when blank; a 400 otherwise."""
    raw = query.get(name, "").strip()
    if not raw:
        return default
    value = whole_number(raw, digits=4)
    if value is None or not first <= value <= LAST_YEAR:
        raise BadRequest(
            f"{label}：“{shown(raw)}”不是有效的年份（应为 {first}–{LAST_YEAR} 之间的四位数字）"
        )
    return value


def year_out_of_range(day: dt.date, label: str) -> str | None:
    """The Chinese error when a date is outside the years keqi accepts, else None."""
    if FIRST_YEAR <= day.year <= LAST_YEAR:
        return None
    return f"{label}：{day:%Y-%m-%d} 超出可接受的年份（{FIRST_YEAR}–{LAST_YEAR}年）"
