"""Shared scoring helpers for points tables (ratios, ranges, expert pins)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from keqi.rules.model import Citation, ScoreItem
from keqi.rules.numbers import BandTable, exact, fmt_number, fmt_percent


def top(table: BandTable) -> int:
    """Highest integer points of a table."""
    return max(int(v) for v in (b.value for b in table.bands) if isinstance(v, int))


def bottom(table: BandTable) -> int:
    """Lowest integer points of a table."""
    return min(int(v) for v in (b.value for b in table.bands) if isinstance(v, int))


def points_of(table: BandTable, x: Fraction) -> tuple[int, str]:
    """Integer points and label of the band holding ``x``."""
    band = table.find(x)
    assert isinstance(band.value, int)
    return band.value, f"{band.label}{band.text(table.percent)}"


def ratio_item(
    item: str,
    title: str,
    num: Decimal | int | None,
    den: Decimal | int | None,
    table: BandTable,
    citation: Citation,
    unit: str = "",
) -> ScoreItem:
    """Points of ``num/den``: a full range when unknown, 0 when ``den <= 0``.

    The value shows as a percentage when the table is one of percentages, else
    as a number with ``unit`` (an amount table: ``118.4万元``)."""
    if num is None or den is None:
        return ScoreItem(
            item, title, bottom(table), top(table), "?", "数据缺失", citation
        )
    if den <= 0:
        return ScoreItem(item, title, 0, 0, "-", "分母为0，无法计算，按0分计", citation)
    ratio = exact(num) / exact(den)
    pts, label = points_of(table, ratio)
    shown = fmt_percent(ratio) if table.percent else fmt_number(ratio) + unit
    return ScoreItem(item, title, pts, pts, label, f"{shown}（{label}）", citation)


def level_item(
    item: str,
    title: str,
    low_level: int,
    high_level: int,
    table: BandTable,
    citation: Citation,
    reason: str,
) -> ScoreItem:
    """Points of a level code known to lie in ``[low_level, high_level]``."""
    low, label = points_of(table, Fraction(low_level))
    high, _ = points_of(table, Fraction(high_level))
    return ScoreItem(
        item,
        title,
        low,
        high,
        label if low == high else "?",
        reason,
        citation,
        expert=low != high,
    )
