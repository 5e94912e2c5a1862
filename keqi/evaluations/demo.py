"""Demo data: the demo enterprises evaluated and stored as of the demo's today.

Runs are per district. Baodi (the district of the demo's HQ login) gets one run
with the shipped parameters and, when HQ's stored parameter changes are in force
(another app's demo may have made some), a second run with them, so that the
comparison page shows which enterprises those changes flip. The second demo
district gets its own run once its enterprises are loaded (`district_runs_load`).
"""

from __future__ import annotations

import datetime as dt
import time

from keqi.accounts.models import District, Unit
from keqi.criteria.engine import EngineSetup, engine_setup, engine_setup_build
from keqi.evaluations.models import EvaluationRun, RunStatus, RunTrigger
from keqi.evaluations.services import evaluation_run_create, evaluation_run_execute


def demo_load(as_of: dt.date) -> list[str]:
    """Store Baodi's demo runs as of ``as_of`` that are not there already."""
    hq = Unit.objects.filter(code="hq").select_related("district").first()
    return district_runs_load(as_of, hq.district if hq is not None else None)


def district_runs_load(as_of: dt.date, district: District | None) -> list[str]:
    """The district's demo runs as of ``as_of`` (shipped parameters, and HQ's
    changes when there are some) that are not there already."""
    shipped, current = engine_setup_build({}, ()), engine_setup()
    setups = [shipped]
    if current.snapshot() != shipped.snapshot():
        setups.append(current)
    return [_one(as_of, setup, district) for setup in setups]


def _one(as_of: dt.date, setup: EngineSetup, district: District | None) -> str:
    snapshot = setup.snapshot()
    for run in EvaluationRun.objects.filter(
        as_of=as_of, trigger=RunTrigger.DEMO, status=RunStatus.DONE, district=district
    ):
        if run.setup == snapshot:
            return f"评价记录：{run} 已存在，未改动。"
    started = time.perf_counter()
    run = evaluation_run_create(
        as_of=as_of,
        trigger=RunTrigger.DEMO,
        actor=None,
        setup=setup,
        district=district,
    )
    run = evaluation_run_execute(run=run)
    changes = (
        f"按指挥部调整的 {len(run.overrides)} 项参数" if run.overrides else "按发布参数"
    )
    where = district.name if district is not None else "全市"
    return (
        f"评价记录（{where}）：{changes}评价 {run.done} 家企业，保存 {run.verdicts} 条结论"
        f"（基准日 {as_of.isoformat()}，用时 {time.perf_counter() - started:.1f} 秒）。"
    )
