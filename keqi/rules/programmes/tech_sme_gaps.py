"""Gaps for 科技型中小企业: the smallest concrete changes, in the user's units.

For the score, every way of reaching a higher band in each item is listed with
its cost (people, 万元, items); the search keeps the combinations that change the
fewest items.  Added 科技人员 are assumed to be new hires (they raise 职工总数
too) and added 研发费用 raises 成本费用支出总额 too, so a gap, once closed, really
reaches the band.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from keqi.rules.context import Ctx
from keqi.rules.facts import FIELD_LABELS, EnterpriseFacts, YearFigures
from keqi.rules.model import Gap, ScoreItem
from keqi.rules.numbers import BandTable, ceil_decimal, exact, fmt_number, fmt_percent
from keqi.rules.programmes import common

if TYPE_CHECKING:
    from collections.abc import Sequence


@dataclass(frozen=True)
class Option:
    """Reaching ``points`` in one item by one change (``gap`` None = as is)."""

    item: str
    points: int
    gap: Gap | None


def size_gaps(fig: YearFigures, ctx: Ctx) -> list[Gap]:
    """How far each known figure is over its 6(2) cap."""
    out = []
    for name, pid, unit in (
        ("staff_total", "tech_sme.staff_max", "人"),
        ("sales_revenue", "tech_sme.sales_max", "万元"),
        ("total_assets", "tech_sme.assets_max", "万元"),
    ):
        value, limit = fig.get(name), ctx.threshold(pid)
        if value is None or limit.test(value):
            continue
        over = exact(value) - limit.value
        label = FIELD_LABELS[name]
        text = (
            f"{label}超出上限{fmt_number(over)}{unit}"
            f"（上限{fmt_number(limit.value)}{unit}），规模条件不满足"
        )
        out.append(Gap("6.2", text, name, fmt_number(over), unit))
    return out


def _higher(table: BandTable, current: int) -> list[tuple[Fraction, int]]:
    """(lower edge, points) of every band worth more than ``current``."""
    return [
        (b.lower, b.value)
        for b in table.bands
        if b.lower is not None and isinstance(b.value, int) and b.value > current
    ]


def staff_options(fig: YearFigures, item: ScoreItem, ctx: Ctx) -> list[Option]:
    """New 科技人员 needed for each higher band."""
    tech, total = fig.tech_staff or 0, fig.staff_total or 0
    out = [Option("staff", item.low, None)]
    for lower, pts in _higher(ctx.bands("tech_sme.staff_points"), item.low):
        if lower >= 1:
            continue
        need = (lower * total - tech) / (1 - lower)
        hires = max(-(-need.numerator // need.denominator), 1 if total == 0 else 0)
        text = f"科技人员还差{hires}人（占比达到{fmt_percent(lower)}，按新增人员同时计入职工总数）"
        out.append(
            Option("staff", pts, Gap("6.5", text, "tech_staff", str(hires), "人"))
        )
    return out


def _rd_needed(fig: YearFigures, lower: Fraction, by_cost: bool) -> Fraction | None:
    rd = exact(fig.rd_expense or 0)
    den = fig.total_cost if by_cost else fig.sales_revenue
    if den is None or den <= 0 or (by_cost and lower >= 1):
        return None
    if by_cost:
        return max((lower * exact(den) - rd) / (1 - lower), Fraction(0))
    return max(lower * exact(den) - rd, Fraction(0))


def rd_options(fig: YearFigures, item: ScoreItem, ctx: Ctx) -> list[Option]:
    """Extra 研发费用 needed for each higher points value (cheaper measure)."""
    best: dict[int, tuple[Fraction, str]] = {}
    for pid, by_cost, label in (
        ("tech_sme.rd_sales_points", False, "销售收入"),
        ("tech_sme.rd_cost_points", True, "成本费用支出总额"),
    ):
        for lower, pts in _higher(ctx.bands(pid), item.low):
            need = _rd_needed(fig, lower, by_cost)
            if need is None or need == 0:
                continue
            what = f"研发费用占{label}达到{fmt_percent(lower)}"
            if pts not in best or need < best[pts][0]:
                best[pts] = (need, what)
    out = [Option("rd", item.low, None)]
    for pts, (need, what) in sorted(best.items()):
        shown = ceil_decimal(need, 2)
        text = f"研发费用还差{_wan(shown)}万元（{what}）"
        out.append(
            Option("rd", pts, Gap("6.5", text, "rd_expense", _wan(shown), "万元"))
        )
    return out


def _wan(value: Decimal) -> str:
    return fmt_number(value)


def ip_options(facts: EnterpriseFacts, item: ScoreItem, ctx: Ctx) -> list[Option]:
    """Extra IP items needed for each higher band."""
    counts = common.ip_counts(facts, ctx)
    out = [Option("ip", item.low, None)]
    for lower, pts in _higher(ctx.bands("tech_sme.ip_class_i_points"), item.low):
        more = int(lower) - counts.class_i_sure
        gap = Gap("6.5", f"再需{more}项Ⅰ类知识产权", "ip", str(more), "项")
        out.append(Option("ip", pts, gap))
    for lower, pts in _higher(ctx.bands("tech_sme.ip_class_ii_points"), item.low):
        more = int(lower) - counts.class_ii_sure
        gap = Gap("6.5", f"再需{more}项Ⅱ类知识产权", "ip", str(more), "项")
        out.append(Option("ip", pts, gap))
    return out


def _solutions(groups: Sequence[list[Option]], need: int) -> list[tuple[Option, ...]]:
    """Combos reaching ``need`` with a non-zero staff score, fewest changes first."""
    found = []
    for combo in itertools.product(*groups):
        total = sum(o.points for o in combo)
        if total >= need and combo[0].points > 0:
            changed = sum(1 for o in combo if o.gap is not None)
            found.append((changed, total, combo))
    if not found:
        return []
    fewest = min(f[0] for f in found)
    return [f[2] for f in sorted(found, key=lambda f: (f[0], f[1])) if f[0] == fewest]


def score_gaps(
    facts: EnterpriseFacts, items: tuple[ScoreItem, ...], ctx: Ctx, year: int
) -> list[Gap]:
    """Smallest changes that lift the score to the pass mark (exact scores only)."""
    if any(i.low != i.high for i in items):
        return []
    need = int(ctx.threshold("tech_sme.pass_score").value)
    if ctx.threshold("tech_sme.pass_score").op == ">":
        need += 1
    if sum(i.low for i in items) >= need and items[0].low > 0:
        return []
    fig = facts.year(year)
    groups = [
        staff_options(fig, items[0], ctx),
        rd_options(fig, items[1], ctx),
        ip_options(facts, items[2], ctx),
    ]
    combos = _solutions(groups, need)
    if not combos:
        return []
    if sum(1 for o in combos[0] if o.gap is not None) == 1:
        return _single_alternatives(combos)
    gaps = [o.gap for o in combos[0] if o.gap is not None]
    return [
        Gap(g.condition_id, g.text + "（需同时满足）", g.field, g.amount, g.unit)
        for g in gaps
    ]


def _single_alternatives(combos: list[tuple[Option, ...]]) -> list[Gap]:
    """One cheapest change per item; any one of them is enough."""
    seen: dict[str, Gap] = {}
    for combo in combos:
        for option in combo:
            if option.gap is not None and option.item not in seen:
                seen[option.item] = option.gap
    note = "（任一项即可达标）" if len(seen) > 1 else "（即可达标）"
    return [
        Gap(g.condition_id, g.text + note, g.field, g.amount, g.unit)
        for g in seen.values()
    ]
