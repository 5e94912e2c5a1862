"""`keqi evaluate --registry` stores a run through the same code path, with progress."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from keqi.cli import main
from keqi.evaluations.models import (
    EvaluationRun,
    RunStatus,
    RunTrigger,
    StoredVerdict,
)
from keqi.evaluations.tests.helpers import candidate, verdict_of

pytestmark = pytest.mark.django_db


def test_the_registry_command_stores_a_run_and_prints_progress_apart_from_the_report(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("keqi.evaluations.services.CHUNK", 1)
    ents = [candidate(), candidate("koudong")]
    assert main(["evaluate", "--registry", "--as-of", "2019-06-30"]) == 0
    out, err = capsys.readouterr()
    run = EvaluationRun.objects.get()
    assert (run.trigger, run.status, run.done) == (RunTrigger.CLI, RunStatus.DONE, 2)
    assert "评价进度：1 / 2 家企业" in err and "评价进度：2 / 2 家企业" in err
    assert f"第 {run.pk} 次评价" in err
    report = json.loads(out)  # stdout is still the JSON contract alone
    for result in report["results"]:
        ent = next(e for e in ents if e.uscc == result["uscc"])
        for key, verdict in result["programmes"].items():
            assert verdict == json.loads(verdict_of(run, ent, key).result)


def test_a_programme_filter_limits_the_stored_run_too(
    capsys: pytest.CaptureFixture[str],
) -> None:
    candidate()
    args = [
        "evaluate",
        "--registry",
        "--programme",
        "tech_sme",
        "--as-of",
        "2019-06-30",
    ]
    assert main(args) == 0
    run = EvaluationRun.objects.get()
    assert run.programmes == ["tech_sme"]
    assert run.entries.count() == 1
    stored = StoredVerdict.objects.filter(run=run)
    assert list(stored.values_list("programme", flat=True)) == ["tech_sme"]


def test_a_failed_run_exits_1_with_the_reason_and_prints_no_report(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    candidate()

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("数据库连接中断")

    monkeypatch.setattr("keqi.evaluations.services.evaluate", broken)
    assert main(["evaluate", "--registry", "--as-of", "2019-06-30"]) == 1
    out, err = capsys.readouterr()
    run = EvaluationRun.objects.get()
    assert run.status == RunStatus.FAILED
    assert f"评价未完成（第 {run.pk} 次评价）" in err and "数据库连接中断" in err
    assert out == ""


def test_the_streamed_registry_report_is_the_same_text_as_the_json_contract(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from keqi.evaluations.services import evaluation_run_execute
    from keqi.rules import report_to_json

    monkeypatch.setattr("keqi.evaluations.services.CHUNK", 1)
    candidate(), candidate("koudong", staff=300)
    assert main(["evaluate", "--registry", "--as-of", "2019-06-30"]) == 0
    streamed = capsys.readouterr().out
    collected: list[Any] = []
    again = EvaluationRun.objects.create(
        as_of=dt.date(2019, 6, 30),
        trigger=RunTrigger.CLI,
        setup=EvaluationRun.objects.get().setup,
        rules_version=EvaluationRun.objects.get().rules_version,
    )
    evaluation_run_execute(run=again, sink=collected.append)
    assert len(collected) == len(json.loads(streamed)["results"]) == 2
    assert streamed == report_to_json(collected, dt.date(2019, 6, 30)) + "\n"


def test_an_empty_registry_streams_an_empty_report(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from keqi.rules import report_to_json

    assert main(["evaluate", "--registry", "--as-of", "2019-06-30"]) == 0
    out = capsys.readouterr().out
    assert out == report_to_json([], dt.date(2019, 6, 30)) + "\n"
    assert json.loads(out)["results"] == []
