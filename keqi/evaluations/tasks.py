"""The background task: a requested evaluation run, executed by a task worker.

`keqi serve` starts a worker beside the web server; on larger installations run
`keqi worker` on as many machines as needed (they share the queue).
"""

from __future__ import annotations

from django_tasks import task

from keqi.evaluations.models import EvaluationRun
from keqi.evaluations.services import evaluation_run_execute


@task()
def evaluation_run_task(run_id: int) -> int:
    """Execute run ``run_id``; returns the number of verdicts stored."""
    run = EvaluationRun.objects.get(pk=run_id)
    return evaluation_run_execute(run=run).verdicts
