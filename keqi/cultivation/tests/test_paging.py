"""Long cultivation lists come a page at a time, with totals, filters kept in the
page links, the same scope on every page, and a constant number of queries."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from keqi.core.testing import make_enterprise
from keqi.cultivation import paging
from keqi.cultivation.tests.helpers import D, grant
from keqi.cultivation.tests.test_library_views import client_for
from keqi.registry.models import QualificationKind as K

pytestmark = pytest.mark.django_db


@pytest.fixture
def firms(db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(paging, "PAGE_SIZE", 2)
    for n in range(3):
        e = make_enterprise("dakoutun", name=f"大口屯高企{n}")
        grant(e, K.HIGH_TECH, D(2018, 12, 1))
    for n in range(2):
        e = make_enterprise("koudong", name=f"口东高企{n}")
        grant(e, K.HIGH_TECH, D(2018, 12, 1))


def pages(client, url: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Every page of a list, following the links the page itself offers."""
    found = [client.get(url).content.decode()]
    for n in range(2, 5):
        if f"page={n}" not in found[-1]:
            break
        found.append(client.get(f"{url}&page={n}").content.decode())
    return found


def query_count(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


LISTS = [
    "/cultivation/libraries/high_tech/?on=2019-12-31",
    "/cultivation/tiers/?on=2019-12-31&tier=高新技术企业",
    "/cultivation/reminders/?on=2020-05-10&list=upcoming&ahead=60",
]


@pytest.mark.parametrize("url", LISTS)
def test_hq_pages_through_the_whole_list_with_its_total(firms, hq, url) -> None:
    shown = pages(client_for(hq), url)
    assert len(shown) == 3
    assert "第 1 / 3 页，共 5 条" in shown[0]
    everything = "".join(shown)
    for name in ["大口屯高企0", "大口屯高企2", "口东高企1"]:
        assert name in everything
    assert "大口屯高企0" not in shown[2] or "口东高企1" not in shown[0]


@pytest.mark.parametrize("url", LISTS)
def test_page_links_keep_the_filters(firms, hq, url) -> None:
    first = client_for(hq).get(url).content.decode()
    query = QueryDict(url.split("?", 1)[1]).urlencode().replace("&", "&amp;")
    assert f'href="?{query}&amp;page=2"' in first


@pytest.mark.parametrize("url", LISTS)
def test_town_user_pages_see_only_their_own_enterprises(firms, town_a, url) -> None:
    shown = "".join(pages(client_for(town_a), url))
    assert "共 3 条" in shown and "口东高企" not in shown


@pytest.mark.parametrize("url", LISTS)
def test_list_page_queries_do_not_grow_with_the_list(firms, hq, url) -> None:
    client = client_for(hq)
    few = query_count(client, url)
    for n in range(6):
        grant(
            make_enterprise("dakoutun", name=f"新高企{n}"), K.HIGH_TECH, D(2018, 12, 1)
        )
    assert query_count(client, url) == few


def test_a_page_past_the_end_shows_the_last_page(firms, hq) -> None:
    url = "/cultivation/libraries/high_tech/?on=2019-12-31&page=99"
    assert "第 3 / 3 页" in client_for(hq).get(url).content.decode()


def test_the_download_still_has_every_row(firms, hq) -> None:
    response = client_for(hq).get(
        "/cultivation/libraries/high_tech/?on=2019-12-31&format=xlsx"
    )
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    cells = [c.value for row in sheet.iter_rows() for c in row]
    assert (
        sum(1 for v in cells if isinstance(v, str) and v.startswith("大口屯高企")) == 3
    )
    assert sum(1 for v in cells if isinstance(v, str) and v.startswith("口东高企")) == 2
