"""Stored evaluations: a run over the registry as of a date, and every verdict it gave.

A run keeps the engine setup it used (rule version, HQ's parameter overrides and
composed programmes); each enterprise evaluated keeps the exact facts the engine saw;
each verdict keeps its JSON text.  Together they let a past verdict be re-evaluated
and compared byte for byte, whatever has changed in the registry since.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from keqi.registry.models import Enterprise

#: A run with no progress for this long is reported as possibly interrupted.
STALL_AFTER = dt.timedelta(minutes=10)


class RunStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "评价中"
    DONE = "done", "已完成"
    FAILED = "failed", "未完成（出错）"


class RunTrigger(models.TextChoices):
    BUTTON = "button", "网页按钮"
    CLI = "cli", "命令行 keqi evaluate --registry"
    DEMO = "demo", "演示数据"


class Outcome(models.TextChoices):
    ELIGIBLE = "eligible", "符合条件"
    INELIGIBLE = "ineligible", "不符合条件"
    UNDETERMINED = "undetermined", "尚不能确定"


class EvaluationRun(models.Model):
    """One evaluation of every enterprise in the registry as of a date."""

    as_of = models.DateField("评价基准日")
    trigger = models.CharField("发起方式", max_length=10, choices=RunTrigger.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    programmes = models.JSONField("限定项目", default=list, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    total = models.PositiveIntegerField("企业总数", default=0)
    done = models.PositiveIntegerField("已评价", default=0)
    verdicts = models.PositiveIntegerField("结论条数", default=0)
    requested_at = models.DateTimeField("发起时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    progressed_at = models.DateTimeField("最近进展", null=True, blank=True)
    setup = models.JSONField("规则与参数快照", default=dict)
    rules_version = models.CharField("规则版本", max_length=40)
    task_id = models.CharField("后台任务编号", max_length=64, blank=True)
    error = models.TextField("出错信息", blank=True)

    class Meta:
        verbose_name = "评价批次"
        verbose_name_plural = "评价批次"
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"第{self.pk}次评价（基准日 {self.as_of.isoformat()}）"

    @property
    def percent(self) -> int:
        """Progress in whole percent (100 when finished)."""
        if self.status == RunStatus.DONE:
            return 100
        return self.done * 100 // self.total if self.total else 0

    @property
    def in_progress(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)

    @property
    def stalled(self) -> bool:
        """Waiting or running with no progress for STALL_AFTER (e.g. the worker
        was stopped mid-run): the page stops refreshing and says so."""
        if not self.in_progress:
            return False
        last = self.progressed_at or self.requested_at
        return last is not None and timezone.now() - last > STALL_AFTER

    @property
    def overrides(self) -> dict[str, object]:
        """HQ's parameter overrides in force for this run (from the snapshot)."""
        return dict(self.setup.get("overrides", {}))


class EvaluatedEnterprise(models.Model):
    """One enterprise in one run, with the exact facts the engine saw (JSON text)."""

    run = models.ForeignKey(
        EvaluationRun,
        verbose_name="评价批次",
        on_delete=models.CASCADE,
        related_name="entries",
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="+"
    )
    facts = models.TextField("评价所用数据（JSON）")

    class Meta:
        verbose_name = "参评企业"
        verbose_name_plural = "参评企业"
        constraints = [
            models.UniqueConstraint(
                fields=["run", "enterprise"], name="evaluations_entry_once_per_run"
            )
        ]

    def __str__(self) -> str:
        return f"{self.run} · 企业 {self.enterprise_id}"


class StoredVerdict(models.Model):
    """One programme's verdict for one enterprise in one run, as the engine gave it."""

    entry = models.ForeignKey(
        EvaluatedEnterprise,
        verbose_name="参评企业",
        on_delete=models.CASCADE,
        related_name="verdicts",
    )
    # Copied from the entry so that lists and comparisons need no join.
    run = models.ForeignKey(
        EvaluationRun,
        verbose_name="评价批次",
        on_delete=models.CASCADE,
        related_name="+",
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="+"
    )
    programme = models.CharField("项目", max_length=40)
    programme_name = models.CharField("项目名称", max_length=60)
    version = models.CharField("规则版本", max_length=40)
    outcome = models.CharField("结论", max_length=12, choices=Outcome.choices)
    score_low = models.IntegerField("得分（低）", null=True, blank=True)
    score_high = models.IntegerField("得分（高）", null=True, blank=True)
    flags = models.JSONField("使用的待核实参数", default=list, blank=True)
    result = models.TextField("结论全文（JSON）")

    class Meta:
        verbose_name = "评价结论"
        verbose_name_plural = "评价结论"
        constraints = [
            models.UniqueConstraint(
                fields=["run", "enterprise", "programme"],
                name="evaluations_verdict_once_per_run",
            )
        ]
        indexes = [models.Index(fields=["run", "programme", "outcome"])]

    def __str__(self) -> str:
        return f"{self.run} · {self.programme_name} · {self.get_outcome_display()}"

    @property
    def score_text(self) -> str:
        """The score, or its range when expert items are open; — when not scored."""
        if self.score_low is None:
            return "—"
        if self.score_low == self.score_high:
            return str(self.score_low)
        return f"{self.score_low}–{self.score_high}"
