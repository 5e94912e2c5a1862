"""Background tasks shared by every app: prepared downloads (keqi.core.downloads),
run by `keqi worker` (or the worker `keqi serve` starts)."""

from __future__ import annotations

from django_tasks import task

from keqi.core.downloads import download_execute, download_fail
from keqi.core.models import Download


@task()
def download_task(download_id: int) -> str:
    """Write download `download_id`'s file; on any error say so on its page."""
    try:
        return str(download_execute(download_id).state)
    except Exception:
        found = Download.objects.filter(pk=download_id).first()
        if found is not None:
            download_fail(found)
        raise
