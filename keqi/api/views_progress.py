"""Read endpoints of what the campaign counts: libraries as of a date (with the
enterprises behind each count) and campaign targets with their actual figures,
序时进度 and lights (with the records behind an automatic figure)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from keqi.accounts.models import District
from keqi.accounts.scopes import enterprise_q
from keqi.api import queries
from keqi.api.pagination import PageQuery, paged, paginate
from keqi.api.serializers import AreaRefSerializer, QualificationSerializer
from keqi.campaign.board import TargetStatus, board_build
from keqi.campaign.metrics import METRICS, Evidence
from keqi.campaign.progress import fraction_text
from keqi.campaign.selectors import number_text, plan_get
from keqi.cultivation.libraries import (
    LIBRARIES,
    library_counts,
    library_get,
    library_members,
)
from keqi.registry.models import Enterprise


class DayQuery(serializers.Serializer[Any]):
    area = serializers.CharField(
        required=False, max_length=60, help_text=queries.AREA_HELP
    )
    as_of = serializers.DateField(required=False, help_text=queries.AS_OF_HELP)


class MembersQuery(DayQuery, PageQuery):
    pass


class AreaCountSerializer(AreaRefSerializer):
    district = serializers.CharField(
        help_text="所属区代码（市级账号看到各区的街镇/园区，以此区分）"
    )
    count = serializers.IntegerField(help_text="当日在库企业数")


class LibrarySerializer(serializers.Serializer[Any]):
    key = serializers.CharField(help_text="企业库代码")
    name = serializers.CharField(help_text="企业库名称")
    kinds = serializers.ListField(
        child=serializers.CharField(), help_text="所含资质类型"
    )
    total = serializers.IntegerField(help_text="当日在库企业数（本账号范围内）")
    areas = AreaCountSerializer(many=True, help_text="按当日所在街镇/园区")


class LibraryTableSerializer(serializers.Serializer[Any]):
    as_of = serializers.DateField()
    libraries = LibrarySerializer(many=True)


class MemberSerializer(serializers.Serializer[Any]):
    uscc = serializers.CharField()
    name = serializers.CharField()
    area = AreaRefSerializer(allow_null=True, help_text="统计日所在街镇/园区")
    qualifications = QualificationSerializer(many=True, help_text="使其在库的资质")


LIBRARY_KEY = OpenApiParameter(
    "key",
    str,
    OpenApiParameter.PATH,
    enum=[lib.key for lib in LIBRARIES],
    description="企业库代码",
)


def _ref(area: Any) -> dict[str, Any] | None:
    return {"code": area.code, "name": area.name} if area is not None else None


@extend_schema(
    summary="各企业库在某日的企业数（按街镇/园区）",
    description="某日在库：取得日期不晚于该日、未过有效期、未撤销；按该日所在街镇/园区统计。",
    parameters=[DayQuery],
    responses=LibraryTableSerializer,
    tags=["梯度培育"],
)
@api_view(["GET"])
def library_table(request: Request) -> Response:
    """Library × area counts on as_of, within the caller's scope."""
    query = queries.cleaned(request, DayQuery)
    area = queries.area_in_scope(request.user, query.get("area"))
    table = library_counts(request.user, queries.as_of(query))
    shown = [a for a in table.areas if area is None or a.pk == area.pk]
    district_codes = dict(District.objects.values_list("pk", "code"))
    libraries = []
    for lib in LIBRARIES:
        counts = [
            {
                "code": a.code,
                "name": a.name,
                "district": district_codes.get(a.district_id or 0, ""),
                "count": table.counts.get((lib.key, a.pk), 0),
            }
            for a in shown
        ]
        total = table.totals[lib.key] if area is None else counts[0]["count"]
        libraries.append(
            {"key": lib.key, "name": lib.name, "kinds": list(lib.kinds)}
            | {"total": total, "areas": counts}
        )
    return Response({"as_of": table.day, "libraries": libraries})


@extend_schema(
    summary="某企业库在某日的在库企业（统计数背后的名单）",
    parameters=[LIBRARY_KEY, MembersQuery],
    responses=paged(MemberSerializer, as_of=serializers.DateField()),
    tags=["梯度培育"],
)
@api_view(["GET"])
def library_member_list(request: Request, key: str) -> Response:
    """The enterprises behind a library count, paged."""
    library = library_get(key)
    query = queries.cleaned(request, MembersQuery)
    area = queries.area_in_scope(request.user, query.get("area"))
    day = queries.as_of(query)
    rows = library_members(request.user, library, day, area.pk if area else None)
    page = paginate(request, rows, query)
    for row in page.items:
        for qualification in row.qualifications:
            qualification.enterprise = row.enterprise
    results = [
        {
            "uscc": row.enterprise.uscc,
            "name": row.enterprise.name,
            "area": _ref(row.area_then),
            "qualifications": QualificationSerializer(
                row.qualifications, many=True
            ).data,
        }
        for row in page.items
    ]
    return Response({**page.meta, "as_of": day, "results": results})


class PlanQuery(serializers.Serializer[Any]):
    plan = serializers.CharField(
        required=False, max_length=60, help_text="方案代码，默认最近载入的方案"
    )
    as_of = serializers.DateField(required=False, help_text="统计日期，默认今天")


