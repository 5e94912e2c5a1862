"""Writing the demo data set through the registry services.

Every row goes through the same audited `*_upsert` service an import uses, with
no actor (the system) and the reason "演示数据", so each enterprise's history says
where its data came from. Upserts make a second run change nothing.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction

from keqi.accounts.models import Area
from keqi.core.demo.generator import DemoEnterprise
from keqi.registry.models import Enterprise
from keqi.registry.services import (
    credit_record_upsert,
    enterprise_upsert,
    figures_upsert,
    ip_upsert,
    qualification_upsert,
)

REASON = "演示数据（系统自带的示例，仅供演示）"
SYSTEM: dict[str, Any] = {"actor": None, "reason": REASON}  # the system writes it
# The registry stores six decimal places; handing values over at that scale makes
# a re-run compare equal to what the database returns (same number either way).
STORED_PLACES = Decimal("0.000001")


class DemoSetupError(RuntimeError):
    """The database is not ready for demo data (a Chinese message says why)."""


@dataclass
class LoadSummary:
    """What a load did, per kind of row: created / updated / unchanged."""

    counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    seconds: float = 0.0

    def add(self, table: str, outcome: str) -> None:
        self.counts[(table, outcome)] += 1

    def total(self, outcome: str) -> int:
        return sum(n for (_, o), n in self.counts.items() if o == outcome)


def stored(values: dict[str, Any]) -> dict[str, Any]:
    """Values with Decimals at the registry's scale."""
    return {
        k: v.quantize(STORED_PLACES) if isinstance(v, Decimal) else v
        for k, v in values.items()
    }


def _areas(dataset: list[DemoEnterprise]) -> dict[str, Area]:
    areas = {a.code: a for a in Area.objects.all()}
    missing = sorted({e.area for e in dataset} - set(areas))
    if missing:
        raise DemoSetupError(
            "数据库中没有这些街镇/园区："
            + "、".join(missing)
            + "。请先运行 keqi init。"
        )
    return areas


def load_enterprise(ent: DemoEnterprise, area: Area, summary: LoadSummary) -> None:
    """One enterprise with its figures, IP, qualifications and credit records."""
    done = enterprise_upsert(
        uscc=ent.uscc,
        values={**ent.values, "area": area},
        actor=None,
        reason=REASON,
    )
    summary.add("enterprise", done.outcome)
    row: Enterprise = done.row
    for year, values in ent.figures.items():
        summary.add(
            "figures",
            figures_upsert(
                enterprise=row, year=year, values=stored(values), **SYSTEM
            ).outcome,
        )
    for number, values in ent.ip.items():
        summary.add(
            "ip",
            ip_upsert(enterprise=row, number=number, values=values, **SYSTEM).outcome,
        )
    for kind, values in ent.qualifications:
        summary.add(
            "qualification",
            qualification_upsert(
                enterprise=row, kind=kind, values=stored(values), **SYSTEM
            ).outcome,
        )
    for kind, day, values in ent.credits:
        summary.add(
            "credit",
            credit_record_upsert(
                enterprise=row, kind=kind, occurred_on=day, values=values, **SYSTEM
            ).outcome,
        )


def demo_load(dataset: list[DemoEnterprise]) -> LoadSummary:
    """Write the data set in one transaction: all of it or, on error, none."""
    started = time.perf_counter()
    summary = LoadSummary()
    with transaction.atomic():
        areas = _areas(dataset)
        for ent in dataset:
            load_enterprise(ent, areas[ent.area], summary)
    summary.seconds = time.perf_counter() - started
    return summary
