"""Products and transformation records of enterprises (产品与转型).

The plan (措施第4条、第13条，重点任务（一）1、2) asks enterprises to develop
“专精特新”产品、重点新产品、“杀手锏”产品, build brands (品牌建设), move to the cloud
(工业企业上云), innovate their model (“互联网+”“人工智能+”“制造+服务”) and invest in
technical upgrading (技改投入). These rows are the records behind the campaign
targets 申报“专精特新产品”10家 and 完成创新转型企业100家, counted live (see
keqi/products/metrics.py); nobody types those numbers any more.

Both belong to an enterprise and are seen by whoever may see it (a town sees its
own enterprises' rows only). Amounts are exact decimals in 万元, as in the registry.
"""

from __future__ import annotations

from django.db import models

from keqi.registry.models import Enterprise, QualificationLevel


class ProductKind(models.TextChoices):
    ZJTX = "专精特新产品", "“专精特新”产品"
    KEY_NEW = "重点新产品", "重点新产品"
    KILLER = "杀手锏产品", "“杀手锏”产品"
    BRAND = "品牌", "品牌"


class Product(models.Model):
    """A recognised product or brand of an enterprise, with its evidence."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name="企业",
        on_delete=models.PROTECT,
        related_name="products",
    )
    kind = models.CharField("类型", max_length=10, choices=ProductKind.choices)
    name = models.CharField("产品（品牌）名称", max_length=200)
    recognised_by = models.CharField(
        "认定部门", max_length=100, help_text="如 天津市工业和信息化局"
    )
    level = models.CharField(
        "级别", max_length=10, blank=True, choices=QualificationLevel.choices
    )
    recognised_on = models.DateField("认定日期")
    evidence = models.CharField(
        "证明材料",
        max_length=300,
        help_text="认定文件文号、证书编号或公示名单，能据此查到这条认定",
    )
    note = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        verbose_name = "产品与品牌"
        verbose_name_plural = "产品与品牌"
        ordering = ["-recognised_on", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "kind", "name"],
                name="products_one_product_per_name",
                violation_error_message="该企业已登记同类型、同名称的产品（品牌）",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.name}"


class TransformationKind(models.TextChoices):
    CLOUD = "工业企业上云", "工业企业上云"
    INTERNET_PLUS = "互联网+", "“互联网+”模式创新"
    AI_PLUS = "人工智能+", "“人工智能+”模式创新"
    MFG_SERVICE = "制造+服务", "“制造+服务”模式创新"
    TECH_UPGRADE = "技改投入", "技改投入"


class Transformation(models.Model):
    """One transformation an enterprise completed in a year (创新转型).

    技改投入 carries its amount (万元, exact, more than zero); the other kinds carry
    none. The completion date lies in the year and decides from which day the
    record counts toward 完成创新转型企业.
    """

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name="企业",
        on_delete=models.PROTECT,
        related_name="transformations",
    )
    kind = models.CharField("类型", max_length=10, choices=TransformationKind.choices)
    year = models.PositiveSmallIntegerField("年度")
    completed_on = models.DateField("完成日期", help_text="须在所填年度内")
    amount = models.DecimalField(
        "技改投入（万元）",
        max_digits=20,
        decimal_places=6,
        null=True,
        blank=True,
        help_text="仅“技改投入”填写，须大于0",
    )
    description = models.CharField("内容", max_length=500)

    class Meta:
        verbose_name = "创新转型"
        verbose_name_plural = "创新转型"
        ordering = ["-year", "-completed_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "kind", "year"],
                name="products_one_transformation_per_year",
                violation_error_message="该企业本年度已登记这一类型的创新转型，请修改原记录",
            ),
            models.CheckConstraint(
                name="products_upgrade_amount_only",
                violation_error_message="只有“技改投入”填写金额，且须大于0",
                condition=(
                    models.Q(kind="技改投入", amount__gt=0)
                    | (~models.Q(kind="技改投入") & models.Q(amount__isnull=True))
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.get_kind_display()}"
