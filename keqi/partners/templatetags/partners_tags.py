"""The partners block on the registry's enterprise page (走访服务台账 and more).

The registry page includes ``partners/_enterprise_block.html``; this tag fills it
from the partners selectors, so the registry never imports keqi.partners. The
page itself is already scoped: whoever sees the enterprise sees every unit's
entries about it, so a unit knows who visited before.
"""

from __future__ import annotations

from typing import Any

from django import template

from keqi.core.dates import business_today
from keqi.partners.access import can_record
from keqi.partners.selectors import (
    finance_list_for,
    lead_list_for,
    project_list_for,
    service_list_for,
    trademark_list_for,
)

register = template.Library()
SHOWN = 20


@register.inclusion_tag("partners/_enterprise_panel.html", takes_context=True)
def partners_enterprise_panel(context: Any, enterprise: Any) -> dict[str, Any]:
    """Recent service entries and counts of the enterprise's partners records."""
    request = context["request"]
    user = request.user
    entries = (
        service_list_for(user).filter(enterprise=enterprise).order_by("-on", "-id")
    )
    return {
        "e": enterprise,
        "user": user,
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "can_record": can_record(user),
        "today": business_today(),
        "entries": list(entries[:SHOWN]),
        "more": max(0, entries.count() - SHOWN),
        "finance": list(
            finance_list_for(user).filter(enterprise=enterprise).order_by("-on")
        ),
        "trademarks": trademark_list_for(user).filter(enterprise=enterprise).count(),
        "projects": list(project_list_for(user).filter(enterprises=enterprise)),
        "lead": lead_list_for(user).filter(enterprise=enterprise).first(),
        "next": request.get_full_path(),
    }
