"""Columnar path for 科技型中小企业; must agree with :mod:`.tech_sme` exactly.

Numeric conditions (6(2), the score, 6(5)) are computed here on ``int64``
columns.  Conditions that read lists and dates (6(1), 6(3), 6(4), Art. 8) are
reduced to status codes while the columns are built, by the scalar functions
themselves, so the two paths cannot drift apart; they run once per distinct
value of the fields they read (``REDUCTIONS``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

import numpy as np

from keqi.rules.batch import (
    I8,
    I64,
    MET,
    BatchResult,
    Column,
    Fields,
    band_points,
    per_distinct,
    prepare,
    scaled,
    threshold_test,
    tri_and,
    tri_from,
    tri_or,
)
from keqi.rules.context import Ctx
from keqi.rules.facts import EnterpriseFacts
from keqi.rules.numbers import Tri
from keqi.rules.params import ParamSet
from keqi.rules.programmes import common, tech_sme

COUNTS = ("staff_total", "tech_staff")
AMOUNTS = ("sales_revenue", "total_assets", "rd_expense", "total_cost")
CODED = ("6.1", "6.3", "6.4", "8.1", "8.2", "8.3", "8.4")
IP_FIELDS: Fields = ("ip",)
CODED_FIELDS: Fields = (
    *("registered_in_tianjin", "restricted_products"),
    *("credit_records", "qualifications"),
)


def build_columns(
    facts: Iterable[EnterpriseFacts], as_of: date, params: ParamSet
) -> dict[str, Column]:
    """Columns for :func:`evaluate_columns` from facts (Python, once per batch)."""
    rows = list(facts)
    ctx = Ctx(params, as_of)
    year = tech_sme.data_year(ctx)
    cols: dict[str, Column] = {}
    figures = [f.year(year) for f in rows]
    for name in COUNTS:
        cols[name] = Column.of([getattr(g, name) for g in figures], np.int32)
    for name in AMOUNTS:
        cols[name] = Column.of([scaled(getattr(g, name)) for g in figures])
    counts = per_distinct(rows, IP_FIELDS, lambda f: common.ip_counts(f, ctx))
    ones = np.ones(len(rows), bool)
    for attr in ("class_i_sure", "class_i_maybe", "class_ii_sure", "class_ii_maybe"):
        values = counts.column(lambda c, a=attr: getattr(c, a), np.int16)  # type: ignore[misc]
        cols["ip." + attr] = Column(values, ones)
    for cid, codes in _coded(rows, ctx).items():
        cols["status." + cid] = Column(codes, np.ones(len(rows), bool))
    return cols


def coded_statuses(facts: EnterpriseFacts, ctx: Ctx) -> tuple[Tri, ...]:
    """Statuses of the gate and route conditions of CODED, in that order (the
    size gate, 6(2), is a column of its own)."""
    return (
        tech_sme.resident(facts).status,
        tech_sme.products(facts).status,
        tech_sme.credit(facts, ctx).status,
        tech_sme.high_tech_cert(facts, ctx).status,
        tech_sme.award(facts, ctx).status,
        tech_sme.institution(facts, ctx).status,
        tech_sme.standard(facts, ctx).status,
    )


def title_kinds(ctx: Ctx) -> frozenset[str]:
    """The qualification kinds :func:`coded_statuses` reads."""
    return frozenset(
        ("高新技术企业", "科技奖励", "主导制定标准", *ctx.texts("rd_institution.kinds"))
    )


def _coded(rows: list[EnterpriseFacts], ctx: Ctx) -> dict[str, I8]:
    found = per_distinct(
        rows, CODED_FIELDS, lambda f: coded_statuses(f, ctx), title_kinds(ctx)
    )
    return {cid: found.codes(lambda s, i=i: s[i]) for i, cid in enumerate(CODED)}  # type: ignore[misc]


#: Every reduction the builder runs once per distinct value of its fields.
REDUCTIONS = {
    "ip_counts": (IP_FIELDS, common.ip_counts, None),
    "coded": (CODED_FIELDS, coded_statuses, title_kinds),
}


def _size(cols: Mapping[str, Column], ctx: Ctx) -> I8:
    parts = []
    for name, pid, scale in (
        ("staff_total", "tech_sme.staff_max", 1),
        ("sales_revenue", "tech_sme.sales_max", 10_000),
        ("total_assets", "tech_sme.assets_max", 10_000),
    ):
        col = cols[name]
        parts.append(
            tri_from(threshold_test(col.values, ctx.threshold(pid), scale), col.known)
        )
    return tri_and(*parts)


def _ratio_range(num: Column, den: Column, pid: str, ctx: Ctx) -> tuple[I64, I64]:
    """Points range of ``num/den``: exact when known, 0 when ``den <= 0``."""
    table = ctx.bands(pid)
    pts = band_points(num.values, den.values, table) * (den.values > 0)
    known = num.known & den.known
    return pts * known, np.where(known, pts, prepare(table).top)


def _ip(ci: I64, cii: I64, ctx: Ctx) -> I64:
    first = band_points(ci, 1, ctx.bands("tech_sme.ip_class_i_points"))
    second = band_points(cii, 1, ctx.bands("tech_sme.ip_class_ii_points"))
    out: I64 = np.where(first > 0, first, second)
    return out


def scores(cols: Mapping[str, Column], ctx: Ctx) -> tuple[I64, I64, I64, I64]:
    """Score low/high and staff-item low/high for every enterprise."""
    staff_lo, staff_hi = _ratio_range(
        cols["tech_staff"], cols["staff_total"], "tech_sme.staff_points", ctx
    )
    s_lo, s_hi = _ratio_range(
        cols["rd_expense"], cols["sales_revenue"], "tech_sme.rd_sales_points", ctx
    )
    c_lo, c_hi = _ratio_range(
        cols["rd_expense"], cols["total_cost"], "tech_sme.rd_cost_points", ctx
    )
    ip_lo = _ip(cols["ip.class_i_sure"].values, cols["ip.class_ii_sure"].values, ctx)
    ip_hi = _ip(
        cols["ip.class_i_sure"].values + cols["ip.class_i_maybe"].values,
        cols["ip.class_ii_sure"].values + cols["ip.class_ii_maybe"].values,
        ctx,
    )
    low = staff_lo + np.maximum(s_lo, c_lo) + ip_lo
    high = staff_hi + np.maximum(s_hi, c_hi) + ip_hi
    return low, high, staff_lo, staff_hi


def evaluate_columns(
    cols: Mapping[str, Column], as_of: date, params: ParamSet
) -> BatchResult:
    """Evaluate 115号 for every row of ``cols`` on ``as_of``."""
    ctx = Ctx(params, as_of)
    tech_sme.data_year(ctx)
    low, high, staff_lo, staff_hi = scores(cols, ctx)
    need = ctx.threshold("tech_sme.pass_score")
    passed = threshold_test(low, need) & (staff_lo > 0)
    failed = ~threshold_test(high, need) | (staff_hi == 0)
    score = (passed.view(np.int8) + (~failed).view(np.int8)).astype(np.int8)
    coded = {
        cid: cols["status." + cid].values.astype(np.int8, copy=False) for cid in CODED
    }
    statuses = {**coded, "6.2": _size(cols, ctx), "6.5": score}
    statuses["8"] = tri_or(*(coded[c] for c in ("8.1", "8.2", "8.3", "8.4")))
    gate = tri_and(*(statuses[c] for c in ("6.1", "6.2", "6.3", "6.4")))
    overall = tri_and(gate, tri_or(score, statuses["8"]))
    eligible = (overall == MET).view(np.int8)
    route = eligible + eligible * (statuses["8"] == MET).view(np.int8)
    return BatchResult(tech_sme.KEY, overall, route, low, high, statuses, ctx.flags())


def column_kinds(as_of: date, params: ParamSet) -> dict[str, str]:
    """Name → kind of every input column (for synthetic benchmarks)."""
    kinds = {name: "count" for name in COUNTS}
    kinds |= {name: "amount" for name in AMOUNTS}
    kinds |= {
        "ip." + a: "small"
        for a in ("class_i_sure", "class_i_maybe", "class_ii_sure", "class_ii_maybe")
    }
    return kinds | {"status." + cid: "status" for cid in CODED}
