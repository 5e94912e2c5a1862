"""The city's dashboard: one district picked, or every district at once.

With ``?district=<code>`` the city sees exactly the figures that district's HQ
sees (and that district's plan); without one it sees 全市 figures that are the
sum of the districts', grouped by district, and no district's targets. District
users' dashboards stay as they were; a district they cannot see is 404.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from keqi.accounts.models import District
from keqi.accounts.tests.test_district_links import (  # noqa: F401  (fixtures)
    ON,
    SHIFAN_PLAN,
    city_world,
    links_on,
    main_of,
)
from keqi.accounts.tests.test_districts import (  # noqa: F401  (fixture)
    client_for,
    firms,
    person,
)
from keqi.core.testing import make_enterprise
from keqi.cultivation.tests.helpers import grant
from keqi.dashboard.tests.helpers import small_registry
from keqi.funds.award_rules import fund_create
from keqi.funds.ledger import fund_budget_set
from keqi.registry.models import Enterprise
from keqi.registry.models import QualificationKind as K

pytestmark = pytest.mark.django_db
CHARTS = ("gauges", "funnel", "libraries", "rd", "timeliness", "funds")


@pytest.fixture
def world(city_world: dict[str, Enterprise]) -> dict[str, Enterprise]:  # noqa: F811
    """Both districts with several enterprises, R&D for 2018, both plans and a
    fund with a budget in each district."""
    small_registry()
    for name in ("丙", "丁"):
        firm = make_enterprise("sf-hexi", name=f"示范{name}科技有限公司")
        grant(firm, K.HIGH_TECH, dt.date(2018, 12, 1))
    for code, name, district in (
        ("bd-fund", "宝坻测试资金", "baodi"),
        ("sf-fund", "示范测试资金", "shifan"),
    ):
        fund = fund_create(
            code=code,
            name=name,
            actor=None,
            district=District.objects.get(code=district),
        )
        fund_budget_set(fund=fund, year=2019, amount=Decimal("1000"), actor=None)
    return city_world


def page(client: Client, **query: str) -> str:
    response = client.get(
        reverse("dashboard:index"), {"as_of": ON, "year": "2018", **query}
    )
    assert response.status_code == 200
    return response.content.decode()


def chart(html: str, name: str) -> Any:
    found = re.search(
        rf'<script id="chart-{name}" type="application/json">(.*?)</script>', html
    )
    assert found, name
    return json.loads(found.group(1))


def without_urls(data: Any) -> Any:
    """A chart's data with its links left out (the city's carry ?district=)."""
    if isinstance(data, dict):
        return {k: without_urls(v) for k, v in data.items() if k not in ("url", "urls")}
    if isinstance(data, list):
        return [without_urls(v) for v in data]
    return data


def figures(html: str) -> dict[str, Any]:
    return {name: without_urls(chart(html, name)) for name in CHARTS}


def h1(html: str) -> str:
    found = re.search(r"<h1>(.*?)</h1>", html)
    assert found
    return found.group(1)


@pytest.mark.parametrize(("code", "hq"), [("baodi", "hq"), ("shifan", "sf_hq")])
def test_the_city_with_a_district_sees_exactly_what_its_hq_sees(
    world: dict[str, Enterprise], code: str, hq: str
) -> None:
    district = District.objects.get(code=code)
    city = page(client_for(person("city")), district=code)
    own = page(client_for(person(hq)))
    assert figures(city) == figures(own)
    assert chart(city, "gauges") and chart(city, "timeliness")["units"]
    assert h1(city) == f"领导驾驶舱 · {district.name}"
    assert h1(own) == "领导驾驶舱 · 全区"
    assert f'<option value="{code}" selected>' in city


def test_the_city_without_a_district_sees_the_sum_of_the_districts(
    world: dict[str, Enterprise],
) -> None:
    city = page(client_for(person("city")))
    baodi = page(client_for(person("hq")))
    shifan = page(client_for(person("sf_hq")))
    assert h1(city) == "领导驾驶舱 · 全市"
    assert "全区" not in main_of(city)
    assert chart(city, "gauges") == [] and 'id="targets"' not in city
    assert chart(city, "timeliness")["units"] == []
    for name in ("funnel", "libraries"):
        for i, series in enumerate(chart(city, name).get("series", [])):
            mine = chart(baodi, name)["series"][i]["data"]
            theirs = chart(shifan, name)["series"][i]["data"]
            assert sum(series["data"]) == sum(mine) + sum(theirs)
    tiers = chart(city, "funnel")["tiers"]["data"]
    assert tiers == [
        a + b
        for a, b in zip(
            chart(baodi, "funnel")["tiers"]["data"],
            chart(shifan, "funnel")["tiers"]["data"],
            strict=True,
        )
    ]
    assert sorted(chart(city, "funds")["funds"]) == ["宝坻测试资金", "示范测试资金"]


def total_row(html: str, section: str, label: str) -> list[str]:
    """The figures of the row labelled `label` in a section's table."""
    part = html.split(f'id="{section}"', 1)[1].split("</section>", 1)[0]
    found = re.search(rf"<th scope=\"row\">{label}</th>(.*?)</tr>", part, re.S)
    assert found, label
    return re.findall(r'<a href="[^"]+">([^<]*)</a>', found.group(1))


