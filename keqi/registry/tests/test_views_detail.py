"""The enterprise page: facts, figures by year, IP, qualifications with their
state today, credit records and the history of changes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from keqi.core.testing import add_figures, make_enterprise, persona
from keqi.registry.models import Enterprise
from keqi.registry.services import (
    credit_record_upsert,
    figures_upsert,
    ip_upsert,
    qualification_upsert,
)

# The 年度数据 sheet's headers after 统一社会信用代码 and 年度, in order.
WORKBOOK_FIGURE_HEADERS = [
    "职工总数（人）",
    "科技人员数（人）",
    "研发人员数（人）",
    "销售收入（万元）",
    "营业收入（万元）",
    "主营业务收入（万元）",
    "总收入（万元）",
    "高新技术产品（服务）收入（万元）",
    "研发费用总额（万元）",
    "其中：境内研发费用（万元）",
    "成本费用支出总额（万元）",
    "资产总额（万元）",
    "净资产（万元）",
    "利润总额（万元）",
    "纳税总额（万元）",
    "科技成果转化数（项）",
    "股权融资额（万元）",
]


@pytest.fixture
def firm(db: Any) -> Enterprise:
    return make_enterprise("dakoutun", name="大口屯甲科技有限公司", tech_field="新材料")


def page(firm: Enterprise, who: str = "hq") -> Any:
    client = Client()
    client.force_login(persona(who))
    response = client.get(reverse("registry:enterprise_detail", args=[firm.pk]))
    assert response.status_code == 200
    return response


def test_figures_are_a_table_with_years_as_columns(firm: Enterprise) -> None:
    add_figures(firm, 2018, sales_revenue=Decimal("1234567.5"), staff_total=1200)
    add_figures(firm, 2019, staff_total=1300)
    response = page(firm)
    rows = {label: values for label, values, _ in response.context["figure_rows"]}
    assert rows["销售收入（万元）"] == [Decimal("1234567.5"), None]
    assert list(rows) == WORKBOOK_FIGURE_HEADERS
    html = response.content.decode()
    assert "2018年" in html and "2019年" in html
    assert '<td class="num">1,234,567.5</td>' in html
    assert '<td class="num unknown">—</td>' in html  # unknown, never 0
    assert '<td class="num">1,200</td>' in html


def test_qualifications_show_whether_they_hold_today(firm: Enterprise) -> None:
    today = timezone.localdate()
    for kind, values in [
        ("高新技术企业", {"granted_on": today - dt.timedelta(days=30)}),
        (
            "雏鹰企业",
            {
                "granted_on": dt.date(2015, 1, 1),
                "valid_until_entered": dt.date(2016, 1, 1),
            },
        ),
        (
            "瞪羚企业",
            {"granted_on": dt.date(2015, 1, 1), "revoked_on": dt.date(2016, 1, 1)},
        ),
    ]:
        qualification_upsert(enterprise=firm, kind=kind, values=values, actor=None)
    badges = {q.kind: status[0] for q, status in page(firm).context["qualifications"]}
    assert badges == {
        "高新技术企业": "有效",
        "雏鹰企业": "已过期",
        "瞪羚企业": "已撤销",
    }


def test_a_derived_end_date_is_marked_as_derived(firm: Enterprise) -> None:
    qualification_upsert(
        enterprise=firm,
        kind="高新技术企业",
        values={"granted_on": dt.date(2019, 11, 28)},
        actor=None,
    )
    html = page(firm).content.decode()
    assert "2022-11-27" in html
    assert "按该资质的有效期规则推算" in html


def test_ip_and_credit_records_are_listed(firm: Enterprise) -> None:
    ip_upsert(
        enterprise=firm,
        number="ZL2019100001",
        values={"category": "发明专利", "acquisition": "受让", "related_to_main": True},
        actor=None,
    )
    credit_record_upsert(
        enterprise=firm,
        kind="经营异常名录",
        occurred_on=dt.date(2020, 3, 1),
        values={"note": "未按期年报"},
        actor=None,
    )
    html = page(firm).content.decode()
    for text in ["ZL2019100001", "发明专利", "受让", "经营异常名录", "未按期年报"]:
        assert text in html


def test_history_shows_who_what_old_new_and_why(firm: Enterprise) -> None:
    officer = persona("town_a")
    add_figures(firm, 2019, rd_expense=Decimal("10"))
    figures_upsert(
        enterprise=firm,
        year=2019,
        values={"rd_expense": Decimal("12.5")},
        actor=officer,
        reason="据审计报告更正",
    )
    latest = page(firm).context["history"][0]
    assert latest.actor == str(officer)
    assert latest.action == "修改年度数据"
    assert latest.changes == [("研发费用总额（万元）", "10", "12.5")]
    assert latest.reason == "据审计报告更正"
    html = page(firm).content.decode()
    assert "据审计报告更正" in html and "新建企业" in html


def test_read_only_users_see_the_same_page_without_edit_links(
    firm: Enterprise,
) -> None:
    add_figures(firm, 2019, staff_total=3)
    html = page(firm, "leader").content.decode()
    assert "大口屯甲科技有限公司" in html
    for name in ["enterprise_edit", "figures_add", "ip_add", "qualification_add"]:
        assert reverse(f"registry:{name}", args=[firm.pk]) not in html
    assert reverse("registry:figures_edit", args=[firm.pk, 2019]) not in html


def test_empty_sections_say_what_to_do(firm: Enterprise) -> None:
    html = page(firm, "town_a").content.decode()
    assert "还没有年度数据" in html
    assert "新增一个年度" in html
