"""Forms of the plan-item lists; enterprises typed as code or full name and
resolved within the user's scope (as on the other partners forms)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models

from keqi.partners.forms import PartnerForm
from keqi.partners.models_plan import (
    Alliance,
    Carrier,
    CarrierSettlement,
    CivMilProject,
    OverseasStation,
    StandardWork,
)
from keqi.partners.selectors import enterprise_resolve


class AllianceForm(PartnerForm):
    model = Alliance
    field_names = (
        "name",
        "level",
        "field",
        "founded_on",
        "lead",
        "enterprises",
        "institutions",
        "note",
    )

    def _initial(self, instance: models.Model, name: str) -> Any:
        if name == "institutions":
            return [i.pk for i in getattr(instance, name).all()]
        return super()._initial(instance, name)


class CarrierForm(PartnerForm):
    model = Carrier
    field_names = ("name", "kind", "area", "operator", "note")


class SettlementForm(PartnerForm):
    model = CarrierSettlement
    field_names = ("carrier", "enterprise", "settled_on", "left_on", "note")


class StationForm(PartnerForm):
    model = OverseasStation
    field_names = (
        "name",
        "region",
        "opened_on",
        "closed_on",
        "carrier",
        "contact",
        "note",
    )

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["carrier"].help_text = "与哪个区内载体单位对接（方案：有机融合）"


class StandardForm(PartnerForm):
    model = StandardWork
    field_names = (
        "title",
        "level",
        "number",
        "stage",
        "lead_enterprise",
        "enterprises",
        "started_on",
        "published_on",
        "note",
    )

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["enterprises"].required = False

    def _field(self, name: str, field: forms.Field) -> forms.Field:
        if name == "lead_enterprise":
            return forms.CharField(
                label="主导企业",
                required=False,
                max_length=200,
                help_text="统一社会信用代码或企业全称；只参与起草时留空",
            )
        return super()._field(name, field)

    def _initial(self, instance: models.Model, name: str) -> Any:
        if name == "lead_enterprise":
            lead = getattr(instance, name)
            return lead.uscc if lead is not None else ""
        return super()._initial(instance, name)

    def clean_lead_enterprise(self) -> Any:
        text = self.cleaned_data.get("lead_enterprise", "").strip()
        if not text:
            return None
        try:
            return enterprise_resolve(self.user, text)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc


class CivMilForm(PartnerForm):
    model = CivMilProject
    field_names = (
        "title",
        "direction",
        "enterprises",
        "partner",
        "started_on",
        "amount",
        "outcome",
        "note",
    )
