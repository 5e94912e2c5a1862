"""R&D investment monitoring (研发投入监测) for a year, by area and by 重点产业.

Amounts are the registry's exact 万元 decimals; a blank is unknown and is left
out, never read as 0. Ratios are kept as exact fractions and rounded only for
display (half up, two decimals of a percentage).

- 研发费用合计: sum of rd_expense over enterprises that reported it that year;
- 研发投入强度: Σ rd_expense / Σ sales_revenue over enterprises with both known
  and sales above 0;
- 有研发投入企业占比: enterprises with rd_expense > 0 among those reporting it;
- 同比: Σ rd_expense this year against last year, over the enterprises that
  reported it in both years (same basis), and the enterprises whose R&D fell.
Scope follows the enterprise's current area.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from typing import Any

from keqi.accounts.models import Area
from keqi.accounts.scopes import enterprise_q
from keqi.registry.models import AnnualFigures, Enterprise

ZERO = Decimal(0)


def percent(numerator: Decimal | int, denominator: Decimal | int) -> Decimal | None:
    """numerator / denominator as a percentage, rounded half up to 2 decimals, exactly."""
    if not denominator:
        return None
    hundredths = Fraction(numerator) * 10000 / Fraction(denominator)
    sign = -1 if hundredths < 0 else 1
    rounded = int(abs(hundredths) + Fraction(1, 2))  # floor(|x| + ½): half up
    return Decimal(sign * rounded).scaleb(-2)


@dataclass(frozen=True)
class EnterpriseRd:
    """One enterprise's R&D figures for the year and the year before."""

    enterprise: Enterprise
    rd: Decimal | None
    sales: Decimal | None
    rd_prev: Decimal | None
    rd_domestic: Decimal | None = None
    flags: tuple[str, ...] = ()

    @property
    def change_pct(self) -> Decimal | None:
        if self.rd is None or self.rd_prev is None:
            return None
        return percent(self.rd - self.rd_prev, self.rd_prev)

    @property
    def intensity_pct(self) -> Decimal | None:
        if self.rd is None or self.sales is None or self.sales <= 0:
            return None
        return percent(self.rd, self.sales)

    @property
    def fell(self) -> bool:
        return (
            self.rd is not None and self.rd_prev is not None and self.rd < self.rd_prev
        )

    @property
    def flag_names(self) -> str:
        """The flags in Chinese, for pages and exports."""
        return "、".join(FLAG_LABELS[c] for c in self.flags)


@dataclass(frozen=True)
class FlagRule:
    """A variance check; `rule` is shown on the page next to the flag."""

    code: str
    label: str
    rule: str
    test: Callable[[EnterpriseRd], bool]


JUMP_FACTOR = 4  # up more than 300% means this year > last year × 4


def _jumped(r: EnterpriseRd) -> bool:
    if r.rd is None or r.rd_prev is None or r.rd_prev <= 0:
        return False
    return r.rd > r.rd_prev * JUMP_FACTOR


FLAG_RULES: tuple[FlagRule, ...] = (
    FlagRule(
        "jump",
        "研发费用激增",
        f"本年研发费用较上年增长超过300%（本年 > 上年 × {JUMP_FACTOR}，且上年 > 0）",
        _jumped,
    ),
    FlagRule(
        "above_sales",
        "研发费用超过销售收入",
        "本年研发费用 > 本年销售收入（两者均已填报）",
        lambda r: r.rd is not None and r.sales is not None and r.rd > r.sales,
    ),
    FlagRule(
        "domestic",
        "境内研发费用超过研发费用总额",
        "其中：境内研发费用 > 研发费用总额（两者均已填报）",
        lambda r: (
            r.rd is not None and r.rd_domestic is not None and r.rd_domestic > r.rd
        ),
    ),
)
FLAG_LABELS = {f.code: f.label for f in FLAG_RULES}


