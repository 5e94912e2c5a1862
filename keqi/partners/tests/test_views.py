"""Every partners page through the test client: it shows its content, keeps to
the user's scope and costs a fixed number of queries however long the list."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from keqi.accounts.models import Area
from keqi.core.testing import make_enterprise, next_uscc, persona
from keqi.partners import services
from keqi.partners.models import Institution, Lead
from keqi.partners.tests.helpers import log_visit, make_lead
from keqi.registry.models import Enterprise

pytestmark = pytest.mark.django_db
LISTS = [
    "leads",
    "events",
    "institutions",
    "projects",
    "finance",
    "trademarks",
    "services",
]


def client_for(name: str) -> Client:
    client = Client()
    client.force_login(persona(name))
    return client


def test_the_main_navigation_links_to_the_partners_overview() -> None:
    page = client_for("leader").get(reverse("home"), follow=True)
    assert reverse("partners:index") in page.content.decode()


@pytest.mark.parametrize("name", ["hq", "member", "town_a", "leader"])
def test_every_list_page_opens_for_every_persona(name: str) -> None:
    client = client_for(name)
    for slug in ["index", *LISTS, "overdue"]:
        assert client.get(reverse(f"partners:{slug}")).status_code == 200, slug


def test_a_town_gets_404_on_another_towns_lead(member) -> None:
    lead = make_lead(actor=member, area=Area.objects.get(code="koudong"))
    assert (
        client_for("town_b")
        .get(reverse("partners:lead_detail", args=[lead.pk]))
        .status_code
        == 200
    )
    assert (
        client_for("town_a")
        .get(reverse("partners:lead_detail", args=[lead.pk]))
        .status_code
        == 404
    )


def test_the_owner_advances_and_settles_a_lead_through_the_page(hq) -> None:
    lead = make_lead(
        actor=hq, area=Area.objects.get(code="zgc"), company="页面测试有限公司"
    )
    client = client_for("hq")
    client.post(reverse("partners:lead_advance", args=[lead.pk]),
                {"stage": "已签约", "on": "2019-04-01"})  # fmt: skip
    code = next_uscc()
    response = client.post(reverse("partners:lead_settle", args=[lead.pk]),
                           {"uscc": code, "on": "2019-05-05", "area": ""})  # fmt: skip
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.stage == "已落地" and lead.enterprise == Enterprise.objects.get(
        uscc=code
    )
    page = client.get(reverse("partners:lead_detail", args=[lead.pk])).content.decode()
    assert (
        "招商企业落地注册" in page and "招商线索推进阶段" in page and "签约日期" in page
    )


def test_a_refused_settlement_says_why_and_changes_nothing(member) -> None:
    lead = make_lead(actor=member, area=Area.objects.get(code="zgc"))
    client = client_for("member")
    response = client.post(reverse("partners:lead_settle", args=[lead.pk]),
                           {"uscc": next_uscc(), "on": "2019-05-05"}, follow=True)  # fmt: skip
    assert "先将企业录入企业库" in response.content.decode()
    assert Lead.objects.get().stage == "已接洽" and not Enterprise.objects.exists()


def test_another_unit_cannot_advance_a_lead(member) -> None:
    lead = make_lead(actor=member)
    response = client_for("hq").post(reverse("partners:lead_advance", args=[lead.pk]),
                                     {"stage": "已考察", "on": "2019-04-01"})  # fmt: skip
    assert response.status_code == 404


def test_recording_a_trademark_through_the_form(member) -> None:
    firm = make_enterprise("dakoutun", name="商标示例有限公司")
    client = client_for("member")
    response = client.post(reverse("partners:entry_new", args=["trademarks"]), {
        "enterprise": "商标示例有限公司", "number": "21000009", "name": "示例",
        "nice_class": "9", "registered_on": "2019-05-01",
    })  # fmt: skip
    assert response.status_code == 302
    page = client.get(reverse("partners:trademarks")).content.decode()
    assert "21000009" in page and firm.name in page and "累计注册" in page


def test_a_project_form_names_the_enterprise_it_cannot_find(hq) -> None:
    response = client_for("hq").post(reverse("partners:entry_new", args=["projects"]), {
        "title": "项目", "institution": "1", "enterprises": "不存在的公司",
        "started_on": "2019-05-01",
    })  # fmt: skip
    assert "找不到企业“不存在的公司”" in response.content.decode()


def fill(start: int, end: int, member) -> None:  # type: ignore[no-untyped-def]
    for i in range(start, end):
        firm = make_enterprise("dakoutun")
        log_visit(firm, member, follow_up_due=dt.date(2019, 9, 20))
        services.finance_record_create(values={
            "enterprise": firm, "kind": "银行贷款", "provider": f"银行{i}",
            "amount": Decimal("10"), "on": dt.date(2019, 5, 1)}, actor=member)  # fmt: skip
        services.trademark_create(values={
            "enterprise": firm, "number": f"2100{i:04d}", "nice_class": 9,
            "registered_on": dt.date(2019, 5, 1)}, actor=member)  # fmt: skip
        make_lead(actor=member, company=f"线索{i}")
        services.project_create(values={
            "title": f"项目{i}", "institution": Institution.objects.first(),
            "enterprises": [firm], "started_on": dt.date(2019, 5, 1)}, actor=member)  # fmt: skip
        services.event_create(values={
            "topic": "招商", "kind": "展会", "name": f"展会{i}",
            "held_on": dt.date(2019, 5, 1), "participants": [firm]}, actor=member)  # fmt: skip


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "slug",
    [
        "leads",
        "events",
        "finance",
        "trademarks",
        "services",
        "projects",
        "overdue",
        "institutions",
        "index",
    ],
)
def test_list_pages_cost_the_same_queries_for_3_or_12_rows(slug: str, member) -> None:
    client = client_for("town_a")
    url = reverse(f"partners:{slug}")
    fill(0, 3, member)
    few = count_queries(client, url)
    fill(3, 12, member)
    assert count_queries(client, url) == few


def test_the_enterprise_page_costs_the_same_queries_for_1_or_8_visits(member) -> None:
    firm = make_enterprise("dakoutun")
    client = client_for("town_a")
    url = reverse("registry:enterprise_detail", args=[firm.pk])
    log_visit(firm, member)
    few = count_queries(client, url)
    for day in range(2, 9):
        log_visit(firm, member, on=dt.date(2019, 9, day))
    assert count_queries(client, url) == few


def test_an_event_without_registered_enterprises_says_so_to_hq(member) -> None:
    event = services.event_create(
        values={
            "topic": "招商",
            "kind": "展会",
            "name": "驻深圳招商工作站对接",
            "held_on": dt.date(2019, 7, 9),
            "attendance": 25,
        },
        actor=member,
    )
    page = client_for("hq").get(f"/partners/events/{event.pk}/").content.decode()
    assert "本活动没有登记参加企业" in page
    assert "管辖范围" not in page
