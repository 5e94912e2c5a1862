"""Editing one existing IP item, qualification or credit record by id, and revoking
a qualification: audited, scoped, and refusing clashes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from keqi.core.audit import AuditAction
from keqi.core.models import AuditEvent
from keqi.core.testing import make_enterprise, persona
from keqi.registry.models import Enterprise, Qualification
from keqi.registry.services import (
    credit_record_update,
    credit_record_upsert,
    ip_update,
    ip_upsert,
    qualification_revoke,
    qualification_update,
    qualification_upsert,
)


@pytest.fixture
def firm(db: Any) -> Enterprise:
    return make_enterprise("dakoutun")


def high_tech(firm: Enterprise, number: str = "GR1") -> Qualification:
    return qualification_upsert(
        enterprise=firm,
        kind="高新技术企业",
        values={"number": number, "granted_on": dt.date(2019, 11, 28)},
        actor=None,
    ).row


def test_ip_update_changes_the_number_and_audits_it(firm: Enterprise) -> None:
    item = ip_upsert(
        enterprise=firm, number="ZL1", values={"category": "发明专利"}, actor=None
    ).row
    done = ip_update(
        item=item, values={"number": "ZL2"}, actor=persona("town_a"), reason="录错"
    )
    assert done.outcome == "updated"
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.reason, event.subject) == (
        AuditAction.IP_UPDATE,
        "录错",
        firm.subject,
    )
    assert event.changes == {"number": ["ZL1", "ZL2"]}


def test_ip_update_refuses_a_number_the_enterprise_already_has(
    firm: Enterprise,
) -> None:
    for number in ("ZL1", "ZL2"):
        ip_upsert(
            enterprise=firm, number=number, values={"category": "发明专利"}, actor=None
        )
    item = firm.ip_items.get(number="ZL2")
    with pytest.raises(ValidationError):
        ip_update(item=item, values={"number": "ZL1"}, actor=None)


def test_qualification_update_derives_the_end_date_again(firm: Enterprise) -> None:
    row = high_tech(firm)
    qualification_update(
        qualification=row, values={"granted_on": dt.date(2020, 1, 1)}, actor=None
    )
    row.refresh_from_db()
    assert row.valid_until == dt.date(2022, 12, 31)


def test_qualification_update_refuses_a_duplicate_number(firm: Enterprise) -> None:
    high_tech(firm, "GR1")
    second = high_tech(firm, "GR2")
    with pytest.raises(ValidationError):
        qualification_update(qualification=second, values={"number": "GR1"}, actor=None)


def test_revoking_records_the_day_and_is_audited(firm: Enterprise) -> None:
    row = high_tech(firm)
    qualification_revoke(
        qualification=row,
        revoked_on=dt.date(2020, 6, 30),
        actor=persona("hq"),
        reason="复核不合格",
    )
    row.refresh_from_db()
    assert row.is_valid_on(dt.date(2020, 6, 29))
    assert not row.is_valid_on(dt.date(2020, 6, 30))
    event = AuditEvent.objects.latest("id")
    assert event.changes == {"revoked_on": [None, "2020-06-30"]}


def test_a_leader_cannot_revoke(firm: Enterprise) -> None:
    row = high_tech(firm)
    with pytest.raises(PermissionDenied):
        qualification_revoke(
            qualification=row, revoked_on=dt.date(2020, 6, 30), actor=persona("leader")
        )


def test_another_town_cannot_edit_a_credit_record(firm: Enterprise) -> None:
    record = credit_record_upsert(
        enterprise=firm,
        kind="经营异常名录",
        occurred_on=dt.date(2020, 3, 1),
        values={},
        actor=None,
    ).row
    with pytest.raises(PermissionDenied):
        credit_record_update(
            record=record, values={"note": "越权"}, actor=persona("town_b")
        )
    record.refresh_from_db()
    assert record.note == ""