@dataclass
class RdGroup:
    """Totals for a set of enterprises (an area, an industry or the whole scope)."""

    label: str
    key: str
    rows: list[EnterpriseRd] = field(default_factory=list)

    @cached_property
    def reporting(self) -> list[EnterpriseRd]:
        return [r for r in self.rows if r.rd is not None]

    @cached_property
    def with_rd(self) -> list[EnterpriseRd]:
        return [r for r in self.reporting if r.rd and r.rd > 0]

    @cached_property
    def rd_total(self) -> Decimal:
        return sum((r.rd for r in self.reporting if r.rd is not None), ZERO)

    @cached_property
    def intensity_basis(self) -> list[EnterpriseRd]:
        return [r for r in self.reporting if r.sales is not None and r.sales > 0]

    @cached_property
    def intensity_pct(self) -> Decimal | None:
        basis = self.intensity_basis
        rd = sum((r.rd for r in basis if r.rd is not None), ZERO)
        sales = sum((r.sales for r in basis if r.sales is not None), ZERO)
        return percent(rd, sales) if basis else None

    @cached_property
    def share_pct(self) -> Decimal | None:
        return percent(len(self.with_rd), len(self.reporting))

    @cached_property
    def both_years(self) -> list[EnterpriseRd]:
        return [r for r in self.reporting if r.rd_prev is not None]

    @cached_property
    def yoy(self) -> tuple[Decimal, Decimal, Decimal | None]:
        """(last year, this year, change %) over enterprises reporting both years."""
        both = self.both_years
        prev = sum((r.rd_prev for r in both if r.rd_prev is not None), ZERO)
        cur = sum((r.rd for r in both if r.rd is not None), ZERO)
        return prev, cur, percent(cur - prev, prev)

    @cached_property
    def fell(self) -> list[EnterpriseRd]:
        return [r for r in self.rows if r.fell]

    @cached_property
    def flagged(self) -> list[EnterpriseRd]:
        return [r for r in self.rows if r.flags]


NO_INDUSTRY = "未填"
_FIELDS = ("name", "uscc", "key_industry", "area_id")


def rd_rows(
    user: object,
    year: int,
    area_id: int | None = None,
    industry: str = "",
    district: Any = None,
) -> list[EnterpriseRd]:
    """Every enterprise in scope with figures for `year` or the year before.

    Three queries (areas, enterprises, figures as plain values), whatever the size.
    """
    enterprises = Enterprise.objects.filter(enterprise_q(user)).only(*_FIELDS)
    if district is not None:
        enterprises = enterprises.filter(area__district=district)
    if area_id is not None:
        enterprises = enterprises.filter(area_id=area_id)
    if industry:
        enterprises = enterprises.filter(key_industry=_industry_value(industry))
    figures = AnnualFigures.objects.filter(
        enterprise__in=enterprises, year__in=(year, year - 1)
    ).values_list("enterprise_id", "year", "rd_expense", "sales_revenue", "rd_domestic")
    by_pk: dict[int, dict[int, tuple[Any, ...]]] = {}
    for pk, fy, *values in figures:
        by_pk.setdefault(pk, {})[fy] = tuple(values)
    areas = {a.pk: a for a in Area.objects.all()}
    rows = []
    for e in (
        enterprises.filter(pk__in=list(by_pk)) if len(by_pk) < 500 else enterprises
    ):
        if e.pk in by_pk:
            e.area = areas[e.area_id]
            rows.append(_row(e, by_pk[e.pk], year))
    return sorted(rows, key=lambda r: (r.enterprise.name, r.enterprise.pk))


def _industry_value(label: str) -> str:
    return "" if label == NO_INDUSTRY else label


def _row(
    enterprise: Enterprise, years: dict[int, tuple[Any, ...]], year: int
) -> EnterpriseRd:
    rd, sales, domestic = years.get(year, (None, None, None))
    rd_prev = years.get(year - 1, (None,))[0]
    row = EnterpriseRd(enterprise, rd, sales, rd_prev, domestic)
    flags = tuple(f.code for f in FLAG_RULES if f.test(row))
    return replace(row, flags=flags)


def group_by(
    rows: Iterable[EnterpriseRd], key: Callable[[Enterprise], tuple[str, str]]
) -> list[RdGroup]:
    """Rows grouped by (key, label) of their enterprise, in first-seen order of key."""
    groups: dict[str, RdGroup] = {}
    for r in rows:
        k, label = key(r.enterprise)
        groups.setdefault(k, RdGroup(label, k)).rows.append(r)
    return list(groups.values())


def by_area(e: Enterprise) -> tuple[str, str]:
    return str(e.area_id), e.area.name


def by_industry(e: Enterprise) -> tuple[str, str]:
    label = e.key_industry or NO_INDUSTRY
    return label, label


@dataclass(frozen=True)
class RdReport:
    """The monitor for one year: the whole scope, and the same split two ways."""

    year: int
    total: RdGroup
    areas: list[RdGroup]
    industries: list[RdGroup]


def rd_report(
    user: object,
    year: int,
    area_id: int | None = None,
    industry: str = "",
    district: Any = None,
) -> RdReport:
    """R&D monitoring for `year` in the user's scope, filtered by district (the
    city's drill-down), area and industry."""
    rows = rd_rows(user, year, area_id, industry, district)
    area_groups = sorted(
        group_by(rows, by_area),
        key=lambda g: (g.rows[0].enterprise.area.sort, g.rows[0].enterprise.area.code),
    )
    industries = sorted(group_by(rows, by_industry), key=lambda g: g.key == NO_INDUSTRY)
    return RdReport(year, RdGroup("合计", "", rows), area_groups, industries)


def default_year(today: dt.date) -> int:
    """The last full year: figures for a year are filed the following spring."""
    return today.year - 1
