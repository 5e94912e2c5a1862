"""``{% list_pager %}``: the pager of the list in the context, for ``core/_pager.html``."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.paginator import Page

from keqi.core.paging import Pager, pager_of

register = template.Library()


@register.simple_tag(takes_context=True)
def list_pager(context: Any) -> Pager | None:
    """The context's ``pager`` (a `Pager`), else its ``page`` (Django's `Page`,
    links made from the request's query string), else None."""
    given = context.get("pager")
    if not isinstance(given, Pager):
        page = context.get("page")
        given = page if isinstance(page, Page) else None
    return pager_of(given, context["request"].GET)
