"""plans/baodi-2019.yaml checked word by word against the seed plan text."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from keqi.campaign.metrics import METRICS
from keqi.campaign.planfile import PlanSpec, plan_file_read

ROOT = Path(__file__).resolve().parents[3]
PLAN_FILE = ROOT / "plans" / "baodi-2019.yaml"
# The customer's plan text as issued (区政府 2019年5月20日 批转), kept verbatim.
SEED = Path(__file__).parent / "fixtures" / "baodi-2019-plan.txt"


def _seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


# Targets that are one deliverable (制定…计划, 建立…库, 举办…大赛), not a count.
_DELIVERABLE_UNITS = {"份", "个", "届"}


@pytest.fixture(scope="module")
def spec() -> PlanSpec:
    return plan_file_read(PLAN_FILE, known_metrics=METRICS)


@pytest.fixture(scope="module")
def seed() -> str:
    return _flat(_seed_text())


def _section(seed: str, start: str, end: str) -> str:
    return seed[seed.index(start) : seed.index(end)]


def test_every_target_quote_is_verbatim_plan_text(spec: PlanSpec, seed: str) -> None:
    for target in spec.targets:
        assert _flat(target.plan_text) in seed, target.key


def test_every_target_value_is_written_in_its_quote(spec: PlanSpec) -> None:
    for target in spec.targets:
        if target.unit in _DELIVERABLE_UNITS:
            assert target.value == 1  # one plan, one library, one contest
            continue
        written = f"{target.value.normalize():f}{target.unit}"
        assert written in target.plan_text, target.key


def test_every_counted_number_in_targets_and_measures_is_a_target(
    spec: PlanSpec, seed: str
) -> None:
    text = _section(seed, "二、攻坚目标", "三、重点任务") + _section(
        seed, "四、工作措施", "五、组织保障"
    )
    counted = set(re.findall(r"(\d+)(家|次|人)", text))
    encoded = {
        (f"{t.value.normalize():f}", t.unit)
        for t in spec.targets
        if t.unit not in _DELIVERABLE_UNITS
    }
    assert counted == encoded


def test_the_seed_targets_have_the_right_numbers(spec: PlanSpec) -> None:
    values = {t.key: (t.value, t.unit, t.source) for t in spec.targets}
    assert values["high-tech"] == (Decimal(26), "家", "auto")
    assert values["tech-sme"] == (Decimal(150), "家", "auto")
    assert values["platforms"] == (Decimal(8), "家", "auto")
    assert values["tech-sme-training"] == (Decimal(3), "次", "auto")
    assert values["joint-stock"] == (Decimal(6), "家", "auto")
    assert values["listing"] == (Decimal(1), "家", "auto")
    assert values["skilled-talent-training"] == (Decimal(8000), "人", "auto")
    assert values["contest"] == (Decimal(1), "届", "auto")
    assert values["innovation-transformation"] == (Decimal(100), "家", "auto")
    assert values["city-tech-center"] == (Decimal(5), "家", "auto")
    assert values["zjtx-products"] == (Decimal(10), "家", "auto")
    libraries = {"tech-sme-library", "lingjun-library", "high-tech-library"}
    for key in libraries | {"tech-leading-library"}:
        assert values[key] == (Decimal(1), "个", "auto"), key


def test_only_the_three_year_plan_is_typed_by_a_unit(spec: PlanSpec) -> None:
    """Every number the registry can count is counted; only the plan document
    (制定三年行动计划) has no records behind it and is reported."""
    typed = [t.key for t in spec.targets if t.source == "reported"]
    assert typed == ["three-year-plan"]


def test_deadlines_follow_the_plan_wording(spec: PlanSpec, seed: str) -> None:
    by_key = {t.key: t for t in spec.targets}
    assert by_key["three-year-plan"].deadline == dt.date(2019, 5, 31)
    for target in spec.targets:
        if target.key != "three-year-plan":
            assert target.deadline == dt.date(2019, 12, 31), target.key
        for words in target.deadline_text.split("；"):
            assert words in seed, (target.key, words)


def test_all_thirteen_measures_are_verbatim(spec: PlanSpec, seed: str) -> None:
    assert [m.number for m in spec.measures] == list(range(1, 14))
    for m in spec.measures:
        assert _flat(f"{m.number}．{m.text}（{m.units_text}）") in seed, m.number


def test_measure_units_are_the_plans_parentheses_in_order(spec: PlanSpec) -> None:
    labels = dict(spec.units) | {k: g.label for k, g in spec.unit_groups.items()}
    for m in spec.measures:
        written = re.split("、|及", m.units_text.replace("宝坻区经济", "宝坻经济"))
        assert [labels[ref] for ref in m.units] == written, m.number
    by_number = {m.number: m.units for m in spec.measures}
    assert by_number[2] == ("hq", "bdkfq-gwh", "all-towns")
    assert by_number[9] == ("hzjlb", "gxj", "jjxc-jgw", "bdkfq-gwh", "zgc-gwh")
    assert by_number[11] == ("rcb", "rsj")


def test_measure_deadlines_are_null_where_the_plan_gives_none(spec: PlanSpec) -> None:
    deadlines = {m.number: m.deadline for m in spec.measures}
    assert deadlines[1] == dt.date(2019, 5, 31)
    for n in (2, 3, 4, 5, 7, 13):
        assert deadlines[n] == dt.date(2019, 12, 31)
    for n in (6, 8, 9, 10, 11, 12):
        assert deadlines[n] is None


def test_the_notice_facts_are_recorded(spec: PlanSpec, seed: str) -> None:
    assert spec.document_date == dt.date(2019, 5, 20)
    assert spec.approved_by.replace("区人民政府", "") in seed
    assert "第62次常务会议" in spec.approved_by
    assert spec.year == 2019
    assert spec.office_unit == "hq"
    org = spec.organisation
    assert _flat(org["joint_meeting"]["plan_text"]) in seed
    assert _flat(org["assessment"]["accountability_text"]) in seed
    for label in spec.naming:
        assert label in org["assessment"]["accountability_text"]


@pytest.mark.django_db
def test_plan_show_json_lists_every_target_and_measure(capsys) -> None:  # type: ignore[no-untyped-def]
    from keqi.cli import main
    from keqi.core.testing import load_baodi

    load_baodi()
    assert main(["plan", "load", str(PLAN_FILE)]) == 0
    capsys.readouterr()
    assert main(["plan", "show", "baodi-2019", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    targets = {t["name"]: t for t in data["targets"]}
    assert targets["新发展国家高新技术企业"]["value"] == 26
    assert targets["新发展国家高新技术企业"]["source"] == "auto"
    assert (
        targets["培训职业技能人才"]["value"],
        targets["培训职业技能人才"]["unit"],
    ) == (
        8000,
        "人",
    )
    assert len(data["measures"]) == 13
    m2 = data["measures"][1]
    assert m2["deadline"] == "2019-12-31"
    assert [u["code"] for u in m2["units"][:2]] == ["hq", "bdkfq-gwh"]
    assert all(u["code"].endswith("-gov") for u in m2["units"][2:])
    assert data["measures"][5]["deadline"] is None


def test_one_off_deliverables_are_milestones(spec: PlanSpec) -> None:
    milestones = {t.key for t in spec.targets if t.milestone}
    assert milestones == {t.key for t in spec.targets if t.unit in _DELIVERABLE_UNITS}
