"""Input shapes of the funds pages, with Chinese errors; the services check again."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from keqi.accounts.models import Area
from keqi.accounts.scopes import area_q
from keqi.core.forms import SafeForm
from keqi.core.numbers import parse_date, parse_decimal
from keqi.funds.access import fund_q
from keqi.funds.models import (
    AmountSource,
    AwardRule,
    AwardType,
    Fund,
    Payer,
    TriggerEvent,
)
from keqi.funds.money import checked_percent, checked_yuan
from keqi.registry.models import QualificationKind, QualificationLevel


class YuanField(forms.CharField):
    """An amount in 元 (1,234.5 or full-width digits), at most two decimal places."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "class": "num"})

    def __init__(self, *, positive: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.positive = positive

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        try:
            number = parse_decimal(super().to_python(value))
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc
        if number is None:
            return None
        if number < 0:
            raise ValidationError("金额不能为负数")
        return checked_yuan(number, "金额", positive=self.positive)


class PercentField(forms.CharField):
    """A percentage 0–100 with at most two decimal places."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "class": "num"})

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        try:
            number = parse_decimal(super().to_python(value))
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc
        return None if number is None else checked_percent(number)


class DayField(forms.CharField):
    """A date typed as 2019-12-20, 2019/12/20 or 2019年12月20日."""

    widget = forms.TextInput(attrs={"class": "date", "placeholder": "如 2019-12-20"})

    def to_python(self, value: Any) -> dt.date | None:  # type: ignore[override]
        try:
            return parse_date(super().to_python(value))
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


def _blank_first(choices: Any, label: str) -> list[tuple[str, str]]:
    return [("", label), *((str(v), str(t)) for v, t in choices)]


class DistrictForm(SafeForm):
    """A form whose fund, rule and area choices are the user's district's only
    (the services refuse another district's anyway; the lists should not offer it)."""

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        narrowed = {
            "fund": Fund.objects.filter(fund_q(user)),
            "rule": AwardRule.objects.filter(fund_q(user, "fund__")),
            "area": Area.objects.filter(area_q(user)) if user else Area.objects.all(),
        }
        for name, rows in narrowed.items():
            field = self.fields.get(name)
            if isinstance(field, forms.ModelChoiceField):
                field.queryset = rows


class RuleForm(DistrictForm):
    """An award rule; amounts the plan does not state are entered and labelled."""

    name = forms.CharField(label="奖励名称", max_length=100)
    award_type = forms.ChoiceField(label="奖励类型", choices=AwardType.choices)
    fund = forms.ModelChoiceField(
        label="资金来源", queryset=Fund.objects.all(), empty_label=None
    )
    trigger_kind = forms.ChoiceField(
        label="触发资质类型",
        required=False,
        choices=_blank_first(QualificationKind.choices, "（不触发：只接受申请）"),
        help_text="选定后，企业库中取得该资质的企业自动成为候选（免申即享）",
    )
    trigger_level = forms.ChoiceField(
        label="资质级别",
        required=False,
        choices=_blank_first(QualificationLevel.choices, "（任何级别）"),
    )
    trigger_event = forms.ChoiceField(
        label="触发事项",
        required=False,
        choices=_blank_first(TriggerEvent.choices, "（不按事项触发）"),
        help_text="不按资质、按企业库中的事项生成候选，例如雏鹰企业取得银行贷款"
        "（依据科技金融台账，每家企业一次）；与触发资质类型二选一",
    )
    first_time_only = forms.BooleanField(label="仅限首次取得", required=False)
    amount = YuanField(label="奖励金额（元）")
    amount_source = forms.ChoiceField(
        label="金额来源",
        choices=AmountSource.choices,
        initial=AmountSource.HQ,
        help_text="实施方案未规定奖励金额；文件未规定的，选“指挥部录入”，页面和公示都会注明",
    )
    effective_from = DayField(label="生效日期")
    effective_to = DayField(label="失效日期", required=False)
    basis_document = forms.CharField(label="依据文件（名称及文号）", max_length=300)
    basis_article = forms.CharField(label="依据条款", max_length=100)
    basis_text = forms.CharField(
        label="条款原文", widget=forms.Textarea(attrs={"rows": 3})
    )
    note = forms.CharField(label="说明", max_length=500, required=False)
    reason = forms.CharField(label="修改原因", max_length=500, required=False)

    @classmethod
    def initial_for(cls, rule: AwardRule) -> dict[str, Any]:
        names = [n for n in cls.base_fields if n != "reason"]
        values = {n: getattr(rule, n) for n in names}
        values["fund"] = rule.fund_id
        for name in ("effective_from", "effective_to"):
            values[name] = values[name].isoformat() if values[name] else ""
        return values


class ApplicationForm(DistrictForm):
    """An application entered for an enterprise (by its USCC)."""

    uscc = forms.CharField(label="统一社会信用代码", max_length=18)
    rule = forms.ModelChoiceField(label="奖励规则", queryset=AwardRule.objects.all())
    year = forms.IntegerField(label="奖励年度", min_value=2000, max_value=2100)
    evidence_number = forms.CharField(
        label="证书编号/文号", max_length=60, required=False
    )
    evidence_date = DayField(label="取得（认定、立项）日期")
    evidence_note = forms.CharField(
        label="申请材料说明（判定依据）",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PaymentForm(SafeForm):
    amount = YuanField(label="拨付金额（元）")
    entry_date = DayField(label="拨付日期")
    payer = forms.ChoiceField(label="拨付方", choices=Payer.choices)
    voucher = forms.CharField(label="凭证号/拨付文号", max_length=60, required=False)
    note = forms.CharField(label="说明", max_length=500, required=False)
    over_budget_reason = forms.CharField(
        label="超预算原因",
        max_length=500,
        required=False,
        help_text="本次拨付使该资金超出年度预算时必填",
    )


class ReverseForm(SafeForm):
    reason = forms.CharField(label="冲销原因", max_length=500)
    entry_date = DayField(label="冲销日期", required=False, help_text="空白为今天")


class ReasonForm(SafeForm):
    reason = forms.CharField(label="原因", max_length=500)


class NoticeForm(SafeForm):
    title = forms.CharField(label="公示标题", max_length=200)
    starts_on = DayField(label="公示开始日期")
    ends_on = DayField(label="公示截止日期")
    note = forms.CharField(label="公示说明", required=False, widget=forms.Textarea)


class RatioForm(DistrictForm):
    area = forms.ModelChoiceField(label="街镇/园区", queryset=Area.objects.all())
    award_type = forms.ChoiceField(label="奖励类型", choices=AwardType.choices)
    area_percent = PercentField(label="街镇/园区负担比例（%）")
    reason = forms.CharField(label="依据或原因", max_length=500, required=False)


class BudgetForm(DistrictForm):
    fund = forms.ModelChoiceField(label="资金", queryset=Fund.objects.all())
    amount = YuanField(label="预算金额（元）", positive=False)
    reason = forms.CharField(label="依据或原因", max_length=500, required=False)
