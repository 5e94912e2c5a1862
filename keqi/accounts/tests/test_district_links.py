"""The city's drill-down keeps its district (issue 17).

Logged in as the city with ``?district=shifan`` (or 示范区's plan), every link in
the content of a page that can be narrowed to one district, and every figure of
示范区's column on the 区际比较 page, leads to a page that still shows 示范区's
figures: its enterprise or its areas, never Baodi's, and not every district's.
(The top navigation goes to each section's home, the whole city, on purpose.)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from keqi.accounts.tests.test_districts import (
    client_for,
    firms,  # noqa: F401  (fixture)
    person,
    xlsx_text,
)
from keqi.campaign.services import plan_file_load
from keqi.products.tests.helpers import add_product
from keqi.registry.models import Enterprise
from keqi.registry.services import figures_upsert

pytestmark = pytest.mark.django_db

ON = "2019-09-30"
SHIFAN_PLAN = "shifan-2019"
# What only a page about Baodi (or about every district) shows.
BAODI = (
    "宝坻甲科技有限公司",
    "大口屯镇",
    "宝坻区科技企业群体规模壮大攻坚行动",
    "宝坻伺服控制器",
)
# Pages that can be narrowed to one district (the campaign's by its plan); the
# ones under these paths that cannot (yet) are listed apart.
FILTERED = (
    "/cultivation/",
    "/campaign/",
    "/products/products/",
    "/products/transformations/",
    "/activities/list/",
    "/activities/followup/",
    "/activities/platforms/",
    "/activities/haihe/",
)
NOT_FILTERED = (
    "/cultivation/portrait",
    "/campaign/summary",  # a Word/PDF document of the plan named, not a page
)


class Links(HTMLParser):
    """The href of every link inside <main> (the page's own content)."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "main":
            self.inside = True
        href = dict(attrs).get("href")
        if self.inside and tag == "a" and href:
            self.found.append(href)

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self.inside = False


def main_of(html: str) -> str:
    start = html.find("<main")
    return html[start : html.find("</main>", start)]


def links_on(html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    return parser.found


def district_filtered(href: str) -> bool:
    path = urlsplit(href).path
    if not href.startswith("/") or path.startswith(NOT_FILTERED):
        return False
    return path == reverse("registry:enterprise_list") or path.startswith(FILTERED)


def shown(client: Client, href: str) -> str:
    """The page's content (or the download's cells) at href, which must open."""
    response = client.get(href)
    assert response.status_code == 200, href
    if response["Content-Type"].startswith("application/vnd.openxml"):
        return xlsx_text(response.content)
    return main_of(response.content.decode())


@pytest.fixture
def city_world(firms: dict[str, Enterprise]) -> dict[str, Enterprise]:  # noqa: F811
    """Both districts with an enterprise each, R&D figures for 2018, both plans
    and a product each."""
    for firm in firms.values():
        add_product(firm, name=f"{firm.name[:2]}伺服控制器")
        figures_upsert(
            enterprise=firm,
            year=2018,
            values={"rd_expense": Decimal("50"), "sales_revenue": Decimal("1000")},
            actor=None,
        )
    for name in ("baodi-2019", SHIFAN_PLAN):
        plan_file_load(path=settings.BASE_DIR / "plans" / f"{name}.yaml", actor=None)
    return firms


def starting_pages(city: Client) -> list[str]:
    """示范区's figures on the comparison page, and 示范区's narrowed pages."""
    comparison = city.get(reverse("dashboard:districts"), {"as_of": ON, "year": "2018"})
    assert comparison.status_code == 200
    column = [
        h.replace("&amp;", "&")
        for h in links_on(comparison.content.decode())
        if "district=shifan" in h or f"plan={SHIFAN_PLAN}" in h
    ]
    assert len(column) >= 5  # enterprises, libraries, targets, lights, R&D
    narrowed = [
        f"{reverse('cultivation:overview')}?on={ON}&district=shifan",
        f"{reverse('cultivation:library_list', args=['tech_sme'])}?on={ON}&district=shifan",
        f"{reverse('cultivation:library_changes', args=['tech_sme'])}?to={ON}&district=shifan",
        f"{reverse('cultivation:rd_monitor')}?year=2018&district=shifan",
        f"{reverse('cultivation:rd_list')}?year=2018&show=reporting&district=shifan",
        f"{reverse('cultivation:tiers')}?on={ON}&district=shifan",
        f"{reverse('cultivation:reminders')}?on={ON}&ahead=366&district=shifan",
        f"{reverse('cultivation:reminder_settings')}?district=shifan",
        f"{reverse('cultivation:reserve', args=['tech_sme'])}?on={ON}&district=shifan",
        f"{reverse('registry:enterprise_list')}?district=shifan",
        f"{reverse('campaign:board')}?plan={SHIFAN_PLAN}&as_of={ON}",
        f"{reverse('dashboard:index')}?as_of={ON}&year=2018&district=shifan",
        f"{reverse('products:product_list')}?year=2019&district=shifan",
        f"{reverse('activities:activity_list')}?year=2019&district=shifan",
    ]
    return column + narrowed


def assert_shifan(text: str, href: str) -> None:
    for baodi in BAODI:
        assert baodi not in text, f"{href} 显示了宝坻区的“{baodi}”"
    assert "示范" in text, f"{href} 没有显示示范区的数据"


def test_every_link_the_city_follows_from_shifans_pages_stays_in_shifan(
    city_world: dict[str, Enterprise], settings: Any
) -> None:
    settings.KEQI_BUSINESS_DATE = dt.date(2019, 9, 30)
    city = client_for(person("city"))
    followed: set[str] = set()
    for start in starting_pages(city):
        text = shown(city, start)
        assert_shifan(text, start)
        if "<a " not in text:
            continue
        for href in links_on(text):
            href = href.replace("&amp;", "&")
            if not district_filtered(href) or href in followed:
                continue
            followed.add(href)
            assert_shifan(shown(city, href), href)
    paths = {urlsplit(h).path for h in followed}
    # the known gaps: 查看变化情况, the R&D monitor's lists and its way back,
    # the board's target records
    assert reverse("cultivation:library_changes", args=["tech_sme"]) in paths
    assert reverse("cultivation:rd_list") in paths
    assert reverse("cultivation:rd_monitor") in paths
    # the tiers, reminders and reserve pages keep the district in their links
    assert {reverse("cultivation:tiers"), reverse("cultivation:reminders")} <= paths
    assert reverse("cultivation:reserve", args=["tech_sme"]) in paths
    assert any(p.startswith("/campaign/targets/") for p in paths) or any(
        "records" in p for p in paths
    )
    # the product and activity lists' own links (清除, the section's other lists)
    assert reverse("products:transformation_list") in paths
    assert reverse("activities:platforms") in paths


def test_a_link_on_a_narrowed_page_names_the_district(
    city_world: dict[str, Enterprise],
) -> None:
    city = client_for(person("city"))
    page = city.get(
        reverse("cultivation:library_list", args=["tech_sme"]),
        {"on": ON, "district": "shifan"},
    )
    changes = [h for h in links_on(page.content.decode()) if "/changes" in h]
    assert changes and all(
        parse_qs(urlsplit(h.replace("&amp;", "&")).query).get("district") == ["shifan"]
        for h in changes
    )


def test_a_district_user_is_not_offered_the_city_s_district_links(
    city_world: dict[str, Enterprise],
) -> None:
    hq = client_for(person("hq"))
    page = hq.get(
        reverse("cultivation:library_list", args=["tech_sme"]),
        {"on": ON, "district": "shifan"},
    )
    assert page.status_code == 404  # another district is out of Baodi's scope
    own = hq.get(reverse("cultivation:library_list", args=["tech_sme"]), {"on": ON})
    assert "district=" not in own.content.decode()
