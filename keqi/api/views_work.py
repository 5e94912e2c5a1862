"""Reads of the funds, activities, partners and campaign organisation, and the
work-plan writes. Each goes through the owning app's scoped selector, so a town
token sees exactly what the town's web pages show (another town's row is a 404);
the work-plan writes go through keqi.campaign.organisation, like the web page."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from keqi.accounts.scopes import enterprise_q
from keqi.activities.models import ActivityKind
from keqi.activities.selectors import (
    ActivityFilter,
    activity_get_for,
    activity_list_for,
    attendances_for,
)
from keqi.api import queries, shapes_work
from keqi.api.authentication import token_of
from keqi.api.pagination import PageQuery, paged, paginate
from keqi.api.services import api_write_record
from keqi.campaign import organisation as org
from keqi.campaign.models import HqMember, Meeting, Plan, UnitWorkTask
from keqi.campaign.selectors import meeting_get_for, plan_get
from keqi.core.dates import business_today
from keqi.core.uscc import normalise
from keqi.funds.models import AwardStatus
from keqi.funds.selectors import award_get_for, award_list_for, entry_list_for
from keqi.partners.models import FinanceKind, LeadStage, ServiceKind
from keqi.partners.models_plan import StandardLevel, StandardStage
from keqi.partners.selectors import (
    finance_list_for,
    lead_list_for,
    project_list_for,
    service_list_for,
    trademark_list_for,
)
from keqi.partners.selectors_plan import (
    alliance_list_for,
    settlement_list_for,
    standard_list_for,
)
from keqi.registry.models import Enterprise

ROW_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="编号")
USCC_HELP = "统一社会信用代码"


def _choice(choices: list[tuple[str, str]], help_text: str) -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=[value for value, _ in choices], required=False, help_text=help_text
    )


def _year() -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False, min_value=1980, max_value=2100, help_text="年度"
    )


def _unit_code() -> serializers.CharField:
    return serializers.CharField(required=False, max_length=40, help_text="单位代码")


class AwardQuery(queries.AreaQuery):
    year = _year()
    status = _choice(AwardStatus.choices, "状态")
    uscc = serializers.CharField(required=False, max_length=40, help_text=USCC_HELP)


class LedgerQuery(queries.AreaQuery):
    year = _year()


class ActivityQuery(PageQuery):
    year = _year()
    kind = _choice(ActivityKind.choices, "活动类型")
    q = serializers.CharField(required=False, max_length=100, help_text="名称或编号")


class ServiceQuery(queries.AreaQuery):
    uscc = serializers.CharField(required=False, max_length=40, help_text=USCC_HELP)
    unit = _unit_code()
    kind = _choice(ServiceKind.choices, "方式")
    year = _year()


class FinanceQuery(queries.AreaQuery):
    uscc = serializers.CharField(required=False, max_length=40, help_text=USCC_HELP)
    kind = _choice(FinanceKind.choices, "类型")
    year = _year()


class LeadQuery(queries.AreaQuery):
    stage = _choice(LeadStage.choices, "阶段")
    year = _year()


class TrademarkQuery(queries.AreaQuery):
    uscc = serializers.CharField(required=False, max_length=40, help_text=USCC_HELP)
    year = _year()


class SettlementQuery(queries.AreaQuery):
    uscc = serializers.CharField(required=False, max_length=40, help_text=USCC_HELP)
    carrier = serializers.CharField(
        required=False, max_length=200, help_text="载体名称"
    )
    year = _year()


class StandardQuery(PageQuery):
    stage = _choice(StandardStage.choices, "进展")
    level = _choice(StandardLevel.choices, "标准类别")
    year = _year()


class ProjectQuery(PageQuery):
    year = serializers.IntegerField(
        required=False, min_value=1980, max_value=2100, help_text="开始年度"
    )


class PlanQuery(PageQuery):
    plan = serializers.CharField(required=False, max_length=60, help_text="方案代码")


class WorkTaskQuery(PlanQuery):
    unit = _unit_code()
    status = serializers.ChoiceField(
        choices=["not_started", "doing", "done", "overdue"],
        required=False,
        help_text="状态；overdue 为已逾期未完成",
    )


def _listed(
    request: Request, rows: Any, query: dict[str, Any], shape: Any, **context: Any
) -> Response:
    page = paginate(request, rows, query)
    data = shape(page.items, many=True, context=context).data
    return Response({**page.meta, "results": data})


def _narrow(rows: QuerySet[Any], user: Any, query: dict[str, Any]) -> QuerySet[Any]:
    """The common filters: area (in scope), uscc, unit code."""
    area = queries.area_in_scope(user, query.get("area"))
    if area is not None:
        rows = rows.filter(enterprise__area=area)
    if query.get("uscc"):
        rows = rows.filter(enterprise__uscc=normalise(query["uscc"])[:18])
    if query.get("unit"):
        rows = rows.filter(unit__code=query["unit"])
    return rows


def _plan(query: dict[str, Any], user: Any) -> Plan:
    try:
        return plan_get(query.get("plan") or None, user=user)
    except Http404:
        raise ValidationError({"plan": ["方案不存在或尚未载入"]}) from None


# ---------------------------------------------------------------- funds


@extend_schema(
    summary="奖励（资金兑现）列表",
    description="管辖范围内企业的奖励：奖励名称、金额（元）、状态、公示。",
    parameters=[AwardQuery],
    responses=paged(shapes_work.AwardSerializer),
    tags=["资金"],
)
@api_view(["GET"])
def award_list(request: Request) -> Response:
    """Awards of the caller's enterprises."""
    query = queries.cleaned(request, AwardQuery)
    rows = _narrow(award_list_for(request.user), request.user, query)
    if "year" in query:
        rows = rows.filter(year=query["year"])
    if "status" in query:
        rows = rows.filter(status=query["status"])
    rows = rows.order_by("-year", "enterprise__uscc", "pk")
    return _listed(request, rows, query, shapes_work.AwardSerializer)


