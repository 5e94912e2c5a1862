"""Funds (资金奖补): award rules, awards and their approval, the ledger, settlement.

Money here is in 元 with two decimal places (the registry keeps 万元). The ledger is
append-only: a payment is corrected only by a reversing entry that points at it;
the database itself refuses UPDATE and DELETE on ledger rows (see migration 0002),
and any new entry or ratio change dated in a year its area's district has closed
(migration 0010).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from keqi.accounts.models import Area, District
from keqi.registry.models import Enterprise, Qualification

YUAN_DIGITS = 14  # up to 999 999 999 999.99 元
CENT = Decimal("0.01")


class AwardType(models.TextChoices):
    """What kind of award a rule pays; settlement ratios are set per type."""

    HIGH_TECH = "high_tech", "高新技术企业奖励"
    TECH_SME = "tech_sme", "科技型中小企业入库奖励"
    GROWTH = "growth", "雏鹰/瞪羚/领军企业奖励"
    PLATFORM = "platform", "创新平台奖励"
    PROJECT = "project", "科技项目扶持"
    OTHER = "other", "其他奖补"


class AmountSource(models.TextChoices):
    """Where a rule's amount comes from; the plan itself states no amounts."""

    DOCUMENT = "document", "依据文件规定"
    HQ = "hq", "指挥部录入（文件未规定金额）"
    DEMO = "demo", "演示数值（非正式，仅供演示）"


class Fund(models.Model):
    """A fund (专项资金) awards are paid from; it has a budget per year."""

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("资金名称", max_length=100, unique=True)
    note = models.CharField("说明", max_length=300, blank=True)
    district = models.ForeignKey(
        District,
        verbose_name="所属区",
        null=True,
        on_delete=models.PROTECT,
        related_name="funds",
    )

    class Meta:
        verbose_name = "专项资金"
        verbose_name_plural = "专项资金"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class FundBudget(models.Model):
    """A fund's budget (预算) for one year, in 元."""

    fund = models.ForeignKey(
        Fund, verbose_name="资金", on_delete=models.PROTECT, related_name="budgets"
    )
    year = models.PositiveSmallIntegerField("年度")
    amount = models.DecimalField(
        "预算金额（元）", max_digits=YUAN_DIGITS, decimal_places=2
    )

    class Meta:
        verbose_name = "资金预算"
        verbose_name_plural = "资金预算"
        ordering = ["-year", "fund_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["fund", "year"], name="one_budget_per_year"
            ),
            models.CheckConstraint(
                name="budget_not_negative", condition=Q(amount__gte=0)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fund} {self.year}年预算"


class TriggerEvent(models.TextChoices):
    """An event in the registry, other than a new qualification, that a rule rewards."""

    CHUYING_LOAN = "chuying_loan", "雏鹰企业取得银行贷款"


