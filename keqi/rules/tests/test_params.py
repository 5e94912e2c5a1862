"""Load-time checks of the dated parameters, and HQ overrides."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

from keqi.rules.context import Ctx
from keqi.rules.evaluate import programme_table
from keqi.rules.params import ParamError, default_params, load_dir, parse_parameter


def _param(**over: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": "x.bands",
        "title": "测试",
        "type": "bands",
        "status": "confirmed",
        "citation": {"document": "文号", "article": "第一条", "text": "说明"},
        "versions": [
            {
                "from": "2020-01-01",
                "value": [
                    {"label": "A", "range": "[10%, +inf)", "value": 2},
                    {"label": "B", "range": "(-inf, 10%)", "value": 0},
                ],
            }
        ],
    }
    base.update(over)
    return base


def _bands(*ranges: str) -> dict[str, object]:
    value = [{"label": str(i), "range": r, "value": i} for i, r in enumerate(ranges)]
    return _param(versions=[{"from": "2020-01-01", "value": value}])


def test_shipped_parameters_load_and_every_one_is_cited() -> None:
    params = default_params()
    ids = [p.id for p in params]
    assert "tech_sme.staff_points" in ids
    for param in params:
        assert param.citation.document and param.citation.article


def test_every_parameter_a_condition_declares_exists() -> None:
    params = default_params()
    for programme in programme_table().values():
        for version in programme.versions:
            for cond in version.conditions:
                for pid in cond.params:
                    assert pid in params, (programme.key, cond.id, pid)


def test_a_gap_between_bands_is_rejected() -> None:
    with pytest.raises(ParamError, match="缺口"):
        parse_parameter(_bands("[10%, +inf)", "(-inf, 10%]", "(5%, 10%)"))
    with pytest.raises(ParamError, match="缺口"):
        parse_parameter(_bands("(10%, +inf)", "(-inf, 10%)"))


def test_overlapping_bands_are_rejected() -> None:
    with pytest.raises(ParamError, match="重叠"):
        parse_parameter(_bands("[10%, +inf)", "(-inf, 10%]"))


def test_bands_not_reaching_infinity_are_rejected() -> None:
    with pytest.raises(ParamError, match="不完整"):
        parse_parameter(_bands("[10%, 50%)", "(-inf, 10%)"))


def test_a_parameter_without_citation_is_rejected() -> None:
    with pytest.raises(ParamError, match="出处"):
        parse_parameter(_param(citation={"document": "文号"}))


def test_reference_cycles_are_rejected(tmp_path: Path) -> None:
    text = """parameters:
  - id: a
    type: int
    status: confirmed
    citation: {document: d, article: a, text: t}
    versions: [{from: 2020-01-01, value: {ref: b}}]
  - id: b
    type: int
    status: confirmed
    citation: {document: d, article: a, text: t}
    versions: [{from: 2020-01-01, value: {ref: a}}]
"""
    (tmp_path / "x.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ParamError, match="成环"):
        load_dir(tmp_path)


def test_an_override_from_a_date_applies_only_from_that_date() -> None:
    params = default_params().with_overrides(
        {
            "tech_sme.staff_max": {
                "value": {"op": "<=", "value": 300},
                "from": "2020-01-01",
            }
        }
    )
    before = Ctx(params, date(2019, 6, 30)).threshold("tech_sme.staff_max")
    after = Ctx(params, date(2020, 6, 30))
    assert before.value == 500
    assert after.threshold("tech_sme.staff_max").value == 300
    assert after.overridden() == ("tech_sme.staff_max",)


def test_an_override_is_checked_like_the_files() -> None:
    with pytest.raises(ParamError):
        default_params().with_overrides(
            {
                "tech_sme.staff_points": [
                    {"label": "A", "range": "[30%, +inf)", "value": 20}
                ]
            }
        )
    with pytest.raises(ParamError, match="没有参数"):
        default_params().with_overrides({"no.such": 1})


def test_an_override_can_mark_a_value_confirmed() -> None:
    params = default_params().with_overrides(
        {"tech_sme.data_year_offset": {"value": -1, "status": "confirmed"}}
    )
    ctx = Ctx(params, date(2019, 6, 30))
    ctx.integer("tech_sme.data_year_offset")
    assert ctx.flags() == ()


def test_a_parameter_not_yet_in_force_is_an_error() -> None:
    with pytest.raises(ParamError, match="尚未生效"):
        Ctx(default_params(), date(2010, 1, 1)).ratio("tech_sme.data_year_offset")


def test_percent_text_is_exact() -> None:
    ctx = Ctx(default_params(), date(2019, 6, 30))
    band = ctx.bands("tech_sme.staff_points").find(Fraction(3, 10))
    assert band.label == "A"


def test_several_dated_edits_each_apply_from_their_own_date() -> None:
    params = default_params().with_overrides(
        {
            "tech_sme.staff_max": [
                {"value": {"op": "<=", "value": 300}, "from": "2020-01-01"},
                {"value": {"op": "<=", "value": 400}, "from": "2021-01-01"},
            ]
        }
    )

    def on(day: date) -> object:
        return Ctx(params, day).threshold("tech_sme.staff_max").value

    assert [on(date(y, 6, 30)) for y in (2019, 2020, 2021)] == [500, 300, 400]


def test_a_dated_edit_replaces_the_version_of_its_date_and_keeps_later_ones() -> None:
    shipped = default_params().parameter("tech_sme.staff_max")
    start = shipped.versions[0].effective_from
    params = default_params().with_overrides(
        {
            "tech_sme.staff_max": [
                {"value": {"op": "<=", "value": 400}, "from": "2030-01-01"},
                {"value": {"op": "<=", "value": 300}, "from": start.isoformat()},
            ]
        }
    )
    versions = params.parameter("tech_sme.staff_max").versions
    assert [v.effective_from for v in versions] == [start, date(2030, 1, 1)]
    assert [v.raw["value"] for v in versions] == [300, 400]  # type: ignore[index]


def test_confirming_from_a_date_leaves_earlier_verdicts_flagged() -> None:
    params = default_params().with_overrides(
        {
            "tech_sme.data_year_offset": [
                {"value": -1, "from": "2020-01-01", "status": "confirmed"}
            ]
        }
    )
    early, late = Ctx(params, date(2019, 6, 30)), Ctx(params, date(2020, 6, 30))
    for ctx in (early, late):
        ctx.integer("tech_sme.data_year_offset")
    assert early.flags() == ("tech_sme.data_year_offset",)
    assert late.flags() == ()
    assert early.overridden() == () and late.overridden() == (
        "tech_sme.data_year_offset",
    )


def test_a_band_table_override_is_a_value_not_a_list_of_edits() -> None:
    bands = [
        {"label": "A", "range": "[20%, +inf)", "value": 20},
        {"label": "B", "range": "(-inf, 20%)", "value": 0},
    ]
    params = default_params().with_overrides({"tech_sme.staff_points": bands})
    table = Ctx(params, date(2019, 6, 30)).bands("tech_sme.staff_points")
    assert [b.value for b in table.bands] == [0, 20]
