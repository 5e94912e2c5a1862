"""Targets the registry can count itself (source: auto), computed live.

Each metric says in Chinese exactly what it counts, and returns the records behind
the number, so every figure on a page links to the list that makes it up.
"Granted in the year" means 取得日期 from 1 January of the plan year up to the day
asked about (never past 31 December); a qualification revoked on or before that
day does not count.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.http import urlencode

from keqi.cultivation.libraries import LIBRARY_BY_KEY, held_q
from keqi.registry.models import Enterprise, Qualification, QualificationKind

PLATFORM_KINDS = (
    QualificationKind.TECH_INNOVATION_CENTER,
    QualificationKind.MFG_INNOVATION_CENTER,
    QualificationKind.INDUSTRY_INNOVATION_CENTER,
    QualificationKind.ENG_CENTER,
    QualificationKind.KEY_LAB,
    QualificationKind.TECH_CENTER,
)


# The district a plan's figures are counted in (its office unit's district), set
# by Metric.count/evidence for the duration of the call; None counts every
# enterprise (an install with one district). Metrics of other apps read it with
# `counting_district()`.
_DISTRICT: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "keqi_metric_district", default=None
)


def counting_district() -> int | None:
    """The district the metric being computed counts in, or None for all."""
    return _DISTRICT.get()


def in_district(prefix: str = "") -> Q:
    """Rows (of enterprises, with a prefix: of their related rows) in the
    district being counted."""
    district = _DISTRICT.get()
    return Q() if district is None else Q(**{f"{prefix}area__district_id": district})


@contextlib.contextmanager
def _counting_in(district: int | None) -> Iterator[None]:
    token = _DISTRICT.set(district)
    try:
        yield
    finally:
        _DISTRICT.reset(token)


@dataclass(frozen=True)
class Evidence:
    """One record behind an auto figure.

    `enterprise_id` is None for a record that is not one enterprise's (a training,
    a unit's monthly figure); `amount` is what the record adds when the metric sums
    (people trained) rather than counts.
    """

    enterprise_id: int | None
    enterprise_name: str
    area_name: str
    what: str
    level: str
    number: str
    on: dt.date | None
    amount: int = 1


@dataclass(frozen=True)
class Metric:
    """A countable target: its rule in words, and how to find the records."""

    key: str
    label: str
    rule: str
    per_enterprise: bool
    find: Callable[[int, dt.date], list[Evidence]]
    # Optional: the same figure counted in the database (for 100 000 enterprises);
    # the tests check it equals the count of `find`'s records.
    tally: Callable[[int, dt.date], int] | None = None
    sums: bool = False  # the figure is the sum of the records' amounts
    # The page listing the records, when the app that owns them has one (scoped
    # to the user there); else the campaign's own records page lists `evidence`.
    records_url: Callable[[int, dt.date], str] | None = None
    # Words in a target's name that mean this count: a plan file that marks such a
    # target `reported` (typed by a unit) is refused, since the registry counts it.
    plan_words: tuple[str, ...] = ()
    # A one-off deliverable (建立…库): 1 once there is any record on the day, else
    # 0; the records are still listed (the library's members).
    deliverable: bool = False

    def evidence(
        self, year: int, as_of: dt.date, district: int | None = None
    ) -> list[Evidence]:
        """The records behind the figure on that day (in the district, if given)."""
        with _counting_in(district):
            return self.find(year, as_of)

    def count(self, year: int, as_of: dt.date, district: int | None = None) -> int:
        """The figure: distinct enterprises, records (platforms), a sum (people), or
        1/0 for a deliverable (a library established); in the district when one is
        given (a plan's district)."""
        with _counting_in(district):
            return self._count(year, as_of)

    def _count(self, year: int, as_of: dt.date) -> int:
        if self.tally is not None:
            return self.tally(year, as_of)
        rows = self.find(year, as_of)
        if self.deliverable:
            return 1 if rows else 0
        if self.sums:
            return sum(row.amount for row in rows)
        if self.per_enterprise:
            return len({row.enterprise_id for row in rows})
        return len(rows)


def _window(year: int, as_of: dt.date) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), min(as_of, dt.date(year, 12, 31))


def _granted_rows(year: int, as_of: dt.date, q: Q) -> QuerySet[Qualification]:
    start, end = _window(year, as_of)
    return Qualification.objects.filter(
        q, in_district("enterprise__"), granted_on__gte=start, granted_on__lte=end
    ).exclude(revoked_on__lte=as_of)


def _granted(year: int, as_of: dt.date, q: Q) -> list[Evidence]:
    rows = (
        _granted_rows(year, as_of, q)
        .select_related("enterprise__area")
        .order_by("granted_on", "enterprise__name", "id")
    )
    return [
        Evidence(
            enterprise_id=r.enterprise_id,
            enterprise_name=r.enterprise.name,
            area_name=r.enterprise.area.name,
            what=r.kind,
            level=r.level,
            number=r.number,
            on=r.granted_on,
        )
        for r in rows
    ]


