from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keqi.accounts.models import Area
from keqi.core.testing import make_enterprise
from keqi.cultivation.selectors import ladder_load
from keqi.cultivation.tests.helpers import D, grant
from keqi.cultivation.tests.test_library_views import client_for
from keqi.registry.models import QualificationKind as K

pytestmark = pytest.mark.django_db


@pytest.fixture
def firms(db) -> None:  # type: ignore[no-untyped-def]
    a = make_enterprise("dakoutun", name="大口屯雏鹰")
    grant(a, K.CHUYING, D(2019, 6, 1), until=D(2021, 5, 31))
    grant(a, K.HIGH_TECH, D(2019, 1, 1))
    grant(make_enterprise("koudong", name="口东瞪羚"), K.DENGLING, D(2019, 6, 1))


def test_tier_counts_link_to_the_enterprises_on_that_tier(firms, hq) -> None:
    c = client_for(hq)
    page = c.get("/cultivation/tiers/?on=2019-12-31").content.decode()
    assert 'tier=%E9%9B%8F%E9%B9%B0%E4%BC%81%E4%B8%9A">1</a>' in page
    listed = c.get("/cultivation/tiers/?on=2019-12-31&tier=雏鹰企业").content.decode()
    assert "大口屯雏鹰" in listed and "口东瞪羚" not in listed


def test_town_user_sees_only_their_areas_tiers(firms, town_a) -> None:
    page = client_for(town_a).get("/cultivation/tiers/?on=2019-12-31").content.decode()
    assert "大口屯雏鹰" in page and "口东瞪羚" not in page
    koudong = Area.objects.get(code="koudong").pk
    assert (
        client_for(town_a).get(f"/cultivation/tiers/?area={koudong}").status_code == 404
    )


def test_tier_history_page_is_404_for_another_towns_enterprise(firms, town_b) -> None:
    from keqi.registry.models import Enterprise

    pk = Enterprise.objects.get(name="大口屯雏鹰").pk
    assert client_for(town_b).get(f"/cultivation/tiers/{pk}/").status_code == 404


def test_hq_saves_a_new_ladder_order_through_the_page(hq) -> None:
    response = client_for(hq).post(
        "/cultivation/tiers/ladder/",
        {"tiers": "雏鹰企业\n瞪羚企业\n", "mark": "高新技术企业"},
    )
    assert response.status_code == 302
    assert ladder_load(hq.district_id_in_scope) == (
        ("雏鹰企业", "瞪羚企业"),
        "高新技术企业",
    )


def test_a_bad_ladder_shows_a_chinese_error_and_saves_nothing(hq) -> None:
    before = ladder_load(hq.district_id_in_scope)
    page = client_for(hq).post(
        "/cultivation/tiers/ladder/", {"tiers": "雏鹰企业\n雏鹰企业", "mark": ""}
    )
    assert "重复" in page.content.decode()
    assert ladder_load(hq.district_id_in_scope) == before


def test_town_user_may_not_edit_the_ladder(town_a) -> None:
    assert client_for(town_a).get("/cultivation/tiers/ladder/").status_code == 403


def test_tier_page_query_count_does_not_grow_with_rows(hq) -> None:
    c = client_for(hq)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert c.get("/cultivation/tiers/?on=2019-12-31").status_code == 200
        return len(ctx.captured_queries)

    grant(make_enterprise("koudong"), K.TECH_SME, D(2019, 3, 1))
    few = queries()
    for _ in range(5):
        grant(make_enterprise("dakoutun"), K.CHUYING, D(2019, 3, 1))
    assert queries() == few <= 10
