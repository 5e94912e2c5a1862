"""Reading numbers and dates as people type them into forms and spreadsheets.

One place for the cleaning rules, shared by the web forms and the workbook import:
full-width digits and punctuation (１２３，４５６．７), thousands separators in groups
of three (1,234.5), and the date spellings of the exchange format (2019-05-20,
2019/5/20, 2019.5.20, 2019年5月20日). A blank means unknown and reads as None, never 0.
Errors are ValueError with a Chinese message that quotes what was typed.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?$")
_DATE = re.compile(
    r"^(\d{4})\s*(?:[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})|年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?)"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_MINUS_SIGNS = str.maketrans({"−": "-", "—": "-", "–": "-"})
# Dates keqi stores and computes with: far ones (9999-12-31) are typing mistakes
# and would overflow the date arithmetic done around them (validity periods).
DATE_FIRST_YEAR, DATE_LAST_YEAR = 1900, 2100


def _normalise(text: str) -> str:
    """Half-width form of the text, trimmed (full-width digits become ASCII)."""
    return unicodedata.normalize("NFKC", text).translate(_MINUS_SIGNS).strip()


def parse_decimal(value: object) -> Decimal | None:
    """An exact decimal from typed text; None when blank.

    Accepts Decimal and int as they are, and a float through its shortest repr
    (as spreadsheet readers hand them over). Raises ValueError otherwise.
    """
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise ValueError(f"“{value}”不是有效的数字")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = _normalise(str(value))
    if text == "":
        return None
    if not _NUMBER.match(text) or text in {"+", "-", ""}:
        raise ValueError(f"“{value}”不是有效的数字")
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation as exc:  # pragma: no cover - the pattern rules it out
        raise ValueError(f"“{value}”不是有效的数字") from exc


def parse_integer(value: object) -> int | None:
    """A whole number from typed text (1,234 or １２３４); None when blank."""
    number = parse_decimal(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise ValueError(f"“{value}”应为整数")
    return int(number)


def parse_date(value: object) -> dt.date | None:
    """A date from the accepted spellings, within DATE_FIRST_YEAR–DATE_LAST_YEAR;
    None when blank. Raises ValueError."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return _within_years(value.date(), value)
    if isinstance(value, dt.date):
        return _within_years(value, value)
    text = _normalise(str(value))
    if text == "":
        return None
    found = _DATE.match(text)
    if found is None:
        raise ValueError(
            f"“{value}”不是可识别的日期，请写成 2019-05-20、2019/5/20 或 2019年5月20日"
        )
    year, month, day = (int(g) for g in found.groups() if g is not None)
    try:
        found_day = dt.date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"“{value}”不是有效日期") from exc
    return _within_years(found_day, value)


def _within_years(day: dt.date, value: object) -> dt.date:
    if not DATE_FIRST_YEAR <= day.year <= DATE_LAST_YEAR:
        raise ValueError(
            f"“{value}”超出可接受的年份（{DATE_FIRST_YEAR}–{DATE_LAST_YEAR}年），请核对"
        )
    return day