def _tally(q: Q, per_enterprise: bool) -> Callable[[int, dt.date], int]:
    """Count what `_granted(year, as_of, q)` lists, in one query."""

    def tally(year: int, as_of: dt.date) -> int:
        rows = _granted_rows(year, as_of, q)
        if per_enterprise:
            return rows.values("enterprise_id").distinct().count()
        return rows.count()

    return tally


def _earlier_high_tech(year: int) -> QuerySet[Qualification]:
    return Qualification.objects.filter(
        kind=QualificationKind.HIGH_TECH, granted_on__lt=dt.date(year, 1, 1)
    )


def _high_tech_first_tally(year: int, as_of: dt.date) -> int:
    rows = _granted_rows(year, as_of, Q(kind=QualificationKind.HIGH_TECH))
    rows = rows.exclude(
        enterprise_id__in=_earlier_high_tech(year).values("enterprise_id")
    )
    return rows.values("enterprise_id").distinct().count()


def _joint_stock_tally(year: int, as_of: dt.date) -> int:
    start, end = _window(year, as_of)
    granted = _granted_rows(year, as_of, Q(kind=QualificationKind.JOINT_STOCK))
    direct = Enterprise.objects.filter(
        in_district(), joint_stock_on__gte=start, joint_stock_on__lte=end
    )
    ids = granted.order_by().values("enterprise_id")
    return ids.union(direct.order_by().values("pk")).count()


def _high_tech_first(year: int, as_of: dt.date) -> list[Evidence]:
    earlier = _earlier_high_tech(year).values("enterprise_id")
    rows = _granted(year, as_of, Q(kind=QualificationKind.HIGH_TECH))
    before = set(earlier.values_list("enterprise_id", flat=True))
    return [row for row in rows if row.enterprise_id not in before]


def _joint_stock(year: int, as_of: dt.date) -> list[Evidence]:
    rows = _granted(year, as_of, Q(kind=QualificationKind.JOINT_STOCK))
    start, end = _window(year, as_of)
    seen = {row.enterprise_id for row in rows}
    for e in Enterprise.objects.filter(
        in_district(), joint_stock_on__gte=start, joint_stock_on__lte=end
    ).select_related("area"):
        if e.pk not in seen:
            rows.append(
                Evidence(
                    e.pk,
                    e.name,
                    e.area.name,
                    "股份制改造完成日期",
                    "",
                    "",
                    e.joint_stock_on,
                )
            )
    return rows


def _counted(
    key: str,
    label: str,
    rule: str,
    per_enterprise: bool,
    q: Q,
    plan_words: tuple[str, ...] = (),
) -> Metric:
    """A metric over qualifications granted in the year, listed and tallied alike."""
    return Metric(
        key,
        label,
        rule,
        per_enterprise,
        lambda y, d: _granted(y, d, q),
        _tally(q, per_enterprise),
        plan_words=plan_words,
    )


def _held_rows(as_of: dt.date, q: Q) -> QuerySet[Qualification]:
    return Qualification.objects.filter(q, held_q(as_of), in_district("enterprise__"))


def _held(q: Q) -> Callable[[int, dt.date], list[Evidence]]:
    """Qualifications in force on `as_of` (whatever the year granted)."""

    def find(year: int, as_of: dt.date) -> list[Evidence]:
        rows = (
            _held_rows(as_of, q)
            .select_related("enterprise__area")
            .order_by("enterprise__name", "granted_on", "id")
        )
        return [
            Evidence(
                r.enterprise_id,
                r.enterprise.name,
                r.enterprise.area.name,
                r.kind,
                r.level,
                r.number,
                r.granted_on,
            )
            for r in rows
        ]

    return find


def _held_tally(q: Q) -> Callable[[int, dt.date], int]:
    def tally(year: int, as_of: dt.date) -> int:
        return _held_rows(as_of, q).values("enterprise_id").distinct().count()

    return tally


def _holders_url(kind: str) -> Callable[[int, dt.date], str]:
    """The registry's list of the enterprises holding `kind` on the day."""

    def url(year: int, as_of: dt.date) -> str:
        query = {"qualification": kind, "as_of": as_of.isoformat()}
        return f"{reverse('registry:enterprise_list')}?{urlencode(query)}"

    return url


IP_MANAGEMENT_Q = Q(kind=QualificationKind.IP_MANAGEMENT)
IP_MANAGEMENT_IN_YEAR = "ip_management_in_year"
IP_MANAGEMENT_HELD = "ip_management_held"


def _library_members(key: str) -> Callable[[int, dt.date], list[Evidence]]:
    """The library's members on `as_of`: each qualification that puts one there."""
    return _held(Q(kind__in=LIBRARY_BY_KEY[key].kinds))


