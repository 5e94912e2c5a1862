"""Reasons carry the deciding dates, and figures print as a person expects."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from fractions import Fraction

from keqi.rules import EnterpriseFacts, IPItem, QualificationFact, YearFigures, evaluate
from keqi.rules.numbers import fmt_number, fmt_percent

D = Decimal
EXPIRED = QualificationFact(
    "高新技术企业", "国家级", "GR201512000273", date(2015, 10, 10)
)


def chuying() -> EnterpriseFacts:
    return EnterpriseFacts(
        "91120000000000000X",
        "雏鹰样例",
        founded_on=date(2016, 5, 1),
        registered_in_tianjin=True,
        independent_legal_person=True,
        years={2018: YearFigures(operating_revenue=D("500"))},
        ip=(IPItem("SY1", "实用新型专利"),),
        qualifications=(EXPIRED,),
    )


def test_an_expired_high_tech_certificate_gives_its_expiry_date() -> None:
    result = evaluate(chuying(), as_of=date(2019, 6, 30), programmes=["tj_chuying"])
    reason = result.programmes["tj_chuying"].condition("2019.any").reason
    assert reason.startswith("各项均未满足")
    assert "GR201512000273：2015-10-10取得，有效期至2018-10-09，已过期" in reason


def test_tech_sme_direct_route_names_the_expired_certificate() -> None:
    facts = dataclasses.replace(chuying(), years={})
    result = evaluate(facts, as_of=date(2019, 6, 30), programmes=["tech_sme"])
    cert = result.programmes["tech_sme"].condition("8.1")
    assert "有效期至2018-10-09" in cert.reason


def test_a_certificate_granted_after_the_date_says_so() -> None:
    later = dataclasses.replace(EXPIRED, granted_on=date(2019, 11, 1))
    facts = dataclasses.replace(chuying(), qualifications=(later,))
    result = evaluate(facts, as_of=date(2019, 6, 30), programmes=["tj_chuying"])
    reason = result.programmes["tj_chuying"].condition("2019.any").reason
    assert "2019-11-01取得，晚于评价日2019-06-30" in reason


def test_an_award_outside_the_window_gives_its_date_and_the_window_start() -> None:
    award = QualificationFact(
        "科技奖励", "国家级", granted_on=date(2012, 5, 1), rank="1"
    )
    facts = dataclasses.replace(chuying(), qualifications=(award,))
    result = evaluate(facts, as_of=date(2019, 6, 30), programmes=["tj_chuying"])
    reason = result.programmes["tj_chuying"].condition("2019.any").reason
    assert "2012-05-01取得，早于近5年起点2014-06-30" in reason


def test_zjtx_rd_amount_prints_in_wan_not_as_a_percentage() -> None:
    facts = EnterpriseFacts(
        "91120000000000002X",
        "专精特新样例",
        years={2022: YearFigures(rd_expense=D("118.4"), operating_revenue=D("3000"))},
    )
    result = evaluate(facts, as_of=date(2023, 6, 30), programmes=["zjtx_sme"])
    rd = next(
        i for i in result.programmes["zjtx_sme"].score_items if i.id == "zjtx_sme.rd"
    )
    assert "金额：118.4万元" in rd.reason
    assert "11840%" not in rd.reason


def test_percentages_round_half_up_to_two_places() -> None:
    assert fmt_percent(Fraction("0.0498985")) == "4.99%"
    assert fmt_percent(Fraction("0.0498949")) == "4.99%"
    assert fmt_percent(Fraction("0.0498849")) == "4.99%"
    assert fmt_percent(Fraction("0.0498749")) == "4.99%"
    assert fmt_percent(Fraction("0.04985")) == "4.99%"  # a half rounds up
    assert fmt_percent(Fraction("0.0498499")) == "4.98%"
    assert fmt_percent(Fraction(1, 20)) == "5%"


def test_amounts_print_without_trailing_zeros() -> None:
    assert fmt_number(D("500.000000")) == "500"
    assert fmt_number(D("0.0100")) == "0.01"
    assert fmt_number(D("118.40")) == "118.4"


def test_innovative_sme_equity_total_has_no_trailing_zeros() -> None:
    facts = EnterpriseFacts(
        "91120000000000001X",
        "创新型样例",
        years={
            y: YearFigures(
                equity_financing=D("166.666667") if y < 2022 else D("166.666666")
            )
            for y in (2020, 2021, 2022)
        },
    )
    result = evaluate(facts, as_of=date(2023, 6, 30), programmes=["innovative_sme"])
    equity = result.programmes["innovative_sme"].condition("direct.4")
    assert equity.reason == "2020–2022年已知股权融资合计500万元"


def test_a_high_value_patent_closes_the_open_ip_range() -> None:
    def ip_points(high_value: bool | None) -> tuple[int, int]:
        item = IPItem("ZL1", "发明专利", related_to_main=True, high_value=high_value)
        facts = EnterpriseFacts("91120000000000001X", "样例", ip=(item,))
        result = evaluate(facts, as_of=date(2023, 6, 30), programmes=["innovative_sme"])
        found = next(
            i
            for i in result.programmes["innovative_sme"].score_items
            if i.id == "innovative_sme.ip"
        )
        return found.low, found.high

    assert ip_points(None) == (10, 20)  # 高价值 unknown: left open
    assert ip_points(True) == (20, 20)
    assert ip_points(False) == (10, 15)  # acquisition unknown: own still possible
