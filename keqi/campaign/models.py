"""The campaign (攻坚行动): plan, targets, measures, monthly reports, meetings.

A Plan is loaded from a plan file (plans/*.yaml) and is the single source of the
targets, measures and organisation rules; nothing here is typed in by hand.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from keqi.accounts.models import Unit


class Plan(models.Model):
    """An implementation plan (实施方案) with its organisation rules."""

    name = models.SlugField("方案代码", max_length=60, unique=True)
    title = models.CharField("方案名称", max_length=200)
    district = models.CharField("地区", max_length=60, blank=True)
    issuer = models.CharField("印发机关", max_length=100, blank=True)
    notice_title = models.CharField("通知标题", max_length=300, blank=True)
    document_number = models.CharField("文号", max_length=60, blank=True)
    document_date = models.DateField("印发日期", null=True, blank=True)
    approved_by = models.CharField("审议通过", max_length=100, blank=True)
    year = models.PositiveSmallIntegerField("年度")
    start_month = models.DateField("起始月")
    office_unit = models.ForeignKey(
        Unit, verbose_name="指挥部办公室", on_delete=models.PROTECT, related_name="+"
    )
    report_day = models.PositiveSmallIntegerField("月报截止日（次月）", default=5)
    yellow_ratio = models.DecimalField("黄灯比例", max_digits=5, decimal_places=4)
    weights = models.JSONField("考核权重", default=dict)
    naming = models.JSONField("点名规则", default=dict)
    organisation = models.JSONField("组织保障（原文件）", default=dict)
    unit_labels = models.JSONField("方案中的单位称谓", default=dict)
    source_path = models.CharField("方案文件", max_length=500, blank=True)
    source_sha256 = models.CharField("文件校验值", max_length=64, blank=True)
    loaded_at = models.DateTimeField("载入时间", auto_now=True)

    class Meta:
        verbose_name = "实施方案"
        verbose_name_plural = "实施方案"
        ordering = ["-year", "name"]

    def __str__(self) -> str:
        return f"{self.title}（{self.year}）"


class Source(models.TextChoices):
    AUTO = "auto", "系统统计"
    REPORTED = "reported", "单位填报"


class Target(models.Model):
    """A target figure (攻坚目标) with its deadline and responsible units."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    key = models.SlugField("目标代码", max_length=60)
    sort = models.PositiveSmallIntegerField("排序", default=0)
    name = models.CharField("目标", max_length=200)
    value = models.DecimalField("目标值", max_digits=20, decimal_places=4)
    unit_label = models.CharField("计量单位", max_length=20)
    deadline = models.DateField("截止日期")
    deadline_text = models.CharField("方案原文时限", max_length=100, blank=True)
    source = models.CharField("数据来源", max_length=10, choices=Source.choices)
    metric = models.CharField("统计口径", max_length=60, blank=True)
    milestone = models.BooleanField("一次性任务（只按截止日期判断）", default=False)
    plan_text = models.TextField("方案原文")
    note = models.TextField("说明", blank=True)
    unit_refs = models.JSONField("责任单位（方案写法）", default=list)
    units: models.ManyToManyField[Unit, TargetUnit] = models.ManyToManyField(
        Unit, through="TargetUnit", related_name="campaign_targets"
    )

    class Meta:
        verbose_name = "攻坚目标"
        verbose_name_plural = "攻坚目标"
        ordering = ["plan_id", "sort"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "key"], name="one_target_per_key")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.value.normalize():f}{self.unit_label}"


class TargetUnit(models.Model):
    """A unit responsible for a target; position 0 is the lead, who reports it."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT)
    position = models.PositiveSmallIntegerField("次序")
    via = models.CharField("来自集合称谓", max_length=40, blank=True)

    class Meta:
        ordering = ["target_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["target", "unit"], name="one_target_unit")
        ]

    def __str__(self) -> str:
        return f"{self.target} · {self.unit}"


class Measure(models.Model):
    """A work measure (工作措施): numbered, with lead unit first and co-units after."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="measures")
    number = models.PositiveSmallIntegerField("序号")
    title = models.CharField("摘要", max_length=200)
    text = models.TextField("措施原文")
    units_text = models.CharField("责任单位（原文）", max_length=300, blank=True)
    unit_refs = models.JSONField("责任单位（方案写法）", default=list)
    deadline = models.DateField("完成时限", null=True, blank=True)
    deadline_text = models.CharField("方案原文时限", max_length=100, blank=True)
    targets = models.ManyToManyField(Target, blank=True, related_name="measures")
    units: models.ManyToManyField[Unit, MeasureUnit] = models.ManyToManyField(
        Unit, through="MeasureUnit", related_name="campaign_measures"
    )

    class Meta:
        verbose_name = "工作措施"
        verbose_name_plural = "工作措施"
        ordering = ["plan_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"], name="one_measure_per_number"
            )
        ]

    def __str__(self) -> str:
        return f"措施{self.number}：{self.title}"


