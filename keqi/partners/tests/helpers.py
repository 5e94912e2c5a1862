"""Small builders for partners tests; rows are made through the real services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from keqi.accounts.models import Unit
from keqi.partners import services
from keqi.partners.leads import lead_create
from keqi.partners.models import Lead, ServiceEntry


def unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def make_lead(actor: Any = None, **values: Any) -> Lead:
    """A lead at 已接洽 (by default of 区合作交流办, recorded by the system)."""
    data: dict[str, Any] = {
        "company": "北京示例科技有限公司",
        "source": "推介会",
        "contacted_on": dt.date(2019, 3, 1),
    }
    if actor is None:
        data["unit"] = unit("hzjlb")
    data.update(values)
    return lead_create(values=data, actor=actor)


def log_visit(enterprise: Any, actor: Any, **values: Any) -> ServiceEntry:
    """A visit logged by the actor's unit."""
    data: dict[str, Any] = {
        "enterprise": enterprise,
        "kind": "走访",
        "on": dt.date(2019, 9, 1),
        "person": str(actor),
        "asked": "用地指标",
        "promised": "两周内答复",
    }
    data.update(values)
    return services.service_entry_create(values=data, actor=actor)
