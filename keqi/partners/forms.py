"""Input shapes of the partners pages. Fields come from the models (Chinese labels
from verbose_name); enterprises are typed as 统一社会信用代码 or full name and
resolved within the user's scope. The cleaned data is handed to the services as
it is, so the services stay the one place that checks the rules."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from django import forms
from django.db import models
from django.forms.models import fields_for_model

from keqi.accounts.models import Area
from keqi.core.forms import SafeForm
from keqi.partners.models import (
    CooperationProject,
    Event,
    EventTopic,
    FinanceRecord,
    Institution,
    Lead,
    LeadStage,
    ServiceEntry,
    Trademark,
)
from keqi.partners.selectors import enterprise_resolve
from keqi.registry.forms import LooseDecimalField

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SPLIT = re.compile(r"[\n\r、，,；;]+")


def split_names(text: str) -> list[str]:
    """Several enterprises typed in one box: one per line, or separated by 、，；."""
    return [part.strip() for part in SPLIT.split(text or "") if part.strip()]


class PartnerForm(SafeForm):
    """A form over some fields of a partners model; `user` resolves enterprises."""

    model: ClassVar[type[models.Model]]
    field_names: ClassVar[tuple[str, ...]]
    textareas: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self, *args: Any, user: Any, instance: models.Model | None = None, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.user, self.instance = user, instance
        for name, field in fields_for_model(
            self.model, fields=self.field_names
        ).items():
            self.fields[name] = self._field(name, field)
        if instance is not None and not self.is_bound:
            self.initial = {n: self._initial(instance, n) for n in self.field_names}

    def _field(self, name: str, field: forms.Field) -> forms.Field:
        model_field = self.model._meta.get_field(name)
        label = str(getattr(model_field, "verbose_name", name))
        if name == "enterprise":
            return forms.CharField(
                label=label, help_text="统一社会信用代码或企业全称", max_length=200
            )
        if name in ("enterprises", "participants"):
            return forms.CharField(
                label=label,
                required=name == "enterprises",
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text="每行一家：统一社会信用代码或企业全称",
            )
        if isinstance(model_field, models.DecimalField):
            loose = LooseDecimalField()
            loose.label, loose.required = label, not model_field.null
            return loose
        if isinstance(field, forms.DateField):
            field.widget = DATE_WIDGET
        if name in self.textareas:
            field.widget = forms.Textarea(attrs={"rows": 3})
        return field

    def _initial(self, instance: models.Model, name: str) -> Any:
        value = getattr(instance, name)
        if name == "enterprise":
            return value.uscc
        if name in ("enterprises", "participants"):
            return "\n".join(e.uscc for e in value.all())
        if isinstance(value, models.Model):
            return value.pk
        return value

    def clean_enterprise(self) -> Any:
        try:
            return enterprise_resolve(self.user, self.cleaned_data["enterprise"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def _many(self, name: str) -> list[Any]:
        found, problems = [], []
        for text in split_names(self.cleaned_data.get(name, "")):
            try:
                found.append(enterprise_resolve(self.user, text))
            except ValueError as exc:
                problems.append(str(exc))
        if problems:
            raise forms.ValidationError(problems)
        return found

    def clean_enterprises(self) -> list[Any]:
        return self._many("enterprises")

    def clean_participants(self) -> list[Any]:
        return self._many("participants")


class InstitutionForm(PartnerForm):
    model = Institution
    field_names = ("name", "short_name", "kind", "region", "note")


class EventForm(PartnerForm):
    model = Event
    field_names = (
        "topic",
        "kind",
        "name",
        "held_on",
        "place",
        "organisations",
        "attendance",
        "participants",
        "note",
    )


class LeadForm(PartnerForm):
    model = Lead
    field_names = (
        "company",
        "source",
        "source_detail",
        "event",
        "area",
        "tech_field",
        "contact",
        "contacted_on",
        "visited_on",
        "signed_on",
        "note",
    )

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        events = Event.objects.filter(topic=EventTopic.PROMOTION)
        self.fields["event"].queryset = events  # type: ignore[attr-defined]
        self.fields["visited_on"].help_text = "阶段推进后可更正日期"
        self.fields["signed_on"].help_text = "阶段推进后可更正日期"


class ProjectForm(PartnerForm):
    model = CooperationProject
    field_names = (
        "title",
        "institution",
        "enterprises",
        "started_on",
        "ended_on",
        "amount",
        "yields_ip",
        "yields_product",
        "yields_platform",
        "outcome",
        "note",
    )


class FinanceForm(PartnerForm):
    model = FinanceRecord
    field_names = ("enterprise", "kind", "provider", "amount", "on", "event", "note")

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        events = Event.objects.filter(topic=EventTopic.FINANCE)
        self.fields["event"].queryset = events  # type: ignore[attr-defined]


class TrademarkForm(PartnerForm):
    model = Trademark
    field_names = (
        "enterprise",
        "number",
        "name",
        "nice_class",
        "registered_on",
        "well_known",
        "well_known_on",
        "note",
    )


class ServiceForm(PartnerForm):
    model = ServiceEntry
    field_names = (
        "enterprise",
        "kind",
        "on",
        "person",
        "asked",
        "promised",
        "follow_up_due",
        "done_on",
        "done_note",
    )
    textareas = ("asked", "promised")


class AdvanceForm(SafeForm):
    """Move a lead to its next stage on a day."""

    stage = forms.ChoiceField(
        label="推进到",
        choices=[(s.value, s.label) for s in LeadStage if s != LeadStage.REGISTERED],
    )
    on = forms.DateField(label="日期", widget=DATE_WIDGET)


class SettleForm(SafeForm):
    """Register a lead in the district: its enterprise's code and area."""

    uscc = forms.CharField(label="统一社会信用代码", max_length=18)
    on = forms.DateField(label="落地注册日期", widget=DATE_WIDGET)
    area = forms.ModelChoiceField(
        label="落地街镇/园区",
        queryset=Area.objects.none(),
        required=False,
        help_text="企业库中已有该企业时不必填写",
    )
    founded_on = forms.DateField(
        label="成立日期",
        required=False,
        widget=DATE_WIDGET,
        help_text="新入库企业的成立日期；空白取落地注册日期",
    )

    def __init__(self, *args: Any, areas: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]


class DoneForm(SafeForm):
    """Close a promised follow-up."""

    done_on = forms.DateField(label="办结日期", widget=DATE_WIDGET)
    done_note = forms.CharField(label="办结情况", max_length=500, required=False)


class UploadForm(SafeForm):
    """An Excel file to import into one list."""

    file = forms.FileField(label="选择文件")
