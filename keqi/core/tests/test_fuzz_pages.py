"""No hostile query string gets a server error, on any GET page, for any role
(issue 13, proof). Runs on SQLite and PostgreSQL.

The pages come from the URL resolver (keqi.core.tests.pages): every route
without path arguments, and one real link for each route with ids or slugs,
found on the pages themselves. The parameter names are the ones each view reads.
A sweep gives every discovered parameter of every page a hostile value once
(hq); hypothesis then mixes pages, roles, names and values. KEQI_FUZZ_EXAMPLES
raises the number of hypothesis examples for a longer local run (default 120).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from keqi.campaign.tests.helpers import baodi_plan, file_report
from keqi.core.testing import add_figures, make_enterprise, persona
from keqi.core.tests.pages import Page, discover
from keqi.registry.services import qualification_upsert

EXAMPLES = int(os.environ.get("KEQI_FUZZ_EXAMPLES", "120"))
ROLES = ("hq", "town_a", "member", "leader")
# Every kind of value that once ended in a 500 somewhere, and then some.
HOSTILE = [
    "\x00",
    "名称\x1b",
    "99999999999999999999999",  # above 2^63
    "9223372036854775808",
    "-1",
    "0",
    "9999-12-31",
    "9999-12",
    "0000-00-00",
    "2019-02-30",
    "１２３",  # full-width digits
    "２０１９-０６",
    "²",  # isdigit() but not int()
    "٣",
    "1e999",
    "NaN",
    "' OR 1=1 --",
    "%",
    "x" * 3000,
    "<script>alert(1)</script>",
    "../../etc/passwd",
    " ",
    "2019",
    "2019-06-30",
    "xlsx",
    "pdf",
    "all",
]
# Names every page is also tried with, whether or not it reads them.
COMMON = {"page", "area", "year", "as_of", "format", "q"}
values = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.integers().map(str),
)


@dataclass
class Site:
    clients: dict[str, Client]
    pages: list[Page]


@pytest.fixture
def site(db: None, settings: Any) -> Iterator[Site]:
    """Campaign and registry data in two towns, a signed-in client per role and
    the pages hq and a town reach."""
    settings.KEQI_API_RATE_USER = "1000000/min"
    settings.KEQI_API_RATE_ANON = "1000000/min"
    cache.clear()
    plan = baodi_plan()
    for area in ("dakoutun", "koudong"):
        firm = make_enterprise(area, tech_field="电子信息")
        add_figures(firm, 2018, staff_total=50, tech_staff=8, sales_revenue=3000)
        qualification_upsert(
            enterprise=firm,
            kind="高新技术企业",
            values={"granted_on": dt.date(2019, 3, 1), "number": f"GR{firm.pk}"},
            actor=None,
        )
    file_report(plan, "dakoutun-gov", dt.date(2019, 6, 1), dt.date(2019, 7, 3))
    clients = {}
    for role in ROLES:
        clients[role] = Client()
        clients[role].force_login(persona(role))
    pages: dict[str, Page] = {}
    for role in ("hq", "town_a"):
        for page in discover(clients[role]):
            pages.setdefault(page.url, Page(page.url)).params |= page.params
    yield Site(clients, sorted(pages.values(), key=lambda p: p.url))
    cache.clear()


def _no_server_error(client: Client, url: str, query: dict[str, str]) -> None:
    response = client.get(url, query)
    assert response.status_code < 500, (url, query, response.status_code)


def test_every_parameter_of_every_page_survives_a_hostile_value(site: Site) -> None:
    # The discovery found the site: the pages with ids and the names views read.
    by_url = {p.url: p.params for p in site.pages}
    assert len(by_url) >= 100
    assert any(u.startswith("/enterprises/") and u[13:-1].isdigit() for u in by_url)
    assert {"area", "year", "status"} <= by_url["/funds/awards/"]
    assert "institution" in by_url["/partners/projects/"]
    assert "/api/v1/enterprises/" in by_url and "/campaign/" in by_url
    client = site.clients["hq"]
    turn = 0
    for page in site.pages:
        query = {}
        for name in sorted(page.params | COMMON):
            query[name] = HOSTILE[turn % len(HOSTILE)]
            turn += 1
        _no_server_error(client, page.url, query)


def test_random_hostile_queries_by_every_role_get_no_server_error(site: Site) -> None:
    @given(data=st.data())
    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(data: st.DataObject) -> None:
        page = data.draw(st.sampled_from(site.pages), label="page")
        role = data.draw(st.sampled_from(ROLES), label="role")
        names = sorted(page.params | COMMON)
        query = data.draw(
            st.dictionaries(st.sampled_from(names), values, max_size=4), label="query"
        )
        _no_server_error(site.clients[role], page.url, query)

    run()
