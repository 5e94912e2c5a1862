"""Reads of the plan-item lists, scoped like the other partners lists.

Carriers and overseas stations are district facilities: everyone signed in reads
them. Alliances, standards and 军民融合 projects are seen by area staff when one
of their enterprises takes part or their unit recorded them (and then only their
own enterprises are named); settlements by whoever may see the enterprise.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from keqi.accounts.scopes import district_q, enterprise_q
from keqi.partners.models_plan import (
    Alliance,
    Carrier,
    CarrierSettlement,
    CivMilProject,
    OverseasStation,
    StandardWork,
)
from keqi.partners.selectors import _area_or_unit, _signed_in
from keqi.registry.models import Enterprise

_NONE = Q(pk__in=[])


def _visible_members(user: Any) -> Prefetch[Any]:
    """Only the enterprises the user may see are named on a shared record."""
    visible = Enterprise.objects.filter(enterprise_q(user)).select_related("area")
    return Prefetch("enterprises", queryset=visible.order_by("name"))


def alliance_list_for(user: Any) -> QuerySet[Alliance]:
    """Alliances the user may see, members limited to the user's scope."""
    ids = Alliance.objects.filter(
        _area_or_unit(user, ("enterprises__area_id",))
    ).values("pk")
    return (
        Alliance.objects.filter(pk__in=ids)
        .select_related("unit")
        .prefetch_related(_visible_members(user), "institutions")
    )


def carrier_list_for(user: Any) -> QuerySet[Carrier]:
    """Carriers of the user's district (every district's for the city)."""
    q = district_q(user, "unit__district_id") if _signed_in(user) else _NONE
    return Carrier.objects.filter(q).select_related("area", "unit")


def settlement_list_for(user: Any) -> QuerySet[CarrierSettlement]:
    """Settlements of enterprises the user may see."""
    return CarrierSettlement.objects.filter(
        enterprise_q(user, "enterprise__")
    ).select_related("carrier", "enterprise__area", "unit")


def station_list_for(user: Any) -> QuerySet[OverseasStation]:
    """Overseas 招商 stations of the user's district (all for the city)."""
    q = district_q(user, "unit__district_id") if _signed_in(user) else _NONE
    return OverseasStation.objects.filter(q).select_related("carrier", "unit")


def standard_list_for(user: Any) -> QuerySet[StandardWork]:
    """Standards the user may see (lead or drafting enterprise in scope, or own)."""
    q = _area_or_unit(user, ("lead_enterprise__area_id", "enterprises__area_id"))
    ids = StandardWork.objects.filter(q).values("pk")
    return (
        StandardWork.objects.filter(pk__in=ids)
        .select_related("lead_enterprise__area", "unit")
        .prefetch_related(_visible_members(user))
    )


def civmil_list_for(user: Any) -> QuerySet[CivMilProject]:
    """军民融合 projects the user may see."""
    ids = CivMilProject.objects.filter(
        _area_or_unit(user, ("enterprises__area_id",))
    ).values("pk")
    return (
        CivMilProject.objects.filter(pk__in=ids)
        .select_related("unit")
        .prefetch_related(_visible_members(user))
    )


@dataclass(frozen=True)
class CarrierCount:
    """A carrier and how many (visible) enterprises are settled in it on a day."""

    carrier: Carrier
    settled: int
    settled_this_year: int


def carrier_counts(user: Any, day: dt.date) -> list[CarrierCount]:
    """Per carrier: enterprises settled on `day`, and settled since 1 January."""
    rows = settlement_list_for(user).filter(settled_on__lte=day)
    current: dict[int, set[int]] = {}
    this_year: dict[int, set[int]] = {}
    for s in rows.filter(Q(left_on__isnull=True) | Q(left_on__gt=day)):
        current.setdefault(s.carrier_id, set()).add(s.enterprise_id)
        if s.settled_on.year == day.year:
            this_year.setdefault(s.carrier_id, set()).add(s.enterprise_id)
    return [
        CarrierCount(c, len(current.get(c.pk, ())), len(this_year.get(c.pk, ())))
        for c in carrier_list_for(user)
    ]
