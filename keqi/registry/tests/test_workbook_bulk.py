"""registry_rows_create: the import's fast path audits exactly like the upserts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from keqi.accounts.models import Area
from keqi.core.models import AuditEvent
from keqi.core.testing import load_baodi, make_enterprise, next_uscc
from keqi.registry import services
from keqi.registry.models import (
    AnnualFigures,
    CreditRecord,
    Enterprise,
    IntellectualProperty,
    Qualification,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def areas(db: None) -> None:
    load_baodi()


def last_event(subject: str) -> AuditEvent:
    event = AuditEvent.objects.filter(subject=subject).order_by("-id").first()
    assert event is not None
    return event


def test_bulk_created_enterprises_are_audited_like_an_upsert() -> None:
    area = Area.objects.get(code="koudong")
    values: dict[str, Any] = {
        "name": "甲公司",
        "founded_on": dt.date(2015, 1, 2),
        "area": area,
        "listed": True,
        "extra": {"上市板块": "新三板"},
    }
    one = services.enterprise_upsert(uscc=next_uscc(), values=values, actor=None)
    [many] = services.registry_rows_create(
        items=[(Enterprise(uscc=next_uscc()), values)], actor=None, reason="r"
    )
    first, second = last_event(one.row.subject), last_event(many.row.subject)
    assert (first.action, first.target_type) == (second.action, second.target_type)
    strip = {k: v for k, v in first.changes.items() if k != "uscc"}
    assert strip == {k: v for k, v in second.changes.items() if k != "uscc"}
    assert second.changes["uscc"] == [None, many.row.uscc]
    assert second.reason == "r"


@pytest.mark.parametrize(
    ("make_row", "upsert"),
    [
        (
            lambda e: AnnualFigures(enterprise=e, year=2018),
            lambda e, v: services.figures_upsert(
                enterprise=e, year=2018, values=v, actor=None
            ),
        ),
        (
            lambda e: Qualification(enterprise=e, kind="高新技术企业"),
            lambda e, v: services.qualification_upsert(
                enterprise=e, kind="高新技术企业", values=v, actor=None
            ),
        ),
        (
            lambda e: IntellectualProperty(enterprise=e, number="ZL1"),
            lambda e, v: services.ip_upsert(
                enterprise=e, number="ZL1", values=v, actor=None
            ),
        ),
        (
            lambda e: CreditRecord(
                enterprise=e, kind="经营异常名录", occurred_on=dt.date(2018, 1, 1)
            ),
            lambda e, v: services.credit_record_upsert(
                enterprise=e,
                kind="经营异常名录",
                occurred_on=dt.date(2018, 1, 1),
                values=v,
                actor=None,
            ),
        ),
    ],
)
def test_bulk_created_rows_match_what_the_upsert_stores_and_records(
    make_row: Any, upsert: Any
) -> None:
    values_by_model: dict[type, dict[str, Any]] = {
        AnnualFigures: {"sales_revenue": Decimal("12.500000"), "staff_total": 8},
        Qualification: {"number": "GR1", "granted_on": dt.date(2018, 11, 30)},
        IntellectualProperty: {"category": "发明专利", "status": "有效"},
        CreditRecord: {"note": "已移出"},
    }
    a, b = make_enterprise(), make_enterprise()
    row = make_row(b)
    values = values_by_model[type(row)]
    upsert(a, values)
    services.registry_rows_create(items=[(row, values)], actor=None)
    first, second = last_event(a.subject), last_event(b.subject)
    assert first.action == second.action
    assert first.changes == second.changes
    assert first.target_repr.split(" ")[-1] == second.target_repr.split(" ")[-1]
    if isinstance(row, Qualification):
        assert row.valid_until == dt.date(2021, 11, 29)


def test_a_town_user_cannot_bulk_create_in_another_town(town_a) -> None:  # type: ignore[no-untyped-def]
    other = make_enterprise(area="koudong")
    with pytest.raises(PermissionDenied):
        services.registry_rows_create(
            items=[(AnnualFigures(enterprise=other, year=2018), {})], actor=town_a
        )
    elsewhere = Enterprise(uscc=next_uscc())
    values = {"name": "乙", "founded_on": dt.date(2015, 1, 1), "area": other.area}
    with pytest.raises(PermissionDenied):
        services.registry_rows_create(items=[(elsewhere, values)], actor=town_a)
    assert not AnnualFigures.objects.exists()


def test_bulk_updates_are_audited_like_an_upsert_and_skip_unchanged_rows() -> None:
    a, b = make_enterprise(), make_enterprise()
    for e in (a, b):
        services.figures_upsert(
            enterprise=e, year=2018, values={"staff_total": 8}, actor=None
        )
    services.figures_upsert(
        enterprise=a, year=2018, values={"staff_total": 9}, actor=None
    )
    row = AnnualFigures.objects.get(enterprise=b)
    [done] = services.registry_rows_update(
        items=[(row, {"staff_total": 9})], actor=None
    )
    assert done.outcome == "updated"
    assert last_event(a.subject).changes == last_event(b.subject).changes
    assert last_event(b.subject).action == "figures.update"
    count = AuditEvent.objects.count()
    [same] = services.registry_rows_update(
        items=[(row, {"staff_total": 9})], actor=None
    )
    assert same.outcome == "unchanged" and AuditEvent.objects.count() == count
    assert AnnualFigures.objects.get(enterprise=b).staff_total == 9


def test_a_town_user_cannot_move_an_enterprise_out_by_bulk_update(town_a) -> None:  # type: ignore[no-untyped-def]
    mine = make_enterprise(area="dakoutun")
    away = Area.objects.get(code="koudong")
    with pytest.raises(PermissionDenied):
        services.registry_rows_update(items=[(mine, {"area": away})], actor=town_a)
    assert Enterprise.objects.get(pk=mine.pk).area.code == "dakoutun"
