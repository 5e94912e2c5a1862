"""Stored runs stay small: facts and verdict texts are kept once per distinct text."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from keqi.core.testing import add_figures
from keqi.evaluations.models import (
    EvaluatedEnterprise,
    FactsText,
    StoredVerdict,
    VerdictText,
    text_digest,
)
from keqi.evaluations.reproduce import verdict_reproduce
from keqi.evaluations.tests.helpers import (
    AS_OF,
    candidate,
    run_now,
    verdict_of,
    wider_cap,
)
from keqi.registry.facts import facts_for
from keqi.rules.stored import facts_to_json

pytestmark = pytest.mark.django_db


def test_a_second_run_over_an_unchanged_registry_stores_no_text_again() -> None:
    candidate(), candidate("koudong", staff=300)
    first = run_now()
    facts, texts = FactsText.objects.count(), VerdictText.objects.count()
    assert facts == 2 and 0 < texts <= first.verdicts
    second = run_now()
    assert second.verdicts == first.verdicts
    assert (FactsText.objects.count(), VerdictText.objects.count()) == (facts, texts)
    assert StoredVerdict.objects.filter(run=second).count() == second.verdicts


def test_only_the_changed_enterprise_adds_texts_and_both_runs_still_reproduce() -> None:
    same, moved = candidate(), candidate("koudong", staff=300)
    first = run_now()
    facts = FactsText.objects.count()
    add_figures(moved, 2018, staff_total=900)
    second = run_now()
    assert FactsText.objects.count() == facts + 1
    entry = EvaluatedEnterprise.objects.get(run=second, enterprise=moved)
    assert entry.facts == facts_to_json(facts_for(moved))
    assert entry.facts_text.digest == text_digest(entry.facts)
    for run in (first, second):
        for ent in (same, moved):
            again = verdict_reproduce(verdict_of(run, ent))
            assert again.matches and again.text == verdict_of(run, ent).result
    before = verdict_of(first, moved)
    after = verdict_of(second, moved)
    assert (before.outcome, after.outcome) == ("eligible", "ineligible")
    assert before.text_id != after.text_id
    assert verdict_of(first, same).text_id == verdict_of(second, same).text_id


def test_texts_are_stored_compressed_and_read_back_exactly() -> None:
    ent = candidate()
    row = verdict_of(run_now(), ent)
    stored = VerdictText.objects.get(pk=row.text_id)
    assert len(bytes(stored.body)) < len(row.result.encode()) / 2
    assert stored.text == row.result and stored.digest == text_digest(row.result)


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    from keqi.evaluations import services

    calls: list[str] = []
    real = services.evaluate_programme

    def spy(facts: Any, programme: Any, **kwargs: Any) -> Any:
        calls.append(facts.uscc)
        return real(facts, programme, **kwargs)

    monkeypatch.setattr(services, "evaluate_programme", spy)
    return calls


def test_a_rerun_on_the_same_day_evaluates_only_the_enterprises_whose_facts_changed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    same, moved = candidate(), candidate("koudong", staff=300)
    first = run_now()
    add_figures(moved, 2018, staff_total=900)
    calls = _counting(monkeypatch)
    second = run_now()
    assert set(calls) == {moved.uscc}
    assert second.verdicts == first.verdicts
    kept, redone = verdict_of(second, same), verdict_of(second, moved)
    assert kept.text_id == verdict_of(first, same).text_id
    assert (kept.outcome, kept.score_low, kept.flags) == (
        verdict_of(first, same).outcome,
        verdict_of(first, same).score_low,
        verdict_of(first, same).flags,
    )
    assert redone.outcome == "ineligible"
    for ent in (same, moved):
        assert verdict_reproduce(verdict_of(second, ent)).matches


def test_a_run_on_another_day_or_with_other_parameters_evaluates_everything(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ents = [candidate(), candidate("koudong", staff=300)]
    run_now()
    calls = _counting(monkeypatch)
    run_now(as_of=AS_OF + dt.timedelta(days=1))
    assert set(calls) == {e.uscc for e in ents}
    calls.clear()
    wider = run_now(setup=wider_cap())
    assert set(calls) == {e.uscc for e in ents}
    assert verdict_of(wider, ents[0]).outcome == "eligible"  # 510 staff under 600