def test_the_citys_tables_group_areas_by_district_with_subtotals(
    world: dict[str, Enterprise],
) -> None:
    city = page(client_for(person("city")))
    baodi = District.objects.get(code="baodi")
    shifan = District.objects.get(code="shifan")
    for section in ("libraries", "rd"):
        own_b = total_row(page(client_for(person("hq"))), section, "全区(?:合计)?")
        own_s = total_row(page(client_for(person("sf_hq"))), section, "全区(?:合计)?")
        assert total_row(city, section, re.escape(f"{baodi.name}合计")) == own_b
        assert total_row(city, section, re.escape(f"{shifan.name}合计")) == own_s
        assert total_row(city, section, "全市合计")
    libraries = total_row(city, "libraries", "全市合计")
    assert [int(n) for n in libraries] == [
        int(a) + int(b) for a, b in zip(own_lib("hq"), own_lib("sf_hq"), strict=True)
    ]
    # every district's dashboard is one click away, and so is the comparison
    hrefs = [unescape(h) for h in links_on(main_of(city))]
    for code in ("baodi", "shifan"):
        assert any(
            urlsplit(h).path == reverse("dashboard:index")
            and parse_qs(urlsplit(h).query).get("district") == [code]
            for h in hrefs
        )
    assert any(urlsplit(h).path == reverse("dashboard:districts") for h in hrefs)


def own_lib(who: str) -> list[str]:
    return total_row(page(client_for(person(who))), "libraries", "全区合计")


def test_every_figure_on_a_district_page_of_the_city_keeps_the_district(
    world: dict[str, Enterprise],
) -> None:
    city = page(client_for(person("city")), district="shifan")
    hrefs = [unescape(h) for h in links_on(main_of(city))]
    assert len(hrefs) > 20
    for href in hrefs:
        query = parse_qs(urlsplit(href).query)
        assert query.get("district") == ["shifan"], href
    assert any(f"plan={SHIFAN_PLAN}" in h for h in hrefs)


def test_district_users_dashboards_are_unchanged(
    world: dict[str, Enterprise],
) -> None:
    hq = page(client_for(person("hq")))
    assert '<select name="district"' not in hq and "district=" not in main_of(hq)
    assert chart(hq, "gauges") and 'id="districts"' not in hq
    assert "全区合计" in hq
    town = page(client_for(person("town_a")))
    assert h1(town) == "驾驶舱 · 大口屯镇"
    assert '<select name="district"' not in town


def test_a_district_the_user_cannot_see_is_404_and_their_own_is_ignored(
    world: dict[str, Enterprise],
) -> None:
    url = reverse("dashboard:index")
    city = client_for(person("city"))
    assert city.get(url, {"district": "nowhere"}).status_code == 404
    hq = client_for(person("hq"))
    assert hq.get(url, {"district": "shifan"}).status_code == 404
    assert figures(page(hq, district="baodi")) == figures(page(hq))
    town = client_for(person("town_a"))
    assert town.get(url, {"district": "shifan"}).status_code == 404


def test_the_citys_report_list_is_of_the_picked_districts_plan(
    world: dict[str, Enterprise],
) -> None:
    city = client_for(person("city"))
    response = city.get(
        reverse("dashboard:reports"), {"as_of": ON, "district": "shifan"}
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "示范区" in text and "宝坻区科技企业群体规模壮大攻坚行动" not in text
