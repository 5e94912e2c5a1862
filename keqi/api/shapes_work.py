"""JSON shapes of funds, activities, partners and campaign-organisation reads.

Field names are the models' (docs/glossary.md). Money in the funds is in 元 with
two places as exact text ("20000.00"); amounts of the partners ledger are 万元
(exact text, no trailing zeros) as in the registry. Enterprises are named by
统一社会信用代码 and name, units and areas by code and name.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from keqi.activities.models import Activity, Attendance
from keqi.api.report_shapes import UnitRefSerializer
from keqi.api.serializers import AreaRefSerializer, ExactDecimalField
from keqi.campaign.models import (
    Decision,
    HqMember,
    Meeting,
    MeetingAttendance,
    UnitWorkTask,
)
from keqi.funds.models import Award, LedgerEntry
from keqi.partners.models import (
    CooperationProject,
    FinanceRecord,
    Lead,
    ServiceEntry,
    Trademark,
)
from keqi.partners.models_plan import Alliance, CarrierSettlement, StandardWork


@extend_schema_field({"type": "string", "format": "decimal", "nullable": True})
class YuanField(serializers.Field[Decimal, Any, str | None, Any]):
    """Money in 元 as exact text with two places: 20000.00."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value: Decimal) -> str | None:
        return None if value is None else f"{value:.2f}"


class EnterpriseRefSerializer(serializers.Serializer[Any]):
    uscc = serializers.CharField(help_text="统一社会信用代码")
    name = serializers.CharField(help_text="企业名称")


# ---------------------------------------------------------------- funds


class AwardSerializer(serializers.ModelSerializer[Award]):
    """An award (奖励) of the district funds and where it stands."""

    enterprise = EnterpriseRefSerializer(help_text="企业")
    area = AreaRefSerializer(source="enterprise.area", help_text="企业所属街镇/园区")
    rule = serializers.CharField(source="rule.name", help_text="奖励名称")
    fund = serializers.CharField(source="rule.fund.code", help_text="资金代码")
    award_type = serializers.CharField(source="rule.award_type", help_text="奖励类型")
    amount = YuanField(help_text="奖励金额（元）")
    status_label = serializers.CharField(
        source="get_status_display", help_text="状态（中文）"
    )
    notice = serializers.CharField(
        source="notice.title", allow_null=True, default=None, help_text="公示标题"
    )

    class Meta:
        model = Award
        fields = [
            "id",
            "year",
            "enterprise",
            "area",
            "rule",
            "fund",
            "award_type",
            "amount",
            "source",
            "status",
            "status_label",
            "evidence_kind",
            "evidence_number",
            "evidence_date",
            "notice",
            "created_at",
        ]
        read_only_fields = fields


class LedgerEntrySerializer(serializers.ModelSerializer[LedgerEntry]):
    """One ledger entry (台账分录): a payment, or a reversal naming the payment."""

    enterprise = EnterpriseRefSerializer(help_text="企业")
    area = AreaRefSerializer(help_text="记账时企业所属街镇/园区")
    fund = serializers.CharField(source="fund.code", help_text="资金代码")
    amount = YuanField(help_text="金额（元）；冲销为负数")
    award = serializers.IntegerField(source="award_id", help_text="奖励编号")
    reverses = serializers.IntegerField(
        source="reverses_id", allow_null=True, help_text="冲销的分录编号"
    )

    class Meta:
        model = LedgerEntry
        fields = [
            "id",
            "kind",
            "entry_date",
            "amount",
            "payer",
            "fund",
            "award_type",
            "award",
            "enterprise",
            "area",
            "reverses",
            "voucher",
            "note",
        ]
        read_only_fields = fields


# ---------------------------------------------------------------- activities


class AttendanceSerializer(serializers.ModelSerializer[Attendance]):
    enterprise = EnterpriseRefSerializer(help_text="企业")

    class Meta:
        model = Attendance
        fields = ["enterprise", "invited", "attended", "people", "note"]
        read_only_fields = fields


class ActivitySerializer(serializers.ModelSerializer[Activity]):
    """A training, contest, forum or workstation event (科技活动)."""

    organiser = UnitRefSerializer(help_text="主办单位")

    class Meta:
        model = Activity
        fields = [
            "id",
            "code",
            "kind",
            "title",
            "held_on",
            "ends_on",
            "organiser",
            "co_organisers",
            "venue",
            "tech_sme_training",
            "edition",
            "people_total",
        ]
        read_only_fields = fields


class ActivityDetailSerializer(ActivitySerializer):
    """An activity with the attendance of the enterprises the caller may see."""

    summary = serializers.CharField(help_text="活动内容")
    attendance = AttendanceSerializer(many=True, help_text="管辖范围内企业的出席情况")

    class Meta(ActivitySerializer.Meta):
        fields = [*ActivitySerializer.Meta.fields, "summary", "attendance"]
        read_only_fields = fields


