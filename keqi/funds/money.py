"""Exact money in 元: checking amounts, splitting a cost, and showing it.

Rounding rule of the settlement (结算的舍入规则), the one place it is decided:
each award's net cost in the year (its payments less reversals dated in that year,
for one area) is split on its own. The area's share is cost × area% ÷ 100 rounded
to the 分 half away from zero (ROUND_HALF_UP: 0.005 → 0.01, −0.005 → −0.01); the
district's share is the cost minus the area's share. So the two parts of every
award add up to its cost exactly, and every total (per type, per area, district)
is the plain sum of its lines: nothing is rounded twice and nothing goes missing.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal("0.00")
ROUNDING_RULE = (
    "舍入规则：每项奖励当年净支出（拨付减冲销）乘以该街镇/园区、该奖励类型的负担比例，"
    "四舍五入到分，为街镇/园区负担额；区级负担额 = 净支出 − 街镇/园区负担额。"
    "各项相加即为合计，两部分之和与净支出分毫不差。未设定比例的按50%。"
)


def checked_yuan(value: object, label: str, *, positive: bool = True) -> Decimal:
    """An amount in 元 with at most two decimal places (else a Chinese error)."""
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ValidationError(f"{label}应为金额（元）")
    if value != value.quantize(CENT):
        raise ValidationError(f"{label}最多保留两位小数（元、角、分）")
    if positive and value <= 0:
        raise ValidationError(f"{label}应大于0")
    return value.quantize(CENT)


def checked_percent(value: object, label: str = "负担比例") -> Decimal:
    """A percentage 0–100 with at most two decimal places."""
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ValidationError(f"{label}应为百分数")
    if value != value.quantize(CENT):
        raise ValidationError(f"{label}最多保留两位小数")
    if not Decimal(0) <= value <= HUNDRED:
        raise ValidationError(f"{label}应在0到100之间")
    return value.quantize(CENT)


def split_cost(cost: Decimal, area_percent: Decimal) -> tuple[Decimal, Decimal]:
    """(area share, district share) of a cost; they add up to the cost exactly."""
    area = (cost * area_percent / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)
    return area, cost - area


def yuan_text(value: Decimal | None) -> str:
    """1234567.5 → 1,234,567.50; None → —."""
    if value is None:
        return "—"
    return f"{value.quantize(CENT):,}"
