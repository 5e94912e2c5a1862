"""Runs stored before texts were kept once per digest are converted and still read."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from keqi.evaluations.models import EvaluatedEnterprise, StoredVerdict
from keqi.evaluations.reproduce import verdict_reproduce
from keqi.evaluations.tests.helpers import AS_OF, candidate
from keqi.registry.facts import facts_for
from keqi.rules import evaluate
from keqi.rules.stored import facts_to_json, verdict_json

BEFORE = [("evaluations", "0002_run_progressed_at")]
AFTER = [("evaluations", "0007_run_district")]


def _migrate(target: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_a_run_stored_as_plain_texts_is_converted_and_reproduces_byte_for_byte() -> (
    None
):
    ents = [candidate(staff=300), candidate("koudong", staff=300)]
    old = _migrate(BEFORE)
    try:
        run_model = old.get_model("evaluations", "EvaluationRun")
        entry_model = old.get_model("evaluations", "EvaluatedEnterprise")
        verdict_model = old.get_model("evaluations", "StoredVerdict")
        from keqi.criteria.engine import engine_setup

        snapshot = engine_setup().snapshot()
        run = run_model.objects.create(
            as_of=AS_OF,
            trigger="cli",
            status="done",
            setup=snapshot,
            rules_version=snapshot["rules_version"],
        )
        texts = {}
        for ent in ents:
            facts = facts_for(ent)
            entry = entry_model.objects.create(
                run=run, enterprise_id=ent.pk, facts=facts_to_json(facts)
            )
            verdict = evaluate(facts, as_of=AS_OF).programmes["tech_sme"]
            texts[ent.pk] = verdict_json(verdict)
            verdict_model.objects.create(
                entry=entry,
                run=run,
                enterprise_id=ent.pk,
                programme="tech_sme",
                programme_name=verdict.name,
                version=verdict.version,
                outcome=verdict.outcome.value,
                result=texts[ent.pk],
            )
    finally:
        _migrate(AFTER)
    for ent in ents:
        stored = StoredVerdict.objects.get(run_id=run.pk, enterprise=ent)
        assert stored.result == texts[ent.pk]
        again = verdict_reproduce(stored)
        assert again.matches and again.facts == facts_for(ent)
    # both candidates have the same verdict text: it is kept once
    assert (
        StoredVerdict.objects.filter(run_id=run.pk).values("text").distinct().count()
        == 1
    )
    assert EvaluatedEnterprise.objects.filter(run_id=run.pk).count() == 2
    back = _migrate(BEFORE)  # and back again: the plain texts return
    try:
        rows = back.get_model("evaluations", "StoredVerdict").objects.all()
        assert {r.enterprise_id: r.result for r in rows} == texts
        assert all(r.entry.enterprise_id == r.enterprise_id for r in rows)
    finally:
        _migrate(AFTER)
