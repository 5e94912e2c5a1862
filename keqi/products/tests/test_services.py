"""Recording products and transformations: the rules in words, scope, audit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from keqi.core.models import AuditEvent
from keqi.core.testing import make_enterprise
from keqi.products.models import Product, Transformation
from keqi.products.models import TransformationKind as T
from keqi.products.services import product_save, record_delete, transformation_save
from keqi.products.tests.helpers import add_product, add_transformation

pytestmark = pytest.mark.django_db
D = dt.date


def _events(row: object, action: str) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            action=action,
            target_id=str(row.pk),  # type: ignore[attr-defined]
        )
    )


def test_a_product_is_recorded_with_its_audit_row_under_the_enterprise(hq) -> None:
    e = make_enterprise()
    product = add_product(e, actor=hq)
    [event] = _events(product, "product.create")
    assert event.actor == hq
    assert event.subject == f"enterprise:{e.pk}"
    assert event.changes["name"] == [None, "高精度伺服控制器"]


def test_a_change_is_audited_with_old_and_new_and_no_change_writes_nothing(
    hq,
) -> None:
    product = add_product(make_enterprise(), actor=hq)
    saved = product_save(values={"name": "伺服控制器Ⅱ"}, actor=hq, row=product)
    assert saved.outcome == "updated"
    [event] = _events(product, "product.update")
    assert event.changes == {"name": ["高精度伺服控制器", "伺服控制器Ⅱ"]}
    again = product_save(values={"name": "伺服控制器Ⅱ"}, actor=hq, row=product)
    assert again.outcome == "unchanged"
    assert len(_events(product, "product.update")) == 1


def test_a_delete_keeps_every_value_in_the_audit_trail(hq) -> None:
    row = add_transformation(
        make_enterprise(), kind=T.TECH_UPGRADE, amount=Decimal("350.25")
    )
    pk = row.pk
    record_delete(row=row, actor=hq, reason="重复登记")
    assert not Transformation.objects.filter(pk=pk).exists()
    event = AuditEvent.objects.get(action="transformation.delete", target_id=str(pk))
    assert event.changes["amount"] == ["350.25", None]
    assert event.reason == "重复登记"


def test_tech_upgrade_needs_an_exact_positive_amount() -> None:
    e = make_enterprise()
    with pytest.raises(ValidationError) as missing:
        add_transformation(e, kind=T.TECH_UPGRADE, amount=None)
    assert "须填写投入金额" in str(missing.value)
    with pytest.raises(ValidationError) as zero:
        add_transformation(e, kind=T.TECH_UPGRADE, amount=Decimal(0))
    assert "须大于0" in str(zero.value)
    row = add_transformation(e, kind=T.TECH_UPGRADE, amount=Decimal("1234.56"))
    row.refresh_from_db()
    assert row.amount == Decimal("1234.56")


def test_other_kinds_carry_no_amount() -> None:
    with pytest.raises(ValidationError) as exc:
        add_transformation(make_enterprise(), kind=T.CLOUD, amount=Decimal(5))
    assert "只有“技改投入”填写金额" in str(exc.value)


def test_the_completion_date_lies_in_the_year() -> None:
    values = {
        "enterprise": make_enterprise(),
        "kind": T.AI_PLUS,
        "year": 2019,
        "completed_on": D(2020, 1, 3),
        "description": "机器视觉质检",
    }
    with pytest.raises(ValidationError) as exc:
        transformation_save(values=values, actor=None)
    assert exc.value.message_dict["completed_on"] == ["完成日期应在2019年内"]
    assert not Transformation.objects.exists()


def test_the_same_product_twice_is_refused_in_chinese() -> None:
    e = make_enterprise()
    add_product(e)
    with pytest.raises(ValidationError) as exc:
        add_product(e)
    assert "已登记同类型、同名称" in str(exc.value)
    assert Product.objects.count() == 1


def test_a_town_cannot_record_for_another_towns_enterprise(town_b) -> None:
    other = make_enterprise("dakoutun")
    with pytest.raises(PermissionDenied):
        add_product(other, actor=town_b)
    assert not Product.objects.exists()


def test_a_town_cannot_change_or_delete_another_towns_record(town_b) -> None:
    row = add_product(make_enterprise("dakoutun"))
    with pytest.raises(PermissionDenied):
        product_save(values={"name": "改名"}, actor=town_b, row=row)
    with pytest.raises(PermissionDenied):
        record_delete(row=row, actor=town_b)
    assert Product.objects.get().name == "高精度伺服控制器"


@pytest.mark.parametrize("name", ["leader"])
def test_read_only_roles_cannot_record(name: str, leader) -> None:
    with pytest.raises(PermissionDenied):
        add_product(make_enterprise(), actor=leader)


def test_the_member_unit_records_for_any_enterprise(member) -> None:
    product = add_product(make_enterprise("koudong"), actor=member)
    assert product.pk is not None
