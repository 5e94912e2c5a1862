"""Monthly progress reports (月报) through the API, with the web page's rules.

A member unit or area office opens, fills and submits its own unit's report; HQ
may open any unit's and return a submitted one for correction. The services of
keqi.campaign decide: a submitted report is locked for the unit until returned,
a closed month needs a correction reason (and is flagged), and lateness is judged
against the due day. Each write also notes the token it came through.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from keqi.accounts.models import Unit
from keqi.api import queries
from keqi.api.authentication import token_of
from keqi.api.pagination import PageQuery, paged, paginate
from keqi.api.report_shapes import (
    ReportOpenSerializer,
    ReportReturnSerializer,
    ReportSaveSerializer,
    ReportSerializer,
    month_of,
    report_dict,
)
from keqi.api.services import api_write_record
from keqi.campaign import services as campaign
from keqi.campaign.board import reporting_month_error
from keqi.campaign.models import ProgressReport
from keqi.campaign.selectors import plan_get, report_get_for, report_list_for

REPORT_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="月报编号")


class ReportQuery(PageQuery):
    plan = serializers.CharField(required=False, max_length=60, help_text="方案代码")
    month = serializers.RegexField(
        r"^\d{4}-\d{2}$", required=False, help_text="所属月份 YYYY-MM"
    )
    unit = serializers.CharField(required=False, max_length=40, help_text="单位代码")
    status = serializers.ChoiceField(
        choices=["draft", "submitted", "returned"], required=False, help_text="状态"
    )


@extend_schema(
    summary="月报列表",
    description="指挥部、领导、审计可见全部单位；成员单位、街镇/园区只见本单位。",
    parameters=[ReportQuery],
    responses=paged(ReportSerializer),
    tags=["月报"],
)
@api_view(["GET"])
def report_list(request: Request) -> Response:
    """Reports the caller may read, newest month first."""
    query = queries.cleaned(request, ReportQuery)
    plan = plan_get(query.get("plan"), user=request.user)
    rows = report_list_for(request.user, plan).order_by("-month", "unit__sort", "id")
    if query.get("month"):
        rows = rows.filter(month=month_of(query["month"], "month"))
    if query.get("unit"):
        rows = rows.filter(unit__code=query["unit"])
    if query.get("status"):
        rows = rows.filter(status=query["status"])
    page = paginate(request, rows.prefetch_related("lines"), query)
    results = [report_dict(r, request.user, lines=False) for r in page.items]
    return Response({**page.meta, "results": results})


@extend_schema(
    summary="打开（首次即创建）某单位某月的月报",
    description="非指挥部账号只能打开本单位的月报；月份须在方案的报送月份内。"
    "首次打开时按系统统计或上月报送值预填。",
    request=ReportOpenSerializer,
    responses={200: ReportSerializer, 201: ReportSerializer},
    tags=["月报"],
)
@api_view(["POST"])
def report_open(request: Request) -> Response:
    """Open the month's report of the caller's unit (HQ: any unit)."""
    given = ReportOpenSerializer(data=request.data)
    given.is_valid(raise_exception=True)
    data = given.validated_data
    plan = plan_get(data.get("plan") or None, user=request.user)
    unit = _unit(request.user, data.get("unit"))
    month = month_of(data["month"], "month")
    problem = reporting_month_error(plan, month)
    if problem is not None:
        raise ValidationError({"month": [problem]})
    existed = ProgressReport.objects.filter(plan=plan, unit=unit, month=month).exists()
    with transaction.atomic():
        report = campaign.progress_report_open(
            plan=plan, unit=unit, month=month, actor=request.user
        )
        if not existed:
            _noted(request, report, "打开月报")
    code = status.HTTP_200_OK if existed else status.HTTP_201_CREATED
    return Response(report_dict(report, request.user), status=code)


def _unit(user: Any, code: str | None) -> Unit:
    """The caller's unit; HQ may name another unit by its code."""
    own = user.unit
    if code and (own is None or code != own.code):
        if not user.is_hq:
            raise PermissionDenied("只能填报本单位的月报")
        found = Unit.objects.filter(code=code).first()
        if found is None:
            raise ValidationError({"unit": [f"单位代码“{code}”不存在"]})
        return found
    if own is None:
        raise ValidationError({"unit": ["您的账号未关联单位，无法填报月报"]})
    return own  # type: ignore[no-any-return]


