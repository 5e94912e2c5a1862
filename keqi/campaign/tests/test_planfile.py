"""Plan files: checking with errors that name the place, and loading into the DB."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from keqi.campaign.metrics import METRICS
from keqi.campaign.models import Measure, MeasureUnit, Plan, Target
from keqi.campaign.planfile import PlanFileError, plan_file_read
from keqi.campaign.services import CampaignAction, plan_file_load
from keqi.core.models import AuditEvent

BAODI = Path(__file__).resolve().parents[3] / "plans" / "baodi-2019.yaml"

SMALL = """
name: other-2020
title: 某区科技企业培育行动方案
year: 2020
start_month: 2020-03
document_date: 2020-02-28
units:
  hq: 区科技局
  gxj: 区工信局
unit_groups:
  towns: {label: 各镇, area_kinds: [town]}
targets:
  - key: high-tech
    name: 新认定高新技术企业
    value: 10
    unit: 家
    deadline: 2020-12-31
    source: auto
    metric: high_tech_in_year
    responsible: [hq]
    plan_text: 新认定高新技术企业10家
  - key: trainings
    name: 政策培训
    value: 4
    unit: 次
    deadline: 2020-12-31
    source: reported
    responsible: [gxj, towns]
    plan_text: 开展政策培训4次
measures:
  - number: 1
    title: 政策培训
    text: 开展政策培训4次。
    units: [gxj, hq, towns]
    deadline: 2020-12-31
    targets: [trainings]
