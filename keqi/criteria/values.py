"""Parameter values as staff type them, and back.

HQ edits a value as text (the exact text is what is stored and audited); this
module turns the text into the raw value the engine's loader reads (the same
shape as the YAML files) and a raw value into the text shown in the form.  The
engine then checks the raw value exactly as it checks its files.

| type      | text                                            |
|-----------|-------------------------------------------------|
| int       | 5                                               |
| amount    | 1000 或 1000.5（万元）                           |
| ratio     | 5% 或 0.05                                      |
| text      | 任意文字                                         |
| texts     | 每行一项（或以“、”分隔）                          |
| bool      | 是 / 否                                          |
| threshold | ≥ 5、> 70、≤ 1000、< 10%（≥ 可写作 >=）           |
| bands     | 每行一档：档名 区间 分值，如 A [30%, +∞) 20        |
|           | 分值可为区间 A [1, +∞) 7-8，或比例 5%              |
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from keqi.rules.numbers import parse_exact

OP_IN = {
    "≥": ">=",
    ">=": ">=",
    "＞": ">",
    ">": ">",
    "≤": "<=",
    "<=": "<=",
    "＜": "<",
    "<": "<",
}
OP_OUT = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}
FORMATS = {
    "int": "整数，如 5",
    "amount": "金额（万元），如 1000 或 1000.5",
    "ratio": "比例，如 5% 或 0.05",
    "text": "一段文字",
    "texts": "每行一项",
    "bool": "是 或 否",
    "threshold": "运算符和数值，如 ≥ 5、> 70、≤ 1000、< 10%",
    "bands": "每行一档：档名 区间 分值，如 A [30%, +∞) 20；分值可写成 7-8",
}
_THRESHOLD = re.compile(r"^\s*(>=|<=|≥|≤|>|<|＞|＜)\s*(\S+)\s*$")
_BAND = re.compile(r"^\s*(.+?)\s+([\[(][^\])]*[\])])\s*(\S+)\s*$")
_POINTS = re.compile(r"^(\d+)\s*[-~～—]\s*(\d+)$")


class ValueTextError(ValueError):
    """Text that does not fit the parameter's type (message in Chinese)."""


def text_of(kind: str, raw: Any) -> str:
    """The text shown for a raw value of type ``kind``."""
    if isinstance(raw, dict) and set(raw) == {"ref"}:
        return f"（同参数 {raw['ref']}）"
    if kind == "threshold" and isinstance(raw, dict):
        return f"{OP_OUT.get(str(raw.get('op')), raw.get('op'))} {raw.get('value')}"
    if kind == "bands" and isinstance(raw, list):
        return "\n".join(_band_text(b) for b in raw)
    if kind == "texts" and isinstance(raw, list | tuple):
        return "\n".join(str(v) for v in raw)
    if kind == "bool" and isinstance(raw, bool):
        return "是" if raw else "否"
    return str(raw)


def _band_text(band: Any) -> str:
    value = band.get("value")
    if isinstance(value, list):
        value = f"{value[0]}-{value[1]}"
    shown = str(band.get("range")).replace("inf", "∞")  # people write ∞
    return f"{band.get('label')} {shown} {value}"


def raw_of(kind: str, text: str) -> Any:
    """The raw value (YAML shape) for ``text``; :class:`ValueTextError` if unreadable."""
    text = text.strip()
    if not text:
        raise ValueTextError("取值不能为空")
    reader = _READERS.get(kind)
    if reader is None:
        raise ValueTextError(f"类型为 {kind} 的参数不能在界面中修改")
    return reader(text)


def _int(text: str) -> int:
    if not re.fullmatch(r"[+-]?\d+", text):
        raise ValueTextError(f"“{text}”不是整数")
    return int(text)


def _amount(text: str) -> str:
    try:
        value = Decimal(text.replace(",", "").replace("，", ""))
    except InvalidOperation:
        raise ValueTextError(f"“{text}”不是金额（万元）") from None
    if not value.is_finite():
        raise ValueTextError(f"“{text}”不是金额（万元）")
    return format(value, "f")


