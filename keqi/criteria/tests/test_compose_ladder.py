"""The composer form writes the ladder blocks (growth, average, age, credit …)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.http import QueryDict

from keqi.criteria.composable import describe
from keqi.criteria.forms import composer_from_definition, composer_from_post
from keqi.rules import EnterpriseFacts, YearFigures, compose_programmes, evaluate


def posted() -> QueryDict:
    post = QueryDict(mutable=True)
    post.update(
        {
            "version": "2019",
            "document": "津科规〔2019〕3号",
            "effective_from": "2019-01-01",
            "status": "unconfirmed",
            "require": "all",
            "rows": "3",
            "c0-type": "average",
            "c0-title": "近四年平均营业收入",
            "c0-field": "operating_revenue",
            "c0-year_offset": "-1",
            "c0-years": "4",
            "c0-op": ">=",
            "c0-value": "1000",
            "c1-type": "age",
            "c1-title": "成立满3年",
            "c1-at": "prev_year_end",
            "c1-op": ">=",
            "c1-value": "3",
            "c2-type": "credit",
            "c2-title": "无失信记录",
            "c2-kinds": "科研严重失信、严重违法失信名单",
            "c2-years": "2",
        }
    )
    return post


def test_the_form_builds_a_programme_from_ladder_blocks() -> None:
    found = composer_from_post(posted())
    data = found.definition() | {"key": "tj_dengling", "name": "天津瞪羚企业"}
    assert data["conditions"][0]["years"] == 4
    assert data["conditions"][1]["at"] == "prev_year_end"
    assert data["conditions"][2]["kinds"] == ["科研严重失信", "严重违法失信名单"]
    programme = compose_programmes([data])[0]
    facts = EnterpriseFacts(
        "91120000000000000X",
        "样例",
        founded_on=date(2015, 3, 1),
        years={
            y: YearFigures(operating_revenue=Decimal(1000)) for y in range(2015, 2019)
        },
    )
    verdict = evaluate(facts, as_of=date(2019, 6, 30), extra=[programme])
    assert verdict.programmes["tj_dengling"].outcome.value == "eligible"
    # A stored definition comes back into the form unchanged.
    again = composer_from_definition(data).definition()
    assert again["conditions"][:3] == data["conditions"]  # plus one blank row


def test_describe_says_each_ladder_block_in_chinese() -> None:
    data = composer_from_post(posted()).definition()
    texts = [describe(c) for c in data["conditions"]]
    assert texts == [
        "截至上一年度近4年营业收入平均 ≥ 1000万元",
        "成立时间（计至上年12月31日） ≥ 3年",
        "申报当年起近2个年度无科研严重失信、严重违法失信名单记录",
    ]
