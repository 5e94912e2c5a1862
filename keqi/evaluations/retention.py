"""Keeping stored evaluations from growing without end: which runs to keep, and pruning
the rest (`keqi evaluations prune`).

A run is kept when any of these holds:

* it was requested within the retention period (``KEQI_EVALUATION_KEEP_DAYS``,
  default 365 days; 0 keeps nothing by age);
* it is the latest finished run of its district and month (by 评价基准日), so
  every month of each district's history keeps one complete evaluation;
* it is the latest finished run of its district (city-wide runs count as one
  more district), or is still waiting or running;
* something cites it.  Other apps that cite runs (a 公示, an award, a report that
  quotes a run's verdicts) register a citer with :func:`run_citer_register`; today
  no app stores a run id (funds copies its evidence onto the award, and campaign
  reports carry their own figures), so nothing is registered.

Facts and verdict texts no remaining run uses are deleted with the runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from keqi.core import audit
from keqi.evaluations.models import (
    EvaluatedEnterprise,
    EvaluationRun,
    FactsText,
    RunStatus,
    StoredVerdict,
    VerdictText,
)

#: Given nothing, the ids of the runs something cites (one query, please).
RunCiter = Callable[[], Iterable[int]]
_CITERS: dict[str, RunCiter] = {}

KEEP_REASONS = {
    "recent": "保留期内",
    "month": "本区当月最后一次完成的评价",
    "latest": "本区最近一次完成的评价",
    "active": "尚未完成",
    "cited": "被公示、奖励或报告引用",
}


class EvaluationRetentionAction:
    PRUNE = "evaluation.prune"


def run_citer_register(key: str, citer: RunCiter) -> None:
    """Let another app protect the runs it cites (call from AppConfig.ready)."""
    _CITERS[key] = citer


def cited_run_ids() -> set[int]:
    """Ids of every run a registered citer names."""
    found: set[int] = set()
    for citer in _CITERS.values():
        found.update(citer())
    return found


def keep_days() -> int:
    """The retention period in days (``KEQI_EVALUATION_KEEP_DAYS``)."""
    return int(getattr(settings, "KEQI_EVALUATION_KEEP_DAYS", 365))


@dataclass
class PrunePlan:
    """Which runs go and which stay (with why)."""

    keep_days: int
    cutoff: dt.datetime
    prune: list[EvaluationRun] = field(default_factory=list)
    kept: dict[int, str] = field(default_factory=dict)
    verdicts: int = 0

    @property
    def kept_count(self) -> int:
        return len(self.kept)


def prune_plan(*, days: int | None = None, now: dt.datetime | None = None) -> PrunePlan:
    """The runs a prune would delete now, and the reason each other run is kept."""
    days = keep_days() if days is None else days
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    runs = list(EvaluationRun.objects.order_by("-requested_at", "-pk"))
    cited = cited_run_ids()
    plan = PrunePlan(days, cutoff)
    # Each district's history stands alone: another district's newer run
    # never makes a district's latest one prunable.
    months: set[tuple[int | None, int, int]] = set()
    latest_seen: set[int | None] = set()
    for run in runs:  # latest first
        reason = ""
        if run.status == RunStatus.DONE:
            month = (run.district_id, run.as_of.year, run.as_of.month)
            if run.district_id not in latest_seen:
                latest_seen.add(run.district_id)
                reason = "latest"
            elif month not in months:
                reason = "month"
            months.add(month)
        if run.pk in cited:
            reason = "cited"
        elif run.in_progress:
            reason = "active"
        elif not reason and days > 0 and run.requested_at >= cutoff:
            reason = "recent"
        if reason:
            plan.kept[run.pk] = reason
        else:
            plan.prune.append(run)
            plan.verdicts += run.verdicts
    return plan


def evaluation_runs_prune(
    *, actor: Any, days: int | None = None, now: dt.datetime | None = None
) -> PrunePlan:
    """Delete the runs :func:`prune_plan` names, one run per transaction (audited),
    then the texts no run uses any more."""
    plan = prune_plan(days=days, now=now)
    for run in plan.prune:
        _run_delete(run, actor, plan.keep_days)
    texts_unused_delete()
    return plan


@transaction.atomic
def _run_delete(run: EvaluationRun, actor: Any, days: int) -> None:
    audit.record(
        actor=actor,
        action=EvaluationRetentionAction.PRUNE,
        target=run,
        changes={
            "as_of": [run.as_of.isoformat(), None],
            "status": [run.status, None],
            "verdicts": [run.verdicts, None],
        },
        reason=f"超过保留期（{days} 天），且不是当月最后一次完成的评价、未被引用",
    )
    StoredVerdict.objects.filter(run=run).delete()
    EvaluatedEnterprise.objects.filter(run=run).delete()
    EvaluationRun.objects.filter(pk=run.pk).delete()  # the plan keeps the instance


def texts_unused_delete() -> tuple[int, int]:
    """Delete facts and verdict texts no stored row refers to; (facts, verdicts).

    Skipped while a run waits or runs: it may be about to point at a text it has
    just looked up.  The next prune removes them."""
    if EvaluationRun.objects.filter(
        status__in=[RunStatus.QUEUED, RunStatus.RUNNING]
    ).exists():
        return 0, 0
    with transaction.atomic():
        facts, _ = FactsText.objects.exclude(
            pk__in=EvaluatedEnterprise.objects.values("facts_text_id")
        ).delete()
    with transaction.atomic():
        texts, _ = VerdictText.objects.exclude(
            pk__in=StoredVerdict.objects.filter(text__isnull=False).values("text_id")
        ).delete()
    return facts, texts
