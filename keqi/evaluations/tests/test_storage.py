"""Stored runs stay small and exact: facts once per distinct text, verdicts of
the built-in programmes as the columnar engine's codes, their text produced from
the stored facts with the run's rules and parameters when read."""

from __future__ import annotations

import datetime as dt

import pytest

from keqi.core.demo.generator import CONFIG, build_dataset
from keqi.core.demo.load import demo_load as registry_demo_load
from keqi.core.testing import add_figures, load_baodi
from keqi.criteria.engine import engine_setup_build
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
    WIDER_STAFF_CAP,
    candidate,
    run_now,
    verdict_of,
)
from keqi.registry.facts import facts_for
from keqi.registry.models import Enterprise
from keqi.rules import evaluate_programme, programme_table
from keqi.rules.batch import ROUTE_CODE, TRI_CODE
from keqi.rules.stored import facts_from_json, facts_to_json, verdict_json

pytestmark = pytest.mark.django_db


def test_a_second_run_over_an_unchanged_registry_stores_no_text_again() -> None:
    candidate(), candidate("koudong", staff=300)
    first = run_now()
    assert FactsText.objects.count() == 2
    # the built-in programmes are stored as codes: no verdict text at all
    assert not VerdictText.objects.exists()
    assert not StoredVerdict.objects.filter(text__isnull=False).exists()
    second = run_now()
    assert second.verdicts == first.verdicts
    assert FactsText.objects.count() == 2
    assert StoredVerdict.objects.filter(run=second).count() == second.verdicts


def test_only_the_changed_enterprise_adds_facts_and_both_runs_still_reproduce() -> None:
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
            assert again.matches and again.compact
            assert again.text == verdict_of(run, ent).result
    before, after = verdict_of(first, moved), verdict_of(second, moved)
    assert (before.outcome, after.outcome) == ("eligible", "ineligible")
    assert before.codes != after.codes
    assert "900" in after.result and "900" not in before.result


def test_facts_are_stored_compressed_and_read_back_exactly() -> None:
    ent = candidate()
    run_now()
    stored = FactsText.objects.get()
    text = facts_to_json(facts_for(ent))
    assert len(bytes(stored.body)) < len(text.encode()) / 2
    assert stored.text == text and stored.digest == text_digest(text)


def _demo_registry(n: int) -> list[Enterprise]:
    load_baodi()
    registry_demo_load(build_dataset(CONFIG.scaled(n)))
    return list(Enterprise.objects.order_by("uscc"))


@pytest.mark.parametrize("as_of", [dt.date(2019, 9, 30), dt.date(2026, 12, 31)])
def test_every_stored_code_and_text_is_what_the_per_enterprise_engine_gives(
    as_of: dt.date,
) -> None:
    """On the demo's varied enterprises, every programme in force: the stored
    outcome, route, score, condition statuses and flags are the per-enterprise
    engine's on the stored facts, and the text read back is its text."""
    ents = _demo_registry(80)
    run = run_now(as_of=as_of)
    table = programme_table()
    rows = StoredVerdict.objects.filter(run=run).select_related("run")
    assert run.verdicts == rows.count() > len(ents)
    for row in rows:
        assert row.stored_as_codes
        facts = facts_from_json(row.entry.facts)
        assert facts == facts_for(Enterprise.objects.get(pk=row.enterprise_id))
        want = evaluate_programme(facts, table[row.programme], as_of=as_of)
        assert want is not None
        ids = run.conditions[row.programme]
        statuses = {c.id: str(TRI_CODE[c.status]) for c in want.conditions}
        assert row.codes == "".join(statuses[c] for c in ids)
        assert (row.outcome, row.route) == (want.outcome.value, ROUTE_CODE[want.route])
        assert (row.score_low, row.score_high) == (want.score_low, want.score_high)
        assert (row.programme_name, row.version) == (want.name, want.version)
        assert row.flag_ids == list(want.flags)
        assert row.result == verdict_json(want)  # byte for byte


def test_a_verdict_read_after_the_parameters_change_shows_the_runs_parameters() -> None:
    """The text of a verdict stored as codes is produced with the run's
    parameters, not those in force when it is read."""
    ent = candidate(staff=510)
    wider = engine_setup_build(WIDER_STAFF_CAP, ())
    stored = verdict_of(run_now(setup=wider), ent)
    assert stored.outcome == "eligible"  # 510 staff under HQ's 600 cap
    # today's parameters (the shipped 500 cap) would say otherwise
    today = evaluate_programme(
        facts_for(ent), programme_table()["tech_sme"], as_of=AS_OF
    )
    assert today is not None and today.outcome.value == "ineligible"
    read = StoredVerdict.objects.get(pk=stored.pk)
    again = verdict_reproduce(read)
    assert again.matches and read.result == again.text
    assert read.result != verdict_json(today) and '"outcome":"eligible"' in read.result
    cap = next(p for p in again.params if p.id == "tech_sme.staff_max")
    assert cap.overridden and "600" in cap.value