class MeasureUnit(models.Model):
    """A unit on a measure; position 0 is the lead unit (牵头单位)."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT)
    position = models.PositiveSmallIntegerField("次序")
    via = models.CharField("来自集合称谓", max_length=40, blank=True)

    class Meta:
        ordering = ["measure_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "unit"], name="one_measure_unit")
        ]

    def __str__(self) -> str:
        return f"{self.measure} · {self.unit}"


class Meeting(models.Model):
    """A monthly joint meeting (成员单位联席会议) with its agenda and minutes."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="meetings")
    month = models.DateField("会议所属月份")
    held_on = models.DateField("召开日期")
    agenda = models.JSONField("议程（生成时快照）", default=list)
    minutes = models.TextField("会议纪要", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "联席会议"
        verbose_name_plural = "联席会议"
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on:%Y年%m月%d日}联席会议"


class DecisionStatus(models.TextChoices):
    OPEN = "open", "办理中"
    DONE = "done", "已办结"


class Decision(models.Model):
    """An agreed item (议定事项): tracked like a measure, with owner and due date."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="decisions"
    )
    number = models.PositiveSmallIntegerField("序号")
    text = models.TextField("议定事项")
    owner = models.ForeignKey(
        Unit, verbose_name="责任单位", on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField("办结时限")
    status = models.CharField(
        "状态", max_length=10, choices=DecisionStatus.choices, default="open"
    )
    done_on = models.DateField("办结日期", null=True, blank=True)
    done_note = models.TextField("办结情况", blank=True)

    class Meta:
        verbose_name = "议定事项"
        verbose_name_plural = "议定事项"
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "number"], name="one_decision_per_number"
            )
        ]

    def __str__(self) -> str:
        return f"议定事项{self.meeting.held_on:%Y%m%d}-{self.number}"

    def is_overdue(self, day: dt.date) -> bool:
        """Still open after its due date."""
        return self.status == DecisionStatus.OPEN and day > self.due_on


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已报送"
    RETURNED = "returned", "退回修改"


class ProgressReport(models.Model):
    """One unit's monthly progress report (月报) for one month of one plan."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reports")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    month = models.DateField("所属月份")
    status = models.CharField(
        "状态", max_length=10, choices=ReportStatus.choices, default="draft"
    )
    responsible_person = models.CharField("责任人", max_length=40, blank=True)
    narrative = models.TextField("工作进展", blank=True)
    problems = models.TextField("存在问题", blank=True)
    next_steps = models.TextField("下步打算", blank=True)
    no_progress = models.BooleanField("本月无进展", default=False)
    no_progress_reason = models.TextField("无进展原因", blank=True)
    first_submitted_at = models.DateTimeField("首次报送时间", null=True, blank=True)
    submitted_at = models.DateTimeField("最近报送时间", null=True, blank=True)
    return_reason = models.TextField("退回原因", blank=True)
    returned_count = models.PositiveSmallIntegerField("退回次数", default=0)
    corrected_after_close = models.BooleanField("关账后更正", default=False)

    class Meta:
        verbose_name = "月报"
        verbose_name_plural = "月报"
        ordering = ["-month", "unit__sort"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "unit", "month"], name="one_report_per_unit_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.month:%Y年%m月}月报"


class ProgressKind(models.TextChoices):
    NOT_STARTED = "not_started", "未启动"
    ON_TRACK = "on_track", "正常推进"
    BEHIND = "behind", "滞后"
    DONE = "done", "已完成"


