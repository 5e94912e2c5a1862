"""The products block on the registry's enterprise page and the portrait.

The registry page includes ``products/_enterprise_block.html``; this tag fills it
from the products selectors, so the registry never imports keqi.products. The
rows are read through the same scoped selectors as the products lists (a town
sees its own enterprises' records only, and the page itself is a 404 for
another town's enterprise).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.http import urlencode

from keqi.partners.access import can_record
from keqi.products.selectors import product_list_for, transformation_list_for

register = template.Library()


def _list_url(name: str, uscc: str, kind: str = "") -> str:
    """The products list narrowed to the enterprise (and a kind)."""
    query = {"q": uscc, **({"kind": kind} if kind else {})}
    return f"{reverse(name)}?{urlencode(query)}"


@register.inclusion_tag("products/_enterprise_panel.html", takes_context=True)
def products_enterprise_panel(
    context: Any, enterprise: Any, compact: bool = False
) -> dict[str, Any]:
    """The enterprise's products, brands and transformation records."""
    request = context["request"]
    user = request.user
    products = list(product_list_for(user).filter(enterprise=enterprise))
    transformations = list(transformation_list_for(user).filter(enterprise=enterprise))
    return {
        "e": enterprise,
        "compact": compact,
        "total": len(products) + len(transformations),
        "products": [
            (p, _list_url("products:product_list", enterprise.uscc, p.kind))
            for p in products
        ],
        "transformations": [
            (t, _list_url("products:transformation_list", enterprise.uscc, t.kind))
            for t in transformations
        ],
        "products_url": _list_url("products:product_list", enterprise.uscc),
        "transformations_url": _list_url(
            "products:transformation_list", enterprise.uscc
        ),
        "may_record": can_record(user),
        "next": request.get_full_path(),
    }
