"""A monthly report can be opened only for one of the plan's reporting months, on
the web page as through the API (one check, keqi.campaign.board), and a far month
(9999-12) is refused in Chinese instead of a server error."""

from __future__ import annotations

import pytest
from django.test import Client

from keqi.campaign.models import ProgressReport
from keqi.campaign.tests.helpers import baodi_plan
from keqi.core.testing import persona

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def plan(db: None) -> None:
    baodi_plan()


def web(name: str) -> Client:
    client = Client()
    client.force_login(persona(name))
    return client


@pytest.mark.parametrize("month", ["2019-03", "2020-06", "2031-01"])
def test_a_member_unit_cannot_open_a_web_report_for_a_month_outside_the_plan(
    month: str,
) -> None:
    response = web("member").post(
        "/campaign/reports/open/", {"month": month}, follow=True
    )
    page = response.content.decode()
    assert "该月份不需报送月报（报送月份：2019-05 至 2019-12）" in page
    assert not ProgressReport.objects.exists()


def test_a_month_inside_the_plan_still_opens_the_report() -> None:
    response = web("member").post("/campaign/reports/open/", {"month": "2019-08"})
    report = ProgressReport.objects.get()
    assert response["Location"] == f"/campaign/reports/{report.pk}/"
    assert report.unit == persona("member").unit


def test_the_web_and_the_api_give_the_same_refusal() -> None:
    from keqi.api.tests.helpers import api_as

    api = api_as("member").post("/api/v1/reports/open/", {"month": "2020-06"})
    page = web("member").post(
        "/campaign/reports/open/", {"month": "2020-06"}, follow=True
    )
    assert api.json()["errors"]["month"][0] in page.content.decode()


@pytest.mark.parametrize("name", ["member", "hq"])
def test_month_9999_12_is_refused_in_chinese_not_a_server_error(name: str) -> None:
    response = web(name).post(
        "/campaign/reports/open/", {"month": "9999-12"}, follow=True
    )
    assert response.status_code == 200
    assert "超出可接受的年份（1900–2100年）" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_closing_month_9999_12_is_refused_in_chinese() -> None:
    response = web("hq").post(
        "/campaign/months/close/", {"month": "9999-12"}, follow=True
    )
    assert response.status_code == 200
    assert "超出可接受的年份" in response.content.decode()


def test_a_far_as_of_day_on_the_board_is_a_message_not_a_server_error() -> None:
    response = web("hq").get("/campaign/?as_of=9999-12-31")
    assert response.status_code == 200
    assert "超出可接受的年份" in response.content.decode()
