"""Every list downloads as Excel with the page's filters; generated reports are kept."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from keqi.accounts.models import Area
from keqi.campaign.tests.helpers import baodi_plan, grant
from keqi.core.models import GeneratedReport
from keqi.core.testing import make_enterprise
from keqi.cultivation.tests.helpers import D
from keqi.cultivation.tests.helpers import grant as grant_on
from keqi.registry.models import QualificationKind as K
from keqi.registry.services import enterprise_upsert

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def sheet_rows(response) -> tuple[list[list[object]], dict[str, object]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    table = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    about = {r[0]: r[1] for r in book["说明"].iter_rows(values_only=True)}
    return table, about


@pytest.fixture
def high_techs(db) -> None:  # type: ignore[no-untyped-def]
    grant_on(make_enterprise("dakoutun", name="大口屯甲"), K.HIGH_TECH, D(2018, 1, 1))
    grant_on(make_enterprise("dakoutun", name="大口屯乙"), K.HIGH_TECH, D(2018, 3, 1))
    grant_on(make_enterprise("koudong", name="口东甲"), K.HIGH_TECH, D(2018, 1, 1))


def test_a_library_export_has_the_pages_rows_and_says_what_it_is(
    high_techs, hq
) -> None:  # type: ignore[no-untyped-def]
    area = Area.objects.get(code="dakoutun")
    url = f"/cultivation/libraries/high_tech/?on=2019-12-31&area={area.pk}"
    table, about = sheet_rows(client_for(hq).get(url + "&format=xlsx"))
    assert table[0][:2] == ["企业名称", "统一社会信用代码"]
    assert sorted(r[0] for r in table[1:]) == ["大口屯乙", "大口屯甲"]
    assert about["统计日期"] == dt.datetime(2019, 12, 31)
    assert about["街镇/园区"] == area.name and about["记录数"] == 2
    assert str(about["数据版本"]).startswith("第 ")
    page = client_for(hq).get(url).content.decode()
    assert "format=xlsx" in page and "导出 Excel" in page


def test_a_town_users_export_holds_only_its_own_area(high_techs, town_a) -> None:  # type: ignore[no-untyped-def]
    url = "/cultivation/libraries/high_tech/?on=2019-12-31&format=xlsx"
    table, _ = sheet_rows(client_for(town_a).get(url))
    assert sorted(r[0] for r in table[1:]) == ["大口屯乙", "大口屯甲"]
    other = Area.objects.get(code="koudong").pk
    assert client_for(town_a).get(f"{url}&area={other}").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/cultivation/tiers/?on=2019-12-31",
        "/cultivation/libraries/high_tech/changes/?from=2017-12-31&to=2019-12-31",
        "/cultivation/reminders/?on=2019-12-31",
        "/cultivation/reserve/tech_sme/?on=2019-12-31",
        "/cultivation/rd/list/?year=2018",
    ],
)
def test_each_cultivation_list_downloads_as_excel(high_techs, hq, url) -> None:  # type: ignore[no-untyped-def]
    table, about = sheet_rows(client_for(hq).get(url + "&format=xlsx"))
    assert about["记录数"] == len(table) - 1
    assert all(isinstance(h, str) and h for h in table[0])


def test_the_change_report_export_lists_the_new_members(high_techs, hq) -> None:  # type: ignore[no-untyped-def]
    url = "/cultivation/libraries/high_tech/changes/?from=2017-12-31&to=2019-12-31"
    table, _ = sheet_rows(client_for(hq).get(url + "&format=xlsx"))
    assert sorted((r[0], r[1]) for r in table[1:]) == [
        ("新增", "口东甲"),
        ("新增", "大口屯乙"),
        ("新增", "大口屯甲"),
    ]


@pytest.mark.parametrize(
    "url",
    [
        "/campaign/?as_of=2019-07-01",
        "/campaign/targets/high-tech/records/?as_of=2019-07-01",
        "/campaign/reports/?x=1",
        "/campaign/meetings/?as_of=2019-07-01",
        "/campaign/assessment/?as_of=2019-07-01",
    ],
)
def test_each_campaign_list_downloads_as_excel(hq, url) -> None:  # type: ignore[no-untyped-def]
    baodi_plan()
    grant("高新技术企业", dt.date(2019, 6, 12), number="GR201912000007")
    table, about = sheet_rows(client_for(hq).get(url + "&format=xlsx"))
    assert about["记录数"] == len(table) - 1


def test_the_target_export_holds_the_record_behind_the_figure(hq) -> None:  # type: ignore[no-untyped-def]
    baodi_plan()
    grant("高新技术企业", dt.date(2019, 6, 12), number="GR201912000007")
    url = "/campaign/targets/high-tech/records/?as_of=2019-07-01&format=xlsx"
    table, _ = sheet_rows(client_for(hq).get(url))
    assert [r[4] for r in table[1:]] == ["GR201912000007"]


def test_a_downloaded_summary_is_kept_with_its_data_version(hq, town_a) -> None:  # type: ignore[no-untyped-def]
    baodi_plan()
    url = "/campaign/summary/?month=2019-06&as_of=2019-07-01"
    first = client_for(hq).get(url)
    kept = GeneratedReport.objects.get()
    assert kept.filename.endswith(".docx") and kept.as_of == dt.date(2019, 7, 1)
    again = client_for(hq).get(f"/reports/{kept.pk}/")
    assert again.content == first.content
    page = client_for(hq).get("/reports/").content.decode()
    assert kept.filename in page and "此后数据有变动" not in page
    enterprise_upsert(uscc=make_enterprise().uscc, values={"name": "改名"}, actor=hq)
    page = client_for(hq).get("/reports/").content.decode()
    assert "此后数据有变动" in page
    assert client_for(town_a).get(f"/reports/{kept.pk}/").status_code == 404
