"""Evaluating the whole registry and storing every verdict (the one code path).

The background task, ``keqi evaluate --registry`` and the demo all call
:func:`evaluation_run_execute`.  A run fixes its engine setup when it is requested
(the snapshot on the run), and execution always rebuilds the setup from that
snapshot, so the stored snapshot is by construction the one the verdicts used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from keqi.core import audit
from keqi.criteria.engine import EngineSetup, engine_setup, engine_setup_from_snapshot
from keqi.evaluations.models import (
    EvaluatedEnterprise,
    EvaluationRun,
    RunStatus,
    RunTrigger,
    StoredVerdict,
)
from keqi.registry.facts import iter_facts
from keqi.registry.models import Enterprise
from keqi.rules import RULES_VERSION, EnterpriseFacts, EnterpriseResult, evaluate
from keqi.rules.stored import facts_to_json, verdict_json

#: Enterprises evaluated and written per transaction; progress moves this often.
CHUNK = 200

Progress = Callable[[EvaluationRun], None]
Sink = Callable[[EnterpriseResult], None]


class EvaluationAction:
    """Audited actions of this app."""

    RUN_REQUEST = "evaluation.run_request"
    RUN_FINISH = "evaluation.run_finish"
    RUN_FAIL = "evaluation.run_fail"


def ensure_may_run(actor: Any) -> None:
    """Only HQ starts evaluations (``None`` is the system: CLI and demo)."""
    if actor is not None and not actor.is_hq:
        raise PermissionDenied("只有指挥部办公室可以发起评价")


@transaction.atomic
def evaluation_run_create(
    *,
    as_of: dt.date,
    trigger: str,
    actor: Any,
    programmes: Sequence[str] = (),
    setup: EngineSetup | None = None,
) -> EvaluationRun:
    """Record a requested run with the engine setup it will use (default: the
    current one, stored overrides included).  Only HQ or the system may do this."""
    ensure_may_run(actor)
    snapshot = (setup or engine_setup()).snapshot()
    run = EvaluationRun.objects.create(
        as_of=as_of,
        trigger=trigger,
        requested_by=actor if getattr(actor, "pk", None) else None,
        programmes=list(programmes),
        setup=snapshot,
        rules_version=str(snapshot.get("rules_version", RULES_VERSION)),
    )
    audit.record(
        actor=actor,
        action=EvaluationAction.RUN_REQUEST,
        target=run,
        changes={
            "as_of": [None, as_of.isoformat()],
            "trigger": [None, trigger],
            "overrides": [None, sorted(run.overrides)],
        },
    )
    return run


def evaluation_run_request(*, as_of: dt.date, actor: Any) -> EvaluationRun:
    """HQ's button: record a run and hand it to the background worker after commit.

    A second click for the same day while the first still waits is refused.
    """
    ensure_may_run(actor)
    waiting = EvaluationRun.objects.filter(as_of=as_of, status=RunStatus.QUEUED)
    if waiting.exists():
        raise ValidationError(
            f"基准日 {as_of.isoformat()} 的评价已在排队，请等待其完成后再发起"
        )
    with transaction.atomic():
        run = evaluation_run_create(as_of=as_of, trigger=RunTrigger.BUTTON, actor=actor)
        transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _enqueue(run_id: int) -> None:
    from keqi.evaluations.tasks import evaluation_run_task

    result = evaluation_run_task.enqueue(run_id)
    EvaluationRun.objects.filter(pk=run_id).update(task_id=str(result.id)[:64])


def evaluation_run_execute(
    *, run: EvaluationRun, progress: Progress | None = None, sink: Sink | None = None
) -> EvaluationRun:
    """Evaluate every enterprise as of ``run.as_of`` and store each verdict.

    Writes ``CHUNK`` enterprises per transaction (so progress shows while it runs
    and a long run never holds the database for long), calling ``progress`` after
    each and ``sink`` with every result.  On error the run is marked failed, its
    partial verdicts removed, and the error re-raised.
    """
    enterprises = list(Enterprise.objects.order_by("uscc"))
    _run_start(run, len(enterprises))
    try:
        setup = _setup_for(run)
        for chunk in _chunks(enterprises):
            _store_chunk(run, chunk, setup, sink)
            run.refresh_from_db(fields=["done", "verdicts"])
            if progress is not None:
                progress(run)
    except Exception as exc:
        _run_fail(run, exc)
        raise
    return _run_finish(run)


def _setup_for(run: EvaluationRun) -> EngineSetup:
    if run.rules_version != RULES_VERSION:
        raise ValidationError(
            f"发起评价时的规则版本为 {run.rules_version}，现已更新为 {RULES_VERSION}，"
            "请重新发起评价"
        )
    return engine_setup_from_snapshot(run.setup)


def _chunks(enterprises: list[Enterprise]) -> Iterator[list[Enterprise]]:
    for start in range(0, len(enterprises), CHUNK):
        yield enterprises[start : start + CHUNK]


@transaction.atomic
def _run_start(run: EvaluationRun, total: int) -> None:
    run.status, run.total, run.done, run.verdicts = RunStatus.RUNNING, total, 0, 0
    run.started_at = run.progressed_at = timezone.now()
    run.error = ""
    run.save(
        update_fields=[
            *("status", "total", "done", "verdicts"),
            *("started_at", "progressed_at", "error"),
        ]
    )


@transaction.atomic
def _store_chunk(
    run: EvaluationRun,
    enterprises: list[Enterprise],
    setup: EngineSetup,
    sink: Sink | None,
) -> None:
    """Evaluate one chunk and write its entries and verdicts in bulk."""
    facts = list(iter_facts(enterprises, chunk=len(enterprises)))
    entries, results = [], []
    for enterprise, fact in zip(enterprises, facts, strict=True):
        result = _evaluate(run, fact, setup)
        entries.append(
            EvaluatedEnterprise(
                run=run, enterprise=enterprise, facts=facts_to_json(fact)
            )
        )
        results.append(result)
        if sink is not None:
            sink(result)
    EvaluatedEnterprise.objects.bulk_create(entries)
    verdicts = [
        _verdict(run, entry, key, result)
        for entry, result in zip(entries, results, strict=True)
        for key in result.programmes
    ]
    StoredVerdict.objects.bulk_create(verdicts, batch_size=1000)
    EvaluationRun.objects.filter(pk=run.pk).update(
        done=F("done") + len(entries),
        verdicts=F("verdicts") + len(verdicts),
        progressed_at=timezone.now(),
    )


def _evaluate(
    run: EvaluationRun, facts: EnterpriseFacts, setup: EngineSetup
) -> EnterpriseResult:
    return evaluate(
        facts,
        as_of=run.as_of,
        params=setup.params,
        extra=setup.extra,
        programmes=run.programmes or None,
    )


def _verdict(
    run: EvaluationRun, entry: EvaluatedEnterprise, key: str, result: EnterpriseResult
) -> StoredVerdict:
    verdict = result.programmes[key]
    return StoredVerdict(
        entry=entry,
        run=run,
        enterprise_id=entry.enterprise_id,
        programme=key,
        programme_name=verdict.name[:60],
        version=verdict.version,
        outcome=verdict.outcome.value,
        score_low=verdict.score_low,
        score_high=verdict.score_high,
        flags=list(verdict.flags),
        result=verdict_json(verdict),
    )


@transaction.atomic
def _run_finish(run: EvaluationRun) -> EvaluationRun:
    run.refresh_from_db()
    run.status, run.finished_at = RunStatus.DONE, timezone.now()
    run.save(update_fields=["status", "finished_at"])
    audit.record(
        actor=run.requested_by,
        action=EvaluationAction.RUN_FINISH,
        target=run,
        changes={"done": [None, run.done], "verdicts": [None, run.verdicts]},
    )
    return run


@transaction.atomic
def _run_fail(run: EvaluationRun, exc: Exception) -> None:
    """Mark the run failed with a readable message; drop its partial verdicts."""
    message = "；".join(exc.messages) if isinstance(exc, ValidationError) else repr(exc)
    EvaluatedEnterprise.objects.filter(run=run).delete()
    run.status, run.finished_at, run.error = RunStatus.FAILED, timezone.now(), message
    run.done = run.verdicts = 0
    run.save(update_fields=["status", "finished_at", "error", "done", "verdicts"])
    audit.record(
        actor=run.requested_by,
        action=EvaluationAction.RUN_FAIL,
        target=run,
        reason=message[:500],
    )