@extend_schema(
    summary="一项奖励",
    parameters=[ROW_ID],
    responses=shapes_work.AwardSerializer,
    tags=["资金"],
)
@api_view(["GET"])
def award_detail(request: Request, pk: int) -> Response:
    """One award; another area's award is a 404."""
    return Response(shapes_work.AwardSerializer(award_get_for(request.user, pk)).data)


@extend_schema(
    summary="资金台账分录",
    description="拨付与冲销（冲销为负数，写明冲销哪笔），金额为元，按记账日期排列。",
    parameters=[LedgerQuery],
    responses=paged(shapes_work.LedgerEntrySerializer),
    tags=["资金"],
)
@api_view(["GET"])
def ledger_list(request: Request) -> Response:
    """Ledger entries of the caller's areas."""
    query = queries.cleaned(request, LedgerQuery)
    area = queries.area_in_scope(request.user, query.get("area"))
    rows = entry_list_for(
        request.user,
        year=query.get("year"),
        area_id=area.pk if area is not None else None,
    ).select_related("enterprise__area")
    return _listed(request, rows, query, shapes_work.LedgerEntrySerializer)


# ---------------------------------------------------------------- activities


@extend_schema(
    summary="科技活动列表",
    description="培训、大赛、论坛、专家工作站活动；街镇/园区账号只见本单位主办的"
    "和本街镇/园区企业参加的活动。",
    parameters=[ActivityQuery],
    responses=paged(shapes_work.ActivitySerializer),
    tags=["科技活动"],
)
@api_view(["GET"])
def activity_list(request: Request) -> Response:
    """Activities the caller may see."""
    query = queries.cleaned(request, ActivityQuery)
    f = ActivityFilter(
        year=query.get("year"), kind=query.get("kind", ""), q=query.get("q", "")
    )
    rows = activity_list_for(request.user, f)
    return _listed(request, rows, query, shapes_work.ActivitySerializer)


