"""The dashboard page: right numbers, links to the lists behind them, scope, edge cases."""

from __future__ import annotations

import json
import os
import re
from html import unescape
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keqi.accounts.models import Area
from keqi.campaign.metrics import METRICS
from keqi.campaign.tests.helpers import baodi_plan, file_report
from keqi.core.testing import make_enterprise
from keqi.cultivation.tests.helpers import grant
from keqi.dashboard.tests.helpers import DAY, D, client_for, listed, small_registry
from keqi.funds.ledger import fund_budget_set, ledger_pay
from keqi.funds.tests.helpers import (
    M,
    candidate_for,
    finance,
    fund,
    high_tech_firm,
    published,
    rule,
)
from keqi.registry.models import QualificationKind as K

pytestmark = pytest.mark.django_db
URL = f"/dashboard/?as_of={DAY.isoformat()}"


def chart(page: str, name: str) -> dict:  # type: ignore[type-arg]
    found = re.search(
        rf'<script id="chart-{name}" type="application/json">(.*?)</script>', page
    )
    assert found, name
    return json.loads(found.group(1))  # type: ignore[no-any-return]


def cell(page: str, href_part: str) -> str:
    """The text of the link whose address contains href_part (unescaped)."""
    for href, text in re.findall(r'<a href="([^"]+)"[^>]*>([^<]*)</a>', page):
        if href_part in unquote(unescape(href)):
            return text
    raise AssertionError(f"no link to {href_part}")


def section(page: str, name: str) -> str:
    return page.split(f'id="{name}"', 1)[1].split("</section>", 1)[0]


def test_a_leader_lands_on_the_dashboard_and_others_on_the_registry(leader, hq) -> None:  # type: ignore[no-untyped-def]
    assert client_for(leader).get("/")["Location"] == "/dashboard/"
    assert client_for(hq).get("/")["Location"] == "/enterprises/"


def test_the_dashboard_shows_the_small_registrys_numbers(leader) -> None:  # type: ignore[no-untyped-def]
    small_registry()
    baodi_plan()
    page = client_for(leader).get(URL).content.decode()
    dakoutun, koudong = (Area.objects.get(code=c).pk for c in ("dakoutun", "koudong"))
    day = "on=2019-09-30"
    assert cell(page, f"/libraries/tech_sme/?{day}&area={dakoutun}") == "2"
    assert cell(page, f"/libraries/high_tech/?{day}&area={koudong}") == "2"
    assert cell(page, f"/libraries/high_tech/?{day}&area={dakoutun}") == "1"
    assert cell(page, "/cultivation/tiers/?on=2019-09-30&tier=雏鹰企业") == "1"
    assert cell(page, "/cultivation/tiers/?on=2019-09-30&tier=高新技术企业") == "3"
    assert cell(page, f"rd/list/?year=2018&area={dakoutun}&show=intensity") == "10.07%"
    assert cell(page, "/campaign/targets/tech-sme/records/") == "3"
    assert chart(page, "funnel")["tiers"]["data"] == [1, 1, 1, 0, 0]
    assert chart(page, "rd")["series"][0]["data"][:7] == [None] * 6 + ["10.07"]
    libraries = chart(page, "libraries")
    high_tech = next(s for s in libraries["series"] if s["name"] == "高企")
    assert sum(high_tech["data"]) == 3


def test_the_unit_timeliness_counts_reports_on_time_late_and_missing(leader) -> None:  # type: ignore[no-untyped-def]
    plan = baodi_plan()
    file_report(plan, "gxj", D(2019, 5, 1), D(2019, 6, 4))
    file_report(plan, "gxj", D(2019, 6, 1), D(2019, 7, 8))
    page = client_for(leader).get(URL).content.decode()
    base = "/dashboard/reports/?unit=gxj&status="
    assert cell(page, base + "on_time") == "1"
    assert cell(page, base + "late") == "1"
    assert cell(page, base + "missing") == "2"  # July and August
    listing = client_for(leader).get(f"{base}late&as_of=2019-09-30").content.decode()
    assert listed(listing) == 1 and "2019年6月" in listing and "2019-07-08" in listing


def _deliverable(plan, href: str) -> bool:  # type: ignore[no-untyped-def]
    found = re.search(r"/campaign/targets/([^/]+)/records/", href)
    target = plan.targets.filter(key=found.group(1)).first() if found else None
    metric = METRICS.get(target.metric) if target is not None else None
    return metric is not None and metric.deliverable


def test_every_figure_links_to_a_list_whose_count_equals_it(hq) -> None:  # type: ignore[no-untyped-def]
    small_registry()
    plan = baodi_plan()
    file_report(plan, "gxj", D(2019, 6, 1), D(2019, 7, 8))
    c = client_for(hq)
    page = c.get(URL).content.decode()
    body = page.split('id="targets"', 1)[1]
    links = re.findall(r'<td class="num"><a href="([^"]+)"[^>]*>(\d+)</a></td>', body)
    assert len(links) > 100
    checked = 0
    for href, text in links:
        if "/campaign/reports/" in href:
            continue  # a reported target's figure comes from a unit's report
        target = c.get(unescape(href), follow=True)  # some lists live in their app
        assert target.status_code == 200, href
        rows = listed(target.content.decode())
        if _deliverable(plan, href):  # 建立…库: 1 once the listed library has anyone
            rows = min(rows, 1)
        assert rows == int(text), href
        checked += 1
    assert checked > 100


