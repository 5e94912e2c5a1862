"""Things every app shares: the audit trail."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One change made by someone: who, when, what, old → new, and why.

    Rows are only ever added. `subject` groups events under the record a person
    looks at (e.g. "enterprise:42"), so an enterprise page can show the history of
    its figures, IP and qualifications in one list.
    """

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField("操作", max_length=60, db_index=True)
    target_type = models.CharField("对象类型", max_length=60)
    target_id = models.CharField("对象编号", max_length=64)
    target_repr = models.CharField("对象", max_length=200, blank=True)
    subject = models.CharField("归属", max_length=80, blank=True, db_index=True)
    changes = models.JSONField("变更内容", default=dict, blank=True)
    reason = models.CharField("原因", max_length=500, blank=True)

    class Meta:
        verbose_name = "操作记录"
        verbose_name_plural = "操作记录"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_repr}"
