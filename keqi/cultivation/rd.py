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
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import (
    Count,
    F,
    FilteredRelation,
    Q,
    QuerySet,
    Value,
)

from keqi.accounts.industries import key_industries_for
from keqi.accounts.models import Area
from keqi.accounts.scopes import enterprise_q
from keqi.core.micro import Micro, MicroSum
from keqi.cultivation.paging import SlicedRows
from keqi.registry.models import Enterprise

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


#: Amounts are summed and compared as whole millionths of a 万元 (the registry
#: keeps six decimals), so SQLite's floating-point SUM never rounds a total
#: (keqi.core.micro: `Micro` amounts, `MicroSum` totals; on PostgreSQL only
#: the totals are converted).


def _from_micro(value: int | None) -> Decimal:
    return Decimal(value or 0).scaleb(-6)


#: What each list (and count) of the monitor takes, as conditions on the
#: enterprise's figures this year (rd, sales, dom) and last year (prev).
REPORTING = Q(rd__isnull=False)
ANY_FIGURES = Q(this__id__isnull=False) | Q(last__id__isnull=False)
LISTS: dict[str, Q] = {
    "all": ANY_FIGURES,
    "reporting": REPORTING,
    "with_rd": Q(rd__gt=0),
    "intensity": REPORTING & Q(sales__gt=0),
    "both": REPORTING & Q(prev__isnull=False),
    "fell": Q(rd__lt=F("prev")),
    "flagged": Q(rd__gt=F("prev") * JUMP_FACTOR, prev__gt=0)
    | Q(rd__gt=F("sales"))
    | Q(dom__gt=F("rd")),
}


@dataclass
class RdGroup:
    """Totals for a set of enterprises (an area, an industry or the whole scope);
    every figure is a count or an exact sum, so groups add up."""

    label: str
    key: str
    present: int = 0
    reporting: int = 0
    with_rd: int = 0
    rd_sum: int = 0
    basis: int = 0
    basis_rd: int = 0
    basis_sales: int = 0
    both: int = 0
    prev_sum: int = 0
    cur_sum: int = 0
    fell: int = 0
    flagged: int = 0

    def add(self, other: RdGroup) -> None:
        for name in COUNTED:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def rd_total(self) -> Decimal:
        return _from_micro(self.rd_sum)

    @property
    def intensity_pct(self) -> Decimal | None:
        if not self.basis:
            return None
        return percent(_from_micro(self.basis_rd), _from_micro(self.basis_sales))

    @property
    def share_pct(self) -> Decimal | None:
        return percent(self.with_rd, self.reporting)

    @property
    def yoy(self) -> tuple[Decimal, Decimal, Decimal | None]:
        """(last year, this year, change %) over enterprises reporting both years."""
        prev, cur = _from_micro(self.prev_sum), _from_micro(self.cur_sum)
        return prev, cur, percent(cur - prev, prev)


COUNTED = (
    "present",
    "reporting",
    "with_rd",
    "rd_sum",
    "basis",
    "basis_rd",
    "basis_sales",
    "both",
    "prev_sum",
    "cur_sum",
    "fell",
    "flagged",
)
NO_INDUSTRY = "未填"


def _industry_value(label: str) -> str:
    return "" if label == NO_INDUSTRY else label


def _figures(
    user: object, year: int, area_id: int | None, industry: str, district: Any = None
) -> QuerySet[Enterprise]:
    """Enterprises in scope (and filters) with this and last year's figures
    joined, amounts as millionths: rd, sales, dom (this year), prev (last year)."""
    enterprises = Enterprise.objects.filter(enterprise_q(user))
    if district is not None:
        enterprises = enterprises.filter(area__district=district)
    if area_id is not None:
        enterprises = enterprises.filter(area_id=area_id)
    if industry:
        enterprises = enterprises.filter(key_industry=_industry_value(industry))
    return enterprises.annotate(
        this=FilteredRelation("figures", condition=Q(figures__year=year)),
        last=FilteredRelation("figures", condition=Q(figures__year=year - 1)),
        rd=Micro("this__rd_expense"),
        sales=Micro("this__sales_revenue"),
        dom=Micro("this__rd_domestic"),
        prev=Micro("last__rd_expense"),
    )