@extend_schema(
    summary="一项科技活动及管辖范围内企业的出席情况",
    parameters=[ROW_ID],
    responses=shapes_work.ActivityDetailSerializer,
    tags=["科技活动"],
)
@api_view(["GET"])
def activity_detail(request: Request, pk: int) -> Response:
    """One activity; outside the caller's scope is a 404."""
    activity: Any = activity_get_for(request.user, pk)
    activity.attendance = list(
        attendances_for(request.user, activity).select_related("enterprise")
    )
    return Response(shapes_work.ActivityDetailSerializer(activity).data)


# ---------------------------------------------------------------- partners


def _dated(request: Request, checker: Any, rows: Any, shape: Any) -> Response:
    """A partners list of dated entries (`on`): common filters, kind and year."""
    query = queries.cleaned(request, checker)
    rows = _narrow(rows, request.user, query)
    if "kind" in query:
        rows = rows.filter(kind=query["kind"])
    if "year" in query:
        rows = rows.filter(on__year=query["year"])
    return _listed(request, rows.order_by("-on", "-id"), query, shape)


@extend_schema(
    summary="走访服务台账",
    description="各单位走访、电话、上门服务管辖范围内企业的记录。",
    parameters=[ServiceQuery],
    responses=paged(shapes_work.ServiceEntrySerializer),
    tags=["合作服务"],
)
@api_view(["GET"])
def service_list(request: Request) -> Response:
    """Service log entries about the caller's enterprises (every unit's)."""
    rows = service_list_for(request.user)
    return _dated(request, ServiceQuery, rows, shapes_work.ServiceEntrySerializer)


@extend_schema(
    summary="科技金融记录",
    description="贷款、投资等（万元），只列管辖范围内的企业。",
    parameters=[FinanceQuery],
    responses=paged(shapes_work.FinanceSerializer),
    tags=["合作服务"],
)
@api_view(["GET"])
def finance_list(request: Request) -> Response:
    """Loans and investments of the caller's enterprises."""
    rows = finance_list_for(request.user)
    return _dated(request, FinanceQuery, rows, shapes_work.FinanceSerializer)


@extend_schema(
    summary="产学研合作项目",
    description="街镇/园区账号只见本街镇/园区企业参与或本单位登记的项目，"
    "参与企业也只列本街镇/园区的。",
    parameters=[ProjectQuery],
    responses=paged(shapes_work.ProjectSerializer),
    tags=["合作服务"],
)
@api_view(["GET"])
def project_list(request: Request) -> Response:
    """产学研 projects the caller may see, naming only visible enterprises."""
    query = queries.cleaned(request, ProjectQuery)
    visible = Enterprise.objects.filter(enterprise_q(request.user))
    rows = project_list_for(request.user).prefetch_related(
        Prefetch("enterprises", queryset=visible.order_by("uscc"))
    )
    if "year" in query:
        rows = rows.filter(started_on__year=query["year"])
    rows = rows.order_by("-started_on", "pk")
    return _listed(request, rows, query, shapes_work.ProjectSerializer)


@extend_schema(
    summary="招商线索",
    description="街镇/园区账号只见拟落地本街镇/园区或本单位登记的线索；"
    "落地企业不在管辖范围内时不列出企业。",
    parameters=[LeadQuery],
    responses=paged(shapes_work.LeadSerializer),
    tags=["合作服务"],
)
@api_view(["GET"])
def lead_list(request: Request) -> Response:
    """招商 leads the caller may see."""
    query = queries.cleaned(request, LeadQuery)
    rows = lead_list_for(request.user)
    area = queries.area_in_scope(request.user, query.get("area"))
    if area is not None:
        rows = rows.filter(area=area)
    if "stage" in query:
        rows = rows.filter(stage=query["stage"])
    if "year" in query:
        rows = rows.filter(contacted_on__year=query["year"])
    visible = set(
        Enterprise.objects.filter(enterprise_q(request.user)).values_list(
            "pk", flat=True
        )
    )
    rows = rows.order_by("-contacted_on", "-id")
    return _listed(request, rows, query, shapes_work.LeadSerializer, visible=visible)


