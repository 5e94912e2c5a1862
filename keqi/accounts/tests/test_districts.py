"""One install, several districts and the city (issue 17).

A district user of any role sees nothing of another district: its enterprise's
pages are 404, and lists, downloads, library lists and the API leave it out. A
city user reads every district and changes nothing. A single-district install
keeps working as before (every other test in the suite is one).
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from openpyxl import load_workbook

from keqi.accounts.models import Area, District, Role, Unit, User
from keqi.accounts.services import district_config_load, district_init, user_create
from keqi.api.services import api_token_create
from keqi.core.testing import PASSWORD, make_enterprise, persona
from keqi.registry.models import Enterprise
from keqi.registry.services import enterprise_upsert, qualification_upsert

pytestmark = pytest.mark.django_db

BAODI_ROLES = ["hq", "leader", "member", "town_a", "park", "auditor", "finance"]


def load_shifan() -> None:
    persona("hq")  # Baodi first, as `keqi demo` does
    district_init(config=district_config_load("shifan"))
    district_init(config=district_config_load("city-demo"))


def person(name: str) -> User:
    """The personas of the suite plus an auditor, Baodi's finance officer, the
    second district's HQ officer and town officer, and a city officer."""
    extra = {
        "auditor": ("hq", Role.AUDITOR),
        "finance": ("czj", Role.MEMBER),
        "sf_hq": ("sf-hq", Role.HQ_ADMIN),
        "sf_town": ("sf-hexi-gov", Role.AREA_STAFF),
        "city": ("city-kjj", Role.CITY),
    }
    if name not in extra:
        return persona(name)
    found = User.objects.filter(username=name).first()
    if found is not None:
        return found
    unit, role = extra[name]
    return user_create(
        username=name,
        password=PASSWORD,
        unit=Unit.objects.get(code=unit),
        role=role,
        full_name=name,
    )


