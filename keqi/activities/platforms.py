"""Innovation platforms (创新平台) read from the registry's qualifications.

A platform is a qualification of one of the plan's six kinds (技术创新中心, 制造业
创新中心, 产业创新中心, 工程研究中心, 重点实验室, 企业技术中心). Nothing is copied:
the registry holds the record, this module only filters it. With a year chosen the
list is exactly the campaign metric `platforms_in_year` — granted from 1 January to
the day asked about, not revoked by then — so the page's count is the board's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from keqi.accounts.scopes import enterprise_q
from keqi.campaign.metrics import PLATFORM_KINDS
from keqi.registry.models import Qualification, QualificationLevel

PLATFORM_METRIC = "platforms_in_year"


@dataclass
class PlatformFilter:
    """Kind, level, area and year (None: every year) of the platform list."""

    kind: str = ""
    level: str = ""
    area_id: int | None = None
    year: int | None = None
    as_of: dt.date | None = None
    #: The city's pick of one district; None: all the user may see.
    district_id: int | None = None


def platform_kinds() -> list[str]:
    """The six platform kinds in the plan's order."""
    return [str(k) for k in PLATFORM_KINDS]


def platform_levels() -> list[str]:
    return [str(v) for v in QualificationLevel.values]


def platform_list_for(user: Any, f: PlatformFilter) -> QuerySet[Qualification]:
    """Platforms at enterprises the user may see, newest first.

    With a year: granted in that year up to `as_of`, and not revoked by `as_of`
    (the campaign's counting rule). Without: every platform on record."""
    rows = Qualification.objects.filter(kind__in=PLATFORM_KINDS).filter(
        enterprise_q(user, prefix="enterprise__")
    )
    if f.kind:
        rows = rows.filter(kind=f.kind)
    if f.level:
        rows = rows.filter(level=f.level)
    if f.area_id is not None:
        rows = rows.filter(enterprise__area_id=f.area_id)
    if f.district_id is not None:
        rows = rows.filter(enterprise__area__district_id=f.district_id)
    if f.year is not None:
        as_of = f.as_of or dt.date(f.year, 12, 31)
        end = min(as_of, dt.date(f.year, 12, 31))
        rows = rows.filter(
            granted_on__gte=dt.date(f.year, 1, 1), granted_on__lte=end
        ).exclude(revoked_on__lte=as_of)
    return rows.select_related("enterprise__area__district").order_by(
        "-granted_on", "enterprise__name", "id"
    )


def platform_status(q: Qualification, day: dt.date) -> tuple[str, str]:
    """有效 / 已过期 / 已撤销 / 尚未取得 on `day`, with a badge class."""
    if q.revoked_on is not None and q.revoked_on <= day:
        return "已撤销", "bad"
    if q.is_valid_on(day):
        return "有效", "ok"
    if q.valid_until is not None and q.valid_until < day:
        return "已过期", "muted"
    return "尚未取得" if q.granted_on else "取得日期不详", "warn"
