"""Template filters for money: 元 always with two decimal places."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from keqi.funds.money import yuan_text

register = template.Library()


@register.filter
def yuan(value: Any) -> str:
    """1234567.5 → 1,234,567.50; None → —."""
    if value is None or value == "":
        return "—"
    return yuan_text(value if isinstance(value, Decimal) else Decimal(str(value)))


@register.filter
def pct(value: Any) -> str:
    """A stored percentage without trailing zeros: 33.30 → 33.3, 50.00 → 50."""
    if value is None:
        return "—"
    return format(Decimal(value).normalize(), "f")
