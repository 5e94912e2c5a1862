"""Plain, immutable input facts for the rules engine.

The Django registry and the workbook reader both build these; nothing here knows
about either. Amounts are ``Decimal`` in 万元, counts are ``int``; ``None`` always
means "unknown", never zero.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Any

#: 年度数据 fields holding a head count (人).
COUNT_FIELDS: tuple[str, ...] = ("staff_total", "tech_staff", "rd_staff")
#: 年度数据 fields holding an amount in 万元.
AMOUNT_FIELDS: tuple[str, ...] = (
    "sales_revenue",
    "operating_revenue",
    "main_revenue",
    "total_revenue",
    "high_tech_revenue",
    "rd_expense",
    "rd_domestic",
    "total_cost",
    "total_assets",
    "net_assets",
    "profit_total",
    "tax_total",
    "equity_financing",
)

#: Chinese label of every yearly field, used in explanations and gaps.
FIELD_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "staff_total": "职工总数",
        "tech_staff": "科技人员数",
        "rd_staff": "研发人员数",
        "sales_revenue": "销售收入",
        "operating_revenue": "营业收入",
        "main_revenue": "主营业务收入",
        "total_revenue": "总收入",
        "high_tech_revenue": "高新技术产品（服务）收入",
        "rd_expense": "研发费用总额",
        "rd_domestic": "境内研发费用",
        "total_cost": "成本费用支出总额",
        "total_assets": "资产总额",
        "net_assets": "净资产",
        "profit_total": "利润总额",
        "tax_total": "纳税总额",
        "equity_financing": "股权融资额",
        "conversions": "科技成果转化数",
    }
)

FIELD_UNITS: Mapping[str, str] = MappingProxyType(
    {**{f: "人" for f in COUNT_FIELDS}, **{f: "万元" for f in AMOUNT_FIELDS}}
    | {"conversions": "项"}
)


@dataclass(frozen=True)
class YearFigures:
    """One accounting year of the 年度数据 sheet (amounts in 万元)."""

    staff_total: int | None = None
    tech_staff: int | None = None
    rd_staff: int | None = None
    sales_revenue: Decimal | None = None
    operating_revenue: Decimal | None = None
    main_revenue: Decimal | None = None
    total_revenue: Decimal | None = None
    high_tech_revenue: Decimal | None = None
    rd_expense: Decimal | None = None
    rd_domestic: Decimal | None = None
    total_cost: Decimal | None = None
    total_assets: Decimal | None = None
    net_assets: Decimal | None = None
    profit_total: Decimal | None = None
    tax_total: Decimal | None = None
    equity_financing: Decimal | None = None
    conversions: int | None = None

    def get(self, name: str) -> int | Decimal | None:
        """Return the figure called ``name`` (a field name), ``None`` if unknown."""
        value: int | Decimal | None = getattr(self, name)
        return value


EMPTY_YEAR = YearFigures()


@dataclass(frozen=True)
class IPItem:
    """One row of the 知识产权 sheet."""

    number: str
    category: str
    granted_on: date | None = None
    acquisition: str | None = None
    status: str = "有效"
    related_to_main: bool | None = None
    high_value: bool | None = None


@dataclass(frozen=True)
class QualificationFact:
    """One row of the 资质荣誉 sheet (a title, award, platform or milestone)."""

    kind: str
    level: str | None = None
    number: str | None = None
    granted_on: date | None = None
    valid_until: date | None = None
    rank: str | None = None
    amount_wan: Decimal | None = None
    note: str | None = None


@dataclass(frozen=True)
class CreditFact:
    """One negative record of the 信用记录 sheet."""

    kind: str
    occurred_on: date | None = None


@dataclass(frozen=True)
class EnterpriseFacts:
    """Everything the engine may know about one enterprise.

    ``expert_points`` carries scores that only an expert can give (for instance the
    高企 items ``high_tech.tech_advance``); an absent item is carried as its full
    range.  ``niche_years`` is the number of full years in a niche market (专精特新).
    """

    uscc: str
    name: str
    founded_on: date | None = None
    registered_in_tianjin: bool | None = None
    independent_legal_person: bool | None = None
    restricted_products: bool | None = None
    tech_field: str | None = None
    key_industry: str | None = None
    years: Mapping[int, YearFigures] = field(default_factory=dict)
    ip: tuple[IPItem, ...] = ()
    qualifications: tuple[QualificationFact, ...] = ()
    credit_records: tuple[CreditFact, ...] = ()
    expert_points: Mapping[str, int] = field(default_factory=dict)
    niche_years: int | None = None
    strategic_emerging: bool | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "years", MappingProxyType(dict(self.years)))
        object.__setattr__(
            self, "expert_points", MappingProxyType(dict(self.expert_points))
        )

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickle with plain dicts (read-only mapping proxies cannot be pickled)."""
        return (EnterpriseFacts, unproxied(self))

    def year(self, year: int) -> YearFigures:
        """Figures for ``year``; an all-unknown record when the year is absent."""
        return self.years.get(year, EMPTY_YEAR)

    def figure(self, year: int, name: str) -> int | Decimal | None:
        """One figure of one year, ``None`` when unknown."""
        return self.year(year).get(name)

    def amount(self, year: int, name: str) -> Decimal | None:
        """An amount field (万元) of one year, ``None`` when unknown."""
        value = self.year(year).get(name)
        if value is not None and not isinstance(value, Decimal):
            return Decimal(value)
        return value


def unproxied(obj: Any) -> tuple[Any, ...]:
    """Field values of a dataclass in order, read-only mappings turned into dicts."""
    return tuple(
        dict(v) if isinstance(v, MappingProxyType) else v
        for v in (getattr(obj, f.name) for f in dataclasses.fields(obj))
    )


def replace_year(facts: EnterpriseFacts, year: int, **changes: Any) -> EnterpriseFacts:
    """Return a copy of ``facts`` with some figures of ``year`` changed."""
    years = dict(facts.years)
    years[year] = dataclasses.replace(facts.year(year), **changes)
    return dataclasses.replace(facts, years=years)
