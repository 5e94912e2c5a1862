"""Demo data: one stored evaluation of every demo enterprise as of the demo's today."""

from __future__ import annotations

import datetime as dt
import time

from keqi.evaluations.models import EvaluationRun, RunStatus, RunTrigger
from keqi.evaluations.services import evaluation_run_create, evaluation_run_execute


def demo_load(as_of: dt.date) -> list[str]:
    """Store one finished run as of ``as_of`` unless one is there already."""
    done = EvaluationRun.objects.filter(
        as_of=as_of, trigger=RunTrigger.DEMO, status=RunStatus.DONE
    ).first()
    if done is not None:
        return [f"评价记录：{done} 已存在，未改动。"]
    started = time.perf_counter()
    run = evaluation_run_create(as_of=as_of, trigger=RunTrigger.DEMO, actor=None)
    run = evaluation_run_execute(run=run)
    seconds = time.perf_counter() - started
    return [
        f"评价记录：已评价 {run.done} 家企业，保存 {run.verdicts} 条结论"
        f"（基准日 {as_of.isoformat()}，用时 {seconds:.1f} 秒）。"
    ]
