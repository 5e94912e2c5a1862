"""Read endpoints of products and transformations (产品与转型), scoped by token
like every read: a town's token lists its enterprises' records only."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from keqi.api import queries
from keqi.api.pagination import paged, paginate
from keqi.api.serializers import ExactDecimalField
from keqi.core.uscc import normalise
from keqi.products.models import (
    Product,
    ProductKind,
    Transformation,
    TransformationKind,
)
from keqi.products.selectors import (
    RecordFilter,
    product_list_for,
    transformation_list_for,
)
from keqi.products.services import PRODUCT_FIELDS, TRANSFORMATION_FIELDS

USCC_HELP = "统一社会信用代码"


class ProductQuery(queries.AreaQuery):
    uscc = serializers.CharField(required=False, max_length=40, help_text=USCC_HELP)
    kind = queries._choice(ProductKind.choices, "类型")
    year = serializers.IntegerField(
        required=False, min_value=1980, max_value=2100, help_text="认定日期所在年度"
    )


class TransformationQuery(queries.AreaQuery):
    uscc = serializers.CharField(required=False, max_length=40, help_text=USCC_HELP)
    kind = queries._choice(TransformationKind.choices, "类型")
    year = serializers.IntegerField(
        required=False, min_value=1980, max_value=2100, help_text="年度"
    )


class ProductSerializer(serializers.ModelSerializer[Product]):
    """A recognised product or brand (产品与品牌)."""

    uscc = serializers.CharField(source="enterprise.uscc", help_text=USCC_HELP)
    enterprise_name = serializers.CharField(source="enterprise.name")
    level = serializers.CharField(help_text="级别；空为未填")

    class Meta:
        model = Product
        # The recorded fields, as the services name them, after who holds them.
        fields = ["id", "uscc", "enterprise_name", *PRODUCT_FIELDS[1:]]
        read_only_fields = fields


class TransformationSerializer(serializers.ModelSerializer[Transformation]):
    """A transformation completed in a year (创新转型)."""

    uscc = serializers.CharField(source="enterprise.uscc", help_text=USCC_HELP)
    enterprise_name = serializers.CharField(source="enterprise.name")
    amount = ExactDecimalField(help_text="技改投入（万元），精确小数文本；其他类型为空")

    class Meta:
        model = Transformation
        fields = ["id", "uscc", "enterprise_name", *TRANSFORMATION_FIELDS[1:]]
        read_only_fields = fields


def _rows(request: Request, query: dict[str, Any], select: Any) -> Any:
    area = queries.area_in_scope(request.user, query.get("area"))
    flt = RecordFilter(
        kind=query.get("kind") or "",
        year=query.get("year"),
        area_id=area.pk if area is not None else None,
    )
    rows = select(request.user, flt)
    if query.get("uscc"):
        rows = rows.filter(enterprise__uscc=normalise(query["uscc"])[:18])
    return rows


@extend_schema(
    summary="产品与品牌",
    description="“专精特新”产品、重点新产品、“杀手锏”产品和品牌，按认定日期从新到旧。",
    parameters=[ProductQuery],
    responses=paged(ProductSerializer),
    tags=["产品与转型"],
)
@api_view(["GET"])
def product_list(request: Request) -> Response:
    """Products and brands of the caller's enterprises."""
    query = queries.cleaned(request, ProductQuery)
    page = paginate(request, _rows(request, query, product_list_for), query)
    data = ProductSerializer(page.items, many=True).data
    return Response({**page.meta, "results": data})


@extend_schema(
    summary="创新转型",
    description="工业企业上云，“互联网+”“人工智能+”“制造+服务”模式创新，技改投入；"
    "金额单位万元，精确小数文本。",
    parameters=[TransformationQuery],
    responses=paged(TransformationSerializer),
    tags=["产品与转型"],
)
@api_view(["GET"])
def transformation_list(request: Request) -> Response:
    """Transformation records of the caller's enterprises."""
    query = queries.cleaned(request, TransformationQuery)
    rows = _rows(request, query, transformation_list_for)
    page = paginate(request, rows, query)
    data = TransformationSerializer(page.items, many=True).data
    return Response({**page.meta, "results": data})
