"""engine_setup(): built from the stored rows; snapshots rebuild the same verdicts."""

from __future__ import annotations

import json

import pytest

from keqi.criteria.engine import engine_setup, engine_setup_from_snapshot
from keqi.criteria.models import ParamEdit
from keqi.criteria.services import param_edit_save, programme_definition_save
from keqi.criteria.tests.helpers import ON, D, leader_definition, tech_sme_firm
from keqi.registry.facts import facts_for
from keqi.rules import evaluate, result_to_dict

pytestmark = pytest.mark.django_db


def test_without_stored_edits_the_setup_is_the_shipped_rules(db) -> None:
    setup = engine_setup()
    assert setup.overrides == {} and setup.extra == () and setup.problems == ()


def test_a_snapshot_round_trip_rebuilds_identical_verdicts(hq) -> None:
    firm = tech_sme_firm()
    param_edit_save(
        param_id="tech_sme.staff_max",
        value_text="≤ 50",
        effective_from=D(2019, 1, 1),
        status="confirmed",
        reason="测试",
        actor=hq,
    )
    programme_definition_save(
        key="tech_leader", definition=leader_definition(), reason="测试", actor=hq
    )
    setup = engine_setup()
    stored = json.loads(json.dumps(setup.snapshot(), ensure_ascii=False))
    again = engine_setup_from_snapshot(stored)
    facts = facts_for(firm)

    def run(s):  # type: ignore[no-untyped-def]
        result = evaluate(facts, as_of=ON, params=s.params, extra=s.extra)
        return result_to_dict(result)

    rebuilt = run(again)
    assert rebuilt == run(setup)
    assert rebuilt["programmes"]["tech_sme"]["outcome"] == "ineligible"
    assert rebuilt["programmes"]["tech_leader"]["outcome"] == "eligible"


def test_a_stored_edit_that_no_longer_builds_is_left_out_and_named(hq) -> None:
    ParamEdit.objects.create(
        param_id="no.longer.shipped",
        value_text="5",
        effective_from=D(2019, 1, 1),
        status="confirmed",
        reason="旧版本留下的修改",
    )
    setup = engine_setup()
    assert setup.overrides == {}
    assert setup.problems and "no.longer.shipped" in setup.problems[0]
