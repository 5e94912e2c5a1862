"""Monthly reports through the API, with the web page's rules: own unit only,
locked once submitted until HQ returns it, closed months need a reason, lateness
judged against the due day; every write audited."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from keqi.api.services import ApiAction
from keqi.api.tests.helpers import Api, api_as
from keqi.campaign.models import ProgressReport, ReportStatus
from keqi.campaign.services import CampaignAction, month_close
from keqi.campaign.tests.helpers import file_report, plan_with_typed_target
from keqi.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def plan(db: None, tmp_path: Path) -> Any:
    return plan_with_typed_target(tmp_path)  # 区工信局 types one count (visits)


def _open(api: Api, month: str = "2019-08", **more: str) -> Any:
    return api.post("/api/v1/reports/open/", {"month": month, **more})


def _fill(report: dict[str, Any]) -> dict[str, Any]:
    lines = []
    for line in report["lines"]:
        if line["kind"] == "target" and line["source"] == "reported":
            lines.append({"id": line["id"], "value": "2", "note": "已完成两项"})
        elif line["kind"] == "measure":
            lines.append(
                {"id": line["id"], "progress": "on_track", "note": "按计划推进"}
            )
    return {
        "responsible_person": "王工",
        "narrative": "本月走访企业12家。",
        "lines": lines,
    }


def test_a_member_unit_files_its_monthly_report_through_the_api() -> None:
    member = api_as("member")
    opened = _open(member)
    assert opened.status_code == 201
    report = opened.json()
    assert report["unit"]["code"] == "gxj" and report["status"] == "draft"
    assert report["due_on"] == "2019-09-05" and report["editable"] is True
    assert any(line["kind"] == "measure" for line in report["lines"])
    saved = member.patch(f"/api/v1/reports/{report['id']}/", _fill(report))
    assert saved.status_code == 200, saved.json()
    body = saved.json()
    assert body["responsible_person"] == "王工"
    targets = [
        x for x in body["lines"] if x["kind"] == "target" and x["source"] == "reported"
    ]
    assert targets and all(x["value"] == "2" for x in targets)
    submitted = member.post(f"/api/v1/reports/{report['id']}/submit/")
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted"
    assert submitted.json()["editable"] is False
    assert submitted.json()["late"].startswith("迟报")
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {CampaignAction.REPORT_SAVE, CampaignAction.REPORT_SUBMIT} <= actions
    notes = AuditEvent.objects.filter(action=ApiAction.WRITE)
    assert {e.reason for e in notes} == {"打开月报", "保存月报", "报送月报"}
    assert all("测试对接" in str(e.changes) for e in notes)


def test_opening_the_same_month_again_returns_the_same_report() -> None:
    member = api_as("member")
    first = _open(member).json()
    again = _open(member)
    assert again.status_code == 200 and again.json()["id"] == first["id"]
    assert ProgressReport.objects.count() == 1


def test_a_submitted_report_is_locked_until_hq_returns_it() -> None:
    member, hq = api_as("member"), api_as("hq")
    report = _open(member).json()
    path = f"/api/v1/reports/{report['id']}/"
    member.patch(path, _fill(report))
    assert member.post(path + "submit/").status_code == 200
    locked = member.patch(path, {"narrative": "改一下"})
    assert locked.status_code == 400
    assert locked.json()["detail"] == "月报已报送，如需修改请联系指挥部办公室退回"
    assert hq.post(path + "return/", {"reason": ""}).status_code == 400
    assert member.post(path + "return/", {"reason": "自己退回"}).status_code == 403
    returned = hq.post(path + "return/", {"reason": "数据与台账不符"})
    assert returned.json()["status"] == "returned"
    assert returned.json()["return_reason"] == "数据与台账不符"
    assert member.patch(path, {"narrative": "已更正"}).status_code == 200
    assert member.post(path + "submit/").json()["status"] == ReportStatus.SUBMITTED


def test_after_the_month_is_closed_a_correction_needs_a_reason(plan: Any) -> None:
    member, hq = api_as("member"), api_as("hq")
    report = _open(member).json()
    path = f"/api/v1/reports/{report['id']}/"
    member.patch(path, _fill(report))
    assert member.post(path + "submit/").status_code == 200
    month_close(plan=plan, month=dt.date(2019, 8, 1), actor=None)
    hq.post(path + "return/", {"reason": "补充材料"})
    without = member.patch(path, {"narrative": "补充"})
    assert without.status_code == 400
    assert without.json()["detail"] == "该月已关账，更正须填写更正原因"
    fixed = member.patch(path, {"narrative": "补充", "reason": "补报培训场次"})
    assert fixed.status_code == 200
    assert fixed.json()["corrected_after_close"] is True
    assert fixed.json()["month_closed"] is True
    assert AuditEvent.objects.filter(action=CampaignAction.REPORT_CORRECT).exists()


def test_a_unit_reads_only_its_own_reports(plan: Any) -> None:
    other = file_report(plan, "dakoutun-gov", dt.date(2019, 6, 1), dt.date(2019, 7, 3))
    member = api_as("member")
    mine = _open(member).json()
    listed = member.get("/api/v1/reports/").json()["results"]
    assert [r["id"] for r in listed] == [mine["id"]]
    assert member.get(f"/api/v1/reports/{other.pk}/").status_code == 404
    assert (
        member.patch(f"/api/v1/reports/{other.pk}/", {"narrative": "x"}).status_code
        == 404
    )
    town = api_as("town_a").get("/api/v1/reports/").json()["results"]
    assert [r["id"] for r in town] == [other.pk]
    everything = api_as("leader").get("/api/v1/reports/").json()
    assert everything["count"] == 2


def test_read_only_roles_cannot_open_or_change_reports(plan: Any) -> None:
    report = file_report(plan, "gxj", dt.date(2019, 6, 1), dt.date(2019, 7, 3))
    leader = api_as("leader")
    refused = _open(leader)
    assert refused.status_code == 403
    assert refused.json()["detail"] == "当前账号为只读角色，不能通过接口修改数据"
    path = f"/api/v1/reports/{report.pk}/"
    assert leader.patch(path, {"narrative": "x"}).status_code == 403
    assert leader.post(path + "return/", {"reason": "x"}).status_code == 403
    assert leader.get(path).status_code == 200


def test_a_unit_cannot_open_another_units_report_but_hq_can() -> None:
    refused = _open(api_as("member"), unit="jrj")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "只能填报本单位的月报"
    opened = _open(api_as("hq"), unit="jrj")
    assert opened.status_code == 201 and opened.json()["unit"]["code"] == "jrj"
    assert _open(api_as("hq"), unit="nope").status_code == 400


def test_a_month_outside_the_plan_or_a_bad_month_is_400() -> None:
    member = api_as("member")
    early = _open(member, month="2019-03")
    assert early.status_code == 400
    assert early.json()["errors"]["month"][0].startswith("该月份不需报送月报")
    assert _open(member, month="2019-13").status_code == 400
    assert _open(member, month="八月").status_code == 400


def test_lines_of_another_report_or_bad_values_are_400(plan: Any) -> None:
    other = file_report(plan, "jrj", dt.date(2019, 6, 1), dt.date(2019, 7, 3))
    foreign = other.lines.first()
    assert foreign is not None
    member = api_as("member")
    report = _open(member).json()
    path = f"/api/v1/reports/{report['id']}/"
    response = member.patch(path, {"lines": [{"id": foreign.pk, "note": "x"}]})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "lines.0.id": [f"条目 {foreign.pk} 不属于这份月报"]
    }
    line = report["lines"][0]["id"]
    negative = member.patch(path, {"lines": [{"id": line, "value": "-1"}]})
    assert negative.status_code == 400 and "lines.0.value" in negative.json()["errors"]
    wrong = member.patch(path, {"lines": [{"id": line, "progress": "快完成了"}]})
    assert wrong.status_code == 400 and "lines.0.progress" in wrong.json()["errors"]


def test_a_figure_typed_for_a_counted_target_is_refused_with_the_reason() -> None:
    member = api_as("member")
    report = _open(member).json()
    line = next(x for x in report["lines"] if x["subject"] == "zjtx-products")
    typed = {"lines": [{"id": line["id"], "value": "9"}]}
    refused = member.patch(f"/api/v1/reports/{report['id']}/", typed)
    assert refused.status_code == 400
    assert "由系统按登记的记录统计" in str(refused.json())
    assert "年内认定“专精特新产品”的企业" in str(refused.json())
    again = member.get(f"/api/v1/reports/{report['id']}/").json()
    assert next(x for x in again["lines"] if x["id"] == line["id"])["value"] == "0"
