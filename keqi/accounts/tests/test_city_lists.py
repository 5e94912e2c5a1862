"""The product, transformation and activity lists in a city install (issue 17).

The city sees every district's rows, each naming its 区, until it narrows a list
with ``?district=<code>``: then rows, totals, paging, the download and the
page's own links hold that district only. A district user's lists are their
district's (an area user's, their area's), without a 区 column or choice, and
naming another district is a 404.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from keqi.accounts.models import Unit
from keqi.accounts.tests.test_districts import (
    client_for,
    firms,  # noqa: F401  (fixture)
    person,
    xlsx_text,
)
from keqi.activities.models import ActivityKind, TalentCategory
from keqi.activities.services import AttendanceValues, activity_create, attendance_set
from keqi.activities.talent import talent_introduction_save
from keqi.core import paging
from keqi.core.testing import make_enterprise
from keqi.products.models import TransformationKind
from keqi.products.tests.helpers import add_product, add_transformation
from keqi.registry.models import Enterprise
from keqi.registry.services import qualification_upsert

pytestmark = pytest.mark.django_db

ON = dt.date(2019, 9, 30)
BAODI, SHIFAN = "天津市宝坻区", "示范区（虚构）"
# Each list, with what only Baodi's rows and only 示范区's rows show on it.
LISTS = {
    "products": ("/products/products/?year=2019", "宝坻伺服控制器", "示范伺服控制器"),
    "transformations": (
        "/products/transformations/?year=2019",
        "宝坻甲科技有限公司",
        "示范河西乙科技有限公司",
    ),
    "activities": ("/activities/list/?year=2019", "宝坻入库培训", "示范入库培训"),
    "followup": (
        f"/activities/followup/?year=2019&as_of={ON}",
        "宝坻待跟进有限公司",
        "示范待跟进有限公司",
    ),
    "platforms": ("/activities/platforms/?year=", "BD-JS-01", "SF-JS-01"),
    "introductions": (
        "/activities/haihe/?year=2019",
        "宝坻甲科技有限公司",
        "示范河西乙",
    ),
}


def _training(title: str, organiser: str, guests: list[Enterprise]) -> None:
    activity = activity_create(
        values={
            "kind": ActivityKind.TRAINING,
            "title": title,
            "held_on": dt.date(2019, 5, 10),
            "organiser": Unit.objects.get(code=organiser),
            "tech_sme_training": True,
        },
        actor=None,
    )
    for firm in guests:
        attendance_set(
            activity=activity,
            enterprise=firm,
            values=AttendanceValues(invited=True, attended=True, people=2),
            actor=None,
        )


def _district_rows(firm: Enterprise, tag: str, code: str, unit: str) -> None:
    add_product(firm, name=f"{tag}伺服控制器")
    amount = Decimal("10.5") if tag == "宝坻" else Decimal(20)
    add_transformation(firm, kind=TransformationKind.TECH_UPGRADE, amount=amount)
    qualification_upsert(
        enterprise=firm,
        kind="企业技术中心",
        values={"number": f"{code}-JS-01", "granted_on": dt.date(2019, 3, 1)},
        actor=None,
    )
    talent_introduction_save(
        values={
            "enterprise": firm,
            "introduced_on": dt.date(2019, 6, 1),
            "people": 3,
            "category": TalentCategory.INDUSTRY,
            "unit": Unit.objects.get(code=unit),
        },
        actor=None,
    )


@pytest.fixture
def world(firms: dict[str, Enterprise], settings: Any) -> None:  # noqa: F811
    """Each district with a product, a transformation, a platform, an introduction
    and a 科技型中小企业 training whose guest has not registered since."""
    settings.KEQI_BUSINESS_DATE = ON
    _district_rows(firms["baodi"], "宝坻", "BD", "rcb")
    _district_rows(firms["shifan"], "示范", "SF", "sf-gxj")
    late_b = make_enterprise("dakoutun", name="宝坻待跟进有限公司")
    late_s = make_enterprise("sf-hexi", name="示范待跟进有限公司")
    _training("宝坻入库培训", "hq", [late_b, firms["baodi"]])
    _training("示范入库培训", "sf-hq", [late_s, firms["shifan"]])


def page(client: Client, url: str, **extra: str) -> str:
    response = client.get(url, extra)
    assert response.status_code == 200, url
    return response.content.decode()


def main_of(html: str) -> str:
    return html[html.find("<main") : html.find("</main>")]


@pytest.mark.parametrize("name", list(LISTS))
def test_the_city_sees_every_district_with_a_district_column(
    world: None, name: str
) -> None:
    url, baodi, shifan = LISTS[name]
    text = main_of(page(client_for(person("city")), url))
    assert baodi in text and shifan in text
    assert "<th>区</th>" in text
    assert f'<td class="nowrap">{BAODI}</td>' in text
    assert f'<td class="nowrap">{SHIFAN}</td>' in text
    assert 'name="district"' in text  # the 区 choice


@pytest.mark.parametrize("name", list(LISTS))
def test_the_city_narrows_a_list_to_one_district(world: None, name: str) -> None:
    url, baodi, shifan = LISTS[name]
    city = client_for(person("city"))
    text = main_of(page(city, url, district="shifan"))
    assert shifan in text and baodi not in text
    assert "<th>区</th>" not in text
    assert f"· {SHIFAN}" in text  # the heading names it
    assert '<option value="shifan" selected>' in text
    download = city.get(url, {"district": "shifan", "format": "xlsx"})
    assert download.status_code == 200
    cells = xlsx_text(download.content)
    assert "宝坻甲科技有限公司" not in cells and "宝坻待跟进" not in cells
    assert "示范" in cells


@pytest.mark.parametrize("name", list(LISTS))
def test_the_city_s_download_of_every_district_names_each_row_s_district(
    world: None, name: str
) -> None:
    url, baodi, shifan = LISTS[name]
    download = client_for(person("city")).get(url, {"format": "xlsx"})
    cells = xlsx_text(download.content)
    assert baodi in cells and shifan in cells
    if name == "activities":  # a workbook to re-import: fixed columns, 全市 said
        assert "全市（各区）" in cells
    else:
        assert BAODI in cells and SHIFAN in cells


@pytest.mark.parametrize("name", list(LISTS))
def test_an_unknown_district_is_404(world: None, name: str) -> None:
    url = LISTS[name][0]
    assert (
        client_for(person("city")).get(url, {"district": "nowhere"}).status_code == 404
    )


@pytest.mark.parametrize(
    ("who", "sees", "hidden"),
    [("hq", 1, 2), ("sf_hq", 2, 1), ("town_a", 1, 2), ("sf_town", 2, 1)],
)
@pytest.mark.parametrize("name", list(LISTS))
def test_a_district_user_sees_their_own_district_only_without_a_district_column(
    world: None, name: str, who: str, sees: int, hidden: int
) -> None:
    url = LISTS[name][0]
    client = client_for(person(who))
    text = main_of(page(client, url))
    assert LISTS[name][sees] in text and LISTS[name][hidden] not in text
    assert "<th>区</th>" not in text and 'name="district"' not in text
    other = "shifan" if sees == 1 else "baodi"
    assert client.get(url, {"district": other}).status_code == 404


def test_totals_count_the_picked_district_only(world: None) -> None:
    city = client_for(person("city"))
    url = LISTS["transformations"][0]
    every = page(city, url)
    assert "共 <strong>2</strong> 条，涉及 <strong>2</strong> 家企业" in every
    assert "合计 30.5 万元" in every
    shifan = page(city, url, district="shifan")
    assert "共 <strong>1</strong> 条，涉及 <strong>1</strong> 家企业" in shifan
    assert "合计 20 万元" in shifan
    baodi = page(city, url, district="baodi")
    assert "合计 10.5 万元" in baodi


def test_paging_and_the_lists_own_links_keep_the_district(
    world: None,
    firms: dict[str, Enterprise],  # noqa: F811
    monkeypatch: Any,
) -> None:
    monkeypatch.setattr(paging, "PAGE_SIZE", 1)
    add_product(firms["shifan"], name="示范第二件产品")
    city = client_for(person("city"))
    text = main_of(page(city, LISTS["products"][0], district="shifan"))
    assert "第 1 / 2 页，共 2 条" in text
    hrefs = [
        h.replace("&amp;", "&")
        for h in text.split('href="')[1:]
        for h in [h.split('"')[0]]
    ]
    pager = [h for h in hrefs if "page=" in h and "format=" not in h]
    assert pager and all(
        parse_qs(urlsplit(h).query)["district"] == ["shifan"] for h in pager
    )
    own = [h for h in hrefs if h.startswith("/products/products/")]
    own += [h for h in hrefs if h.startswith("/products/transformations/")]
    assert own and all("district=shifan" in h for h in own)
    second = main_of(page(city, f"/products/products/{pager[-1]}"))
    assert "第 2 / 2 页" in second and "宝坻伺服控制器" not in second


# ------------------------------------------- 技能人才培训 and the two 概览 pages

TRAINEES = "/activities/trainees/?year=2019"
OVERVIEWS = ("/activities/?year=2019", "/products/?year=2019")


@pytest.fixture
def trained(world: None) -> dict[str, str]:
    """Baodi's 人才办 has trained 37 by May, 示范区's 工信局 58: the units' names."""
    from keqi.activities.models import TraineeReport

    names = {}
    for code, cumulative in (("rcb", 37), ("sf-gxj", 58)):
        unit = Unit.objects.get(code=code)
        TraineeReport.objects.create(
            unit=unit, month=dt.date(2019, 5, 1), cumulative=cumulative
        )
        names[code] = str(unit)
    return names


