"""The partners demo data: some of each, written once, so every page has content."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from keqi.core.demo.generator import CONFIG, build_dataset
from keqi.core.demo.load import demo_load as registry_demo_load
from keqi.core.models import AuditEvent
from keqi.core.testing import load_baodi, persona
from keqi.partners.demo import demo_load
from keqi.partners.models import (
    CooperationProject,
    Event,
    FinanceRecord,
    Lead,
    ServiceEntry,
    Trademark,
)
from keqi.partners.models_plan import (
    Alliance,
    Carrier,
    CarrierSettlement,
    CivMilProject,
    OverseasStation,
    StandardWork,
)

AS_OF = dt.date(2019, 9, 30)


@pytest.fixture
def demo(db, settings):  # type: ignore[no-untyped-def]
    settings.KEQI_BUSINESS_DATE = AS_OF
    load_baodi()
    registry_demo_load(build_dataset(CONFIG.scaled(60)))
    return demo_load(AS_OF)


def test_the_demo_writes_some_of_each(demo) -> None:  # type: ignore[no-untyped-def]
    assert Event.objects.values("topic").distinct().count() == 3
    assert set(Lead.objects.values_list("stage", flat=True)) == {
        "已接洽", "已考察", "已签约", "已落地"
    }  # fmt: skip
    assert CooperationProject.objects.count() == 5
    assert FinanceRecord.objects.filter(kind="创业投资").exists()
    assert Trademark.objects.filter(well_known=True).count() == 2
    assert ServiceEntry.objects.values("unit").distinct().count() >= 5
    assert "合作服务演示数据" in demo[0]


def test_a_second_demo_run_changes_nothing(demo) -> None:  # type: ignore[no-untyped-def]
    before = AuditEvent.objects.count()
    lines = demo_load(AS_OF)
    assert AuditEvent.objects.count() == before
    assert "新建 0、更新 0" in lines[0] and "更新 1" not in lines[0]


def test_every_demo_page_shows_real_content(demo) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(persona("hq"))
    expected = {
        "index": "逾期未办结的跟进事项",
        "leads": "北京智造云科技有限公司",
        "events": "宝坻区科技型企业银企对接会",
        "projects": "高效电机驱动控制技术联合研发",
        "institutions": "中国科学院电工研究所",
        "finance": "津宝创业投资有限公司",
        "trademarks": "驰名",
        "services": "新厂房用电增容审批进度慢",
        "overdue": "新厂房用电增容审批进度慢",
    }
    for slug, text in expected.items():
        page = client.get(reverse(f"partners:{slug}")).content.decode()
        assert text in page, slug
    assert "暂无" not in client.get(reverse("partners:overdue")).content.decode()


def test_the_demo_fills_every_plan_item_list(demo) -> None:  # type: ignore[no-untyped-def]
    assert Carrier.objects.count() == 3 and OverseasStation.objects.count() == 3
    settled = CarrierSettlement.objects.all()
    assert settled.count() == 13 and settled.filter(left_on__isnull=False).count() == 1
    assert Alliance.objects.count() == 2
    assert set(StandardWork.objects.values_list("stage", flat=True)) == {
        "立项", "起草", "发布"
    }  # fmt: skip
    assert CivMilProject.objects.count() == 3
    beijing = OverseasStation.objects.get(name="驻北京招商工作站")
    assert beijing.carrier is not None and beijing.carrier.name == "京津中关村科技城"
    assert "载体新建 3" in demo[0] and "军民融合项目新建 3" in demo[0]
    client = Client()
    client.force_login(persona("hq"))
    expected = {
        "alliances": "宝坻区石墨烯产业技术创新战略联盟",
        "carriers": "京津中关村科技城",
        "settlements": "2019-09-02",  # the one that left
        "stations": "驻深圳招商工作站",
        "standards": "石墨烯导热膜 热扩散系数测试方法",
        "civmil": "高可靠伺服电机军用技术转民用",
    }
    for kind, text in expected.items():
        page = client.get(reverse("partners:plan_list", args=[kind]))
        assert text in page.content.decode(), kind
