"""Public API: serializer contract, docs, ladder, what-if, dated versions."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import keqi.rules as rules
from keqi.rules import (
    EnterpriseFacts,
    IPItem,
    QualificationFact,
    YearFigures,
    evaluate,
    evaluate_programme,
    evaluate_what_if,
    programme_table,
    render_rules_markdown,
    report_to_json,
    tier_of,
)
from keqi.rules.demo import demo_enterprise

DOCS = Path(rules.__file__).resolve().parents[2] / "docs" / "rules.md"
AS_OF = date(2019, 6, 30)


def test_committed_rules_page_equals_generated_text() -> None:
    assert DOCS.read_text(encoding="utf-8") == render_rules_markdown()


def test_every_public_name_is_exported() -> None:
    for name in rules.__all__:
        assert hasattr(rules, name), name


def test_json_report_follows_the_workbook_contract() -> None:
    result = evaluate(demo_enterprise(), as_of=AS_OF)
    data = json.loads(report_to_json([result], AS_OF))
    assert data["as_of"] == "2019-06-30" and data["rules_version"]
    entry = data["results"][0]
    assert set(entry) >= {"uscc", "name", "tier", "programmes"}
    for key, prog in entry["programmes"].items():
        assert key in {
            "tech_sme",
            "high_tech",
            "tj_chuying",
            "innovative_sme",
            "zjtx_sme",
        }
        assert prog["outcome"] in {"eligible", "ineligible", "undetermined"}
        assert prog["route"] in {None, "score", "direct"}
        assert prog["score"] is None or Decimal(prog["score"]) >= 0
        for cond in prog["conditions"]:
            assert set(cond) >= {"id", "status", "value", "threshold", "citation"}
            assert cond["status"] in {"met", "not_met", "unknown"}
            assert "〔" in cond["citation"] or "号" in cond["citation"]


def test_programmes_not_in_force_are_absent() -> None:
    result = evaluate(demo_enterprise(), as_of=date(2018, 6, 30))
    assert "innovative_sme" not in result.programmes
    assert "tj_chuying" not in result.programmes
    assert "tj_dengling" not in result.programmes


def test_two_versions_of_chuying_can_be_evaluated_on_one_date() -> None:
    programme = programme_table()["tj_chuying"]
    facts = demo_enterprise()
    old = evaluate_programme(facts, programme, as_of=date(2022, 3, 1), version="2019")
    new = evaluate_programme(facts, programme, as_of=date(2022, 3, 1))
    assert old is not None and new is not None
    assert (old.document, new.document) == ("津科规〔2019〕3号", "津科规〔2021〕3号")
    assert old.flags and new.flags


def test_chuying_version_switches_on_2021_07_09() -> None:
    programme = programme_table()["tj_chuying"]
    before = programme.version_for(date(2021, 7, 8))
    after = programme.version_for(date(2021, 7, 9))
    assert before is not None and after is not None
    assert (before.version, after.version) == ("2019", "2021")


def test_zjtx_switches_to_2026_rules_on_2026_04_01() -> None:
    programme = programme_table()["zjtx_sme"]
    assert programme.version_for(date(2026, 3, 31)).version == "2022"  # type: ignore[union-attr]
    assert programme.version_for(date(2026, 4, 1)).version == "2026"  # type: ignore[union-attr]


def test_ladder_reads_titles_held_on_the_date() -> None:
    facts = EnterpriseFacts(
        uscc="x",
        name="x",
        qualifications=(
            QualificationFact("科技型中小企业", granted_on=date(2019, 4, 1)),
            QualificationFact("雏鹰企业", granted_on=date(2019, 5, 1)),
            QualificationFact("高新技术企业", granted_on=date(2015, 10, 1)),
        ),
    )
    tier = tier_of(facts, AS_OF)
    assert (tier.name, tier.next_name, tier.high_tech) == (
        "雏鹰企业",
        "瞪羚企业",
        False,
    )
    assert tier_of(facts, date(2020, 6, 30)).name == "雏鹰企业"
    assert tier_of(facts, date(2018, 6, 30)).name is None
    assert tier_of(facts, date(2018, 6, 30)).label == "高新技术企业"


def test_ladder_gap_says_when_the_next_tier_is_not_configured() -> None:
    facts = EnterpriseFacts(
        uscc="x",
        name="x",
        qualifications=(QualificationFact("雏鹰企业", granted_on=date(2019, 5, 1)),),
    )
    result = evaluate(facts, as_of=AS_OF)
    assert result.tier == "雏鹰企业"
    assert "尚未配置" in result.tier_gap[0]


def test_ladder_order_is_configurable() -> None:
    facts = EnterpriseFacts(
        uscc="x",
        name="x",
        qualifications=(
            QualificationFact("创新型中小企业", granted_on=date(2019, 5, 1)),
        ),
    )
    tier = tier_of(facts, AS_OF, order=("创新型中小企业", "专精特新中小企业"))
    assert (tier.level, tier.next_name) == (1, "专精特新中小企业")


def test_what_if_leaves_the_facts_untouched() -> None:
    facts = demo_enterprise()
    result = evaluate_what_if(
        facts,
        {
            "2018.tech_staff": 2,
            "add_ip": [
                IPItem("ZL2", "发明专利", date(2019, 1, 1), "自主研发", "有效", True)
            ],
        },
        as_of=AS_OF,
    )
    assert facts.year(2018).tech_staff == 21
    assert result.after.programmes["tech_sme"].outcome.value == "ineligible"
    assert result.changed["tech_sme"] == ("eligible", "ineligible")


def test_what_if_can_close_a_gap() -> None:
    facts = EnterpriseFacts(
        uscc="x",
        name="x",
        registered_in_tianjin=True,
        restricted_products=False,
        years={
            2018: YearFigures(
                staff_total=50,
                tech_staff=9,
                sales_revenue=Decimal(1000),
                total_assets=Decimal(800),
                rd_expense=Decimal("21.5"),
                total_cost=Decimal(900),
            )
        },
        ip=(IPItem("Z", "实用新型专利", related_to_main=True),),
    )
    before = evaluate(facts, as_of=AS_OF, programmes=["tech_sme"]).programmes[
        "tech_sme"
    ]
    assert before.gaps[0].text.startswith("研发费用还差38.5万元")
    after = evaluate_what_if(
        facts, {"2018.rd_expense": "60"}, as_of=AS_OF, programmes=["tech_sme"]
    )
    assert after.changed == {"tech_sme": ("ineligible", "eligible")}


def test_facts_and_results_survive_pickling_for_task_workers() -> None:
    import pickle

    facts = demo_enterprise()
    assert pickle.loads(pickle.dumps(facts)) == facts
    result = evaluate(facts, as_of=AS_OF)
    again = pickle.loads(pickle.dumps(result))
    assert again.programmes["tech_sme"].outcome == result.programmes["tech_sme"].outcome