def _aggregates() -> dict[str, Any]:
    both = LISTS["both"]
    basis = LISTS["intensity"]
    return {
        "present": Count("pk", filter=ANY_FIGURES),
        "reporting": Count("pk", filter=REPORTING),
        "with_rd": Count("pk", filter=LISTS["with_rd"]),
        "rd_sum": MicroSum("rd"),
        "basis": Count("pk", filter=basis),
        "basis_rd": MicroSum("rd", filter=basis),
        "basis_sales": MicroSum("sales", filter=basis),
        "both": Count("pk", filter=both),
        "prev_sum": MicroSum("prev", filter=both),
        "cur_sum": MicroSum("rd", filter=both),
        "fell": Count("pk", filter=LISTS["fell"]),
        "flagged": Count("pk", filter=LISTS["flagged"]),
    }


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
    city's drill-down), area and industry: one GROUP BY (area, industry) in the
    database, added up here; areas and industries without figures in either year
    are left out."""
    rows = (
        _figures(user, year, area_id, industry, district)
        # `+ 0`: SQLite would otherwise walk the table in area-index order.
        .annotate(area_no=F("area_id") + Value(0))
        .values("area_no", "key_industry")
        .annotate(**_aggregates())
        .values_list("area_no", "key_industry", *COUNTED)
    )
    areas = {a.pk: a for a in Area.objects.all()}
    by_area: dict[int, RdGroup] = {}
    by_industry: dict[str, RdGroup] = {}
    total = RdGroup("合计", "")
    for area, key_industry, *figures in rows:
        part = RdGroup("", "", *(value or 0 for value in figures))
        if not part.present:
            continue
        label = key_industry or NO_INDUSTRY
        by_area.setdefault(area, RdGroup(areas[area].name, str(area))).add(part)
        by_industry.setdefault(label, RdGroup(label, label)).add(part)
        total.add(part)
    order = {value: i for i, value in enumerate(key_industries_for(user))}
    return RdReport(
        year,
        total,
        [
            by_area[pk]
            for pk in sorted(by_area, key=lambda pk: (areas[pk].sort, areas[pk].code))
        ],
        sorted(
            by_industry.values(),
            key=lambda g: (g.key == NO_INDUSTRY, order.get(g.key, len(order))),
        ),
    )


class RdRows(SlicedRows[EnterpriseRd]):
    """The enterprises behind one number, by name: counted in the database, made
    into rows only for the slice read (a page) or in chunks (the download)."""

    def __init__(self, query: QuerySet[Enterprise], year: int) -> None:
        self.query = query.select_related("area").order_by("name", "pk")
        self.year = year
        self._count: int | None = None

    def __len__(self) -> int:
        if self._count is None:
            self._count = self.query.count()
        return self._count

    def rows(self, start: int, stop: int) -> list[EnterpriseRd]:
        fields = ("this__rd_expense", "this__sales_revenue", "last__rd_expense")
        values = {f: f.replace("__", "_") for f in (*fields, "this__rd_domestic")}
        found = self.query.annotate(**{v: F(f) for f, v in values.items()})
        return [_row(e) for e in found[start:stop]]


def _row(e: Any) -> EnterpriseRd:
    row = EnterpriseRd(
        e,
        _decimal(e.this_rd_expense),
        _decimal(e.this_sales_revenue),
        _decimal(e.last_rd_expense),
        _decimal(e.this_rd_domestic),
    )
    return replace(row, flags=tuple(f.code for f in FLAG_RULES if f.test(row)))


def _decimal(value: Any) -> Decimal | None:
    """A figure as read (the field's exact Decimal), None when blank."""
    return None if value is None else Decimal(value)


def rd_enterprises(
    user: object,
    year: int,
    area_id: int | None,
    industry: str,
    show: str,
    district: Any = None,
) -> RdRows:
    """The enterprises behind one number of the monitor (`show`, a key of LISTS)."""
    found = _figures(user, year, area_id, industry, district).filter(LISTS[show])
    return RdRows(found, year)


def default_year(today: dt.date) -> int:
    """The last full year: figures for a year are filed the following spring."""
    return today.year - 1
