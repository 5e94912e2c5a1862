"""Exact numbers, band tables and three-valued logic.

Nothing here uses float.  Ratios are compared by cross-multiplication of exact
values: ``a/b >= p/q`` is evaluated as ``a*q >= p*b`` (``b > 0``, ``q > 0``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from enum import Enum
from fractions import Fraction
from typing import Literal

Op = Literal[">=", ">", "<=", "<"]
Exact = int | Decimal | Fraction
OPS: tuple[Op, ...] = (">=", ">", "<=", "<")
OP_TEXT: dict[str, str] = {">=": "≥", ">": "＞", "<=": "≤", "<": "＜"}


class Tri(Enum):
    """Three-valued status of a condition."""

    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        """Chinese label."""
        return TRI_LABELS[self.value]


TRI_LABELS = {"met": "满足", "not_met": "不满足", "unknown": "待定"}


def tri(value: bool | None) -> Tri:
    """``True`` → met, ``False`` → not met, ``None`` → unknown."""
    if value is None:
        return Tri.UNKNOWN
    return Tri.MET if value else Tri.NOT_MET


def all_of(values: Iterable[Tri]) -> Tri:
    """Kleene AND: any not met wins, then any unknown."""
    seen = set(values)
    if Tri.NOT_MET in seen:
        return Tri.NOT_MET
    return Tri.UNKNOWN if Tri.UNKNOWN in seen else Tri.MET


def any_of(values: Iterable[Tri]) -> Tri:
    """Kleene OR: any met wins, then any unknown."""
    seen = set(values)
    if Tri.MET in seen:
        return Tri.MET
    return Tri.UNKNOWN if Tri.UNKNOWN in seen else Tri.NOT_MET


def exact(value: Exact) -> Fraction:
    """Exact rational value of an int, Decimal or Fraction."""
    return value if type(value) is Fraction else Fraction(value)


def compare(left: Exact, op: Op, right: Exact) -> bool:
    """Exact comparison ``left op right``."""
    a, b = exact(left), exact(right)
    if op == ">=":
        return a >= b
    if op == ">":
        return a > b
    if op == "<=":
        return a <= b
    return a < b


def ratio_compare(num: Exact, den: Exact, op: Op, threshold: Fraction) -> bool | None:
    """``num/den op threshold`` by cross-multiplication; ``None`` if ``den <= 0``."""
    n, d = exact(num), exact(den)
    if d <= 0:
        return None
    return compare(n * threshold.denominator, op, threshold.numerator * d)


_NUMBER = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)\s*(%?)\s*$")


def parse_exact(text: str | int | Decimal | Fraction) -> Fraction:
    """Parse ``"30%"``, ``"0.3"``, ``"5000"``, ``"1/3"`` or a number exactly."""
    if isinstance(text, int | Decimal | Fraction):
        return exact(text)
    if not isinstance(text, str):
        raise ValueError(f"不是数值：{text!r}")
    if "/" in text:
        num, den = text.split("/", 1)
        return parse_exact(num) / parse_exact(den)
    match = _NUMBER.match(text)
    if match is None:
        raise ValueError(f"不是数值：{text!r}")
    value = Fraction(Decimal(match.group(1)))
    return value / 100 if match.group(2) else value


def fmt_number(value: Exact, places: int = 4) -> str:
    """Decimal string of ``value``: exact when it terminates within ``places``,
    else rounded half-up to ``places``; never trailing zeros (``500``, ``0.01``)."""
    dec = round_half_up(exact(value), places)
    text = format(dec.normalize(), "f")
    return "0" if text in ("-0", "") else text


def round_half_up(frac: Fraction, places: int) -> Decimal:
    """``frac`` rounded half away from zero to ``places`` decimals, exactly."""
    scaled = abs(frac) * 10**places
    whole = math.floor(scaled + Fraction(1, 2))
    return Decimal(-whole if frac < 0 else whole).scaleb(-places)


def fmt_percent(value: Exact, places: int = 2) -> str:
    """Percentage text rounded half-up to ``places`` decimals (4.98985% → 4.99%)."""
    return fmt_number(exact(value) * 100, places) + "%"


def ceil_to(value: Exact, step: Fraction) -> Fraction:
    """Smallest multiple of ``step`` that is ≥ ``value``."""
    units = exact(value) / step
    whole = -(-units.numerator // units.denominator)
    return whole * step


def ceil_decimal(value: Exact, places: int = 2) -> Decimal:
    """``value`` rounded up to ``places`` decimals, as a Decimal."""
    frac = exact(value)
    dec = Decimal(frac.numerator) / Decimal(frac.denominator)
    return dec.quantize(Decimal(1).scaleb(-places), rounding=ROUND_CEILING)


@dataclass(frozen=True)
class Band:
    """One interval of a band table, e.g. ``[25%, 30%)`` → 16 points."""

    label: str
    lower: Fraction | None
    lower_closed: bool
    upper: Fraction | None
    upper_closed: bool
    value: object

    def contains(self, x: Fraction) -> bool:
        """Whether ``x`` lies in this interval."""
        if self.lower is not None and not (
            x >= self.lower if self.lower_closed else x > self.lower
        ):
            return False
        if self.upper is None:
            return True
        return x <= self.upper if self.upper_closed else x < self.upper

    def text(self, percent: bool = False) -> str:
        """Interval notation, e.g. ``[25%, 30%)``."""

        def show(v: Fraction | None, inf: str) -> str:
            if v is None:
                return inf
            return fmt_percent(v) if percent else fmt_number(v)

        left = "[" if self.lower_closed else "("
        right = "]" if self.upper_closed else ")"
        return f"{left}{show(self.lower, '-∞')}, {show(self.upper, '+∞')}{right}"


@dataclass(frozen=True)
class BandTable:
    """Complete, non-overlapping bands in ascending order."""

    bands: tuple[Band, ...]
    percent: bool = False

    def find(self, x: Exact) -> Band:
        """The band holding ``x``."""
        value = exact(x)
        for band in self.bands:
            if band.contains(value):
                return band
        raise ValueError(f"{value} 不在任何档内")  # impossible after check_bands

    def edges(self) -> tuple[Fraction, ...]:
        """Finite edges, ascending."""
        return tuple(b.lower for b in self.bands if b.lower is not None)


def check_bands(bands: tuple[Band, ...]) -> None:
    """Raise ``ValueError`` unless the bands cover the line once and only once."""
    if not bands:
        raise ValueError("档位表为空")
    if bands[0].lower is not None:
        raise ValueError(f"最低档 {bands[0].label} 未覆盖到 -∞，档位不完整")
    if bands[-1].upper is not None:
        raise ValueError(f"最高档 {bands[-1].label} 未覆盖到 +∞，档位不完整")
    for low, high in zip(bands, bands[1:], strict=False):
        if low.upper is None or high.lower is None or low.upper != high.lower:
            raise ValueError(f"档 {low.label} 与档 {high.label} 之间有缺口或重叠")
        if low.upper_closed == high.lower_closed:
            word = "重叠" if low.upper_closed else "缺口"
            raise ValueError(
                f"档 {low.label} 与档 {high.label} 在 {fmt_number(low.upper)} 处{word}"
            )


@dataclass(frozen=True)
class Threshold:
    """A single threshold with the operator its document states, e.g. ``≤ 500``."""

    op: Op
    value: Fraction

    def test(self, x: Exact) -> bool:
        """Whether ``x op value`` holds."""
        return compare(x, self.op, self.value)

    def test_ratio(self, num: Exact, den: Exact) -> bool | None:
        """Whether ``num/den op value`` holds; ``None`` if ``den <= 0``."""
        return ratio_compare(num, den, self.op, self.value)

    def text(self, unit: str = "", percent: bool = False) -> str:
        """E.g. ``≤500人`` or ``≥10%``."""
        shown = fmt_percent(self.value) if percent else fmt_number(self.value) + unit
        return OP_TEXT[self.op] + shown
