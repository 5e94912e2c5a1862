"""Columnar path for 高新技术企业; must agree with :mod:`.high_tech` exactly.

Year slots: ``1`` is the oldest of the three accounting years, ``3`` the most
recent; ``n_years`` (0–3) says how many of them the enterprise operated.  The
growth formula needs products of two amounts (up to 2**100), so it is computed in
three base-2**25 digits (see :func:`keqi.rules.batch.limb_product`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from fractions import Fraction
from functools import partial

import numpy as np

from keqi.rules.batch import (
    I8,
    I64,
    BatchResult,
    Column,
    Fields,
    Mask,
    band_index,
    band_lookup,
    band_ranges,
    growth_index_three_fast,
    growth_index_two,
    per_distinct,
    pin_expert,
    ratio_test,
    scaled,
    threshold_test,
    tri_and,
    tri_from,
)
from keqi.rules.context import Ctx
from keqi.rules.facts import EnterpriseFacts, YearFigures
from keqi.rules.numbers import BandTable, Tri
from keqi.rules.params import ParamSet
from keqi.rules.programmes import high_tech
from keqi.rules.programmes import high_tech_score as score

SLOTS = (1, 2, 3)
YEARLY = ("rd_expense", "rd_domestic", "sales_revenue", "net_assets", "conversions")
LATEST = ("staff_total", "tech_staff", "high_tech_revenue", "total_revenue")
CODED = ("11.2", "11.3", "11.8")
LISTED = (
    "high_tech.tech_advance",
    "high_tech.core_support",
    "high_tech.ip_quantity",
    "high_tech.ip_acquisition",
    "high_tech.standard_bonus",
    "high_tech.rd_management",
    "high_tech.rd_platform",
    "high_tech.conversion_scheme",
    "high_tech.talent",
)
PINNED = (
    "high_tech.conversion",
    "high_tech.net_asset_growth",
    "high_tech.sales_growth",
)


def _values(year: list[YearFigures], name: str) -> list[int | None]:
    """One figure of one year per row: counts as they are, amounts scaled."""
    values = [getattr(fig, name) for fig in year]
    if name in ("conversions", "staff_total", "tech_staff"):
        return values
    return [None if v is None else scaled(v) for v in values]


def build_columns(
    facts: Iterable[EnterpriseFacts], as_of: date, params: ParamSet
) -> dict[str, Column]:
    """Columns for :func:`evaluate_columns` (Python, once per batch)."""
    rows = list(facts)
    ctx = Ctx(params, as_of)
    latest = high_tech.latest_year(ctx)
    cols: dict[str, Column] = {
        "days": Column.of(
            [
                None if f.founded_on is None else (as_of - f.founded_on).days
                for f in rows
            ],
            np.int32,
        ),
        "n_years": Column.of(
            [len(score.operating_years(f, ctx)) for f in rows], np.int8
        ),
    }
    for slot in SLOTS:
        year = [f.year(latest - 3 + slot) for f in rows]
        for name in YEARLY:
            cols[f"{name}.{slot}"] = Column.of(_values(year, name))
    year = [f.year(latest) for f in rows]
    for name in LATEST:
        cols[name] = Column.of(_values(year, name))
    cols |= _listed(rows, ctx)
    for item in PINNED:
        cols["expert." + item] = Column.of([f.expert_points.get(item) for f in rows])
    return cols


#: What the list-based conditions and items read.
LISTED_FIELDS: Fields = (
    *("ip", "qualifications", "credit_records"),
    *("tech_field", "expert_points"),
)
Listed = tuple[tuple[Tri, ...], tuple[int, ...], tuple[int, ...]]


def listed(facts: EnterpriseFacts, ctx: Ctx) -> Listed:
    """Statuses of CODED, and low and high points of each LISTED item."""
    codes = (
        high_tech.core_ip(facts, ctx).status,
        high_tech.field_condition(facts, ctx).status,
        high_tech.incident(facts, ctx).status,
    )
    items = {i.id: i for i in score.listed_items(facts, ctx)}
    lows = tuple(int(items[i].low or 0) for i in LISTED)
    highs = tuple(int(items[i].high or 0) for i in LISTED)
    return codes, lows, highs


#: Every reduction the builder runs once per distinct value of its fields.
def title_kinds(ctx: Ctx) -> frozenset[str]:
    """The qualification kinds :func:`listed` reads (the standards bonus)."""
    return frozenset(("主导制定标准", "参与制定标准"))


REDUCTIONS = {"listed": (LISTED_FIELDS, listed, title_kinds)}


def _summed(found: Listed, side: int, at: list[int]) -> int:
    return sum(found[side][k] for k in at)  # type: ignore[misc]


def _listed(rows: list[EnterpriseFacts], ctx: Ctx) -> dict[str, Column]:
    """Status codes and points that come from lists (IP, titles, records)."""
    found = per_distinct(
        rows, LISTED_FIELDS, lambda f: listed(f, ctx), title_kinds(ctx)
    )
    ones = np.ones(len(rows), bool)
    out = {
        "status." + c: Column(found.codes(lambda f, k=k: f[0][k]), ones)  # type: ignore[misc]
        for k, c in enumerate(CODED)
    }
    rest = [i for i in LISTED if i not in score.IP_GROUP]
    for name, ids in (("ip_group", score.IP_GROUP), ("rest", rest)):
        at = [LISTED.index(i) for i in ids]
        for prefix, side in (("lo", 1), ("hi", 2)):
            summed = found.column(partial(_summed, side=side, at=at), np.int16)
            out[f"{prefix}.{name}"] = Column(summed, ones)
    return out


def _included(cols: Mapping[str, Column]) -> dict[int, Mask]:
    n = cols["n_years"].values
    return {slot: n >= 4 - slot for slot in SLOTS}


def _sum(
    cols: Mapping[str, Column], name: str, inc: dict[int, Mask]
) -> tuple[I64, Mask]:
    """Sum over the operated years and whether every one of them is known."""
    total = np.zeros(len(cols["n_years"].values), dtype=np.int64)
    known = inc[3].copy()
    for slot in SLOTS:
        col = cols[f"{name}.{slot}"]
        total += col.values * inc[slot]
        known &= col.known | ~inc[slot]
    return total, known


def _rd(cols: Mapping[str, Column], ctx: Ctx, inc: dict[int, Mask]) -> I8:
    rd, rd_known = _sum(cols, "rd_expense", inc)
    sales, sales_known = _sum(cols, "sales_revenue", inc)
    table = ctx.bands("high_tech.rd_rate_bands")
    latest = cols["sales_revenue.3"]
    idx = band_index(latest.values, 10_000, table)
    rates = [b.value for b in table.bands]
    nums = np.array([r.numerator for r in rates if isinstance(r, Fraction)])
    dens = np.array([r.denominator for r in rates if isinstance(r, Fraction)])
    ok = (rd * dens[idx] >= nums[idx] * sales) & (sales > 0)
    return tri_from(ok, rd_known & sales_known & latest.known)


def _ratio(cols: Mapping[str, Column], num: str, den: str, pid: str, ctx: Ctx) -> I8:
    a, b = cols[num], cols[den]
    return tri_from(
        ratio_test(a.values, b.values, ctx.threshold(pid)), a.known & b.known
    )


def _domestic(cols: Mapping[str, Column], ctx: Ctx, inc: dict[int, Mask]) -> I8:
    inside, k1 = _sum(cols, "rd_domestic", inc)
    total, k2 = _sum(cols, "rd_expense", inc)
    ok = ratio_test(inside, total, ctx.threshold("high_tech.domestic_share"))
    return tri_from(ok, k1 & k2)


def _conversion(
    cols: Mapping[str, Column], ctx: Ctx, inc: dict[int, Mask]
) -> tuple[I64, I64]:
    table = ctx.bands("high_tech.conversion_points")
    total, known = _sum(cols, "conversions", inc)
    n = cols["n_years"].values.astype(np.int64)
    lo, hi = band_lookup(total, np.maximum(n, 1), table)
    some = n > 0
    lo, hi = lo * some, hi * some
    top = int(band_ranges(table)[1].max())
    lo, hi = np.where(known | ~some, lo, 0), np.where(known | ~some, hi, top)
    return pin_expert(lo, hi, cols["expert.high_tech.conversion"])


def _growth_index(
    cols: Mapping[str, Column], name: str, table: BandTable
) -> tuple[I64, I64]:
    """Band index of the two-year and the three-year formula."""
    v1, v2, v3 = (cols[f"{name}.{s}"].values.astype(np.int64) for s in SLOTS)
    return growth_index_two(v2, v3, table), growth_index_three_fast(v1, v2, v3, table)


def _growth(
    cols: Mapping[str, Column], ctx: Ctx, item: str, inc: dict[int, Mask]
) -> tuple[I64, I64]:
    name, _ = score.GROWTH_ITEMS[item]
    table = ctx.bands("high_tech.growth_points")
    lows, highs = band_ranges(table)
    n = cols["n_years"].values
    v1, v2 = cols[f"{name}.1"].values, cols[f"{name}.2"].values
    two, three = _growth_index(cols, name, table)
    idx = np.where((n == 3) & (v1 != 0), three, two)
    lo, hi = lows[idx] * (v2 != 0), highs[idx] * (v2 != 0)
    known = np.ones(len(n), dtype=np.bool_)
    for slot in SLOTS:
        known &= cols[f"{name}.{slot}"].known | ~inc[slot]
    lo, hi = np.where(known, lo, 0), np.where(known, hi, highs.max())
    lo, hi = pin_expert(lo, hi, cols["expert." + item])
    if np.any(n == 1):
        one = ctx.integer("high_tech.growth_one_year_points")
        lo, hi = np.where(n == 1, one, lo), np.where(n == 1, one, hi)
    return np.where(n == 0, 0, lo), np.where(n == 0, 0, hi)


def scores(
    cols: Mapping[str, Column], ctx: Ctx, inc: dict[int, Mask]
) -> tuple[I64, I64]:
    """Innovation score range per enterprise (IP group capped at 30)."""
    ip_lo, ip_hi = cols["lo.ip_group"].values, cols["hi.ip_group"].values
    lo = np.minimum(ip_lo, score.IP_CAP) + cols["lo.rest"].values
    hi = np.minimum(ip_hi, score.IP_CAP) + cols["hi.rest"].values
    parts = [
        _conversion(cols, ctx, inc),
        _growth(cols, ctx, "high_tech.net_asset_growth", inc),
        _growth(cols, ctx, "high_tech.sales_growth", inc),
    ]
    for plo, phi in parts:
        lo, hi = lo + plo, hi + phi
    return lo, hi


def evaluate_columns(
    cols: Mapping[str, Column], as_of: date, params: ParamSet
) -> BatchResult:
    """Evaluate 32号 for every row of ``cols`` on ``as_of``."""
    ctx = Ctx(params, as_of)
    high_tech.latest_year(ctx)
    inc = _included(cols)
    days = cols["days"]
    statuses = {cid: cols["status." + cid].values.astype(np.int8) for cid in CODED}
    statuses["11.1"] = tri_from(
        threshold_test(days.values, ctx.threshold("high_tech.registered_min_days")),
        days.known,
    )
    statuses["11.4"] = _ratio(
        cols, "tech_staff", "staff_total", "high_tech.staff_ratio", ctx
    )
    statuses["11.5"] = _rd(cols, ctx, inc)
    statuses["11.5b"] = _domestic(cols, ctx, inc)
    statuses["11.6"] = _ratio(
        cols, "high_tech_revenue", "total_revenue", "high_tech.product_share", ctx
    )
    lo, hi = scores(cols, ctx, inc)
    need = ctx.threshold("high_tech.pass_score")
    passed, failed = threshold_test(lo, need), ~threshold_test(hi, need)
    statuses["11.7"] = (passed.view(np.int8) + (~failed).view(np.int8)).astype(np.int8)
    overall = tri_and(*statuses.values())
    route = np.zeros(len(overall), dtype=np.int8)
    return BatchResult(high_tech.KEY, overall, route, lo, hi, statuses, _flags(ctx))


def _flags(ctx: Ctx) -> tuple[str, ...]:
    """Every flagged parameter the scalar path may use (a superset per row)."""
    for pid in (
        "high_tech.growth_points",
        "high_tech.conversion_points",
        "high_tech.ip_acquisition_other",
        "high_tech.growth_one_year_points",
    ):
        ctx.use(pid)
    return ctx.flags()


def column_kinds(as_of: date, params: ParamSet) -> dict[str, str]:
    """Name → kind of every input column (for synthetic benchmarks)."""
    kinds = {"days": "day", "n_years": "year"}
    kinds |= {
        f"{n}.{s}": ("small" if n == "conversions" else "amount")
        for n in YEARLY
        for s in SLOTS
    }
    kinds |= {
        n: ("count" if n in ("staff_total", "tech_staff") else "amount") for n in LATEST
    }
    kinds |= {"status." + c: "status" for c in CODED}
    kinds |= {f"{p}.{i}": "small" for i in ("ip_group", "rest") for p in ("lo", "hi")}
    return kinds | {"expert." + i: "small" for i in PINNED}
