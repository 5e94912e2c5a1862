"""The award list at a city's volume: 50 a page, the count and amount of the whole
list, filters kept, the full list downloadable, and a town sees its own only."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from openpyxl import load_workbook

from keqi.core import paging
from keqi.funds.awards import award_candidates_generate
from keqi.funds.tests.helpers import M, client_for, high_tech_firm, rule

pytestmark = pytest.mark.django_db
URL = "/funds/awards/?year=2019&status=candidate"


@pytest.fixture
def awards(hq):  # type: ignore[no-untyped-def]
    rule(amount=M("200000.05"))
    for n in range(3):
        high_tech_firm("dakoutun", number=f"GR2019A{n}", name=f"大口屯高企{n}")
    for n in range(2):
        high_tech_firm("koudong", number=f"GR2019B{n}", name=f"口东高企{n}")
    award_candidates_generate(year=2019, actor=hq)


def test_paged_with_totals_of_the_whole_list_and_filters_kept(
    awards, hq, monkeypatch
) -> None:
    monkeypatch.setattr(paging, "PAGE_SIZE", 2)
    c = client_for(hq)
    page = c.get(URL).content.decode()
    assert "共 <strong>5</strong> 项，金额合计 <strong>1,000,000.25</strong> 元" in page
    assert "第 1 / 3 页，共 5 条" in page
    assert "status=candidate" in page and "page=2" in page
    pages = [c.get(f"{URL}&page={n}").content.decode() for n in (1, 2, 3)]
    for n in range(2):
        assert sum(f"口东高企{n}" in p for p in pages) == 1
    sheet = load_workbook(BytesIO(c.get(URL + "&format=xlsx").content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 5
    assert sum(M(str(r[8])) for r in rows) == M("1000000.25")


def test_town_sees_its_own_awards_and_their_totals_only(awards, town_a) -> None:
    c = client_for(town_a)
    page = c.get(URL).content.decode()
    assert "共 <strong>3</strong> 项" in page and "口东高企" not in page
    sheet = load_workbook(BytesIO(c.get(URL + "&format=xlsx").content)).active
    names = {r[0] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert names == {"大口屯高企0", "大口屯高企1", "大口屯高企2"}


def test_an_unknown_rule_filter_is_404(awards, hq) -> None:
    assert client_for(hq).get("/funds/awards/?year=2019&rule=999999").status_code == 404
    assert client_for(hq).get("/funds/awards/?year=2019&rule=abc").status_code == 404


def test_candidates_are_audited_one_event_each(awards) -> None:
    from keqi.core.models import AuditEvent
    from keqi.funds.models import Award

    for award in Award.objects.all():
        [event] = AuditEvent.objects.filter(subject=award.subject)
        assert event.changes["amount"] == [None, "200000.05"]
        assert dt.date(2019, 11, 28).isoformat() in event.reason


def test_a_long_award_list_is_written_by_the_worker_as_the_inline_file(
    awards, town_a, settings, immediate_tasks, tmp_path, monkeypatch
) -> None:
    from keqi.cultivation.tests.test_downloads import (
        fetch,
        in_background,
        inline,
        sheets,
    )

    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(
        "keqi.core.exports.timezone.localtime", lambda *a: dt.datetime(2019, 10, 8)
    )
    c = client_for(town_a)
    direct = inline(c, URL + "&format=xlsx", settings)
    found, _ = in_background(c, URL + "&format=xlsx", settings)
    prepared = fetch(c, found)
    assert sheets(prepared) == sheets(direct)
    assert found.total == 3 and "口东高企" not in str(sheets(prepared))
