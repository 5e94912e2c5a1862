"""`keqi evaluate`: a workbook or the registry through the rules engine."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]

from keqi.cli import main
from keqi.core.models import AuditEvent
from keqi.core.testing import add_figures, make_enterprise
from keqi.registry.facts import facts_for
from keqi.registry.models import Enterprise
from keqi.registry.tests.workbook_helpers import ERRORS_XLSX, GOOD_XLSX
from keqi.registry.workbook.facts import workbook_facts
from keqi.rules import RULES_VERSION, evaluate, result_to_dict

pytestmark = pytest.mark.django_db
OUTCOMES = {"eligible", "ineligible", "undetermined"}
E1 = "91120224MA05A00016"


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert main(["evaluate", *args, "--as-of", "2019-06-30"]) == 0
    parsed: dict[str, Any] = json.loads(capsys.readouterr().out)
    return parsed


def strings_only(value: Any) -> bool:
    """No float or Decimal anywhere: numbers travel as exact decimal strings."""
    if isinstance(value, dict):
        return all(strings_only(v) for v in value.values())
    if isinstance(value, list):
        return all(strings_only(v) for v in value)
    return not isinstance(value, float | Decimal)


def test_workbook_evaluates_to_the_json_contract_without_touching_the_database(
    capsys: pytest.CaptureFixture[str],
) -> None:
    report = run_json(capsys, str(GOOD_XLSX))
    assert report["as_of"] == "2019-06-30"
    assert report["rules_version"]
    assert [r["uscc"] for r in report["results"]][0] == E1
    assert len(report["results"]) == 3
    for result in report["results"]:
        tech_sme = result["programmes"]["tech_sme"]
        assert tech_sme["outcome"] in OUTCOMES
        assert isinstance(tech_sme["score"], str)
        assert all(c["citation"] for c in tech_sme["conditions"])
    assert strings_only(report)
    assert Enterprise.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_areas_need_not_be_configured_to_evaluate(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from keqi.accounts.models import Area

    assert not Area.objects.exists()
    assert main(["evaluate", str(GOOD_XLSX), "--format", "table"]) == 0
    assert "天津宏远电子科技有限公司" in capsys.readouterr().out


def test_programme_option_keeps_only_the_programmes_named(
    capsys: pytest.CaptureFixture[str],
) -> None:
    report = run_json(capsys, str(GOOD_XLSX), "--programme", "tech_sme")
    assert all(set(r["programmes"]) == {"tech_sme"} for r in report["results"])
    both = run_json(
        capsys, str(GOOD_XLSX), "--programme", "tech_sme", "--programme", "high_tech"
    )
    assert set(both["results"][0]["programmes"]) == {"tech_sme", "high_tech"}


def test_unknown_programme_exits_2_listing_the_known_ones(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["evaluate", str(GOOD_XLSX), "--programme", "nope"]) == 2
    out = capsys.readouterr().out
    assert "未知的项目：nope" in out and "tech_sme" in out and "high_tech" in out


def test_workbook_with_bad_cells_prints_each_place_and_exits_1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["evaluate", str(ERRORS_XLSX)]) == 1
    out = capsys.readouterr().out
    assert "年度数据 · 第2行 · 销售收入（元）（F列）：不是有效的数字：“abc”" in out
    assert "企业基本信息 · 第3行 · 成立日期（C列）" in out
    assert "年度数据 · 第5行 · 统一社会信用代码（A列）：企业不存在" in out
    assert '"results"' not in out
    assert Enterprise.objects.count() == 0


def test_blank_valid_until_is_derived_from_the_grant_date() -> None:
    found = workbook_facts(GOOD_XLSX)
    assert not found.errors
    first = next(f for f in found.facts if f.uscc == E1)
    by_kind = {q.kind: q for q in first.qualifications}
    assert by_kind["高新技术企业"].valid_until == dt.date(2020, 10, 9)
    assert by_kind["科技型中小企业"].valid_until == dt.date(2019, 12, 31)
    assert first.years[2016].sales_revenue == Decimal("5200.5")
    assert first.registered_in_tianjin is True


def test_xlsx_writes_one_sheet_per_programme(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "评价.xlsx"
    args = ["evaluate", str(GOOD_XLSX), "--as-of", "2019-06-30", "--format", "xlsx"]
    assert main([*args, "--output", str(target)]) == 0
    book = load_workbook(target)
    assert book.sheetnames == [
        "评价说明",
        "科技型中小企业",
        "高新技术企业",
        "天津市雏鹰企业",
    ]
    rows = list(book["科技型中小企业"].values)
    assert rows[0][0] == "统一社会信用代码" and len(rows) == 4


def test_every_output_format_carries_the_date_rules_version_and_flagged_parameters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["evaluate", str(GOOD_XLSX), "--as-of", "2019-06-30"]
    assert main([*base, "--format", "xlsx", "--output", str(tmp_path / "r.xlsx")]) == 0
    about = dict(
        (str(k).strip(), str(v))
        for k, v in load_workbook(tmp_path / "r.xlsx")["评价说明"].values
    )
    assert about["评价基准日"] == "2019-06-30"
    assert about["规则版本"] == RULES_VERSION
    # 天津雏鹰 2019 is single-source throughout: its parameters are listed.
    assert "tj_chuying.2019.revenue_max" in about
    assert "单一来源" in about["tj_chuying.2019.revenue_max"]
    capsys.readouterr()

    report = run_json(capsys, str(GOOD_XLSX))
    listed = {p["id"]: p for p in report["unconfirmed_parameters"]}
    assert listed["tj_chuying.2019.revenue_max"]["status"] == "single_source"
    assert listed["tj_chuying.2019.revenue_max"]["citation"]

    assert main([*base, "--format", "table"]) == 0
    table = capsys.readouterr().out
    assert "评价基准日：2019-06-30" in table
    assert f"规则版本：{RULES_VERSION}" in table
    assert "tj_chuying.2019.revenue_max" in table


def test_xlsx_without_output_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", str(GOOD_XLSX), "--format", "xlsx"]) == 2
    assert "--output" in capsys.readouterr().out


def test_registry_option_evaluates_the_database_enterprises(
    capsys: pytest.CaptureFixture[str],
) -> None:
    ent = make_enterprise(registered_region="天津市宝坻区")
    add_figures(ent, 2018, staff_total=50, sales_revenue=3000, rd_expense=200)
    report = run_json(capsys, "--registry", "--programme", "tech_sme")
    (result,) = report["results"]
    assert result["uscc"] == ent.uscc
    expected = evaluate(
        facts_for(ent), as_of=dt.date(2019, 6, 30), programmes=["tech_sme"]
    )
    assert result["programmes"] == json.loads(
        json.dumps(result_to_dict(expected)["programmes"], ensure_ascii=False)
    )
    assert result["programmes"]["tech_sme"]["outcome"] in OUTCOMES
    # the streamed report names the flagged parameters its verdicts used, as a
    # workbook's report does
    flags = expected.programmes["tech_sme"].flags
    assert [p["id"] for p in report["unconfirmed_parameters"]] == list(flags)


def test_workbook_and_registry_together_is_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["evaluate", str(GOOD_XLSX), "--registry"]) == 2
    assert main(["evaluate"]) == 2
    assert "二者选一" in capsys.readouterr().out
