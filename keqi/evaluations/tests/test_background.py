"""The real task queue: the button's run is picked up by a django-tasks DB worker."""

from __future__ import annotations

from typing import Any

import pytest
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from keqi.evaluations.models import EvaluationRun, RunStatus
from keqi.evaluations.services import evaluation_run_request
from keqi.evaluations.tests.helpers import AS_OF, candidate


@pytest.mark.django_db(transaction=True)
def test_a_queued_run_is_executed_by_the_database_worker(hq) -> None:  # type: ignore[no-untyped-def]
    candidate(), candidate("koudong")
    run = evaluation_run_request(as_of=AS_OF, actor=hq)
    run.refresh_from_db()
    task = DBTaskResult.objects.get()
    assert run.task_id == str(task.id) and run.status == RunStatus.QUEUED

    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
    )
    worker.run()  # batch mode: runs what is queued, then returns

    run = EvaluationRun.objects.get(pk=run.pk)
    assert run.status == RunStatus.DONE and run.done == run.total == 2
    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert task.return_value == run.verdicts


@pytest.mark.django_db(transaction=True)
def test_each_chunk_commits_on_its_own_and_is_evaluated_outside_any_transaction(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Other users can write between chunks: the run never holds the database's
    write lock while it reads and evaluates, only while it writes one chunk."""
    from django.db import connection

    from keqi.evaluations import services
    from keqi.evaluations.models import StoredVerdict
    from keqi.evaluations.tests.helpers import run_now

    monkeypatch.setattr(services, "CHUNK", 1)
    candidate(), candidate("koudong")
    during_evaluation: list[bool] = []

    def spied(real: Any) -> Any:
        def spy(*args: Any, **kwargs: Any) -> Any:
            during_evaluation.append(connection.in_atomic_block)
            return real(*args, **kwargs)

        return spy

    # the columnar engine (programmes stored as codes) and the per-enterprise one
    for name in ("evaluate_batch", "evaluate_programme"):
        monkeypatch.setattr(services, name, spied(getattr(services, name)))
    after_chunks: list[tuple[bool, int]] = []

    def progress(run: EvaluationRun) -> None:
        stored = StoredVerdict.objects.filter(run=run).count()
        after_chunks.append((connection.in_atomic_block, stored))

    run_now(progress=progress)
    assert during_evaluation and not any(during_evaluation)
    assert [inside for inside, _ in after_chunks] == [False, False]
    assert 0 < after_chunks[0][1] < after_chunks[1][1]
