from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from keqi.accounts.models import Area
from keqi.core.testing import add_figures, make_enterprise
from keqi.cultivation import paging
from keqi.cultivation.exports import reserve_export
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
    assert not found.in_force and len(found.reserve) == len(found.eligible) == 0
    text = client_for(hq).get("/cultivation/reserve/innovative_sme/?on=2019-09-30")
    assert "评价办法尚未施行" in text.content.decode()


def test_direct_routes_are_not_counted_as_missing(firms, hq) -> None:
    found = reserve_list(hq, "tech_sme", ON)
    near = next(r for r in found.reserve if r.enterprise.name == "接近企业")
    assert near.not_met == 1
    assert not any("直接确认途径" in t for t in near.missing)


# ------------------------------------------------------------ pages and figures


def _query_count(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_ranking_figures_from_the_batch_engine_match_each_rows_verdict(
    firms, hq
) -> None:
    found = reserve_list(hq, "tech_sme", ON)
    ranked = [(r.pk, r.not_met, r.shortfall) for r in found.reserve.ranked[:]]  # type: ignore[attr-defined]
    shown = [(r.enterprise.pk, r.not_met, r.shortfall) for r in found.reserve]
    assert ranked == shown and len(shown) == 3


def test_reserve_list_is_paged_with_totals_and_filters_kept(
    firms, hq, monkeypatch
) -> None:
    monkeypatch.setattr(paging, "PAGE_SIZE", 2)
    url = "/cultivation/reserve/tech_sme/?on=2019-09-30&area=" + str(
        Area.objects.get(code="dakoutun").pk
    )
    first = client_for(hq).get(url).content.decode()
    assert "后备企业：按接近程度排序（2 家）" in first
    hq_all = client_for(hq).get("/cultivation/reserve/tech_sme/?on=2019-09-30")
    text = hq_all.content.decode()
    assert "（3 家）" in text and "第 1 / 2 页，共 3 条" in text
    assert "on=2019-09-30&amp;page=2" in text
    second = client_for(hq).get("/cultivation/reserve/tech_sme/?on=2019-09-30&page=2")
    rows = reserve_list(hq, "tech_sme", ON).reserve
    last = rows[2].enterprise.name
    assert last in second.content.decode() and rows[0].enterprise.name not in (
        second.content.decode()
    )


def test_town_user_pages_only_through_their_own_enterprises(
    firms, town_a, monkeypatch
) -> None:
    monkeypatch.setattr(paging, "PAGE_SIZE", 1)
    client = client_for(town_a)
    seen = ""
    for n in (1, 2, 3):
        page = client.get(f"/cultivation/reserve/tech_sme/?on=2019-09-30&page={n}")
        seen += page.content.decode()
    assert "接近企业" in seen and "远离企业" in seen
    assert "口东接近企业" not in seen and "共 2 条" in seen


def test_download_has_every_row_beyond_the_page(firms, hq, monkeypatch) -> None:
    monkeypatch.setattr(paging, "PAGE_SIZE", 1)
    found = reserve_list(hq, "tech_sme", ON)
    exported = reserve_export(found, None)
    names = [row[2].enterprise.name for row in exported.rows]
    assert sorted(names) == sorted(["达标企业", "接近企业", "远离企业", "口东接近企业"])


def test_an_edit_in_the_registry_reaches_the_next_ranking(firms, hq) -> None:
    assert names(reserve_list(hq, "tech_sme", ON).eligible) == ["达标企业"]
    near = Enterprise.objects.get(name="接近企业")
    add_figures(near, 2018, tech_staff=30, rd_expense=60)
    found = reserve_list(hq, "tech_sme", ON)
    assert names(found.eligible) == ["接近企业", "达标企业"]


def test_reserve_page_queries_do_not_grow_with_the_registry(
    firms, hq, monkeypatch
) -> None:
    monkeypatch.setattr(paging, "PAGE_SIZE", 2)
    client = client_for(hq)
    url = "/cultivation/reserve/tech_sme/?on=2019-09-30"
    client.get(url)
    few = _query_count(client, url)
    for n in range(6):
        firm("dakoutun", f"新增企业{n}", tech=5, rd=5)
    client.get(url)
    assert _query_count(client, url) == few <= 40


def test_a_long_list_read_whole_does_not_keep_its_explained_rows(
    firms, hq, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A download reads 100 000 rows once: they are handed out, not kept; a short
    list (a page's) keeps them, and either way reads the same rows."""
    from keqi.cultivation import reserve

    short = reserve_list(hq, "tech_sme", ON).reserve
    kept = names(short)
    assert len(short._done) == len(short) == len(kept) > 1  # type: ignore[attr-defined]
    monkeypatch.setattr(reserve, "KEEP_EXPLAINED", 1)
    long = reserve_list(hq, "tech_sme", ON).reserve
    assert names(long) == kept and names(long) == kept
    assert long._done == {}  # type: ignore[attr-defined]
    assert names(long[:1]) == kept[:1] and len(long._done) == 1  # type: ignore[attr-defined]