def _ratio(text: str) -> str:
    try:
        parse_exact(text)
    except (ValueError, ZeroDivisionError):
        raise ValueTextError(f"“{text}”不是比例，应写成 5% 或 0.05") from None
    return text


def _texts(text: str) -> list[str]:
    items = [p.strip() for line in text.splitlines() for p in line.split("、")]
    return [p for p in items if p]


def _bool(text: str) -> bool:
    if text in ("是", "true", "True", "1"):
        return True
    if text in ("否", "false", "False", "0"):
        return False
    raise ValueTextError(f"“{text}”应为 是 或 否")


def _threshold(text: str) -> dict[str, str]:
    match = _THRESHOLD.match(text)
    if match is None:
        raise ValueTextError(f"“{text}”应写成运算符和数值，如 ≥ 5")
    return {"op": OP_IN[match.group(1)], "value": _ratio(match.group(2))}


def _bands(text: str) -> list[dict[str, Any]]:
    bands = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        match = _BAND.match(line)
        if match is None:
            raise ValueTextError(
                f"第{number}行“{line.strip()}”应写成：档名 区间 分值，如 A [30%, +∞) 20"
            )
        label, rng, points = match.groups()
        # The engine's notation is inf; the page shows ∞ and either is accepted.
        rng = rng.replace("∞", "inf")
        bands.append({"label": label, "range": rng, "value": _points(points, number)})
    return bands


def _points(text: str, number: int) -> Any:
    if re.fullmatch(r"\d+", text):
        return int(text)
    pair = _POINTS.match(text)
    if pair is not None:
        return [int(pair.group(1)), int(pair.group(2))]
    try:
        parse_exact(text)
    except (ValueError, ZeroDivisionError):
        raise ValueTextError(
            f"第{number}行的值“{text}”应为整数、7-8 这样的分值区间或 5% 这样的比例"
        ) from None
    return text


_READERS = {
    "int": _int,
    "amount": _amount,
    "ratio": _ratio,
    "text": lambda text: text,
    "texts": _texts,
    "bool": _bool,
    "threshold": _threshold,
    "bands": _bands,
}


_RANGE = re.compile(r"^\s*([\[(])\s*([^,]*?)\s*,\s*([^\])]*?)\s*([\])])\s*$")
_INFINITE = {"", "inf", "+inf", "-inf", "∞", "+∞", "-∞"}


def range_words(text: str) -> str:
    """An interval as people say it: ``[5%, +inf)`` → ``5%及以上``, ``(0, 3]`` →
    ``高于0、不超过3``; text that is not an interval comes back unchanged."""
    found = _RANGE.match(text)
    if found is None:
        return text
    left, low, high, right = found.groups()
    low = "" if low in _INFINITE else low
    high = "" if high in _INFINITE else high
    if not low and not high:
        return "不限"
    if not high:
        return f"{low}及以上" if left == "[" else f"高于{low}"
    if not low:
        return f"{high}及以下" if right == "]" else f"低于{high}"
    if left == "[":
        return f"{low}（含）至{high}（{'含' if right == ']' else '不含'}）"
    return f"高于{low}、{'不超过' if right == ']' else '低于'}{high}"


def display_of(kind: str, raw: Any, title_of: Any = None) -> str:
    """The value in words for the pages (the edit form keeps :func:`text_of`'s
    syntax): bands as "A档：5%及以上，得20分", a reference by the other
    parameter's title."""
    if isinstance(raw, dict) and set(raw) == {"ref"}:
        name = title_of(raw["ref"]) if title_of else None
        return f"同“{name}”" if name else "同另一参数的取值"
    if kind == "bands" and isinstance(raw, list):
        return "\n".join(_band_words(b) for b in raw)
    return text_of(kind, raw)


def _band_words(band: Any) -> str:
    value = band.get("value")
    if isinstance(value, list):
        points = f"得{value[0]}–{value[1]}分"
    elif isinstance(value, int):
        points = f"得{value}分"
    else:
        points = f"取{value}"
    return f"{band.get('label')}档：{range_words(str(band.get('range')))}，{points}"
