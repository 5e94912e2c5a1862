"""Read endpoints of the registry: who am I, areas, enterprises, yearly figures,
qualifications, IP and verdicts. Thin: checked query → scoped selector → JSON."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from keqi.accounts.scopes import can_edit_enterprises
from keqi.api import queries, selectors
from keqi.api.pagination import paged, paginate
from keqi.api.permissions import is_read_only
from keqi.api.serializers import (
    AreaRefSerializer,
    AreaSerializer,
    EnterpriseSerializer,
    FiguresSerializer,
    IPSerializer,
    QualificationSerializer,
)
from keqi.api.verdicts import (
    EnterpriseVerdictSerializer,
    VerdictReportSerializer,
    verdicts_for,
)
from keqi.registry.forms import enterprise_search
from keqi.registry.selectors import enterprise_list_for
from keqi.rules import RULES_VERSION

USCC = OpenApiParameter(
    "uscc", str, OpenApiParameter.PATH, description="统一社会信用代码（18位）"
)


class MeSerializer(serializers.Serializer[Any]):
    username = serializers.CharField()
    full_name = serializers.CharField()
    role = serializers.CharField(help_text="角色代码，见术语表")
    role_label = serializers.CharField(help_text="角色（中文）")
    unit = AreaRefSerializer(allow_null=True, help_text="所属单位")
    area = AreaRefSerializer(allow_null=True, help_text="限于此街镇/园区；全区为 null")
    read_only = serializers.BooleanField(help_text="只读角色（领导、审计）")  # type: ignore[assignment]
    can_import = serializers.BooleanField(help_text="可导入企业数据工作簿")


@extend_schema(
    summary="当前令牌所属账号与权限范围", responses=MeSerializer, tags=["账号"]
)
@api_view(["GET"])
def me(request: Request) -> Response:
    """Who the token belongs to and what it may see and do."""
    user: Any = request.user
    area = (
        selectors.area_list_for(user).first() if not user.sees_whole_district else None
    )
    unit = user.unit
    return Response(
        {
            "username": user.username,
            "full_name": user.full_name,
            "role": user.role,
            "role_label": user.get_role_display(),
            "unit": {"code": unit.code, "name": unit.name} if unit else None,
            "area": {"code": area.code, "name": area.name} if area else None,
            "read_only": is_read_only(user),
            "can_import": can_edit_enterprises(user),
        }
    )


@extend_schema(
    summary="街镇/园区（本账号可查询的）",
    responses=AreaSerializer(many=True),
    tags=["企业库"],
)
@api_view(["GET"])
def areas(request: Request) -> Response:
    """Areas the caller may filter by."""
    rows = selectors.area_list_for(request.user)
    return Response(AreaSerializer(rows, many=True).data)


@extend_schema(
    summary="企业列表",
    description="本账号管辖范围内的企业；可按街镇/园区、技术领域、重点产业、"
    "持有资质（as_of 当日有效）、有某年度数据筛选，分页返回。",
    parameters=[queries.EnterpriseQuery],
    responses=paged(EnterpriseSerializer),
    tags=["企业库"],
)
@api_view(["GET"])
def enterprise_list(request: Request) -> Response:
    """The caller's enterprises, filtered and paged (same filters as the web list)."""
    query = queries.cleaned(request, queries.EnterpriseQuery)
    area = queries.area_in_scope(request.user, query.get("area"))
    filters = ("q", "tech_field", "key_industry", "qualification", "as_of", "year")
    params = {k: request.query_params[k] for k in filters if k in query}
    rows = enterprise_search(request.user, params).enterprises
    if area is not None:
        rows = rows.filter(area=area)
    page = paginate(request, rows, query)
    return Response(
        {**page.meta, "results": EnterpriseSerializer(page.items, many=True).data}
    )


@extend_schema(
    summary="企业详情（按统一社会信用代码）",
    parameters=[USCC],
    responses=EnterpriseSerializer,
    tags=["企业库"],
)
@api_view(["GET"])
def enterprise_detail(request: Request, uscc: str) -> Response:
    """One enterprise; another area's enterprise is a 404, as on the web pages."""
    enterprise = selectors.enterprise_by_uscc_for(request.user, uscc)
    return Response(EnterpriseSerializer(enterprise).data)


