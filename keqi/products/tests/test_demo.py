"""The products demo: records for the demo enterprises, written once."""

from __future__ import annotations

import pytest

from keqi.core.models import AuditEvent
from keqi.core.testing import make_enterprise
from keqi.products.demo import demo_load
from keqi.products.models import Product, Transformation

pytestmark = pytest.mark.django_db


def test_the_demo_writes_its_records_once_as_the_system() -> None:
    for n in range(40):
        make_enterprise(["dakoutun", "koudong", "bdkfq"][n % 3])
    lines = demo_load(None)
    assert lines == [
        "产品与转型：新建产品与品牌 10 条、创新转型 28 条（共 10 条、28 条）"
    ]
    assert Transformation.objects.values("enterprise").distinct().count() == 28
    events = AuditEvent.objects.filter(
        action__in=["product.create", "transformation.create"]
    )
    assert events.count() == 38 and not events.exclude(actor=None).exists()
    before = AuditEvent.objects.count()
    assert demo_load(None)[0].startswith(
        "产品与转型：新建产品与品牌 0 条、创新转型 0 条"
    )
    assert AuditEvent.objects.count() == before
    assert Product.objects.count() == 10


def test_an_empty_registry_gets_no_demo_records() -> None:
    assert demo_load(None) == ["产品与转型：企业库为空，未生成演示记录"]
