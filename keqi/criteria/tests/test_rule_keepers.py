"""Who keeps the rules when one install serves several districts (issue 17).

The criteria come from national and Tianjin documents and hold across the city,
and an install keeps one set of edits: with two districts only the city (and the
server's operator) edits parameters and composed programmes; a district's HQ
reads them, with the reason, and is refused with it; in a one-district install
HQ keeps editing. Every edit is audited as before.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from keqi.accounts.models import District, User
from keqi.accounts.services import district_config_load, district_init
from keqi.accounts.tests.test_districts import load_shifan, person
from keqi.core.testing import persona
from keqi.criteria.access import CITY_KEEPS_RULES, KEEPERS_ONLY, may_edit_rules
from keqi.criteria.models import ParamEdit, ProgrammeDefinition
from keqi.criteria.services import (
    CriteriaAction,
    param_edit_save,
    programme_definition_save,
)
from keqi.criteria.tests.helpers import (
    ON,
    D,
    assert_audited,
    client_for,
    leader_definition,
)

pytestmark = pytest.mark.django_db
PARAM = "/criteria/params/tech_sme.staff_max/"
COMPOSE = "/criteria/programmes/tech_leader/compose/"
COMPOSE_TEXT = "/criteria/programmes/tech_leader/compose/text/"
EDIT = {
    "value": "≤ 50",
    "effective_from": "2019-01-01",
    "status": "confirmed",
    "reason": "按市里核实的口径",
    "action": "save",
}


@pytest.fixture(autouse=True)
def _demo_day(settings: Any) -> None:
    settings.KEQI_BUSINESS_DATE = ON


@pytest.fixture
def two_districts(db: Any) -> None:
    """Baodi, 示范区 and the city's bureau (as `keqi demo` loads them)."""
    load_shifan()
    assert District.objects.count() == 2


@pytest.fixture
def one_district(db: Any) -> None:
    """Baodi alone, with the city's bureau (which has no district)."""
    persona("hq")
    district_init(config=district_config_load("city-demo"))
    assert District.objects.count() == 1


def save_edit(actor: User | None) -> ParamEdit:
    return param_edit_save(
        param_id="tech_sme.staff_max",
        value_text="≤ 50",
        effective_from=D(2019, 1, 1),
        status="confirmed",
        reason="按市里核实的口径",
        actor=actor,
    )


def text_of(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_city_edits_a_parameter_for_every_district_and_it_is_audited(
    two_districts: None,
) -> None:
    city = person("city")
    client = client_for(city)
    page = text_of(client, PARAM)
    assert "保存修改" in page and CITY_KEEPS_RULES not in page
    response = client.post(PARAM, EDIT, follow=True)
    assert "已保存，并记入操作记录" in response.content.decode()
    row = ParamEdit.objects.get()
    assert row.created_by == city and row.value_text == "≤ 50"
    assert_audited(CriteriaAction.PARAM_EDIT, row, city)


def test_the_city_composes_a_programme(two_districts: None) -> None:
    city = person("city")
    row = programme_definition_save(
        key="tech_leader", definition=leader_definition(), reason="市里定的", actor=city
    )
    assert_audited(CriteriaAction.PROGRAMME_SAVE, row, city)
    assert text_of(client_for(city), COMPOSE).count("保存") >= 1


@pytest.mark.parametrize("who", ["hq", "sf_hq"])
def test_a_district_hq_reads_the_rules_with_the_reason_and_cannot_change_them(
    two_districts: None, who: str
) -> None:
    client = client_for(person(who))
    for url in ("/criteria/", PARAM, "/criteria/programmes/tech_leader/"):
        page = text_of(client, url)
        assert "由市级主管部门统一维护" in page, url
        assert "查看/修改" not in page and "保存修改" not in page, url
        assert "/compose/" not in page, url
    refused = client.post(PARAM, EDIT)
    assert refused.status_code == 403
    assert "全市各区统一适用，由市级主管部门统一维护" in refused.content.decode()
    assert client.get(COMPOSE).status_code == 403
    text = {"definition": "{}", "reason": "区里定的"}
    assert client.post(COMPOSE_TEXT, text).status_code == 403
    withdraw = {"effective_from": "2019-01-01", "reason": "x"}
    assert client.post(f"{PARAM}withdraw/", withdraw).status_code == 403
    assert not ParamEdit.objects.exists()
    assert not ProgrammeDefinition.objects.exists()


def test_the_services_refuse_a_district_hq_and_store_nothing(
    two_districts: None,
) -> None:
    with pytest.raises(PermissionDenied, match="由市级主管部门统一维护"):
        save_edit(person("hq"))
    with pytest.raises(PermissionDenied, match="由市级主管部门统一维护"):
        programme_definition_save(
            key="tech_leader",
            definition=leader_definition(),
            reason="区里定的",
            actor=person("sf_hq"),
        )
    assert not ParamEdit.objects.exists()
    assert not ProgrammeDefinition.objects.exists()


@pytest.mark.parametrize("who", ["town_a", "sf_town", "leader", "member"])
def test_district_staff_are_refused_in_a_city_install(
    two_districts: None, who: str
) -> None:
    client = client_for(person(who))
    assert "保存修改" not in text_of(client, PARAM)
    refused = client.post(PARAM, EDIT)
    assert refused.status_code == 403 and KEEPERS_ONLY in refused.content.decode()
    with pytest.raises(PermissionDenied, match=KEEPERS_ONLY):
        save_edit(person(who))
    assert not ParamEdit.objects.exists()


def test_a_superuser_keeps_the_rules_in_a_city_install(two_districts: None) -> None:
    admin = User.objects.create_superuser("root", password="x-Long-Passw0rd!")
    assert may_edit_rules(admin)
    assert_audited(CriteriaAction.PARAM_EDIT, save_edit(admin), admin)


def test_in_a_one_district_install_hq_still_edits_and_is_audited(
    one_district: None,
) -> None:
    hq = person("hq")
    client = client_for(hq)
    page = text_of(client, PARAM)
    assert "保存修改" in page and CITY_KEEPS_RULES not in page
    assert "查看/修改" in text_of(client, "/criteria/")
    client.post(PARAM, EDIT)
    row = ParamEdit.objects.get()
    assert_audited(CriteriaAction.PARAM_EDIT, row, hq)


@pytest.mark.parametrize("who", ["town_a", "leader"])
def test_in_a_one_district_install_others_are_still_refused(
    one_district: None, who: str
) -> None:
    client = client_for(person(who))
    assert client.post(PARAM, EDIT).status_code == 403
    assert not ParamEdit.objects.exists()
