"""``{% export_link %}``: the current list, same filters, as Excel."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag(takes_context=True)
def export_link(context: dict[str, Any], label: str = "导出 Excel") -> SafeString:
    """A link to this page with ``format=xlsx`` added to its query (page dropped)."""
    request = context["request"]
    params = request.GET.copy()
    params.pop("page", None)
    params["format"] = "xlsx"
    return format_html(
        '<a class="export-link" href="?{}" download>{}</a>', params.urlencode(), label
    )
