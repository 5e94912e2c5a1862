"""Template filters for campaign pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from keqi.campaign.selectors import number_text

register = template.Library()


@register.filter
def plain(value: Decimal | None) -> str:
    """An exact number without trailing zeros or exponent: 100, 2.5; blank stays blank."""
    return number_text(value) if value is not None else ""


@register.filter
def not_green(items: list[Any]) -> list[Any]:
    """A unit's items that are not green, red first (the 作战图's unit table)."""
    order = {"red": 0, "yellow": 1, "grey": 2}
    return sorted(
        (i for i in items if i.light != "green"), key=lambda i: order.get(i.light, 3)
    )
