"""知识产权管理体系认证 (GB/T 29490 贯标, 规范知识产权管理) as a qualification kind:
recorded like the others (number, dates, a three-year validity), imported and
exported, shown on the enterprise page and the portrait, filterable in the API —
and read by no programme: no verdict and no tier changes with it."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from keqi.api.tests.helpers import api_as
from keqi.core.dates import business_today
from keqi.core.testing import add_figures, make_enterprise, persona
from keqi.cultivation.libraries import ALL_KINDS
from keqi.cultivation.services import tier_ladder_set
from keqi.registry.facts import facts_for
from keqi.registry.models import Enterprise, Qualification, QualificationKind
from keqi.registry.services import qualification_upsert
from keqi.registry.validity import add_years
from keqi.registry.workbook import export_registry, import_workbook, write_template
from keqi.rules.demo import demo_enterprise
from keqi.rules.evaluate import evaluate
from keqi.rules.facts import QualificationFact
from keqi.rules.serialize import result_to_dict

pytestmark = pytest.mark.django_db
KIND = "知识产权管理体系认证"
D = dt.date


def certify(firm: Enterprise, granted: dt.date, number: str = "") -> Qualification:
    return qualification_upsert(
        enterprise=firm,
        kind=KIND,
        values={"granted_on": granted, "number": number or f"IP{firm.pk}{granted:%Y}"},
        actor=None,
    ).row


def test_the_kind_is_an_addition_at_the_end_of_the_list() -> None:
    values = list(QualificationKind.values)
    assert values[-1] == KIND
    assert values[:-1][-3:] == ["股份制改造", "挂牌", "上市"]


def test_a_certificate_without_an_end_date_is_valid_three_years() -> None:
    q = certify(make_enterprise(), D(2019, 3, 15))
    assert q.valid_until == D(2022, 3, 14)
    assert q.is_valid_on(D(2022, 3, 14)) and not q.is_valid_on(D(2022, 3, 15))


@pytest.mark.parametrize("day", [D(2019, 9, 30), D(2021, 6, 30), D(2026, 6, 30)])
def test_no_verdict_and_no_tier_changes_with_the_certificate(day: dt.date) -> None:
    base = demo_enterprise()
    with_it = dataclasses.replace(
        base,
        qualifications=(
            *base.qualifications,
            QualificationFact(kind=KIND, granted_on=D(2019, 1, 10), number="IP1"),
        ),
    )
    assert result_to_dict(evaluate(with_it, as_of=day)) == result_to_dict(
        evaluate(base, as_of=day)
    )


def test_no_verdict_changes_for_a_registry_enterprise_either() -> None:
    firm = make_enterprise(founded_on=D(2012, 5, 1))
    for year, sales in ((2017, 3000), (2018, 4200)):
        add_figures(
            firm,
            year,
            staff_total=80,
            tech_staff=20,
            rd_staff=15,
            sales_revenue=sales,
            operating_revenue=sales,
            main_revenue=sales,
            rd_expense=sales // 20,
            total_assets=5000,
            net_assets=3000,
        )
    day = D(2019, 9, 30)
    before = result_to_dict(evaluate(facts_for(firm), as_of=day))
    certify(firm, D(2019, 2, 1))
    firm.refresh_from_db()
    assert result_to_dict(evaluate(facts_for(firm), as_of=day)) == before


def test_it_is_neither_a_library_nor_a_tier_rung(hq: object) -> None:
    assert KIND not in ALL_KINDS
    with pytest.raises(ValidationError, match="不是资质类型"):
        tier_ladder_set(
            district=hq.unit.district,
            tiers=["科技型中小企业", KIND],
            mark=None,
            actor=hq,
        )
    page = Client()
    page.force_login(hq)  # type: ignore[arg-type]
    editor = page.get(reverse("cultivation:ladder_edit")).content.decode()
    assert KIND not in editor


def test_the_workbook_imports_exports_and_offers_it(tmp_path: Path) -> None:
    firm = make_enterprise()
    certify(firm, D(2018, 6, 20), number="16518IP0123R0M")
    export_registry(tmp_path / "out.xlsx", Enterprise.objects.filter(pk=firm.pk))
    sheet = load_workbook(tmp_path / "out.xlsx")["资质荣誉"]
    rows = [r for r in sheet.iter_rows(min_row=2, values_only=True) if r[1] == KIND]
    assert len(rows) == 1 and rows[0][3] == "16518IP0123R0M"
    Qualification.objects.filter(kind=KIND).delete()
    result = import_workbook(tmp_path / "out.xlsx", actor=None)
    assert result.ok, [str(e) for e in result.errors]
    back = Qualification.objects.get(enterprise=firm, kind=KIND)
    assert (back.number, back.granted_on) == ("16518IP0123R0M", D(2018, 6, 20))
    assert back.valid_until == D(2021, 6, 19)  # 有效期至 left blank: derived
    write_template(tmp_path / "t.xlsx")
    ws = load_workbook(tmp_path / "t.xlsx")["资质荣誉"]
    lists = [str(r.formula1) for r in ws.data_validations.dataValidation]
    assert any(KIND in f and "高新技术企业" in f for f in lists)
    assert KIND in ws["B1"].comment.text


def _page(name: str, url: str) -> tuple[int, str]:
    client = Client()
    client.force_login(persona(name))
    response = client.get(url)
    return response.status_code, response.content.decode()


@pytest.mark.parametrize("name", ["hq", "member", "town_a", "leader"])
def test_the_enterprise_page_and_portrait_show_the_certificate(name: str) -> None:
    firm = make_enterprise("dakoutun")
    granted = business_today() - dt.timedelta(days=40)  # the page's day is today
    until = (add_years(granted, 3) - dt.timedelta(days=1)).isoformat()
    certify(firm, granted, number="16519IP0456R0M")
    detail = reverse("registry:enterprise_detail", args=[firm.pk])
    portrait = reverse("cultivation:portrait", args=[firm.pk])
    for url in (detail, portrait):
        status, page = _page(name, url)
        assert status == 200
        assert "规范知识产权管理" in page and "已通过贯标认证" in page, url
        assert "16519IP0456R0M" in page and until in page


def test_an_expired_or_missing_certificate_is_said_so() -> None:
    lapsed = make_enterprise("dakoutun")
    certify(lapsed, D(2015, 4, 1), number="OLD-1")
    bare = make_enterprise("dakoutun")
    day = "?on=2019-09-30"
    _, page = _page("hq", reverse("cultivation:portrait", args=[lapsed.pk]) + day)
    assert "认证不在有效期内" in page and "已于 2018-03-31 到期" in page
    _, page = _page("hq", reverse("cultivation:portrait", args=[bare.pk]) + day)
    assert "尚未登记知识产权管理体系认证" in page


def test_another_towns_certificate_is_not_shown_to_a_town() -> None:
    theirs = make_enterprise("koudong")
    certify(theirs, D(2019, 2, 1), number="KD-IP-1")
    status, _ = _page("town_a", reverse("registry:enterprise_detail", args=[theirs.pk]))
    assert status == 404
    url = (
        reverse("registry:enterprise_list") + f"?qualification={KIND}&as_of=2019-06-30"
    )
    status, page = _page("town_a", url)
    assert status == 200 and theirs.name not in page
    status, page = _page("hq", url)
    assert theirs.name in page


def test_the_api_filters_holders_of_the_certificate() -> None:
    ours, theirs = make_enterprise("dakoutun"), make_enterprise("koudong")
    certify(ours, D(2019, 2, 1))
    certify(theirs, D(2015, 2, 1))  # expired 2018

    def found(who: str, **filters: str) -> set[str]:
        rows = api_as(who).get("/api/v1/enterprises/", **filters).json()["results"]
        return {r["uscc"] for r in rows}

    assert found("hq", qualification=KIND, as_of="2019-06-30") == {ours.uscc}
    assert found("hq", qualification=KIND, as_of="2017-06-30") == {theirs.uscc}
    assert found("town_b", qualification=KIND, as_of="2017-06-30") == {theirs.uscc}
    assert found("town_a", qualification=KIND, as_of="2017-06-30") == set()
    listed = api_as("hq").get("/api/v1/qualifications/", kind=KIND).json()
    assert {r["number"] for r in listed["results"]} == {
        f"IP{ours.pk}2019",
        f"IP{theirs.pk}2015",
    }
