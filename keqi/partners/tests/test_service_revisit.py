"""避免重复走访: recording a visit warns when another unit visited the same
enterprise within the window (KEQI_SERVICE_REVISIT_DAYS), naming the unit and the
day; the user confirms and the visit is saved anyway."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from keqi.core.testing import make_enterprise, persona
from keqi.partners.models import ServiceEntry
from keqi.partners.selectors import service_visits_nearby
from keqi.partners.tests.helpers import log_visit

pytestmark = pytest.mark.django_db
NEW = reverse("partners:entry_new", args=["services"])


def client_for(name: str) -> Client:
    client = Client()
    client.force_login(persona(name))
    return client


def visit_form(firm, **extra: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    data = {"enterprise": firm.uscc, "kind": "走访", "on": "2019-09-20",
            "person": "张三", "asked": "人才公寓"}  # fmt: skip
    data.update(extra)
    return data


def test_a_town_is_warned_of_a_member_units_visit_and_nothing_is_saved(
    member,
) -> None:
    firm = make_enterprise("dakoutun")
    log_visit(firm, member, on=dt.date(2019, 9, 1))
    response = client_for("town_a").post(NEW, visit_form(firm))
    assert response.status_code == 200
    text = response.content.decode()
    assert "避免重复走访" in text and "区工信局" in text and "2019-09-01" in text
    assert "仍然保存" in text
    assert ServiceEntry.objects.count() == 1


def test_after_confirming_the_visit_is_saved(member, town_a) -> None:
    firm = make_enterprise("dakoutun")
    log_visit(firm, member, on=dt.date(2019, 9, 1))
    data = visit_form(firm, confirm_revisit="1")
    response = client_for("town_a").post(NEW, data)
    assert response.status_code == 302
    assert ServiceEntry.objects.filter(unit=town_a.unit).count() == 1


def test_no_warning_outside_the_window_or_for_the_same_unit(member, settings) -> None:
    settings.KEQI_SERVICE_REVISIT_DAYS = 10
    firm = make_enterprise("dakoutun")
    log_visit(firm, member, on=dt.date(2019, 9, 1))
    assert client_for("town_a").post(NEW, visit_form(firm)).status_code == 302
    # 区工信局's own second visit is its own business, not a duplicate.
    again = visit_form(firm, on="2019-09-03")
    assert client_for("member").post(NEW, again).status_code == 302


def test_the_window_is_a_parameter_counted_both_ways(member, town_a) -> None:
    firm = make_enterprise("dakoutun")
    log_visit(firm, member, on=dt.date(2019, 9, 1))
    near = service_visits_nearby
    args = {"enterprise": firm, "unit_id": town_a.unit_id, "kind": "走访"}
    assert near(on=dt.date(2019, 10, 1), days=30, **args)
    assert not near(on=dt.date(2019, 10, 2), days=30, **args)
    assert near(on=dt.date(2019, 8, 2), days=30, **args)  # a visit recorded late
    assert not near(on=dt.date(2019, 9, 10), days=5, **args)


def test_a_phone_call_neither_warns_nor_counts(member, town_a) -> None:
    firm = make_enterprise("dakoutun")
    log_visit(firm, member, kind="电话", on=dt.date(2019, 9, 1))
    args = {"enterprise": firm, "unit_id": town_a.unit_id, "on": dt.date(2019, 9, 2)}
    assert not service_visits_nearby(kind="走访", **args)
    log_visit(firm, member, on=dt.date(2019, 9, 2))
    assert not service_visits_nearby(kind="电话", **args)


def test_editing_a_visit_warns_too_but_not_about_itself(member, hq) -> None:
    firm = make_enterprise("dakoutun")
    own = log_visit(firm, hq, on=dt.date(2019, 8, 1))
    edit = reverse("partners:entry_edit", args=["services", own.pk])
    moved = visit_form(firm, on="2019-08-05", asked="改")
    assert client_for("hq").post(edit, moved).status_code == 302
    log_visit(firm, member, on=dt.date(2019, 8, 20))
    moved = visit_form(firm, on="2019-08-10", asked="再改")
    response = client_for("hq").post(edit, moved)
    assert response.status_code == 200 and "区工信局" in response.content.decode()
    own.refresh_from_db()
    assert own.asked == "改"
