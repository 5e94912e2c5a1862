"""Campaign targets counted from activities and talent (registered in AppConfig.ready).

- `tech_sme_trainings_in_year`: 科技型中小企业入库申报培训 held in the year so far;
- `contests_in_year`: 创新创业大赛 finished (final day) in the year so far;
- `trainees_in_year`: skilled workers trained, each unit's latest monthly
  cumulative whose month has ended, added up.

Each returns its records, and names the activities page that lists them for the user.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode

from keqi.activities.models import Activity, ActivityKind
from keqi.activities.talent import month_end, trainee_table
from keqi.campaign.metrics import (
    Evidence,
    Metric,
    counting_district,
    metric_register,
)


def _window(year: int, as_of: dt.date) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), min(as_of, dt.date(year, 12, 31))


def _as_evidence(a: Activity, on: dt.date) -> Evidence:
    return Evidence(
        enterprise_id=None,
        enterprise_name="",
        area_name=str(a.organiser),
        what=a.title,
        level=a.kind,
        number=a.code,
        on=on,
    )


def _organised_in_district() -> Q:
    """Activities organised by a unit of the district a plan's figure counts in."""
    district = counting_district()
    return Q() if district is None else Q(organiser__district_id=district)


def tech_sme_trainings(year: int, as_of: dt.date) -> list[Evidence]:
    """The year's 科技型中小企业 registration trainings held by `as_of`."""
    start, end = _window(year, as_of)
    rows = Activity.objects.filter(
        _organised_in_district(),
        kind=ActivityKind.TRAINING,
        tech_sme_training=True,
        held_on__gte=start,
        held_on__lte=end,
    ).select_related("organiser")
    return [_as_evidence(a, a.held_on) for a in rows.order_by("held_on", "id")]


def contests(year: int, as_of: dt.date) -> list[Evidence]:
    """Contests whose last day (the final) falls in the year, by `as_of`."""
    start, end = _window(year, as_of)
    rows = Activity.objects.filter(
        _organised_in_district(), kind=ActivityKind.CONTEST
    ).select_related("organiser")
    done = [a for a in rows if start <= a.last_day <= end]
    return [_as_evidence(a, a.last_day) for a in sorted(done, key=lambda a: a.last_day)]


def trainees(year: int, as_of: dt.date) -> list[Evidence]:
    """One record per reporting unit: its latest cumulative of the year by `as_of`."""
    found = []
    for line in trainee_table(year, as_of):
        r = line.latest
        if r is None:
            continue
        found.append(
            Evidence(
                enterprise_id=None,
                enterprise_name="",
                area_name=str(r.unit),
                what=f"{r.month:%Y年%m月}技能人才培训月报（年初至月末累计）",
                level="",
                number="",
                on=month_end(r.month),
                amount=r.cumulative,
            )
        )
    return found


def _url(name: str, **query: str) -> str:
    return f"{reverse(name)}?{urlencode(query)}"


METRICS = (
    Metric(
        "tech_sme_trainings_in_year",
        "年内组织的国家科技型中小企业入库申报培训",
        "活动类型为“培训”、标明“科技型中小企业入库申报培训”、举办日期在本年度内"
        "（截至统计日）的活动次数",
        False,
        tech_sme_trainings,
        records_url=lambda y, d: _url(
            "activities:activity_list",
            year=str(y),
            kind=ActivityKind.TRAINING,
            tech_sme="1",
            until=d.isoformat(),
        ),
    ),
    Metric(
        "contests_in_year",
        "年内举办完成的创新创业大赛",
        "活动类型为“大赛”、结束日期（决赛日；未填则为举办日期）在本年度内"
        "（截至统计日）的大赛届数",
        False,
        contests,
        records_url=lambda y, d: _url(
            "activities:activity_list",
            year=str(y),
            kind=ActivityKind.CONTEST,
            until=d.isoformat(),
        ),
    ),
    Metric(
        "trainees_in_year",
        "年内培训的职业技能人才",
        "各填报单位本年度最近一期技能人才培训月报（月份已结束、截至统计日）中"
        "“年初至本月末累计培训人数”之和",
        False,
        trainees,
        sums=True,
        records_url=lambda y, d: _url(
            "activities:trainees", year=str(y), as_of=d.isoformat()
        ),
    ),
)


def metrics_register() -> None:
    """Add this app's metrics to the campaign's (called once from ready())."""
    for metric in METRICS:
        metric_register(metric)
