"""Running an evaluation of the whole registry and storing every verdict."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied

from keqi.core.models import AuditEvent
from keqi.criteria.engine import engine_setup
from keqi.evaluations.models import (
    EvaluatedEnterprise,
    EvaluationRun,
    RunStatus,
    RunTrigger,
    StoredVerdict,
)
from keqi.evaluations.reproduce import verdict_reproduce
from keqi.evaluations.services import (
    EvaluationAction,
    evaluation_run_create,
    evaluation_run_execute,
)
from keqi.evaluations.tests.helpers import AS_OF, candidate, run_now, verdict_of
from keqi.registry.facts import facts_for
from keqi.rules import RULES_VERSION, evaluate
from keqi.rules.stored import facts_from_json, verdict_json

pytestmark = pytest.mark.django_db


def test_a_run_stores_one_verdict_per_enterprise_and_programme_with_its_inputs() -> (
    None
):
    ents = [candidate(), candidate("koudong", staff=300)]
    run = run_now()
    expected = {
        e.pk: evaluate(facts_for(e), as_of=AS_OF, params=engine_setup().params)
        for e in ents
    }
    assert run.status == RunStatus.DONE and run.done == run.total == 2
    assert run.setup == engine_setup().snapshot()
    assert run.rules_version == RULES_VERSION
    stored = StoredVerdict.objects.filter(run=run)
    assert (
        run.verdicts
        == stored.count()
        == sum(len(r.programmes) for r in expected.values())
    )
    for ent in ents:
        entry = EvaluatedEnterprise.objects.get(run=run, enterprise=ent)
        assert facts_from_json(entry.facts) == facts_for(ent)
        for key, verdict in expected[ent.pk].programmes.items():
            row = verdict_of(run, ent, key)
            assert row.result == verdict_json(verdict)
            assert (row.version, row.outcome) == (
                verdict.version,
                verdict.outcome.value,
            )
            assert (row.score_low, row.score_high) == (
                verdict.score_low,
                verdict.score_high,
            )
            assert row.flag_ids == list(verdict.flags)
            assert json.loads(row.result)["outcome"] == row.outcome


def test_progress_is_written_to_the_run_as_it_goes(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("keqi.evaluations.services.CHUNK", 2)
    for _ in range(5):
        candidate()
    seen: list[tuple[str, int, int]] = []

    def progress(run: EvaluationRun) -> None:
        fresh = EvaluationRun.objects.get(pk=run.pk)  # what the progress page reads
        seen.append((fresh.status, fresh.done, fresh.total))

    run_now(progress=progress)
    assert seen == [("running", 2, 5), ("running", 4, 5), ("running", 5, 5)]


def test_a_verdict_stored_by_a_run_still_going_reads_in_full(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The order of the codes is on the run from its first chunk on, so a
    verdict can be opened (and matches) while the rest is evaluated."""
    monkeypatch.setattr("keqi.evaluations.services.CHUNK", 1)
    candidate(staff=300), candidate()
    checked: list[bool] = []

    def progress(run: EvaluationRun) -> None:
        if not checked:  # after the first chunk: one enterprise stored
            row = StoredVerdict.objects.get(run_id=run.pk, programme="tech_sme")
            checked.append(verdict_reproduce(row).matches)

    run_now(progress=progress)
    assert checked == [True]


def test_requesting_and_finishing_a_run_are_audited(hq) -> None:  # type: ignore[no-untyped-def]
    candidate()
    run = evaluation_run_create(as_of=AS_OF, trigger=RunTrigger.BUTTON, actor=hq)
    evaluation_run_execute(run=run)
    actions = list(
        AuditEvent.objects.filter(
            target_id=str(run.pk), target_type="evaluations.evaluationrun"
        )
        .order_by("id")
        .values_list("action", "actor__username")
    )
    assert actions == [
        (EvaluationAction.RUN_REQUEST, "hq"),
        (EvaluationAction.RUN_FINISH, "hq"),
    ]


def test_only_hq_may_start_a_run(town_a, member, leader) -> None:  # type: ignore[no-untyped-def]
    for user in (town_a, member, leader):
        with pytest.raises(PermissionDenied):
            evaluation_run_create(as_of=AS_OF, trigger=RunTrigger.BUTTON, actor=user)
    assert not EvaluationRun.objects.exists()


def test_a_run_that_fails_says_why_and_keeps_no_partial_verdicts(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("keqi.evaluations.services.CHUNK", 1)
    candidate(), candidate()
    calls = []

    def boom(run: EvaluationRun) -> None:
        calls.append(run.done)
        raise RuntimeError("磁盘已满")

    with pytest.raises(RuntimeError):
        run_now(progress=boom)
    run = EvaluationRun.objects.get()
    assert run.status == RunStatus.FAILED and "磁盘已满" in run.error
    assert calls == [1]
    assert not StoredVerdict.objects.exists()
    assert AuditEvent.objects.filter(action=EvaluationAction.RUN_FAIL).count() == 1


def test_a_run_requested_under_other_rules_refuses_to_execute() -> None:
    candidate()
    run = evaluation_run_create(as_of=AS_OF, trigger=RunTrigger.CLI, actor=None)
    EvaluationRun.objects.filter(pk=run.pk).update(rules_version="keqi-rules/0")
    run.refresh_from_db()
    with pytest.raises(Exception, match="规则版本"):
        evaluation_run_execute(run=run)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "请重新发起" in run.error


def test_the_demo_stores_one_run_and_a_second_load_changes_nothing() -> None:
    from keqi.evaluations.demo import demo_load

    candidate()
    [first] = demo_load(AS_OF)
    assert "按发布参数评价 1 家企业" in first and "用时" in first
    assert "已存在" in demo_load(AS_OF)[0]
    assert EvaluationRun.objects.filter(trigger=RunTrigger.DEMO).count() == 1


def test_with_hq_parameter_changes_the_demo_also_stores_a_run_under_them(
    monkeypatch,
) -> None:  # type: ignore[no-untyped-def]
    from keqi.evaluations import demo
    from keqi.evaluations.tests.helpers import wider_cap

    monkeypatch.setattr(demo, "engine_setup", wider_cap)
    candidate()
    lines = demo.demo_load(AS_OF)
    assert "按发布参数" in lines[0] and "按指挥部调整的 1 项参数" in lines[1]
    assert all("已存在" in line for line in demo.demo_load(AS_OF))
    runs = EvaluationRun.objects.filter(trigger=RunTrigger.DEMO).order_by("pk")
    assert [bool(r.overrides) for r in runs] == [False, True]
