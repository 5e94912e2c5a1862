"""Columnar path for 创新型中小企业; must agree with :mod:`.innovative_sme`.

The four ratio indicators and the equity route are computed on columns; the IP
and field indicators and the award/title/institution routes read lists, so the
scalar functions turn them into codes while the columns are built, once per
distinct value of the fields they read (``REDUCTIONS``).
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
    difference,
    per_distinct,
    ratio_range,
    scaled,
    threshold_test,
    tri_or,
)
from keqi.rules.context import Ctx
from keqi.rules.facts import EnterpriseFacts
from keqi.rules.numbers import Tri
from keqi.rules.params import ParamSet
from keqi.rules.programmes import innovative_sme as prog

FIGURES = (
    "rd_expense",
    "operating_revenue",
    "main_revenue",
    "total_assets",
    "net_assets",
)
CODED_ROUTES = ("direct.1", "direct.2", "direct.3")


def build_columns(
    facts: Iterable[EnterpriseFacts], as_of: date, params: ParamSet
) -> dict[str, Column]:
    """Columns for :func:`evaluate_columns`."""
    rows = list(facts)
    ctx = Ctx(params, as_of)
    year = as_of.year - 1
    cols = {
        f"{n}.0": Column.of([scaled(f.amount(year, n)) for f in rows]) for n in FIGURES
    }
    cols["main_revenue.1"] = Column.of(
        [scaled(f.amount(year - 1, "main_revenue")) for f in rows]
    )
    span = ctx.integer("innovative_sme.direct_years")
    for k in range(1, span + 1):
        cols[f"equity.{k}"] = Column.of(
            [scaled(f.amount(as_of.year - k, "equity_financing")) for f in rows]
        )
    found = per_distinct(
        rows, LISTED_FIELDS, lambda f: listed(f, ctx), title_kinds(ctx)
    )
    ones = np.ones(len(rows), dtype=bool)
    for idx, name in ((0, "ip"), (1, "field")):
        for side, prefix in ((0, "lo"), (1, "hi")):
            values = found.column(lambda f, s=side, i=idx: f[s][i], np.int16)  # type: ignore[misc]
            cols[f"{prefix}.{name}"] = Column(values, ones)
    for k, cid in enumerate(CODED_ROUTES):
        cols["status." + cid] = Column(found.codes(lambda f, k=k: f[2][k]), ones)  # type: ignore[misc]
    return cols


#: What the IP and field indicators and the titled routes read.
LISTED_FIELDS: Fields = (
    *("ip", "qualifications", "expert_points", "strategic_emerging"),
)
Listed = tuple[tuple[int, int], tuple[int, int], tuple[Tri, ...]]


def listed(facts: EnterpriseFacts, ctx: Ctx) -> Listed:
    """Low and high points of the IP and field indicators, and the statuses of
    the three titled routes."""
    ip, field = prog.ip_item(facts, ctx), prog.field_item(facts, ctx)
    routes = tuple(r.status for r in prog.titled_routes(facts, ctx))
    return (ip.low, field.low), (ip.high, field.high), routes


#: Every reduction the builder runs once per distinct value of its fields.
def title_kinds(ctx: Ctx) -> frozenset[str]:
    """The qualification kinds the titled routes read."""
    return frozenset(
        (
            "科技奖励",
            *ctx.texts("innovative_sme.direct_titles"),
            *ctx.texts("rd_institution.kinds"),
        )
    )


REDUCTIONS = {"listed": (LISTED_FIELDS, listed, title_kinds)}


def _need(low: I64, high: I64, pid: str, ctx: Ctx) -> I8:
    limit = ctx.threshold(pid)
    passed, failed = threshold_test(low, limit), ~threshold_test(high, limit)
    out: I8 = np.where(passed, MET, np.where(failed, NOT_MET, UNKNOWN)).astype(np.int8)
    return out


def _score(cols: Mapping[str, Column], ctx: Ctx) -> tuple[I64, I64, I8]:
    """Total range and the score-route status (total and group minimums)."""

    def col(name: str) -> Column:
        return cols[name]

    parts = {
        "innovative_sme.ip": (col("lo.ip").values, col("hi.ip").values),
        "innovative_sme.rd": ratio_range(
            col("rd_expense.0"),
            col("operating_revenue.0"),
            ctx.bands("innovative_sme.rd_points"),
        ),
        "innovative_sme.growth": ratio_range(
            difference(col("main_revenue.0"), col("main_revenue.1")),
            col("main_revenue.1"),
            ctx.bands("innovative_sme.growth_points"),
        ),
        "innovative_sme.debt": ratio_range(
            difference(col("total_assets.0"), col("net_assets.0")),
            col("total_assets.0"),
            ctx.bands("innovative_sme.debt_points"),
        ),
        "innovative_sme.field": (col("lo.field").values, col("hi.field").values),
        "innovative_sme.main_share": ratio_range(
            col("main_revenue.0"),
            col("operating_revenue.0"),
            ctx.bands("innovative_sme.main_share_points"),
        ),
    }
    low = add_all([p[0] for p in parts.values()])
    high = add_all([p[1] for p in parts.values()])
    status = _need(low, high, "innovative_sme.pass_total", ctx)
    for group, ids in prog.GROUPS.items():
        g_lo = add_all([parts[i][0] for i in ids])
        g_hi = add_all([parts[i][1] for i in ids])
        status = np.minimum(
            status, _need(g_lo, g_hi, f"innovative_sme.pass_{group}", ctx)
        )
    return low, high, status


def _equity(cols: Mapping[str, Column], ctx: Ctx) -> I8:
    span = ctx.integer("innovative_sme.direct_years")
    equity = [cols[f"equity.{k}"] for k in range(1, span + 1)]
    known_sum = add_all([c.values * c.known for c in equity])
    all_known = np.logical_and.reduce([c.known for c in equity])
    passed = threshold_test(
        known_sum, ctx.threshold("innovative_sme.equity_min"), 10_000
    )
    out: I8 = np.where(passed, MET, np.where(all_known, NOT_MET, UNKNOWN)).astype(
        np.int8
    )
    return out


def evaluate_columns(
    cols: Mapping[str, Column], as_of: date, params: ParamSet
) -> BatchResult:
    """Evaluate the 2022 standard for every row."""
    ctx = Ctx(params, as_of)
    low, high, score = _score(cols, ctx)
    statuses = {
        cid: cols["status." + cid].values.astype(np.int8) for cid in CODED_ROUTES
    }
    statuses["direct.4"] = _equity(cols, ctx)
    statuses["direct"] = tri_or(*statuses.values())
    statuses["score"] = score
    overall = tri_or(score, statuses["direct"])
    eligible = (overall == MET).view(np.int8)
    route = eligible + eligible * (statuses["direct"] == MET).view(np.int8)
    return BatchResult(prog.KEY, overall, route, low, high, statuses, ctx.flags())


def column_kinds(as_of: date, params: ParamSet) -> dict[str, str]:
    """Name → kind of every input column (for synthetic benchmarks)."""
    kinds = {f"{n}.0": "amount" for n in FIGURES} | {"main_revenue.1": "amount"}
    kinds |= {f"equity.{k}": "amount" for k in (1, 2, 3)}
    kinds |= {f"{p}.{n}": "small" for p in ("lo", "hi") for n in ("ip", "field")}
    return kinds | {"status." + cid: "status" for cid in CODED_ROUTES}
