"""Generated edge tests: for every band edge and threshold value of the shipped
parameters that a programme compares with data, build an enterprise just below,
exactly on and just above it, and check the programme's verdict against the
parameter table itself.  Programmes with a batch path are checked there too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from keqi.rules.batch_registry import BATCH_PROGRAMMES
from keqi.rules.context import Ctx
from keqi.rules.evaluate import evaluate_programme, programme_table
from keqi.rules.facts import EnterpriseFacts, IPItem, YearFigures
from keqi.rules.model import ProgrammeResult
from keqi.rules.numbers import BandTable, Threshold
from keqi.rules.params import default_params
from keqi.rules.tests.batch_check import assert_batch_equals_scalar

D = Decimal(10000)  # a denominator of 10 000 makes every percentage edge exact
UNIT = Decimal("0.0001")


def dec(x: Fraction) -> Decimal:
    """Exact Decimal of a Fraction whose denominator divides 10**4."""
    value = Decimal(x.numerator) / Decimal(x.denominator)
    assert Fraction(value) == x
    return value


def firm(year: int, **figures: Any) -> EnterpriseFacts:
    return EnterpriseFacts(
        uscc="91120224MA05EDGE00",
        name="边界",
        founded_on=date(2010, 1, 1),
        registered_in_tianjin=True,
        restricted_products=False,
        years={year: YearFigures(**figures)},
    )


@dataclass(frozen=True)
class Probe:
    """One compared quantity: how to build facts at value x and read the verdict."""

    pid: str
    key: str
    as_of: date
    step: Fraction
    make: Callable[[Fraction], EnterpriseFacts]
    read: Callable[[ProgrammeResult], object]
    ratio_den: Fraction = Fraction(1)


def item(pid: str) -> Callable[[ProgrammeResult], object]:
    def read(result: ProgrammeResult) -> object:
        found = [i for i in result.score_items if i.id == pid]
        return (found[0].low, found[0].high)

    return read


def status(cid: str) -> Callable[[ProgrammeResult], object]:
    return lambda result: result.condition(cid).status.value


T19, T23, T26 = date(2019, 6, 30), date(2023, 6, 30), date(2026, 6, 30)
PCT = Fraction(1, 10000)  # one part in 10 000 of the denominator
PROBES = [
    Probe(
        "tech_sme.staff_points",
        "tech_sme",
        T19,
        PCT,
        lambda x: firm(2018, staff_total=10000, tech_staff=int(x * 10000)),
        lambda r: (r.score_items[0].low, r.score_items[0].high),
    ),
    Probe(
        "tech_sme.rd_sales_points",
        "tech_sme",
        T19,
        Fraction(1, 10**8),
        lambda x: firm(2018, sales_revenue=D, rd_expense=dec(x * 10000)),
        lambda r: (r.score_items[1].low, r.score_items[1].low),
    ),
    Probe(
        "tech_sme.rd_cost_points",
        "tech_sme",
        T19,
        Fraction(1, 10**8),
        lambda x: firm(2018, total_cost=D, rd_expense=dec(x * 10000)),
        lambda r: (r.score_items[1].low, r.score_items[1].low),
    ),
    Probe(
        "tech_sme.staff_max",
        "tech_sme",
        T19,
        Fraction(1),
        lambda x: firm(2018, staff_total=int(x), sales_revenue=D, total_assets=D),
        status("6.2"),
    ),
    Probe(
        "tech_sme.sales_max",
        "tech_sme",
        T19,
        Fraction(1, 10000),
        lambda x: firm(2018, staff_total=10, sales_revenue=dec(x), total_assets=D),
        status("6.2"),
    ),
    Probe(
        "tech_sme.assets_max",
        "tech_sme",
        T19,
        Fraction(1, 10000),
        lambda x: firm(2018, staff_total=10, sales_revenue=D, total_assets=dec(x)),
        status("6.2"),
    ),
    Probe(
        "high_tech.staff_ratio",
        "high_tech",
        T19,
        PCT,
        lambda x: firm(2018, staff_total=10000, tech_staff=int(x * 10000)),
        status("11.4"),
    ),
    Probe(
        "high_tech.product_share",
        "high_tech",
        T19,
        Fraction(1, 10**8),
        lambda x: firm(2018, total_revenue=D, high_tech_revenue=dec(x * 10000)),
        status("11.6"),
    ),
    Probe(
        "innovative_sme.rd_points",
        "innovative_sme",
        T23,
        Fraction(1, 10**8),
        lambda x: firm(2022, operating_revenue=D, rd_expense=dec(x * 10000)),
        item("innovative_sme.rd"),
    ),
    Probe(
        "innovative_sme.main_share_points",
        "innovative_sme",
        T23,
        Fraction(1, 10**8),
        lambda x: firm(2022, operating_revenue=D, main_revenue=dec(x * 10000)),
        item("innovative_sme.main_share"),
    ),
    Probe(
        "innovative_sme.debt_points",
        "innovative_sme",
        T23,
        Fraction(1, 10**8),
        lambda x: firm(2022, total_assets=D, net_assets=dec((1 - x) * 10000)),
        item("innovative_sme.debt"),
    ),
    Probe(
        "zjtx_sme.2022.main_share_points",
        "zjtx_sme",
        T23,
        Fraction(1, 10**8),
        lambda x: firm(2022, operating_revenue=D, main_revenue=dec(x * 10000)),
        item("zjtx_sme.main_share"),
    ),
    Probe(
        "zjtx_sme.2022.debt_points",
        "zjtx_sme",
        T23,
        Fraction(1, 10**8),
        lambda x: firm(2022, total_assets=D, net_assets=dec((1 - x) * 10000)),
        item("zjtx_sme.debt"),
    ),
    Probe(
        "zjtx_sme.2022.rd_staff_points",
        "zjtx_sme",
        T23,
        PCT,
        lambda x: firm(2022, staff_total=10000, rd_staff=int(x * 10000)),
        item("zjtx_sme.rd_staff"),
    ),
    Probe(
        "zjtx_sme.2022.rd_amount_points",
        "zjtx_sme",
        T23,
        Fraction(1, 10000),
        lambda x: firm(2022, rd_expense=dec(x), operating_revenue=Decimal(10**9)),
        item("zjtx_sme.rd"),
    ),
    Probe(
        "zjtx_sme.2022.revenue_min",
        "zjtx_sme",
        T23,
        Fraction(1, 10000),
        lambda x: EnterpriseFacts(
            uscc="x",
            name="x",
            years={
                2021: YearFigures(equity_financing=Decimal(0)),
                2022: YearFigures(
                    operating_revenue=dec(x), equity_financing=Decimal(0)
                ),
            },
        ),
        status("2022.3"),
    ),
    Probe(
        "zjtx_sme.2026.main_share",
        "zjtx_sme",
        T26,
        Fraction(1, 10**8),
        lambda x: firm(2025, operating_revenue=D, main_revenue=dec(x * 10000)),
        status("2026.4"),
    ),
    Probe(
        "zjtx_sme.2026.debt_max",
        "zjtx_sme",
        T26,
        Fraction(1, 10**8),
        lambda x: firm(2025, total_assets=D, net_assets=dec((1 - x) * 10000)),
        status("2026.5"),
    ),
    Probe(
        "tj_chuying.2019.revenue_max",
        "tj_chuying",
        T19,
        Fraction(1, 10000),
        lambda x: firm(2018, operating_revenue=dec(x)),
        status("2019.3"),
    ),
    Probe(
        "tj_chuying.2021.revenue_min",
        "tj_chuying",
        date(2022, 3, 1),
        Fraction(1, 10000),
        lambda x: firm(2021, operating_revenue=dec(x)),
        status("2021.3"),
    ),
]


def with_ip(n: int, category: str) -> EnterpriseFacts:
    base = firm(2018)
    items = tuple(IPItem(f"I{i}", category, related_to_main=True) for i in range(n))
    return EnterpriseFacts(**{**base.__dict__, "ip": items})


PROBES += [
    Probe(
        "tech_sme.ip_class_ii_points",
        "tech_sme",
        T19,
        Fraction(1),
        lambda x: with_ip(int(x), "实用新型专利"),
        lambda r: (r.score_items[2].low,) * 2,
    ),
    Probe(
        "high_tech.ip_quantity_class_ii",
        "high_tech",
        T19,
        Fraction(1),
        lambda x: with_ip(int(x), "软件著作权"),
        item("high_tech.ip_quantity"),
    ),
    Probe(
        "high_tech.registered_min_days",
        "high_tech",
        T19,
        Fraction(1),
        lambda x: EnterpriseFacts(
            uscc="x", name="x", founded_on=T19 - timedelta(days=int(x))
        ),
        status("11.1"),
    ),
    Probe(
        "high_tech.conversion_points",
        "high_tech",
        T19,
        Fraction(1),
        lambda x: EnterpriseFacts(
            uscc="x",
            name="x",
            founded_on=date(2018, 1, 1),
            years={2018: YearFigures(conversions=int(x))},
        ),
        item("high_tech.conversion"),
    ),
    Probe(
        "high_tech.growth_points",
        "high_tech",
        T19,
        Fraction(1, 10**8),
        lambda x: EnterpriseFacts(
            uscc="x",
            name="x",
            founded_on=date(2017, 1, 1),
            years={
                2017: YearFigures(sales_revenue=D),
                2018: YearFigures(sales_revenue=dec((1 + x) * 10000)),
            },
        ),
        item("high_tech.sales_growth"),
    ),
]


def expected(value: object, x: Fraction) -> object:
    """What the parameter table itself says about x."""
    if isinstance(value, Threshold):
        return "met" if value.test(x) else "not_met"
    assert isinstance(value, BandTable)
    points = value.find(x).value
    return points if isinstance(points, tuple) else (points, points)


def cases() -> list[Any]:
    out = []
    for probe in PROBES:
        ctx = Ctx(default_params(), probe.as_of)
        value = ctx.params.value(probe.pid, probe.as_of)
        edges = value.edges() if isinstance(value, BandTable) else (value.value,)  # type: ignore[attr-defined]
        for edge in edges:
            for where, x in (
                ("below", edge - probe.step),
                ("on", edge),
                ("above", edge + probe.step),
            ):
                if x >= 0:
                    out.append(pytest.param(probe, x, id=f"{probe.pid}-{edge}-{where}"))
    return out


@pytest.mark.parametrize(("probe", "x"), cases())
def test_programme_follows_its_parameter_at_every_edge(
    probe: Probe, x: Fraction
) -> None:
    facts = probe.make(x)
    programme = programme_table()[probe.key]
    result = evaluate_programme(facts, programme, as_of=probe.as_of)
    assert result is not None
    value = default_params().value(probe.pid, probe.as_of)
    got = probe.read(result)
    want = expected(value, x)
    assert got == want, (probe.pid, x, result.explanation)
    if probe.key in BATCH_PROGRAMMES:
        assert_batch_equals_scalar(probe.key, [facts], probe.as_of)
