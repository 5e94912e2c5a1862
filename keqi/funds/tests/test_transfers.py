"""上级转移支付 income (措施12): recorded by 区财政局 or HQ, only ever added, corrected
by a negative entry, listed with totals and Excel, shown in the year-end settlement."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal as M

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from openpyxl import load_workbook  # type: ignore[import-untyped]

from keqi.core.models import AuditEvent
from keqi.core.testing import persona
from keqi.funds.models_transfer import TransferIncome
from keqi.funds.tests.helpers import client_for, finance
from keqi.funds.transfers import (
    transfer_income_correct,
    transfer_income_record,
    transfer_summary,
)

pytestmark = pytest.mark.django_db
LIST = reverse("funds:transfer_list")


def record(actor, amount: str = "300000.00", **kw):  # type: ignore[no-untyped-def]
    values = {"year": 2019, "level": "city", "title": "市科技型企业培育专项",
              "received_on": dt.date(2019, 7, 1), "amount": M(amount)}  # fmt: skip
    values.update(kw)
    return transfer_income_record(actor=actor, **values)


def test_finance_records_income_through_the_page_and_it_is_audited() -> None:
    response = client_for(finance()).post(LIST, {
        "year": "2019", "level": "central", "title": "中央引导地方科技发展资金",
        "document": "津财教〔2019〕12号", "received_on": "2019-08-15",
        "amount": "1,200,000.5",
    })  # fmt: skip
    assert response.status_code == 302
    row = TransferIncome.objects.get()
    assert row.amount == M("1200000.50") and row.created_by == finance()
    assert AuditEvent.objects.filter(action="transfer_income.record").exists()


def test_a_bad_amount_names_the_field_and_saves_nothing() -> None:
    response = client_for(finance()).post(LIST, {
        "year": "2019", "level": "city", "title": "x", "received_on": "2019-08-15",
        "amount": "12.345",
    })  # fmt: skip
    assert response.status_code == 200
    assert "两位小数" in response.content.decode()
    assert not TransferIncome.objects.exists()


def test_a_correction_cancels_the_income_once_and_keeps_the_original() -> None:
    row = record(finance())
    transfer_income_correct(
        row=row, received_on=dt.date(2019, 7, 2), reason="金额录错", actor=finance()
    )
    assert transfer_summary(2019).total == M("0.00")
    assert TransferIncome.objects.count() == 2
    with pytest.raises(ValidationError, match="已经更正过"):
        transfer_income_correct(
            row=row, received_on=dt.date(2019, 7, 3), reason="再改", actor=finance()
        )


def test_a_mistake_found_years_later_is_cancelled_on_the_receipt_day(
    settings,  # type: ignore[no-untyped-def]
) -> None:
    """The page's 更正 dates the cancelling entry on the receipt's own day, so a
    2019 receipt found wrong in 2021 still leaves 2019's total at zero (dated
    2021 it would be refused: outside 2019 and its next year)."""
    row = record(finance())
    settings.KEQI_BUSINESS_DATE = dt.date(2021, 3, 1)
    url = reverse("funds:transfer_correct", args=[row.pk])
    response = client_for(finance()).post(url, {"reason": "审计发现金额录错"})
    assert response.status_code == 302
    correction = TransferIncome.objects.get(corrects=row)
    assert correction.received_on == dt.date(2019, 7, 1)
    assert correction.amount == M("-300000.00")
    assert transfer_summary(2019).total == M("0.00")


def test_summary_adds_exactly_by_level() -> None:
    record(finance(), "0.10")
    record(finance(), "0.20", level="central")
    summary = transfer_summary(2019)
    assert summary.total == M("0.30")
    assert summary.by_level == [("中央", M("0.20")), ("市级", M("0.10"))]
    assert summary.district_net(M("1.00")) == M("0.70")
    assert summary.district_net_text(M("1.00")).endswith("区级净负担 0.70 元")


def test_the_received_day_must_fall_in_the_year_or_the_next() -> None:
    with pytest.raises(ValidationError, match="到账日期"):
        record(finance(), received_on=dt.date(2021, 1, 5))


def test_only_finance_or_hq_record_and_towns_do_not_see_it() -> None:
    with pytest.raises(PermissionDenied):
        record(persona("member"))
    record(finance())
    assert client_for(persona("town_a")).get(LIST).status_code == 403
    leader = client_for(persona("leader"))
    page = leader.get(LIST, {"year": "2019"})
    assert "市科技型企业培育专项" in page.content.decode()
    assert leader.post(LIST, {"year": "2019"}).status_code == 403


def test_the_list_downloads_as_excel_with_the_filter() -> None:
    record(finance())
    record(finance(), title="去年的", year=2018, received_on=dt.date(2018, 7, 1))
    response = client_for(persona("hq")).get(LIST, {"year": "2019", "format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].values)
    assert rows[0][:3] == ("预算年度", "来源", "资金名称")
    assert [r[2] for r in rows[1:]] == ["市科技型企业培育专项"]


def test_the_settlement_shows_the_income_beside_the_district_share() -> None:
    record(finance(), "300000.00")
    page = client_for(persona("hq")).get(reverse("funds:settlement"), {"year": "2019"})
    text = page.content.decode()
    assert "上级转移支付收入（2019年度）" in text and "300,000.00" in text
    assert "上级转移支付收入超出区级负担 300,000.00 元" in text
    town = client_for(persona("town_a")).get(
        reverse("funds:settlement"), {"year": "2019"}
    )
    assert "上级转移支付收入" not in town.content.decode().split("subnav")[-1]


def test_the_database_refuses_to_edit_or_delete_an_income_entry() -> None:
    row = record(finance(), "300000.00")
    for sql in (
        "UPDATE funds_transferincome SET amount = 1 WHERE id = %s",
        "DELETE FROM funds_transferincome WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="上级转移支付收入只能追加"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [row.pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        TransferIncome.objects.filter(pk=row.pk).delete()
    assert TransferIncome.objects.get(pk=row.pk).amount == M("300000.00")


def test_the_page_offers_a_reversing_entry_never_an_edit_and_it_is_audited(
    settings,
) -> None:
    settings.KEQI_BUSINESS_DATE = dt.date(2019, 9, 30)  # the reversal's day
    row = record(finance(), "300000.00")
    client = client_for(finance())
    text = client.get(LIST, {"year": "2019"}).content.decode()
    correct = reverse("funds:transfer_correct", args=[row.pk])
    assert correct in text and "冲减" in text
    assert "/edit" not in text and "删除" not in text
    response = client.post(correct, {"reason": "文号录错，重新登记"})
    assert response.status_code == 302
    reversal = TransferIncome.objects.get(corrects=row)
    assert reversal.amount == M("-300000.00") and reversal.note == "文号录错，重新登记"
    event = AuditEvent.objects.get(action="transfer_income.correct")
    assert event.reason == "文号录错，重新登记"
    after = client.get(LIST, {"year": "2019"}).content.decode()
    assert correct not in after and "已更正" in after


def test_the_year_summary_on_the_page_counts_the_users_district_only() -> None:
    from keqi.accounts.models import District
    from keqi.accounts.tests.test_districts import load_shifan

    record(finance(), "300000.00")
    load_shifan()
    transfer_income_record(
        year=2019, level="city", title="示范区的收入", received_on=dt.date(2019, 7, 1),
        amount=M("999.00"), actor=None, district=District.objects.get(code="shifan"),
    )  # fmt: skip
    text = client_for(persona("hq")).get(LIST, {"year": "2019"}).content.decode()
    assert "合计 <strong>300,000.00</strong> 元" in text
    assert "示范区的收入" not in text and "300,999.00" not in text
