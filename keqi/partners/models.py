"""Work units do *with* enterprises (合作与服务): investment promotion (招商),
industry–academia cooperation (产学研), technology finance (科技金融), trademarks
(商标) and the shared service log (走访服务台账).

Every entry belongs to the unit that recorded it (`unit`); only that unit changes
it. Amounts are exact decimals in 万元, as in the registry; blank means unknown.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from keqi.accounts.models import Area, Unit
from keqi.registry.models import Enterprise, TechField


class InstitutionKind(models.TextChoices):
    UNIVERSITY = "高校", "高校"
    INSTITUTE = "科研院所", "科研院所"
    OTHER = "其他", "其他"


class Institution(models.Model):
    """A university or research institute the district cooperates with (合作院所)."""

    name = models.CharField("名称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=40, blank=True)
    kind = models.CharField("类型", max_length=10, choices=InstitutionKind.choices)
    region = models.CharField("所在地", max_length=60, blank=True)
    named_in_plan = models.BooleanField("实施方案点名", default=False)
    unit = models.ForeignKey(
        Unit,
        verbose_name="登记单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="空白表示系统预置（实施方案点名的院所），由指挥部办公室维护",
    )
    note = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        verbose_name = "合作院所"
        verbose_name_plural = "合作院所"
        ordering = ["-named_in_plan", "name"]

    def __str__(self) -> str:
        return self.name


class EventTopic(models.TextChoices):
    PROMOTION = "招商", "招商活动"
    FINANCE = "金融", "银企对接"
    IP = "知识产权", "知识产权服务"


class EventKind(models.TextChoices):
    EXHIBITION = "展会", "展会"
    PROMOTION = "推介会", "推介会"
    STATION = "工作站活动", "招商工作站活动"
    MATCHMAKING = "银企对接会", "银企对接会"
    TRAINING = "培训", "培训"
    EXPERTS = "专家答疑", "专家答疑"
    IP_SERVICE = "知识产权服务", "知识产权服务"
    OTHER = "其他", "其他"


class Event(models.Model):
    """An exhibition, 推介会, matchmaking or IP-service event, with its enterprises."""

    topic = models.CharField("活动类别", max_length=10, choices=EventTopic.choices)
    kind = models.CharField("形式", max_length=10, choices=EventKind.choices)
    name = models.CharField("活动名称", max_length=200)
    held_on = models.DateField("举办日期")
    place = models.CharField("地点", max_length=200, blank=True)
    organisations = models.CharField(
        "参加机构/专家", max_length=500, blank=True, help_text="银行、投资机构或专家等"
    )
    attendance = models.PositiveIntegerField("参加人次", null=True, blank=True)
    participants = models.ManyToManyField(
        Enterprise, verbose_name="参加企业", blank=True, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, verbose_name="登记单位", on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        verbose_name = "合作服务活动"
        verbose_name_plural = "合作服务活动"
        ordering = ["-held_on", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "name", "held_on"], name="partners_one_event_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.name}"


class LeadSource(models.TextChoices):
    STATION = "招商工作站", "外派招商工作站"
    EXHIBITION = "展会", "展会"
    PROMOTION = "推介会", "推介会"
    OTHER = "其他", "其他"


class LeadStage(models.TextChoices):
    CONTACTED = "已接洽", "已接洽"
    VISITED = "已考察", "已考察"
    SIGNED = "已签约", "已签约"
    REGISTERED = "已落地", "已落地注册"


#: Stages in order, each with the field holding the day it was reached.
STAGE_DATES: dict[str, str] = {
    LeadStage.CONTACTED: "contacted_on",
    LeadStage.VISITED: "visited_on",
    LeadStage.SIGNED: "signed_on",
    LeadStage.REGISTERED: "registered_on",
}
STAGE_ORDER = list(STAGE_DATES)


class Lead(models.Model):
    """A company being brought to settle in the district (招商线索)."""

    company = models.CharField("企业名称", max_length=200)
    source = models.CharField("来源", max_length=10, choices=LeadSource.choices)
    source_detail = models.CharField(
        "来源说明", max_length=200, blank=True, help_text="如驻北京招商工作站"
    )
    event = models.ForeignKey(
        Event,
        verbose_name="招商活动",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
    )
    unit = models.ForeignKey(
        Unit, verbose_name="责任单位", on_delete=models.PROTECT, related_name="+"
    )
    area = models.ForeignKey(
        Area,
        verbose_name="拟落地街镇/园区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    tech_field = models.CharField(
        "技术领域", max_length=20, blank=True, choices=TechField.choices
    )
    contact = models.CharField("联系人及电话", max_length=100, blank=True)
    stage = models.CharField(
        "阶段", max_length=10, choices=LeadStage.choices, default=LeadStage.CONTACTED
    )
    contacted_on = models.DateField("接洽日期")
    visited_on = models.DateField("考察日期", null=True, blank=True)
    signed_on = models.DateField("签约日期", null=True, blank=True)
    registered_on = models.DateField("落地注册日期", null=True, blank=True)
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name="落地企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        verbose_name = "招商线索"
        verbose_name_plural = "招商线索"
        ordering = ["-contacted_on", "company"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "company"], name="partners_one_lead_per_company"
            ),
            models.CheckConstraint(
                name="partners_settled_lead_has_enterprise",
                condition=~models.Q(stage="已落地")
                | models.Q(enterprise__isnull=False, registered_on__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.company

    @property
    def stage_index(self) -> int:
        """0 for 已接洽 … 3 for 已落地."""
        return STAGE_ORDER.index(self.stage)


class CooperationProject(models.Model):
    """An 产学研 project between an institution and one or more enterprises."""

    title = models.CharField("项目名称", max_length=200)
    institution = models.ForeignKey(
        Institution,
        verbose_name="合作院所",
        on_delete=models.PROTECT,
        related_name="projects",
    )
    enterprises = models.ManyToManyField(
        Enterprise, verbose_name="合作企业", related_name="+"
    )
    unit = models.ForeignKey(
        Unit, verbose_name="登记单位", on_delete=models.PROTECT, related_name="+"
    )
    started_on = models.DateField("开始日期")
    ended_on = models.DateField("结束日期", null=True, blank=True)
    amount = models.DecimalField(
        "合同金额（万元）", max_digits=20, decimal_places=6, null=True, blank=True
    )
    yields_ip = models.BooleanField("产出知识产权", default=False)
    yields_product = models.BooleanField("产出新产品", default=False)
    yields_platform = models.BooleanField("共建平台", default=False)
    outcome = models.CharField("成果说明", max_length=500, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        verbose_name = "产学研合作项目"
        verbose_name_plural = "产学研合作项目"
        ordering = ["-started_on", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "title"], name="partners_one_project_title"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def outcome_labels(self) -> list[str]:
        """The kinds of outcome ticked, in Chinese."""
        pairs = [
            (self.yields_ip, "知识产权"),
            (self.yields_product, "新产品"),
            (self.yields_platform, "平台"),
        ]
        return [label for ticked, label in pairs if ticked]


class FinanceKind(models.TextChoices):
    LOAN = "银行贷款", "银行贷款"
    VENTURE = "创业投资", "创业投资"
    EQUITY = "股权融资", "股权融资（非创业投资）"
    GUARANTEE = "融资担保", "融资担保"
    OTHER = "其他", "其他"


class FinanceRecord(models.Model):
    """A loan or an investment an enterprise received (科技金融台账), in 万元.

    A 创业投资 row is one investment from one investor: the rules engine reads it
    as the fact "单笔创业投资" (see keqi.partners.facts).
    """

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("类型", max_length=10, choices=FinanceKind.choices)
    provider = models.CharField("银行或投资机构", max_length=200)
    amount = models.DecimalField("金额（万元）", max_digits=20, decimal_places=6)
    on = models.DateField("放款/到账日期")
    event = models.ForeignKey(
        Event,
        verbose_name="对接活动",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="finance_records",
    )
    unit = models.ForeignKey(
        Unit, verbose_name="登记单位", on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        verbose_name = "科技金融记录"
        verbose_name_plural = "科技金融记录"
        ordering = ["-on", "enterprise_id"]
        indexes = [models.Index(fields=["kind", "on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "kind", "provider", "on"],
                name="partners_one_finance_record",
            ),
            models.CheckConstraint(
                name="partners_finance_amount_positive",
                condition=models.Q(amount__gt=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.provider} {self.on:%Y-%m-%d}"


class Trademark(models.Model):
    """A registered trademark held by an enterprise (商标)."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField("注册号", max_length=40, unique=True)
    name = models.CharField("商标名称", max_length=100, blank=True)
    nice_class = models.PositiveSmallIntegerField("类别（尼斯分类）")
    registered_on = models.DateField("注册日期")
    well_known = models.BooleanField("驰名商标", default=False)
    well_known_on = models.DateField("驰名商标认定日期", null=True, blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name="登记单位", on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        verbose_name = "商标"
        verbose_name_plural = "商标"
        ordering = ["-registered_on", "number"]
        constraints = [
            models.CheckConstraint(
                name="partners_nice_class_1_45",
                condition=models.Q(nice_class__gte=1, nice_class__lte=45),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name or '商标'}（{self.number}）"


class ServiceKind(models.TextChoices):
    VISIT = "走访", "走访"
    CALL = "电话", "电话"
    SERVICE = "服务", "上门服务/办理"


class ServiceEntry(models.Model):
    """One visit, call or service a unit gave an enterprise (走访服务台账)."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, verbose_name="服务单位", on_delete=models.PROTECT, related_name="+"
    )
    person = models.CharField("服务人员", max_length=60)
    kind = models.CharField("方式", max_length=4, choices=ServiceKind.choices)
    on = models.DateField("日期")
    asked = models.CharField("企业诉求", max_length=1000)
    promised = models.CharField("答复或承诺事项", max_length=1000, blank=True)
    follow_up_due = models.DateField("跟进期限", null=True, blank=True)
    done_on = models.DateField("办结日期", null=True, blank=True)
    done_note = models.CharField("办结情况", max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "走访服务记录"
        verbose_name_plural = "走访服务台账"
        ordering = ["-on", "-id"]
        indexes = [models.Index(fields=["follow_up_due", "done_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "unit", "on", "kind", "person"],
                name="partners_one_service_entry",
            )
        ]

    def __str__(self) -> str:
        return f"{self.on:%Y-%m-%d} {self.kind}"

    def overdue_on(self, day: dt.date) -> bool:
        """A follow-up was promised by a day before `day` and is not done."""
        due = self.follow_up_due
        return due is not None and self.done_on is None and due < day


from keqi.partners.models_plan import (  # noqa: E402,F401  (plan items, issue 17)
    Alliance,
    Carrier,
    CarrierSettlement,
    CivMilProject,
    OverseasStation,
    StandardWork,
)
