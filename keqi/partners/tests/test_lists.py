"""Trademarks, 产学研 projects, events and institutions: figures and scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from keqi.core.testing import make_enterprise
from keqi.partners import services
from keqi.partners.models import Institution
from keqi.partners.selectors import (
    event_list_for,
    project_counts_by_area,
    project_list_for,
    trademark_totals,
    visible_enterprises,
)

pytestmark = pytest.mark.django_db


def trademark(firm, number: str, on: dt.date, actor, **values):  # type: ignore[no-untyped-def]
    data = {"enterprise": firm, "number": number, "nice_class": 9, "registered_on": on}
    return services.trademark_create(values={**data, **values}, actor=actor)


def test_the_plans_named_institutions_are_prefilled() -> None:
    named = set(
        Institution.objects.filter(named_in_plan=True).values_list(
            "short_name", flat=True
        )
    )
    assert {
        "中科院",
        "清华",
        "北大",
        "中科院电工所",
        "清华信研学院",
        "中科院北京分院",
    } <= named


def test_trademark_totals_by_year_count_new_cumulative_and_well_known(member) -> None:
    a, b = make_enterprise("dakoutun"), make_enterprise("koudong")
    trademark(a, "21000001", dt.date(2017, 5, 1), member)
    trademark(a, "21000002", dt.date(2019, 2, 1), member, well_known=True,
              well_known_on=dt.date(2019, 8, 1))  # fmt: skip
    trademark(b, "21000003", dt.date(2019, 6, 1), member)
    rows = [(t.year, t.registered, t.total, t.well_known, t.well_known_total)
            for t in trademark_totals(member)]  # fmt: skip
    assert rows == [(2017, 1, 1, 0, 0), (2019, 2, 3, 1, 1)]


def test_a_towns_trademark_totals_count_only_its_enterprises(member, town_a) -> None:
    trademark(make_enterprise("dakoutun"), "21000001", dt.date(2019, 5, 1), member)
    trademark(make_enterprise("koudong"), "21000002", dt.date(2019, 6, 1), member)
    assert [(t.year, t.total) for t in trademark_totals(town_a)] == [(2019, 1)]


def test_a_registration_number_is_recorded_once(member) -> None:
    firm = make_enterprise()
    trademark(firm, "21000001", dt.date(2019, 5, 1), member)
    with pytest.raises(ValidationError, match="已登记"):
        trademark(firm, "21000001", dt.date(2019, 5, 1), member)


def test_a_recognition_day_needs_the_well_known_flag(member) -> None:
    with pytest.raises(ValidationError, match="未标为驰名商标"):
        trademark(make_enterprise(), "21000001", dt.date(2019, 5, 1), member,
                  well_known_on=dt.date(2019, 6, 1))  # fmt: skip


def test_a_nice_class_outside_1_to_45_is_refused(member) -> None:
    with pytest.raises(ValidationError, match="1 到 45"):
        trademark(make_enterprise(), "21000001", dt.date(2019, 5, 1), member,
                  nice_class=46)  # fmt: skip


def project(firms, actor, title: str = "联合研发", **values):  # type: ignore[no-untyped-def]
    data = {
        "title": title,
        "institution": Institution.objects.get(short_name="清华"),
        "enterprises": firms,
        "started_on": dt.date(2019, 4, 1),
        "amount": Decimal("80"),
    }
    return services.project_create(values={**data, **values}, actor=actor)


def test_projects_are_counted_per_area_of_their_enterprises(hq, town_a) -> None:
    a1, a2 = make_enterprise("dakoutun"), make_enterprise("dakoutun")
    b = make_enterprise("koudong")
    project([a1, b], hq, "甲项目")
    project([a1, a2], hq, "乙项目")
    counts = {
        c.area.code: (c.projects, c.enterprises) for c in project_counts_by_area(hq)
    }
    assert counts == {"dakoutun": (2, 2), "koudong": (1, 1)}
    mine = {c.area.code: c.projects for c in project_counts_by_area(town_a)}
    assert mine == {"dakoutun": 2}


def test_a_town_sees_a_shared_project_but_not_the_other_towns_enterprise(
    hq, town_a, town_b
) -> None:
    a, b = make_enterprise("dakoutun"), make_enterprise("koudong")
    shared = project([a, b], hq)
    assert list(project_list_for(town_a)) == [shared]
    assert visible_enterprises(town_a, shared.enterprises.all()) == [a]
    assert visible_enterprises(town_b, shared.enterprises.all()) == [b]


def test_a_project_needs_an_enterprise_and_a_sensible_end(hq) -> None:
    with pytest.raises(ValidationError, match="至少填写一家"):
        project([], hq)
    with pytest.raises(ValidationError, match="结束日期不能早于开始日期"):
        project([make_enterprise()], hq, ended_on=dt.date(2019, 1, 1))


def test_events_are_seen_by_a_town_only_with_its_enterprises(member, town_a) -> None:
    values = {"topic": "招商", "kind": "展会", "held_on": dt.date(2019, 5, 1)}
    with_mine = services.event_create(
        values={
            **values,
            "name": "甲展会",
            "participants": [make_enterprise("dakoutun")],
        },
        actor=member,
    )
    services.event_create(
        values={
            **values,
            "name": "乙展会",
            "participants": [make_enterprise("koudong")],
        },
        actor=member,
    )
    assert list(event_list_for(town_a)) == [with_mine]
    assert event_list_for(member).count() == 2


def test_a_preset_institution_is_changed_by_hq_only(hq, member) -> None:
    preset = Institution.objects.get(short_name="北大")
    with pytest.raises(PermissionDenied, match="指挥部办公室"):
        services.institution_update(row=preset, values={"region": "北京"}, actor=member)
    result = services.institution_update(
        row=preset, values={"region": "北京市海淀区"}, actor=hq
    )
    assert result.outcome == "updated"


def test_deleting_keeps_every_value_in_the_audit_trail(member) -> None:
    from keqi.core.models import AuditEvent

    mark = trademark(make_enterprise(), "21000001", dt.date(2019, 5, 1), member)
    services.partner_entry_delete(row=mark, actor=member, reason="录错")
    event = AuditEvent.objects.get(action="partner_entry.delete")
    assert event.changes["number"] == ["21000001", None] and event.reason == "录错"
