"""The funds pages end to end: the acceptance journey, scope, downloads, refusals."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document
from openpyxl import load_workbook

from keqi.accounts.models import Area
from keqi.core.dates import business_today
from keqi.core.testing import make_enterprise
from keqi.funds.ledger import ledger_pay
from keqi.funds.models import Award, AwardStatus, EntryKind, LedgerEntry, PublicNotice
from keqi.funds.tests.helpers import (
    CLAUSE,
    M,
    candidate_for,
    client_for,
    finance,
    fund,
    high_tech_firm,
    published,
    rule,
)

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(m) for m in response.context["messages"]]


def test_first_time_high_tech_goes_from_registry_to_notice_to_payment(
    hq, town_a, settings
) -> None:
    rule()
    firm = high_tech_firm("dakoutun", "GR201912000555", name="宝坻首高科技有限公司")
    office, town = client_for(hq), client_for(town_a)
    office.post("/funds/awards/generate/", {"year": "2019"})
    award = Award.objects.get(enterprise=firm)
    assert award.status == AwardStatus.CANDIDATE
    town.post(f"/funds/awards/{award.pk}/check/", {"note": "已核对证书原件"})
    office.post(f"/funds/awards/{award.pk}/approve/", {"note": "同意"})
    settings.KEQI_BUSINESS_DATE = dt.date(2019, 12, 2)  # the 公示 starts today
    office.post(
        "/funds/notices/new/",
        {
            "year": "2019",
            "award": [award.pk],
            "title": "2019年度首次认定高企奖励公示",
            "starts_on": "2019-12-02",
            "ends_on": "2019年12月8日",
        },
    )
    notice = PublicNotice.objects.get()
    page = town.get(f"/funds/notices/{notice.pk}/").content.decode()
    for text in ("宝坻首高科技有限公司", CLAUSE, "GR201912000555", "2019-11-28"):
        assert text in page
    assert "200,000.00" in page and "指挥部录入" in page
    sheet = load_workbook(
        BytesIO(town.get(f"/funds/notices/{notice.pk}/export.xlsx").content)
    ).active
    header, row = [c.value for c in sheet[3]], [c.value for c in sheet[4]]
    values = dict(zip(header, row, strict=True))
    assert values["条款原文"] == CLAUSE and values["证书编号"] == "GR201912000555"
    assert values["取得日期"].date() == dt.date(2019, 11, 28)
    assert values["奖励金额（元）"] == 200000
    settings.KEQI_BUSINESS_DATE = dt.date(2019, 12, 20)  # after the 公示
    client_for(finance()).post(
        f"/funds/awards/{award.pk}/pay/",
        {"amount": "200,000", "entry_date": "2019-12-20", "payer": "district"},
    )
    award.refresh_from_db()
    assert award.status == AwardStatus.PAID
    detail = town.get(f"/funds/awards/{award.pk}/").content.decode()
    for step in (
        "生成奖励候选",
        "街镇/园区核实",
        "指挥部审批通过",
        "发布公示",
        "登记拨付",
    ):
        assert step in detail
    assert "已公示待拨付" in detail and "已拨付" in detail  # status labels, not codes


def test_town_user_gets_404_on_another_towns_award_notice_and_statement(
    hq, town_b
) -> None:
    rule()
    award = published(candidate_for(high_tech_firm("dakoutun")))
    ledger_pay(award=award, amount=M("1"), entry_date=dt.date(2019, 12, 20), actor=hq)
    other = client_for(town_b)
    entry = LedgerEntry.objects.get()
    assert other.get(f"/funds/awards/{award.pk}/").status_code == 404
    assert other.get(f"/funds/notices/{award.notice_id}/").status_code == 404
    assert other.get(f"/funds/notices/{award.notice_id}/export.xlsx").status_code == 404
    assert other.get("/funds/settlement/2019/dakoutun/").status_code == 404
    assert (
        other.get("/funds/settlement/2019/dakoutun/statement.xlsx").status_code == 404
    )
    assert other.get("/funds/ledger/?area=dakoutun").status_code == 404
    response = other.post(f"/funds/ledger/{entry.pk}/reverse/", {"reason": "x"})
    assert response.status_code == 404


def test_the_ledger_year_is_picked_from_a_list_that_offers_all_years(hq) -> None:  # type: ignore[no-untyped-def]
    rule()
    award = published(candidate_for(high_tech_firm("dakoutun", "GR1", name="去年企业")))
    ledger_pay(award=award, amount=M("100"), entry_date=dt.date(2020, 1, 6), actor=hq)
    c = client_for(hq)
    page = c.get("/funds/ledger/?year=2020").content.decode()
    assert '<option value="all">全部年度</option>' in page
    assert '<option value="2020" selected>2020年</option>' in page
    assert f'<option value="{business_today().year}">' in page
    assert "填 all" not in page
    everything = c.get("/funds/ledger/?year=all").content.decode()
    assert '<option value="all" selected>全部年度</option>' in everything
    assert "去年企业" in everything


def test_an_area_user_sees_only_their_areas_money_on_the_ledger(hq, town_a) -> None:
    rule()
    mine = published(candidate_for(high_tech_firm("dakoutun", "GR1", name="本镇企业")))
    theirs = published(candidate_for(high_tech_firm("koudong", "GR2", name="外镇企业")))
    for award in (mine, theirs):
        ledger_pay(
            award=award, amount=M("100"), entry_date=dt.date(2019, 12, 20), actor=hq
        )
    c = client_for(town_a)
    page = c.get("/funds/ledger/?year=2019").content.decode()
    assert "本镇企业" in page and "外镇企业" not in page
    book = load_workbook(BytesIO(c.get("/funds/ledger/export.xlsx?year=2019").content))
    names = [row[4].value for row in book["台账明细"].iter_rows(min_row=2)]
    assert names == ["本镇企业", None]  # then the total row
    settlement = c.get("/funds/settlement/?year=2019").content.decode()
    assert "大口屯镇" in settlement and "口东镇应向" not in settlement
    assert "全区合计" not in settlement


def test_a_reversal_on_the_page_keeps_both_entries_visible(hq) -> None:
    rule()
    award = published(candidate_for(high_tech_firm()))
    wrong = ledger_pay(
        award=award, amount=M("2000"), entry_date=dt.date(2019, 12, 20), actor=hq
    )
    c = client_for(finance())
    c.post(
        f"/funds/ledger/{wrong.pk}/reverse/",
        {"reason": "金额错误", "entry_date": "2019-12-21"},
    )
    back = LedgerEntry.objects.get(kind=EntryKind.REVERSAL)
    assert back.reverses == wrong and back.amount == M("-2000.00")
    page = c.get("/funds/ledger/?year=2019").content.decode()
    assert f"#{wrong.pk}" in page and f"冲销 #{wrong.pk}" in page
    assert "已冲销" in page and "-2,000.00" in page


def test_member_units_read_but_cannot_pay_or_set_ratios(hq, member) -> None:
    rule()
    award = published(candidate_for(high_tech_firm()))
    c = client_for(member)
    assert c.get(f"/funds/awards/{award.pk}/").status_code == 200
    pay = c.post(
        f"/funds/awards/{award.pk}/pay/",
        {"amount": "1", "entry_date": "2019-12-20", "payer": "district"},
    )
    assert pay.status_code == 403
    ratio = c.post(
        "/funds/settlement/ratio/",
        {
            "year": "2019",
            "area": Area.objects.get(code="dakoutun").pk,
            "award_type": "high_tech",
            "area_percent": "1",
        },
    )
    assert ratio.status_code == 403
    assert not LedgerEntry.objects.exists()


def test_a_refused_payment_says_why_in_chinese(hq) -> None:
    rule()
    award = published(candidate_for(high_tech_firm()))
    response = client_for(hq).post(
        f"/funds/awards/{award.pk}/pay/",
        {"amount": "1", "entry_date": "2019-12-05", "payer": "district"},
        follow=True,
    )
    assert "公示期满后方可拨付" in " ".join(_messages(response))
    bad = client_for(hq).post(
        f"/funds/awards/{award.pk}/pay/",
        {"amount": "1.234", "entry_date": "2019-12-20", "payer": "district"},
        follow=True,
    )
    assert "两位小数" in " ".join(_messages(bad))
    assert not LedgerEntry.objects.exists()


def test_rule_form_saves_an_entered_amount_and_rejects_a_bad_one(hq) -> None:
    data = {
        "name": "雏鹰企业首次认定奖励",
        "award_type": "growth",
        "fund": fund().pk,
        "trigger_kind": "雏鹰企业",
        "first_time_only": "on",
        "amount": "50,000",
        "amount_source": "hq",
        "effective_from": "2019-01-01",
        "basis_document": "某文件",
        "basis_article": "第四条",
        "basis_text": "对首次认定的雏鹰企业给予奖励。",
    }
    c = client_for(hq)
    assert c.post("/funds/rules/new/", data).status_code == 302
    page = c.get("/funds/rules/").content.decode()
    assert "50,000.00" in page and "指挥部录入（文件未规定金额）" in page
    again = c.post("/funds/rules/new/", data | {"amount": "abc"})
    assert again.status_code == 200 and "不是有效的数字" in again.content.decode()
    overlap = c.post("/funds/rules/new/", data | {"name": "重复的雏鹰奖励"})
    assert "重叠" in overlap.content.decode()


def test_area_staff_cannot_open_the_rule_form(town_a) -> None:
    assert client_for(town_a).get("/funds/rules/new/").status_code == 403


def test_statement_downloads_carry_the_pages_figures(hq) -> None:
    rule()
    award = published(candidate_for(high_tech_firm()))
    ledger_pay(
        award=award, amount=M("200000"), entry_date=dt.date(2019, 12, 20), actor=hq
    )
    c = client_for(finance())
    page = c.get("/funds/settlement/2019/dakoutun/").content.decode()
    assert "大口屯镇应向区财政上缴 100,000.00 元" in page
    book = load_workbook(
        BytesIO(c.get("/funds/settlement/2019/dakoutun/statement.xlsx").content)
    )
    cells = [c.value for row in book.active.iter_rows() for c in row]
    assert "大口屯镇2019年度科技企业奖补资金结算单" in cells
    assert "大口屯镇应向区财政上缴 100,000.00 元" in cells
    word = Document(
        BytesIO(c.get("/funds/settlement/2019/dakoutun/statement.docx").content)
    )
    text = "\n".join(p.text for p in word.paragraphs)
    assert "大口屯镇应向区财政上缴 100,000.00 元" in text and "四舍五入到分" in text
    assert c.get("/funds/settlement/2019/dakoutun/statement.pdf").status_code == 404


def test_closing_a_year_on_the_page_freezes_it(hq) -> None:
    rule()
    award = published(candidate_for(high_tech_firm()))
    c = client_for(finance())
    response = c.post("/funds/settlement/close/", {"year": "2019"}, follow=True)
    assert "已结算关账" in " ".join(_messages(response))
    pay = c.post(
        f"/funds/awards/{award.pk}/pay/",
        {"amount": "1", "entry_date": "2019-12-20", "payer": "district"},
        follow=True,
    )
    assert "2019年度已结算关账" in " ".join(_messages(pay))
    page = c.get("/funds/settlement/?year=2019").content.decode()
    assert "已结算关账" in page and "设定比例" not in page


def test_closing_the_current_year_is_refused_in_chinese(hq) -> None:
    year = business_today().year
    response = client_for(hq).post(
        "/funds/settlement/close/", {"year": str(year)}, follow=True
    )
    assert "尚未执行终了" in " ".join(_messages(response))


def test_award_list_query_count_does_not_grow_with_awards(hq) -> None:
    rule()
    for i in range(3):
        high_tech_firm(number=f"GR-{i}")
    c = client_for(hq)
    c.post("/funds/awards/generate/", {"year": "2019"})
    with CaptureQueriesContext(connection) as few:
        c.get("/funds/awards/?year=2019")
    for i in range(3, 9):
        high_tech_firm(number=f"GR-{i}")
    c.post("/funds/awards/generate/", {"year": "2019"})
    with CaptureQueriesContext(connection) as many:
        assert "GR-8" in c.get("/funds/awards/?year=2019").content.decode()
    assert len(many) == len(few)


def test_ledger_page_query_count_does_not_grow_with_entries(hq) -> None:
    rule()
    awards = [
        published(candidate_for(high_tech_firm(number=f"GR-{i}"))) for i in range(4)
    ]
    ledger_pay(
        award=awards[0], amount=M("1"), entry_date=dt.date(2019, 12, 20), actor=hq
    )
    c = client_for(hq)
    with CaptureQueriesContext(connection) as few:
        c.get("/funds/ledger/?year=2019")
    for a in awards[1:]:
        ledger_pay(award=a, amount=M("1"), entry_date=dt.date(2019, 12, 20), actor=hq)
    with CaptureQueriesContext(connection) as many:
        c.get("/funds/ledger/?year=2019")
    assert len(many) == len(few)


def test_generating_twice_on_the_page_reports_nothing_new(hq) -> None:
    rule()
    make_enterprise("dakoutun")
    high_tech_firm()
    c = client_for(hq)
    c.post("/funds/awards/generate/", {"year": "2019"})
    again = c.post("/funds/awards/generate/", {"year": "2019"}, follow=True)
    assert "新生成候选 0 项，已存在 1 项" in " ".join(_messages(again))
    assert Award.objects.count() == 1


def test_statement_page_shows_who_set_the_areas_ratio_and_why(hq) -> None:
    c = client_for(finance())
    c.post(
        "/funds/settlement/ratio/",
        {
            "year": "2019",
            "area": Area.objects.get(code="dakoutun").pk,
            "award_type": "high_tech",
            "area_percent": "35",
            "reason": "区政府常务会议纪要第8号",
        },
    )
    page = c.get("/funds/settlement/2019/dakoutun/").content.decode()
    assert "设定结算比例" in page and "区政府常务会议纪要第8号" in page
    assert "财政局经办人" in page
    grid = c.get("/funds/settlement/?year=2019").content.decode()
    assert ">35<" in grid


def test_a_payment_reversed_next_year_is_marked_on_its_years_ledger(hq) -> None:
    rule()
    award = published(candidate_for(high_tech_firm()))
    entry = ledger_pay(
        award=award, amount=M("10"), entry_date=dt.date(2019, 12, 20), actor=hq
    )
    client_for(hq).post(
        f"/funds/ledger/{entry.pk}/reverse/",
        {"reason": "次年发现错误", "entry_date": "2020-01-06"},
    )
    page = client_for(hq).get("/funds/ledger/?year=2019").content.decode()
    assert "已冲销" in page and "次年发现错误" not in page
    assert (
        "次年发现错误"
        in client_for(hq).get("/funds/ledger/?year=2020").content.decode()
    )


def test_budget_page_sets_and_shows_budget_against_paid_with_its_history(hq) -> None:
    rule()
    award = published(candidate_for(high_tech_firm()))
    ledger_pay(
        award=award, amount=M("200000"), entry_date=dt.date(2019, 12, 20), actor=hq
    )
    c = client_for(finance())
    c.post(
        "/funds/budgets/set/",
        {"year": "2019", "fund": fund().pk, "amount": "800,000", "reason": "年初预算"},
    )
    page = c.get(f"/funds/budgets/?year=2019&fund={fund().pk}").content.decode()
    assert "800,000.00" in page and "200,000.00" in page and "25.0%" in page
    assert "设定资金预算" in page and "年初预算" in page
    by_number = c.get(f"/funds/ledger/?year=2019&fund={fund().pk}")
    by_code = c.get(f"/funds/ledger/?year=2019&fund={fund().code}")
    assert by_number.status_code == by_code.status_code == 200
    assert c.get("/funds/ledger/?fund=nosuch").status_code == 404


def test_the_notice_ledger_and_statement_write_formula_like_names_as_text(
    hq,
) -> None:
    rule()
    hostile = "=cmd|' /C calc'!A0"
    firm = high_tech_firm("dakoutun", "GR201912000556", name=hostile)
    award = published(candidate_for(firm))
    ledger_pay(award=award, amount=M("100"), entry_date=dt.date(2019, 12, 20), actor=hq)
    office = client_for(hq)
    for url in (
        f"/funds/notices/{award.notice_id}/export.xlsx",
        "/funds/ledger/export.xlsx?year=2019",
        "/funds/settlement/2019/dakoutun/statement.xlsx",
    ):
        book = load_workbook(BytesIO(office.get(url).content))
        cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
        assert all(c.data_type != "f" for c in cells), url
        assert not any(
            isinstance(c.value, str) and c.value.startswith("=") for c in cells
        ), url
    notice = load_workbook(
        BytesIO(office.get(f"/funds/notices/{award.notice_id}/export.xlsx").content)
    ).active
    assert "'" + hostile in [c.value for row in notice.iter_rows() for c in row]
