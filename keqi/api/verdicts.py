"""Verdicts computed live, in the JSON contract of `keqi evaluate --format json`.

Parameters and composed programmes come from keqi.criteria.engine.engine_setup()
(HQ's edits included); an enterprise's tier is on its own district's ladder
(keqi.cultivation.selectors, issue 17); the document is keqi.rules.report_to_dict, so the API, the
command line and the exchange format agree field for field. The serializers
below only describe that contract for the OpenAPI schema.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from keqi.accounts.models import Area
from keqi.criteria.engine import engine_setup
from keqi.cultivation.selectors import Ladder, ladders_by_district
from keqi.cultivation.tiers import DEFAULT_LADDER
from keqi.registry.facts import iter_facts
from keqi.registry.models import Enterprise
from keqi.rules import evaluate, programme_table, report_to_dict


def verdicts_for(
    enterprises: Iterable[Enterprise], day: dt.date, programmes: Sequence[str] | None
) -> dict[str, Any]:
    """The contract document for these enterprises on `day` (nothing is stored),
    each one's tier on its district's ladder."""
    setup = engine_setup()
    enterprises = list(enterprises)
    if programmes:
        known = list(programme_table(setup.extra))
        unknown = [p for p in programmes if p not in known]
        if unknown:
            message = f"未知的项目：{'、'.join(unknown)}；可选：{'、'.join(known)}"
            raise ValidationError({"programme": [message]})
    ladders = ladders_by_district()
    district_of: dict[int, int | None] = dict(
        Area.objects.values_list("pk", "district_id")
    )
    results = [
        evaluate(
            facts,
            as_of=day,
            params=setup.params,
            extra=setup.extra,
            programmes=list(programmes) if programmes else None,
            ladder=_ladder(ladders, district_of.get(enterprise.area_id)),
        )
        for enterprise, facts in zip(enterprises, iter_facts(enterprises), strict=True)
    ]
    return report_to_dict(results, day)


def _ladder(ladders: dict[int, Ladder], district_id: int | None) -> tuple[str, ...]:
    """The rungs of a district's ladder (the default ones for no district)."""
    if district_id is None or district_id not in ladders:
        return DEFAULT_LADDER
    return ladders[district_id][0]


def _strings(help_text: str = "") -> serializers.ListField:
    return serializers.ListField(child=serializers.CharField(), help_text=help_text)


class ConditionSerializer(serializers.Serializer[Any]):
    id = serializers.CharField(help_text="条件代码")
    title = serializers.CharField(help_text="条件")
    status = serializers.ChoiceField(
        choices=["met", "not_met", "unknown"], help_text="满足、不满足、未知"
    )
    value = serializers.CharField(help_text="企业的值（精确小数文本）")
    threshold = serializers.CharField(help_text="门槛")
    citation = serializers.CharField(help_text="依据（文号、条款）")
    reason = serializers.CharField(help_text="理由")
    missing = _strings("缺少的数据")


class ScoreItemSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    title = serializers.CharField()
    low = serializers.CharField(help_text="最低得分")
    high = serializers.CharField(help_text="最高得分")
    band = serializers.CharField(help_text="所在档次")
    reason = serializers.CharField()
    citation = serializers.CharField()


class GapSerializer(serializers.Serializer[Any]):
    condition = serializers.CharField(help_text="条件代码")
    text = serializers.CharField(help_text="差距说明")
    field = serializers.CharField(allow_null=True)
    amount = serializers.CharField(allow_null=True, help_text="还差多少")
    unit = serializers.CharField(allow_null=True)


class ProgrammeVerdictSerializer(serializers.Serializer[Any]):
    outcome = serializers.ChoiceField(
        choices=["eligible", "ineligible", "undetermined"],
        help_text="符合条件、不符合条件、尚不能确定",
    )
    route = serializers.CharField(
        allow_null=True, help_text="score 评分 或 direct 直通"
    )
    score = serializers.CharField(allow_null=True, help_text="得分；区间时为 null")
    score_range = serializers.ListField(
        child=serializers.CharField(), allow_null=True, help_text="[最低, 最高]"
    )
    version = serializers.CharField()
    document = serializers.CharField(help_text="认定/评价办法文号")
    data_year = serializers.IntegerField(allow_null=True, help_text="数据年度")
    conditions = ConditionSerializer(many=True)
    score_items = ScoreItemSerializer(many=True)
    gaps = GapSerializer(many=True)
    missing = _strings()
    open_judgements = _strings("需专家判断的条件")
    flags = _strings("使用了待核实的参数")
    overridden = _strings("指挥部调整过的参数")
    explanation = serializers.CharField()


class EnterpriseVerdictSerializer(serializers.Serializer[Any]):
    uscc = serializers.CharField()
    name = serializers.CharField()
    tier = serializers.CharField(allow_null=True, help_text="梯度层级")
    tier_gap = _strings("到下一层级的差距")
    programmes = serializers.DictField(
        child=ProgrammeVerdictSerializer(), help_text="按项目代码"
    )


class VerdictReportSerializer(serializers.Serializer[Any]):
    """The evaluate document: as_of, rules_version, results."""

    as_of = serializers.DateField()
    rules_version = serializers.CharField()
    results = EnterpriseVerdictSerializer(many=True)
