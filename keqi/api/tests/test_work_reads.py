"""Funds, activities, partners and campaign-organisation endpoints: scoped like
the web pages (another town's row is a 404 or absent), paged, Chinese errors;
work-plan tasks written by their own unit only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from keqi.activities.tests.helpers import attend, training
from keqi.api.tests.helpers import api_as
from keqi.campaign import organisation as org
from keqi.campaign.meetings import decision_add, meeting_create
from keqi.campaign.models import UnitWorkTask
from keqi.campaign.tests.helpers import baodi_plan
from keqi.core.models import AuditEvent
from keqi.core.testing import make_enterprise, persona
from keqi.funds.ledger import ledger_pay
from keqi.funds.tests.helpers import candidate_for, high_tech_firm, published, rule
from keqi.partners.tests.helpers import log_visit, unit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _september(settings) -> None:  # type: ignore[no-untyped-def]
    settings.KEQI_BUSINESS_DATE = dt.date(2019, 9, 30)


def _paid_awards() -> list[int]:
    rule()
    own = high_tech_firm("dakoutun", "GR201912000101")
    other = high_tech_firm("koudong", "GR201912000102")
    ids = []
    for firm in (own, other):
        award = published(candidate_for(firm))
        ledger_pay(
            award=award, amount=Decimal("200000.00"),
            entry_date=dt.date(2019, 12, 20), actor=None,
        )  # fmt: skip
        ids.append(award.pk)
    return ids


def test_awards_and_ledger_of_a_town_hold_only_its_town(settings) -> None:  # type: ignore[no-untyped-def]
    settings.KEQI_BUSINESS_DATE = dt.date(2019, 12, 31)
    own, other = _paid_awards()
    town = api_as("town_a")
    body = town.get("/api/v1/awards/").json()
    assert [r["id"] for r in body["results"]] == [own]
    assert body["results"][0]["amount"] == "200000.00"
    assert body["results"][0]["status_label"] == "已拨付"
    assert town.get(f"/api/v1/awards/{other}/").status_code == 404
    ledger = town.get("/api/v1/ledger/", year=2019).json()
    assert ledger["count"] == 1 and ledger["results"][0]["amount"] == "200000.00"
    assert api_as("hq").get("/api/v1/ledger/").json()["count"] == 2
    assert api_as("leader").get(f"/api/v1/awards/{other}/").status_code == 200


def test_a_town_naming_another_town_as_area_gets_a_chinese_400() -> None:
    response = api_as("town_a").get("/api/v1/awards/", area="koudong")
    assert response.status_code == 400
    assert "不在您的管辖范围内" in response.json()["errors"]["area"][0]


def test_activities_are_scoped_and_list_only_visible_attendance() -> None:
    own, other = make_enterprise("dakoutun"), make_enterprise("koudong")
    hq_event = training(dt.date(2019, 6, 1))
    attend(hq_event, own)
    attend(hq_event, other)
    hidden = training(dt.date(2019, 6, 2), organiser="koudong-gov")
    town = api_as("town_a")
    listed = town.get("/api/v1/activities/", year=2019).json()
    assert [r["id"] for r in listed["results"]] == [hq_event.pk]
    detail = town.get(f"/api/v1/activities/{hq_event.pk}/").json()
    assert [a["enterprise"]["uscc"] for a in detail["attendance"]] == [own.uscc]
    assert town.get(f"/api/v1/activities/{hidden.pk}/").status_code == 404
    assert api_as("hq").get("/api/v1/activities/").json()["count"] == 2


def test_the_service_log_is_shared_within_scope_only(member) -> None:  # type: ignore[no-untyped-def]
    log_visit(make_enterprise("dakoutun"), member, asked="大口屯镇企业诉求")
    log_visit(make_enterprise("koudong"), member, asked="口东镇企业诉求")
    rows = api_as("town_a").get("/api/v1/service-log/").json()["results"]
    assert [r["asked"] for r in rows] == ["大口屯镇企业诉求"]
    assert rows[0]["unit"] == {"code": "gxj", "name": "宝坻区工业和信息化局"}
    hq = api_as("hq").get("/api/v1/service-log/", unit="gxj", kind="走访").json()
    assert hq["count"] == 2


def test_a_bad_filter_is_a_400_naming_it() -> None:
    response = api_as("hq").get("/api/v1/service-log/", kind="飞鸽")
    assert response.status_code == 400 and "kind" in response.json()["errors"]


def test_finance_and_projects_answer_within_scope() -> None:
    assert api_as("town_a").get("/api/v1/finance/").json()["count"] == 0
    assert api_as("town_a").get("/api/v1/projects/").json()["count"] == 0


def test_meetings_show_decisions_and_attendance(hq) -> None:  # type: ignore[no-untyped-def]
    plan = baodi_plan()
    meeting = meeting_create(plan=plan, held_on=dt.date(2019, 9, 10), actor=hq)
    decision_add(
        meeting=meeting, text="补报8月月报", owner=unit("gxj"),
        due_on=dt.date(2019, 9, 20), actor=hq,
    )  # fmt: skip
    org.meeting_attendance_save(
        meeting=meeting,
        lines=[org.AttendanceLine(unit("kx"), False, "", "参加市科协会议")],
        actor=hq,
    )
    body = api_as("town_a").get("/api/v1/meetings/").json()
    got = body["results"][0]
    assert got["decisions"][0]["text"] == "补报8月月报"
    assert got["attendance"] == [
        {"unit": {"code": "kx", "name": "宝坻区科学技术协会"}, "present": False,
         "attendee": "", "absence_reason": "参加市科协会议"},
    ]  # fmt: skip
    one = api_as("leader").get(f"/api/v1/meetings/{meeting.pk}/")
    assert one.status_code == 200 and one.json()["held_on"] == "2019-09-10"
    assert api_as("hq").get("/api/v1/meetings/999999/").status_code == 404


def test_an_unknown_plan_is_a_400() -> None:
    baodi_plan()
    response = api_as("hq").get("/api/v1/hq-members/", plan="nope")
    assert response.status_code == 400 and "plan" in response.json()["errors"]


def _task_body(**extra: object) -> dict[str, object]:
    body: dict[str, object] = {
        "title": "组织入库申报培训", "person": "李四", "starts_on": "2019-06-01",
        "due_on": "2019-08-31", "status": "doing", "measure": 2,
    }  # fmt: skip
    body.update(extra)
    return body


def test_a_unit_writes_its_work_plan_through_the_api() -> None:
    baodi_plan()
    member = api_as("member")
    response = member.post("/api/v1/work-tasks/new/", _task_body())
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["unit"]["code"] == "gxj" and body["measure"] == 2
    assert body["overdue"] is True
    patched = member.patch(
        f"/api/v1/work-tasks/{body['id']}/",
        {"status": "done", "done_on": "2019-08-30"},
    )
    assert patched.status_code == 200 and patched.json()["overdue"] is False
    assert AuditEvent.objects.filter(action="work_task.update").exists()
    assert AuditEvent.objects.filter(action="api.write").count() == 2


def test_work_plan_writes_refuse_with_chinese_errors() -> None:
    baodi_plan()
    member = api_as("member")
    bad = member.post("/api/v1/work-tasks/new/", _task_body(due_on="2019-05-01"))
    assert bad.status_code == 400
    assert bad.json()["errors"]["due_on"] == ["完成时限不能早于开始日期"]
    no_measure = member.post("/api/v1/work-tasks/new/", _task_body(measure=99))
    assert no_measure.json()["errors"]["measure"] == ["方案中没有第99条工作措施"]
    assert not UnitWorkTask.objects.exists()
    leader = api_as("leader").post("/api/v1/work-tasks/new/", _task_body())
    assert leader.status_code == 403


def test_another_units_task_is_a_404_and_unread_by_a_town() -> None:
    plan = baodi_plan()
    task = org.work_task_create(
        plan=plan,
        values={"title": "工信局任务", "person": "甲", "starts_on": dt.date(2019, 6, 1),
                "due_on": dt.date(2019, 7, 1)},
        actor=persona("member"),
    )  # fmt: skip
    town = api_as("town_a")
    assert (
        town.patch(f"/api/v1/work-tasks/{task.pk}/", {"title": "x"}).status_code == 404
    )
    assert town.get("/api/v1/work-tasks/").json()["count"] == 0
    hq = api_as("hq").get("/api/v1/work-tasks/", status="overdue").json()
    assert [r["title"] for r in hq["results"]] == ["工信局任务"]


def test_plan_item_lists_name_only_enterprises_in_scope(hq) -> None:  # type: ignore[no-untyped-def]
    from keqi.partners import services_plan as sp

    own, other = make_enterprise("dakoutun"), make_enterprise("koudong")
    sp.alliance_create(
        values={"name": "无人机联盟", "level": "区级",
                "founded_on": dt.date(2019, 6, 1), "enterprises": [own, other]},
        actor=hq,
    )  # fmt: skip
    city = sp.carrier_create(
        values={"name": "京津中关村科技城", "kind": "科技城"}, actor=hq
    )
    for firm in (own, other):
        sp.carrier_settlement_create(
            values={"carrier": city, "enterprise": firm,
                    "settled_on": dt.date(2019, 4, 1)},
            actor=hq,
        )  # fmt: skip
    sp.standard_work_create(
        values={"title": "口东镇标准", "level": "团体标准", "stage": "立项",
                "lead_enterprise": other, "started_on": dt.date(2019, 3, 1)},
        actor=hq,
    )  # fmt: skip
    town = api_as("town_a")
    alliance = town.get("/api/v1/alliances/").json()["results"][0]
    assert [e["uscc"] for e in alliance["enterprises"]] == [own.uscc]
    settled = town.get("/api/v1/settlements/", carrier="京津中关村科技城").json()
    assert [r["enterprise"]["uscc"] for r in settled["results"]] == [own.uscc]
    assert town.get("/api/v1/standards/").json()["count"] == 0
    assert api_as("hq").get("/api/v1/standards/", stage="立项").json()["count"] == 1
    assert town.get("/api/v1/leads/").json()["count"] == 0
    assert town.get("/api/v1/trademarks/").json()["count"] == 0