def client_for(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def firms(db: Any) -> dict[str, Enterprise]:
    """One enterprise in each district, both in the 科技型中小企业 library."""
    load_shifan()
    made = {
        "baodi": make_enterprise("dakoutun", name="宝坻甲科技有限公司"),
        "shifan": make_enterprise("sf-hexi", name="示范河西乙科技有限公司"),
    }
    for firm in made.values():
        qualification_upsert(
            enterprise=firm,
            kind="科技型中小企业",
            values={"number": f"TS{firm.pk:06d}", "granted_on": dt.date(2019, 4, 1)},
            actor=None,
        )
    return made


def xlsx_text(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return " ".join(
        str(v) for ws in book for row in ws.iter_rows(values_only=True) for v in row
    )


def test_a_second_district_loads_beside_the_first_with_its_own_areas_and_units(
    firms: dict[str, Enterprise],
) -> None:
    baodi, shifan = (
        District.objects.get(code="baodi"),
        District.objects.get(code="shifan"),
    )
    assert Area.objects.get(code="sf-hexi").district == shifan
    assert Area.objects.get(code="dakoutun").district == baodi
    assert Unit.objects.get(code="city-kjj").district is None
    assert Unit.objects.get(code="sf-czj").is_finance
    assert Unit.objects.get(code="czj").is_finance
    assert list(Unit.objects.filter(is_finance=True, district=shifan)) == [
        Unit.objects.get(code="sf-czj")
    ]
    # loading again changes nothing
    assert not district_init(config=district_config_load("shifan")).changed


@pytest.mark.parametrize("name", BAODI_ROLES)
def test_a_district_user_gets_404_on_the_other_districts_enterprise(
    firms: dict[str, Enterprise], name: str
) -> None:
    c = client_for(person(name))
    assert c.get(f"/enterprises/{firms['shifan'].pk}/").status_code == 404
    assert c.get(f"/enterprises/{firms['shifan'].pk}/edit/").status_code in (403, 404)


@pytest.mark.parametrize("name", BAODI_ROLES)
def test_lists_and_downloads_leave_the_other_district_out(
    firms: dict[str, Enterprise], name: str
) -> None:
    c = client_for(person(name))
    page = c.get("/enterprises/").content.decode()
    assert "示范河西乙" not in page and "示范河西镇" not in page
    export = c.get("/enterprises/export/")
    assert export.status_code == 200
    assert "示范河西乙" not in xlsx_text(b"".join(export.streaming_content))
    library = c.get("/cultivation/libraries/tech_sme/?on=2019-09-30").content.decode()
    assert "示范河西乙" not in library
    assert "宝坻甲" in library or name == "park"  # the park sees only its own
    assert (
        c.get(
            f"/enterprises/export/?area={Area.objects.get(code='sf-hexi').pk}"
        ).status_code
        == 404
    )


@pytest.mark.parametrize("name", ["hq", "leader", "member", "town_a", "auditor"])
def test_the_api_gives_a_district_user_nothing_of_the_other_district(
    firms: dict[str, Enterprise], name: str
) -> None:
    user = person(name)
    key = api_token_create(user=user, name="对接", actor=user).key
    c, headers = Client(), {"Authorization": f"Token {key}"}
    listed = c.get("/api/v1/enterprises/", headers=headers)
    assert listed.status_code == 200
    assert firms["shifan"].uscc not in listed.content.decode()
    detail = c.get(f"/api/v1/enterprises/{firms['shifan'].uscc}/", headers=headers)
    assert detail.status_code == 404
    areas = c.get("/api/v1/areas/", headers=headers).content.decode()
    assert "示范" not in areas
    assert (
        c.get("/api/v1/enterprises/", {"area": "sf-hexi"}, headers=headers).status_code
        == 400
    )


def test_the_other_district_is_just_as_confined(firms: dict[str, Enterprise]) -> None:
    for name in ("sf_hq", "sf_town"):
        c = client_for(person(name))
        assert c.get(f"/enterprises/{firms['baodi'].pk}/").status_code == 404
        assert c.get(f"/enterprises/{firms['shifan'].pk}/").status_code == 200
        assert "宝坻甲" not in c.get("/enterprises/").content.decode()


def test_hq_cannot_put_an_enterprise_in_another_districts_area(
    firms: dict[str, Enterprise],
) -> None:
    with pytest.raises(PermissionDenied):
        make_enterprise_as(person("hq"), "sf-shanqian")
    assert not Enterprise.objects.filter(area__code="sf-shanqian").exists()


def make_enterprise_as(actor: User, area: str) -> None:
    from keqi.core.testing import next_uscc

    enterprise_upsert(
        uscc=next_uscc(),
        values={
            "name": "越界科技有限公司",
            "founded_on": dt.date(2015, 1, 1),
            "area": Area.objects.get(code=area),
        },
        actor=actor,
    )


def test_a_city_user_reads_every_district_and_changes_nothing(
    firms: dict[str, Enterprise],
) -> None:
    city = person("city")
    c = client_for(city)
    for firm in firms.values():
        assert c.get(f"/enterprises/{firm.pk}/").status_code == 200
    page = c.get("/enterprises/").content.decode()
    assert "宝坻甲" in page and "示范河西乙" in page
    assert c.get(f"/enterprises/{firms['shifan'].pk}/edit/").status_code in (403, 404)
    with pytest.raises(PermissionDenied):
        make_enterprise_as(city, "sf-hexi")


def test_a_district_role_without_a_district_sees_nothing(
    firms: dict[str, Enterprise],
) -> None:
    stray = person("leader")
    Unit.objects.filter(pk=stray.unit_id).update(district=None)
    stray.refresh_from_db()
    assert not Enterprise.objects.filter(
        __import__("keqi.accounts.scopes", fromlist=["x"]).enterprise_q(stray)
    ).exists()


def test_city_accounts_belong_to_city_units_only() -> None:
    load_shifan()
    with pytest.raises(ValidationError):
        user_create(
            username="wrong",
            password=PASSWORD,
            unit=Unit.objects.get(code="hq"),
            role=Role.CITY,
        )
    with pytest.raises(ValidationError):
        user_create(
            username="wrong2",
            password=PASSWORD,
            unit=Unit.objects.get(code="city-kjj"),
            role=Role.HQ_ADMIN,
        )


def test_the_city_compares_districts_and_each_number_leads_to_its_records(
    firms: dict[str, Enterprise],
) -> None:
    make_enterprise("sf-gxq", name="示范高新丙科技有限公司")
    c = client_for(person("city"))
    page = c.get("/dashboard/districts/?as_of=2019-09-30")
    assert page.status_code == 200
    rows = {r.district.code: r for r in page.context["rows"]}
    assert rows["baodi"].enterprises == 1 and rows["shifan"].enterprises == 2
    assert rows["baodi"].libraries["tech_sme"] == 1
    assert rows["shifan"].libraries["tech_sme"] == 1
    link = "/cultivation/libraries/tech_sme/?on=2019-09-30&amp;district=shifan"
    assert link in page.content.decode()
    drilled = c.get(link.replace("&amp;", "&")).content.decode()
    assert "示范河西乙" in drilled and "宝坻甲" not in drilled
    listed = c.get("/enterprises/?district=shifan").content.decode()
    assert "示范河西乙" in listed and "示范高新丙" in listed and "宝坻甲" not in listed


@pytest.mark.parametrize("name", ["hq", "leader", "town_a", "sf_hq"])
def test_district_users_cannot_open_the_comparison_or_another_districts_list(
    firms: dict[str, Enterprise], name: str
) -> None:
    c = client_for(person(name))
    assert c.get("/dashboard/districts/").status_code == 404
    other = "shifan" if not name.startswith("sf") else "baodi"
    assert (
        c.get(f"/cultivation/libraries/tech_sme/?district={other}").status_code == 404
    )


def test_key_industries_come_from_the_enterprises_district(
    firms: dict[str, Enterprise],
) -> None:
    shifan, baodi = firms["shifan"], firms["baodi"]
    enterprise_upsert(uscc=shifan.uscc, values={"key_industry": "智能制造"}, actor=None)
    with pytest.raises(ValidationError) as caught:
        enterprise_upsert(
            uscc=shifan.uscc, values={"key_industry": "人工智能"}, actor=None
        )
    assert "智能制造" in str(caught.value)  # the message lists the district's choices
    Enterprise.objects.filter(pk=baodi.pk).update(key_industry="旧口径产业")
    # a value stored before stays valid when other fields change
    enterprise_upsert(
        uscc=baodi.uscc, values={"name": "宝坻甲科技股份有限公司"}, actor=None
    )
    baodi.refresh_from_db()
    assert baodi.key_industry == "旧口径产业"
    with pytest.raises(ValidationError):
        enterprise_upsert(
            uscc=baodi.uscc, values={"key_industry": "另一个旧口径"}, actor=None
        )


def test_payment_rights_follow_the_district_files_finance_unit(
    firms: dict[str, Enterprise],
) -> None:
    from keqi.funds.access import may_handle_money

    assert may_handle_money(person("finance"))
    assert not may_handle_money(person("member"))  # 区工信局
    sf_finance = user_create(
        username="sf_finance",
        password=PASSWORD,
        unit=Unit.objects.get(code="sf-czj"),
        role=Role.MEMBER,
    )
    assert may_handle_money(sf_finance)


def test_a_districts_system_administrator_manages_only_its_accounts(
    firms: dict[str, Enterprise],
) -> None:
    from keqi.accounts.selectors import user_list_for

    person("sf_hq")
    admin = persona("sysadmin")  # Baodi's
    listed = {u.username for u in user_list_for(admin)}
    assert "sf_hq" not in listed
    with pytest.raises(PermissionDenied):
        user_create(
            username="intruder",
            password="Keqi-2019-Strong!",
            unit=Unit.objects.get(code="sf-gxj"),
            role=Role.MEMBER,
            actor=admin,
            reason="测试",
        )


def test_a_districts_hq_cannot_touch_another_districts_fund_or_area(
    firms: dict[str, Enterprise],
) -> None:
    from decimal import Decimal

    from keqi.funds.award_rules import fund_create
    from keqi.funds.ledger import fund_budget_set
    from keqi.funds.settlement import settlement_ratio_set

    theirs = fund_create(code="sfzj", name="示范区资金", actor=person("sf_hq"))
    assert theirs.district.code == "shifan"
    with pytest.raises(PermissionDenied):
        fund_budget_set(
            fund=theirs, year=2019, amount=Decimal("1000"), actor=person("hq")
        )
    with pytest.raises(PermissionDenied):
        settlement_ratio_set(
            year=2019,
            area=Area.objects.get(code="sf-hexi"),
            award_type="high_tech",
            area_percent=Decimal("30"),
            actor=person("finance"),
        )
    page = client_for(person("hq")).get("/funds/rules/").content.decode()
    assert "示范区资金" not in page


def test_kept_reports_of_another_district_are_not_listed_or_downloadable(
    firms: dict[str, Enterprise],
) -> None:
    from keqi.core.reports import generated_report_keep

    theirs = generated_report_keep(
        kind="月报汇总",
        title="示范区月报汇总",
        filename="示范区.docx",
        content_type="application/octet-stream",
        content=b"x",
        as_of=None,
        parameters={},
        actor=person("sf_hq"),
    )
    for name in ("hq", "leader", "auditor"):
        c = client_for(person(name))
        assert "示范区月报汇总" not in c.get("/reports/").content.decode()
        assert c.get(f"/reports/{theirs.pk}/").status_code == 404
    assert client_for(person("sf_hq")).get(f"/reports/{theirs.pk}/").status_code == 200
    assert client_for(person("city")).get(f"/reports/{theirs.pk}/").status_code == 200
