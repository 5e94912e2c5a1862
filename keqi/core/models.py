"""Things every app shares: the audit trail."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone


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


class DownloadState(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "生成中"
    DONE = "done", "已完成"
    FAILED = "failed", "未完成"


class Download(models.Model):
    """A large list download prepared by the background worker (keqi.core.downloads).

    The scope (role, district, area) is the requester's at the time of asking and
    is what the file holds, whatever happens to the account afterwards; only the
    requester, or an HQ administrator of the same district, may fetch the file,
    which is removed after ``KEQI_DOWNLOAD_KEEP_HOURS``.
    """

    kind = models.CharField("下载类型", max_length=60)
    title = models.CharField("名称", max_length=200)
    params = models.JSONField("筛选条件", default=dict, blank=True)
    origin = models.CharField("列表页地址", max_length=1000, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    role = models.CharField("发起时的角色", max_length=20)
    superuser = models.BooleanField("发起时为系统运维", default=False)
    district = models.ForeignKey(
        "accounts.District",
        verbose_name="发起时所在区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    area = models.ForeignKey(
        "accounts.Area",
        verbose_name="发起时所在街镇/园区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        "状态",
        max_length=10,
        choices=DownloadState.choices,
        default=DownloadState.QUEUED,
    )
    done = models.PositiveIntegerField("已写出行数", default=0)
    total = models.PositiveIntegerField("总行数", default=0)
    filename = models.CharField("文件名", max_length=255, blank=True)
    path = models.CharField("文件位置", max_length=500, blank=True)
    size = models.PositiveBigIntegerField("大小（字节）", default=0)
    error = models.CharField("错误", max_length=500, blank=True)
    created_at = models.DateTimeField("发起时间", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField("最近进展", auto_now=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "后台下载"
        verbose_name_plural = "后台下载"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title}（{self.get_state_display()}）"

    @property
    def in_progress(self) -> bool:
        """Waiting for or inside the worker (the page refreshes itself)."""
        return self.state in (DownloadState.QUEUED, DownloadState.RUNNING)

    @property
    def stalled(self) -> bool:
        """In progress with no progress for DOWNLOAD_STALL_AFTER (the worker was
        stopped mid-job, or none runs): the page stops refreshing and says so."""
        if not self.in_progress:
            return False
        last = self.updated_at or self.created_at
        return last is not None and timezone.now() - last > DOWNLOAD_STALL_AFTER

    @property
    def percent(self) -> int:
        """Rows written so far, in whole per cent of the total."""
        return min(100, self.done * 100 // self.total) if self.total else 0


# A download writes its progress at least every few seconds; this long without
# any is taken to mean the worker stopped (or none is running).
DOWNLOAD_STALL_AFTER = dt.timedelta(minutes=10)