class AwardRule(models.Model):
    """A dated award rule: what triggers it, how much, and the clause it rests on.

    A rule with a qualification kind or a trigger event is 免申即享: candidates come
    from the registry. A rule with neither takes applications only.
    """

    name = models.CharField("奖励名称", max_length=100)
    award_type = models.CharField("奖励类型", max_length=20, choices=AwardType.choices)
    fund = models.ForeignKey(
        Fund, verbose_name="资金来源", on_delete=models.PROTECT, related_name="rules"
    )
    trigger_kind = models.CharField(
        "触发资质类型",
        max_length=20,
        blank=True,
        # Checked against QualificationKind by the service, not as DB choices, so a
        # kind added to the registry needs no migration here.
        help_text="空白表示只接受申请，不从企业库生成候选",
    )
    trigger_level = models.CharField(
        "资质级别",
        max_length=10,
        blank=True,
        help_text="空白表示任何级别",
    )
    trigger_event = models.CharField(
        "触发事项",
        max_length=20,
        blank=True,
        choices=TriggerEvent.choices,
        help_text="不按资质、按企业库中的事项生成候选（如雏鹰企业取得银行贷款，"
        "依据科技金融台账，每家企业一次）；与触发资质类型二选一",
    )
    first_time_only = models.BooleanField("仅限首次取得", default=False)
    amount = models.DecimalField(
        "奖励金额（元）", max_digits=YUAN_DIGITS, decimal_places=2
    )
    amount_source = models.CharField(
        "金额来源", max_length=10, choices=AmountSource.choices
    )
    effective_from = models.DateField("生效日期")
    effective_to = models.DateField("失效日期", null=True, blank=True)
    basis_document = models.CharField("依据文件", max_length=300)
    basis_article = models.CharField("依据条款", max_length=100)
    basis_text = models.TextField("条款原文")
    note = models.CharField("说明", max_length=500, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "奖励规则"
        verbose_name_plural = "奖励规则"
        ordering = ["award_type", "-effective_from", "id"]
        constraints = [
            models.CheckConstraint(
                name="rule_amount_positive", condition=Q(amount__gt=0)
            ),
            models.CheckConstraint(
                name="rule_dates_in_order",
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def in_force_on(self, day: dt.date) -> bool:
        """Whether the rule applies to something that happened on that day."""
        if day < self.effective_from:
            return False
        return self.effective_to is None or day <= self.effective_to

    @property
    def basis(self) -> str:
        """The basis clause in one line: document, article, text."""
        return f"{self.basis_document} {self.basis_article}：{self.basis_text}"


class AwardSource(models.TextChoices):
    REGISTRY = "registry", "企业库生成（免申即享）"
    APPLICATION = "application", "企业申请"


class AwardStatus(models.TextChoices):
    """The steps of the approval flow, in order; REJECTED ends it at any step."""

    CANDIDATE = "candidate", "待街镇核实"
    AREA_CHECKED = "area_checked", "待指挥部审批"
    APPROVED = "approved", "待公示"
    PUBLISHED = "published", "已公示待拨付"
    PAID = "paid", "已拨付"
    REJECTED = "rejected", "不予奖励"


class PublicNotice(models.Model):
    """A public notice list (公示) of approved awards, with its notice period."""

    title = models.CharField("公示标题", max_length=200)
    year = models.PositiveSmallIntegerField("奖励年度")
    starts_on = models.DateField("公示开始日期")
    ends_on = models.DateField("公示截止日期")
    note = models.TextField("公示说明", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发布人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("发布时间", auto_now_add=True)

    class Meta:
        verbose_name = "公示"
        verbose_name_plural = "公示"
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="notice_dates_in_order",
                condition=Q(ends_on__gte=models.F("starts_on")),
            )
        ]

    def __str__(self) -> str:
        return self.title


class Award(models.Model):
    """One enterprise's award under a rule, through 核实 → 审批 → 公示 → 拨付.

    The amount, the basis clause and the data that decided it are copied when the
    award is created, so a later edit of the rule or the registry never changes
    what was approved or published.
    """

    rule = models.ForeignKey(
        AwardRule,
        verbose_name="奖励规则",
        on_delete=models.PROTECT,
        related_name="awards",
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="awards"
    )
    year = models.PositiveSmallIntegerField("奖励年度")
    source = models.CharField("来源", max_length=12, choices=AwardSource.choices)
    qualification = models.ForeignKey(
        Qualification,
        verbose_name="依据资质",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="awards",
    )
    finance_record = models.ForeignKey(
        "partners.FinanceRecord",
        verbose_name="依据科技金融记录",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    evidence_kind = models.CharField("认定类型", max_length=40, blank=True)
    evidence_level = models.CharField("认定级别", max_length=20, blank=True)
    evidence_number = models.CharField("证书编号", max_length=60, blank=True)
    evidence_key = models.CharField(
        "证书编号（比对用）",
        max_length=255,
        blank=True,
        default="",
        editable=False,
        help_text="申请的证书编号经 NFKC 规范化、忽略大小写、去掉首尾空格，用于查重；"
        "企业库生成的候选按依据资质查重，此项为空",
    )
    evidence_date = models.DateField("取得日期", null=True, blank=True)
    evidence_note = models.CharField("判定依据说明", max_length=500, blank=True)
    amount = models.DecimalField(
        "奖励金额（元）", max_digits=YUAN_DIGITS, decimal_places=2
    )
    basis_document = models.CharField("依据文件", max_length=300)
    basis_article = models.CharField("依据条款", max_length=100)
    basis_text = models.TextField("条款原文")
    status = models.CharField(
        "状态",
        max_length=14,
        choices=AwardStatus.choices,
        default=AwardStatus.CANDIDATE,
        db_index=True,
    )
    notice = models.ForeignKey(
        PublicNotice,
        verbose_name="公示",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="awards",
    )
    rejected_step = models.CharField(
        "退回环节", max_length=14, blank=True, choices=AwardStatus.choices
    )
    rejected_reason = models.CharField("不予奖励原因", max_length=500, blank=True)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    class Meta:
        verbose_name = "奖励"
        verbose_name_plural = "奖励"
        ordering = ["-year", "rule_id", "enterprise__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "qualification"],
                condition=Q(qualification__isnull=False),
                name="one_award_per_rule_and_qualification",
            ),
            # A rejected application frees its number: rejection is final (the
            # database refuses to move an award out of 不予奖励), so a re-application
            # can never collide with a revived one.
            models.UniqueConstraint(
                fields=["rule", "enterprise", "year", "evidence_key"],
                condition=Q(source="application") & ~Q(status="rejected"),
                name="one_live_application_per_rule_and_evidence",
            ),
            models.CheckConstraint(
                name="award_amount_positive", condition=Q(amount__gt=0)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.rule}（{self.year}）"

    @property
    def subject(self) -> str:
        """The key its whole history (flow and money) is filed under."""
        return f"award:{self.pk}"

    @property
    def basis(self) -> str:
        return f"{self.basis_document} {self.basis_article}：{self.basis_text}"


class Payer(models.TextChoices):
    """Who paid the money out; settlement credits what an area paid itself."""

    DISTRICT = "district", "区财政"
    AREA = "area", "街镇/园区财政"


class EntryKind(models.TextChoices):
    PAYMENT = "payment", "拨付"
    REVERSAL = "reversal", "冲销"


class LedgerEntry(models.Model):
    """One money movement (元). Never edited or deleted: corrected by a reversal.

    The area, fund and award type are copied from the award when the money moves,
    so a closed year's settlement stays the same if an enterprise later moves.
    """

    kind = models.CharField("类型", max_length=10, choices=EntryKind.choices)
    award = models.ForeignKey(
        Award, verbose_name="奖励", on_delete=models.PROTECT, related_name="entries"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="+"
    )
    area = models.ForeignKey(
        Area, verbose_name="街镇/园区", on_delete=models.PROTECT, related_name="+"
    )
    fund = models.ForeignKey(
        Fund, verbose_name="资金", on_delete=models.PROTECT, related_name="entries"
    )
    award_type = models.CharField("奖励类型", max_length=20, choices=AwardType.choices)
    payer = models.CharField("拨付方", max_length=10, choices=Payer.choices)
    entry_date = models.DateField("记账日期", db_index=True)
    amount = models.DecimalField("金额（元）", max_digits=YUAN_DIGITS, decimal_places=2)
    reverses = models.OneToOneField(
        "self",
        verbose_name="冲销的分录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )
    voucher = models.CharField("凭证号/拨付文号", max_length=60, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="经办人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "台账分录"
        verbose_name_plural = "台账分录"
        ordering = ["entry_date", "id"]
        constraints = [
            models.CheckConstraint(
                name="payment_positive_reversal_negative",
                condition=(
                    Q(kind="payment", amount__gt=0, reverses__isnull=True)
                    | Q(kind="reversal", amount__lt=0, reverses__isnull=False)
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} 元（{self.entry_date}）"


class BudgetOverrun(models.Model):
    """A payment that took a fund past its year's budget, and why it was made anyway.

    Written with the payment, never changed; the budget page lists these in red.
    """

    entry = models.OneToOneField(
        LedgerEntry,
        verbose_name="拨付分录",
        on_delete=models.PROTECT,
        related_name="overrun",
    )
    fund = models.ForeignKey(
        Fund, verbose_name="资金", on_delete=models.PROTECT, related_name="overruns"
    )
    year = models.PositiveSmallIntegerField("预算年度")
    budget = models.DecimalField(
        "当时预算（元）", max_digits=YUAN_DIGITS, decimal_places=2
    )
    paid_after = models.DecimalField(
        "拨付后合计（元）", max_digits=YUAN_DIGITS, decimal_places=2
    )
    reason = models.CharField("超预算原因", max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="经办人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "超预算拨付"
        verbose_name_plural = "超预算拨付"
        ordering = ["-year", "fund_id", "id"]
        constraints = [
            models.CheckConstraint(
                name="overrun_is_over_budget",
                condition=Q(paid_after__gt=models.F("budget")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fund} {self.year}年超预算拨付"

    @property
    def over_by(self) -> Decimal:
        return self.paid_after - self.budget


class SettlementRatio(models.Model):
    """The area's share (%) of one award type's cost in a year; the district pays the rest.

    Not set means 50%.
    """

    year = models.PositiveSmallIntegerField("年度")
    area = models.ForeignKey(
        Area, verbose_name="街镇/园区", on_delete=models.PROTECT, related_name="+"
    )
    award_type = models.CharField("奖励类型", max_length=20, choices=AwardType.choices)
    area_percent = models.DecimalField(
        "街镇/园区负担比例（%）", max_digits=5, decimal_places=2
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "结算比例"
        verbose_name_plural = "结算比例"
        ordering = ["-year", "area__sort", "award_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "area", "award_type"], name="one_ratio_per_area_type"
            ),
            models.CheckConstraint(
                name="ratio_between_0_and_100",
                condition=Q(area_percent__gte=0, area_percent__lte=100),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.area} {self.get_award_type_display()}"

    @property
    def district_percent(self) -> Decimal:
        return Decimal(100) - self.area_percent


class YearClose(models.Model):
    """A district's closed (settled) year: no entries dated in it in the district's
    areas and no ratio or budget changes after. Each district closes its own years.

    `snapshot` keeps every area's statement of the district as it stood when
    closed, so anyone can check that recomputing the year from the ledger gives
    the same figures.
    """

    district = models.ForeignKey(
        District, verbose_name="所属区", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="关账人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField("关账时间", auto_now_add=True)
    snapshot = models.JSONField("结算快照", default=dict)

    class Meta:
        verbose_name = "年度结算关账"
        verbose_name_plural = "年度结算关账"
        ordering = ["-year", "district__sort", "district_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "year"], name="one_close_per_district_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}年度已关账"


from keqi.funds.models_transfer import TransferIncome  # noqa: E402,F401  (措施12)