def _listed(request: Request, rows: Any, query: dict[str, Any], item: Any) -> Response:
    page = paginate(request, rows, query)
    return Response({**page.meta, "results": item(page.items, many=True).data})


@extend_schema(
    summary="年度数据",
    description="金额单位万元，精确小数文本；空值为未知（不是0）。",
    parameters=[queries.FiguresQuery],
    responses=paged(FiguresSerializer),
    tags=["企业库"],
)
@api_view(["GET"])
def figures_list(request: Request) -> Response:
    """Yearly figures of the caller's enterprises."""
    query = queries.cleaned(request, queries.FiguresQuery)
    rows = selectors.figures_list_for(
        request.user,
        uscc=query.get("uscc"),
        area=queries.area_in_scope(request.user, query.get("area")),
        year=query.get("year"),
    )
    return _listed(request, rows, query, FiguresSerializer)


@extend_schema(
    summary="资质荣誉",
    parameters=[queries.QualificationQuery],
    responses=paged(QualificationSerializer),
    tags=["企业库"],
)
@api_view(["GET"])
def qualification_list(request: Request) -> Response:
    """Qualifications of the caller's enterprises; as_of keeps those in force."""
    query = queries.cleaned(request, queries.QualificationQuery)
    rows = selectors.qualification_list_for(
        request.user,
        uscc=query.get("uscc"),
        area=queries.area_in_scope(request.user, query.get("area")),
        kind=query.get("kind"),
        held_on=query.get("as_of"),
    )
    return _listed(request, rows, query, QualificationSerializer)


@extend_schema(
    summary="知识产权",
    parameters=[queries.IPQuery],
    responses=paged(IPSerializer),
    tags=["企业库"],
)
@api_view(["GET"])
def ip_list(request: Request) -> Response:
    """IP items of the caller's enterprises."""
    query = queries.cleaned(request, queries.IPQuery)
    rows = selectors.ip_list_for(
        request.user,
        uscc=query.get("uscc"),
        area=queries.area_in_scope(request.user, query.get("area")),
        category=query.get("category"),
        status=query.get("status"),
    )
    return _listed(request, rows, query, IPSerializer)


PagedVerdicts = paged(
    EnterpriseVerdictSerializer,
    as_of=serializers.DateField(),
    rules_version=serializers.CharField(),
)


@extend_schema(
    summary="评价结论（实时计算，分页）",
    description="按现行规则（含指挥部调整的参数）实时评价本页企业；"
    "格式同 keqi evaluate --format json，另加分页字段。",
    parameters=[queries.VerdictQuery],
    responses=PagedVerdicts,
    tags=["评价"],
)
@api_view(["GET"])
def verdict_list(request: Request) -> Response:
    """Verdicts for a page of the caller's enterprises."""
    query = queries.cleaned(request, queries.VerdictQuery)
    area = queries.area_in_scope(request.user, query.get("area"))
    rows = enterprise_list_for(request.user).order_by("uscc")
    if area is not None:
        rows = rows.filter(area=area)
    day = queries.as_of(query)
    page = paginate(request, rows, query)
    report = verdicts_for(page.items, day, query.get("programme"))
    return Response({**page.meta, **report, "rules_version": RULES_VERSION})


@extend_schema(
    summary="一家企业的评价结论（实时计算）",
    parameters=[USCC, queries.ProgrammeQuery],
    responses=VerdictReportSerializer,
    tags=["评价"],
)
@api_view(["GET"])
def enterprise_verdicts(request: Request, uscc: str) -> Response:
    """One enterprise's verdicts on as_of, in the exchange format's JSON contract."""
    query = queries.cleaned(request, queries.ProgrammeQuery)
    enterprise = selectors.enterprise_by_uscc_for(request.user, uscc)
    return Response(
        verdicts_for([enterprise], queries.as_of(query), query.get("programme"))
    )
