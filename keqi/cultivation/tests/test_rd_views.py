from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from keqi.accounts.models import Area
from keqi.core.testing import add_figures, make_enterprise
from keqi.cultivation.tests.test_library_views import client_for

pytestmark = pytest.mark.django_db
M = Decimal


@pytest.fixture
def firms(db) -> None:  # type: ignore[no-untyped-def]
    a = make_enterprise("dakoutun", name="大口屯甲", key_industry="人工智能")
    add_figures(a, 2018, rd_expense=M("100"), sales_revenue=M("2000"))
    add_figures(a, 2019, rd_expense=M("80"), sales_revenue=M("3000"))
    b = make_enterprise("koudong", name="口东乙", key_industry="生物医药")
    add_figures(b, 2018, rd_expense=M("10"))
    add_figures(b, 2019, rd_expense=M("50"), sales_revenue=M("40"))


def test_monitor_shows_intensity_and_links_numbers_to_lists(firms, hq) -> None:
    c = client_for(hq)
    page = c.get("/cultivation/rd/?year=2019").content.decode()
    assert "2.67%" in page  # 80 / 3000
    assert "/cultivation/rd/list/?year=2019&amp;area=" in page
    assert "研发费用激增" in page and "本年 &gt; 上年 × 4" in page
    fell = c.get("/cultivation/rd/list/?year=2019&show=fell").content.decode()
    assert "大口屯甲" in fell and "口东乙" not in fell
    flagged = c.get("/cultivation/rd/list/?year=2019&show=flagged").content.decode()
    assert "口东乙" in flagged and "研发费用超过销售收入" in flagged


def test_town_user_sees_only_their_area_and_404_for_another(firms, town_a) -> None:
    c = client_for(town_a)
    page = c.get("/cultivation/rd/list/?year=2019").content.decode()
    assert "大口屯甲" in page and "口东乙" not in page
    koudong = Area.objects.get(code="koudong").pk
    assert c.get(f"/cultivation/rd/?year=2019&area={koudong}").status_code == 404
    assert c.get(f"/cultivation/rd/export.xlsx?area={koudong}").status_code == 404


def test_unknown_industry_or_list_is_404(firms, hq) -> None:
    c = client_for(hq)
    assert c.get("/cultivation/rd/?industry=造船").status_code == 404
    assert c.get("/cultivation/rd/list/?show=everything").status_code == 404


def test_export_has_the_same_filters_and_scope_as_the_page(firms, town_b) -> None:
    response = client_for(town_b).get("/cultivation/rd/export.xlsx?year=2019")
    assert response.status_code == 200
    wb = load_workbook(BytesIO(response.content))
    assert wb.sheetnames == [
        "按街镇园区",
        "按重点产业",
        "企业明细",
        "研发下降企业",
        "异常提示",
        "异常规则",
    ]
    names = [row[0] for row in wb["企业明细"].iter_rows(min_row=2, values_only=True)]
    assert names == ["口东乙"]
    totals = list(wb["按街镇园区"].iter_rows(min_row=2, values_only=True))
    assert [t[0] for t in totals] == ["口东镇", "合计"]
    assert M(str(totals[-1][4])) == M("50")
    flagged = list(wb["异常提示"].iter_rows(min_row=2, values_only=True))
    assert flagged[0][-1] == "研发费用激增、研发费用超过销售收入"


def test_a_bad_year_is_reported_in_chinese(firms, hq) -> None:
    page = client_for(hq).get("/cultivation/rd/?year=二〇一九").content.decode()
    assert "不是有效的年份" in page


def test_rd_list_query_count_does_not_grow_with_rows(hq) -> None:
    c = client_for(hq)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert c.get("/cultivation/rd/list/?year=2019").status_code == 200
            assert c.get("/cultivation/rd/?year=2019").status_code == 200
        return len(ctx.captured_queries)

    add_figures(make_enterprise("koudong"), 2019, rd_expense=M("1"))
    few = queries()
    for _ in range(5):
        add_figures(make_enterprise("dakoutun"), 2019, rd_expense=M("1"))
    # two pages; each reads its district's 重点产业 list once (the filter's choices)
    assert queries() == few <= 18


def test_list_is_paged_with_its_total_equal_to_the_download(
    firms, hq, monkeypatch
) -> None:
    from keqi.cultivation import paging

    monkeypatch.setattr(paging, "PAGE_SIZE", 2)
    for n in range(3):
        e = make_enterprise("dakoutun", name=f"大口屯{n}", key_industry="人工智能")
        add_figures(e, 2019, rd_expense=M("1"), sales_revenue=M("10"))
    c = client_for(hq)
    url = "/cultivation/rd/list/?year=2019&industry=人工智能&show=reporting"
    page = c.get(url).content.decode()
    assert "共 <strong>4</strong> 家" in page and "第 1 / 2 页，共 4 条" in page
    assert "industry=%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD" in page and "page=2" in page
    second = c.get(url + "&page=2").content.decode()
    assert "大口屯甲" in second and "大口屯0" not in second  # by name: 0 1 2 甲
    sheet = load_workbook(BytesIO(c.get(url + "&format=xlsx").content)).active
    names = [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["大口屯0", "大口屯1", "大口屯2", "大口屯甲"]
    monitor = c.get("/cultivation/rd/?year=2019&industry=人工智能").content.decode()
    assert 'show=reporting">4</a>' in monitor
