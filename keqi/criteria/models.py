"""HQ's changes to the rules, kept as append-only history.

Nothing here is ever updated or deleted: a correction is a new row.  The set in
force is derived from the rows (see ``keqi.criteria.selectors``): for a
parameter, the latest row per date of effect; for a composed programme, the
latest row per version.  A withdrawn row (``withdrawn=True``) takes an earlier
edit or version back out.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ParamStatus(models.TextChoices):
    """How well a value is sourced (the engine's statuses)."""

    CONFIRMED = "confirmed", "已核实"
    SINGLE_SOURCE = "single_source", "单一来源"
    UNCONFIRMED = "unconfirmed", "未核实"


class ParamEdit(models.Model):
    """One HQ edit of an engine parameter: a value from a date, or its withdrawal."""

    param_id = models.CharField("参数", max_length=100, db_index=True)
    value_text = models.TextField("取值", blank=True)
    effective_from = models.DateField("生效日期")
    status = models.CharField(
        "来源状态", max_length=20, choices=ParamStatus.choices, blank=True
    )
    withdrawn = models.BooleanField("撤销此日期的修改", default=False)
    reason = models.TextField("修改理由")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="修改人",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField("修改时间", auto_now_add=True)

    class Meta:
        verbose_name = "参数修改"
        verbose_name_plural = "参数修改"
        ordering = ["param_id", "id"]

    def __str__(self) -> str:
        action = "撤销" if self.withdrawn else self.value_text
        return f"{self.param_id}（{self.effective_from} 起）：{action}"[:200]


class ProgrammeDefinition(models.Model):
    """One saved version of a composed programme (the definition as data).

    ``definition`` is the mapping ``keqi.rules.compose_programmes`` reads (key,
    name, version, effective_from, document, status, require, conditions).
    """

    key = models.CharField("项目代码", max_length=40, db_index=True)
    version = models.CharField("版本", max_length=40)
    effective_from = models.DateField("生效日期")
    definition = models.JSONField("定义", default=dict)
    withdrawn = models.BooleanField("撤销此版本", default=False)
    reason = models.TextField("修改理由")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="修改人",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField("保存时间", auto_now_add=True)

    class Meta:
        verbose_name = "评价项目定义"
        verbose_name_plural = "评价项目定义"
        ordering = ["key", "id"]

    def __str__(self) -> str:
        action = "（撤销）" if self.withdrawn else ""
        return f"{self.key} {self.version}（{self.effective_from} 起）{action}"
