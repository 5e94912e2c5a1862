"""Input shapes of 组织保障 pages: a work-plan task, a 指挥部 member."""

from __future__ import annotations

from typing import Any

from django import forms

from keqi.accounts.models import Unit
from keqi.accounts.scopes import district_q
from keqi.campaign.models import HqMember, Plan, UnitWorkTask, WorkTaskStatus
from keqi.core.forms import SafeForm, SafeModelForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class WorkTaskForm(SafeModelForm):
    """A task of the unit's own work plan."""

    class Meta:
        model = UnitWorkTask
        fields = (
            "title",
            "measure",
            "route",
            "person",
            "starts_on",
            "due_on",
            "status",
            "done_on",
            "note",
        )
        widgets = {
            "starts_on": DATE,
            "due_on": DATE,
            "done_on": DATE,
            "route": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "person": "责任具体到人：写姓名（可加职务）",
            "measure": "方案第四部分的哪一条工作措施（可不选）",
        }

    def __init__(self, *args: Any, plan: Plan, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["measure"].queryset = plan.measures.all()  # type: ignore[attr-defined]

    def _post_clean(self) -> None:
        # The service checks the rules and validates the row with its plan and unit.
        pass


class WorkTaskFilter(SafeForm):
    """Filters of the work-plan list."""

    unit = forms.ModelChoiceField(
        label="单位", queryset=Unit.objects.none(), required=False, empty_label="全部"
    )
    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[("", "全部"), *WorkTaskStatus.choices, ("overdue", "已逾期")],
    )


class HqMemberForm(SafeModelForm):
    """A member of the 指挥部."""

    class Meta:
        model = HqMember
        fields = ("unit", "name", "post", "role", "phone", "note")

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user is not None:  # the units of the user's district only
            units = Unit.objects.filter(district_q(user)).order_by("sort", "code")
            self.fields["unit"].queryset = units  # type: ignore[attr-defined]

    def _post_clean(self) -> None:
        pass
