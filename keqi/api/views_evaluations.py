"""Stored evaluations (评价批次) through the API: the runs, and each run's verdicts as
the engine gave them then (keqi.evaluations), scoped like the evaluation pages."""

from __future__ import annotations

import json
from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from keqi.api import queries
from keqi.api.pagination import PageQuery, paged, paginate
from keqi.api.serializers import AreaRefSerializer
from keqi.api.verdicts import ProgrammeVerdictSerializer
from keqi.core.uscc import normalise
from keqi.evaluations.models import EvaluationRun, Outcome, StoredVerdict
from keqi.evaluations.selectors import run_get_for, run_list_for, verdicts_for
from keqi.evaluations.texts import verdicts_prepare

RUN_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="评价批次编号")


class RunSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    district = serializers.CharField(
        allow_null=True, help_text="所属区代码；空为全市（各区全部企业）"
    )
    as_of = serializers.DateField(help_text="评价基准日")
    trigger = serializers.CharField(help_text="发起方式")
    status = serializers.CharField(help_text="状态代码")
    status_label = serializers.CharField()
    total = serializers.IntegerField(help_text="企业总数")
    done = serializers.IntegerField(help_text="已评价")
    verdicts = serializers.IntegerField(help_text="结论条数")
    programmes = serializers.ListField(
        child=serializers.CharField(), help_text="限定项目；空为全部"
    )
    rules_version = serializers.CharField()
    overrides = serializers.DictField(help_text="当时指挥部调整过的参数")
    requested_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)


class StoredVerdictSerializer(serializers.Serializer[Any]):
    uscc = serializers.CharField()
    name = serializers.CharField(help_text="企业名称")
    area = AreaRefSerializer(help_text="企业现在所属街镇/园区")
    programme = serializers.CharField(help_text="项目代码")
    programme_name = serializers.CharField()
    outcome = serializers.ChoiceField(choices=Outcome.values)
    score_low = serializers.IntegerField(allow_null=True)
    score_high = serializers.IntegerField(allow_null=True)
    result = ProgrammeVerdictSerializer(help_text="当时的结论全文（评价 JSON 格式）")


class StoredVerdictQuery(PageQuery):
    area = serializers.CharField(
        required=False, max_length=60, help_text=queries.AREA_HELP
    )
    uscc = serializers.CharField(
        required=False, max_length=40, help_text="统一社会信用代码"
    )
    programme = serializers.CharField(
        required=False, max_length=40, help_text="项目代码"
    )
    outcome = serializers.ChoiceField(
        choices=Outcome.values, required=False, help_text="结论"
    )


def _run(run: EvaluationRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "district": run.district.code if run.district is not None else None,
        "as_of": run.as_of,
        "trigger": run.trigger,
        "status": run.status,
        "status_label": run.get_status_display(),
        "total": run.total,
        "done": run.done,
        "verdicts": run.verdicts,
        "programmes": list(run.programmes),
        "rules_version": run.rules_version,
        "overrides": run.overrides,
        "requested_at": run.requested_at,
        "finished_at": run.finished_at,
    }


def _verdict(v: StoredVerdict) -> dict[str, Any]:
    e = v.enterprise
    return {
        "uscc": e.uscc,
        "name": e.name,
        "area": {"code": e.area.code, "name": e.area.name},
        "programme": v.programme,
        "programme_name": v.programme_name,
        "outcome": v.outcome,
        "score_low": v.score_low,
        "score_high": v.score_high,
        "result": json.loads(v.result),
    }


@extend_schema(
    summary="评价批次",
    description="本区每次按某一基准日评价本区全部企业的记录（市级账号可见各区及全市的评价），"
    "最新的在前；含所属区、当时的规则版本和参数调整。",
    parameters=[PageQuery],
    responses=paged(RunSerializer),
    tags=["评价"],
)
@api_view(["GET"])
def evaluation_list(request: Request) -> Response:
    """The caller's district's stored runs (every district's for the city),
    latest first."""
    query = queries.cleaned(request, PageQuery)
    page = paginate(request, run_list_for(request.user), query)
    return Response({**page.meta, "results": [_run(r) for r in page.items]})


@extend_schema(
    summary="某次评价的结论（当时保存的）",
    description="只列本账号管辖范围内企业的结论；可按街镇/园区、企业、项目、结论筛选。",
    parameters=[RUN_ID, StoredVerdictQuery],
    responses=paged(StoredVerdictSerializer, run=RunSerializer()),
    tags=["评价"],
)
@api_view(["GET"])
def evaluation_verdicts(request: Request, pk: int) -> Response:
    """A run's stored verdicts on the caller's enterprises."""
    run = run_get_for(request.user, pk)
    query = queries.cleaned(request, StoredVerdictQuery)
    area = queries.area_in_scope(request.user, query.get("area"))
    rows = verdicts_for(request.user, run, area.pk if area else None)
    if query.get("uscc"):
        rows = rows.filter(enterprise__uscc=normalise(query["uscc"]))
    for name in ("programme", "outcome"):
        if query.get(name):
            rows = rows.filter(**{name: query[name]})
    rows = rows.select_related("enterprise__area", "text").order_by(
        "enterprise__uscc", "programme"
    )
    page = paginate(request, rows, query)
    results = [_verdict(v) for v in verdicts_prepare(run, page.items)]
    return Response({**page.meta, "run": _run(run), "results": results})
