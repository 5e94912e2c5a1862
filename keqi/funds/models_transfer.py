"""Income from higher-level 转移支付 (措施12：积极争取上级部门转移支付资金).

Money the district receives from the city or the centre for its technology
enterprises. Entries are only added, never changed: a mistake is corrected by a
negative entry naming the one it corrects, with the reason. The year-end
settlement shows the year's income beside the district's share of the cost.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

YUAN_DIGITS = 14


class TransferLevel(models.TextChoices):
    CENTRAL = "central", "中央"
    CITY = "city", "市级"


class TransferIncome(models.Model):
    """One receipt of 上级转移支付 (or a correction of one), in 元."""

    district = models.ForeignKey(
        "accounts.District",
        verbose_name="所属区",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField("预算年度")
    level = models.CharField("来源", max_length=10, choices=TransferLevel.choices)
    title = models.CharField("资金名称", max_length=200)
    document = models.CharField("下达文号", max_length=100, blank=True)
    fund = models.ForeignKey(
        "funds.Fund",
        verbose_name="纳入资金",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_on = models.DateField("到账日期")
    amount = models.DecimalField("金额（元）", max_digits=YUAN_DIGITS, decimal_places=2)
    corrects = models.OneToOneField(
        "self",
        verbose_name="更正的收入",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="correction",
    )
    note = models.CharField("说明", max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "上级转移支付收入"
        verbose_name_plural = "上级转移支付收入"
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="transfer_income_positive_correction_negative",
                condition=(
                    models.Q(amount__gt=0, corrects__isnull=True)
                    | models.Q(amount__lt=0, corrects__isnull=False)
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.received_on:%Y-%m-%d}）"
