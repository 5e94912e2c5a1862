"""Every partners service writes its audit row, labelled in Chinese, in the same
transaction; a save that changes nothing writes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from keqi.core.audit import ACTION_LABELS
from keqi.core.models import AuditEvent
from keqi.core.testing import make_enterprise
from keqi.partners import services
from keqi.partners.leads import lead_create, lead_update
from keqi.partners.models import Institution
from keqi.partners.services import PartnersAction

pytestmark = pytest.mark.django_db
D = dt.date(2019, 5, 1)


def test_every_action_has_a_chinese_label() -> None:
    actions = [v for k, v in vars(PartnersAction).items() if k.isupper()]
    assert all(ACTION_LABELS.get(a, a) != a for a in actions)


def cases() -> list[
    tuple[str, Callable[..., Any], Callable[..., Any], Callable[[], dict[str, Any]]]
]:
    firm = make_enterprise
    return [
        ("institution", services.institution_create, services.institution_update,
         lambda: {"name": "天津大学", "kind": "高校"}),
        ("partner_event", services.event_create, services.event_update,
         lambda: {"topic": "金融", "kind": "银企对接会", "name": "对接会", "held_on": D,
                  "participants": [firm()]}),
        ("lead", lead_create, lead_update,
         lambda: {"company": "甲", "source": "展会", "contacted_on": D}),
        ("coop_project", services.project_create, services.project_update,
         lambda: {"title": "项目", "institution": Institution.objects.first(),
                  "enterprises": [firm()], "started_on": D}),
        ("finance_record", services.finance_record_create, services.finance_record_update,
         lambda: {"enterprise": firm(), "kind": "银行贷款", "provider": "银行",
                  "amount": Decimal("1"), "on": D}),
        ("trademark", services.trademark_create, services.trademark_update,
         lambda: {"enterprise": firm(), "number": "1", "nice_class": 1, "registered_on": D}),
        ("service_entry", services.service_entry_create, services.service_entry_update,
         lambda: {"enterprise": firm(), "kind": "走访", "on": D, "asked": "诉求"}),
    ]  # fmt: skip


@pytest.mark.parametrize("index", range(7))
def test_create_and_update_are_audited_and_a_no_op_is_not(index: int, member) -> None:
    noun, create, update, values = cases()[index]
    data = values()
    key = "promised" if noun == "service_entry" else "note"  # it has no 说明
    row = create(values=data, actor=member)
    created = AuditEvent.objects.get(action=f"{noun}.create")
    assert created.target_id == str(row.pk) and created.actor == member
    assert update(row=row, values=data, actor=member).outcome == "unchanged"
    assert (
        update(row=row, values={**data, key: "补充说明"}, actor=member).outcome
        == "updated"
    )
    changed = AuditEvent.objects.get(action=f"{noun}.update")
    assert changed.changes == {key: ["", "补充说明"]}
    assert AuditEvent.objects.filter(action__startswith=f"{noun}.").count() == 2
