"""The enterprise registry (企业库): one record per enterprise and its dated facts.

Amounts are exact decimals in 万元; a blank (NULL) value means unknown, never zero.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone

from keqi.accounts.models import Area


class TechField(models.TextChoices):
    ELECTRONICS = "电子信息", "电子信息"
    BIO = "生物与新医药", "生物与新医药"
    AEROSPACE = "航空航天", "航空航天"
    MATERIALS = "新材料", "新材料"
    SERVICES = "高技术服务", "高技术服务"
    ENERGY = "新能源与节能", "新能源与节能"
    ENVIRONMENT = "资源与环境", "资源与环境"
    MANUFACTURING = "先进制造与自动化", "先进制造与自动化"


class TaxMethod(models.TextChoices):
    AUDIT = "查账征收", "查账征收"
    DEEMED = "核定征收", "核定征收"


class Enterprise(models.Model):
    """An enterprise, keyed by its 统一社会信用代码."""

    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    name = models.CharField("企业名称", max_length=200, db_index=True)
    founded_on = models.DateField("成立日期")
    area = models.ForeignKey(
        Area,
        verbose_name="所属街镇/园区",
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    registered_region = models.CharField("注册地区", max_length=100, blank=True)
    industry = models.CharField("所属行业", max_length=100, blank=True)
    tech_field = models.CharField(
        "技术领域", max_length=20, blank=True, choices=TechField.choices
    )
    # The district's list (its district file, `keqi.accounts.industries`), not
    # fixed choices: districts name different industries.
    key_industry = models.CharField(
        "重点产业",
        max_length=20,
        blank=True,
        help_text="本区重点产业之一（由区配置文件规定）",
    )
    tax_method = models.CharField(
        "征收方式", max_length=10, blank=True, choices=TaxMethod.choices
    )
    above_scale = models.BooleanField("是否规上企业", null=True, blank=True)
    listed = models.BooleanField("是否上市", null=True, blank=True)
    joint_stock_on = models.DateField("股份制改造完成日期", null=True, blank=True)
    restricted_products = models.BooleanField(
        "产品属于限制或淘汰类", null=True, blank=True
    )
    niche_years = models.PositiveSmallIntegerField(
        "从事细分市场年限（年）",
        null=True,
        blank=True,
        help_text="专精特新：截至上年末从事特定细分市场的整年数",
    )
    strategic_emerging = models.BooleanField(
        "主导产品属于战略性新兴产业",
        null=True,
        blank=True,
        help_text="按《战略性新兴产业分类》判断",
    )
    extra = models.JSONField("其他信息", default=dict, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "企业"
        verbose_name_plural = "企业"
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def subject(self) -> str:
        """The key its history is filed under in the audit trail."""
        return f"enterprise:{self.pk}"


class AnnualFigures(models.Model):
    """One accounting year's figures for an enterprise (amounts in 万元)."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name="企业",
        on_delete=models.CASCADE,
        related_name="figures",
    )
    year = models.PositiveSmallIntegerField("年度")
    staff_total = models.PositiveIntegerField("职工总数（人）", null=True, blank=True)
    tech_staff = models.PositiveIntegerField("科技人员数（人）", null=True, blank=True)
    rd_staff = models.PositiveIntegerField("研发人员数（人）", null=True, blank=True)
    sales_revenue = models.DecimalField(
        "销售收入（万元）", max_digits=20, decimal_places=6, null=True, blank=True
    )
    operating_revenue = models.DecimalField(
        "营业收入（万元）", max_digits=20, decimal_places=6, null=True, blank=True
    )
    main_revenue = models.DecimalField(
        "主营业务收入（万元）", max_digits=20, decimal_places=6, null=True, blank=True
    )
    total_revenue = models.DecimalField(
        "总收入（万元）", max_digits=20, decimal_places=6, null=True, blank=True
    )
    high_tech_revenue = models.DecimalField(
        "高新技术产品（服务）收入（万元）",
        max_digits=20,
        decimal_places=6,
        null=True,
        blank=True,
    )
    rd_expense = models.DecimalField(
        "研发费用总额（万元）", max_digits=20, decimal_places=6, null=True, blank=True
    )
    rd_domestic = models.DecimalField(
        "其中：境内研发费用（万元）",
        max_digits=20,
        decimal_places=6,
        null=True,
        blank=True,
    )
    total_cost = models.DecimalField(
        "成本费用支出总额（万元）",
        max_digits=20,
        decimal_places=6,
        null=True,
        blank=True,
    )
    total_assets = models.DecimalField(
        "资产总额（万元）", max_digits=20, decimal_places=6, null=True, blank=True
    )
    net_assets = models.DecimalField(
        "净资产（万元）", max_digits=20, decimal_places=6, null=True, blank=True
    )
    profit_total = models.DecimalField(
        "利润总额（万元）", max_digits=20, decimal_places=6, null=True, blank=True
    )
    tax_total = models.DecimalField(
        "纳税总额（万元）", max_digits=20, decimal_places=6, null=True, blank=True
    )
    conversions = models.PositiveIntegerField(
        "科技成果转化数（项）", null=True, blank=True
    )
    equity_financing = models.DecimalField(
        "股权融资额（万元）", max_digits=20, decimal_places=6, null=True, blank=True
    )
    source_units = models.JSONField("原始金额单位", default=dict, blank=True)
    extra = models.JSONField("其他信息", default=dict, blank=True)

    class Meta:
        verbose_name = "年度数据"
        verbose_name_plural = "年度数据"
        ordering = ["enterprise_id", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year"], name="one_figures_per_year"
            )
        ]
        # The R&D monitor and the dashboard sum one year's R&D and sales by area:
        # this covering index lets the database read them without the table.
        indexes = [
            models.Index(
                fields=["year", "enterprise", "rd_expense", "sales_revenue"],
                name="figures_year_rd_sales",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}年度数据"


class IPCategory(models.TextChoices):
    INVENTION = "发明专利", "发明专利"
    UTILITY = "实用新型专利", "实用新型专利"
    DESIGN = "外观设计专利", "外观设计专利"
    SOFTWARE = "软件著作权", "软件著作权"
    IC_LAYOUT = "集成电路布图设计专有权", "集成电路布图设计专有权"
    PLANT = "植物新品种", "植物新品种"
    CROP = "国家级农作物品种", "国家级农作物品种"
    DRUG = "国家新药", "国家新药"
    TCM = "国家一级中药保护品种", "国家一级中药保护品种"
    OTHER = "其他", "其他"


class IPAcquisition(models.TextChoices):
    OWN = "自主研发", "自主研发"
    TRANSFER = "受让", "受让"
    GIFT = "受赠", "受赠"
    MERGER = "并购", "并购"
    LICENCE = "独占许可", "独占许可"


class IPStatus(models.TextChoices):
    VALID = "有效", "有效"
    LAPSED = "失效", "失效"


class IntellectualProperty(models.Model):
    """A patent, copyright or other IP item held by an enterprise."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name="企业",
        on_delete=models.CASCADE,
        related_name="ip_items",
    )
    number = models.CharField("知识产权编号", max_length=60)
    name = models.CharField("知识产权名称", max_length=200, blank=True)
    category = models.CharField("类别", max_length=20, choices=IPCategory.choices)
    granted_on = models.DateField("授权日期", null=True, blank=True)
    acquisition = models.CharField(
        "获得方式", max_length=10, blank=True, choices=IPAcquisition.choices
    )
    status = models.CharField(
        "状态", max_length=4, choices=IPStatus.choices, default=IPStatus.VALID
    )
    related_to_main = models.BooleanField("与主要产品相关", null=True, blank=True)
    high_value = models.BooleanField(
        "高价值专利",
        null=True,
        blank=True,
        help_text="专精特新、创新型中小企业评分中的高价值Ⅰ类知识产权",
    )
    extra = models.JSONField("其他信息", default=dict, blank=True)

    class Meta:
        verbose_name = "知识产权"
        verbose_name_plural = "知识产权"
        ordering = ["enterprise_id", "granted_on", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "number"], name="one_ip_per_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category} {self.number}"


class QualificationKind(models.TextChoices):
    HIGH_TECH = "高新技术企业", "高新技术企业"
    TECH_SME = "科技型中小企业", "科技型中小企业"
    CHUYING = "雏鹰企业", "雏鹰企业"
    DENGLING = "瞪羚企业", "瞪羚企业"
    LINGJUN = "科技领军企业", "科技领军企业"
    LINGJUN_PEIYU = "科技领军培育企业", "科技领军培育企业"
    TECH_LEADING = "技术领先型企业", "技术领先型企业"
    ZJTX_SME = "专精特新中小企业", "专精特新中小企业"
    LITTLE_GIANT = "专精特新“小巨人”企业", "专精特新“小巨人”企业"
    INNOVATIVE_SME = "创新型中小企业", "创新型中小企业"
    TECH_CENTER = "企业技术中心", "企业技术中心"
    KEY_LAB = "重点实验室", "重点实验室"
    ENG_CENTER = "工程研究中心", "工程研究中心"
    TECH_INNOVATION_CENTER = "技术创新中心", "技术创新中心"
    MFG_INNOVATION_CENTER = "制造业创新中心", "制造业创新中心"
    INDUSTRY_INNOVATION_CENTER = "产业创新中心", "产业创新中心"
    SCI_AWARD = "科技奖励", "科技奖励"
    CONTEST = "创新创业大赛", "创新创业大赛"
    STANDARD_LEAD = "主导制定标准", "主导制定标准"
    STANDARD_JOIN = "参与制定标准", "参与制定标准"
    RD_INSTITUTION = "研发机构", "研发机构"
    SOFTWARE_ENTERPRISE = "软件企业证书", "软件企业证书"
    SOFTWARE_PRODUCT = "软件产品证书", "软件产品证书"
    SCI_PROJECT = "科技计划项目", "科技计划项目"
    VENTURE_INVESTMENT = "创业投资", "创业投资"
    JOINT_STOCK = "股份制改造", "股份制改造"
    QUOTED = "挂牌", "挂牌"
    LISTED = "上市", "上市"
    # 规范知识产权管理: a certificate of the enterprise's IP management system
    # under GB/T 29490《企业知识产权管理规范》(贯标认证). Recorded and counted
    # (campaign metrics ip_management_*); no programme's rules read it.
    IP_MANAGEMENT = "知识产权管理体系认证", "知识产权管理体系认证"


class QualificationLevel(models.TextChoices):
    NATIONAL = "国家级", "国家级"
    PROVINCIAL = "省级（市级）", "省级（市级）"
    DISTRICT = "区级", "区级"


class Qualification(models.Model):
    """A qualification, award, platform or milestone, with its validity."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name="企业",
        on_delete=models.CASCADE,
        related_name="qualifications",
    )
    kind = models.CharField("类型", max_length=20, choices=QualificationKind.choices)
    level = models.CharField(
        "级别", max_length=10, blank=True, choices=QualificationLevel.choices
    )
    number = models.CharField("编号", max_length=60, blank=True)
    granted_on = models.DateField("取得日期", null=True, blank=True)
    valid_until_entered = models.DateField("有效期至（填报）", null=True, blank=True)
    valid_until = models.DateField("有效期至", null=True, blank=True, db_index=True)
    revoked_on = models.DateField("撤销日期", null=True, blank=True)
    rank = models.CharField("名次", max_length=40, blank=True)
    amount = models.DecimalField(
        "金额（万元）", max_digits=20, decimal_places=6, null=True, blank=True
    )
    note = models.CharField("说明", max_length=500, blank=True)
    extra = models.JSONField("其他信息", default=dict, blank=True)

    class Meta:
        verbose_name = "资质荣誉"
        verbose_name_plural = "资质荣誉"
        ordering = ["enterprise_id", "kind", "granted_on"]
        indexes = [models.Index(fields=["kind", "granted_on"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.number}".strip()

    def is_valid_on(self, day: dt.date) -> bool:
        """Held on that day: granted by then, not expired, not revoked."""
        if self.granted_on is None or self.granted_on > day:
            return False
        if self.revoked_on is not None and self.revoked_on <= day:
            return False
        return self.valid_until is None or day <= self.valid_until


class CreditKind(models.TextChoices):
    SAFETY = "重大安全事故", "重大安全事故"
    QUALITY = "重大质量事故", "重大质量事故"
    ENVIRONMENT = "严重环境违法", "严重环境违法"
    RESEARCH = "科研严重失信", "科研严重失信"
    ABNORMAL = "经营异常名录", "经营异常名录"
    DISHONEST = "严重违法失信名单", "严重违法失信名单"


class CreditRecord(models.Model):
    """A negative record that can bar an enterprise from a programme."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name="企业",
        on_delete=models.CASCADE,
        related_name="credit_records",
    )
    kind = models.CharField("类型", max_length=20, choices=CreditKind.choices)
    occurred_on = models.DateField("发生日期")
    note = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        verbose_name = "信用记录"
        verbose_name_plural = "信用记录"
        ordering = ["enterprise_id", "-occurred_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "kind", "occurred_on"],
                name="one_credit_record_per_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.occurred_on}"


class JobKind(models.TextChoices):
    IMPORT = "import", "导入工作簿"
    EXPORT = "export", "导出企业库"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    CHECKING = "checking", "检查中"
    CHECKED = "checked", "待确认"
    APPLYING = "applying", "导入中"
    EXPORTING = "exporting", "导出中"
    DONE = "done", "已完成"
    FAILED = "failed", "未完成"


# A workbook job with no progress for this long is taken to be interrupted (the
# worker stopped mid-job). Longer than the evaluation runs' 10 minutes: the write
# of a city's first import is one transaction with no progress shown, which at
# 100 000 enterprises took up to 11 minutes on a loaded machine.
JOB_STALL_AFTER = dt.timedelta(minutes=30)


class WorkbookJob(models.Model):
    """A workbook import or registry export run by the background worker.

    An import is checked first (status 待确认 with the preview), then applied when
    its owner confirms; an export ends with a file to download. Only the user who
    started a job sees it. The imported enterprises and what changed are the
    import's audit events (ids ``event_first``–``event_last``).
    """

    kind = models.CharField("类型", max_length=10, choices=JobKind.choices)
    status = models.CharField(
        "状态", max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    user = models.ForeignKey(
        "accounts.User",
        verbose_name="发起人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    source_name = models.CharField("文件名", max_length=255, blank=True)
    path = models.CharField("文件位置", max_length=500, blank=True)
    stage = models.CharField("进行到", max_length=100, blank=True)
    params = models.JSONField("导出条件", default=dict, blank=True)
    fingerprint = models.CharField("预览指纹", max_length=64, blank=True)
    counts = models.JSONField("各表条数", default=dict, blank=True)
    enterprises = models.JSONField("企业条数", default=dict, blank=True)
    changed_total = models.PositiveIntegerField("修改条数", default=0)
    preview = models.JSONField("修改明细（前若干条）", default=list, blank=True)
    errors = models.JSONField("错误", default=list, blank=True)
    warnings = models.JSONField("提示", default=list, blank=True)
    event_first = models.BigIntegerField("首条操作记录", default=0)
    event_last = models.BigIntegerField("末条操作记录", default=0)
    created_at = models.DateTimeField("发起时间", auto_now_add=True)
    updated_at = models.DateTimeField("最近进展", auto_now=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "工作簿任务"
        verbose_name_plural = "工作簿任务"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.source_name}"

    @property
    def in_progress(self) -> bool:
        """Waiting for or inside the worker (the page refreshes itself)."""
        return self.status in (
            JobStatus.QUEUED,
            JobStatus.CHECKING,
            JobStatus.APPLYING,
            JobStatus.EXPORTING,
        )

    @property
    def stalled(self) -> bool:
        """In progress with no progress for JOB_STALL_AFTER (e.g. the worker was
        stopped mid-job): the page stops refreshing and says so."""
        if not self.in_progress:
            return False
        last = self.updated_at or self.created_at
        return last is not None and timezone.now() - last > JOB_STALL_AFTER
