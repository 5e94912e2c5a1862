"""Pruning old evaluation runs keeps recent runs, each month's last run and cited runs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import timezone

from keqi.cli import main
from keqi.core.models import AuditEvent
from keqi.core.testing import add_figures
from keqi.evaluations import retention
from keqi.evaluations.models import (
    EvaluationRun,
    FactsText,
    RunStatus,
    StoredVerdict,
    VerdictText,
    text_digest,
    text_pack,
)
from keqi.evaluations.reproduce import verdict_reproduce
from keqi.evaluations.retention import (
    EvaluationRetentionAction,
    evaluation_runs_prune,
    prune_plan,
    run_citer_register,
)
from keqi.evaluations.tests.helpers import candidate, run_now, verdict_of

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def _run(as_of: dt.date, days_ago: int) -> EvaluationRun:
    run = run_now(as_of=as_of)
    EvaluationRun.objects.filter(pk=run.pk).update(
        requested_at=NOW - dt.timedelta(days=days_ago)
    )
    return run


@pytest.fixture
def history() -> dict[str, EvaluationRun]:
    """Two runs in June 2018, one in July 2018 (all old), one recent."""
    candidate()
    return {
        "june_early": _run(dt.date(2018, 6, 10), 500),
        "june_last": _run(dt.date(2018, 6, 30), 490),
        "july": _run(dt.date(2018, 7, 31), 460),
        "recent": _run(dt.date(2019, 6, 30), 10),
    }


@pytest.fixture
def no_citers() -> Iterator[None]:
    saved = dict(retention._CITERS)
    retention._CITERS.clear()
    yield
    retention._CITERS.clear()
    retention._CITERS.update(saved)


def test_only_an_old_run_that_is_not_its_months_last_is_pruned(
    history: dict[str, EvaluationRun], no_citers: None
) -> None:
    plan = prune_plan(days=365, now=NOW)
    assert [r.pk for r in plan.prune] == [history["june_early"].pk]
    assert plan.kept == {
        history["recent"].pk: "latest",
        history["july"].pk: "month",
        history["june_last"].pk: "month",
    }


def test_a_cited_run_is_kept_however_old(
    history: dict[str, EvaluationRun], no_citers: None
) -> None:
    run_citer_register("test", lambda: [history["june_early"].pk])
    plan = prune_plan(days=0, now=NOW)
    assert plan.prune == []
    assert plan.kept[history["june_early"].pk] == "cited"


def test_with_no_retention_days_a_failed_old_run_goes_too(
    history: dict[str, EvaluationRun], no_citers: None
) -> None:
    EvaluationRun.objects.filter(pk=history["july"].pk).update(status=RunStatus.FAILED)
    plan = prune_plan(days=0, now=NOW)
    assert {r.pk for r in plan.prune} == {
        history["june_early"].pk,
        history["july"].pk,
    }


def test_pruning_deletes_the_run_audits_it_and_the_kept_runs_still_reproduce(
    history: dict[str, EvaluationRun], no_citers: None
) -> None:
    gone = history["june_early"]
    evaluation_runs_prune(actor=None, days=365, now=NOW)
    assert not EvaluationRun.objects.filter(pk=gone.pk).exists()
    assert not StoredVerdict.objects.filter(run_id=gone.pk).exists()
    event = AuditEvent.objects.get(action=EvaluationRetentionAction.PRUNE)
    assert event.target_id == str(gone.pk) and "保留期" in event.reason
    ent = StoredVerdict.objects.filter(run=history["june_last"]).first()
    assert ent is not None
    again = verdict_reproduce(verdict_of(history["june_last"], ent.enterprise))
    assert again.matches


def test_texts_no_run_uses_are_deleted_with_the_last_run_using_them(
    no_citers: None,
) -> None:
    ent = candidate(staff=300)
    _run(dt.date(2018, 6, 10), 500)
    add_figures(ent, 2018, staff_total=900)  # the later run sees other facts
    new = _run(dt.date(2018, 6, 30), 490)
    assert FactsText.objects.count() == 2
    evaluation_runs_prune(actor=None, days=0, now=NOW)
    assert list(EvaluationRun.objects.all()) == [new]
    assert FactsText.objects.get() == new.entries.get().facts_text
    used = set(
        StoredVerdict.objects.filter(text__isnull=False).values_list("text", flat=True)
    )
    assert set(VerdictText.objects.values_list("pk", flat=True)) == used


def test_verdict_texts_no_run_uses_are_deleted_and_used_ones_kept(
    no_citers: None,
) -> None:
    """Verdicts stored as codes (no text) do not stop unused texts being found."""
    ent = candidate(staff=300)
    old = _run(dt.date(2018, 6, 10), 500)
    new = _run(dt.date(2018, 6, 30), 490)
    kept = verdict_of(new, ent)
    gone = verdict_of(old, ent)
    for row, body in ((kept, "kept"), (gone, "gone")):
        text = VerdictText.objects.create(
            digest=text_digest(body), body=text_pack(body)
        )
        StoredVerdict.objects.filter(pk=row.pk).update(text=text)
    evaluation_runs_prune(actor=None, days=0, now=NOW)
    assert list(VerdictText.objects.values_list("digest", flat=True)) == [
        text_digest("kept")
    ]


def test_the_command_only_lists_without_yes_and_deletes_with_it(
    history: dict[str, EvaluationRun],
    no_citers: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    gone = history["june_early"]
    assert main(["evaluations", "prune", "--keep-days", "365"]) == 0
    out = capsys.readouterr().out
    assert f"将删除：第 {gone.pk} 次评价" in out and "未做改动" in out
    assert EvaluationRun.objects.filter(pk=gone.pk).exists()
    assert main(["evaluations", "prune", "--keep-days", "365", "--yes"]) == 0
    out = capsys.readouterr().out
    assert f"已删除：第 {gone.pk} 次评价" in out and "保留 3 次" in out
    assert not EvaluationRun.objects.filter(pk=gone.pk).exists()


def test_a_negative_number_of_days_is_refused_in_chinese(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["evaluations", "prune", "--keep-days", "-3"])
    assert "天数应为不小于 0 的整数" in capsys.readouterr().err
