"""Read endpoints: scoped exactly like the web pages, filtered, paged."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keqi.api.tests.helpers import api_as
from keqi.core.testing import add_figures, make_enterprise
from keqi.registry.models import Enterprise, IntellectualProperty
from keqi.registry.services import qualification_upsert

pytestmark = pytest.mark.django_db


def _high_tech(e: Enterprise, granted: dt.date, number: str = "") -> None:
    qualification_upsert(
        enterprise=e,
        kind="高新技术企业",
        values={"granted_on": granted, "number": number or f"GR{e.pk}"},
        actor=None,
    )


def test_town_token_gets_404_for_another_towns_enterprise() -> None:
    other = make_enterprise("koudong")
    response = api_as("town_a").get(f"/api/v1/enterprises/{other.uscc}/")
    assert response.status_code == 404
    assert response.json() == {
        "detail": "企业不存在或不在您的管辖范围内",
        "code": "not_found",
    }
    assert api_as("hq").get(f"/api/v1/enterprises/{other.uscc}/").status_code == 200


def test_town_token_sees_its_own_enterprise_by_uscc_as_typed() -> None:
    own = make_enterprise("dakoutun", name="甲镇科技")
    typed = " " + own.uscc.lower() + " "
    response = api_as("town_a").get(f"/api/v1/enterprises/{typed}/")
    assert response.status_code == 200
    body = response.json()
    assert body["uscc"] == own.uscc and body["name"] == "甲镇科技"
    assert body["area"] == {"code": "dakoutun", "name": "大口屯镇"}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/enterprises/",
        "/api/v1/figures/",
        "/api/v1/qualifications/",
        "/api/v1/ip/",
        "/api/v1/verdicts/",
    ],
)
def test_every_list_of_a_town_token_holds_only_its_town(path: str) -> None:
    own, other = make_enterprise("dakoutun"), make_enterprise("koudong")
    for e in (own, other):
        add_figures(e, 2018, staff_total=10)
        _high_tech(e, dt.date(2018, 5, 1))
        IntellectualProperty.objects.create(
            enterprise=e, number=f"ZL{e.pk}", category="发明专利"
        )
    rows = api_as("town_a").get(path).json()["results"]
    assert {r["uscc"] for r in rows} == {own.uscc}
    rows = api_as("member").get(path).json()["results"]
    assert {r["uscc"] for r in rows} == {own.uscc, other.uscc}


def test_a_town_token_asking_for_another_area_gets_400_naming_it() -> None:
    response = api_as("town_a").get("/api/v1/enterprises/", area="koudong")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "area": ["街镇/园区“koudong”不存在或不在您的管辖范围内"]
    }


def test_the_enterprise_list_pages_with_a_size_cap() -> None:
    for _ in range(5):
        make_enterprise("dakoutun")
    hq = api_as("hq")
    first = hq.get("/api/v1/enterprises/", page_size=2).json()
    assert (first["count"], first["pages"], len(first["results"])) == (5, 3, 2)
    assert first["previous"] is None and "page=2" in first["next"]
    last = hq.get("/api/v1/enterprises/", page_size=2, page=3).json()
    assert len(last["results"]) == 1 and last["next"] is None
    seen = {
        r["uscc"]
        for page in (1, 2, 3)
        for r in hq.get("/api/v1/enterprises/", page_size=2, page=page).json()[
            "results"
        ]
    }
    assert len(seen) == 5
    capped = hq.get("/api/v1/enterprises/", page_size=100000).json()
    assert capped["page_size"] == 200


def test_a_page_past_the_last_is_404_saying_how_many_there_are() -> None:
    make_enterprise("dakoutun")
    response = api_as("hq").get("/api/v1/enterprises/", page=9)
    assert response.status_code == 404
    assert response.json()["detail"] == "第 9 页不存在（共 1 页）"


def test_a_bad_page_number_is_400_in_chinese() -> None:
    response = api_as("hq").get("/api/v1/enterprises/", page="abc")
    assert response.status_code == 400
    assert response.json()["errors"]["page"] == ["请填写合法的整数值。"]


def test_enterprise_filters_area_field_year_and_qualification_held_on_a_day() -> None:
    a = make_enterprise("dakoutun", tech_field="电子信息")
    b = make_enterprise("koudong", tech_field="新材料")
    add_figures(a, 2018, staff_total=10)
    _high_tech(b, dt.date(2016, 11, 1))
    hq = api_as("hq")

    def found(**filters: str) -> set[str]:
        rows = hq.get("/api/v1/enterprises/", **filters).json()["results"]
        return {r["uscc"] for r in rows}

    assert found(area="大口屯镇") == {a.uscc}
    assert found(tech_field="新材料") == {b.uscc}
    assert found(year="2018") == {a.uscc}
    assert found(qualification="高新技术企业", as_of="2019-06-30") == {b.uscc}
    assert found(qualification="高新技术企业", as_of="2020-01-01") == set()


def test_an_unknown_filter_value_is_400_not_silently_ignored() -> None:
    response = api_as("hq").get("/api/v1/enterprises/", tech_field="人工智能")
    assert response.status_code == 400
    assert "tech_field" in response.json()["errors"]


def test_figures_are_exact_decimal_strings_and_blank_stays_null() -> None:
    e = make_enterprise("dakoutun")
    add_figures(e, 2018, sales_revenue=Decimal("1234.50"), staff_total=12)
    add_figures(e, 2017, sales_revenue=Decimal("100"))
    hq = api_as("hq")
    rows = hq.get("/api/v1/figures/", uscc=e.uscc).json()["results"]
    assert [r["year"] for r in rows] == [2017, 2018]
    assert rows[1]["sales_revenue"] == "1234.5" and rows[0]["sales_revenue"] == "100"
    assert rows[1]["rd_expense"] is None and rows[1]["staff_total"] == 12
    only = hq.get("/api/v1/figures/", year=2018).json()["results"]
    assert [r["year"] for r in only] == [2018]


def test_qualifications_as_of_a_day_keep_only_those_in_force() -> None:
    e = make_enterprise("dakoutun")
    _high_tech(e, dt.date(2015, 10, 1), "GR2015")
    _high_tech(e, dt.date(2018, 10, 1), "GR2018")
    hq = api_as("hq")
    everything = hq.get("/api/v1/qualifications/").json()["results"]
    assert {q["number"] for q in everything} == {"GR2015", "GR2018"}
    held = hq.get("/api/v1/qualifications/", as_of="2019-06-30").json()["results"]
    assert [(q["number"], q["valid_until"]) for q in held] == [("GR2018", "2021-09-30")]


def test_enterprise_list_costs_a_fixed_number_of_queries() -> None:
    for _ in range(3):
        make_enterprise("dakoutun")
    hq = api_as("hq")
    hq.get("/api/v1/enterprises/")
    with CaptureQueriesContext(connection) as few:
        hq.get("/api/v1/enterprises/")
    for _ in range(10):
        make_enterprise("koudong")
    with CaptureQueriesContext(connection) as many:
        hq.get("/api/v1/enterprises/")
    assert len(many) == len(few)
