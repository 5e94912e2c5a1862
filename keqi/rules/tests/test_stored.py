"""Stored texts: facts survive JSON exactly, and a verdict's text is canonical."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings

from keqi.rules import YearFigures, evaluate
from keqi.rules.demo import demo_enterprise
from keqi.rules.stored import (
    FactsFormatError,
    facts_from_json,
    facts_to_json,
    verdict_json,
)
from keqi.rules.tests.strategies import enterprise

AS_OF = date(2019, 6, 30)


@settings(max_examples=300, deadline=None)
@given(enterprise(AS_OF))
def test_facts_come_back_from_json_equal_and_print_the_same(facts) -> None:  # type: ignore[no-untyped-def]
    text = facts_to_json(facts)
    again = facts_from_json(text)
    assert again == facts
    assert facts_to_json(again) == text


def test_an_amount_keeps_its_written_places() -> None:
    facts = demo_enterprise()
    year = min(facts.years)
    years = dict(facts.years)
    years[year] = YearFigures(rd_expense=Decimal("38.500000"), staff_total=12)
    changed = dataclasses.replace(facts, years=years)
    again = facts_from_json(facts_to_json(changed))
    assert str(again.year(year).rd_expense) == "38.500000"
    assert again.year(year).sales_revenue is None


@settings(max_examples=60, deadline=None)
@given(enterprise(AS_OF))
def test_re_evaluating_the_stored_facts_gives_the_same_verdict_text(facts) -> None:  # type: ignore[no-untyped-def]
    before = evaluate(facts, as_of=AS_OF)
    after = evaluate(facts_from_json(facts_to_json(facts)), as_of=AS_OF)
    assert before.programmes.keys() == after.programmes.keys()
    for key, verdict in before.programmes.items():
        assert verdict_json(after.programmes[key]) == verdict_json(verdict)


def test_a_text_of_another_format_is_refused_in_chinese() -> None:
    with pytest.raises(FactsFormatError, match="不支持"):
        facts_from_json('{"format": "keqi-facts/99", "uscc": "x", "name": "y"}')
    good = facts_to_json(demo_enterprise()).replace('"name":', '"nickname":', 1)
    with pytest.raises(FactsFormatError, match="无法识别"):
        facts_from_json(good)
