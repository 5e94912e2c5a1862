"""A worked example enterprise (used by the benchmark and the documentation)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from keqi.rules.facts import (
    EnterpriseFacts,
    IPItem,
    QualificationFact,
    YearFigures,
)


def _year(staff: int, tech: int, sales: str, rd: str, net: str) -> YearFigures:
    """One year of the example's figures (万元)."""
    revenue = Decimal(sales)
    return YearFigures(
        staff_total=staff,
        tech_staff=tech,
        rd_staff=tech // 2,
        sales_revenue=revenue,
        operating_revenue=revenue,
        main_revenue=revenue * Decimal("0.9"),
        total_revenue=revenue,
        high_tech_revenue=revenue * Decimal("0.7"),
        rd_expense=Decimal(rd),
        rd_domestic=Decimal(rd),
        total_cost=revenue * Decimal("0.8"),
        total_assets=Decimal("3200"),
        net_assets=Decimal(net),
        equity_financing=Decimal(0),
        conversions=3,
    )


def demo_enterprise() -> EnterpriseFacts:
    """A small Baodi manufacturer with three years of figures."""
    return EnterpriseFacts(
        uscc="91120224MA05XXXXXX",
        name="天津宝坻示例科技有限公司",
        founded_on=date(2014, 3, 18),
        registered_in_tianjin=True,
        independent_legal_person=True,
        restricted_products=False,
        tech_field="先进制造与自动化",
        years={
            2016: _year(80, 18, "2100", "105", "1500"),
            2017: _year(86, 20, "2500", "130", "1750"),
            2018: _year(92, 21, "2900", "160", "2100"),
        },
        ip=(
            IPItem(
                "ZL201710000001.X",
                "发明专利",
                date(2018, 5, 2),
                "自主研发",
                "有效",
                True,
            ),
            IPItem(
                "ZL201820000002.3",
                "实用新型专利",
                date(2018, 8, 9),
                "自主研发",
                "有效",
                True,
            ),
            IPItem(
                "2018SR000003", "软件著作权", date(2018, 11, 1), "受让", "有效", None
            ),
        ),
        qualifications=(
            QualificationFact(
                "科技型中小企业", "国家级", "201812022400000123", date(2019, 4, 10)
            ),
        ),
        niche_years=4,
        strategic_emerging=True,
    )