def test_the_city_s_trainees_show_every_district_s_units_and_the_city_total(
    trained: dict[str, str],
) -> None:
    city = client_for(person("city"))
    text = main_of(page(city, TRAINEES))
    assert trained["rcb"] in text and trained["sf-gxj"] in text
    assert "<th>区</th>" in text and 'name="district"' in text
    assert f'<td rowspan="2" class="nowrap">{BAODI}</td>' in text
    assert f'<td rowspan="2" class="nowrap">{SHIFAN}</td>' in text
    assert "全市累计培训 <strong>95</strong> 人" in text
    cells = xlsx_text(city.get(TRAINEES, {"format": "xlsx"}).content)
    assert BAODI in cells and SHIFAN in cells and "全市" in cells


def test_the_city_narrows_the_trainees_to_one_district(
    trained: dict[str, str],
) -> None:
    city = client_for(person("city"))
    text = main_of(page(city, TRAINEES, district="shifan"))
    assert trained["sf-gxj"] in text and trained["rcb"] not in text
    assert "<th>区</th>" not in text
    assert f"· {SHIFAN}" in text and '<option value="shifan" selected>' in text
    assert f"{SHIFAN}累计培训 <strong>58</strong> 人" in text
    nav = text[text.find('<nav class="subnav"') : text.find("</nav>")]
    assert "/activities/list/?district=shifan" in nav
    assert "/activities/trainees/?district=shifan" in nav
    cells = xlsx_text(
        city.get(TRAINEES, {"district": "shifan", "format": "xlsx"}).content
    )
    assert trained["rcb"] not in cells and trained["sf-gxj"] in cells
    assert city.get(TRAINEES, {"district": "nowhere"}).status_code == 404


