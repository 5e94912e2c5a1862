"""Columnar path for 专精特新中小企业 (the version in force on ``as_of``).

Numeric conditions and score items run on columns; list-based items (IP,
institution, open items, titles, awards) are coded by the scalar functions
while the columns are built, once per distinct value of the fields they read
(``REDUCTIONS``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

import numpy as np

from keqi.rules.batch import (
    I8,
    I64,
    MET,
    NOT_MET,
    UNKNOWN,
    BatchResult,
    Column,
    Fields,
    add_all,
    band_values,
    difference,
    growth_index_three_fast,
    per_distinct,
    ratio_range,
    ratio_test,
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
from keqi.rules.programmes import common, zjtx_score, zjtx_sme

AMOUNTS = (
    "rd_expense",
    "operating_revenue",
    "main_revenue",
    "total_assets",
    "net_assets",
    "equity_financing",
)
CODED_ITEMS = (
    "zjtx_sme.niche",
    "zjtx_sme.field",
    "zjtx_sme.digital",
    "zjtx_sme.quality",
    "zjtx_sme.margin",
    "zjtx_sme.special",
    "zjtx_sme.ip",
    "zjtx_sme.institution",
)
SCALE = 10_000


def _version(as_of: date) -> str:
    found = zjtx_sme.PROGRAMME.version_for(as_of)
    if found is None:
        raise ValueError(f"{as_of} 没有生效的专精特新认定标准")
    return found.version


def build_columns(
    facts: Iterable[EnterpriseFacts], as_of: date, params: ParamSet
) -> dict[str, Column]:
    """Columns for :func:`evaluate_columns` (years 0 = Y−1, 1 = Y−2, 2 = Y−3)."""
    rows = list(facts)
    ctx = Ctx(params, as_of)
    year = as_of.year - 1
    cols: dict[str, Column] = {}
    for k in (0, 1, 2):
        for name in AMOUNTS:
            cols[f"{name}.{k}"] = Column.of(
                [scaled(f.amount(year - k, name)) for f in rows]
            )
    for name in ("staff_total", "rd_staff"):
        cols[name] = Column.of([f.figure(year, name) for f in rows], np.int32)  # type: ignore[misc]
    cols["niche_years"] = Column.of([f.niche_years for f in rows], np.int32)
    cols["platform"] = Column.of(
        [f.expert_points.get("zjtx_sme.platform_score") for f in rows], np.int32
    )
    coder = coded_2022 if _version(as_of) == "2022" else coded_2026
    ones = np.ones(len(rows), dtype=bool)
    coded = per_distinct(rows, CODED_FIELDS, lambda f: coder(f, ctx), title_kinds(ctx))
    for name in coded.values[0] if coded.values else {}:
        values = coded.column(lambda c, n=name: c[n], np.int16)  # type: ignore[misc]
        cols[name] = Column(values, ones)
    return cols


#: What the coded items, titles and routes read.
CODED_FIELDS: Fields = ("ip", "qualifications", "expert_points", "niche_years")


def coded_2022(facts: EnterpriseFacts, ctx: Ctx) -> dict[str, int]:
    """Points of CODED_ITEMS and the award and 创客中国 routes (2022)."""
    items = {i.id: i for i in zjtx_score.listed_items(facts, ctx)}
    out = {f"lo.{k}": items[k].low for k in CODED_ITEMS}
    out |= {f"hi.{k}": items[k].high for k in CODED_ITEMS}
    award, maker = zjtx_sme.titled_2022(facts, ctx)
    return out | {"status.award": _code(award), "status.maker": _code(maker)}


def coded_2026(facts: EnterpriseFacts, ctx: Ctx) -> dict[str, int]:
    """The titles and IP conditions (2026)."""
    titles = common.held_any(
        facts, ctx.texts("zjtx_sme.2026.base_titles"), ctx.as_of, None, 1
    )
    return {
        "status.2026.1": _code(titles),
        "status.2026.7": _code(zjtx_sme.ip_2026(facts, ctx).status),
    }


#: Every reduction the builder runs once per distinct value of its fields.
def title_kinds(ctx: Ctx) -> frozenset[str]:
    """The qualification kinds the coded items and routes read."""
    base = ("科技奖励", "创新创业大赛", *ctx.texts("rd_institution.kinds"))
    if _version(ctx.as_of) == "2026":
        return frozenset((*base, *ctx.texts("zjtx_sme.2026.base_titles")))
    return frozenset(base)


REDUCTIONS = {
    "coded_2022": (CODED_FIELDS, coded_2022, title_kinds),
    "coded_2026": (CODED_FIELDS, coded_2026, title_kinds),
}


def _code(status: Tri) -> int:
    return {Tri.NOT_MET: NOT_MET, Tri.UNKNOWN: UNKNOWN, Tri.MET: MET}[status]


def _rd_year(
    cols: Mapping[str, Column], k: int, amount_pid: str, share_pid: str, ctx: Ctx
) -> I8:
    rd, rev = cols[f"rd_expense.{k}"], cols[f"operating_revenue.{k}"]
    by_amount = tri_from(
        threshold_test(rd.values, ctx.threshold(amount_pid), SCALE), rd.known
    )
    by_share = tri_from(
        ratio_test(rd.values, rev.values, ctx.threshold(share_pid)),
        rd.known & rev.known,
    )
    return tri_and(by_amount, by_share)


def _two_year(cols: Mapping[str, Column], name: str) -> Column:
    a, b = cols[f"{name}.0"], cols[f"{name}.1"]
    return Column(a.values + b.values, a.known & b.known)


def _revenue_or_equity(
    cols: Mapping[str, Column], rev_pid: str, eq_pid: str, ctx: Ctx
) -> I8:
    rev, equity = cols["operating_revenue.0"], _two_year(cols, "equity_financing")
    by_rev = tri_from(
        threshold_test(rev.values, ctx.threshold(rev_pid), SCALE), rev.known
    )
    by_eq = tri_from(
        threshold_test(equity.values, ctx.threshold(eq_pid), SCALE), equity.known
    )
    return tri_or(by_rev, by_eq)


def _niche(cols: Mapping[str, Column], pid: str, ctx: Ctx) -> I8:
    col = cols["niche_years"]
    return tri_from(threshold_test(col.values, ctx.threshold(pid)), col.known)


def _growth(cols: Mapping[str, Column], ctx: Ctx) -> tuple[I64, I64]:
    table = ctx.bands("zjtx_sme.2022.growth_points")
    a, b, c = (cols[f"main_revenue.{k}"] for k in (2, 1, 0))
    idx = growth_index_three_fast(a.values, b.values, c.values, table)
    pts = band_values(table)[idx] * ((a.values > 0) & (b.values > 0))
    known = a.known & b.known & c.known
    return np.where(known, pts, 0), np.where(known, pts, int(band_values(table).max()))


def _score(cols: Mapping[str, Column], ctx: Ctx) -> tuple[I64, I64]:
    n = len(cols["niche_years"].values)
    unit = Column(np.full(n, SCALE, dtype=np.int64), np.ones(n, dtype=bool))
    rd, rev = cols["rd_expense.0"], cols["operating_revenue.0"]
    by_amount = ratio_range(rd, unit, ctx.bands("zjtx_sme.2022.rd_amount_points"))
    by_share = ratio_range(rd, rev, ctx.bands("zjtx_sme.2022.rd_share_points"))
    parts = [
        ratio_range(
            cols["main_revenue.0"], rev, ctx.bands("zjtx_sme.2022.main_share_points")
        ),
        _growth(cols, ctx),
        ratio_range(
            difference(cols["total_assets.0"], cols["net_assets.0"]),
            cols["total_assets.0"],
            ctx.bands("zjtx_sme.2022.debt_points"),
        ),
        (np.maximum(by_amount[0], by_share[0]), np.maximum(by_amount[1], by_share[1])),
        ratio_range(
            cols["rd_staff"],
            cols["staff_total"],
            ctx.bands("zjtx_sme.2022.rd_staff_points"),
        ),
        *((cols[f"lo.{k}"].values, cols[f"hi.{k}"].values) for k in CODED_ITEMS),
    ]
    return add_all([p[0] for p in parts]), add_all([p[1] for p in parts])


def _evaluate_2022(
    cols: Mapping[str, Column], ctx: Ctx
) -> tuple[dict[str, I8], I64, I64]:
    ctx.text("zjtx_sme.2022.score_sheet")
    ctx.use("zjtx_sme.2022.ip_points")
    low, high = _score(cols, ctx)
    need = ctx.threshold("zjtx_sme.2022.pass_score")
    by_score = (
        threshold_test(low, need).view(np.int8)
        + threshold_test(high, need).view(np.int8)
    ).astype(np.int8)
    rd2, eq2 = _two_year(cols, "rd_expense"), _two_year(cols, "equity_financing")
    routes = tri_or(
        by_score,
        cols["status.award"].values.astype(np.int8),
        tri_from(
            threshold_test(
                rd2.values, ctx.threshold("zjtx_sme.2022.rd_avg_direct"), SCALE
            ),
            rd2.known,
        ),
        tri_from(
            threshold_test(
                eq2.values, ctx.threshold("zjtx_sme.2022.equity_direct"), SCALE
            ),
            eq2.known,
        ),
        cols["status.maker"].values.astype(np.int8),
    )
    statuses = {
        "2022.1": _niche(cols, "zjtx_sme.2022.niche_years", ctx),
        "2022.2": _rd_year(
            cols, 0, "zjtx_sme.2022.rd_amount", "zjtx_sme.2022.rd_share", ctx
        ),
        "2022.3": _revenue_or_equity(
            cols, "zjtx_sme.2022.revenue_min", "zjtx_sme.2022.equity_min", ctx
        ),
        "2022.4": routes,
    }
    return statuses, low, high


def _ratio(num: Column, den: Column, pid: str, ctx: Ctx) -> I8:
    return tri_from(
        ratio_test(num.values, den.values, ctx.threshold(pid)), num.known & den.known
    )


def _evaluate_2026(cols: Mapping[str, Column], ctx: Ctx) -> dict[str, I8]:
    platform = cols["platform"]
    debt = difference(cols["total_assets.0"], cols["net_assets.0"])
    return {
        "2026.1": cols["status.2026.1"].values.astype(np.int8),
        "2026.2": _niche(cols, "zjtx_sme.2026.niche_years", ctx),
        "2026.3": _revenue_or_equity(
            cols, "zjtx_sme.2026.revenue_min", "zjtx_sme.2026.equity_min", ctx
        ),
        "2026.4": _ratio(
            cols["main_revenue.0"],
            cols["operating_revenue.0"],
            "zjtx_sme.2026.main_share",
            ctx,
        ),
        "2026.5": _ratio(debt, cols["total_assets.0"], "zjtx_sme.2026.debt_max", ctx),
        "2026.6": tri_and(
            *(
                _rd_year(
                    cols, k, "zjtx_sme.2026.rd_amount", "zjtx_sme.2026.rd_share", ctx
                )
                for k in (1, 0)
            )
        ),
        "2026.7": cols["status.2026.7"].values.astype(np.int8),
        "2026.8": tri_from(
            threshold_test(
                platform.values, ctx.threshold("zjtx_sme.2026.platform_score")
            ),
            platform.known,
        ),
    }


def evaluate_columns(
    cols: Mapping[str, Column], as_of: date, params: ParamSet
) -> BatchResult:
    """Evaluate the 专精特新 version in force on ``as_of`` for every row."""
    ctx = Ctx(params, as_of)
    n = len(cols["niche_years"].values)
    if _version(as_of) == "2022":
        statuses, low, high = _evaluate_2022(cols, ctx)
        scored = True
    else:
        ctx.use("zjtx_sme.2026.base_titles")
        statuses = _evaluate_2026(cols, ctx)
        low = high = np.zeros(n, dtype=np.int64)
        scored = False
    overall = tri_and(*statuses.values())
    return BatchResult(
        zjtx_sme.KEY,
        overall,
        np.zeros(n, np.int8),
        low,
        high,
        statuses,
        ctx.flags(),
        scored=scored,
    )


def column_kinds(as_of: date, params: ParamSet) -> dict[str, str]:
    """Name → kind of every input column (for synthetic benchmarks)."""
    kinds = {f"{n}.{k}": "amount" for n in AMOUNTS for k in (0, 1, 2)}
    kinds |= {
        "staff_total": "count",
        "rd_staff": "count",
        "niche_years": "small",
        "platform": "count",
    }
    if _version(as_of) == "2022":
        kinds |= {f"{p}.{k}": "small" for p in ("lo", "hi") for k in CODED_ITEMS}
        return kinds | {"status.award": "status", "status.maker": "status"}
    return kinds | {"status.2026.1": "status", "status.2026.7": "status"}
