"""Cleaning one cell: what staff type in Excel, turned into an exact value.

Each `clean_*` function takes the raw cell (text, number, date, bool or None) and
returns the value for the model, or raises `CellProblem` with a Chinese sentence.
Blank always means unknown: None (or "" for text), never zero.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import re
import unicodedata
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models

from keqi.core.dates import date_range_error
from keqi.core.text_safety import control_character_error

MONEY_PLACES = Decimal("0.000001")  # the registry keeps 6 places of 万元 (= 0.01 元)
MAX_MONEY = Decimal("1e14")  # DecimalField(max_digits=20, decimal_places=6)
# Excel keeps 15 significant digits, and so does SQLite's NUMERIC column (as REAL):
# a longer amount would silently change, so it is refused.
MAX_DIGITS = 15
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_GROUPED_NUMBER = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
)
# Excel's own limit for one cell; a longer text cannot have come from Excel.
MAX_CELL_CHARS = 32_767
_TRUE = {"是", "Y", "YES", "1", "TRUE", "√"}
_FALSE = {"否", "N", "NO", "0", "FALSE", "×"}


class CellProblem(ValueError):
    """A cell that cannot be read; the message is shown to the user as it is."""


def squeeze(text: str) -> str:
    """Half-width (NFKC), without any whitespace: the form headers and codes match in."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def match_form(text: str) -> str:
    """How enum values and headers are compared: squeezed, with straight quotes."""
    return re.sub(r"[“”\"‘’']", '"', squeeze(text))


def refuse_unsafe(raw: Any) -> None:
    """CellProblem for a text cell no column may hold: longer than Excel allows, or
    with a control character (NUL, BEL, ESC …) that breaks Excel and PostgreSQL."""
    if not isinstance(raw, str):
        return
    if len(raw) > MAX_CELL_CHARS:
        raise CellProblem(
            f"内容过长：一个单元格最多{MAX_CELL_CHARS}个字，实际{len(raw)}个字"
        )
    problem = control_character_error(raw)
    if problem is not None:
        raise CellProblem(problem)


def is_blank(raw: Any) -> bool:
    """None, or text with nothing but spaces."""
    return raw is None or (isinstance(raw, str) and not raw.strip())


def as_text(raw: Any) -> str:
    """Any cell as the text a person would read; numbers without float artefacts."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat()
    if isinstance(raw, dt.date):
        return raw.isoformat()
    if isinstance(raw, float | int | Decimal):
        return plain_decimal(number_of(raw))
    return unicodedata.normalize("NFC", str(raw)).strip()


def plain_decimal(value: Decimal) -> str:
    """A decimal written out without exponent or trailing zeros: 1.50 → 1.5."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def number_of(raw: Any) -> Decimal:
    """A numeric cell as an exact decimal (a float by its shortest round-trip text)."""
    if isinstance(raw, bool):
        raise CellProblem(f"应为数字，实际为“{as_text(raw)}”")
    if isinstance(raw, Decimal):
        return raw
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise CellProblem("不是有效的数字")
        return Decimal(repr(raw))
    return parse_number_text(str(raw))


def parse_number_text(text: str) -> Decimal:
    """Text such as ` １,234.5 ` → Decimal("1234.5"); anything else is a problem."""
    shown = text.strip()
    squeezed = squeeze(text).replace("。", ".")
    if _GROUPED_NUMBER.match(squeezed):
        squeezed = squeezed.replace(",", "")
    if not _PLAIN_NUMBER.match(squeezed):
        raise CellProblem(f"不是有效的数字：“{shown}”")
    try:
        return Decimal(squeezed)
    except InvalidOperation as exc:  # pragma: no cover - the pattern already checked
        raise CellProblem(f"不是有效的数字：“{shown}”") from exc


def clean_text(raw: Any, limit: int | None = None) -> str:
    """Text as entered (trimmed); blank is ""."""
    refuse_unsafe(raw)
    text = as_text(raw)
    if limit is not None and len(text) > limit:
        raise CellProblem(f"内容过长：最多{limit}个字，实际{len(text)}个字")
    return text


