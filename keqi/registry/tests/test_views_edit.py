"""Edit forms: what staff type is read exactly, bad input is refused in Chinese and
changes nothing, every save is audited with its reason, and a stale form never
overwrites someone else's change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

from keqi.core.audit import AuditAction
from keqi.core.models import AuditEvent
from keqi.core.testing import add_figures, make_enterprise, next_uscc, persona
from keqi.registry.models import (
    AnnualFigures,
    CreditRecord,
    Enterprise,
    IntellectualProperty,
    Qualification,
)
from keqi.registry.services import figures_upsert, ip_upsert, qualification_upsert


@pytest.fixture
def firm(db: Any) -> Enterprise:
    return make_enterprise("dakoutun", name="大口屯甲科技有限公司")


@pytest.fixture
def staff(db: Any) -> Client:
    """An officer of 大口屯镇, where `firm` is."""
    client = Client()
    client.force_login(persona("town_a"))
    return client


def form_data(client: Client, url: str, **changes: Any) -> dict[str, Any]:
    """What the browser would post back after the user changed `changes`."""
    form = client.get(url).context["form"]
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = field.prepare_value(form[name].value())
        if value is None and isinstance(field, forms.NullBooleanField):
            value = "unknown"
        data[name] = "" if value is None else value
    data.update(changes)
    return data


def last_event(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).latest("id")


# ---------------------------------------------------------------- figures


def test_adding_a_year_reads_full_width_digits_and_thousands_separators(
    firm: Enterprise, staff: Client
) -> None:
    url = reverse("registry:figures_add", args=[firm.pk])
    response = staff.post(
        url,
        form_data(
            staff,
            url,
            year="２０１９",
            sales_revenue="1,234.5",
            rd_expense="１２３．４５",
            staff_total="1,200",
            reason="据2019年度审计报告录入",
        ),
    )
    assert response.status_code == 302
    row = AnnualFigures.objects.get(enterprise=firm, year=2019)
    assert row.sales_revenue == Decimal("1234.5")
    assert row.rd_expense == Decimal("123.45")
    assert row.staff_total == 1200
    assert row.total_assets is None  # left blank: unknown, not zero
    event = last_event(AuditAction.FIGURES_CREATE)
    assert event.reason == "据2019年度审计报告录入"
    assert event.subject == firm.subject


def test_saving_shows_a_message_naming_what_was_saved(
    firm: Enterprise, staff: Client
) -> None:
    url = reverse("registry:figures_add", args=[firm.pk])
    response = staff.post(url, form_data(staff, url, year="2019"), follow=True)
    assert "已保存：2019年度数据" in response.content.decode()


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("sales_revenue", "一千", "不是有效的数字"),
        ("sales_revenue", "-5", "不能为负数"),
        ("sales_revenue", "1.1234567", "最多保留6位小数"),
        ("staff_total", "3.5", "应为整数"),
        ("year", "1850", "应在 1980"),
    ],
)
def test_bad_figures_are_refused_in_chinese_and_nothing_is_saved(
    firm: Enterprise, staff: Client, field: str, typed: str, message: str
) -> None:
    url = reverse("registry:figures_add", args=[firm.pk])
    data = form_data(staff, url, year="2019")
    data[field] = typed
    response = staff.post(url, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AnnualFigures.objects.exists()


def test_profit_may_be_negative(firm: Enterprise, staff: Client) -> None:
    url = reverse("registry:figures_add", args=[firm.pk])
    staff.post(url, form_data(staff, url, year="2019", profit_total="-12.5"))
    assert AnnualFigures.objects.get().profit_total == Decimal("-12.5")


def test_more_rd_staff_than_staff_is_refused(firm: Enterprise, staff: Client) -> None:
    url = reverse("registry:figures_add", args=[firm.pk])
    data = form_data(staff, url, year="2019", staff_total="10", rd_staff="11")
    response = staff.post(url, data)
    assert "研发人员数不能多于职工总数" in response.content.decode()
    assert not AnnualFigures.objects.exists()


def test_adding_a_year_that_exists_is_refused_instead_of_overwriting(
    firm: Enterprise, staff: Client
) -> None:
    add_figures(firm, 2019, sales_revenue=Decimal("100"))
    url = reverse("registry:figures_add", args=[firm.pk])
    response = staff.post(url, form_data(staff, url, year="2019", sales_revenue="1"))
    assert "2019年度数据已存在" in response.content.decode()
    assert AnnualFigures.objects.get().sales_revenue == Decimal("100")


def test_editing_a_year_records_old_and_new_values(
    firm: Enterprise, staff: Client
) -> None:
    add_figures(firm, 2019, sales_revenue=Decimal("100.5"), staff_total=10)
    url = reverse("registry:figures_edit", args=[firm.pk, 2019])
    assert 'value="100.5"' in staff.get(url).content.decode()  # not 100.500000
    data = form_data(staff, url, sales_revenue="120", reason="更正")
    assert staff.post(url, data).status_code == 302
    event = last_event(AuditAction.FIGURES_UPDATE)
    assert list(event.changes) == ["sales_revenue"]
    assert event.reason == "更正"
    page = staff.get(reverse("registry:enterprise_detail", args=[firm.pk]))
    assert page.context["history"][0].changes == [("销售收入（万元）", "100.5", "120")]


def test_saving_an_unchanged_form_records_no_change(
    firm: Enterprise, staff: Client
) -> None:
    add_figures(firm, 2019, sales_revenue=Decimal("100.5"), rd_expense=Decimal("0.25"))
    url = reverse("registry:figures_edit", args=[firm.pk, 2019])
    events = AuditEvent.objects.count()
    assert staff.post(url, form_data(staff, url)).status_code == 302
    assert AuditEvent.objects.count() == events


def test_a_stale_form_is_refused_and_the_other_change_survives(
    firm: Enterprise, staff: Client
) -> None:
    add_figures(firm, 2019, sales_revenue=Decimal("100"))
    url = reverse("registry:figures_edit", args=[firm.pk, 2019])
    mine = form_data(staff, url, sales_revenue="150")
    figures_upsert(  # a colleague saves first
        enterprise=firm,
        year=2019,
        values={"sales_revenue": Decimal("130")},
        actor=persona("hq"),
    )
    response = staff.post(url, mine)
    assert response.status_code == 400
    assert "该记录已被他人修改，请刷新后重试" in response.content.decode()
    assert AnnualFigures.objects.get().sales_revenue == Decimal("130")


def test_a_form_for_a_deleted_record_is_refused(
    firm: Enterprise, staff: Client
) -> None:
    ip = ip_upsert(
        enterprise=firm, number="ZL1", values={"category": "发明专利"}, actor=None
    ).row
    url = reverse("registry:ip_edit", args=[firm.pk, ip.pk])
    data = form_data(staff, url, name="新名称")
    IntellectualProperty.objects.filter(pk=ip.pk).delete()
    assert staff.post(url, data).status_code == 404


# ---------------------------------------------------------------- enterprise


def test_town_staff_register_an_enterprise_in_their_own_town(staff: Client) -> None:
    url = reverse("registry:enterprise_create")
    area = persona("town_a").unit.area
    code = next_uscc()
    data = form_data(
        staff,
        url,
        uscc=f" {code.lower()} ",
        name="新建科技有限公司",
        founded_on="2018年6月1日",
        area=area.pk,
        reason="新入库",
    )
    response = staff.post(url, data)
    assert response.status_code == 302
    made = Enterprise.objects.get(uscc=code)
    assert made.founded_on == dt.date(2018, 6, 1)
    assert last_event(AuditAction.ENTERPRISE_CREATE).reason == "新入库"


def test_town_staff_cannot_register_an_enterprise_in_another_town(
    staff: Client,
) -> None:
    url = reverse("registry:enterprise_create")
    other = persona("town_b").unit.area
    data = form_data(
        staff, url, uscc=next_uscc(), name="越界公司", founded_on="2018-06-01"
    )
    data["area"] = other.pk
    response = staff.post(url, data)
    assert response.status_code == 400
    assert not Enterprise.objects.filter(name="越界公司").exists()


def test_a_wrong_check_digit_is_refused_with_the_expected_character(
    db: Any, staff: Client
) -> None:
    code = next_uscc()
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    url = reverse("registry:enterprise_create")
    data = form_data(staff, url, uscc=wrong, name="甲", founded_on="2018-06-01")
    data["area"] = persona("town_a").unit.area.pk
    response = staff.post(url, data)
    assert f"第18位应为{code[17]}" in response.content.decode()
    assert not Enterprise.objects.exists()


def test_registering_a_code_already_in_the_registry_is_refused(
    firm: Enterprise, staff: Client
) -> None:
    url = reverse("registry:enterprise_create")
    data = form_data(staff, url, uscc=firm.uscc, name="重复", founded_on="2018-06-01")
    data["area"] = firm.area_id
    response = staff.post(url, data)
    assert "该统一社会信用代码已在企业库中登记" in response.content.decode()
    assert Enterprise.objects.get().name == "大口屯甲科技有限公司"


def test_editing_basic_info_keeps_unknown_yes_no_answers_unknown(
    firm: Enterprise, staff: Client
) -> None:
    url = reverse("registry:enterprise_edit", args=[firm.pk])
    response = staff.post(url, form_data(staff, url, tech_field="电子信息"))
    assert response.status_code == 302
    firm.refresh_from_db()
    assert firm.tech_field == "电子信息"
    assert firm.listed is None
    assert last_event(AuditAction.ENTERPRISE_UPDATE).changes == {
        "tech_field": ["", "电子信息"]
    }


def test_a_stale_basic_info_form_is_refused(firm: Enterprise, staff: Client) -> None:
    url = reverse("registry:enterprise_edit", args=[firm.pk])
    mine = form_data(staff, url, name="我的改名")
    Enterprise.objects.filter(pk=firm.pk).update(name="别人的改名")
    response = staff.post(url, mine)
    assert "该记录已被他人修改" in response.content.decode()
    assert Enterprise.objects.get().name == "别人的改名"


# ---------------------------------------------------------------- IP


def test_adding_editing_and_deleting_an_ip_item_is_audited(
    firm: Enterprise, staff: Client
) -> None:
    add = reverse("registry:ip_add", args=[firm.pk])
    data = form_data(
        staff, add, category="发明专利", number="ZL2019100001", granted_on="2019/5/20"
    )
    assert staff.post(add, data).status_code == 302
    ip = IntellectualProperty.objects.get()
    assert ip.granted_on == dt.date(2019, 5, 20)

    edit = reverse("registry:ip_edit", args=[firm.pk, ip.pk])
    staff.post(edit, form_data(staff, edit, number="ZL2019100002", reason="号码录错"))
    ip.refresh_from_db()
    assert ip.number == "ZL2019100002"
    assert last_event(AuditAction.IP_UPDATE).changes == {
        "number": ["ZL2019100001", "ZL2019100002"]
    }

    delete = reverse("registry:ip_delete", args=[firm.pk, ip.pk])
    response = staff.post(delete, form_data(staff, delete, reason="重复录入"))
    assert response.status_code == 302
    assert not IntellectualProperty.objects.exists()
    event = last_event(AuditAction.IP_DELETE)
    assert event.reason == "重复录入"
    assert event.changes["number"] == ["ZL2019100002", None]


def test_adding_an_ip_number_the_enterprise_has_is_refused(
    firm: Enterprise, staff: Client
) -> None:
    ip_upsert(
        enterprise=firm, number="ZL1", values={"category": "发明专利"}, actor=None
    )
    add = reverse("registry:ip_add", args=[firm.pk])
    data = form_data(staff, add, category="实用新型专利", number="ZL1")
    response = staff.post(add, data)
    assert "该企业已有这条知识产权" in response.content.decode()
    assert IntellectualProperty.objects.get().category == "发明专利"


def test_renumbering_an_ip_item_onto_another_is_refused(
    firm: Enterprise, staff: Client
) -> None:
    for number in ("ZL1", "ZL2"):
        ip_upsert(
            enterprise=firm, number=number, values={"category": "发明专利"}, actor=None
        )
    ip = IntellectualProperty.objects.get(number="ZL2")
    edit = reverse("registry:ip_edit", args=[firm.pk, ip.pk])
    response = staff.post(edit, form_data(staff, edit, number="ZL1"))
    assert "该企业已有编号为 ZL1 的知识产权" in response.content.decode()
    assert IntellectualProperty.objects.filter(number="ZL2").exists()


def test_a_stale_delete_is_refused(firm: Enterprise, staff: Client) -> None:
    ip = ip_upsert(
        enterprise=firm, number="ZL1", values={"category": "发明专利"}, actor=None
    ).row
    delete = reverse("registry:ip_delete", args=[firm.pk, ip.pk])
    data = form_data(staff, delete)
    ip_upsert(enterprise=firm, number="ZL1", values={"name": "改过"}, actor=None)
    response = staff.post(delete, data)
    assert "该记录已被他人修改" in response.content.decode()
    assert IntellectualProperty.objects.exists()


# ---------------------------------------------------------------- qualifications


def test_a_high_tech_certificate_without_end_date_is_valid_three_years(
    firm: Enterprise, staff: Client
) -> None:
    add = reverse("registry:qualification_add", args=[firm.pk])
    data = form_data(
        staff,
        add,
        kind="高新技术企业",
        level="国家级",
        number="GR201912000001",
        granted_on="2019-11-28",
    )
    assert staff.post(add, data).status_code == 302
    qual = Qualification.objects.get()
    assert qual.valid_until == dt.date(2022, 11, 27)


def test_an_end_date_before_the_grant_date_is_refused(
    firm: Enterprise, staff: Client
) -> None:
    add = reverse("registry:qualification_add", args=[firm.pk])
    data = form_data(
        staff,
        add,
        kind="雏鹰企业",
        granted_on="2019-11-28",
        valid_until_entered="2019-01-01",
    )
    assert "有效期至不能早于取得日期" in staff.post(add, data).content.decode()
    assert not Qualification.objects.exists()


def test_revoking_keeps_the_qualification_and_marks_it_revoked(
    firm: Enterprise, staff: Client
) -> None:
    qual = qualification_upsert(
        enterprise=firm,
        kind="高新技术企业",
        values={"number": "GR1", "granted_on": dt.date(2019, 11, 28)},
        actor=None,
    ).row
    url = reverse("registry:qualification_revoke", args=[firm.pk, qual.pk])
    data = form_data(staff, url, revoked_on="2020-06-30", reason="复核不合格")
    assert staff.post(url, data).status_code == 302
    qual.refresh_from_db()
    assert qual.revoked_on == dt.date(2020, 6, 30)
    assert not qual.is_valid_on(dt.date(2020, 7, 1))
    assert last_event(AuditAction.QUALIFICATION_REVOKE).reason == "复核不合格"
    page = staff.get(reverse("registry:enterprise_detail", args=[firm.pk]))
    assert "已撤销" in page.content.decode()


def test_revoking_before_the_grant_date_is_refused(
    firm: Enterprise, staff: Client
) -> None:
    qual = qualification_upsert(
        enterprise=firm,
        kind="高新技术企业",
        values={"number": "GR1", "granted_on": dt.date(2019, 11, 28)},
        actor=None,
    ).row
    url = reverse("registry:qualification_revoke", args=[firm.pk, qual.pk])
    response = staff.post(url, form_data(staff, url, revoked_on="2019-01-01"))
    assert "撤销日期不能早于取得日期" in response.content.decode()
    qual.refresh_from_db()
    assert qual.revoked_on is None


def test_editing_a_qualification_number_keeps_the_same_row(
    firm: Enterprise, staff: Client
) -> None:
    qual = qualification_upsert(
        enterprise=firm,
        kind="科技型中小企业",
        values={"granted_on": dt.date(2020, 5, 1)},
        actor=None,
    ).row
    url = reverse("registry:qualification_edit", args=[firm.pk, qual.pk])
    staff.post(url, form_data(staff, url, number="2020120224A0001"))
    assert Qualification.objects.get().pk == qual.pk
    assert Qualification.objects.get().number == "2020120224A0001"


# ---------------------------------------------------------------- credit


def test_credit_records_can_be_added_edited_and_deleted(
    firm: Enterprise, staff: Client
) -> None:
    add = reverse("registry:credit_add", args=[firm.pk])
    data = form_data(staff, add, kind="经营异常名录", occurred_on="2020.3.1")
    assert staff.post(add, data).status_code == 302
    record = CreditRecord.objects.get()
    edit = reverse("registry:credit_edit", args=[firm.pk, record.pk])
    staff.post(edit, form_data(staff, edit, occurred_on="2020-03-02", note="已移出"))
    record.refresh_from_db()
    assert (record.occurred_on, record.note) == (dt.date(2020, 3, 2), "已移出")
    delete = reverse("registry:credit_delete", args=[firm.pk, record.pk])
    staff.post(delete, form_data(staff, delete))
    assert not CreditRecord.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.CREDIT_DELETE).exists()


def test_a_credit_record_dated_in_the_future_is_refused(
    firm: Enterprise, staff: Client
) -> None:
    add = reverse("registry:credit_add", args=[firm.pk])
    data = form_data(staff, add, kind="经营异常名录", occurred_on="2099-01-01")
    assert "发生日期不能晚于今天" in staff.post(add, data).content.decode()
    assert not CreditRecord.objects.exists()
