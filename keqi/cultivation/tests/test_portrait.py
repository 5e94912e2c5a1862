from __future__ import annotations

from decimal import Decimal

import pytest

from keqi.core.models import AuditEvent
from keqi.cultivation.portrait import what_if_input
from keqi.cultivation.tests.helpers import D, grant
from keqi.cultivation.tests.test_library_views import client_for
from keqi.cultivation.tests.test_reserve import firm
from keqi.registry.models import AnnualFigures, Enterprise
from keqi.registry.models import QualificationKind as K

pytestmark = pytest.mark.django_db
URL = "/cultivation/portrait/{}/?on=2019-09-30"


@pytest.fixture
def near(db) -> Enterprise:  # type: ignore[no-untyped-def]
    e = firm("dakoutun", "接近企业", tech=20, rd=55)
    grant(e, K.CHUYING, D(2019, 6, 1), until=D(2021, 5, 31))
    return e


def test_portrait_shows_tier_verdicts_conditions_and_flags(near, hq) -> None:
    text = client_for(hq).get(URL.format(near.pk)).content.decode()
    assert "雏鹰企业" in text and "科技型中小企业" in text
    assert "不符合条件" in text and "不满足" in text and "国科发政〔2017〕115号" in text
    assert "评分 52 分" in text and "使用了待核实参数：" in text
    # status first, the deciding condition next, the full table on demand
    assert "未满足：综合评价得分" in text and "<details>" in text
    assert "得分：" not in text


def test_town_user_gets_404_on_another_towns_portrait(town_b, near) -> None:
    assert client_for(town_b).get(URL.format(near.pk)).status_code == 404


def test_what_if_changes_the_verdict_and_saves_nothing(near, hq) -> None:
    audits, figures = AuditEvent.objects.count(), AnnualFigures.objects.count()
    before = list(AnnualFigures.objects.values())
    data = {"year": "2018", "rd_expense": "70", "tech_staff": "30"}
    text = client_for(hq).post(URL.format(near.pk), data).content.decode()
    assert "假设测算结果，未保存" in text and "结论有变化" in text
    assert "实际数据下：不符合条件（评分 52 分） → 假设后：符合条件" in text
    assert AuditEvent.objects.count() == audits
    assert AnnualFigures.objects.count() == figures
    assert list(AnnualFigures.objects.values()) == before


def test_what_if_with_bad_figure_names_the_field_and_changes_nothing(near, hq) -> None:
    text = client_for(hq).post(URL.format(near.pk), {"rd_expense": "abc"})
    page = text.content.decode()
    assert "研发费用（万元）" in page and "不是有效的数字" in page
    assert "假设测算结果" not in page


def test_what_if_input_reads_exact_numbers_and_skips_blanks() -> None:
    form = what_if_input({"rd_expense": "１２.５", "staff_total": ""}, 2018)
    assert form.changes == {"2018.rd_expense": Decimal("12.5")}
    assert what_if_input({"tech_staff": "1.5"}, 2018).errors == [
        "科技人员数（人）：“1.5”应为整数"
    ]


def test_enterprise_page_links_to_the_portrait(near, hq) -> None:
    text = client_for(hq).get(f"/enterprises/{near.pk}/").content.decode()
    assert f'href="/cultivation/portrait/{near.pk}/"' in text


def test_what_if_may_add_intellectual_property_and_saves_nothing(near, hq) -> None:
    ip_before = list(near.ip_items.values())
    data = {"ip_category": "发明专利", "ip_count": "1"}
    text = client_for(hq).post(URL.format(near.pk), data).content.decode()
    assert "假设测算结果，未保存" in text
    assert "实际数据下：不符合条件（评分 52 分） → 假设后：符合条件" in text
    assert list(near.ip_items.values()) == ip_before


def test_what_if_input_reads_ip_qualifications_and_credit() -> None:
    day = D(2019, 9, 30)
    form = what_if_input(
        {
            "ip_category": "软件著作权",
            "ip_count": "３",
            "qualification_kind": "高新技术企业",
            "qualification_on": "2019/6/1",
            "clear_credit": "1",
        },
        2018,
        day,
    )
    assert not form.errors
    ip = form.changes["add_ip"]
    assert len(ip) == 3 and {i.category for i in ip} == {"软件著作权"}
    assert all(i.granted_on == day for i in ip)
    (granted,) = form.changes["add_qualifications"]
    assert (granted.kind, granted.granted_on) == ("高新技术企业", D(2019, 6, 1))
    assert form.changes["remove_credit"] == "全部"


def test_what_if_refuses_unknown_ip_kinds_and_counts_in_chinese() -> None:
    form = what_if_input(
        {"ip_category": "", "ip_count": "2", "qualification_kind": "诺贝尔奖"},
        2018,
        D(2019, 9, 30),
    )
    assert "新增知识产权：请选择类别" in form.errors
    assert any("不是可选的类型" in e for e in form.errors)
    assert not form.changes
    many = what_if_input({"ip_category": "发明专利", "ip_count": "1000"}, 2018)
    assert any("1 至 100 项" in e for e in many.errors)
