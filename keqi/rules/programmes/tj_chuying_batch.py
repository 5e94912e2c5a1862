"""Columnar path for 天津雏鹰 (the version in force on ``as_of``).

The revenue condition is computed on columns; identity, credit and the
any-one-of list read lists and dates, so they become status codes while the
columns are built, by the scalar functions themselves: the list-based ones once
per distinct value of the fields they read (``REDUCTIONS``), the age once per
founding date.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

import numpy as np

from keqi.rules.batch import (
    BatchResult,
    Column,
    Fields,
    per_distinct,
    scaled,
    threshold_test,
    tri_and,
    tri_from,
)
from keqi.rules.context import Ctx
from keqi.rules.facts import EnterpriseFacts
from keqi.rules.numbers import Tri, tri
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


#: What the identity reads besides the age, and what the list-based
#: conditions read.
IDENTITY_FIELDS: Fields = ("registered_in_tianjin", "independent_legal_person")
LIST_FIELDS: Fields = ("ip", "qualifications", "credit_records")
AGE_FIELDS: Fields = ("founded_on",)


def age_status(facts: EnterpriseFacts, ctx: Ctx) -> Tri:
    """The age window of the version in force."""
    age = tj_chuying.age_2019 if _version(ctx.as_of) == "2019" else tj_chuying.age_2021
    return age(facts, ctx)[0]


AGES = (Tri.MET, Tri.UNKNOWN, Tri.NOT_MET)


def identity_status(facts: EnterpriseFacts, ctx: Ctx) -> tuple[Tri, ...]:
    """The identity condition for each possible age status (``AGES``); the
    age itself comes from :func:`age_status`."""
    spec = A19 if _version(ctx.as_of) == "2019" else A21
    return tuple(tj_chuying.basic_identity(facts, spec, a, "").status for a in AGES)


def listed_2019(facts: EnterpriseFacts, ctx: Ctx) -> tuple[Tri, ...]:
    """Credit, IP held and the any-one-of list (2019)."""
    counts = common.ip_counts(facts, ctx)
    return (
        tj_chuying.credit(facts, ctx, B19, "tj_chuying.2019.credit_kinds").status,
        tri(counts.any_valid >= 1),
        tj_chuying.any_route(E19, tj_chuying.options_2019(facts, ctx)).status,
    )


def listed_2021(facts: EnterpriseFacts, ctx: Ctx) -> tuple[Tri, ...]:
    """Credit and the any-one-of list (2021)."""
    return (
        tj_chuying.credit(facts, ctx, B21, "tj_chuying.2021.credit_kinds").status,
        tj_chuying.any_route(E21, tj_chuying.options_2021(facts, ctx)).status,
    )


def title_kinds(ctx: Ctx) -> frozenset[str]:
    """The qualification kinds the any-one-of lists of both versions read."""
    return frozenset(
        (
            *("高新技术企业", "软件企业证书", "软件产品证书", "创新创业大赛"),
            *("科技奖励", "主导制定标准", "参与制定标准", "创业投资", "科技计划项目"),
            *ctx.texts("rd_institution.kinds"),
        )
    )


CODED = {"2019": (A19.id, B19.id, D19.id, E19.id), "2021": (A21.id, B21.id, E21.id)}
#: Every reduction the builder runs once per distinct value of its fields.
REDUCTIONS = {
    "age": (AGE_FIELDS, age_status, None),
    "identity": (IDENTITY_FIELDS, identity_status, None),
    "listed_2019": (LIST_FIELDS, listed_2019, title_kinds),
    "listed_2021": (LIST_FIELDS, listed_2021, title_kinds),
}


def build_columns(
    facts: Iterable[EnterpriseFacts], as_of: date, params: ParamSet
) -> dict[str, Column]:
    """Columns for :func:`evaluate_columns`."""
    rows = list(facts)
    ctx = Ctx(params, as_of)
    version = _version(as_of)
    listed = listed_2019 if version == "2019" else listed_2021
    ages = per_distinct(rows, AGE_FIELDS, lambda f: age_status(f, ctx))
    who = per_distinct(rows, IDENTITY_FIELDS, lambda f: identity_status(f, ctx))
    found = per_distinct(rows, LIST_FIELDS, lambda f: listed(f, ctx), title_kinds(ctx))
    # the identity for each possible age, then the one of the row's age
    age_at = ages.column(AGES.index)
    by_age = np.stack([who.codes(lambda w, a=a: w[a]) for a in range(len(AGES))])  # type: ignore[misc]
    identity = by_age[age_at, np.arange(len(rows))]
    ones = np.ones(len(rows), dtype=bool)
    cids = CODED[version]
    cols = {"status." + cids[0]: Column(identity, ones)}
    for i, cid in enumerate(cids[1:]):
        cols["status." + cid] = Column(found.codes(lambda c, i=i: c[i]), ones)  # type: ignore[misc]
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
