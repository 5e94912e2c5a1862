"""Activities, contests and talent of the campaign (活动、大赛与人才).

Innovation platforms (创新平台) are not stored here: the registry already keeps them
as qualifications (技术创新中心, 重点实验室, 企业技术中心 …); keqi.activities.platforms
reads them from there so there is one truth per platform.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from keqi.accounts.models import Unit
from keqi.registry.models import Enterprise


class ActivityKind(models.TextChoices):
    TRAINING = "培训", "培训"
    CONTEST = "大赛", "大赛"
    FORUM = "论坛", "论坛"
    WORKSTATION = "专家工作站活动", "专家工作站活动"
    # 三、（三）2：培育一批具有创新意识和能力的新型企业家.
    ENTREPRENEUR = "新型企业家培育", "新型企业家培育"
    OTHER = "其他", "其他"


class Activity(models.Model):
    """A training, contest, forum or expert-workstation event, organised by a unit."""

    code = models.CharField("活动编号", max_length=40, unique=True)
    kind = models.CharField("活动类型", max_length=10, choices=ActivityKind.choices)
    title = models.CharField("活动名称", max_length=200)
    held_on = models.DateField("举办日期")
    ends_on = models.DateField(
        "结束日期",
        null=True,
        blank=True,
        help_text="多日活动或分轮次的大赛填写最后一天（决赛日）；一日活动留空",
    )
    organiser = models.ForeignKey(
        Unit,
        verbose_name="主办单位",
        on_delete=models.PROTECT,
        related_name="organised_activities",
    )
    co_organisers = models.CharField("协办单位", max_length=300, blank=True)
    venue = models.CharField("地点", max_length=200, blank=True)
    tech_sme_training = models.BooleanField(
        "科技型中小企业入库申报培训",
        default=False,
        help_text="计入实施方案“全年定期组织入库申报培训3次以上”",
    )
    edition = models.PositiveSmallIntegerField("届次", null=True, blank=True)
    guests = models.CharField("邀请专家/嘉宾", max_length=500, blank=True)
    people_total = models.PositiveIntegerField(
        "参加总人数",
        null=True,
        blank=True,
        help_text="含企业以外的参加人员；空白为未知",
    )
    summary = models.TextField("活动内容", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "活动"
        verbose_name_plural = "活动"
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["kind", "held_on"])]
        constraints = [
            models.CheckConstraint(
                name="activity_ends_after_start",
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("held_on")),
                violation_error_message="结束日期不能早于举办日期",
            ),
            models.CheckConstraint(
                name="tech_sme_training_is_a_training",
                condition=models.Q(tech_sme_training=False)
                | models.Q(kind=ActivityKind.TRAINING),
                violation_error_message="只有“培训”类活动可以计入科技型中小企业入库申报培训",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"

    @property
    def last_day(self) -> dt.date:
        """The day the activity is over (the final of a contest)."""
        return self.ends_on or self.held_on


class Attendance(models.Model):
    """An enterprise invited to or attending an activity, and how many people came."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="attendances"
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name="企业",
        on_delete=models.PROTECT,
        related_name="attendances",
    )
    invited = models.BooleanField("受邀", default=True)
    attended = models.BooleanField("参加", default=False)
    people = models.PositiveIntegerField("参加人数", default=0)
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "参加企业"
        verbose_name_plural = "参加企业"
        ordering = ["activity_id", "enterprise__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "enterprise"], name="one_attendance_per_enterprise"
            ),
            models.CheckConstraint(
                name="people_only_when_attended",
                condition=models.Q(attended=True) | models.Q(people=0),
                violation_error_message="未参加的企业参加人数应为0",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity.title} · {self.enterprise.name}"


class ContestRound(models.Model):
    """One round of a contest (初赛, 复赛, 决赛) and the day it was held."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="rounds"
    )
    number = models.PositiveSmallIntegerField("轮次序号")
    name = models.CharField("轮次", max_length=40)
    held_on = models.DateField("比赛日期")

    class Meta:
        verbose_name = "比赛轮次"
        verbose_name_plural = "比赛轮次"
        ordering = ["activity_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "number"], name="one_round_per_number"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Award(models.TextChoices):
    FIRST = "一等奖", "一等奖"
    SECOND = "二等奖", "二等奖"
    THIRD = "三等奖", "三等奖"
    MERIT = "优秀奖", "优秀奖"


class ContestEntry(models.Model):
    """A project entered in a contest: by an enterprise or a team, how far it went."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="entries"
    )
    project = models.CharField("参赛项目", max_length=200)
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name="参赛企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contest_entries",
    )
    team = models.CharField(
        "参赛团队", max_length=200, blank=True, help_text="尚未注册企业的团队填写"
    )
    group = models.CharField("组别", max_length=40, blank=True)
    field = models.CharField("行业领域", max_length=60, blank=True)
    reached = models.ForeignKey(
        ContestRound,
        verbose_name="晋级至",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    award = models.CharField(
        "获奖等次", max_length=10, blank=True, choices=Award.choices
    )
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "参赛项目"
        verbose_name_plural = "参赛项目"
        ordering = ["activity_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "project"], name="one_entry_per_project"
            ),
            models.CheckConstraint(
                name="entry_has_enterprise_or_team",
                condition=models.Q(enterprise__isnull=False) | ~models.Q(team=""),
                violation_error_message="请选择参赛企业，或填写参赛团队",
            ),
        ]

    def __str__(self) -> str:
        return self.project

    @property
    def entrant(self) -> str:
        """Who entered: the enterprise's name, else the team."""
        return self.enterprise.name if self.enterprise else self.team


class TraineeReport(models.Model):
    """A unit's monthly report of skilled workers trained (职业技能人才培训).

    The figure is cumulative from 1 January to the month's end; the month's own
    number is the difference from the month before.
    """

    unit = models.ForeignKey(
        Unit,
        verbose_name="填报单位",
        on_delete=models.PROTECT,
        related_name="trainee_reports",
    )
    month = models.DateField("月份")
    cumulative = models.PositiveIntegerField("年初至本月末累计培训人数")
    note = models.CharField("说明", max_length=500, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="填报人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    filed_at = models.DateTimeField("填报时间", auto_now=True)

    class Meta:
        verbose_name = "技能人才培训月报"
        verbose_name_plural = "技能人才培训月报"
        ordering = ["unit_id", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "month"], name="one_trainee_report_per_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.month:%Y年%m月}技能人才培训"


class TalentCategory(models.TextChoices):
    HIGH_LEVEL = "高层次创新人才", "高层次创新人才"
    INDUSTRY = "产业人才", "产业人才"
    SKILLED = "高技能人才", "高技能人才"
    SHORTAGE = "急需紧缺专业人才", "急需紧缺专业人才"


class TalentIntroduction(models.Model):
    """People brought to an enterprise under the 海河英才 plan, on a day."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name="引进企业",
        on_delete=models.PROTECT,
        related_name="talent_introductions",
    )
    introduced_on = models.DateField("引进日期")
    people = models.PositiveIntegerField("引进人数")
    category = models.CharField(
        "人才类别", max_length=20, choices=TalentCategory.choices
    )
    unit = models.ForeignKey(
        Unit, verbose_name="填报单位", on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField("说明", max_length=300, blank=True)
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "海河英才引进"
        verbose_name_plural = "海河英才引进"
        ordering = ["-introduced_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="introduction_has_people",
                condition=models.Q(people__gte=1),
                violation_error_message="引进人数至少为1人",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise.name} {self.introduced_on:%Y-%m-%d} {self.people}人"
