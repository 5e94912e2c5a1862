"""The shapes of the account pages' input; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password

from keqi.accounts.models import ADMIN_ROLES, Role, Unit
from keqi.accounts.policy import security_policy
from keqi.core.forms import SafeForm
from keqi.core.text_safety import control_character_error

BUSINESS_ROLES = [(v, label) for v, label in Role.choices if v not in ADMIN_ROLES]


def _clean_text(value: str, label: str) -> str:
    problem = control_character_error(value)
    if problem:
        raise forms.ValidationError(f"{label}{problem}")
    return value.strip()


class PasswordChangeForm(SafeForm):
    old_password = forms.CharField(
        label="原密码",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label="新密码",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password_again = forms.CharField(
        label="再次输入新密码",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        policy = security_policy()
        self.fields["new_password"].help_text = (
            f"至少 {policy.password_min_length} 位，包含大写字母、小写字母、数字、"
            f"符号中的至少三类，不能与最近 {policy.password_history} 次用过的密码相同。"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password") != data.get("new_password_again"):
            self.add_error("new_password_again", "两次输入的新密码不一致。")
        return data


class UserCreateForm(SafeForm):
    username = forms.CharField(
        label="用户名",
        max_length=150,
        help_text="登录时输入，建议用姓名拼音；大小写、全角半角视为相同。",
    )
    full_name = forms.CharField(label="姓名", max_length=40)
    unit = forms.ModelChoiceField(
        label="所属单位",
        queryset=Unit.objects.select_related("area"),
        help_text="街镇/园区工作人员请选本街镇/园区的单位，其所辖区域即其数据范围。",
    )
    role = forms.ChoiceField(label="角色", choices=BUSINESS_ROLES)
    password = forms.CharField(
        label="初始密码",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    reason = forms.CharField(
        label="原因",
        max_length=500,
        help_text="如“新入职，负责企业库维护”，记入操作记录。",
    )

    def __init__(self, *args: Any, actor: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.label_from_instance = _unit_label  # type: ignore[assignment]
        district = getattr(getattr(actor, "unit", None), "district_id", None)
        if district is not None:  # a district's administrator: its units only
            unit_field.queryset = Unit.objects.select_related("area").filter(
                district_id=district
            )
        self.fields["password"].help_text = (
            f"至少 {security_policy().password_min_length} 位，包含大写字母、小写字母、"
            "数字、符号中的至少三类；本人首次登录时须修改。"
        )

    def clean_username(self) -> str:
        return _clean_text(self.cleaned_data["username"], "用户名")

    def clean_full_name(self) -> str:
        return _clean_text(self.cleaned_data["full_name"], "姓名")

    def clean_password(self) -> str:
        """The policy's length and classes at once with the other fields' errors."""
        password: str = self.cleaned_data["password"]
        validate_password(password)
        return password

    def clean_reason(self) -> str:
        return _clean_text(self.cleaned_data["reason"], "原因")


def _unit_label(unit: Unit) -> str:
    area = f"（{unit.area}）" if unit.area_id else ""
    return f"{unit.name}{area}"


class ReasonForm(SafeForm):
    reason = forms.CharField(label="原因", max_length=500)

    def clean_reason(self) -> str:
        return _clean_text(self.cleaned_data["reason"], "原因")


class PasswordResetForm(ReasonForm):
    password = forms.CharField(
        label="临时密码",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="告知本人后，本人下次登录时须修改。",
    )


class PolicyForm(ReasonForm):
    """A new value for one security policy (the service checks its bounds)."""

    value = forms.CharField(label="新值", max_length=20)

    field_order = ["value", "reason"]
