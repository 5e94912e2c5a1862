"""`keqi demo`'s rules: the district's own 技术领先型企业, Tianjin tiers left open."""

from __future__ import annotations

import pytest

from keqi.core.models import AuditEvent
from keqi.core.testing import add_figures
from keqi.criteria.demo import demo_load
from keqi.criteria.models import ProgrammeDefinition
from keqi.criteria.tests.helpers import ON, D, client_for, tech_sme_firm
from keqi.cultivation.tests.helpers import grant
from keqi.registry.models import QualificationKind as K

pytestmark = pytest.mark.django_db


def test_demo_defines_tech_leader_as_the_districts_own_and_is_idempotent(db) -> None:
    lines = demo_load(ON)
    assert any("已配置技术领先型企业" in line for line in lines)
    stored = ProgrammeDefinition.objects.get()
    assert (
        "演示" in stored.definition["title"] and "区自定" in stored.definition["title"]
    )
    assert AuditEvent.objects.filter(action="criteria.programme_save").count() == 1
    again = demo_load(ON)
    assert any("已存在，未变" in line for line in again)
    assert ProgrammeDefinition.objects.count() == 1
    assert AuditEvent.objects.filter(action="criteria.programme_save").count() == 1


@pytest.mark.usefixtures("immediate_tasks")  # the reserve table is the worker's
def test_demo_tech_leader_reserve_has_content_and_tianjin_tiers_say_why(hq) -> None:
    firm = tech_sme_firm("领先企业")
    add_figures(firm, 2018, operating_revenue=5000, rd_expense=300)
    grant(firm, K.HIGH_TECH, D(2018, 11, 1))
    demo_load(ON)
    client = client_for(hq)
    page = client.get(
        "/cultivation/reserve/tech_leader/?on=2019-09-30"
    ).content.decode()
    assert "领先企业" in page and "尚缺" in page
    page = client.get("/criteria/").content.decode()
    assert "宝坻区技术领先型企业认定条件（演示用，区自定）" in page
    assert "天津瞪羚企业：评价条件尚未配置（天津市标准未经确认）" in page
