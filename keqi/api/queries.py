"""Query parameters of the read endpoints, checked with Chinese messages.

A filter that cannot be understood is a 400 naming the parameter (never silently
ignored); an area outside the caller's scope reads as unknown, so the answer
never tells a town user what another town holds.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from keqi.accounts.models import Area
from keqi.accounts.selectors import area_named_for
from keqi.api.pagination import PageQuery
from keqi.core.dates import business_today
from keqi.registry.models import (
    IPCategory,
    IPStatus,
    QualificationKind,
    TechField,
)

AREA_HELP = "街镇/园区：代码、名称或编号；街镇/园区账号只能查本街镇/园区"
AS_OF_HELP = "统计日期 YYYY-MM-DD，默认今天（演示环境为业务日期）"


def _choice(choices: list[tuple[str, str]], help_text: str) -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=[value for value, _ in choices], required=False, help_text=help_text
    )


class AreaQuery(PageQuery):
    area = serializers.CharField(required=False, max_length=60, help_text=AREA_HELP)


class EnterpriseQuery(AreaQuery):
    q = serializers.CharField(
        required=False, max_length=100, help_text="企业名称或信用代码（包含即可）"
    )
    tech_field = _choice(TechField.choices, "技术领域")
    key_industry = serializers.CharField(
        required=False, max_length=20, help_text="重点产业（本区区配置文件所列之一）"
    )
    qualification = _choice(
        QualificationKind.choices, "持有该资质（在 as_of 当日有效）"
    )
    as_of = serializers.DateField(required=False, help_text=AS_OF_HELP)
    year = serializers.IntegerField(
        required=False, min_value=1980, max_value=2100, help_text="有该年度的年度数据"
    )


class FiguresQuery(AreaQuery):
    uscc = serializers.CharField(
        required=False, max_length=40, help_text="统一社会信用代码"
    )
    year = serializers.IntegerField(
        required=False, min_value=1980, max_value=2100, help_text="会计年度"
    )


class QualificationQuery(AreaQuery):
    uscc = serializers.CharField(
        required=False, max_length=40, help_text="统一社会信用代码"
    )
    kind = _choice(QualificationKind.choices, "资质类型")
    as_of = serializers.DateField(
        required=False, help_text="只列这一天有效的资质（YYYY-MM-DD）"
    )


class IPQuery(AreaQuery):
    uscc = serializers.CharField(
        required=False, max_length=40, help_text="统一社会信用代码"
    )
    category = _choice(IPCategory.choices, "类别")
    status = _choice(IPStatus.choices, "状态")


class ProgrammeQuery(serializers.Serializer[Any]):
    as_of = serializers.DateField(required=False, help_text="评价基准日，默认今天")
    programme = serializers.ListField(
        child=serializers.CharField(max_length=40),
        required=False,
        help_text="只评价这些项目（如 tech_sme、high_tech），可重复",
    )


class VerdictQuery(AreaQuery, ProgrammeQuery):
    pass


def cleaned(request: Request, query: type[serializers.Serializer[Any]]) -> Any:
    """The query string checked by `query`; a 400 listing every bad parameter."""
    data: dict[str, Any] = {}
    for name, field in query().fields.items():
        if isinstance(field, serializers.ListField):
            values = request.query_params.getlist(name)
            if values:
                data[name] = values
        elif name in request.query_params:
            data[name] = request.query_params[name]
    checker = query(data=data)
    checker.is_valid(raise_exception=True)
    return checker.validated_data


def as_of(values: dict[str, Any]) -> dt.date:
    """The as_of asked for, else the business day."""
    day: dt.date | None = values.get("as_of")
    return day or business_today()


def area_in_scope(user: Any, raw: str | None) -> Area | None:
    """The area a filter names (code, name or id), or None when not given.

    Unknown, or outside the user's scope, is a 400 on `area`.
    """
    raw = (raw or "").strip()
    if not raw:
        return None
    found = area_named_for(user, raw)
    if found is None:
        raise ValidationError({"area": [f"街镇/园区“{raw}”不存在或不在您的管辖范围内"]})
    return found
