"""Background tasks of the registry: workbook import (check, then apply) and
export, run by `keqi worker` (or the worker `keqi serve` starts)."""

from __future__ import annotations

from collections.abc import Callable

from django_tasks import task

from keqi.registry.models import WorkbookJob
from keqi.registry.workbook import jobs

FAILED = "后台任务出错，未做任何修改，请重试或联系管理员"


def _run(job_id: int, work: Callable[[WorkbookJob], object]) -> str:
    job = WorkbookJob.objects.select_related("user").get(pk=job_id)
    try:
        work(job)
    except Exception:
        jobs.workbook_job_fail(job=job, message=FAILED)
        raise
    return str(job.status)


@task()
def workbook_check_task(job_id: int) -> str:
    """Read and check an uploaded workbook; store its preview or errors."""
    return _run(job_id, lambda job: jobs.workbook_check_execute(job=job))


@task()
def workbook_apply_task(job_id: int) -> str:
    """Apply a confirmed workbook import (all or nothing)."""
    return _run(job_id, lambda job: jobs.workbook_apply_execute(job=job))


@task()
def workbook_export_task(job_id: int) -> str:
    """Write a registry export to a file to download."""
    return _run(
        job_id,
        lambda job: jobs.workbook_export_execute(
            job=job, enterprises=jobs.export_selection(job.user, job.params)[0]
        ),
    )