def test_a_town_user_sees_only_its_own_towns_figures(town_a) -> None:  # type: ignore[no-untyped-def]
    small_registry()
    baodi_plan()
    page = client_for(town_a).get(URL).content.decode()
    koudong = Area.objects.get(code="koudong").pk
    assert "驾驶舱 · 大口屯镇" in page
    assert f"area={koudong}" not in page
    for name in ("tiers", "rd", "libraries", "map"):
        assert "口东镇" not in section(page, name), name
    assert cell(page, "/cultivation/tiers/?on=2019-09-30&tier=瞪羚企业") == "0"
    assert chart(page, "libraries")["areas"] == ["大口屯镇"]
    assert chart(page, "rd")["areas"] == ["大口屯镇"]
    assert chart(page, "funnel")["mark"]["data"] == [2]  # A and G, not F in 口东镇


def test_without_a_plan_the_page_says_how_to_load_one(leader) -> None:  # type: ignore[no-untyped-def]
    small_registry()
    response = client_for(leader).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "尚未载入实施方案" in page and "keqi plan load plans/baodi-2019.yaml" in page


def test_with_no_data_at_all_the_page_says_what_to_do(leader) -> None:  # type: ignore[no-untyped-def]
    response = client_for(leader).get("/dashboard/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "企业库中还没有企业" in page and "尚未载入实施方案" in page
    assert "尚未设立奖补资金" in page


def test_money_paid_against_budget_for_the_district_and_for_a_town(
    hq, town_a, town_b
) -> None:  # type: ignore[no-untyped-def]
    rule()
    paid = published(candidate_for(high_tech_firm("dakoutun", "GR201912000101")))
    fund_budget_set(fund=fund(), year=2019, amount=M("800000"), actor=finance())
    ledger_pay(award=paid, amount=M("200000"), entry_date=D(2019, 12, 20), actor=hq)
    url = "/dashboard/?as_of=2019-12-31"
    page = section(client_for(hq).get(url).content.decode(), "funds")
    assert "800,000.00" in page and "200,000.00" in page and "25.0%" in page
    assert "本镇已拨付" in section(
        client_for(town_a).get(url).content.decode(), "funds"
    )
    other = section(client_for(town_b).get(url).content.decode(), "funds")
    assert "800,000.00" in other and "200,000.00" not in other and "0.00" in other
    assert chart(client_for(hq).get(url).content.decode(), "funds")["series"][1][
        "data"
    ] == ["200000.00"]
    ledger = client_for(hq).get(f"/funds/ledger/?year=2019&fund={fund().code}")
    assert "<strong>200,000.00</strong>" in ledger.content.decode()  # 净额合计
    budgets = client_for(hq).get(f"/funds/budgets/?year=2019&fund={fund().code}")
    assert "800,000.00" in budgets.content.decode()
    links = re.findall(r'<a href="([^"]+)">[\d,.]+</a>', page)
    assert unescape(links[0]).startswith("/funds/budgets/?year=2019&fund=")
    assert unescape(links[1]).startswith("/funds/ledger/?year=2019&fund=")


def test_a_bad_date_is_reported_in_chinese_and_the_page_still_shows(leader) -> None:  # type: ignore[no-untyped-def]
    page = (
        client_for(leader).get("/dashboard/?as_of=2019-13-45&year=abc").content.decode()
    )
    assert "统计日期" in page and "研发年度：“abc”不是有效的年份" in page


def test_the_map_tiles_link_to_each_areas_list(hq) -> None:  # type: ignore[no-untyped-def]
    small_registry()
    page = client_for(hq).get(URL + "&map=tech_sme").content.decode()
    assert "不画地图" in page
    dakoutun = Area.objects.get(code="dakoutun").pk
    tile = re.search(
        rf'<li class="tile heat-(\d)"><a href="([^"]+area={dakoutun})">'
        r'<span class="tile-name">大口屯镇</span><span class="tile-value">(\d+)</span>',
        page,
    )
    assert tile and tile.group(3) == "2" and tile.group(1) == "5"
    assert "/libraries/tech_sme/" in tile.group(2)
    rd = client_for(hq).get(URL + "&map=rd").content.decode()
    assert 'class="tile-value">10.07%</span>' in rd


def _queries(user) -> int:  # type: ignore[no-untyped-def]
    c = client_for(user)
    with CaptureQueriesContext(connection) as ctx:
        assert c.get(URL).status_code == 200
    return len(ctx.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_registry(leader) -> None:  # type: ignore[no-untyped-def]
    small_registry()
    baodi_plan()
    few = _queries(leader)
    for n, area in enumerate(["haibin", "baoping", "bdkfq", "zgc"] * 5):
        e = make_enterprise(area)
        grant(e, K.TECH_SME, D(2019, 1, 1 + n))
        grant(e, K.HIGH_TECH, D(2019, 2, 1 + n))
    assert _queries(leader) == few
    assert few <= 46, few  # one query per counted target (15 of the plan's 16)


@pytest.mark.skipif(
    not (settings.BASE_DIR / "static_build").is_dir() and not os.environ.get("CI"),
    reason="ECharts 尚未构建：运行 make install",
)
def test_echarts_built_from_npm_is_served_by_the_app(leader) -> None:  # type: ignore[no-untyped-def]
    page = client_for(leader).get("/dashboard/").content.decode()
    assert '<script src="/static/keqi/vendor/echarts.min.js">' in page
    assert "cdn" not in page.lower() and "http" not in re.sub(r'href="[^"]*"', "", page)
    response = client_for(leader).get("/static/keqi/vendor/echarts.min.js")
    assert response.status_code == 200
    assert b"echarts" in b"".join(response.streaming_content)[:2000]  # type: ignore[attr-defined]
