"""Input shapes for the registry pages: the list's filters and the edit forms.

Edit forms never touch the row they were built from (they work on a copy), so the
service that saves compares the stored values with the new ones and audits the
difference. Each edit form carries a version of the row it was shown with; a
save is refused when the row changed in between (see `row_version`).
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from keqi.accounts.industries import (
    key_industries_for,
    key_industry_error,
    remember_key_industries,
)
from keqi.accounts.models import Area, District
from keqi.accounts.scopes import area_q, district_q, enterprise_q
from keqi.core.dates import business_today
from keqi.core.forms import SafeForm, SafeModelForm
from keqi.core.numbers import parse_date, parse_decimal, parse_integer
from keqi.core.uscc import check_uscc, unusable
from keqi.core.uscc import normalise as normalise_uscc
from keqi.registry.models import (
    AnnualFigures,
    CreditRecord,
    Enterprise,
    IntellectualProperty,
    Qualification,
    QualificationKind,
    TechField,
)
from keqi.registry.selectors import enterprise_list_for

STALE_MESSAGE = "该记录已被他人修改，请刷新后重试"
NULL_BOOLEAN_CHOICES = [("unknown", "未知"), ("true", "是"), ("false", "否")]
# Amounts that may be below zero; every other amount and count is >= 0.
SIGNED_AMOUNTS = {"profit_total", "net_assets"}


# ---------------------------------------------------------------- typed fields


class LooseDecimalField(forms.CharField):
    """An exact amount typed with thousands separators or full-width digits."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "class": "num"})

    def __init__(
        self, *, decimal_places: int = 6, max_digits: int = 20, signed: bool = False
    ) -> None:
        super().__init__(required=False)
        self.decimal_places, self.max_digits, self.signed = (
            decimal_places,
            max_digits,
            signed,
        )

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        try:
            number = parse_decimal(super().to_python(value))
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc
        if number is None:
            return None
        if not self.signed and number < 0:
            raise ValidationError("不能为负数")
        exponent = number.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > self.decimal_places:
            raise ValidationError(f"最多保留{self.decimal_places}位小数")
        # Stored amounts carry a fixed number of places; compare like with like.
        number = number.quantize(Decimal(1).scaleb(-self.decimal_places))
        if len(number.as_tuple().digits) > self.max_digits:
            raise ValidationError("数值过大")
        return number

    def prepare_value(self, value: Any) -> Any:
        return plain_number(value) if isinstance(value, Decimal) else value


class LooseIntegerField(forms.CharField):
    """A count typed as 1,200 or １２００; never negative."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "class": "num"})

    def __init__(self, *, required: bool = False, **kwargs: Any) -> None:
        self.min_value = kwargs.pop("min_value", 0)
        self.max_value = kwargs.pop("max_value", 2_147_483_647)
        super().__init__(required=required, **kwargs)

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        try:
            number = parse_integer(super().to_python(value))
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc
        if number is not None and not self.min_value <= number <= self.max_value:
            raise ValidationError(f"应在 {self.min_value} 到 {self.max_value} 之间")
        return number


class LooseDateField(forms.CharField):
    """A date in any spelling of the exchange format (2019-05-20, 2019年5月20日…)."""

    widget = forms.TextInput(attrs={"placeholder": "例如 2019-05-20", "class": "date"})

    def to_python(self, value: Any) -> dt.date | None:  # type: ignore[override]
        try:
            return parse_date(super().to_python(value))
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc

    def prepare_value(self, value: Any) -> Any:
        return value.isoformat() if isinstance(value, dt.date) else value


class YesNoField(forms.NullBooleanField):
    """是 / 否 / 未知 — unknown stays unknown."""

    widget = forms.Select(choices=NULL_BOOLEAN_CHOICES)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.widget = forms.NullBooleanSelect()
        self.widget.choices = NULL_BOOLEAN_CHOICES


def plain_number(value: Decimal | int | None) -> str:
    """A number as typed: no trailing zeros, no exponent (1.500000 → 1.5)."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    return format(value.normalize(), "f")