# ---------------------------------------------------------------- partners


class ServiceEntrySerializer(serializers.ModelSerializer[ServiceEntry]):
    """A visit, call or service a unit gave an enterprise (走访服务台账)."""

    enterprise = EnterpriseRefSerializer(help_text="企业")
    unit = UnitRefSerializer(help_text="服务单位")

    class Meta:
        model = ServiceEntry
        fields = [
            "id",
            "enterprise",
            "unit",
            "person",
            "kind",
            "on",
            "asked",
            "promised",
            "follow_up_due",
            "done_on",
            "done_note",
        ]
        read_only_fields = fields


class ProjectSerializer(serializers.ModelSerializer[CooperationProject]):
    """An 产学研 cooperation project with an institution."""

    institution = serializers.CharField(source="institution.name", help_text="合作院所")
    unit = UnitRefSerializer(help_text="登记单位")
    enterprises = serializers.SerializerMethodField(
        help_text="参与企业（只列管辖范围内的）"
    )
    amount = ExactDecimalField(help_text="合同金额（万元）")

    class Meta:
        model = CooperationProject
        fields = [
            "id",
            "title",
            "institution",
            "unit",
            "enterprises",
            "started_on",
            "ended_on",
            "amount",
            "yields_ip",
            "yields_product",
            "yields_platform",
            "outcome",
        ]
        read_only_fields = fields

    def get_enterprises(self, row: CooperationProject) -> list[dict[str, str]]:
        # The view prefetches only the enterprises the caller may see.
        return [{"uscc": e.uscc, "name": e.name} for e in row.enterprises.all()]


class FinanceSerializer(serializers.ModelSerializer[FinanceRecord]):
    """A loan or investment an enterprise received (科技金融), in 万元."""

    enterprise = EnterpriseRefSerializer(help_text="企业")
    unit = UnitRefSerializer(help_text="登记单位")
    amount = ExactDecimalField(help_text="金额（万元）")

    class Meta:
        model = FinanceRecord
        fields = ["id", "enterprise", "unit", "kind", "provider", "amount", "on"]
        read_only_fields = fields


# ---------------------------------------------------------------- campaign


class DecisionSerializer(serializers.ModelSerializer[Decision]):
    owner = UnitRefSerializer(help_text="责任单位")

    class Meta:
        model = Decision
        fields = ["number", "text", "owner", "due_on", "status", "done_on", "done_note"]
        read_only_fields = fields


class MeetingAttendanceSerializer(serializers.ModelSerializer[MeetingAttendance]):
    unit = UnitRefSerializer(help_text="成员单位")

    class Meta:
        model = MeetingAttendance
        fields = ["unit", "present", "attendee", "absence_reason"]
        read_only_fields = fields


class AgendaItemSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField(help_text="red、late、overdue、yellow")
    kind_label = serializers.CharField(help_text="议程类别（中文）")
    subject = serializers.CharField(help_text="事项")
    unit = serializers.CharField(help_text="牵头单位")
    reason = serializers.CharField(help_text="列入议程的理由")


class MeetingSerializer(serializers.ModelSerializer[Meeting]):
    """A joint meeting (联席会议): agenda, minutes, agreed items, attendance."""

    agenda = AgendaItemSerializer(many=True, help_text="议程（会议当日生成）")
    decisions = DecisionSerializer(many=True, help_text="议定事项")
    attendance = MeetingAttendanceSerializer(many=True, help_text="出席情况")

    class Meta:
        model = Meeting
        fields = [
            "id",
            "month",
            "held_on",
            "agenda",
            "minutes",
            "decisions",
            "attendance",
        ]
        read_only_fields = fields


class HqMemberSerializer(serializers.ModelSerializer[HqMember]):
    unit = UnitRefSerializer(help_text="所在单位")

    class Meta:
        model = HqMember
        fields = ["id", "unit", "name", "post", "role", "phone"]
        read_only_fields = fields


class WorkTaskSerializer(serializers.ModelSerializer[UnitWorkTask]):
    """A task of a unit's own work plan, with whether it is overdue today."""

    unit = UnitRefSerializer(help_text="责任单位")
    measure = serializers.IntegerField(
        source="measure.number", allow_null=True, default=None, help_text="工作措施序号"
    )
    overdue = serializers.SerializerMethodField(help_text="今天（业务日期）已逾期")

    class Meta:
        model = UnitWorkTask
        fields = [
            "id",
            "unit",
            "measure",
            "title",
            "route",
            "person",
            "starts_on",
            "due_on",
            "status",
            "done_on",
            "note",
            "overdue",
        ]
        read_only_fields = fields

    def get_overdue(self, task: UnitWorkTask) -> bool:
        return task.is_overdue(self.context["today"])


