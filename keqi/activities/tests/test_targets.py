"""Campaign targets fed by activities: trainings, the contest, trainees."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from keqi.activities.models import ActivityKind
from keqi.activities.services import activity_create, contest_round_set
from keqi.activities.talent import trainee_report_file
from keqi.activities.tests.helpers import client_for, training, unit
from keqi.campaign.board import board_build
from keqi.campaign.metrics import METRICS
from keqi.campaign.services import progress_report_open
from keqi.campaign.tests.helpers import baodi_plan

pytestmark = pytest.mark.django_db
SEPT_30 = dt.date(2019, 9, 30)


def _target(plan, key: str, as_of: dt.date):  # type: ignore[no-untyped-def]
    return next(t for t in board_build(plan, as_of).targets if t.target.key == key)


def test_recording_a_training_updates_the_training_target() -> None:
    plan = baodi_plan()
    assert _target(plan, "tech-sme-training", SEPT_30).actual == 0
    training(dt.date(2019, 4, 18))
    training(dt.date(2019, 6, 20))
    training(dt.date(2019, 7, 5), tech_sme=False, title="高新技术企业认定培训")
    training(dt.date(2018, 11, 1))
    status = _target(plan, "tech-sme-training", SEPT_30)
    assert status.actual == 2
    assert "科技型中小企业入库申报培训" in status.actual_source
    assert _target(plan, "tech-sme-training", dt.date(2019, 5, 1)).actual == 1


def test_the_monthly_report_prefills_the_training_count() -> None:
    plan = baodi_plan()
    training(dt.date(2019, 6, 20))
    training(dt.date(2019, 7, 2))
    report = progress_report_open(
        plan=plan, unit=unit("hq"), month=dt.date(2019, 6, 1), actor=None
    )
    line = report.lines.get(target__key="tech-sme-training")
    assert line.prefilled == Decimal(1)  # June's end: the July training not yet


def test_the_contest_counts_once_its_final_is_held() -> None:
    plan = baodi_plan()
    contest = activity_create(
        values={
            "kind": ActivityKind.CONTEST,
            "title": "宝坻区第三届创新创业大赛",
            "held_on": dt.date(2019, 7, 10),
            "ends_on": dt.date(2019, 9, 20),
            "organiser": unit("hq"),
            "edition": 3,
        },
        actor=None,
    )
    contest_round_set(
        activity=contest,
        number=1,
        name="初赛",
        held_on=dt.date(2019, 7, 10),
        actor=None,
    )
    assert _target(plan, "contest", dt.date(2019, 8, 31)).actual == 0
    status = _target(plan, "contest", SEPT_30)
    assert status.actual == 1 and status.light.value == "green"


def test_trainees_toward_8000_add_each_units_latest_cumulative() -> None:
    plan = baodi_plan()
    rsj, kx = unit("rsj"), unit("kx")
    trainee_report_file(
        unit=rsj, month=dt.date(2019, 7, 1), cumulative=4200, actor=None
    )
    trainee_report_file(
        unit=rsj, month=dt.date(2019, 8, 1), cumulative=5000, actor=None
    )
    trainee_report_file(unit=kx, month=dt.date(2019, 8, 1), cumulative=300, actor=None)
    status = _target(plan, "skilled-talent-training", SEPT_30)
    assert status.actual == 5300
    assert _target(plan, "skilled-talent-training", dt.date(2019, 8, 30)).actual == 4200
    assert status.target.value == 8000


def test_the_auto_target_records_link_to_the_activities_list(hq) -> None:  # type: ignore[no-untyped-def]
    baodi_plan()
    response = client_for(hq).get(
        "/campaign/targets/tech-sme-training/records/?as_of=2019-09-30"
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/activities/list/?year=2019")
    assert "tech_sme=1" in response["Location"]
    assert "until=2019-09-30" in response["Location"]


def test_the_plan_loader_accepts_the_metrics_activities_registers() -> None:
    plan = baodi_plan()  # plan_file_load checks every metric name against METRICS
    auto = dict(plan.targets.filter(source="auto").values_list("key", "metric"))
    assert auto["tech-sme-training"] == "tech_sme_trainings_in_year"
    assert auto["contest"] == "contests_in_year"
    assert auto["skilled-talent-training"] == "trainees_in_year"
    assert {METRICS[m].label for m in auto.values()} >= {"年内培训的职业技能人才"}


def test_the_api_gives_the_trainee_total_not_the_number_of_reports(hq) -> None:  # type: ignore[no-untyped-def]
    from rest_framework.test import APIClient

    baodi_plan()
    rsj = unit("rsj")
    trainee_report_file(
        unit=rsj, month=dt.date(2019, 7, 1), cumulative=4200, actor=None
    )
    trainee_report_file(
        unit=rsj, month=dt.date(2019, 8, 1), cumulative=5000, actor=None
    )
    client = APIClient()
    client.force_authenticate(hq)
    body = client.get(
        "/api/v1/targets/skilled-talent-training/records/?as_of=2019-09-30"
    ).json()
    assert body["total"] == 5000