@extend_schema(
    summary="商标",
    parameters=[TrademarkQuery],
    responses=paged(shapes_work.TrademarkSerializer),
    tags=["合作服务"],
)
@api_view(["GET"])
def trademark_list(request: Request) -> Response:
    """Trademarks of the caller's enterprises."""
    query = queries.cleaned(request, TrademarkQuery)
    rows = _narrow(trademark_list_for(request.user), request.user, query)
    if "year" in query:
        rows = rows.filter(registered_on__year=query["year"])
    rows = rows.order_by("-registered_on", "number")
    return _listed(request, rows, query, shapes_work.TrademarkSerializer)


@extend_schema(
    summary="产业技术创新战略联盟",
    description="成员企业只列管辖范围内的。",
    parameters=[ProjectQuery],
    responses=paged(shapes_work.AllianceSerializer),
    tags=["合作服务"],
)
@api_view(["GET"])
def alliance_list(request: Request) -> Response:
    """Alliances the caller may see."""
    query = queries.cleaned(request, ProjectQuery)
    rows = alliance_list_for(request.user)
    if "year" in query:
        rows = rows.filter(founded_on__year=query["year"])
    rows = rows.order_by("-founded_on", "pk")
    return _listed(request, rows, query, shapes_work.AllianceSerializer)


@extend_schema(
    summary="载体入驻记录",
    description="企业入驻京津中关村科技城、园区等载体的日期和迁出日期。",
    parameters=[SettlementQuery],
    responses=paged(shapes_work.SettlementSerializer),
    tags=["合作服务"],
)
@api_view(["GET"])
def settlement_list(request: Request) -> Response:
    """Settlements of the caller's enterprises."""
    query = queries.cleaned(request, SettlementQuery)
    rows = _narrow(settlement_list_for(request.user), request.user, query)
    if query.get("carrier"):
        rows = rows.filter(carrier__name=query["carrier"])
    if "year" in query:
        rows = rows.filter(settled_on__year=query["year"])
    rows = rows.order_by("-settled_on", "-id")
    return _listed(request, rows, query, shapes_work.SettlementSerializer)


@extend_schema(
    summary="标准制定",
    description="企业主导或参与起草的标准，从立项到发布。",
    parameters=[StandardQuery],
    responses=paged(shapes_work.StandardSerializer),
    tags=["合作服务"],
)
@api_view(["GET"])
def standard_list(request: Request) -> Response:
    """Standards the caller may see."""
    query = queries.cleaned(request, StandardQuery)
    rows = standard_list_for(request.user)
    for name in ("stage", "level"):
        if name in query:
            rows = rows.filter(**{name: query[name]})
    if "year" in query:
        rows = rows.filter(started_on__year=query["year"])
    rows = rows.order_by("-started_on", "pk")
    return _listed(request, rows, query, shapes_work.StandardSerializer)


# ---------------------------------------------------------------- campaign


@extend_schema(
    summary="成员单位联席会议",
    description="议程、纪要、议定事项及出席情况，最新在前。",
    parameters=[PlanQuery],
    responses=paged(shapes_work.MeetingSerializer),
    tags=["攻坚行动"],
)
@api_view(["GET"])
def meeting_list(request: Request) -> Response:
    """The joint meetings of the plan."""
    query = queries.cleaned(request, PlanQuery)
    rows = Meeting.objects.filter(plan=_plan(query, request.user)).prefetch_related(
        "decisions__owner", "attendance__unit"
    )
    return _listed(request, rows, query, shapes_work.MeetingSerializer)


@extend_schema(
    summary="一次联席会议",
    parameters=[ROW_ID],
    responses=shapes_work.MeetingSerializer,
    tags=["攻坚行动"],
)
@api_view(["GET"])
def meeting_detail(request: Request, pk: int) -> Response:
    """One joint meeting."""
    meeting = meeting_get_for(request.user, pk)
    return Response(shapes_work.MeetingSerializer(meeting).data)