@pytest.mark.parametrize(
    ("who", "unit", "total", "other"),
    [
        ("hq", "rcb", 37, "sf-gxj"),
        ("sf_hq", "sf-gxj", 58, "rcb"),
        ("town_a", "rcb", 37, "sf-gxj"),
    ],
)
def test_a_district_user_s_trainees_are_their_district_s(
    trained: dict[str, str], who: str, unit: str, total: int, other: str
) -> None:
    client = client_for(person(who))
    text = main_of(page(client, TRAINEES))
    assert trained[unit] in text and trained[other] not in text
    assert f"累计培训 <strong>{total}</strong> 人" in text
    assert "<th>区</th>" not in text and 'name="district"' not in text
    assert "全市" not in text
    elsewhere = "baodi" if unit == "sf-gxj" else "shifan"
    assert client.get(TRAINEES, {"district": elsewhere}).status_code == 404


def _hrefs(html: str) -> list[str]:
    return [h.split('"')[0].replace("&amp;", "&") for h in html.split('href="')[1:]]


def test_the_city_s_activities_overview_shows_the_city_and_each_district(
    trained: dict[str, str],
) -> None:
    text = main_of(page(client_for(person("city")), OVERVIEWS[0]))
    assert "· 全市" in text and 'name="district"' in text
    heads = '<th class="num">全市</th><th class="num">{}</th><th class="num">{}</th>'
    assert heads.format(BAODI, SHIFAN) in text
    assert "方案目标</th>" not in text  # each district's plan sets its own
    assert ">95人</a>" in text and ">37人</a>" in text and ">58人</a>" in text
    assert ">6人</a>" in text and ">3人</a>" in text  # 海河英才
    assert ">2次</a>" in text and ">1次</a>" in text  # 入库申报培训
    trainees = [h for h in _hrefs(text) if h.startswith("/activities/trainees/?year")]
    districts = [parse_qs(urlsplit(h).query).get("district") for h in trainees]
    assert districts == [None, ["baodi"], ["shifan"]]


