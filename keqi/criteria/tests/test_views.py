"""The rules pages end to end through the test client."""

from __future__ import annotations

import pytest

from keqi.core.models import AuditEvent
from keqi.criteria.models import ParamEdit, ProgrammeDefinition
from keqi.criteria.tests.helpers import ON, client_for, tech_sme_firm

pytestmark = pytest.mark.django_db
PARAM = "/criteria/params/tech_sme.staff_max/"
COMPOSE = "/criteria/programmes/tech_leader/compose/"


@pytest.fixture(autouse=True)
def _demo_day(settings) -> None:  # type: ignore[no-untyped-def]
    settings.KEQI_BUSINESS_DATE = ON


def edit_post(**over: str) -> dict[str, str]:
    data = {
        "value": "≤ 50",
        "effective_from": "2019-01-01",
        "status": "confirmed",
        "reason": "区里核实",
        "action": "save",
    }
    data.update(over)
    return data


def test_the_rules_page_lists_programmes_parameters_and_marks_unconfirmed(
    leader,
) -> None:
    page = client_for(leader).get("/criteria/").content.decode()
    assert "科技型中小企业" in page and "国科发政〔2017〕115号" in page
    assert "2017-05-03" in page and "第六条第（二）项" in page
    assert "tech_sme.staff_max" in page and "≤ 500" in page
    assert "未经确认" in page and "核实原文后可修改取值" in page
    assert "天津瞪羚企业：评价条件尚未配置（天津市标准未经确认）" in page
    assert "查看/修改" not in page and "配置评价条件" not in page


def test_hq_sees_edit_links_on_the_rules_page(hq) -> None:
    page = client_for(hq).get("/criteria/").content.decode()
    assert "查看/修改" in page and "/criteria/programmes/tj_dengling/compose/" in page


def test_hq_previews_the_flips_then_saves_and_the_edit_is_in_the_history(hq) -> None:
    tech_sme_firm("达标企业")
    client = client_for(hq)
    preview = client.post(PARAM, edit_post(action="preview")).content.decode()
    assert "影响预览" in preview and "共 <strong>1</strong> 条结论会改变" in preview
    assert "达标企业" in preview and not ParamEdit.objects.exists()
    response = client.post(PARAM, edit_post(), follow=True)
    page = response.content.decode()
    assert "已保存，并记入操作记录" in page
    assert (
        "1 家企业的结论因此改变：达标企业（科技型中小企业：符合条件→不符合条件）"
        in page
    )
    assert "自 2019-01-01 起取值改为" in page and "理由：区里核实" in page
    assert AuditEvent.objects.filter(action="criteria.param_edit").count() == 1


def test_a_bad_value_shows_a_chinese_message_and_stores_nothing(hq) -> None:
    page = client_for(hq).post(PARAM, edit_post(value="五百")).content.decode()
    assert "取值：“五百”应写成运算符和数值，如 ≥ 5" in page
    assert not ParamEdit.objects.exists()


@pytest.mark.parametrize("who", ["town_a", "leader", "member"])
def test_others_read_the_parameter_but_cannot_edit_it(who, request) -> None:  # type: ignore[no-untyped-def]
    client = client_for(request.getfixturevalue(who))
    page = client.get(PARAM).content.decode()
    assert "≤ 500" in page and "单区部署时为指挥部办公室）可以修改参数" in page
    assert "保存修改" not in page
    assert client.post(PARAM, edit_post()).status_code == 403
    assert client.get(COMPOSE).status_code == 403
    withdraw = {"effective_from": "2019-01-01", "reason": "x"}
    assert client.post(f"{PARAM}withdraw/", withdraw).status_code == 403
    assert not ParamEdit.objects.exists()


def test_an_unknown_parameter_is_404(hq) -> None:
    assert client_for(hq).get("/criteria/params/no.such/").status_code == 404


def compose_post(action: str = "save", **over: str) -> dict[str, str]:
    data = {
        "version": "2019",
        "title": "技术领先型企业认定条件",
        "document": "宝坻区科技局〔2019〕1号",
        "effective_from": "2019-01-01",
        "status": "confirmed",
        "require": "all",
        "rows": "3",
        "c0-type": "figure",
        "c0-title": "营业收入",
        "c0-article": "第三条",
        "c0-year_offset": "-1",
        "c0-field": "operating_revenue",
        "c0-op": ">=",
        "c0-value": "500",
        "c1-type": "qualification",
        "c1-title": "科技型中小企业",
        "c1-kinds": "科技型中小企业",
        "c2-type": "",
        "c2-title": "",
        "reason": "区里定的",
        "action": action,
    }
    data.update(over)
    return data


