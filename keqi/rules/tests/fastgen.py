"""A fast random enterprise generator for large equivalence runs.

Hypothesis drives the seed; plain ``random`` builds the enterprises so that a
run of 100 000 takes seconds.  Values cluster on every band edge of the shipped
parameters (exactly on, and one smallest unit either side).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from keqi.rules.facts import (
    AMOUNT_FIELDS,
    CreditFact,
    EnterpriseFacts,
    IPItem,
    QualificationFact,
    YearFigures,
)
from keqi.rules.params import default_params
from keqi.rules.tests.strategies import (
    CREDIT_KINDS,
    EXPERT_IDS,
    IP_CATEGORIES,
    LEVELS,
    QUAL_KINDS,
)

UNIT = Decimal("0.0001")


def edges() -> list[Fraction]:
    """Every finite band edge and threshold value in the shipped parameters."""
    found: set[Fraction] = set()
    for param in default_params():
        for version in param.versions:
            value = version.value
            if hasattr(value, "edges"):
                found.update(value.edges())
            elif hasattr(value, "op"):
                found.add(value.value)
    return sorted(found)


EDGES = edges()
RATIOS = [e for e in EDGES if 0 <= e <= 1]
AMOUNTS = [
    Decimal(e.numerator) / Decimal(e.denominator)
    for e in EDGES
    if e > 1 and e.denominator == 1
]


class Gen:
    """Random enterprises around the edges."""

    def __init__(self, seed: int, as_of: date) -> None:
        self.rng = random.Random(seed)
        self.as_of = as_of

    def pick(self, *options: object) -> object:
        return self.rng.choice(options)

    def amount(self, base: Decimal | None = None) -> Decimal:
        r = self.rng.random()
        nudge = self.rng.choice((-UNIT, Decimal(0), UNIT))
        if base is not None and r < 0.5:
            ratio = self.rng.choice(RATIOS)
            on = (base * ratio.numerator / ratio.denominator).quantize(UNIT)
            return max(on + nudge, Decimal(0))
        if r < 0.8:
            return max(self.rng.choice(AMOUNTS) + nudge, Decimal(0))
        return Decimal(self.rng.randrange(0, 4_000_000_000)) * UNIT

    def hole(self, value: object, p: float = 0.08) -> object:
        return None if self.rng.random() < p else value

    def year(self) -> YearFigures:
        total = self.rng.choice((0, 1, 10, 499, 500, 501, self.rng.randrange(0, 700)))
        ratio = self.rng.choice(RATIOS)
        tech = min(max(int(total * ratio) + self.rng.randrange(-1, 2), 0), total)
        sales = self.amount()
        base = {
            f: self.amount(self.rng.choice((sales, sales, None))) for f in AMOUNT_FIELDS
        }
        base["sales_revenue"] = sales
        base["rd_expense"] = self.amount(
            self.rng.choice((sales, base["total_cost"], base["operating_revenue"]))
        )
        base["rd_domestic"] = self.amount(base["rd_expense"])
        if self.rng.random() < 0.2:
            base["net_assets"] = -base["net_assets"]
        values = {k: self.hole(v) for k, v in base.items()}
        return YearFigures(
            staff_total=self.hole(total),
            tech_staff=self.hole(tech),  # type: ignore[arg-type]
            rd_staff=self.hole(tech),
            conversions=self.hole(self.rng.randrange(0, 18)),  # type: ignore[arg-type]
            **values,
        )  # type: ignore[arg-type]

    def day(self) -> date:
        return self.as_of + timedelta(days=self.rng.randrange(-3700, 60))

    def enterprise(self) -> EnterpriseFacts:
        rng = self.rng
        years = {
            self.as_of.year - k: self.year()
            for k in (1, 2, 3, 4)
            if rng.random() > 0.08
        }
        ip = tuple(
            IPItem(
                f"IP{i}",
                rng.choice(IP_CATEGORIES),
                self.hole(self.day(), 0.3),
                self.pick("自主研发", "受让", None),
                self.pick("有效", "有效", "失效"),
                self.pick(True, True, False, None),
            )  # type: ignore[arg-type]
            for i in range(rng.randrange(0, 8))
        )
        quals = tuple(
            QualificationFact(
                rng.choice(QUAL_KINDS),
                rng.choice(LEVELS),
                f"Q{i}",
                self.hole(self.day(), 0.2),
                self.hole(self.day(), 0.5),
                self.pick("1", "第三", "5", "一等奖", "优秀奖", None),  # type: ignore[arg-type]
                self.pick(None, Decimal(50), Decimal(100)),
            )  # type: ignore[arg-type]
            for i in range(rng.randrange(0, 4))
        )
        credit = tuple(
            CreditFact(rng.choice(CREDIT_KINDS), self.hole(self.day(), 0.2))  # type: ignore[arg-type]
            for _ in range(rng.choice((0, 0, 0, 1)))
        )
        experts = {k: rng.randrange(-1, 31) for k in EXPERT_IDS if rng.random() < 0.4}
        return EnterpriseFacts(
            uscc="91120224MA05000000",
            name="样本企业",
            founded_on=self.hole(self.day(), 0.1),  # type: ignore[arg-type]
            registered_in_tianjin=self.pick(True, True, True, False, None),  # type: ignore[arg-type]
            independent_legal_person=self.pick(True, True, False, None),  # type: ignore[arg-type]
            restricted_products=self.pick(False, False, False, True, None),  # type: ignore[arg-type]
            tech_field=self.pick("电子信息", "新材料", None, "其他"),  # type: ignore[arg-type]
            years=years,
            ip=ip,
            qualifications=quals,
            credit_records=credit,
            expert_points=experts,
            niche_years=self.pick(None, 0, 1, 2, 3, 5),  # type: ignore[arg-type]
            strategic_emerging=self.pick(None, True, False),  # type: ignore[arg-type]
        )


def many(seed: int, n: int, as_of: date) -> list[EnterpriseFacts]:
    """``n`` enterprises from ``seed``."""
    gen = Gen(seed, as_of)
    return [gen.enterprise() for _ in range(n)]
