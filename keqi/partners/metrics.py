"""Campaign figures counted from partners data (registered in PartnersConfig.ready).

招商引进高企: a lead that settled in the district (落地注册日期) within the plan
year counts once the registry enterprise it became holds a 高新技术企业
qualification valid on the day asked about — a company brought in that has not
(yet) been certified does not count, however promising.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from keqi.campaign.metrics import Evidence, Metric, in_district
from keqi.partners.models import Lead, LeadStage
from keqi.registry.models import Qualification, QualificationKind

INTRODUCED_HIGH_TECH = "introduced_high_tech_in_year"


def valid_q(day: dt.date) -> Q:
    """Qualifications held on `day`: granted by then, not expired, not revoked."""
    return (
        Q(granted_on__lte=day)
        & (Q(revoked_on__isnull=True) | Q(revoked_on__gt=day))
        & (Q(valid_until__isnull=True) | Q(valid_until__gte=day))
    )


def _settled(year: int, as_of: dt.date) -> QuerySet[Lead]:
    start, end = dt.date(year, 1, 1), min(as_of, dt.date(year, 12, 31))
    return Lead.objects.filter(
        in_district("enterprise__"),  # the plan's district (campaign.metrics)
        stage=LeadStage.REGISTERED,
        registered_on__gte=start,
        registered_on__lte=end,
        enterprise__isnull=False,
    )


def introduced_high_tech_tally(year: int, as_of: dt.date) -> int:
    """The same figure counted in the database (distinct enterprises)."""
    certified = Qualification.objects.filter(
        valid_q(as_of), kind=QualificationKind.HIGH_TECH
    ).values("enterprise_id")
    rows = _settled(year, as_of).filter(enterprise_id__in=certified)
    return rows.values("enterprise_id").distinct().count()


def introduced_high_tech(year: int, as_of: dt.date) -> list[Evidence]:
    """Settled leads of `year` (up to `as_of`) whose enterprise is a valid 高企."""
    found = _settled(year, as_of).select_related("enterprise__area")
    leads = list(found.order_by("registered_on", "company", "id"))
    certificates: dict[int, str] = {}
    quals = Qualification.objects.filter(
        valid_q(as_of),
        kind=QualificationKind.HIGH_TECH,
        enterprise_id__in=[lead.enterprise_id for lead in leads],
    ).order_by("granted_on")
    for q in quals:
        certificates[q.enterprise_id] = q.number
    return [
        Evidence(
            enterprise_id=lead.enterprise.pk,
            enterprise_name=lead.enterprise.name,
            area_name=lead.enterprise.area.name,
            what=f"招商引进（{lead.source}）并持有高新技术企业资质",
            level="国家级",
            number=certificates[lead.enterprise.pk],
            on=lead.registered_on,
        )
        for lead in leads
        if lead.enterprise is not None and lead.enterprise.pk in certificates
    ]


METRIC = Metric(
    INTRODUCED_HIGH_TECH,
    "年内招商引进的高新技术企业",
    "招商线索落地注册日期在本年度内、所关联的企业库企业在统计日持有有效"
    "“高新技术企业”资质的企业数（引进后尚未取得资质的不计）",
    True,
    introduced_high_tech,
    introduced_high_tech_tally,
)
