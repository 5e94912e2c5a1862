"""The shared service log: every unit in scope sees who visited an enterprise;
only the unit that logged an entry changes it; follow-ups past due reach the unit
that promised them and the HQ office."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from keqi.core.models import AuditEvent
from keqi.core.testing import make_enterprise, persona
from keqi.partners import services
from keqi.partners.models import ServiceEntry
from keqi.partners.selectors import overdue_for, service_list_for
from keqi.partners.tests.helpers import log_visit

pytestmark = pytest.mark.django_db
TODAY = dt.date(2019, 9, 30)


def client_for(name: str) -> Client:
    client = Client()
    client.force_login(persona(name))
    return client


def test_a_follow_up_past_due_appears_for_its_unit_and_for_hq(
    member, hq, town_a
) -> None:
    firm = make_enterprise("dakoutun")
    late = log_visit(firm, member, follow_up_due=dt.date(2019, 9, 15))
    log_visit(firm, member, on=dt.date(2019, 9, 2), follow_up_due=dt.date(2019, 10, 9))
    assert list(overdue_for(member, TODAY)) == [late]
    assert list(overdue_for(hq, TODAY)) == [late]
    assert list(overdue_for(town_a, TODAY)) == []  # another unit's promise


def test_the_overdue_page_lists_it_for_the_unit_and_for_hq(settings, member) -> None:
    settings.KEQI_BUSINESS_DATE = TODAY
    firm = make_enterprise("dakoutun", name="逾期示例科技有限公司")
    log_visit(firm, member, follow_up_due=dt.date(2019, 9, 15))
    for name in ("member", "hq"):
        page = client_for(name).get(reverse("partners:overdue"))
        assert "逾期示例科技有限公司" in page.content.decode()
    page = client_for("town_a").get(reverse("partners:overdue"))
    assert "逾期示例科技有限公司" not in page.content.decode()


def test_a_follow_up_done_is_no_longer_overdue(member) -> None:
    entry = log_visit(
        make_enterprise("dakoutun"), member, follow_up_due=dt.date(2019, 9, 15)
    )
    services.service_entry_done(
        row=entry, done_on=dt.date(2019, 9, 29), note="已答复", actor=member
    )
    assert not overdue_for(member, TODAY).exists()
    assert AuditEvent.objects.filter(action="service_entry.done").count() == 1


def test_a_unit_cannot_edit_another_units_log_entry(member, town_a) -> None:
    entry = log_visit(make_enterprise("dakoutun"), member)
    client = client_for("town_a")
    edit = reverse("partners:entry_edit", args=["services", entry.pk])
    assert client.get(edit).status_code == 404
    response = client.post(edit, {"enterprise": entry.enterprise.uscc, "kind": "电话",
                                  "on": "2019-09-01", "person": "某", "asked": "改"})  # fmt: skip
    assert response.status_code == 404
    delete = reverse("partners:entry_delete", args=["services", entry.pk])
    assert client.post(delete).status_code == 404
    done = reverse("partners:service_done", args=[entry.pk])
    assert client.post(done, {"done_on": "2019-09-30"}).status_code == 404
    entry.refresh_from_db()
    assert entry.asked == "用地指标" and entry.done_on is None


def test_the_service_also_refuses_another_units_entry(member, town_a) -> None:
    entry = log_visit(make_enterprise("dakoutun"), member)
    with pytest.raises(PermissionDenied, match="本单位"):
        services.service_entry_update(row=entry, values={"asked": "改"}, actor=town_a)


def test_a_unit_edits_its_own_entry_and_the_change_is_audited(member) -> None:
    entry = log_visit(make_enterprise("dakoutun"), member)
    client = client_for("member")
    edit = reverse("partners:entry_edit", args=["services", entry.pk])
    response = client.post(edit, {
        "enterprise": entry.enterprise.uscc, "kind": "走访", "on": "2019-09-01",
        "person": "member", "asked": "用地指标和用电", "promised": "两周内答复",
        "follow_up_due": "2019-09-20",
    })  # fmt: skip
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.asked == "用地指标和用电"
    event = AuditEvent.objects.get(action="service_entry.update")
    assert event.changes["asked"] == ["用地指标", "用地指标和用电"]
    assert event.subject == entry.enterprise.subject


def test_read_only_accounts_get_403_on_entry_pages(member) -> None:
    entry = log_visit(make_enterprise("dakoutun"), member)
    client = client_for("leader")
    assert (
        client.get(reverse("partners:entry_new", args=["services"])).status_code == 403
    )
    edit = reverse("partners:entry_edit", args=["services", entry.pk])
    assert client.get(edit).status_code == 403


def test_the_enterprise_page_shows_every_units_visits(member, hq) -> None:
    firm = make_enterprise("dakoutun")
    log_visit(firm, member, asked="工信局问过的用电问题")
    log_visit(firm, hq, asked="科技局问过的高企辅导", on=dt.date(2019, 9, 5))
    page = client_for("town_a").get(
        reverse("registry:enterprise_detail", args=[firm.pk])
    )
    text = page.content.decode()
    assert "走访服务台账" in text
    assert "工信局问过的用电问题" in text and "科技局问过的高企辅导" in text
    assert "区工信局" in text


def test_a_town_sees_no_log_of_another_towns_enterprise(member, town_a) -> None:
    log_visit(make_enterprise("koudong"), member, asked="口东镇企业的诉求")
    assert not service_list_for(town_a).exists()
    page = client_for("town_a").get(reverse("partners:services"))
    assert "口东镇企业的诉求" not in page.content.decode()


def test_a_town_cannot_log_a_visit_to_another_towns_enterprise(town_a) -> None:
    other = make_enterprise("koudong", name="口东镇某企业")
    response = client_for("town_a").post(
        reverse("partners:entry_new", args=["services"]),
        {"enterprise": other.uscc, "kind": "走访", "on": "2019-09-01",
         "person": "甲", "asked": "诉求"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "不在您的管辖范围内" in response.content.decode()
    assert not ServiceEntry.objects.exists()


def test_logging_from_the_enterprise_page_returns_there(town_a) -> None:
    firm = make_enterprise("dakoutun")
    back = reverse("registry:enterprise_detail", args=[firm.pk])
    response = client_for("town_a").post(
        reverse("partners:entry_new", args=["services"]) + f"?next={back}",
        {"enterprise": firm.uscc, "kind": "电话", "on": "2019-09-01",
         "person": "甲", "asked": "融资需求", "next": back},
    )  # fmt: skip
    assert response.status_code == 302 and response.url == back
    entry = ServiceEntry.objects.get()
    assert entry.unit == town_a.unit and entry.created_by == town_a


def test_a_follow_up_before_the_visit_is_refused(member) -> None:
    with pytest.raises(ValidationError, match="跟进期限不能早于服务日期"):
        log_visit(make_enterprise(), member, follow_up_due=dt.date(2019, 8, 1))
