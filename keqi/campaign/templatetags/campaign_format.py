"""Template filters for campaign pages."""

from __future__ import annotations

from decimal import Decimal

from django import template

from keqi.campaign.selectors import number_text

register = template.Library()


@register.filter
def plain(value: Decimal | None) -> str:
    """An exact number without trailing zeros or exponent: 100, 2.5; blank stays blank."""
    return number_text(value) if value is not None else ""
