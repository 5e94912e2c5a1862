"""What-if reaches IP, qualifications and credit records, not only figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from keqi.rules import (
    CreditFact,
    EnterpriseFacts,
    IPItem,
    QualificationFact,
    YearFigures,
    apply_changes,
    evaluate_what_if,
)

AS_OF = date(2022, 6, 30)


def chuying() -> EnterpriseFacts:
    return EnterpriseFacts(
        "91120000000000000X",
        "雏鹰样例",
        founded_on=date(2016, 5, 1),
        registered_in_tianjin=True,
        independent_legal_person=True,
        years={2021: YearFigures(operating_revenue=Decimal("50"))},
        ip=(IPItem("SY1", "实用新型专利"),),
    )


def outcome(facts: EnterpriseFacts, changes: dict[str, object]) -> tuple[str, str]:
    found = evaluate_what_if(facts, changes, as_of=AS_OF, programmes=["tj_chuying"])
    return (
        found.before.programmes["tj_chuying"].outcome.value,
        found.after.programmes["tj_chuying"].outcome.value,
    )


def test_adding_one_class_ii_ip_item_as_plain_fields_makes_it_eligible() -> None:
    add = {"add_ip": [{"number": "SY2", "category": "实用新型专利"}]}
    assert outcome(chuying(), add) == ("ineligible", "eligible")


def test_adding_a_high_tech_certificate_makes_it_eligible() -> None:
    add = {"add_qualifications": [{"kind": "高新技术企业", "granted_on": "2021-12-01"}]}
    assert outcome(chuying(), add) == ("ineligible", "eligible")


def test_removing_a_credit_record_lifts_the_bar_and_adding_one_imposes_it() -> None:
    listed = apply_changes(
        chuying(),
        {
            "add_credit": {"kind": "经营异常名录", "occurred_on": "2021-03-01"},
            "add_ip": IPItem("ZL1", "发明专利"),
        },
    )
    assert outcome(listed, {"remove_credit": "经营异常名录"}) == (
        "ineligible",
        "eligible",
    )
    assert outcome(listed, {"remove_credit": "全部"})[1] == "eligible"
    clean = apply_changes(chuying(), {"add_ip": IPItem("ZL1", "发明专利")})
    bad = {"add_credit": [CreditFact("科研严重失信", date(2022, 1, 5))]}
    assert outcome(clean, bad) == ("eligible", "ineligible")


def test_removing_ip_and_qualifications_by_number_or_kind() -> None:
    facts = apply_changes(
        chuying(),
        {"add_qualifications": [QualificationFact("高新技术企业", number="GR1")]},
    )
    assert outcome(facts, {"remove_qualifications": ["GR1"]}) == (
        "eligible",
        "ineligible",
    )
    assert outcome(facts, {"remove_qualifications": "高新技术企业"})[1] == "ineligible"
    gone = apply_changes(facts, {"remove_ip": "SY1"})
    assert gone.ip == ()


def test_the_original_facts_are_untouched() -> None:
    facts = chuying()
    apply_changes(facts, {"add_ip": [{"number": "X", "category": "发明专利"}]})
    assert [i.number for i in facts.ip] == ["SY1"]


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"add_ip": [{"number": "X", "kind": "发明专利"}]}, "没有字段“kind”"),
        (
            {"add_credit": [{"kind": "经营异常名录", "occurred_on": "昨天"}]},
            "日期格式不正确",
        ),
        ({"2021.revenue": "1"}, "应为“年度.指标”"),
        ({"uscc": "x"}, "不是可修改的事实"),
    ],
)
def test_bad_changes_are_refused_in_chinese(
    changes: dict[str, object], words: str
) -> None:
    with pytest.raises(ValueError, match=words):
        apply_changes(chuying(), changes)