class ReportLine(models.Model):
    """One item of a report: a target's figure, or a measure's/decision's progress."""

    report = models.ForeignKey(
        ProgressReport, on_delete=models.CASCADE, related_name="lines"
    )
    target = models.ForeignKey(
        Target, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    measure = models.ForeignKey(
        Measure, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    prefilled = models.DecimalField(
        "系统预填", null=True, blank=True, max_digits=20, decimal_places=4
    )
    value = models.DecimalField(
        "累计完成", null=True, blank=True, max_digits=20, decimal_places=4
    )
    progress = models.CharField(
        "进度", max_length=12, blank=True, choices=ProgressKind.choices
    )
    note = models.TextField("情况说明", blank=True)

    class Meta:
        verbose_name = "月报条目"
        verbose_name_plural = "月报条目"
        ordering = ["report_id", "id"]
        constraints = [
            models.CheckConstraint(
                name="report_line_has_one_subject",
                condition=(
                    models.Q(
                        target__isnull=False,
                        measure__isnull=True,
                        decision__isnull=True,
                    )
                    | models.Q(
                        target__isnull=True,
                        measure__isnull=False,
                        decision__isnull=True,
                    )
                    | models.Q(
                        target__isnull=True,
                        measure__isnull=True,
                        decision__isnull=False,
                    )
                ),
            )
        ]

    def __str__(self) -> str:
        subject = self.target or self.measure or self.decision
        return f"{self.report} · {subject}"


class ReportAttachment(models.Model):
    """Evidence attached to a report (photos, minutes, lists)."""

    report = models.ForeignKey(
        ProgressReport, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField("附件", upload_to="campaign/reports/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "月报附件"
        verbose_name_plural = "月报附件"
        ordering = ["report_id", "id"]

    def __str__(self) -> str:
        return self.name


class MonthClose(models.Model):
    """A month HQ has closed (汇总上报 done); later corrections are flagged."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    month = models.DateField("月份")
    closed_at = models.DateTimeField("关账时间", auto_now_add=True)

    class Meta:
        verbose_name = "月度关账"
        verbose_name_plural = "月度关账"
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "month"], name="one_close_per_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y年%m月}已关账"


# ---------------------------------------------------------------- 组织保障


class HqRole(models.TextChoices):
    COMMANDER = "commander", "总指挥"
    DEPUTY = "deputy", "副总指挥"
    OFFICE_HEAD = "office_head", "办公室主任"
    MEMBER = "member", "成员"
    LIAISON = "liaison", "联络员"


class HqMember(models.Model):
    """A member of the campaign's 指挥部 (组织保障（一）): a named person of a unit."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="hq_members")
    unit = models.ForeignKey(
        Unit, verbose_name="所在单位", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("姓名", max_length=40)
    post = models.CharField("职务", max_length=80, blank=True)
    role = models.CharField(
        "指挥部职务", max_length=12, choices=HqRole.choices, default=HqRole.MEMBER
    )
    phone = models.CharField("联系电话", max_length=40, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "指挥部成员"
        verbose_name_plural = "指挥部成员"
        ordering = ["plan_id", "unit__sort", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "unit", "name"], name="campaign_one_hq_member"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）"


class WorkTaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", "未启动"
    DOING = "doing", "推进中"
    DONE = "done", "已完成"


class UnitWorkTask(models.Model):
    """One task of a unit's own 工作方案 (组织保障（二）: 时间表、路线图、责任到人)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="work_tasks")
    unit = models.ForeignKey(
        Unit, verbose_name="责任单位", on_delete=models.PROTECT, related_name="+"
    )
    measure = models.ForeignKey(
        Measure,
        verbose_name="对应工作措施",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="work_tasks",
    )
    title = models.CharField("任务", max_length=200)
    route = models.TextField("路线图（工作举措）", blank=True)
    person = models.CharField("责任人", max_length=40)
    starts_on = models.DateField("开始日期")
    due_on = models.DateField("完成时限")
    status = models.CharField(
        "状态",
        max_length=12,
        choices=WorkTaskStatus.choices,
        default=WorkTaskStatus.NOT_STARTED,
    )
    done_on = models.DateField("完成日期", null=True, blank=True)
    note = models.CharField("进展说明", max_length=500, blank=True)

    class Meta:
        verbose_name = "单位工作方案任务"
        verbose_name_plural = "单位工作方案"
        ordering = ["plan_id", "unit__sort", "due_on", "id"]
        constraints = [
            models.CheckConstraint(
                name="campaign_work_task_due_after_start",
                condition=models.Q(due_on__gte=models.F("starts_on")),
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit}：{self.title}"

    def is_overdue(self, day: dt.date) -> bool:
        """Not done after its due day."""
        return self.status != WorkTaskStatus.DONE and day > self.due_on


class MeetingAttendance(models.Model):
    """Whether a unit attended a joint meeting, who came, or why it was absent."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendance"
    )
    unit = models.ForeignKey(
        Unit, verbose_name="成员单位", on_delete=models.PROTECT, related_name="+"
    )
    present = models.BooleanField("出席")
    attendee = models.CharField("参会人", max_length=100, blank=True)
    absence_reason = models.CharField("缺席原因", max_length=300, blank=True)

    class Meta:
        verbose_name = "联席会议出席情况"
        verbose_name_plural = "联席会议出席情况"
        ordering = ["meeting_id", "unit__sort"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "unit"], name="campaign_one_attendance_per_unit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit}：{'出席' if self.present else '缺席'}"