class WorkTaskWriteSerializer(serializers.Serializer[Any]):
    """A work-plan task as written by its unit (PATCH: only the fields sent)."""

    title = serializers.CharField(max_length=200, help_text="任务")
    measure = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=999,
        help_text="工作措施序号（方案第四部分）",
    )  # fmt: skip
    route = serializers.CharField(
        required=False, allow_blank=True, max_length=5000, help_text="路线图"
    )
    person = serializers.CharField(max_length=40, help_text="责任人")
    starts_on = serializers.DateField(help_text="开始日期")
    due_on = serializers.DateField(help_text="完成时限")
    status = serializers.ChoiceField(
        choices=["not_started", "doing", "done"], required=False, help_text="状态"
    )
    done_on = serializers.DateField(
        required=False, allow_null=True, help_text="完成日期"
    )
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=500, help_text="进展说明"
    )


# ---------------------------------------------------------------- partners: more lists


class LeadSerializer(serializers.ModelSerializer[Lead]):
    """A 招商 lead and how far it got; `enterprise` once it settled."""

    unit = UnitRefSerializer(help_text="登记单位")
    area = AreaRefSerializer(allow_null=True, help_text="拟落地街镇/园区")
    enterprise = serializers.SerializerMethodField(
        help_text="落地后的企业（管辖范围外的不列出）"
    )

    class Meta:
        model = Lead
        fields = [
            "id",
            "company",
            "source",
            "unit",
            "area",
            "tech_field",
            "stage",
            "contacted_on",
            "visited_on",
            "signed_on",
            "registered_on",
            "enterprise",
        ]
        read_only_fields = fields

    @extend_schema_field(EnterpriseRefSerializer(allow_null=True))
    def get_enterprise(self, lead: Lead) -> dict[str, str] | None:
        visible: set[int] = self.context.get("visible", set())
        firm = lead.enterprise
        if firm is None or firm.pk not in visible:
            return None
        return {"uscc": firm.uscc, "name": firm.name}


class TrademarkSerializer(serializers.ModelSerializer[Trademark]):
    """A registered trademark of an enterprise."""

    enterprise = EnterpriseRefSerializer(help_text="企业")

    class Meta:
        model = Trademark
        fields = [
            "id",
            "enterprise",
            "number",
            "name",
            "nice_class",
            "registered_on",
            "well_known",
            "well_known_on",
        ]
        read_only_fields = fields


def _visible_refs(row: Any) -> list[dict[str, str]]:
    # The view prefetches only the enterprises the caller may see.
    return [{"uscc": e.uscc, "name": e.name} for e in row.enterprises.all()]


ENTERPRISE_LIST = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"uscc": {"type": "string"}, "name": {"type": "string"}},
    },
}


@extend_schema_field(ENTERPRISE_LIST)
class VisibleEnterprisesField(serializers.Field[Any, Any, Any, Any]):
    """The record's enterprises the caller may see (uscc and name)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("source", "*")
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> Any:
        return _visible_refs(value)


class AllianceSerializer(serializers.ModelSerializer[Alliance]):
    """An 产业技术创新战略联盟 with its member enterprises (within scope)."""

    unit = UnitRefSerializer(help_text="登记单位")
    enterprises = VisibleEnterprisesField(help_text="成员企业（只列管辖范围内的）")

    class Meta:
        model = Alliance
        fields = ["id", "name", "level", "field", "founded_on", "lead", "unit"]
        fields += ["enterprises"]
        read_only_fields = fields


class SettlementSerializer(serializers.ModelSerializer[CarrierSettlement]):
    """An enterprise settled in a carrier (入驻承载)."""

    carrier = serializers.CharField(source="carrier.name", help_text="载体")
    carrier_kind = serializers.CharField(source="carrier.kind", help_text="载体类型")
    enterprise = EnterpriseRefSerializer(help_text="企业")

    class Meta:
        model = CarrierSettlement
        fields = ["id", "carrier", "carrier_kind", "enterprise", "settled_on"]
        fields += ["left_on"]
        read_only_fields = fields


class StandardSerializer(serializers.ModelSerializer[StandardWork]):
    """A standard enterprises draft, from 立项 to 发布."""

    lead_enterprise = EnterpriseRefSerializer(allow_null=True, help_text="主导企业")
    enterprises = VisibleEnterprisesField(help_text="参与起草企业（管辖范围内）")

    class Meta:
        model = StandardWork
        fields = ["id", "title", "level", "number", "stage", "lead_enterprise"]
        fields += ["enterprises", "started_on", "published_on"]
        read_only_fields = fields
