"""District-defined programmes built from data."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from keqi.rules import ComposeError, compose_programmes, evaluate
from keqi.rules.demo import demo_enterprise

AS_OF = date(2019, 6, 30)


def definition(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "key": "tech_leader",
        "name": "技术领先型企业",
        "version": "2019",
        "effective_from": "2019-01-01",
        "document": "宝坻区科技局〔2019〕1号",
        "status": "confirmed",
        "conditions": [
            {
                "id": "1",
                "title": "营业收入",
                "article": "第三条第（一）项",
                "type": "figure",
                "field": "operating_revenue",
                "op": ">=",
                "value": "2000",
            },
            {
                "id": "2",
                "title": "研发投入强度",
                "article": "第三条第（二）项",
                "type": "ratio",
                "numerator": "rd_expense",
                "denominator": "operating_revenue",
                "op": ">=",
                "value": "5%",
            },
            {
                "id": "3",
                "title": "Ⅰ类知识产权",
                "article": "第三条第（三）项",
                "type": "ip_count",
                "class": "I",
                "related_only": True,
                "op": ">=",
                "value": 1,
            },
            {
                "id": "4",
                "title": "科技型中小企业",
                "article": "第三条第（四）项",
                "type": "qualification",
                "kinds": ["科技型中小企业"],
            },
        ],
    }
    base.update(over)
    return base


def test_a_composed_programme_is_evaluated_with_citations() -> None:
    programme = compose_programmes([definition()])[0]
    result = evaluate(demo_enterprise(), as_of=AS_OF, extra=[programme])
    verdict = result.programmes["tech_leader"]
    assert verdict.outcome.value == "eligible"
    assert verdict.conditions[1].value == "5.52%"  # 5.5172…% rounded half-up
    assert verdict.conditions[0].citation.document == "宝坻区科技局〔2019〕1号"
    assert verdict.flags == ()


def test_an_unconfirmed_definition_flags_its_verdicts() -> None:
    programme = compose_programmes([definition(key="tj_dengling", status="draft")])[0]
    verdict = evaluate(demo_enterprise(), as_of=AS_OF, extra=[programme]).programmes
    assert verdict["tj_dengling"].flags == ("tj_dengling@2019",)


def test_a_definition_is_absent_before_its_date_of_effect() -> None:
    programme = compose_programmes([definition(effective_from="2020-01-01")])[0]
    result = evaluate(demo_enterprise(), as_of=AS_OF, extra=[programme])
    assert "tech_leader" not in result.programmes


def test_two_dated_versions_share_a_key() -> None:
    later = definition(
        version="2019b",
        effective_from="2019-03-01",
        conditions=[
            {
                "title": "营业收入",
                "type": "figure",
                "field": "operating_revenue",
                "op": ">=",
                "value": Decimal(99999),
            }
        ],
    )
    programme = compose_programmes([definition(), later])[0]
    assert [v.version for v in programme.versions] == ["2019", "2019b"]
    result = evaluate(demo_enterprise(), as_of=AS_OF, extra=[programme])
    assert result.programmes["tech_leader"].outcome.value == "ineligible"
    early = evaluate(demo_enterprise(), as_of=date(2019, 2, 1), extra=[programme])
    assert early.programmes["tech_leader"].version == "2019"


def test_bad_definitions_get_every_error_in_chinese() -> None:
    bad = definition(
        key="tech_sme",
        conditions=[
            {
                "title": "x",
                "type": "figure",
                "field": "revenue",
                "op": "=>",
                "value": "1",
            },
            {"title": "y", "type": "formula"},
        ],
    )
    with pytest.raises(ComposeError) as info:
        compose_programmes([bad])
    text = str(info.value)
    assert "内置项目" in text and "运算符" in text and "类型“formula”" in text


def test_unknown_figures_make_a_condition_unknown() -> None:
    programme = compose_programmes([definition()])[0]
    facts = demo_enterprise()
    from dataclasses import replace

    blank = replace(facts, years={})
    verdict = evaluate(blank, as_of=AS_OF, extra=[programme]).programmes["tech_leader"]
    assert verdict.outcome.value == "undetermined"
    assert "2018年度营业收入" in verdict.missing
