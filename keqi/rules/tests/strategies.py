"""Hypothesis strategies for enterprise facts, biased towards band edges."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import strategies as st

from keqi.rules.facts import (
    CreditFact,
    EnterpriseFacts,
    IPItem,
    QualificationFact,
    YearFigures,
)

UNIT = Decimal("0.0001")
RATIO_EDGES = [
    Fraction(p, 100)
    for p in (0, 1, 2, 3, 4, 5, 6, 10, 15, 20, 25, 30, 35, 55, 60, 70, 75)
]
AMOUNT_EDGES = [Decimal(v) for v in (0, 10, 100, 1000, 5000, 20000)]
IP_CATEGORIES = [
    "发明专利",
    "实用新型专利",
    "外观设计专利",
    "软件著作权",
    "植物新品种",
    "其他",
]
QUAL_KINDS = [
    "高新技术企业",
    "科技奖励",
    "企业技术中心",
    "主导制定标准",
    "研发机构",
    "软件企业证书",
    "软件产品证书",
    "创新创业大赛",
    "科技型中小企业",
    "雏鹰企业",
    "创业投资",
    "科技计划项目",
    "参与制定标准",
]
LEVELS = ["国家级", "省级（市级）", "区级", None]
EXPERT_IDS = [
    "high_tech.tech_advance",
    "high_tech.core_support",
    "high_tech.ip_quantity",
    "high_tech.ip_acquisition",
    "high_tech.standard_bonus",
    "high_tech.conversion",
    "high_tech.rd_management",
    "high_tech.rd_platform",
    "high_tech.conversion_scheme",
    "high_tech.talent",
    "high_tech.net_asset_growth",
    "high_tech.sales_growth",
]
CREDIT_KINDS = [
    "重大安全事故",
    "重大质量事故",
    "严重环境违法",
    "科研严重失信",
    "经营异常名录",
    "严重违法失信名单",
]


def maybe(
    strategy: st.SearchStrategy[object], p_none: float = 0.1
) -> st.SearchStrategy[object]:
    """``strategy`` or ``None`` (unknown)."""
    return st.one_of(st.none(), strategy) if p_none > 0 else strategy


@st.composite
def amount(draw: st.DrawFn, base: Decimal | None = None) -> Decimal:
    """An amount (万元), often exactly on or one unit beside an edge."""
    kind = draw(st.integers(0, 3))
    if kind == 0 or base is None:
        edge = draw(st.sampled_from(AMOUNT_EDGES))
        return max(edge + draw(st.sampled_from([-UNIT, Decimal(0), UNIT])), Decimal(0))
    if kind == 1:
        return Decimal(draw(st.integers(0, 400_000_000))) * UNIT
    ratio = draw(st.sampled_from(RATIO_EDGES))
    on_edge = (base * ratio.numerator / ratio.denominator).quantize(UNIT)
    return max(on_edge + draw(st.sampled_from([-UNIT, Decimal(0), UNIT])), Decimal(0))


@st.composite
def counts(draw: st.DrawFn) -> tuple[int | None, int | None]:
    """(staff_total, tech_staff), the ratio often on or beside an edge."""
    total = draw(st.one_of(st.integers(0, 700), st.sampled_from([0, 1, 499, 500, 501])))
    ratio = draw(st.sampled_from(RATIO_EDGES))
    tech = int(total * ratio) + draw(st.integers(-1, 1))
    tech = min(max(tech, 0), total)
    return (
        draw(st.sampled_from([total, total, total, None])),
        draw(st.sampled_from([tech, tech, tech, None])),
    )


@st.composite
def year_figures(draw: st.DrawFn) -> YearFigures:
    """One year of figures with some unknowns."""
    total, tech = draw(counts())
    sales = draw(amount())
    cost = draw(amount(sales))
    rd = draw(amount(draw(st.sampled_from([sales, cost]))))

    def hole(value: object) -> object:
        return draw(st.sampled_from([value] * 9 + [None]))

    return YearFigures(
        staff_total=total,
        tech_staff=tech,
        rd_staff=hole(tech),  # type: ignore[arg-type]
        sales_revenue=hole(sales),
        total_cost=hole(cost),
        rd_expense=hole(rd),  # type: ignore[arg-type]
        total_assets=hole(draw(amount())),
        net_assets=hole(draw(amount(sales))),  # type: ignore[arg-type]
        total_revenue=hole(draw(amount(sales))),  # type: ignore[arg-type]
        operating_revenue=hole(draw(amount(sales))),  # type: ignore[arg-type]
        main_revenue=hole(draw(amount(sales))),  # type: ignore[arg-type]
        high_tech_revenue=hole(draw(amount(sales))),  # type: ignore[arg-type]
        rd_domestic=hole(draw(amount(rd))),  # type: ignore[arg-type]
        equity_financing=hole(draw(amount())),  # type: ignore[arg-type]
        conversions=hole(draw(st.integers(0, 20))),  # type: ignore[arg-type]
    )


def day_near(as_of: date) -> st.SearchStrategy[date]:
    """A date within ten years before ``as_of`` or shortly after it."""
    return st.integers(-3700, 60).map(lambda d: as_of + timedelta(days=d))


@st.composite
def enterprise(draw: st.DrawFn, as_of: date) -> EnterpriseFacts:
    """A whole enterprise with figures for the four years before ``as_of``."""
    years = {
        as_of.year - k: draw(year_figures())
        for k in (1, 2, 3, 4)
        if draw(st.integers(0, 9)) > 0
    }
    ip = tuple(
        IPItem(
            f"IP{i}",
            draw(st.sampled_from(IP_CATEGORIES)),
            draw(st.one_of(st.none(), day_near(as_of))),
            draw(st.sampled_from(["自主研发", "受让", None])),
            draw(st.sampled_from(["有效", "有效", "失效"])),
            draw(st.sampled_from([True, True, False, None])),
            draw(st.sampled_from([None, None, True, False])),
        )
        for i in range(draw(st.integers(0, 6)))
    )
    quals = tuple(
        QualificationFact(
            draw(st.sampled_from(QUAL_KINDS)),
            draw(st.sampled_from(LEVELS)),
            f"Q{i}",
            draw(st.one_of(st.none(), day_near(as_of))),
            draw(st.one_of(st.none(), day_near(as_of))),
            draw(st.sampled_from(["1", "第三", "5", "一等奖", None])),
            draw(st.sampled_from([None, Decimal(50), Decimal(100)])),
        )
        for i in range(draw(st.integers(0, 3)))
    )
    credit = tuple(
        CreditFact(
            draw(st.sampled_from(CREDIT_KINDS)),
            draw(st.one_of(st.none(), day_near(as_of))),
        )
        for _ in range(draw(st.sampled_from([0, 0, 0, 1])))
    )
    return EnterpriseFacts(
        uscc="91120224MA05000000",
        name="样本企业",
        founded_on=draw(st.one_of(st.none(), day_near(as_of))),
        registered_in_tianjin=draw(st.sampled_from([True, True, True, False, None])),
        independent_legal_person=draw(st.sampled_from([True, True, False, None])),
        restricted_products=draw(st.sampled_from([False, False, False, True, None])),
        tech_field=draw(st.sampled_from(["电子信息", "新材料", None, "其他"])),
        years=years,
        ip=ip,
        qualifications=quals,
        credit_records=credit,
        expert_points=draw(
            st.dictionaries(
                st.sampled_from(EXPERT_IDS), st.integers(-1, 31), max_size=11
            )
        ),
        niche_years=draw(st.sampled_from([None, 0, 1, 2, 3, 5])),
        strategic_emerging=draw(st.sampled_from([None, True, False])),
    )