def _noted(request: Request, report: ProgressReport, what: str) -> None:
    api_write_record(
        token=token_of(request), actor=request.user, what=what, target=report
    )


@extend_schema(
    methods=["GET"],
    summary="一份月报及其条目",
    parameters=[REPORT_ID],
    responses=ReportSerializer,
    tags=["月报"],
)
@extend_schema(
    methods=["PATCH"],
    summary="保存月报内容与条目",
    description="只改所给的字段和条目。本单位只能改草稿或被退回的月报，已报送须由"
    "指挥部退回后再改；该月已关账时须填 reason（更正原因），并标记为关账后更正。",
    parameters=[REPORT_ID],
    request=ReportSaveSerializer,
    responses=ReportSerializer,
    tags=["月报"],
)
@api_view(["GET", "PATCH"])
def report_detail(request: Request, pk: int) -> Response:
    """Read a report, or save its text and lines."""
    report = report_get_for(request.user, pk)
    if request.method == "PATCH":
        given = ReportSaveSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        lines = _lines(report, data.pop("lines", []))
        reason = data.pop("reason", "")
        with transaction.atomic():
            campaign.progress_report_save(
                report=report,
                values=data,
                lines=lines,
                actor=request.user,
                reason=reason,
            )
            _noted(request, report, "保存月报")
        report.refresh_from_db()
    return Response(report_dict(report, request.user))


def _lines(
    report: ProgressReport, given: list[dict[str, Any]]
) -> dict[int, dict[str, Any]]:
    """The line changes by line id; an id of another report is a 400."""
    known = set(report.lines.values_list("pk", flat=True))
    errors = {
        f"lines.{i}.id": [f"条目 {item['id']} 不属于这份月报"]
        for i, item in enumerate(given)
        if item["id"] not in known
    }
    if errors:
        raise ValidationError(errors)
    return {item["id"]: {k: v for k, v in item.items() if k != "id"} for item in given}


@extend_schema(
    summary="报送月报",
    description="首次报送时间决定是否迟报；已报送的月报不能重复报送。"
    "月报须填完整才能报送：每条措施和议定事项选择进度，本单位填报的目标填写累计完成"
    "（或在情况说明中写明暂无数据的原因），并填写工作进展；确无进展时保存 "
    "no_progress=true 并写明 no_progress_reason。缺项时返回 400，errors 按字段列出缺什么。",
    parameters=[REPORT_ID],
    request=None,
    responses=ReportSerializer,
    tags=["月报"],
)
@api_view(["POST"])
def report_submit(request: Request, pk: int) -> Response:
    """Submit (or resubmit after a return) a report."""
    report = report_get_for(request.user, pk)
    with transaction.atomic():
        report = campaign.progress_report_submit(report=report, actor=request.user)
        _noted(request, report, "报送月报")
    return Response(report_dict(report, request.user))


@extend_schema(
    summary="退回月报（指挥部）",
    parameters=[REPORT_ID],
    request=ReportReturnSerializer,
    responses=ReportSerializer,
    tags=["月报"],
)
@api_view(["POST"])
def report_return(request: Request, pk: int) -> Response:
    """HQ sends a submitted report back for correction, saying why."""
    report = report_get_for(request.user, pk)
    given = ReportReturnSerializer(data=request.data)
    given.is_valid(raise_exception=True)
    with transaction.atomic():
        report = campaign.progress_report_return(
            report=report, reason=given.validated_data["reason"], actor=request.user
        )
        _noted(request, report, "退回月报")
    return Response(report_dict(report, request.user))