@extend_schema(
    summary="指挥部成员",
    parameters=[PlanQuery],
    responses=paged(shapes_work.HqMemberSerializer),
    tags=["攻坚行动"],
)
@api_view(["GET"])
def hq_member_list(request: Request) -> Response:
    """The members of the 指挥部."""
    query = queries.cleaned(request, PlanQuery)
    rows = HqMember.objects.filter(plan=_plan(query, request.user)).select_related(
        "unit"
    )
    return _listed(request, rows, query, shapes_work.HqMemberSerializer)


@extend_schema(
    summary="单位工作方案任务",
    description="指挥部、领导、审计可见各单位的任务；成员单位、街镇/园区只见本单位。",
    parameters=[WorkTaskQuery],
    responses=paged(shapes_work.WorkTaskSerializer),
    tags=["攻坚行动"],
)
@api_view(["GET"])
def work_task_list(request: Request) -> Response:
    """Work-plan tasks the caller may read."""
    query = queries.cleaned(request, WorkTaskQuery)
    today = business_today()
    rows = org.work_task_list_for(request.user, _plan(query, request.user))
    if query.get("unit"):
        rows = rows.filter(unit__code=query["unit"])
    if query.get("status") == "overdue":
        rows = rows.exclude(status="done").filter(due_on__lt=today)
    elif query.get("status"):
        rows = rows.filter(status=query["status"])
    return _listed(request, rows, query, shapes_work.WorkTaskSerializer, today=today)


def _task_values(plan: Plan, data: dict[str, Any]) -> dict[str, Any]:
    values = dict(data)
    if "measure" in values:
        number = values["measure"]
        values["measure"] = (
            None if number is None else plan.measures.filter(number=number).first()
        )
        if number is not None and values["measure"] is None:
            raise ValidationError({"measure": [f"方案中没有第{number}条工作措施"]})
    return values


def _task_saved(request: Request, save: Any, what: str) -> UnitWorkTask:
    """Save through the service and note the token, in one transaction (the
    exception handler turns the service's refusals into Chinese 400/403)."""
    with transaction.atomic():
        task: UnitWorkTask = save()
        api_write_record(
            token=token_of(request), actor=request.user, what=what, target=task
        )
    return task


@extend_schema(
    summary="新增本单位工作方案任务",
    request=shapes_work.WorkTaskWriteSerializer,
    responses={201: shapes_work.WorkTaskSerializer},
    tags=["攻坚行动"],
)
@api_view(["POST"])
def work_task_create(request: Request) -> Response:
    """Add a task to the caller's unit's work plan."""
    if not org.can_write_work_plan(request.user):
        raise PermissionDenied("当前账号不能填写单位工作方案")
    given = shapes_work.WorkTaskWriteSerializer(data=request.data)
    given.is_valid(raise_exception=True)
    plan = _plan({}, request.user)
    values = _task_values(plan, given.validated_data)
    task = _task_saved(
        request,
        lambda: org.work_task_create(plan=plan, values=values, actor=request.user),
        "新增工作方案任务",
    )
    context = {"today": business_today()}
    data = shapes_work.WorkTaskSerializer(task, context=context).data
    return Response(data, status=status.HTTP_201_CREATED)


@extend_schema(
    summary="修改本单位工作方案任务（只改传入的字段）",
    parameters=[ROW_ID],
    request=shapes_work.WorkTaskWriteSerializer,
    responses=shapes_work.WorkTaskSerializer,
    tags=["攻坚行动"],
)
@api_view(["PATCH"])
def work_task_update(request: Request, pk: int) -> Response:
    """Change a task of the caller's own unit; another unit's task is a 404."""
    task = org.work_task_get_to_edit(request.user, pk)
    given = shapes_work.WorkTaskWriteSerializer(data=request.data, partial=True)
    given.is_valid(raise_exception=True)
    values = _task_values(task.plan, given.validated_data)
    _task_saved(
        request,
        lambda: org.work_task_update(task=task, values=values, actor=request.user),
        "修改工作方案任务",
    )
    context = {"today": business_today()}
    return Response(shapes_work.WorkTaskSerializer(task, context=context).data)
