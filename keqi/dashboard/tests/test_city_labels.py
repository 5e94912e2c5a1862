"""Other pages the city opens without a district: their totals say 全市, not
全区, and a city-wide count is not set against one district's target."""

from __future__ import annotations

import pytest
from django.urls import reverse

from keqi.accounts.tests.test_district_links import (  # noqa: F401  (fixtures)
    ON,
    city_world,
    main_of,
)
from keqi.accounts.tests.test_districts import (  # noqa: F401  (fixture)
    client_for,
    firms,
    person,
)
from keqi.registry.models import Enterprise

pytestmark = pytest.mark.django_db


def shown(who: str, url: str, **query: str) -> str:
    response = client_for(person(who)).get(url, query)
    assert response.status_code == 200
    return main_of(response.content.decode())


def test_the_library_overview_totals_the_city_as_全市(
    city_world: dict[str, Enterprise],  # noqa: F811
) -> None:
    url = reverse("cultivation:overview")
    assert "全市合计" in shown("city", url, on=ON)
    assert "全区" not in shown("city", url, on=ON)
    assert "全区合计" in shown("city", url, on=ON, district="shifan")
    assert "全区合计" in shown("hq", url, on=ON)


def test_the_trademark_page_sets_no_district_target_against_the_city(
    city_world: dict[str, Enterprise],  # noqa: F811
) -> None:
    url = reverse("partners:trademarks")
    city = shown("city", url)
    assert "全市商标注册总量" in city and ">方案目标</th>" not in city
    assert "全区" not in city
    hq = shown("hq", url)
    assert "全区商标注册总量" in hq and ">方案目标</th>" in hq


def test_area_pickers_offer_全市_to_the_city_and_全区_to_a_district(
    city_world: dict[str, Enterprise],  # noqa: F811
) -> None:
    url = reverse("cultivation:rd_monitor")
    assert '<option value="">全市</option>' in shown("city", url, year="2018")
    assert '<option value="">全区</option>' in shown("hq", url, year="2018")
    awards = reverse("funds:award_list")
    assert '<option value="">全市</option>' in shown("city", awards)
    assert '<option value="">全区</option>' in shown("hq", awards)


def test_the_transfer_income_page_says_the_city_sums_every_district(
    city_world: dict[str, Enterprise],  # noqa: F811
) -> None:
    url = reverse("funds:transfer_list")
    city = shown("city", url)
    assert "（全市各区合计）" in city and "<th>区</th>" in city
    hq = shown("hq", url)
    assert "全市" not in hq and "<th>区</th>" not in hq


def test_the_api_library_table_names_each_areas_district(
    city_world: dict[str, Enterprise],  # noqa: F811
) -> None:
    table = client_for(person("city")).get("/api/v1/libraries/", {"as_of": ON})
    assert table.status_code == 200
    areas = table.json()["libraries"][0]["areas"]
    by_code = {a["code"]: a["district"] for a in areas}
    assert by_code["sf-hexi"] == "shifan" and by_code["dakoutun"] == "baodi"


def test_the_citys_library_overview_names_each_areas_district_in_order(
    city_world: dict[str, Enterprise],  # noqa: F811
) -> None:
    text = shown("city", reverse("cultivation:overview"), on=ON)
    assert "<th>区</th>" in text
    baodi, shifan = text.index("大口屯镇"), text.index("示范河西镇")
    last_baodi = text.index("京津新城")
    assert baodi < last_baodi < shifan  # Baodi's areas, then 示范区's
    assert "<th>区</th>" not in shown("hq", reverse("cultivation:overview"), on=ON)