def _formfield(field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """Registry model fields as forms: loose numbers and dates, 是/否/未知."""
    made: forms.Field | None
    if isinstance(field, models.DecimalField):
        made = LooseDecimalField(
            decimal_places=field.decimal_places or 0,
            max_digits=field.max_digits or 20,
            signed=field.name in SIGNED_AMOUNTS,
        )
    elif isinstance(field, models.PositiveIntegerField | models.IntegerField):
        made = LooseIntegerField(required=not field.blank)
    elif isinstance(field, models.DateField):
        made = LooseDateField(required=not field.blank)
    elif isinstance(field, models.BooleanField) and field.null:
        made = YesNoField(required=False)
    else:
        made = field.formfield(**kwargs)
        if made is not None and field.choices:
            blank = [("", "（未填）" if field.blank else "请选择")]
            if field.blank or field.default is models.NOT_PROVIDED:
                made.choices = [*blank, *field.choices]  # type: ignore[attr-defined]
        return made
    made.label = field.verbose_name
    return made


# ---------------------------------------------------------------- versions


def row_version(row: models.Model | None) -> str:
    """A short fingerprint of a row's stored values; changes whenever any value does."""
    if row is None:
        return "new"
    values: dict[str, Any] = {}
    for field in row._meta.concrete_fields:
        value = getattr(row, field.attname)
        if isinstance(value, Decimal):
            value = plain_number(value)
        values[field.attname] = value
    text = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _version_field() -> forms.CharField:
    return forms.CharField(widget=forms.HiddenInput, required=False)


def _reason_field() -> forms.CharField:
    return forms.CharField(
        label="修改原因",
        required=False,
        max_length=500,
        help_text="选填。写明依据（如“据2019年度审计报告更正”），会记入修改历史。",
        widget=forms.TextInput(attrs={"class": "wide"}),
    )


class EditForm(SafeModelForm):
    """Base of every edit form: a copy of the row, its version and the reason."""

    version = _version_field()
    reason = _reason_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        instance = kwargs.get("instance")
        if instance is not None:
            kwargs["instance"] = copy.copy(instance)
            kwargs.setdefault("initial", {})["version"] = row_version(
                instance if instance.pk else None
            )
        super().__init__(*args, **kwargs)

    def values(self) -> dict[str, Any]:
        """The cleaned model values, without version and reason."""
        return {
            k: v for k, v in self.cleaned_data.items() if k not in {"version", "reason"}
        }


# ---------------------------------------------------------------- edit forms


class EnterpriseForm(EditForm):
    """企业基本信息. The 统一社会信用代码 is asked for only when registering."""

    class Meta:
        model = Enterprise
        fields = [
            "uscc",
            "name",
            "founded_on",
            "area",
            "registered_region",
            "industry",
            "tech_field",
            "key_industry",
            "tax_method",
            "above_scale",
            "listed",
            "joint_stock_on",
            "restricted_products",
            "niche_years",
            "strategic_emerging",
        ]
        formfield_callback = _formfield
        help_texts = {
            "uscc": "18位，登记后不可修改；可粘贴含空格或全角字符的代码。",
            "area": "只能选择您管辖范围内的街镇/园区。",
            "industry": "国民经济行业分类名称或代码。",
        }
        error_messages = {"uscc": {"unique": "该统一社会信用代码已在企业库中登记"}}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        area_field = self.fields["area"]
        area_field.queryset = Area.objects.filter(area_q(user))  # type: ignore[attr-defined]
        area_field.empty_label = "请选择"  # type: ignore[attr-defined]
        if self.instance.pk:
            del self.fields["uscc"]
        self.fields["key_industry"] = _key_industry_field(
            user, self.instance.key_industry
        )

    def clean_uscc(self) -> str:
        checked = check_uscc(self.cleaned_data.get("uscc") or "")
        if not checked.ok:
            raise ValidationError(checked.error)
        existing = Enterprise.objects.filter(uscc=checked.code)
        if existing.filter(enterprise_q(self.user)).exists():
            raise ValidationError("该统一社会信用代码已在企业库中登记")
        if existing.exists():  # another area's: say only that it cannot be used
            raise ValidationError(unusable(checked.code))
        return checked.code

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        founded, joint = data.get("founded_on"), data.get("joint_stock_on")
        if founded and founded > timezone.localdate():
            self.add_error("founded_on", "成立日期不能晚于今天")
        if founded and joint and joint < founded:
            self.add_error("joint_stock_on", "股份制改造完成日期不能早于成立日期")
        problem = key_industry_error(
            data.get("key_industry") or "",
            area=data.get("area"),
            current=self.instance.key_industry if self.instance.pk else "",
        )
        if problem:
            self.add_error("key_industry", problem)
        return data


def _key_industry_field(user: Any, current: str) -> forms.ChoiceField:
    """The 重点产业 of the user's district; a value stored before stays offered."""
    names = key_industries_for(user)
    if current and current not in names:
        names = [current, *names]
    return forms.ChoiceField(
        label="重点产业",
        required=False,
        choices=[("", "未填"), *((n, n) for n in names)],
        help_text="本区的重点产业（由区配置文件规定）。",
    )


FIGURE_FORM_FIELDS = [
    f.name
    for f in AnnualFigures._meta.concrete_fields
    if f.name not in {"id", "enterprise", "source_units", "extra"}
]


class FiguresForm(EditForm):
    """One year's figures. Blank means unknown; amounts are in 万元."""

    class Meta:
        model = AnnualFigures
        fields = FIGURE_FORM_FIELDS
        formfield_callback = _formfield

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year = self.fields["year"]
        year.required = True
        year.min_value, year.max_value = 1980, timezone.localdate().year  # type: ignore[attr-defined]
        year.help_text = "会计年度，四位数字。"
        if self.instance.pk:
            year.disabled = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        pairs = [
            ("tech_staff", "staff_total", "科技人员数不能多于职工总数"),
            ("rd_staff", "staff_total", "研发人员数不能多于职工总数"),
            ("rd_domestic", "rd_expense", "境内研发费用不能多于研发费用总额"),
        ]
        for part, whole, message in pairs:
            known = data.get(part) is not None and data.get(whole) is not None
            if known and data[part] > data[whole]:
                self.add_error(part, message)
        return data


class IntellectualPropertyForm(EditForm):
    """One patent, copyright or other IP item."""

    class Meta:
        model = IntellectualProperty
        fields = [
            "category",
            "number",
            "name",
            "granted_on",
            "acquisition",
            "status",
            "related_to_main",
            "high_value",
        ]
        formfield_callback = _formfield
        help_texts = {"number": "专利号或登记号，同一企业内不能重复。"}

    def clean_granted_on(self) -> dt.date | None:
        day = self.cleaned_data.get("granted_on")
        if day and day > timezone.localdate():
            raise ValidationError("授权日期不能晚于今天")
        return day


class QualificationForm(EditForm):
    """A qualification, award, platform or milestone."""

    class Meta:
        model = Qualification
        fields = [
            "kind",
            "level",
            "number",
            "granted_on",
            "valid_until_entered",
            "rank",
            "amount",
            "note",
        ]
        formfield_callback = _formfield
        labels = {"valid_until_entered": "有效期至"}
        help_texts = {
            "valid_until_entered": "留空则按该资质的有效期规则推算"
            "（如高新技术企业自取得之日起三年）。",
            "rank": "获奖名次、大赛奖项或标准中的角色（主导/参与）。",
            "amount": "单位：万元，例如单笔创业投资额。",
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        granted, until = data.get("granted_on"), data.get("valid_until_entered")
        if granted and until and until < granted:
            self.add_error("valid_until_entered", "有效期至不能早于取得日期")
        return data


class QualificationRevokeForm(EditForm):
    """The day a qualification was revoked (撤销)."""

    class Meta:
        model = Qualification
        fields = ["revoked_on"]
        formfield_callback = _formfield
        help_texts = {"revoked_on": "撤销后该资质仍保留在记录中，但自该日起不再有效。"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["revoked_on"].required = True

    def clean_revoked_on(self) -> dt.date | None:
        day = self.cleaned_data.get("revoked_on")
        granted = self.instance.granted_on
        if day and granted and day < granted:
            raise ValidationError("撤销日期不能早于取得日期")
        return day


class CreditRecordForm(EditForm):
    """A negative credit record."""

    class Meta:
        model = CreditRecord
        fields = ["kind", "occurred_on", "note"]
        formfield_callback = _formfield

    def clean_occurred_on(self) -> dt.date | None:
        day = self.cleaned_data.get("occurred_on")
        if day and day > timezone.localdate():
            raise ValidationError("发生日期不能晚于今天")
        return day


class ConfirmForm(SafeForm):
    """Confirms a deletion of `row`; carries its version and the reason."""

    version = _version_field()
    reason = _reason_field()

    def __init__(self, *args: Any, row: models.Model, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})["version"] = row_version(row)
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = "删除原因"


# ---------------------------------------------------------------- list filters

SORT_COLUMNS = {
    "name": ("name", "id"),
    "uscc": ("uscc",),
    "area": ("area__sort", "area__code", "name"),
    "founded_on": ("founded_on", "id"),
    "tech_field": ("tech_field", "name"),
    "key_industry": ("key_industry", "name"),
    "updated_at": ("updated_at", "id"),
}


def _sort_choices() -> list[tuple[str, str]]:
    keys = [(k, k) for k in SORT_COLUMNS]
    return [("", "默认"), *keys, *((f"-{k}", f"-{k}") for k, _ in keys)]


class EnterpriseFilterForm(SafeForm):
    """Search and filters of the enterprise list (and of its Excel download)."""

    q = forms.CharField(label="名称或信用代码", required=False, max_length=100)
    district = forms.ChoiceField(label="区", required=False, choices=[])
    area = forms.ModelChoiceField(
        label="街镇/园区",
        queryset=Area.objects.none(),
        required=False,
        empty_label="全部街镇/园区",
    )
    tech_field = forms.ChoiceField(
        label="技术领域",
        required=False,
        choices=[("", "全部技术领域"), *TechField.choices],
    )
    key_industry = forms.ChoiceField(
        label="重点产业",
        required=False,
        choices=[("", "全部重点产业")],
    )
    qualification = forms.ChoiceField(
        label="持有资质",
        required=False,
        choices=[("", "不限资质"), *QualificationKind.choices],
    )
    as_of = LooseDateField(label="资质有效日", required=False)
    year = LooseIntegerField(
        label="有年度数据", min_value=1980, max_value=2100, required=False
    )
    sort = forms.ChoiceField(label="排序", required=False, choices=_sort_choices)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # one read gives the district filter and (cached on the user) 重点产业
        self.districts = list(District.objects.filter(district_q(user, "pk")))
        areas = Area.objects.filter(area_q(user))
        picked = str(self.data.get("district", "")) if self.is_bound else ""
        if picked in {d.code for d in self.districts}:  # the city's drill-down
            areas = areas.filter(district__code=picked)
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]
        remember_key_industries(user, self.districts)
        self.fields["district"].choices = [  # type: ignore[attr-defined]
            ("", "全部区"),
            *((d.code, d.name) for d in self.districts),
        ]
        self.fields["key_industry"].choices = [  # type: ignore[attr-defined]
            ("", "全部重点产业"),
            *((n, n) for n in key_industries_for(user)),
        ]
        self.fields["year"].widget.attrs.update(placeholder="如 2019", size=6)
        self.fields["as_of"].widget.attrs.update(placeholder="默认今天")


def valid_on_q(day: dt.date, prefix: str = "") -> Q:
    """Qualifications held on `day` (Qualification.is_valid_on as a query)."""
    return (
        Q(**{f"{prefix}granted_on__lte": day})
        & (
            Q(**{f"{prefix}valid_until__isnull": True})
            | Q(**{f"{prefix}valid_until__gte": day})
        )
        & (
            Q(**{f"{prefix}revoked_on__isnull": True})
            | Q(**{f"{prefix}revoked_on__gt": day})
        )
    )


@dataclass
class EnterpriseSearch:
    """The filter form as understood, the day validity is judged on, and the rows."""

    form: EnterpriseFilterForm
    as_of: dt.date
    sort: str
    enterprises: QuerySet[Enterprise]


def enterprise_search(user: Any, params: Mapping[str, Any]) -> EnterpriseSearch:
    """The user's enterprises narrowed by the list filters; invalid filters are
    reported on the form and ignored (the result never leaves the user's scope)."""
    form = EnterpriseFilterForm(params, user=user)
    form.is_valid()
    data = form.cleaned_data
    as_of = data.get("as_of") or business_today()
    rows = enterprise_list_for(user)
    text = (data.get("q") or "").strip()
    if text:
        code = normalise_uscc(text)
        rows = rows.filter(Q(name__icontains=text) | Q(uscc__contains=code))
    if data.get("district"):
        rows = rows.filter(area__district__code=data["district"])
    for name in ("area", "tech_field", "key_industry"):
        if data.get(name):
            rows = rows.filter(**{name: data[name]})
    if data.get("qualification"):
        # An IN list, not a correlated EXISTS: SQLite would walk the (kind,
        # granted_on) index once per enterprise (4 s at 5 000 enterprises).
        held = Qualification.objects.filter(
            valid_on_q(as_of), kind=data["qualification"]
        )
        rows = rows.filter(pk__in=held.values("enterprise_id"))
    if data.get("year"):
        has_year = AnnualFigures.objects.filter(
            enterprise=OuterRef("pk"), year=data["year"]
        )
        rows = rows.filter(Exists(has_year))
    sort = data.get("sort") or "name"
    order = SORT_COLUMNS[sort.lstrip("-")]
    if sort.startswith("-"):
        order = tuple(f"-{o}" for o in order)
    return EnterpriseSearch(form, as_of, sort, rows.order_by(*order))
