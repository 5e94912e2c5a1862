"""JSON shapes of the registry reads. Field names are the glossary's identifiers
(docs/glossary.md), the same as the models; amounts are exact decimal strings in
万元 (as in the JSON contract of the exchange format), blank = null = unknown."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from keqi.registry.facts import YEAR_FIELDS
from keqi.registry.models import (
    AnnualFigures,
    Enterprise,
    IntellectualProperty,
    Qualification,
)
from keqi.registry.services import ENTERPRISE_FIELDS


@extend_schema_field({"type": "string", "format": "decimal", "nullable": True})
class ExactDecimalField(serializers.Field[Decimal, Any, str | None, Any]):
    """An exact decimal as text without trailing zeros: 123.45, 100, null."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value: Decimal) -> str | None:
        if value is None:
            return None
        return format(value.normalize(), "f")


class AreaSerializer(serializers.Serializer[Any]):
    """A street, town or park (街镇/园区)."""

    code = serializers.CharField(help_text="代码")
    name = serializers.CharField(help_text="名称")
    kind = serializers.CharField(help_text="类型：street 街道、town 镇、park 园区")


class AreaRefSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="街镇/园区代码")
    name = serializers.CharField(help_text="街镇/园区名称")


class EnterpriseSerializer(serializers.ModelSerializer[Enterprise]):
    """An enterprise of the registry (企业库)."""

    area = AreaRefSerializer(help_text="所属街镇/园区")
    tech_field = serializers.CharField(help_text="技术领域；空为未填")
    key_industry = serializers.CharField(help_text="重点产业；空为未填")
    tax_method = serializers.CharField(help_text="征收方式；空为未填")
    extra = serializers.DictField(help_text="工作簿中的附加列")

    class Meta:
        model = Enterprise
        fields = ["uscc", *ENTERPRISE_FIELDS, "updated_at"]
        read_only_fields = fields


class FiguresSerializer(serializers.ModelSerializer[AnnualFigures]):
    """One accounting year's figures (年度数据), amounts in 万元."""

    uscc = serializers.CharField(source="enterprise.uscc", help_text="统一社会信用代码")
    source_units = serializers.DictField(help_text="导入时的原始金额单位")
    sales_revenue = ExactDecimalField()
    operating_revenue = ExactDecimalField()
    main_revenue = ExactDecimalField()
    total_revenue = ExactDecimalField()
    high_tech_revenue = ExactDecimalField()
    rd_expense = ExactDecimalField()
    rd_domestic = ExactDecimalField()
    total_cost = ExactDecimalField()
    total_assets = ExactDecimalField()
    net_assets = ExactDecimalField()
    profit_total = ExactDecimalField()
    tax_total = ExactDecimalField()
    equity_financing = ExactDecimalField()

    class Meta:
        model = AnnualFigures
        fields = ["uscc", "year", *YEAR_FIELDS, "source_units"]
        read_only_fields = fields


class QualificationSerializer(serializers.ModelSerializer[Qualification]):
    """A qualification, award, platform or milestone (资质荣誉)."""

    uscc = serializers.CharField(source="enterprise.uscc", help_text="统一社会信用代码")
    level = serializers.CharField(help_text="级别；空为未填")
    amount = ExactDecimalField(help_text="金额（万元）")

    class Meta:
        model = Qualification
        fields = [
            "uscc",
            "kind",
            "level",
            "number",
            "granted_on",
            "valid_until_entered",
            "valid_until",
            "revoked_on",
            "rank",
            "amount",
            "note",
        ]
        read_only_fields = fields


class IPSerializer(serializers.ModelSerializer[IntellectualProperty]):
    """An intellectual-property item (知识产权)."""

    uscc = serializers.CharField(source="enterprise.uscc", help_text="统一社会信用代码")
    acquisition = serializers.CharField(help_text="获得方式；空为未填")

    class Meta:
        model = IntellectualProperty
        fields = [
            "uscc",
            "number",
            "name",
            "category",
            "granted_on",
            "acquisition",
            "status",
            "related_to_main",
        ]
        read_only_fields = fields
