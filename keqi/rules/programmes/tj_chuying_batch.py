"""Columnar path for 天津雏鹰 (the version in force on ``as_of``).

The revenue condition is computed on columns; identity, credit and the
any-one-of list read lists and dates, so they become status codes while the
columns are built, by the scalar functions themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

import numpy as np

from keqi.rules.batch import (
    BatchResult,
    Column,
    scaled,
    threshold_test,
    tri_and,
    tri_codes,
    tri_from,
)
from keqi.rules.context import Ctx
from keqi.rules.facts import EnterpriseFacts
from keqi.rules.numbers import tri
from keqi.rules.params import ParamSet
from keqi.rules.programmes import common, tj_chuying
from keqi.rules.programmes.tj_chuying import A19, A21, B19, B21, C19, C21, D19, E19, E21

#: Parameters the scalar path reads through list-based conditions.
USED = {
    "2019": (
        "tj_chuying.2019.age_min_years",
        "tj_chuying.2019.age_max_years",
        "tj_chuying.2019.credit_kinds",
        "tj_chuying.recent_years",
        "tj_chuying.2019.class_ii_min",
    ),
    "2021": (
        "tj_chuying.2021.age_max_years",
        "tj_chuying.2021.credit_kinds",
        "tj_chuying.2021.class_ii_min",
        "tj_chuying.2021.venture_min",
    ),
}
REVENUE = {
    "2019": (C19.id, "tj_chuying.2019.revenue_max"),
    "2021": (C21.id, "tj_chuying.2021.revenue_min"),
}


def _version(as_of: date) -> str:
    found = tj_chuying.PROGRAMME.version_for(as_of)
    if found is None:
        raise ValueError(f"{as_of} 没有生效的雏鹰评价办法")
    return found.version


def _coded_2019(facts: EnterpriseFacts, ctx: Ctx) -> list[object]:
    age, text = tj_chuying.age_2019(facts, ctx)
    counts = common.ip_counts(facts, ctx)
    return [
        tj_chuying.basic_identity(facts, A19, age, text).status,
        tj_chuying.credit(facts, ctx, B19, "tj_chuying.2019.credit_kinds").status,
        tri(counts.any_valid >= 1),
        tj_chuying.any_route(E19, tj_chuying.options_2019(facts, ctx)).status,
    ]


def _coded_2021(facts: EnterpriseFacts, ctx: Ctx) -> list[object]:
    age, text = tj_chuying.age_2021(facts, ctx)
    return [
        tj_chuying.basic_identity(facts, A21, age, text).status,
        tj_chuying.credit(facts, ctx, B21, "tj_chuying.2021.credit_kinds").status,
        tj_chuying.any_route(E21, tj_chuying.options_2021(facts, ctx)).status,
    ]


CODED = {"2019": (A19.id, B19.id, D19.id, E19.id), "2021": (A21.id, B21.id, E21.id)}


def build_columns(
    facts: Iterable[EnterpriseFacts], as_of: date, params: ParamSet
) -> dict[str, Column]:
    """Columns for :func:`evaluate_columns`."""
    rows = list(facts)
    ctx = Ctx(params, as_of)
    version = _version(as_of)
    coder = _coded_2019 if version == "2019" else _coded_2021
    codes = [coder(f, ctx) for f in rows]
    ones = np.ones(len(rows), dtype=bool)
    cols = {
        "status." + cid: Column(tri_codes([c[i] for c in codes]), ones)  # type: ignore[misc]
        for i, cid in enumerate(CODED[version])
    }
    cols["operating_revenue"] = Column.of(
        [scaled(f.amount(as_of.year - 1, "operating_revenue")) for f in rows]
    )
    return cols


def evaluate_columns(
    cols: Mapping[str, Column], as_of: date, params: ParamSet
) -> BatchResult:
    """Evaluate the 雏鹰 version in force on ``as_of`` for every row."""
    ctx = Ctx(params, as_of)
    version = _version(as_of)
    coded = {
        cid: cols["status." + cid].values.astype(np.int8) for cid in CODED[version]
    }
    cid, pid = REVENUE[version]
    revenue = cols["operating_revenue"]
    coded[cid] = tri_from(
        threshold_test(revenue.values, ctx.threshold(pid), 10_000), revenue.known
    )
    for pid in USED[version]:
        ctx.use(pid)
    overall = tri_and(*coded.values())
    zero = np.zeros(len(overall), dtype=np.int64)
    return BatchResult(
        tj_chuying.KEY,
        overall,
        np.zeros(len(overall), np.int8),
        zero,
        zero,
        coded,
        ctx.flags(),
        scored=False,
    )


def column_kinds(as_of: date, params: ParamSet) -> dict[str, str]:
    """Name → kind of every input column (for synthetic benchmarks)."""
    kinds = {"status." + cid: "status" for cid in CODED[_version(as_of)]}
    return kinds | {"operating_revenue": "amount"}
