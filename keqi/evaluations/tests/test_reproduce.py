"""A stored verdict is reproduced byte for byte from what was stored."""

from __future__ import annotations

import pytest

from keqi.core.testing import add_figures
from keqi.evaluations.models import (
    EvaluationRun,
    StoredVerdict,
    VerdictText,
    text_digest,
    text_pack,
)
from keqi.evaluations.reproduce import figure_table, verdict_reproduce
from keqi.evaluations.tests.helpers import (
    AS_OF,
    WIDER_STAFF_CAP,
    candidate,
    run_now,
    verdict_of,
    wider_cap,
)
from keqi.registry.facts import facts_for
from keqi.rules import evaluate
from keqi.rules.stored import verdict_json

pytestmark = pytest.mark.django_db


def test_a_stored_verdict_is_reproduced_byte_for_byte_after_the_figures_change() -> (
    None
):
    ent = candidate(staff=300)
    run = run_now()
    stored = verdict_of(run, ent)
    assert stored.outcome == "eligible"
    add_figures(ent, 2018, staff_total=900, rd_expense=1)  # the registry moves on
    today = evaluate(facts_for(ent), as_of=AS_OF).programmes["tech_sme"]
    assert today.outcome.value == "ineligible"
    assert verdict_json(today) != stored.result

    again = verdict_reproduce(stored)
    assert again.problem == ""
    assert again.text == stored.result  # byte for byte
    assert again.matches
    assert again.facts.year(2018).staff_total == 300


def test_reproducing_uses_the_runs_parameters_not_todays() -> None:
    ent = candidate(staff=510)
    stored = verdict_of(run_now(setup=wider_cap()), ent)
    assert stored.outcome == "eligible"
    again = verdict_reproduce(stored)  # today's setup has the 500 cap
    assert again.matches
    cap = next(p for p in again.params if p.id == "tech_sme.staff_max")
    assert cap.overridden and "600" in cap.value
    assert stored.run.overrides == WIDER_STAFF_CAP


def test_a_verdict_made_under_another_rule_version_says_it_cannot_be_reproduced() -> (
    None
):
    ent = candidate()
    run = run_now()
    EvaluationRun.objects.filter(pk=run.pk).update(rules_version="keqi-rules/0")
    again = verdict_reproduce(verdict_of(run, ent))
    assert not again.matches
    assert "keqi-rules/0" in again.problem and "无法按原规则重算" in again.problem


def test_a_tampered_verdict_text_does_not_match() -> None:
    ent = candidate()
    run = run_now()
    stored = verdict_of(run, ent)
    tampered = stored.result.replace("eligible", "ineligible", 1)
    text = VerdictText.objects.create(
        digest=text_digest(tampered), body=text_pack(tampered)
    )
    StoredVerdict.objects.filter(pk=stored.pk).update(text=text)
    again = verdict_reproduce(verdict_of(run, ent))
    assert not again.compact and not again.matches
    assert again.text == stored.result != tampered


@pytest.mark.parametrize(
    "change",
    [{"outcome": "eligible"}, {"score_low": 0}, {"codes": "2"}, {"route": 2}],
)
def test_tampered_codes_do_not_match(change: dict[str, object]) -> None:
    ent = candidate()  # 510 staff: ineligible on the 500 cap
    run = run_now()
    assert verdict_reproduce(verdict_of(run, ent)).matches
    StoredVerdict.objects.filter(pk=verdict_of(run, ent).pk).update(**change)
    again = verdict_reproduce(verdict_of(run, ent))
    assert again.compact and not again.matches


def test_the_input_table_lists_the_stored_figures_by_year() -> None:
    ent = candidate(staff=300)
    again = verdict_reproduce(verdict_of(run_now(), ent))
    years, rows = figure_table(again.facts)
    assert years == [2018]
    staff = next(r for r in rows if r.label == "职工总数")
    assert staff.values == ["300"] and staff.unit == "人"
