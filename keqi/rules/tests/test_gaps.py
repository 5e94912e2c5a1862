"""Gaps: every programme names the shortest paths to eligibility in numbers."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

from keqi.rules import (
    CreditFact,
    EnterpriseFacts,
    IPItem,
    ProgrammeResult,
    QualificationFact,
    YearFigures,
    evaluate,
)
from keqi.rules.facts import replace_year

D = Decimal


def verdict(facts: EnterpriseFacts, key: str, as_of: date) -> ProgrammeResult:
    return evaluate(facts, as_of=as_of, programmes=[key]).programmes[key]


def texts(result: ProgrammeResult) -> list[str]:
    return [g.text for g in result.gaps]


def chuying() -> EnterpriseFacts:
    return EnterpriseFacts(
        "91120000000000000X",
        "雏鹰样例",
        founded_on=date(2016, 5, 1),
        registered_in_tianjin=True,
        independent_legal_person=True,
        years={2021: YearFigures(operating_revenue=D("9.99"))},
        ip=(IPItem("ZL1", "发明专利"),),
    )


def test_chuying_revenue_one_hundredth_short_says_so_in_wan() -> None:
    result = verdict(chuying(), "tj_chuying", date(2022, 6, 30))
    assert result.outcome.value == "ineligible"
    gap = next(g for g in result.gaps if g.condition_id == "2021.3")
    assert gap.text == "2021年度营业收入还差0.01万元（须≥10万元）"
    assert (gap.amount, gap.unit, gap.field) == ("0.01", "万元", "operating_revenue")


def test_chuying_revenue_at_the_floor_has_no_gap() -> None:
    facts = replace_year(chuying(), 2021, operating_revenue=D("10"))
    result = verdict(facts, "tj_chuying", date(2022, 6, 30))
    assert result.outcome.value == "eligible"
    assert result.gaps == ()


def test_chuying_2019_revenue_over_the_cap_by_one_yuan() -> None:
    facts = dataclasses.replace(
        chuying(), years={2018: YearFigures(operating_revenue=D("1000.0001"))}
    )
    result = verdict(facts, "tj_chuying", date(2019, 6, 30))
    gap = next(g for g in result.gaps if g.condition_id == "2019.3")
    assert gap.text == "2018年度营业收入超出上限0.0001万元（须≤1000万元）"


def test_chuying_class_ii_ip_short_counts_the_items() -> None:
    facts = dataclasses.replace(
        chuying(),
        years={2021: YearFigures(operating_revenue=D("50"))},
        ip=(IPItem("SY1", "实用新型专利"),),
    )
    result = verdict(facts, "tj_chuying", date(2022, 6, 30))
    assert result.outcome.value == "ineligible"
    assert any("再需1项有效Ⅱ类知识产权（现1项，须≥2项）" in t for t in texts(result))
    assert any("再需1项有效Ⅰ类知识产权" in t for t in texts(result))


def test_chuying_credit_record_gives_the_first_year_to_apply() -> None:
    facts = dataclasses.replace(
        chuying(),
        years={2021: YearFigures(operating_revenue=D("50"))},
        credit_records=(CreditFact("经营异常名录", date(2021, 3, 1)),),
    )
    result = verdict(facts, "tj_chuying", date(2022, 6, 30))
    gap = next(g for g in result.gaps if g.condition_id == "2021.2")
    assert "2021-03-01经营异常名录" in gap.text
    assert "最早2023年可申报" in gap.text


def test_chuying_too_young_gives_the_first_year_to_apply() -> None:
    facts = dataclasses.replace(
        chuying(),
        founded_on=date(2018, 3, 1),
        years={2018: YearFigures(operating_revenue=D("50"))},
    )
    result = verdict(facts, "tj_chuying", date(2019, 6, 30))
    gap = next(g for g in result.gaps if g.condition_id == "2019.1")
    assert "最早2020年可申报" in gap.text


def innovative(rd: str, ip: tuple[IPItem, ...] = ()) -> EnterpriseFacts:
    zero = D(0)
    return EnterpriseFacts(
        "91120000000000001X",
        "创新型样例",
        strategic_emerging=True,
        years={
            2020: YearFigures(equity_financing=zero),
            2021: YearFigures(main_revenue=D("690"), equity_financing=zero),
            2022: YearFigures(
                rd_expense=D(rd),
                operating_revenue=D("1000"),
                main_revenue=D("800"),
                total_assets=D("1000"),
                net_assets=D("500"),
                equity_financing=zero,
            ),
        },
        ip=ip,
    )


def test_innovative_sme_points_short_names_the_points_and_the_levers() -> None:
    # IP 10 (Class I, not own) + R&D 5% → 15 = innovation 25; growth 15.9% → 20,
    # debt 50% → 10, field 10, main share 80% → 20: 85.  Take R&D to 1.99%: 5 pts.
    ip = (IPItem("ZL1", "发明专利", related_to_main=True),)
    result = verdict(innovative("19.9", ip), "innovative_sme", date(2023, 6, 30))
    assert (result.score_low, result.score_high) == (75, 85)
    assert result.outcome.value == "undetermined"  # high-value IP is open
    head = result.gaps[0].text
    assert head.startswith("创新能力得分还差5分（现15分，须≥20分）")
    rd = next(g for g in result.gaps if g.field == "rd_expense")
    assert rd.amount == "0.1"  # 2% of 1000万元 is 20万元: 0.1万元 more
    assert rd.text.startswith("2022年度研发费用还差0.1万元")


def test_innovative_sme_open_band_edge_needs_one_hundredth_more() -> None:
    ip = (IPItem("ZL1", "发明专利", related_to_main=True),)
    facts = innovative("50", ip)
    facts = replace_year(facts, 2022, main_revenue=D("500"))
    facts = replace_year(facts, 2021, main_revenue=D("500"), equity_financing=D(0))
    # IP 10 + R&D 5% → 15 (edge 5% belongs to 15): innovation 25; growth 0% → 5,
    # debt 10: growth group 15; field 10 + main share 50% → 5: special 15. 55.
    result = verdict(facts, "innovative_sme", date(2023, 6, 30))
    assert result.score_low == 55
    assert result.gaps[0].text.startswith("得分还差5分（现55分，须≥60分）")
    rd = next(g for g in result.gaps if g.field == "rd_expense")
    assert rd.amount == "0.01"  # strictly above 5%


def test_innovative_sme_equity_direct_route_in_numbers() -> None:
    result = verdict(innovative("5"), "innovative_sme", date(2023, 6, 30))
    equity = next(g for g in result.gaps if g.field == "equity_financing")
    assert equity.text.startswith("或走直通条件：2020–2022年股权融资还差500万元")


def zjtx() -> EnterpriseFacts:
    return EnterpriseFacts(
        "91120000000000002X",
        "专精特新样例",
        niche_years=3,
        years={
            2020: YearFigures(main_revenue=D("2000")),
            2021: YearFigures(main_revenue=D("2250"), rd_expense=D("100")),
            2022: YearFigures(
                rd_expense=D("99.99"),
                operating_revenue=D("3000"),
                main_revenue=D("2500"),
                total_assets=D("1000"),
                net_assets=D("600"),
                staff_total=100,
                rd_staff=10,
            ),
        },
        ip=(IPItem("ZL1", "发明专利", acquisition="自主研发", related_to_main=True),),
    )


def test_zjtx_rd_one_hundredth_short() -> None:
    result = verdict(zjtx(), "zjtx_sme", date(2023, 6, 30))
    gap = next(g for g in result.gaps if g.condition_id == "2022.2")
    assert gap.text.startswith("2022年度研发费用还差0.01万元")
    assert gap.amount == "0.01"


def test_zjtx_rd_share_decides_the_amount_needed() -> None:
    facts = replace_year(zjtx(), 2022, rd_expense=D("100"), operating_revenue=D("4000"))
    result = verdict(facts, "zjtx_sme", date(2023, 6, 30))
    gap = next(g for g in result.gaps if g.condition_id == "2022.2")
    assert gap.amount == "20"  # 3% of 4000万元 = 120万元


def test_zjtx_score_short_with_experts_at_zero_gives_points_and_levers() -> None:
    experts = {
        "zjtx_sme.field": 5,
        "zjtx_sme.digital": 5,
        "zjtx_sme.quality": 5,
        "zjtx_sme.margin": 0,
        "zjtx_sme.special": 5,
    }
    facts = dataclasses.replace(
        replace_year(zjtx(), 2022, rd_expense=D("100"), equity_financing=D(0)),
        expert_points=experts,
    )
    facts = replace_year(facts, 2021, equity_financing=D(0))
    result = verdict(facts, "zjtx_sme", date(2023, 6, 30))
    assert result.outcome.value == "ineligible"
    head = next(g for g in result.gaps if g.condition_id == "2022.4")
    assert result.score_low == 54
    assert head.text.startswith("评价得分还差6分（现54分")
    assert "可从以下任一项补足" in head.text
    rd = next(g for g in result.gaps if g.field == "rd_expense" and g.amount)
    # R&D 100万元 scores 2; 300万元 (band C) scores 6 and 400万元 scores 8: +6 needs 400万元
    # by amount, or a share of 8% (240万元 of 3000万元) by share: 140万元 more.
    assert rd.amount == "140"


def test_zjtx_score_beyond_every_lever_says_experts_must_close_it() -> None:
    zeros = dict.fromkeys(["field", "digital", "quality", "margin", "special"], 0)
    facts = dataclasses.replace(
        replace_year(zjtx(), 2022, rd_expense=D("100")),
        expert_points={f"zjtx_sme.{k}": v for k, v in zeros.items()},
    )
    result = verdict(facts, "zjtx_sme", date(2023, 6, 30))
    head = next(g for g in result.gaps if g.condition_id == "2022.4")
    # niche +4, IP +2, R&D +8, R&D staff +2, institution +10 reach 60: five changes
    assert head.text.endswith("须同时改变4项以上可量化指标")
    unknown_staff = dataclasses.replace(
        replace_year(facts, 2022, rd_staff=None, staff_total=None), niche_years=None
    )
    result = verdict(unknown_staff, "zjtx_sme", date(2023, 6, 30))
    head = next(g for g in result.gaps if g.condition_id == "2022.4")
    assert head.text.endswith("须由人工评分项目补足")


def test_zjtx_2026_platform_score_five_points_short() -> None:
    facts = dataclasses.replace(
        zjtx(),
        expert_points={"zjtx_sme.platform_score": 45},
        qualifications=(
            QualificationFact("科技型中小企业", granted_on=date(2026, 5, 1)),
        ),
    )
    result = verdict(facts, "zjtx_sme", date(2026, 6, 30))
    gap = next(g for g in result.gaps if g.condition_id == "2026.8")
    assert gap.text == "平台发展评价得分还差5分（须≥50分）"
