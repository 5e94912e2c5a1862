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


class GeneratedReport(models.Model):
    """A generated report (Word, PDF, Excel) kept exactly as it was handed out.

    ``data_version`` is the number of the latest audit event when it was made, so
    anyone can tell whether the data has changed since; rows are never edited.
    """

    kind = models.CharField("类别", max_length=60, db_index=True)
    title = models.CharField("名称", max_length=200)
    filename = models.CharField("文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=120)
    content = models.BinaryField("文件内容")
    size = models.PositiveIntegerField("大小（字节）")
    as_of = models.DateField("数据截至", null=True, blank=True)
    data_version = models.PositiveBigIntegerField("数据版本")
    parameters = models.JSONField("生成条件", default=dict, blank=True)
    created_at = models.DateTimeField("生成时间", auto_now_add=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="生成人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "已生成报告"
        verbose_name_plural = "已生成报告"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title}（{self.created_at:%Y-%m-%d %H:%M}）"
