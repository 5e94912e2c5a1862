from __future__ import annotations

import pytest
from django.urls import reverse

from keqi.accounts.models import Area
from keqi.core.testing import add_figures, make_enterprise
from keqi.cultivation.reserve import reserve_list
from keqi.cultivation.tests.helpers import D, grant
from keqi.cultivation.tests.test_library_views import client_for
from keqi.registry.models import Enterprise
from keqi.registry.models import QualificationKind as K

pytestmark = pytest.mark.django_db
ON = D(2019, 9, 30)


def firm(area: str, name: str, tech: int, rd: int) -> Enterprise:
    """100 staff, 1000万 sales and costs in 2018; tech staff and R&D as given."""
    e = make_enterprise(area, name=name, restricted_products=False)
    add_figures(
        e,
        2018,
        staff_total=100,
        tech_staff=tech,
        sales_revenue=1000,
        total_cost=1000,
        total_assets=500,
        rd_expense=rd,
    )
    return e


@pytest.fixture
def firms(db) -> None:  # type: ignore[no-untyped-def]
    firm("dakoutun", "远离企业", tech=5, rd=5)
    firm("dakoutun", "接近企业", tech=20, rd=55)
    firm("dakoutun", "达标企业", tech=30, rd=60)
    held = firm("dakoutun", "已入库企业", tech=30, rd=60)
    grant(held, K.TECH_SME, D(2019, 5, 1), until=D(2019, 12, 31))
    firm("koudong", "口东接近企业", tech=20, rd=55)


def names(rows) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.enterprise.name for r in rows]


def test_near_miss_ranks_above_a_far_one(firms, hq) -> None:
    found = reserve_list(hq, "tech_sme", ON)
    reserve = names(found.reserve)
    assert reserve.index("接近企业") < reserve.index("远离企业")
    near = next(r for r in found.reserve if r.enterprise.name == "接近企业")
    far = next(r for r in found.reserve if r.enterprise.name == "远离企业")
    assert near.result.score_high == 52 and near.shortfall == 8
    assert far.shortfall == 60 and near.missing


def test_eligible_without_title_is_listed_apart_and_holders_are_left_out(
    firms, hq
) -> None:
    found = reserve_list(hq, "tech_sme", ON)
    assert names(found.eligible) == ["达标企业"]
    everyone = names(found.eligible) + names(found.reserve)
    assert "已入库企业" not in everyone and "达标企业" not in names(found.reserve)


def test_area_user_sees_only_their_areas_reserve(firms, town_a) -> None:
    page = client_for(town_a).get("/cultivation/reserve/tech_sme/?on=2019-09-30")
    text = page.content.decode()
    assert "接近企业" in text and "口东接近企业" not in text
    assert "远离企业" in text and "免申即享" in text


def test_area_user_asking_for_another_area_gets_404(firms, town_a) -> None:
    koudong = Area.objects.get(code="koudong").pk
    url = f"/cultivation/reserve/tech_sme/?area={koudong}"
    assert client_for(town_a).get(url).status_code == 404


def test_hq_can_filter_reserve_by_area(firms, hq) -> None:
    koudong = Area.objects.get(code="koudong").pk
    url = f"/cultivation/reserve/tech_sme/?on=2019-09-30&area={koudong}"
    text = client_for(hq).get(url).content.decode()
    assert "口东接近企业" in text and "远离企业" not in text


def test_rows_link_to_the_enterprise_page(firms, hq) -> None:
    e = Enterprise.objects.get(name="接近企业")
    text = client_for(hq).get("/cultivation/reserve/tech_sme/").content.decode()
    assert f'href="{reverse("registry:enterprise_detail", args=[e.pk])}"' in text


def test_unknown_programme_is_404(hq) -> None:
    assert client_for(hq).get("/cultivation/reserve/nope/").status_code == 404


def test_programme_not_yet_in_force_says_so_and_lists_nobody(firms, hq) -> None:
    found = reserve_list(hq, "innovative_sme", ON)
    assert not found.in_force and found.reserve == [] and found.eligible == []
    text = client_for(hq).get("/cultivation/reserve/innovative_sme/?on=2019-09-30")
    assert "评价办法尚未施行" in text.content.decode()


def test_direct_routes_are_not_counted_as_missing(firms, hq) -> None:
    found = reserve_list(hq, "tech_sme", ON)
    near = next(r for r in found.reserve if r.enterprise.name == "接近企业")
    assert near.not_met == 1
    assert not any("直接确认途径" in t for t in near.missing)
