"""Reads behind the API, always scoped to the caller through keqi.accounts.scopes.

The registry's own selectors decide which enterprises a user sees; every list
here is limited to those, so a town token never reaches another town's rows.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from keqi.accounts.models import Area
from keqi.accounts.scopes import area_q, enterprise_q
from keqi.api.models import ApiToken
from keqi.core.uscc import normalise
from keqi.registry.forms import valid_on_q
from keqi.registry.models import (
    AnnualFigures,
    Enterprise,
    IntellectualProperty,
    Qualification,
)
from keqi.registry.selectors import enterprise_list_for

NOT_FOUND = "企业不存在或不在您的管辖范围内"
USCC_SHAPE = re.compile(r"[0-9A-Z]{18}")


def area_list_for(user: Any) -> QuerySet[Area]:
    """Areas the user may ask about: their own, or their whole district."""
    return Area.objects.filter(area_q(user)).order_by("sort", "code")


def enterprise_by_uscc_for(user: Any, uscc: str) -> Enterprise:
    """One enterprise by its 统一社会信用代码, or 404 when unknown or out of scope."""
    code = normalise(uscc)
    valid = USCC_SHAPE.fullmatch(code) is not None
    found = enterprise_list_for(user).filter(uscc=code).first() if valid else None
    if found is None:
        raise Http404(NOT_FOUND)
    return found


def _narrowed(
    rows: QuerySet[Any], user: Any, uscc: str | None, area: Area | None
) -> QuerySet[Any]:
    rows = rows.filter(enterprise_q(user, prefix="enterprise__"))
    if uscc:
        rows = rows.filter(enterprise__uscc=normalise(uscc)[:18])
    if area is not None:
        rows = rows.filter(enterprise__area=area)
    return rows.select_related("enterprise")


def figures_list_for(
    user: Any, *, uscc: str | None, area: Area | None, year: int | None
) -> QuerySet[AnnualFigures]:
    """Yearly figures of the user's enterprises, by enterprise then year."""
    rows = _narrowed(AnnualFigures.objects.all(), user, uscc, area)
    if year is not None:
        rows = rows.filter(year=year)
    return rows.order_by("enterprise__uscc", "year")


def qualification_list_for(
    user: Any,
    *,
    uscc: str | None,
    area: Area | None,
    kind: str | None,
    held_on: dt.date | None,
) -> QuerySet[Qualification]:
    """Qualifications of the user's enterprises; with held_on, only those in force."""
    rows = _narrowed(Qualification.objects.all(), user, uscc, area)
    if kind:
        rows = rows.filter(kind=kind)
    if held_on is not None:
        rows = rows.filter(valid_on_q(held_on))
    return rows.order_by("enterprise__uscc", "kind", "granted_on", "id")


def ip_list_for(
    user: Any,
    *,
    uscc: str | None,
    area: Area | None,
    category: str | None,
    status: str | None,
) -> QuerySet[IntellectualProperty]:
    """IP items of the user's enterprises."""
    rows = _narrowed(IntellectualProperty.objects.all(), user, uscc, area)
    if category:
        rows = rows.filter(category=category)
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("enterprise__uscc", "number")


def token_list_for(user: Any) -> QuerySet[ApiToken]:
    """Tokens the user manages: their own; HQ sees everyone's."""
    rows = ApiToken.objects.select_related("user__unit", "created_by", "revoked_by")
    return rows if user.is_hq else rows.filter(user=user)


def token_get_for(user: Any, pk: int) -> ApiToken:
    """One token the user manages, else 404."""
    found = token_list_for(user).filter(pk=pk).first()
    if found is None:
        raise Http404("令牌不存在")
    return found
