"""Template filters for showing registry values: exact numbers, unknown as —."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import template
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()
DASH = "—"


@register.filter
def num(value: Any) -> str:
    """A stored number for reading: 1234567.500000 → 1,234,567.5; unknown → —.

    Never rounds: every stored decimal place that is not a trailing zero is shown.
    """
    if value is None or value == "":
        return DASH
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return format(value.normalize(), ",f")
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


@register.filter
def yesno_unknown(value: bool | None) -> str:
    """是 / 否, and — when unknown."""
    return DASH if value is None else ("是" if value else "否")


@register.filter
def or_dash(value: Any) -> Any:
    """The value, or — when it is blank (blank means unknown)."""
    if value is None or value == "":
        return DASH
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    return value


@register.simple_tag(takes_context=True)
def sort_th(context: dict[str, Any], key: str, label: str, css: str = "") -> SafeString:
    """A sortable column header: click to sort by it, click again to reverse."""
    request: HttpRequest = context["request"]
    current = context["search"].sort
    params = request.GET.copy()
    params.pop("page", None)
    params["sort"] = f"-{key}" if current == key else key
    arrow = {key: " ▲", f"-{key}": " ▼"}.get(current, "")
    return format_html(
        '<th class="{}" aria-sort="{}"><a href="?{}">{}{}</a></th>',
        css,
        "ascending" if arrow == " ▲" else ("descending" if arrow else "none"),
        params.urlencode(),
        label,
        arrow,
    )


@register.filter
def field_label(form: Any, name: str) -> str:
    """The label of a form field by name (for listing a form's errors)."""
    field = form.fields.get(name)
    return str(field.label) if field is not None and field.label else name