organisation:
  office_unit: hq
  report_day: 10
  yellow_ratio: "0.75"
  assessment:
    weights: {on_time: 25, schedule: 25, results: 40, data_quality: 10}
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _errors(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(PlanFileError) as info:
        plan_file_read(_write(tmp_path, text), known_metrics=METRICS)
    return info.value.errors


def _baodi_with(tmp_path: Path, change) -> Path:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(BAODI.read_text(encoding="utf-8"))
    change(data)
    return _write(tmp_path, yaml.safe_dump(data, allow_unicode=True))


def test_a_bad_measure_deadline_is_named_by_its_place(tmp_path: Path) -> None:
    def bad(data):  # type: ignore[no-untyped-def]
        data["measures"][3]["deadline"] = "2019年底"

    errors = _errors(tmp_path, _baodi_with(tmp_path, bad).read_text(encoding="utf-8"))
    assert errors == [
        "measures[3].deadline: 日期格式应为 YYYY-MM-DD（实际为 '2019年底'）"
    ]


def test_an_impossible_date_is_reported_not_crashed_on(tmp_path: Path) -> None:
    errors = _errors(tmp_path, SMALL.replace("2020-02-28", "2020-02-30"))
    assert errors == ["document_date: 日期格式应为 YYYY-MM-DD（实际为 '2020-02-30'）"]


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    text = (
        SMALL.replace("responsible: [hq]", "responsible: [kjj]")
        .replace("value: 4", "value: 四")
        .replace("results: 40", "results: 50")
        .replace("metric: high_tech_in_year", "metric: gaoqi")
    )
    errors = _errors(tmp_path, text)
    assert "targets[0].responsible[0]: kjj 不是 units 或 unit_groups 中的代码" in errors
    assert "targets[1].value: 应为数字（实际为 '四'）" in errors
    assert any(e.startswith("targets[0].metric: 未知的统计口径 gaoqi") for e in errors)
    assert (
        "organisation.assessment.weights: 各项权重之和应为 100（实际为 110）" in errors
    )


def test_a_measure_linking_an_unknown_target_is_rejected(tmp_path: Path) -> None:
    errors = _errors(tmp_path, SMALL.replace("targets: [trainings]", "targets: [x]"))
    assert errors == ["measures[0].targets[0]: x 不是 targets 中的目标代码"]


def test_a_typo_in_a_top_level_field_is_caught(tmp_path: Path) -> None:
    errors = _errors(tmp_path, SMALL.replace("year: 2020", "year: 2020\nyaer: 2020"))
    assert errors == ["yaer: 未知的字段（请检查拼写）"]


def test_measures_must_be_numbered_in_order(tmp_path: Path) -> None:
    errors = _errors(tmp_path, SMALL.replace("number: 1", "number: 2"))
    assert errors == ["measures[0].number: 措施应按顺序编号，此处应为 1"]


def test_the_error_message_says_positions_count_from_zero(tmp_path: Path) -> None:
    with pytest.raises(PlanFileError) as info:
        plan_file_read(_write(tmp_path, SMALL.replace("value: 10", "value: -1")))
    assert "列表序号从 0 开始" in str(info.value)
    assert "targets[0].value: 目标值应大于 0" in str(info.value)


@pytest.mark.django_db
def test_another_district_can_load_its_own_plan(tmp_path: Path, hq) -> None:  # type: ignore[no-untyped-def]
    loaded = plan_file_load(path=_write(tmp_path, SMALL), actor=hq)
    plan = loaded.plan
    assert loaded.created
    assert (plan.year, plan.report_day, plan.yellow_ratio) == (
        2020,
        10,
        Decimal("0.75"),
    )
    training = plan.targets.get(key="trainings")
    units = [u.code for u in training.units.order_by("targetunit__position")]
    assert units[0] == "gxj" and len(units) == 1 + 18  # 区工信局 then the 18 towns
    measure = plan.measures.get(number=1)
    lead = MeasureUnit.objects.get(measure=measure, position=0).unit
    assert lead.code == "gxj"


@pytest.mark.django_db
def test_loading_twice_changes_nothing_and_audits_once(hq) -> None:  # type: ignore[no-untyped-def]
    plan_file_load(path=BAODI, actor=hq)
    again = plan_file_load(path=BAODI, actor=hq)
    assert not again.created and again.changes == {}
    assert Plan.objects.count() == 1
    assert Target.objects.count() == 16 and Measure.objects.count() == 13
    assert AuditEvent.objects.filter(action=CampaignAction.PLAN_LOAD).count() == 1


@pytest.mark.django_db
def test_reloading_an_edited_plan_updates_and_records_old_and_new(
    tmp_path: Path,
    hq,  # type: ignore[no-untyped-def]
) -> None:
    plan_file_load(path=BAODI, actor=hq)

    def raise_target(data):  # type: ignore[no-untyped-def]
        data["targets"][0]["value"] = 30

    loaded = plan_file_load(path=_baodi_with(tmp_path, raise_target), actor=hq)
    assert loaded.changes == {"targets.high-tech.value": ["26", "30"]}
    assert Target.objects.get(key="high-tech").value == 30
    event = AuditEvent.objects.filter(action=CampaignAction.PLAN_LOAD).first()
    assert event is not None and event.changes == loaded.changes


@pytest.mark.django_db
def test_a_unit_missing_from_the_district_is_named_and_nothing_is_stored(
    tmp_path: Path,
    hq,  # type: ignore[no-untyped-def]
) -> None:
    text = SMALL.replace("gxj: 区工信局", "gxj: 区工信局\n  fgw: 区发改委")
    with pytest.raises(PlanFileError) as info:
        plan_file_load(path=_write(tmp_path, text), actor=hq)
    assert info.value.errors == [
        "units.fgw: 单位代码在本区机构配置中不存在（先运行 keqi init）"
    ]
    assert not Plan.objects.exists()


@pytest.mark.django_db
def test_only_hq_may_load_a_plan(member) -> None:  # type: ignore[no-untyped-def]
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        plan_file_load(path=BAODI, actor=member)
    assert not Plan.objects.exists()


@pytest.mark.django_db
def test_the_cli_prints_the_errors_and_fails(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from keqi.cli import main

    path = _write(tmp_path, SMALL.replace("2020-12-31", "2020/12/31", 1))
    assert main(["plan", "load", str(path)]) == 1
    assert "targets[0].deadline: 日期格式应为 YYYY-MM-DD" in capsys.readouterr().err


def test_a_misspelt_field_inside_a_target_is_caught(tmp_path: Path) -> None:
    errors = _errors(tmp_path, SMALL.replace("    unit: 家", "    unti: 家"))
    assert "targets[0].unti: 未知的字段（请检查拼写）" in errors
    assert "targets[0].unit: 不能为空" in errors
