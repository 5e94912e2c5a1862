"""Values that used to end in a 500 (issue 13.5): a far date such as 9999-12-31,
ids too large for the database, digits Python reads but int() refuses. Each is
now a Chinese 400 or a field/cell error and changes nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import BadRequest
from django.http import QueryDict
from django.test import Client
from openpyxl import load_workbook

from keqi.cli import main
from keqi.core.numbers import parse_date
from keqi.core.query import query_id, query_year, whole_number
from keqi.core.testing import make_enterprise, persona
from keqi.registry.models import Enterprise, Qualification
from keqi.registry.tests.workbook_helpers import GOOD_XLSX, dump

pytestmark = pytest.mark.django_db
HUGE = "99999999999999999999999"  # above 2^63: SQLite refused it with a 500


def signed_in(name: str) -> Client:
    client = Client()
    client.force_login(persona(name))
    return client


# ------------------------------------------------------------ the shared helpers


def test_ids_accept_full_width_digits_and_refuse_what_int_cannot_store() -> None:
    assert whole_number("１２") == 12
    assert whole_number(" 7 ") == 7
    for bad in (HUGE, "-1", "1.5", "1e3", "abc", "", "٣"):
        assert whole_number(bad) is None


def test_a_bad_id_in_a_query_string_is_a_400_naming_the_parameter() -> None:
    with pytest.raises(BadRequest, match="参数“institution”应为记录编号"):
        query_id(QueryDict(f"institution={HUGE}"), "institution")
    assert query_id(QueryDict("institution="), "institution") is None


def test_a_year_out_of_range_is_a_400_with_the_label() -> None:
    assert query_year(QueryDict("year=２０１９"), "year", "年度", 2020) == 2019
    with pytest.raises(BadRequest, match="年度：“9999”不是有效的年份"):
        query_year(QueryDict("year=9999"), "year", "年度", 2020)


def test_dates_beyond_2100_are_refused_however_they_are_written() -> None:
    for value in ("9999-12-31", "9999年12月31日", dt.date(9999, 12, 31)):
        with pytest.raises(ValueError, match="超出可接受的年份（1900–2100年）"):
            parse_date(value)
    assert parse_date("1956-03-01") == dt.date(1956, 3, 1)


# ------------------------------------------------------------ pages


@pytest.mark.parametrize(
    "url",
    [
        f"/partners/projects/?institution={HUGE}",
        f"/partners/services/?unit={HUGE}",
        f"/cultivation/tiers/?area={HUGE}",
        "/cultivation/reserve/tech_sme/?area=1.5",
        f"/activities/list/?organiser={HUGE}",
    ],
)
def test_an_id_too_large_for_the_database_is_a_chinese_400(url: str) -> None:
    response = signed_in("hq").get(url)
    assert response.status_code == 400
    assert "应为记录编号" in response.content.decode()


def test_a_superscript_or_far_year_on_the_funds_pages_is_not_a_server_error() -> None:
    client = signed_in("hq")
    for year in ("²", "9999", HUGE):  # "²".isdigit() is true, but int("²") fails
        assert client.get(f"/funds/awards/?year={year}").status_code == 404


def test_a_prefill_id_too_large_leaves_the_form_blank() -> None:
    response = signed_in("town_a").get(f"/partners/services/new/?enterprise={HUGE}")
    assert response.status_code == 200
    assert response.context["form"].initial.get("enterprise") is None


def test_a_qualification_granted_on_9999_12_31_is_a_field_error(
    db: Any,
) -> None:
    firm = make_enterprise("dakoutun")
    response = signed_in("town_a").post(
        f"/enterprises/{firm.pk}/qualifications/add/",
        {"kind": "高新技术企业", "granted_on": "9999-12-31", "reason": "录入"},
    )
    assert response.status_code == 400  # the form again, with its errors
    errors = response.context["form"].errors
    assert "超出可接受的年份" in errors["granted_on"][0]
    assert not Qualification.objects.exists()


def test_founded_on_9999_12_31_on_the_enterprise_form_is_a_field_error() -> None:
    response = signed_in("town_a").post(
        "/enterprises/new/",
        {
            "uscc": "91120224MA05A00016",
            "name": "远日科技有限公司",
            "founded_on": "9999-12-31",
            "area": persona("town_a").unit.area.pk,
            "reason": "新入库",
        },
    )
    assert response.status_code == 400
    assert "超出可接受的年份" in response.context["form"].errors["founded_on"][0]
    assert not Enterprise.objects.exists()


# ------------------------------------------------------------ command line


def test_keqi_import_refuses_a_qualification_granted_on_9999_12_31(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    persona("hq")  # loads the district
    book = load_workbook(GOOD_XLSX)
    book["资质荣誉"]["E2"] = dt.datetime(9999, 12, 31)
    book["资质荣誉"]["E3"] = "9999-12-31"
    path = tmp_path / "far.xlsx"
    book.save(path)
    before = dump()
    assert main(["import", str(path)]) == 1
    out = capsys.readouterr().out
    assert "资质荣誉 · 第2行 · 取得日期（E列）" in out
    assert "资质荣誉 · 第3行 · 取得日期（E列）" in out
    assert "未导入任何数据" in out
    assert dump() == before


def test_keqi_evaluate_refuses_an_as_of_day_in_9999(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["evaluate", "--registry", "--as-of", "9999-12-31"])
    assert stop.value.code == 2
    assert "超出可接受的年份" in capsys.readouterr().err


def test_keqi_plan_report_refuses_month_9999_12(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from keqi.campaign.tests.helpers import baodi_plan

    baodi_plan()
    code = main(
        ["plan", "report", "baodi-2019", "--month", "9999-12", "--out", str(tmp_path)]
    )
    assert code == 1
    assert "超出可接受的年份" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
