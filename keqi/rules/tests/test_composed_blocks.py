"""The composer's blocks for the Tianjin ladder: exact at thresholds, three-valued,
cited, dated, with gaps; and the columnar path equals the scalar one (hypothesis)."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keqi.rules import (
    ComposeError,
    CreditFact,
    EnterpriseFacts,
    QualificationFact,
    YearFigures,
    compose_programmes,
    default_params,
    evaluate_programme,
)
from keqi.rules.batch import OUTCOME_CODE, TRI_CODE
from keqi.rules.programmes.composed_batch import composed_batch
from keqi.rules.tests.strategies import enterprise

D = Decimal
AS_OF = date(2019, 6, 30)

BLOCKS: dict[str, dict[str, Any]] = {
    "growth": {
        "type": "growth",
        "field": "operating_revenue",
        "op": ">=",
        "value": "20%",
    },
    "cagr": {
        "type": "cagr",
        "field": "operating_revenue",
        "years": 3,
        "op": ">=",
        "value": "10%",
    },
    "average": {
        "type": "average",
        "field": "operating_revenue",
        "years": 4,
        "op": ">=",
        "value": "1000",
    },
    "average_staff": {
        "type": "average",
        "field": "staff_total",
        "years": 2,
        "op": ">",
        "value": "100",
    },
    "age": {"type": "age", "at": "prev_year_end", "op": ">=", "value": 3},
    "age_max": {"type": "age", "at": "year_start", "op": "<=", "value": 8},
    "compare": {"type": "compare", "field": "rd_expense", "op": ">", "value": 1},
    "compare_factor": {
        "type": "compare",
        "field": "main_revenue",
        "op": ">=",
        "value": "1.2",
    },
    "credit": {
        "type": "credit",
        "kinds": ["科研严重失信", "经营异常名录", "严重违法失信名单"],
        "years": 2,
    },
    "any_k": {
        "type": "any_k",
        "k": 2,
        "conditions": [
            {
                "id": "a",
                "title": "收入",
                "type": "figure",
                "field": "operating_revenue",
                "op": ">=",
                "value": "1000",
            },
            {
                "id": "b",
                "title": "高企",
                "type": "qualification",
                "kinds": ["高新技术企业"],
            },
            {
                "id": "c",
                "title": "Ⅰ类",
                "type": "ip_count",
                "class": "I",
                "op": ">=",
                "value": 1,
            },
            {
                "id": "d",
                "title": "增长",
                "type": "growth",
                "field": "sales_revenue",
                "op": ">",
                "value": "0",
            },
        ],
    },
    "ratio_mixed": {
        "type": "ratio",
        "numerator": "rd_expense",
        "denominator": "staff_total",
        "op": ">=",
        "value": "0.5",
    },
}


def definition(block: dict[str, Any], **over: Any) -> dict[str, Any]:
    return {
        "key": "tj_dengling",
        "name": "天津瞪羚企业",
        "version": "2019",
        "effective_from": "2019-01-01",
        "document": "津科规〔2019〕3号",
        "status": "draft",
        "conditions": [
            {"id": "1", "title": "条件", "article": "瞪羚企业第三项条件", **block}
        ],
    } | over


def verdict(block: dict[str, Any], facts: EnterpriseFacts, as_of: date = AS_OF):
    programme = compose_programmes([definition(block)])[0]
    result = evaluate_programme(facts, programme, as_of=as_of)
    assert result is not None
    return result


def firm(**years: dict[str, str]) -> EnterpriseFacts:
    return EnterpriseFacts(
        "91120000000000000X",
        "瞪羚样例",
        founded_on=date(2016, 1, 1),
        years={
            int(y.removeprefix("y")): YearFigures(
                **{k: D(v) if k != "staff_total" else int(v) for k, v in f.items()}
            )
            for y, f in years.items()
        },
    )


def test_growth_of_exactly_twenty_percent_is_met_and_one_yuan_less_is_not() -> None:
    met = verdict(
        BLOCKS["growth"],
        firm(y2017={"operating_revenue": "1000"}, y2018={"operating_revenue": "1200"}),
    )
    cond = met.conditions[0]
    assert met.outcome.value == "eligible"
    assert cond.value == "20%"
    assert "2017—2018年度营业收入增长率20%" in cond.reason
    assert cond.citation.short() == "津科规〔2019〕3号 瞪羚企业第三项条件"
    short = verdict(
        BLOCKS["growth"],
        firm(
            y2017={"operating_revenue": "1000"},
            y2018={"operating_revenue": "1199.9999"},
        ),
    )
    assert short.outcome.value == "ineligible"
    assert short.gaps[0].text == "2018年度营业收入还差0.0001万元（增长率须≥20%）"


def test_growth_unknown_year_is_undetermined_and_names_the_missing_figure() -> None:
    result = verdict(BLOCKS["growth"], firm(y2018={"operating_revenue": "1200"}))
    assert result.outcome.value == "undetermined"
    assert result.missing == ("2017年度营业收入",)


def test_growth_from_a_zero_base_cannot_be_computed_and_is_not_met() -> None:
    result = verdict(
        BLOCKS["growth"],
        firm(y2017={"operating_revenue": "0"}, y2018={"operating_revenue": "5"}),
    )
    assert result.outcome.value == "ineligible"
    assert "基期不为正" in result.conditions[0].reason


def test_compound_growth_exactly_on_the_rate() -> None:
    years = {
        "y2015": {"operating_revenue": "1000"},
        "y2018": {"operating_revenue": "1331"},
    }
    result = verdict(BLOCKS["cagr"], firm(**years))
    assert result.outcome.value == "eligible"
    assert result.conditions[0].value == "约10%"
    years["y2018"] = {"operating_revenue": "1330.9999"}
    short = verdict(BLOCKS["cagr"], firm(**years))
    assert short.outcome.value == "ineligible"
    assert short.gaps[0].amount == "0.0001"


def test_four_year_average_exactly_at_the_floor() -> None:
    years = {
        f"y{y}": {"operating_revenue": v}
        for y, v in zip(
            (2015, 2016, 2017, 2018), ("700", "900", "1100", "1300"), strict=True
        )
    }
    result = verdict(BLOCKS["average"], firm(**years))
    assert result.outcome.value == "eligible"
    assert "2015—2018年营业收入平均1000万元" in result.conditions[0].reason
    years["y2018"] = {"operating_revenue": "1299.99"}
    short = verdict(BLOCKS["average"], firm(**years))
    assert short.gaps[0].text.startswith("2015—2018年营业收入合计还差0.01万元")


def test_age_counts_full_years_to_the_reference_day_and_gives_the_date() -> None:
    facts = firm()
    result = verdict(BLOCKS["age"], facts)  # 2016-01-01 → 2018-12-31: 2 full years
    assert result.outcome.value == "ineligible"
    assert "2016-01-01成立，计至2018-12-31满2年" in result.conditions[0].reason
    assert result.gaps[0].text.startswith("成立满3年还需等到2019-01-01")
    later = verdict(BLOCKS["age"], facts, date(2020, 1, 1))
    assert later.outcome.value == "eligible"
    unknown = verdict(BLOCKS["age"], dataclasses.replace(facts, founded_on=None))
    assert unknown.outcome.value == "undetermined"


def test_compare_across_years_strictly_greater() -> None:
    same = firm(y2017={"rd_expense": "100"}, y2018={"rd_expense": "100"})
    result = verdict(BLOCKS["compare"], same)
    assert result.outcome.value == "ineligible"
    assert result.gaps[0].amount == "0.0001"
    more = firm(y2017={"rd_expense": "100"}, y2018={"rd_expense": "100.0001"})
    assert verdict(BLOCKS["compare"], more).outcome.value == "eligible"


def test_credit_record_in_the_window_is_not_met_with_the_first_clean_year() -> None:
    facts = dataclasses.replace(
        firm(), credit_records=(CreditFact("经营异常名录", date(2018, 3, 1)),)
    )
    result = verdict(BLOCKS["credit"], facts)
    assert result.outcome.value == "ineligible"
    assert "2018-03-01经营异常名录" in result.conditions[0].reason
    assert "最早2020年起不再计入" in result.gaps[0].text
    old = dataclasses.replace(
        firm(), credit_records=(CreditFact("经营异常名录", date(2017, 12, 31)),)
    )
    assert verdict(BLOCKS["credit"], old).outcome.value == "eligible"


def test_any_k_is_three_valued() -> None:
    two = dataclasses.replace(
        firm(y2018={"operating_revenue": "1000"}),
        qualifications=(
            QualificationFact("高新技术企业", granted_on=date(2018, 1, 1)),
        ),
    )
    assert verdict(BLOCKS["any_k"], two).outcome.value == "eligible"
    one = firm(y2018={"operating_revenue": "1000"})  # growth unknown, others not met
    result = verdict(BLOCKS["any_k"], one)
    assert result.outcome.value == "undetermined"
    none = firm(
        y2018={"operating_revenue": "999", "sales_revenue": "1"},
        y2017={"sales_revenue": "1"},
    )
    failed = verdict(BLOCKS["any_k"], none)
    assert failed.outcome.value == "ineligible"
    assert failed.gaps[0].text == "以下各项中还须再满足2项（须至少2项）"
    assert any(g.text.startswith("或2018年度营业收入还差1万元") for g in failed.gaps)


def test_what_if_reaches_a_composed_block() -> None:
    from keqi.rules import evaluate_what_if

    programme = compose_programmes([definition(BLOCKS["growth"])])[0]
    facts = firm(
        y2017={"operating_revenue": "1000"}, y2018={"operating_revenue": "1100"}
    )
    found = evaluate_what_if(
        facts, {"2018.operating_revenue": "1200"}, as_of=AS_OF, extra=[programme]
    )
    assert found.after.programmes["tj_dengling"].outcome.value == "eligible"


@pytest.mark.parametrize(
    "bad",
    [
        {
            "type": "average",
            "field": "operating_revenue",
            "years": 0,
            "op": ">=",
            "value": 1,
        },
        {"type": "age", "at": "tomorrow", "op": ">=", "value": 1},
        {"type": "any_k", "k": 3, "conditions": [BLOCKS["age"] | {"title": "年龄"}]},
        {"type": "credit", "kinds": []},
        {
            "type": "cagr",
            "field": "sales_revenue",
            "years": 2,
            "op": ">=",
            "value": "-100%",
        },
    ],
)
def test_bad_blocks_are_refused_in_chinese(bad: dict[str, Any]) -> None:
    with pytest.raises(ComposeError):
        compose_programmes([definition(bad)])


def check_batch(
    block: dict[str, Any], rows: list[EnterpriseFacts], as_of: date
) -> None:
    raw = definition(block)
    programme = compose_programmes([raw])[0]
    spec = composed_batch([raw])["tj_dengling"]
    params = default_params()
    batch = spec.evaluate(spec.build(rows, as_of, params), as_of, params)
    for i, facts in enumerate(rows):
        res = evaluate_programme(facts, programme, as_of=as_of, params=params)
        assert res is not None
        for cond in res.conditions:
            assert batch.statuses[cond.id][i] == TRI_CODE[cond.status], (cond, facts)
        assert batch.outcome[i] == OUTCOME_CODE[res.outcome], facts
        assert set(res.flags) <= set(batch.flags)


@pytest.mark.parametrize("name", sorted(BLOCKS))
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data(), day=st.sampled_from([AS_OF, date(2022, 3, 1)]))
def test_batch_equals_scalar_for_every_block(
    name: str, data: st.DataObject, day: date
) -> None:
    rows = data.draw(st.lists(enterprise(day), min_size=1, max_size=8))
    check_batch(BLOCKS[name], rows, day)


def test_the_worked_example_in_the_docs_composes_and_evaluates() -> None:
    import re
    from pathlib import Path

    import yaml

    doc = Path(__file__).resolve().parents[3] / "docs" / "adding-a-programme.md"
    text = doc.read_text(encoding="utf-8")
    raw = yaml.safe_load(re.search(r"```yaml\n(.*?)```", text, re.S).group(1))  # type: ignore[union-attr]
    programme = compose_programmes([raw])[0]
    facts = dataclasses.replace(
        firm(
            **{
                f"y{y}": {"operating_revenue": str(1000 + 300 * (y - 2017))}
                for y in range(2017, 2022)
            }
        ),
        qualifications=(
            QualificationFact("高新技术企业", granted_on=date(2020, 1, 1)),
        ),
    )
    result = evaluate_programme(facts, programme, as_of=date(2022, 6, 30))
    assert result is not None
    # 2018–2021 average 1750 ≥ 1000; 2018→2021 1300→2200 CAGR ≈ 19.2% < 20%.
    assert result.condition("3").status.value == "met"
    assert result.condition("4").status.value == "not_met"
    assert result.condition("5").status.value == "unknown"  # R&D and IP unknown
    assert "tj_dengling@2021" in result.flags
    assert any(g.condition_id == "4" and g.unit == "万元" for g in result.gaps)