def test_the_city_narrows_the_activities_overview_to_one_district(
    trained: dict[str, str],
) -> None:
    text = main_of(page(client_for(person("city")), OVERVIEWS[0], district="shifan"))
    assert f"· {SHIFAN}" in text and '<option value="shifan" selected>' in text
    assert f'<th class="num">{SHIFAN}</th>' in text
    assert f'<th class="num">{BAODI}</th>' not in text
    assert "方案目标</th>" in text
    assert ">58人</a>" in text and ">95人</a>" not in text and ">37人</a>" not in text
    assert ">1次</a>" in text and ">2次</a>" not in text
    figures = [h for h in _hrefs(text) if "year=2019" in h]
    assert figures and all("district=shifan" in h for h in figures)


@pytest.mark.parametrize(("who", "people"), [("hq", 37), ("sf_hq", 58), ("town_a", 37)])
def test_a_district_user_s_activities_overview_counts_their_district(
    trained: dict[str, str], who: str, people: int
) -> None:
    client = client_for(person(who))
    text = main_of(page(client, OVERVIEWS[0]))
    assert '<th class="num">完成</th>' in text and "方案目标</th>" in text
    assert f">{people}人</a>" in text and ">95人</a>" not in text
    assert ">1次</a>" in text and ">2次</a>" not in text  # not the other district's
    assert "全市" not in text and 'name="district"' not in text
    assert all("district=" not in h for h in _hrefs(text))


def test_the_city_s_products_overview_shows_the_city_and_each_district(
    world: None,
) -> None:
    city = client_for(person("city"))
    text = main_of(page(city, OVERVIEWS[1]))
    heads = '<th class="num">全市</th><th class="num">{}</th><th class="num">{}</th>'
    assert heads.format(BAODI, SHIFAN) in text and "方案目标</th>" not in text
    assert "（2019年度，全市）" in text
    assert ">2家</a>" in text and ">1家</a>" in text  # 创新转型 enterprises
    lists = [h for h in _hrefs(text) if h.startswith("/products/transformations/?")]
    assert any("district=baodi" in h for h in lists)
    assert any("district=shifan" in h for h in lists)
    assert f'<th class="num">{SHIFAN}项数</th>' in text  # each district's products
    products = [h for h in _hrefs(text) if h.startswith("/products/products/?")]
    assert any("district=shifan" in h for h in products)
    narrowed = main_of(page(city, OVERVIEWS[1], district="baodi"))
    assert f"· {BAODI}" in narrowed
    assert f'<th class="num">{SHIFAN}</th>' not in narrowed
    assert "项数</th>" in narrowed and f"{SHIFAN}项数" not in narrowed
    assert ">2家</a>" not in narrowed and "方案目标</th>" in narrowed
    figures = [h for h in _hrefs(narrowed) if h.startswith("/products/")]
    figures = [h for h in figures if "year=2019" in h]
    assert figures and all("district=baodi" in h for h in figures)


@pytest.mark.parametrize("who", ["hq", "sf_hq", "town_a"])
def test_a_district_user_s_products_overview_is_unchanged(
    world: None, who: str
) -> None:
    client = client_for(person(who))
    text = main_of(page(client, OVERVIEWS[1]))
    assert '<th class="num">完成</th>' in text and "方案目标</th>" in text
    assert "全市" not in text and 'name="district"' not in text
    assert ">2家</a>" not in text
    assert all("district=" not in h for h in _hrefs(text))
    other = "shifan" if who != "sf_hq" else "baodi"
    assert client.get(OVERVIEWS[1], {"district": other}).status_code == 404