def _library_tally(key: str) -> Callable[[int, dt.date], int]:
    """1 when the library holds anyone on `as_of` (one EXISTS query), else 0."""
    kinds = LIBRARY_BY_KEY[key].kinds

    def tally(year: int, as_of: dt.date) -> int:
        held = Qualification.objects.filter(
            held_q(as_of), in_district("enterprise__"), kind__in=kinds
        )
        return 1 if held.exists() else 0

    return tally


def _library_url(key: str) -> Callable[[int, dt.date], str]:
    def url(year: int, as_of: dt.date) -> str:
        path = reverse("cultivation:library_list", args=[key])
        return f"{path}?{urlencode({'on': as_of.isoformat()})}"

    return url


def _library(key: str, words: str) -> Metric:
    """建立…库: established (1) once the library holds an enterprise on the day."""
    name = LIBRARY_BY_KEY[key].name
    return Metric(
        f"library_{key}",
        f"建立{name}",
        f"梯度培育“{name}”在统计日至少有1家在库企业即为已建立（计1个）；"
        f"明细为统计日在库的企业及其资质（持有{'、'.join(LIBRARY_BY_KEY[key].kinds)}"
        "且在有效期内、未撤销）",
        True,
        _library_members(key),
        _library_tally(key),
        records_url=_library_url(key),
        plan_words=(words,),
        deliverable=True,
    )


METRICS: dict[str, Metric] = {
    m.key: m
    for m in (
        Metric(
            "high_tech_first_in_year",
            "年内首次认定的国家高新技术企业",
            "资质类型为“高新技术企业”、取得日期在本年度内、此前从未取得过该资质的企业数",
            True,
            _high_tech_first,
            _high_tech_first_tally,
        ),
        _counted(
            "high_tech_in_year",
            "年内认定的国家高新技术企业（含重新认定）",
            "资质类型为“高新技术企业”、取得日期在本年度内的企业数",
            True,
            Q(kind=QualificationKind.HIGH_TECH),
        ),
        _counted(
            "tech_sme_in_year",
            "年内入库的国家科技型中小企业",
            "资质类型为“科技型中小企业”、取得（入库）日期在本年度内的企业数",
            True,
            Q(kind=QualificationKind.TECH_SME),
        ),
        _counted(
            "platforms_in_year",
            "年内新增各类创新平台",
            "资质类型为技术创新中心、制造业创新中心、产业创新中心、工程研究中心、"
            "重点实验室、企业技术中心之一（任何级别）、取得日期在本年度内的平台个数",
            False,
            Q(kind__in=PLATFORM_KINDS),
        ),
        Metric(
            "joint_stock_in_year",
            "年内完成股份制改造的企业",
            "资质类型为“股份制改造”且取得日期在本年度内，或企业信息中“股份制改造完成日期”"
            "在本年度内的企业数（同一企业只计一次）",
            True,
            _joint_stock,
            _joint_stock_tally,
        ),
        _counted(
            "listing_in_year",
            "年内挂牌或上市的企业",
            "资质类型为“挂牌”或“上市”、取得日期在本年度内的企业数（同一企业只计一次）",
            True,
            Q(kind__in=(QualificationKind.QUOTED, QualificationKind.LISTED)),
        ),
        _counted(
            "city_tech_center_in_year",
            "年内取得的市级企业技术中心",
            "资质类型为“企业技术中心”、级别为“省级（市级）”、取得日期在本年度内的个数",
            False,
            Q(kind=QualificationKind.TECH_CENTER, level="省级（市级）"),
        ),
        # 重点任务（一）1：加快知识产权强企建设，规范企业知识产权管理.
        _counted(
            IP_MANAGEMENT_IN_YEAR,
            "年内通过知识产权管理体系认证（贯标）的企业",
            "资质类型为“知识产权管理体系认证”（依据GB/T 29490《企业知识产权管理规范》，"
            "俗称贯标）、取得日期在本年度内的企业数（同一企业只计一次）",
            True,
            IP_MANAGEMENT_Q,
            plan_words=("知识产权管理", "贯标"),
        ),
        Metric(
            IP_MANAGEMENT_HELD,
            "持有有效知识产权管理体系认证的企业",
            "统计日持有类型为“知识产权管理体系认证”的资质、在有效期内且未撤销的企业数"
            "（不论哪一年取得）",
            True,
            _held(IP_MANAGEMENT_Q),
            _held_tally(IP_MANAGEMENT_Q),
            records_url=_holders_url(QualificationKind.IP_MANAGEMENT),
        ),
        _library("tech_sme", "科技型中小企业库"),
        _library("lingjun", "领军（培育）企业库"),
        _library("high_tech", "高新技术企业库"),
        _library("tech_leading", "技术领先型企业库"),
    )
}


def metric_register(metric: Metric) -> None:
    """Let another app add a countable target (call it from its AppConfig.ready).

    A plan file names metrics by key; a key already taken is refused so two apps
    can never silently count the same target two ways.
    """
    if metric.key in METRICS and METRICS[metric.key] is not metric:
        raise ValueError(f"指标代码“{metric.key}”已被占用")
    METRICS[metric.key] = metric