def clean_money(raw: Any, unit_factor: int = 1) -> Decimal | None:
    """An amount in 万元, converted exactly from 元 (÷10000) or 千元 (÷10)."""
    if is_blank(raw):
        return None
    value = number_of(raw) / unit_factor
    exact = value.quantize(MONEY_PLACES)
    if exact != value:
        raise CellProblem("金额精度超过0.01元，无法精确保存")
    if abs(exact) >= MAX_MONEY:
        raise CellProblem("金额过大，超出可保存的范围")
    if len(exact.normalize().as_tuple().digits) > MAX_DIGITS:
        raise CellProblem(f"有效数字超过{MAX_DIGITS}位，无法精确保存")
    return exact


def clean_int(raw: Any) -> int | None:
    """A non-negative whole number (a count of people or items)."""
    if is_blank(raw):
        return None
    value = number_of(raw)
    if value != value.to_integral_value():
        raise CellProblem(f"应为整数，实际为“{plain_decimal(value)}”")
    if value < 0:
        raise CellProblem(f"不能为负数，实际为“{plain_decimal(value)}”")
    if value > 2_147_483_647:
        raise CellProblem("数字过大")
    return int(value)


def clean_year(raw: Any) -> int | None:
    """A four-digit accounting year; "2019年" is accepted."""
    if is_blank(raw):
        return None
    text = squeeze(as_text(raw)).removesuffix("年")
    if not re.fullmatch(r"\d{4}", text) or not 1900 <= int(text) <= 2100:
        raise CellProblem(f"年度应为四位数字年份，实际为“{as_text(raw)}”")
    return int(text)


def clean_date(raw: Any) -> dt.date | None:
    """An Excel date, or text 2019-05-20, 2019/5/20, 2019.5.20, 2019年5月20日,
    within the years keqi accepts (keqi.core.numbers: 1900–2100)."""
    return _any_date(raw)


def _any_date(raw: Any) -> dt.date | None:
    if is_blank(raw):
        return None
    if isinstance(raw, dt.datetime):
        return _in_range(raw.date())
    if isinstance(raw, dt.date):
        return _in_range(raw)
    if isinstance(raw, str):
        text = squeeze(raw)
        for pattern in _DATE_PATTERNS:
            found = pattern.match(text)
            if found:
                day = _make_date(raw, *(int(part) for part in found.groups()))
                return _in_range(day)
    raise CellProblem(
        f"不是有效的日期：“{as_text(raw)}”（可写作 2019-05-20、2019/5/20、"
        "2019.5.20 或 2019年5月20日）"
    )


def _in_range(day: dt.date) -> dt.date:
    problem = date_range_error(day)
    if problem is not None:
        raise CellProblem(problem)
    return day


def _make_date(raw: str, year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise CellProblem(f"日期不存在：“{raw.strip()}”") from exc


def clean_bool(raw: Any) -> bool | None:
    """是/否, Y/N, 1/0, TRUE/FALSE (any case); blank is unknown."""
    if is_blank(raw):
        return None
    if isinstance(raw, bool):
        return raw
    text = squeeze(as_text(raw)).upper()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellProblem(
        f"应填“是”或“否”（也可填 Y/N、1/0、TRUE/FALSE），实际为“{as_text(raw)}”"
    )


@functools.cache
def _allowed(choices: type[models.TextChoices]) -> dict[str, str]:
    return {match_form(str(v)): str(v) for v in choices.values}


def clean_listed(raw: Any, names: list[str]) -> str:
    """One of `names` (a configured list), matched loosely like a choice."""
    refuse_unsafe(raw)
    found = {match_form(n): n for n in names}.get(match_form(as_text(raw)))
    if found is None:
        listed = "、".join(names) or "（未配置）"
        raise CellProblem(f"“{as_text(raw)}”不是允许的值，可选：{listed}")
    return found


def clean_choice(
    raw: Any, choices: type[models.TextChoices], blank_value: str | None = None
) -> str:
    """One of the model's allowed values (brackets and quotes matched loosely)."""
    if is_blank(raw):
        return blank_value or ""
    refuse_unsafe(raw)
    allowed = _allowed(choices)
    found = allowed.get(match_form(as_text(raw)))
    if found is None:
        listed = "、".join(str(v) for v in choices.values)
        raise CellProblem(f"“{as_text(raw)}”不是允许的值，可选：{listed}")
    return found


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a workbook is imported or exported.

    Both make millions of small objects (cells, dicts, Decimals) that hold no
    reference cycles, so each of the collector's passes over them finds nothing
    and only costs time: a third of the check's CPU at 20 000 enterprises, more
    as the file grows. Reference counting still frees everything as before; the
    collector is back on afterwards (left alone when it was already off)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