def test_hq_composes_a_programme_previews_it_and_saves_it(hq) -> None:
    tech_sme_firm("达标企业")
    client = client_for(hq)
    preview = client.post(COMPOSE, compose_post("preview")).content.decode()
    assert "按2019年9月30日的企业数据测算：不符合条件 <strong>1</strong> 家" in preview
    assert not ProgrammeDefinition.objects.exists()
    page = client.post(COMPOSE, compose_post(), follow=True).content.decode()
    assert "已保存版本“2019”" in page
    assert "上一年度营业收入 ≥ 500万元" in page and "持有科技型中小企业" in page
    stored = ProgrammeDefinition.objects.get()
    assert [c["type"] for c in stored.definition["conditions"]] == [
        "figure",
        "qualification",
    ]


def test_composer_problems_are_shown_and_nothing_is_saved(hq) -> None:
    bad = compose_post(
        **{"c0-value": "很多", "c1-kinds": "不存在的资质", "version": ""}
    )
    page = client_for(hq).post(COMPOSE, bad).content.decode()
    assert "未保存，请修改以下问题" in page
    assert "条件2：资质类型“不存在的资质”不在资质荣誉类型之中" in page
    bad["c1-kinds"] = "科技型中小企业"
    page = client_for(hq).post(COMPOSE, bad).content.decode()
    assert "项目：缺少“版本”" in page and "条件1：阈值“很多”不是数值" in page
    assert not ProgrammeDefinition.objects.exists()


def test_adding_a_row_keeps_what_was_typed_and_saves_nothing(hq) -> None:
    page = client_for(hq).post(COMPOSE, compose_post("addrow")).content.decode()
    assert 'name="rows" value="3"' in page and 'value="营业收入"' in page
    assert not ProgrammeDefinition.objects.exists()


def test_the_composer_is_404_for_a_built_in_programme(hq) -> None:
    assert (
        client_for(hq).get("/criteria/programmes/tech_sme/compose/").status_code == 404
    )


def test_a_ratio_takes_the_indicator_as_numerator_and_needs_a_denominator(hq) -> None:
    ratio = {
        "c0-type": "ratio",
        "c0-title": "研发投入强度",
        "c0-field": "rd_expense",
        "c0-denominator": "",
        "c0-value": "5%",
    }
    page = client_for(hq).post(COMPOSE, compose_post(**ratio)).content.decode()
    assert "条件1：请选择分母" in page and not ProgrammeDefinition.objects.exists()
    ratio["c0-denominator"] = "operating_revenue"
    client_for(hq).post(COMPOSE, compose_post(**ratio))
    (first, _) = ProgrammeDefinition.objects.get().definition["conditions"]
    assert (first["numerator"], first["denominator"]) == (
        "rd_expense",
        "operating_revenue",
    )
    assert "field" not in first


def test_the_rules_page_costs_a_fixed_number_of_queries(
    hq, django_assert_max_num_queries
) -> None:
    client = client_for(hq)
    client.post(PARAM, edit_post())
    client.post(COMPOSE, compose_post())
    with django_assert_max_num_queries(8):
        assert client.get("/criteria/").status_code == 200


def test_hq_withdraws_an_edit_and_a_version_from_their_pages(hq) -> None:
    client = client_for(hq)
    client.post(PARAM, edit_post())
    url = "/criteria/params/tech_sme.staff_max/withdraw/"
    page = client.post(
        url, {"effective_from": "2019-01-01", "reason": "录错了"}, follow=True
    ).content.decode()
    assert "已撤销 2019-01-01 起的修改" in page and "理由：录错了" in page
    client.post(COMPOSE, compose_post())
    page = client.post(
        "/criteria/programmes/tech_leader/withdraw/",
        {"version": "2019", "reason": "暂停"},
        follow=True,
    ).content.decode()
    assert "已撤销版本“2019”" in page and "技术领先型企业：评价条件尚未配置" in page
    assert client_for(hq).post(url, {"effective_from": "2019-01-01"}).status_code == 302
    assert ParamEdit.objects.count() == 2