class TargetSerializer(serializers.Serializer[Any]):
    key = serializers.CharField(help_text="目标代码")
    name = serializers.CharField(help_text="目标")
    value = serializers.CharField(help_text="目标值（精确小数文本）")
    unit = serializers.CharField(help_text="计量单位")
    deadline = serializers.DateField(help_text="截止日期")
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=["auto", "reported"], help_text="auto 系统统计、reported 单位填报"
    )
    metric = serializers.CharField(allow_null=True, help_text="统计口径代码")
    milestone = serializers.BooleanField(help_text="一次性任务")
    units = AreaRefSerializer(many=True, help_text="责任单位，牵头单位在前")
    actual = serializers.CharField(allow_null=True, help_text="实际完成；无数据为 null")
    actual_source = serializers.CharField(help_text="实际数的来源")
    expected = serializers.CharField(help_text="序时进度（应达到的数）")
    percent = serializers.CharField(help_text="完成比例，如 45.5%；无数据为空")
    light = serializers.ChoiceField(
        choices=["green", "yellow", "red", "grey"], help_text="绿灯、黄灯、红灯、无数据"
    )
    light_label = serializers.CharField()
    reason = serializers.CharField(help_text="灯色理由")
    records = serializers.CharField(allow_null=True, help_text="系统统计明细的接口地址")


class TargetTableSerializer(serializers.Serializer[Any]):
    plan = serializers.CharField(help_text="方案代码")
    title = serializers.CharField(help_text="方案名称")
    as_of = serializers.DateField()
    targets = TargetSerializer(many=True)


def _target(status: TargetStatus, request: Request, plan: str) -> dict[str, Any]:
    t = status.target
    records = None
    if status.metric is not None:
        path = f"/api/v1/targets/{t.key}/records/?plan={plan}"
        records = request.build_absolute_uri(path)
    return {
        "key": t.key,
        "name": t.name,
        "value": number_text(t.value),
        "unit": t.unit_label,
        "deadline": t.deadline,
        "source": t.source,
        "metric": t.metric or None,
        "milestone": t.milestone,
        "units": [{"code": u.code, "name": str(u)} for u in status.units],
        "actual": number_text(status.actual) if status.actual is not None else None,
        "actual_source": status.actual_source,
        "expected": fraction_text(status.judgement.expected),
        "percent": status.percent,
        "light": status.light.value,
        "light_label": status.light.label,
        "reason": status.judgement.reason,
        "records": records,
    }


@extend_schema(
    summary="攻坚目标与实际完成、序时进度、灯色",
    parameters=[PlanQuery],
    responses=TargetTableSerializer,
    tags=["攻坚行动"],
)
@api_view(["GET"])
def target_list(request: Request) -> Response:
    """Every target of the plan on as_of, as on the command board."""
    query = queries.cleaned(request, PlanQuery)
    plan = plan_get(query.get("plan"), user=request.user)
    board = board_build(plan, queries.as_of(query))
    rows = [_target(s, request, plan.name) for s in board.targets]
    return Response(
        {"plan": plan.name, "title": plan.title, "as_of": board.as_of, "targets": rows}
    )


class EvidenceSerializer(serializers.Serializer[Any]):
    uscc = serializers.CharField()
    name = serializers.CharField(help_text="企业名称")
    area = serializers.CharField(help_text="街镇/园区")
    what = serializers.CharField(help_text="计入的资质或事项")
    level = serializers.CharField()
    number = serializers.CharField(help_text="编号")
    on = serializers.DateField(allow_null=True, help_text="取得日期")


def _evidence(row: Evidence, uscc: str) -> dict[str, Any]:
    return {
        "uscc": uscc,
        "name": row.enterprise_name,
        "area": row.area_name,
        "what": row.what,
        "level": row.level,
        "number": row.number,
        "on": row.on,
    }


class RecordsSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    rule = serializers.CharField(help_text="统计口径（中文）")
    as_of = serializers.DateField()
    total = serializers.IntegerField(help_text="全区统计数")
    shown = serializers.IntegerField(help_text="本账号可见的记录数")
    records = EvidenceSerializer(many=True)


@extend_schema(
    summary="系统统计目标背后的记录",
    description="统计数为全区数；记录只列本账号管辖范围内的企业。",
    parameters=[
        OpenApiParameter("key", str, OpenApiParameter.PATH, description="目标代码"),
        PlanQuery,
    ],
    responses=RecordsSerializer,
    tags=["攻坚行动"],
)
@api_view(["GET"])
def target_records(request: Request, key: str) -> Response:
    """The registry records behind an automatic target, limited to the caller's scope."""
    query = queries.cleaned(request, PlanQuery)
    plan = plan_get(query.get("plan"), user=request.user)
    target = plan.targets.filter(key=key).first()
    metric = METRICS.get(target.metric) if target is not None else None
    if target is None or metric is None:
        raise Http404("没有这个系统统计的目标")
    day = queries.as_of(query)
    found = metric.evidence(plan.year, day, plan.office_unit.district_id)
    ids = {r.enterprise_id for r in found}
    visible = Enterprise.objects.filter(enterprise_q(request.user), pk__in=ids)
    uscc = dict(visible.values_list("pk", "uscc"))
    records = [
        _evidence(r, uscc[r.enterprise_id]) for r in found if r.enterprise_id in uscc
    ]
    total = metric.count(
        plan.year, day, plan.office_unit.district_id
    )  # a sum for trainees, not a row count
    body = {"key": target.key, "rule": metric.rule, "as_of": day, "total": total}
    return Response(body | {"shown": len(records), "records": records})
