"""The demo step: every page has content, and a second run changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from keqi.activities.demo import demo_load as activities_demo
from keqi.activities.models import Activity, ActivityKind, TraineeReport
from keqi.activities.tests.helpers import client_for
from keqi.campaign.metrics import METRICS
from keqi.core.demo.generator import CONFIG, build_dataset
from keqi.core.demo.load import demo_load
from keqi.core.models import AuditEvent
from keqi.core.testing import load_baodi

pytestmark = pytest.mark.django_db
SEPT_30 = dt.date(2019, 9, 30)


@pytest.fixture
def demo(db):  # type: ignore[no-untyped-def]
    load_baodi()
    demo_load(build_dataset(CONFIG.scaled(120)))
    return activities_demo(SEPT_30)


def test_the_demo_has_the_plans_activities_and_a_second_run_changes_nothing(
    demo,
) -> None:  # type: ignore[no-untyped-def]
    assert METRICS["tech_sme_trainings_in_year"].count(2019, SEPT_30) == 3
    assert METRICS["contests_in_year"].count(2019, SEPT_30) == 0  # final on 12 Dec
    trainings = Activity.objects.filter(tech_sme_training=True)
    assert all(t.attendances.filter(attended=True).exists() for t in trainings)
    titles = " ".join(Activity.objects.values_list("title", flat=True))
    assert "无人机" in titles and "石墨烯" in titles
    assert Activity.objects.filter(kind=ActivityKind.WORKSTATION).count() >= 2
    contest = Activity.objects.get(kind=ActivityKind.CONTEST)
    assert contest.entries.count() >= 10 and contest.rounds.count() == 3
    months = TraineeReport.objects.filter(unit__code="rsj").values_list(
        "month", flat=True
    )
    assert max(months) == dt.date(2019, 9, 1)
    events = AuditEvent.objects.count()
    assert "新建 0，更新 0" in activities_demo(SEPT_30)[0]
    assert AuditEvent.objects.count() == events


def test_every_demo_page_shows_real_content(demo, hq) -> None:  # type: ignore[no-untyped-def]
    client = client_for(hq)
    expect = {
        "/activities/?year=2019&as_of=2019-09-30": "3900人",
        "/activities/list/?year=2019": "宝坻区第三届创新创业大赛",
        "/activities/followup/?year=2019&as_of=2019-09-30": "第一期",
        "/activities/trainees/?year=2019&as_of=2019-09-30": "累计培训 <strong>3900</strong> 人",
        "/activities/haihe/?year=2019": "引进明细",
        "/activities/platforms/?year=": "有效",
    }
    for url, words in expect.items():
        text = client.get(url).content.decode()
        assert words in text, url
        assert "暂无" not in text and "没有符合条件" not in text, url
    contest = Activity.objects.get(kind=ActivityKind.CONTEST)
    page = client.get(f"/activities/{contest.pk}/").content.decode()
    assert "团队组" in page and "决赛" in page


def test_keqi_demo_loads_activities_before_the_campaign_reports_prefill_them(
    db, settings, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from keqi.campaign.models import ReportLine
    from keqi.core.demo.accounts import demo_accounts_ensure
    from keqi.core.demo.commands import demo_steps_run

    settings.MEDIA_ROOT = tmp_path
    load_baodi()
    demo_accounts_ensure()
    demo_steps_run(SEPT_30)
    june = ReportLine.objects.get(
        report__unit__code="hq",
        report__month=dt.date(2019, 6, 1),
        target__key="tech-sme-training",
    )
    assert june.prefilled == 2  # the trainings of 9 May and 13 June


def test_the_demo_holds_two_new_entrepreneur_courses(demo, hq) -> None:  # type: ignore[no-untyped-def]
    courses = Activity.objects.filter(kind=ActivityKind.ENTREPRENEUR)
    assert courses.count() == 2
    assert all(c.attendances.filter(attended=True).exists() for c in courses)
    page = client_for(hq).get(
        "/activities/list/", {"year": "2019", "kind": "新型企业家培育"}
    )
    assert "科技型企业家创新能力提升研修班" in page.content.decode()
