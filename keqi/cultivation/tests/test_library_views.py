from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from keqi.accounts.models import Area
from keqi.core.testing import make_enterprise
from keqi.cultivation.tests.helpers import D, grant, move
from keqi.registry.models import QualificationKind as K

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def pk(code: str) -> int:
    return Area.objects.get(code=code).pk


@pytest.fixture
def firms(db) -> None:  # type: ignore[no-untyped-def]
    grant(make_enterprise("dakoutun", name="大口屯高企"), K.HIGH_TECH, D(2018, 1, 1))
    grant(make_enterprise("koudong", name="口东高企"), K.HIGH_TECH, D(2018, 1, 1))
    e = make_enterprise("koudong", name="口东迁出高企")
    grant(e, K.HIGH_TECH, D(2018, 1, 1))
    move(e, "dakoutun", D(2019, 9, 1))


def test_overview_links_each_count_to_its_list(firms, hq) -> None:
    page = client_for(hq).get("/cultivation/?on=2019-12-31").content.decode()
    assert (
        f'href="/cultivation/libraries/high_tech/?on=2019-12-31&amp;area={pk("dakoutun")}">2</a>'
        in page
    )
    assert 'href="/cultivation/libraries/high_tech/?on=2019-12-31">3</a>' in page


def test_overview_for_a_town_shows_only_that_town(firms, town_a) -> None:
    page = client_for(town_a).get("/cultivation/?on=2019-12-31").content.decode()
    assert "大口屯镇" in page and "口东镇" not in page


def test_library_list_shows_the_area_on_the_day_asked(firms, hq) -> None:
    url = f"/cultivation/libraries/high_tech/?on=2019-06-30&area={pk('koudong')}"
    page = client_for(hq).get(url).content.decode()
    assert "口东迁出高企" in page and "口东高企" in page
    assert "大口屯高企" not in page


def test_town_user_gets_404_for_another_towns_list(firms, town_a) -> None:
    url = f"/cultivation/libraries/high_tech/?area={pk('koudong')}"
    assert client_for(town_a).get(url).status_code == 404
    url = f"/cultivation/libraries/high_tech/changes/?area={pk('koudong')}"
    assert client_for(town_a).get(url).status_code == 404


def test_town_user_list_without_area_is_their_own(firms, town_b) -> None:
    page = (
        client_for(town_b)
        .get("/cultivation/libraries/high_tech/?on=2019-12-31")
        .content.decode()
    )
    assert "口东高企" in page and "大口屯高企" not in page


def test_unknown_library_is_404(hq) -> None:
    assert client_for(hq).get("/cultivation/libraries/nope/").status_code == 404


def test_a_bad_date_is_reported_in_chinese_and_today_is_used(firms, hq) -> None:
    page = client_for(hq).get("/cultivation/?on=2019-13-45").content.decode()
    assert "统计日期" in page and "不是有效日期" in page


def test_change_page_shows_the_reconciliation_line(firms, hq) -> None:
    url = f"/cultivation/libraries/high_tech/changes/?from=2019-06-30&to=2019-12-31&area={pk('koudong')}"
    page = client_for(hq).get(url).content.decode()
    assert "核对：2 ＋ 0 － 0 － 0 ＋ 0 － 1 ＝ 1" in page and "一致" in page


def test_change_page_refuses_a_reversed_range_in_chinese(firms, hq) -> None:
    url = "/cultivation/libraries/high_tech/changes/?from=2020-01-01&to=2019-01-01"
    page = client_for(hq).get(url).content.decode()
    assert "起始日期不能晚于截止日期" in page


def test_library_list_query_count_does_not_grow_with_rows(hq) -> None:
    c = client_for(hq)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert (
                c.get("/cultivation/libraries/tech_sme/?on=2019-12-31").status_code
                == 200
            )
        return len(ctx.captured_queries)

    e = make_enterprise("dakoutun")
    grant(e, K.TECH_SME, D(2019, 3, 1))
    move(e, "koudong", D(2019, 5, 1))
    few = queries()
    for _ in range(5):
        e = make_enterprise("dakoutun")
        grant(e, K.TECH_SME, D(2019, 3, 1))
        move(e, "koudong", D(2019, 5, 1))
    # the order by name is one query of ids; one more is the security policy,
    # read once per signed-in page; one more the ids of the user's district's areas
    assert queries() == few <= 13
