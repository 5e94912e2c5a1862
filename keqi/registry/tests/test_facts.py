from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keqi.core.testing import add_figures, make_enterprise
from keqi.registry.facts import facts_contributors, facts_for, iter_facts
from keqi.registry.models import Enterprise
from keqi.registry.services import ip_upsert, qualification_upsert


@pytest.mark.django_db
def test_blank_figures_reach_the_engine_as_unknown_not_zero() -> None:
    ent = make_enterprise()
    add_figures(ent, 2018, staff_total=50, rd_expense=Decimal("12.5"))
    facts = facts_for(ent)
    assert facts.year(2018).staff_total == 50
    assert facts.year(2018).rd_expense == Decimal("12.5")
    assert facts.year(2018).sales_revenue is None
    assert facts.year(2017).staff_total is None


@pytest.mark.django_db
def test_a_revoked_qualification_ends_the_day_before_revocation() -> None:
    ent = make_enterprise()
    qualification_upsert(
        enterprise=ent,
        kind="高新技术企业",
        actor=None,
        values={
            "number": "GR201812000001",
            "granted_on": dt.date(2018, 11, 30),
            "revoked_on": dt.date(2019, 6, 1),
        },
    )
    (qual,) = facts_for(ent).qualifications
    assert qual.valid_until == dt.date(2019, 5, 31)


@pytest.mark.django_db
def test_facts_for_many_enterprises_cost_a_fixed_number_of_queries() -> None:
    for i in range(30):
        ent = make_enterprise()
        add_figures(ent, 2018, staff_total=10 + i)
        ip_upsert(
            enterprise=ent,
            number=f"ZL2018{i:04d}",
            actor=None,
            values={"category": "发明专利"},
        )
    with CaptureQueriesContext(connection) as queries:
        facts = list(iter_facts(Enterprise.objects.all()))
    assert len(facts) == 30 and all(len(f.ip) == 1 for f in facts)
    # one for the enterprises, four for their facts, one per contributing app
    assert len(queries) == 5 + len(facts_contributors())


@pytest.mark.django_db
def test_tianjin_registration_comes_from_the_region_or_the_code() -> None:
    assert facts_for(make_enterprise()).registered_in_tianjin is True
    other = make_enterprise(registered_region="北京市海淀区")
    assert facts_for(other).registered_in_tianjin is False
