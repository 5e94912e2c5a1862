"""Cultivation data kept as rows HQ can edit: the tier ladder and the reminder
calendar, each district its own (issue 17; defaults in keqi.cultivation.defaults)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from keqi.accounts.models import District
from keqi.registry.models import Enterprise, QualificationKind

# A certificate of standard IP management (GB/T 29490 贯标) is recorded and
# counted but is no cultivation title: it never becomes a rung of the ladder.
NOT_TIERS = frozenset({QualificationKind.IP_MANAGEMENT.value})
TIER_KINDS = [
    (v, label) for v, label in QualificationKind.choices if v not in NOT_TIERS
]


class RungRole(models.TextChoices):
    TIER = "tier", "梯度层级"
    MARK = "mark", "国家级标识"


class TierRung(models.Model):
    """One rung of a district's tier ladder (position 1 is the lowest), or its
    national mark."""

    district = models.ForeignKey(
        District,
        verbose_name="所属区",
        on_delete=models.CASCADE,
        related_name="tier_rungs",
    )
    kind = models.CharField("资质类型", max_length=20, choices=TIER_KINDS)
    position = models.PositiveSmallIntegerField("次序（1为最低）")
    role = models.CharField(
        "作用", max_length=10, choices=RungRole.choices, default=RungRole.TIER
    )

    class Meta:
        verbose_name = "梯度层级"
        verbose_name_plural = "梯度层级"
        ordering = ["district", "role", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "kind"], name="one_rung_per_district_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.kind}"


class Audience(models.TextChoices):
    HOLDERS = "holders", "期间持有所列资质的企业"
    EXPIRING = "expiring", "所列资质当年到期的企业"
    PREVIOUS_HOLDERS = "previous", "上一年持有所列资质的企业"
    ALL = "all", "全部企业"


class DueRule(models.TextChoices):
    FIXED = "fixed", "每年固定日期（可按年份另行设定）"
    VALID_UNTIL = "valid_until", "资质有效期届满日"


class ReminderType(models.Model):
    """A recurring duty (证书到期, 年报, 统计报表…) and whom and when it concerns,
    as one district sets it. Its year dates (ReminderDate) and the marks of done
    (ReminderDone, for that district's enterprises) belong to it, so they are the
    district's too."""

    district = models.ForeignKey(
        District,
        verbose_name="所属区",
        on_delete=models.CASCADE,
        related_name="reminder_types",
    )
    code = models.SlugField("代码", max_length=40)
    name = models.CharField("名称", max_length=60)
    audience = models.CharField("适用企业", max_length=10, choices=Audience.choices)
    kinds = models.JSONField("相关资质", default=list, blank=True)
    include_above_scale = models.BooleanField("同时包括规上企业", default=False)
    due_rule = models.CharField("截止日规则", max_length=12, choices=DueRule.choices)
    opens_month = models.PositiveSmallIntegerField("每年开始月", null=True, blank=True)
    opens_day = models.PositiveSmallIntegerField("每年开始日", null=True, blank=True)
    due_month = models.PositiveSmallIntegerField("每年截止月", null=True, blank=True)
    due_day = models.PositiveSmallIntegerField("每年截止日", null=True, blank=True)
    basis = models.CharField("依据/说明", max_length=300, blank=True)
    enabled = models.BooleanField("启用", default=True)
    sort = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "提醒事项"
        verbose_name_plural = "提醒事项"
        ordering = ["district", "sort", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "code"], name="one_reminder_type_per_district"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ReminderDate(models.Model):
    """The dates one year's notice set for a reminder (e.g. 2019 科小 due 2019-10-31),
    in the district of its reminder type (one row per type and year, so one per
    district, reminder and year)."""

    reminder_type = models.ForeignKey(
        ReminderType,
        verbose_name="提醒事项",
        on_delete=models.CASCADE,
        related_name="dates",
    )
    year = models.PositiveSmallIntegerField("年度")
    opens_on = models.DateField("开始日期", null=True, blank=True)
    due_on = models.DateField("截止日期")
    note = models.CharField("依据/说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "年度提醒日期"
        verbose_name_plural = "年度提醒日期"
        ordering = ["reminder_type", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["reminder_type", "year"], name="one_reminder_date_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reminder_type} {self.year}"


class ReminderDone(models.Model):
    """A reminder marked done for one enterprise and year."""

    reminder_type = models.ForeignKey(
        ReminderType,
        verbose_name="提醒事项",
        on_delete=models.CASCADE,
        related_name="done",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name="企业",
        on_delete=models.CASCADE,
        related_name="reminders_done",
    )
    year = models.PositiveSmallIntegerField("年度")
    done_on = models.DateField("完成日期")
    note = models.CharField("说明", max_length=300, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "提醒完成记录"
        verbose_name_plural = "提醒完成记录"
        ordering = ["reminder_type", "enterprise", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["reminder_type", "enterprise", "year"],
                name="one_done_per_reminder_year",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reminder_type} {self.year} {self.enterprise}"


class TableState(models.TextChoices):
    WAITING = "waiting", "排队中"
    RUNNING = "running", "计算中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class ReserveTable(models.Model):
    """One programme's figures for the whole registry on one day (the reserve
    lists' ranking), computed by the background worker and kept here so no page
    request ever computes them; see keqi.cultivation.columns."""

    programme = models.CharField("培育项目", max_length=40)
    kind = models.CharField("资质类型", max_length=20)
    day = models.DateField("评价日期")
    rules = models.CharField("评价规则摘要", max_length=64)
    fingerprint = models.CharField("企业库状态摘要", max_length=64)
    state = models.CharField(
        "状态", max_length=8, choices=TableState.choices, default=TableState.WAITING
    )
    done = models.PositiveIntegerField("已计算企业数", default=0)
    total = models.PositiveIntegerField("企业总数", default=0)
    requested_at = models.DateTimeField("请求时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    data = models.BinaryField("测算数据", null=True, blank=True)
    error = models.CharField("错误", max_length=500, blank=True)

    class Meta:
        verbose_name = "后备库测算表"
        verbose_name_plural = "后备库测算表"
        indexes = [
            models.Index(
                fields=["programme", "day", "rules", "state"],
                name="reserve_table_lookup",
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.day} {self.get_state_display()}"
