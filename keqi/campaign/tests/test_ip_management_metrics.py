"""规范知识产权管理 (重点任务（一）1) counted live from the registry's
知识产权管理体系认证 records: never typed, confined to the plan's district, and
shown on the 商标与知识产权 page with the records behind it, scoped."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from keqi.accounts.models import District
from keqi.accounts.services import district_config_load, district_init
from keqi.campaign.metrics import METRICS
from keqi.campaign.planfile import PlanFileError, plan_file_read
from keqi.campaign.services import plan_file_load
from keqi.campaign.tests.helpers import BAODI
from keqi.core.dates import business_today
from keqi.core.testing import load_baodi, make_enterprise, persona
from keqi.cultivation.tests.helpers import grant
from keqi.registry.models import QualificationKind as K

pytestmark = pytest.mark.django_db
D = dt.date
NEW, HELD = METRICS["ip_management_in_year"], METRICS["ip_management_held"]

TARGET = """  - key: ip-management
    name: 通过知识产权管理体系认证企业
    value: 12
    unit: 家
    deadline: 2019-12-31
    deadline_text: 年内
    source: {source}
    responsible: [scjgj]
    plan_text: 加快知识产权强企建设，规范企业知识产权管理
"""


def _plan_file(folder: Path, source: str) -> Path:
    text = BAODI.read_text(encoding="utf-8")
    block = TARGET.format(source=source)
    if source == "auto":
        block += "    metric: ip_management_in_year\n"
    path = folder / "baodi-2019.yaml"
    path.write_text(text.replace("\nmeasures:", block + "\nmeasures:", 1), "utf-8")
    return path


def test_a_plan_cannot_have_units_type_it(tmp_path: Path) -> None:
    load_baodi()
    with pytest.raises(PlanFileError) as exc:
        plan_file_read(_plan_file(tmp_path, "reported"), known_metrics=METRICS)
    assert "“知识产权管理”由系统按记录统计，不能由单位填报" in str(exc.value)
    assert "metric: ip_management_in_year" in str(exc.value)
    plan = plan_file_load(path=_plan_file(tmp_path, "auto"), actor=None).plan
    assert plan.targets.get(key="ip-management").metric == "ip_management_in_year"


def test_each_district_counts_its_own_enterprises() -> None:
    load_baodi()
    district_init(config=district_config_load("shifan"))
    baodi, shifan = (District.objects.get(code=c).pk for c in ("baodi", "shifan"))
    grant(make_enterprise("dakoutun"), K.IP_MANAGEMENT, D(2019, 3, 1))
    grant(make_enterprise("koudong"), K.IP_MANAGEMENT, D(2018, 3, 1))
    grant(make_enterprise("sf-hexi"), K.IP_MANAGEMENT, D(2019, 6, 1))
    day = D(2019, 9, 30)
    assert (NEW.count(2019, day, baodi), HELD.count(2019, day, baodi)) == (1, 2)
    assert (NEW.count(2019, day, shifan), HELD.count(2019, day, shifan)) == (1, 1)
    assert {r.area_name for r in HELD.evidence(2019, day, shifan)} == {"示范河西镇"}
    # other kinds never count toward it, and it never counts toward a library
    grant(make_enterprise("dakoutun"), K.HIGH_TECH, D(2019, 3, 1))
    assert HELD.count(2019, day, baodi) == 2
    assert METRICS["library_tech_leading"].count(2019, day, baodi) == 0


def test_a_library_is_established_in_a_district_only_by_its_own_members() -> None:
    """建立…库 counts the plan's district: another district's member does not
    make Baodi's library established (it did before: libraries ignored districts)."""
    load_baodi()
    district_init(config=district_config_load("shifan"))
    baodi, shifan = (District.objects.get(code=c).pk for c in ("baodi", "shifan"))
    grant(make_enterprise("sf-hexi"), K.TECH_LEADING, D(2019, 3, 1))
    metric, day = METRICS["library_tech_leading"], D(2019, 9, 30)
    assert metric.count(2019, day, shifan) == 1
    assert metric.count(2019, day, baodi) == 0
    assert metric.evidence(2019, day, baodi) == []


@pytest.fixture
def certified() -> dict[str, object]:
    today = business_today()
    ours = make_enterprise("dakoutun", name="大口屯贯标科技有限公司")
    theirs = make_enterprise("koudong", name="口东贯标材料有限公司")
    grant(ours, K.IP_MANAGEMENT, today.replace(month=1, day=1), number="165IP-A")
    grant(theirs, K.IP_MANAGEMENT, today.replace(month=1, day=1), number="165IP-B")
    earlier = make_enterprise("koudong", name="口东老贯标有限公司")
    grant(earlier, K.IP_MANAGEMENT, today.replace(year=today.year - 1, day=1))
    return {"ours": ours, "theirs": theirs}


def _trademarks(name: str) -> str:
    client = Client()
    client.force_login(persona(name))
    response = client.get(reverse("partners:trademarks"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("name", ["hq", "member", "leader"])
def test_the_page_counts_the_district_and_names_every_enterprise(
    name: str, certified: dict[str, object]
) -> None:
    page = _trademarks(name)
    assert "规范知识产权管理（贯标认证）" in page
    assert "持有有效知识产权管理体系认证的企业" in page and ">3家<" in page
    assert "年内通过知识产权管理体系认证（贯标）的企业" in page and ">2家<" in page
    assert "大口屯贯标科技有限公司" in page and "口东贯标材料有限公司" in page
    assert "165IP-A" in page and "方案未设数值" in page


def test_a_town_sees_the_figures_but_only_its_own_enterprises_names(
    certified: dict[str, object],
) -> None:
    page = _trademarks("town_a")
    assert ">3家<" in page and ">2家<" in page  # the district's figures
    assert "大口屯贯标科技有限公司" in page
    assert "口东贯标材料有限公司" not in page and "165IP-B" not in page
    assert "其余 1 家不在您的管辖范围内" in page


def test_the_held_figure_links_to_the_registry_list_scoped_there(
    certified: dict[str, object],
) -> None:
    url = HELD.records_url(business_today().year, business_today())  # type: ignore[misc]
    assert url.startswith(reverse("registry:enterprise_list"))
    for name, sees_theirs in (("hq", True), ("town_a", False)):
        client = Client()
        client.force_login(persona(name))
        page = client.get(url).content.decode()
        assert "大口屯贯标科技有限公司" in page
        assert ("口东贯标材料有限公司" in page) is sees_theirs
