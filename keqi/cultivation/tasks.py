"""Background tasks of the cultivation pages, run by the task worker (`keqi serve`
starts one; `keqi worker` runs more)."""

from __future__ import annotations

from django_tasks import task

from keqi.cultivation.columns import reserve_table_compute


@task()
def reserve_table_task(table_id: int) -> int:
    """Compute and store reserve table ``table_id``; returns the enterprises counted."""
    return reserve_table_compute(table_id)
