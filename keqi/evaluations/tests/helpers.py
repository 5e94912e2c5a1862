"""Builders for evaluation tests: a 科技型中小企业 candidate whose verdict turns on
the 500-person staff cap, and runs executed directly (no worker needed)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from keqi.core.testing import add_figures, make_enterprise
from keqi.criteria.engine import EngineSetup, engine_setup_build
from keqi.evaluations.models import EvaluationRun, RunTrigger, StoredVerdict
from keqi.evaluations.services import evaluation_run_create, evaluation_run_execute
from keqi.registry.models import Enterprise
from keqi.registry.services import ip_upsert

AS_OF = dt.date(2019, 6, 30)
#: HQ raises the 科技型中小企业 staff cap from 500 to 600.
WIDER_STAFF_CAP = {"tech_sme.staff_max": {"value": {"op": "<=", "value": 600}}}


def candidate(area: str = "dakoutun", staff: int = 510) -> Enterprise:
    """Strong on every 科技型中小企业 score item; `staff` decides the size gate."""
    ent = make_enterprise(
        area,
        registered_region="天津市宝坻区",
        tech_field="电子信息",
        restricted_products=False,
    )
    add_figures(
        ent,
        2018,
        staff_total=staff,
        tech_staff=200,
        sales_revenue=3000,
        rd_expense=300,
        total_assets=5000,
        total_cost=2500,
    )
    ip_upsert(
        enterprise=ent,
        number=f"ZL{ent.pk:06d}",
        values={
            "category": "发明专利",
            "granted_on": dt.date(2017, 1, 1),
            "acquisition": "自主研发",
            "related_to_main": True,
        },
        actor=None,
    )
    return ent


def wider_cap() -> EngineSetup:
    return engine_setup_build(WIDER_STAFF_CAP, ())


def run_now(
    as_of: dt.date = AS_OF, setup: EngineSetup | None = None, **kwargs: Any
) -> EvaluationRun:
    """A run requested by the system and executed at once."""
    run = evaluation_run_create(
        as_of=as_of, trigger=RunTrigger.CLI, actor=None, setup=setup
    )
    return evaluation_run_execute(run=run, **kwargs)


def verdict_of(
    run: EvaluationRun, ent: Enterprise, key: str = "tech_sme"
) -> StoredVerdict:
    return StoredVerdict.objects.get(run=run, enterprise=ent, programme=key)
