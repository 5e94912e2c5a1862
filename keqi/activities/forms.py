"""Input shapes of the activities pages, with Chinese errors naming the field."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError

from keqi.accounts.models import Unit
from keqi.accounts.scopes import district_q, enterprise_q
from keqi.activities.models import (
    Activity,
    Award,
    ContestEntry,
    ContestRound,
    TalentCategory,
)
from keqi.core.forms import SafeForm, SafeModelForm
from keqi.core.numbers import parse_date
from keqi.core.uscc import normalise
from keqi.registry.models import Enterprise

DATE_ATTRS = {"class": "date", "placeholder": "2019-05-20"}


class LooseDateField(forms.DateField):
    """A date typed as 2019-05-20, 2019/5/20, 2019.5.20 or 2019年5月20日."""

    widget = forms.TextInput(attrs=DATE_ATTRS)

    def to_python(self, value: Any) -> dt.date | None:
        if isinstance(value, dt.date):
            return value
        try:
            return parse_date(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


def find_enterprise(user: Any, text: str) -> Enterprise:
    """The one enterprise in the user's scope with this USCC or exact name."""
    text = (text or "").strip()
    scope = Enterprise.objects.filter(enterprise_q(user))
    found = (
        scope.filter(uscc=normalise(text)).first() or scope.filter(name=text).first()
    )
    if found is not None:
        return found
    near = list(scope.filter(name__icontains=text).order_by("name")[:6]) if text else []
    if len(near) == 1:
        return near[0]
    if near:
        names = "、".join(e.name for e in near[:5])
        raise ValidationError(
            f"有多家企业名称包含“{text}”：{names}……请填写完整名称或代码"
        )
    raise ValidationError(
        f"您的管辖范围内没有企业“{text}”（可填统一社会信用代码或企业全称）"
    )


class EnterpriseField(forms.CharField):
    """An enterprise named by USCC or name; resolved within the form's user scope."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "企业")
        kwargs.setdefault("help_text", "统一社会信用代码或企业全称")
        super().__init__(max_length=200, **kwargs)


class _UserForm(SafeModelForm):
    """A model form that knows who fills it (for scope checks)."""

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def _enterprise(self, name: str, required: bool = True) -> Enterprise | None:
        text = self.cleaned_data.get(name, "")
        if not text and not required:
            return None
        return find_enterprise(self.user, text)


class ActivityForm(_UserForm):
    """An activity's own fields; the organiser only HQ picks."""

    held_on = LooseDateField(label="举办日期")
    ends_on = LooseDateField(
        label="结束日期", required=False, help_text=Activity.ends_on.field.help_text
    )

    class Meta:
        model = Activity
        fields = [
            "kind",
            "title",
            "held_on",
            "ends_on",
            "organiser",
            "co_organisers",
            "venue",
            "tech_sme_training",
            "edition",
            "guests",
            "people_total",
            "summary",
        ]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        if user is not None and not user.is_hq:
            del self.fields["organiser"]
        else:
            field = cast("forms.ModelChoiceField[Any]", self.fields["organiser"])
            units = Unit.objects.filter(district_q(user)) if user else Unit.objects
            field.queryset = units.order_by("sort", "code")


class AttendanceForm(SafeForm):
    """One enterprise's line on an activity."""

    enterprise = EnterpriseField()
    invited = forms.BooleanField(label="受邀", required=False, initial=True)
    attended = forms.BooleanField(label="参加", required=False, initial=True)
    people = forms.IntegerField(label="参加人数", min_value=0, initial=1)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_enterprise(self) -> Enterprise:
        return find_enterprise(self.user, self.cleaned_data["enterprise"])


class RoundForm(SafeModelForm):
    held_on = LooseDateField(label="比赛日期")

    class Meta:
        model = ContestRound
        fields = ["number", "name", "held_on"]


class EntryForm(_UserForm):
    """A contest entry: an enterprise (by code or name) or a team."""

    enterprise_ref = forms.CharField(
        label="参赛企业",
        max_length=200,
        required=False,
        help_text="统一社会信用代码或企业全称；尚未注册企业的团队留空并填写参赛团队",
    )

    class Meta:
        model = ContestEntry
        fields = ["project", "team", "group", "field", "reached", "award", "note"]

    def __init__(
        self, *args: Any, user: Any, activity: Activity, **kwargs: Any
    ) -> None:
        super().__init__(*args, user=user, **kwargs)
        reached = cast("forms.ModelChoiceField[Any]", self.fields["reached"])
        reached.queryset = activity.rounds.all()
        cast(forms.ChoiceField, self.fields["award"]).choices = [
            ("", "未获奖"),
            *Award.choices,
        ]
        if self.instance.enterprise_id:
            self.initial["enterprise_ref"] = self.instance.enterprise.uscc

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            data["enterprise"] = self._enterprise("enterprise_ref", required=False)
        except ValidationError as exc:
            self.add_error("enterprise_ref", exc)
        return data


class TraineeForm(SafeForm):
    """A unit's cumulative trainee count for a month."""

    unit = forms.ModelChoiceField(label="填报单位", queryset=Unit.objects.none())
    month = forms.CharField(label="月份", help_text="如 2019-09")
    cumulative = forms.IntegerField(
        label="年初至本月末累计培训人数", min_value=0, help_text="已按上月累计预填"
    )
    note = forms.CharField(label="说明", max_length=500, required=False)
    reason = forms.CharField(
        label="更正原因", max_length=500, required=False, help_text="更正已报数据时必填"
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(district_q(user)).order_by("sort", "code")
        if not user.is_hq:
            units = units.filter(pk=user.unit_id)
        cast("forms.ModelChoiceField[Any]", self.fields["unit"]).queryset = units

    def clean_month(self) -> dt.date:
        text = self.cleaned_data["month"].strip()
        try:
            return dt.date.fromisoformat(f"{text}-01")
        except ValueError as exc:
            raise ValidationError(
                f"月份应写作 2019-09 这样的格式（实际为 {text}）"
            ) from exc


class IntroductionForm(_UserForm):
    """A 海河英才 introduction."""

    enterprise_ref = EnterpriseField(label="引进企业")
    introduced_on = LooseDateField(label="引进日期")

    class Meta:
        from keqi.activities.models import TalentIntroduction

        model = TalentIntroduction
        fields = ["introduced_on", "people", "category", "note"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        cast(
            forms.ChoiceField, self.fields["category"]
        ).choices = TalentCategory.choices
        if self.instance.pk:
            self.initial["enterprise_ref"] = self.instance.enterprise.uscc

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            data["enterprise"] = self._enterprise("enterprise_ref")
        except ValidationError as exc:
            self.add_error("enterprise_ref", exc)
        return data
