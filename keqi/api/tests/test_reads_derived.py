"""Derived reads: verdicts (the evaluate JSON contract), libraries on a day,
campaign targets with their actual figures and the records behind them."""

from __future__ import annotations

import datetime as dt

import pytest

from keqi.api.tests.helpers import api_as
from keqi.campaign.tests.helpers import baodi_plan, file_report
from keqi.core.testing import add_figures, make_enterprise
from keqi.registry.facts import facts_for
from keqi.registry.models import Enterprise
from keqi.registry.services import qualification_upsert
from keqi.rules import default_params, evaluate, report_to_dict

pytestmark = pytest.mark.django_db
FORMAT_KEYS = {"outcome", "route", "score", "conditions", "gaps"}


def _sme(area: str = "dakoutun") -> Enterprise:
    e = make_enterprise(area, tech_field="电子信息", founded_on=dt.date(2012, 1, 1))
    add_figures(
        e,
        2018,
        staff_total=80,
        tech_staff=20,
        sales_revenue=3000,
        rd_expense=300,
        total_assets=5000,
    )
    return e


def _granted(e: Enterprise, kind: str, day: dt.date) -> None:
    values = {"granted_on": day, "number": f"{kind}{e.pk}"}
    qualification_upsert(enterprise=e, kind=kind, values=values, actor=None)


def test_verdicts_of_an_enterprise_are_the_evaluate_json_contract() -> None:
    e = _sme()
    body = api_as("hq").get(
        f"/api/v1/enterprises/{e.uscc}/verdicts/", as_of="2019-06-30"
    )
    assert body.status_code == 200
    expected = report_to_dict(
        [evaluate(facts_for(e), as_of=dt.date(2019, 6, 30), params=default_params())],
        dt.date(2019, 6, 30),
    )
    assert body.json() == expected
    tech_sme = body.json()["results"][0]["programmes"]["tech_sme"]
    assert set(tech_sme) >= FORMAT_KEYS
    assert tech_sme["outcome"] in ("eligible", "ineligible", "undetermined")
    assert all(
        c["status"] in ("met", "not_met", "unknown") for c in tech_sme["conditions"]
    )


def test_verdicts_for_some_programmes_only_and_an_unknown_one_is_400() -> None:
    e = _sme()
    hq = api_as("hq")
    path = f"/api/v1/enterprises/{e.uscc}/verdicts/"
    only = hq.get(path, programme=["tech_sme", "high_tech"], as_of="2019-06-30")
    assert set(only.json()["results"][0]["programmes"]) == {"tech_sme", "high_tech"}
    wrong = hq.get(path, programme="no_such")
    assert wrong.status_code == 400
    assert wrong.json()["errors"]["programme"][0].startswith("未知的项目：no_such")


def test_the_verdict_list_pages_the_callers_enterprises() -> None:
    own = [_sme("dakoutun") for _ in range(3)]
    _sme("koudong")
    body = api_as("town_a").get("/api/v1/verdicts/", page_size=2, as_of="2019-06-30")
    data = body.json()
    assert (data["count"], data["pages"], data["as_of"]) == (3, 2, "2019-06-30")
    assert data["rules_version"] and len(data["results"]) == 2
    assert {r["uscc"] for r in data["results"]} <= {e.uscc for e in own}


def test_libraries_count_by_area_on_a_day_and_list_the_members() -> None:
    a, b = make_enterprise("dakoutun"), make_enterprise("koudong")
    _granted(a, "高新技术企业", dt.date(2019, 3, 1))
    _granted(b, "高新技术企业", dt.date(2019, 8, 1))
    hq = api_as("hq")
    table = hq.get("/api/v1/libraries/", as_of="2019-06-30").json()
    high_tech = next(lib for lib in table["libraries"] if lib["key"] == "high_tech")
    assert high_tech["total"] == 1
    counts = {x["code"]: x["count"] for x in high_tech["areas"]}
    assert counts["dakoutun"] == 1 and counts["koudong"] == 0
    later = hq.get("/api/v1/libraries/high_tech/", as_of="2019-09-30").json()
    assert {m["uscc"] for m in later["results"]} == {a.uscc, b.uscc}
    member = next(m for m in later["results"] if m["uscc"] == a.uscc)
    assert member["area"]["code"] == "dakoutun"
    assert member["qualifications"][0]["kind"] == "高新技术企业"


def test_a_town_token_counts_and_lists_only_its_town_in_libraries() -> None:
    a, b = make_enterprise("dakoutun"), make_enterprise("koudong")
    for e in (a, b):
        _granted(e, "高新技术企业", dt.date(2019, 3, 1))
    town = api_as("town_a")
    table = town.get("/api/v1/libraries/", as_of="2019-06-30").json()
    high_tech = next(lib for lib in table["libraries"] if lib["key"] == "high_tech")
    assert high_tech["total"] == 1
    assert [x["code"] for x in high_tech["areas"]] == ["dakoutun"]
    members = town.get("/api/v1/libraries/high_tech/", as_of="2019-06-30").json()
    assert [m["uscc"] for m in members["results"]] == [a.uscc]
    assert town.get("/api/v1/libraries/high_tech/", area="koudong").status_code == 400
    assert town.get("/api/v1/libraries/nope/").status_code == 404


def test_targets_show_actual_expected_and_light_with_the_records_behind() -> None:
    baodi_plan()
    a, b = make_enterprise("dakoutun"), make_enterprise("koudong")
    for e in (a, b):
        _granted(e, "高新技术企业", dt.date(2019, 3, 1))
    hq = api_as("hq")
    table = hq.get("/api/v1/targets/", as_of="2019-09-30").json()
    assert table["plan"] == "baodi-2019"
    high_tech = next(t for t in table["targets"] if t["key"] == "high-tech")
    assert high_tech["actual"] == "2" and high_tech["source"] == "auto"
    assert high_tech["light"] in ("green", "yellow", "red", "grey")
    assert high_tech["records"].endswith(
        "/api/v1/targets/high-tech/records/?plan=baodi-2019"
    )
    records = hq.get("/api/v1/targets/high-tech/records/", as_of="2019-09-30").json()
    assert records["total"] == 2 and {r["uscc"] for r in records["records"]} == {
        a.uscc,
        b.uscc,
    }
    town = api_as("town_a").get(
        "/api/v1/targets/high-tech/records/", as_of="2019-09-30"
    )
    assert town.json()["total"] == 2
    assert [r["uscc"] for r in town.json()["records"]] == [a.uscc]


def test_a_reported_target_takes_the_lead_units_submitted_figure() -> None:
    plan = baodi_plan()
    target = plan.targets.filter(source="reported").first()
    assert target is not None
    lead = target.targetunit_set.order_by("position").first()
    assert lead is not None
    file_report(
        plan,
        lead.unit.code,
        dt.date(2019, 7, 1),
        dt.date(2019, 8, 2),
        figures={target.key: "3"},
    )
    table = api_as("leader").get("/api/v1/targets/", as_of="2019-09-30").json()
    row = next(t for t in table["targets"] if t["key"] == target.key)
    assert row["actual"] == "3" and row["records"] is None
    assert "月报" in row["actual_source"]


def test_targets_without_a_loaded_plan_are_404_in_chinese() -> None:
    response = api_as("hq").get("/api/v1/targets/")
    assert response.status_code == 404
    assert "尚未载入实施方案" in response.json()["detail"]
