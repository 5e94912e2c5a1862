"""Migration 0007 gives existing runs their district: every run the only district
on a one-district install; where several districts exist, a run whose enterprises
all lie in one district goes to it, and one that evaluated several stays a
city-wide run (no district), which only the city reads."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from keqi.accounts.tests.test_districts import load_shifan
from keqi.core.testing import make_enterprise, persona
from keqi.evaluations.models import EvaluationRun
from keqi.evaluations.tests.helpers import AS_OF

BEFORE = [("evaluations", "0006_verdicts_stored_as_codes")]


def _runs_before_and_migrate(groups: list[list[int]]) -> list[int]:
    """One old run per group of enterprise ids; their ids after migrating."""
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("evaluations")
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old: Any = executor.loader.project_state(BEFORE).apps
    run_model = old.get_model("evaluations", "EvaluationRun")
    entry_model = old.get_model("evaluations", "EvaluatedEnterprise")
    facts = old.get_model("evaluations", "FactsText").objects.create(
        digest="0" * 32, body=b""
    )
    made = []
    for group in groups:
        run = run_model.objects.create(
            as_of=AS_OF, trigger="cli", status="done", setup={}, rules_version="x"
        )
        for pk in group:
            entry_model.objects.create(run=run, enterprise_id=pk, facts_text=facts)
        made.append(run.pk)
    MigrationExecutor(connection).migrate(latest)
    return made


@pytest.mark.django_db(transaction=True)
def test_a_one_district_installs_runs_go_to_its_district() -> None:
    persona("hq")
    firm = make_enterprise("dakoutun")
    (run,) = _runs_before_and_migrate([[firm.pk]])
    assert EvaluationRun.objects.get(pk=run).district.code == "baodi"


@pytest.mark.django_db(transaction=True)
def test_on_several_districts_a_run_goes_to_the_one_it_evaluated() -> None:
    load_shifan()
    baodi, shifan = make_enterprise("dakoutun"), make_enterprise("sf-hexi")
    runs = _runs_before_and_migrate([[baodi.pk], [shifan.pk], [baodi.pk, shifan.pk]])
    found = [EvaluationRun.objects.get(pk=pk).district for pk in runs]
    assert [d.code if d else None for d in found] == ["baodi", "shifan", None]
