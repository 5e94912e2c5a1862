"""Investment promotion leads: stages move forward with audited days; a lead that
settles becomes (or links) a registry enterprise and counts toward the
introduced-高企 target only once that enterprise holds the qualification."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from keqi.accounts.models import Area
from keqi.campaign.metrics import METRICS
from keqi.core.models import AuditEvent
from keqi.core.testing import make_enterprise, next_uscc
from keqi.partners.leads import lead_advance, lead_settle
from keqi.partners.metrics import INTRODUCED_HIGH_TECH
from keqi.partners.tests.helpers import make_lead
from keqi.registry.models import Enterprise
from keqi.registry.services import qualification_revoke, qualification_upsert

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2019, 12, 31)


def introduced(year: int = 2019, as_of: dt.date = AS_OF) -> int:
    return METRICS[INTRODUCED_HIGH_TECH].count(year, as_of)


def certify(enterprise: Enterprise, on: dt.date) -> None:
    qualification_upsert(
        enterprise=enterprise,
        kind="高新技术企业",
        values={"number": "GR201912000077", "granted_on": on},
        actor=None,
    )


def test_a_settled_lead_becomes_a_registry_enterprise_in_its_area(hq) -> None:
    lead = make_lead(actor=hq, area=Area.objects.get(code="zgc"))
    code = next_uscc()
    lead_settle(lead=lead, on=dt.date(2019, 5, 8), uscc=code, actor=hq)
    created = Enterprise.objects.get(uscc=code)
    assert created.name == "北京示例科技有限公司"
    assert created.area.code == "zgc" and created.founded_on == dt.date(2019, 5, 8)
    lead.refresh_from_db()
    assert lead.stage == "已落地" and lead.enterprise == created
    assert AuditEvent.objects.filter(
        action="lead.settle", subject=created.subject
    ).exists()


def test_a_settled_lead_counts_as_introduced_high_tech_only_once_certified(
    hq,
) -> None:
    lead = make_lead(actor=hq, area=Area.objects.get(code="bdkfq"))
    code = next_uscc()
    lead_settle(lead=lead, on=dt.date(2019, 5, 8), uscc=code, actor=hq)
    assert introduced() == 0
    certify(Enterprise.objects.get(uscc=code), dt.date(2019, 11, 20))
    assert introduced(as_of=dt.date(2019, 11, 19)) == 0
    assert introduced(as_of=dt.date(2019, 11, 20)) == 1
    (row,) = METRICS[INTRODUCED_HIGH_TECH].evidence(2019, AS_OF)
    assert row.number == "GR201912000077" and row.on == dt.date(2019, 5, 8)


def test_a_revoked_certificate_stops_counting(hq) -> None:
    firm = make_enterprise("bdkfq")
    certify(firm, dt.date(2019, 2, 1))
    lead = make_lead(actor=hq, company=firm.name)
    lead_settle(lead=lead, on=dt.date(2019, 3, 5), uscc=firm.uscc, actor=hq)
    assert introduced() == 1
    qual = firm.qualifications.get()
    qualification_revoke(
        qualification=qual, revoked_on=dt.date(2019, 10, 1), actor=None, reason="撤销"
    )
    assert introduced() == 0


def test_an_unsettled_lead_never_counts_even_if_the_company_is_certified(
    hq,
) -> None:
    firm = make_enterprise("bdkfq")
    certify(firm, dt.date(2019, 2, 1))
    make_lead(actor=hq, company=firm.name)
    assert introduced() == 0


def test_a_lead_settled_in_another_year_counts_in_that_year(hq) -> None:
    firm = make_enterprise("bdkfq")
    certify(firm, dt.date(2019, 2, 1))
    lead = make_lead(actor=hq, company=firm.name, contacted_on=dt.date(2018, 3, 1))
    lead_settle(lead=lead, on=dt.date(2018, 9, 1), uscc=firm.uscc, actor=hq)
    assert introduced(2019) == 0
    assert introduced(2018, dt.date(2019, 6, 30)) == 1


def test_each_stage_change_is_audited_with_its_day(hq) -> None:
    lead = make_lead(actor=hq)
    lead_advance(lead=lead, stage="已考察", on=dt.date(2019, 4, 2), actor=hq)
    lead_advance(lead=lead, stage="已签约", on=dt.date(2019, 6, 1), actor=hq)
    events = AuditEvent.objects.filter(action="lead.advance").order_by("at", "id")
    assert [e.changes for e in events] == [
        {"stage": ["已接洽", "已考察"], "visited_on": [None, "2019-04-02"]},
        {"stage": ["已考察", "已签约"], "signed_on": [None, "2019-06-01"]},
    ]


def test_a_lead_only_moves_forward(hq) -> None:
    lead = make_lead(actor=hq)
    lead_advance(lead=lead, stage="已签约", on=dt.date(2019, 4, 2), actor=hq)
    with pytest.raises(ValidationError, match="只能向前推进"):
        lead_advance(lead=lead, stage="已考察", on=dt.date(2019, 5, 2), actor=hq)


def test_a_stage_day_before_the_previous_stage_is_refused(hq) -> None:
    lead = make_lead(actor=hq)
    with pytest.raises(ValidationError, match="不能早于接洽日期"):
        lead_advance(lead=lead, stage="已考察", on=dt.date(2019, 2, 1), actor=hq)
    lead.refresh_from_db()
    assert lead.stage == "已接洽"


def test_settling_links_an_existing_enterprise_by_its_code(member) -> None:
    firm = make_enterprise("dakoutun")
    lead = make_lead(actor=member, company="别名公司")
    lead_settle(lead=lead, on=dt.date(2019, 5, 1), uscc=firm.uscc, actor=member)
    lead.refresh_from_db()
    assert lead.enterprise == firm and lead.area == firm.area
    assert Enterprise.objects.count() == 1


def test_a_member_unit_cannot_create_a_registry_enterprise_by_settling(
    member,
) -> None:
    lead = make_lead(actor=member, area=Area.objects.get(code="zgc"))
    with pytest.raises(PermissionDenied, match="先将企业录入企业库"):
        lead_settle(lead=lead, on=dt.date(2019, 5, 1), uscc=next_uscc(), actor=member)
    lead.refresh_from_db()
    assert lead.stage == "已接洽" and not Enterprise.objects.exists()


def test_a_town_cannot_settle_its_lead_into_another_towns_enterprise(town_a) -> None:
    other = make_enterprise("koudong")
    lead = make_lead(actor=town_a)
    with pytest.raises(PermissionDenied):
        lead_settle(lead=lead, on=dt.date(2019, 5, 1), uscc=other.uscc, actor=town_a)


def test_one_enterprise_is_the_settled_enterprise_of_one_lead_only(hq) -> None:
    firm = make_enterprise("bdkfq")
    first = make_lead(actor=hq, company="甲")
    lead_settle(lead=first, on=dt.date(2019, 5, 1), uscc=firm.uscc, actor=hq)
    second = make_lead(actor=hq, company="乙")
    with pytest.raises(ValidationError, match="另一条招商线索"):
        lead_settle(lead=second, on=dt.date(2019, 5, 1), uscc=firm.uscc, actor=hq)


def test_a_bad_code_is_refused_in_chinese(hq) -> None:
    lead = make_lead(actor=hq)
    with pytest.raises(ValidationError) as caught:
        lead_settle(lead=lead, on=dt.date(2019, 5, 1), uscc="123", actor=hq)
    assert "uscc" in caught.value.error_dict


def test_another_units_lead_cannot_be_advanced(hq, member) -> None:
    lead = make_lead(actor=member)
    with pytest.raises(PermissionDenied, match="本单位"):
        lead_advance(lead=lead, stage="已考察", on=dt.date(2019, 4, 2), actor=hq)


def test_the_database_tally_equals_the_listed_records(hq) -> None:
    metric = METRICS[INTRODUCED_HIGH_TECH]
    for n, (granted, settled) in enumerate(
        [(dt.date(2019, 2, 1), dt.date(2019, 3, 1)),  # counts
         (dt.date(2019, 11, 1), dt.date(2019, 3, 1)),  # certified later
         (dt.date(2019, 2, 1), dt.date(2018, 6, 1)),  # settled the year before
         (None, dt.date(2019, 4, 1))]  # never certified
    ):  # fmt: skip
        firm = make_enterprise("bdkfq")
        if granted:
            certify(firm, granted)
        lead = make_lead(actor=hq, company=f"线索{n}", contacted_on=dt.date(2018, 1, 1))
        lead_settle(lead=lead, on=settled, uscc=firm.uscc, actor=hq)
    for day in (dt.date(2019, 6, 30), dt.date(2019, 12, 31)):
        listed = len({r.enterprise_id for r in metric.evidence(2019, day)})
        assert metric.tally is not None and metric.tally(2019, day) == listed
    assert metric.count(2019, dt.date(2019, 6, 30)) == 1
    assert metric.count(2019, dt.date(2019, 12, 31)) == 2
