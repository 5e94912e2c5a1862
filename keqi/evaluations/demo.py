"""Demo data: the demo enterprises evaluated and stored as of the demo's today.

One run with the shipped parameters; when HQ's stored parameter changes are in
force (another app's demo may have made some), a second run with them, so that the
comparison page shows which enterprises those changes flip.
"""

from __future__ import annotations

import datetime as dt
import time

from keqi.criteria.engine import EngineSetup, engine_setup, engine_setup_build
from keqi.evaluations.models import EvaluationRun, RunStatus, RunTrigger
from keqi.evaluations.services import evaluation_run_create, evaluation_run_execute


def demo_load(as_of: dt.date) -> list[str]:
    """Store the demo runs as of ``as_of`` that are not there already."""
    shipped, current = engine_setup_build({}, ()), engine_setup()
    setups = [shipped]
    if current.snapshot() != shipped.snapshot():
        setups.append(current)
    return [_one(as_of, setup) for setup in setups]


def _one(as_of: dt.date, setup: EngineSetup) -> str:
    snapshot = setup.snapshot()
    for run in EvaluationRun.objects.filter(
        as_of=as_of, trigger=RunTrigger.DEMO, status=RunStatus.DONE
    ):
        if run.setup == snapshot:
            return f"评价记录：{run} 已存在，未改动。"
    started = time.perf_counter()
    run = evaluation_run_create(
        as_of=as_of, trigger=RunTrigger.DEMO, actor=None, setup=setup
    )
    run = evaluation_run_execute(run=run)
    changes = (
        f"按指挥部调整的 {len(run.overrides)} 项参数" if run.overrides else "按发布参数"
    )
    return (
        f"评价记录：{changes}评价 {run.done} 家企业，保存 {run.verdicts} 条结论"
        f"（基准日 {as_of.isoformat()}，用时 {time.perf_counter() - started:.1f} 秒）。"
    )
