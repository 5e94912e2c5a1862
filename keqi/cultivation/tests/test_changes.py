from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from keqi.accounts.models import Area
from keqi.core.testing import make_enterprise
from keqi.cultivation.changes import change_report
from keqi.cultivation.libraries import LIBRARY_BY_KEY, library_counts
from keqi.cultivation.tests.helpers import D, grant, move
from keqi.registry.models import QualificationKind as K

pytestmark = pytest.mark.django_db
HT = LIBRARY_BY_KEY["high_tech"]
D1, D2 = D(2019, 6, 30), D(2019, 12, 31)


def names(rows) -> set[str]:  # type: ignore[no-untyped-def]
    return {r.enterprise.name for r in rows}


@pytest.fixture
def cases(db) -> None:  # type: ignore[no-untyped-def]
    """Enterprises named after what happens to them between D1 and D2 in 口东镇."""

    def firm(name: str, code: str = "koudong"):  # type: ignore[no-untyped-def]
        return make_enterprise(code, name=name)

    grant(firm("一直有效"), K.HIGH_TECH, D(2018, 1, 1))
    grant(firm("期间新认定"), K.HIGH_TECH, D(2019, 9, 1))
    grant(firm("截止日当天认定"), K.HIGH_TECH, D2)
    grant(firm("截止日次日认定"), K.HIGH_TECH, D(2020, 1, 1))
    grant(firm("起始日当天到期"), K.HIGH_TECH, D(2016, 7, 1), until=D1)
    grant(firm("期间到期"), K.HIGH_TECH, D(2016, 11, 1), until=D(2019, 10, 31))
    grant(firm("起始日前一天到期"), K.HIGH_TECH, D(2016, 6, 30), until=D(2019, 6, 29))
    grant(firm("期间撤销"), K.HIGH_TECH, D(2018, 1, 1), revoked=D(2019, 8, 1))
    grant(firm("截止日当天撤销"), K.HIGH_TECH, D(2018, 1, 1), revoked=D2)
    grant(firm("起始日当天撤销"), K.HIGH_TECH, D(2018, 1, 1), revoked=D1)
    e = firm("迁出")
    grant(e, K.HIGH_TECH, D(2018, 1, 1))
    move(e, "dakoutun", D(2019, 9, 1))
    e = firm("迁入", "dakoutun")
    grant(e, K.HIGH_TECH, D(2018, 1, 1))
    move(e, "koudong", D(2019, 9, 1))
    e = firm("新认定后迁入", "dakoutun")
    grant(e, K.HIGH_TECH, D(2019, 8, 1))
    move(e, "koudong", D(2019, 10, 1))
    e = firm("迁出后到期")
    grant(e, K.HIGH_TECH, D(2016, 12, 1), until=D(2019, 11, 30))
    move(e, "dakoutun", D(2019, 8, 1))
    e = firm("期间续期")
    grant(e, K.HIGH_TECH, D(2016, 9, 1), until=D(2019, 8, 31), number="A")
    grant(e, K.HIGH_TECH, D(2019, 9, 1), number="B")
    e = firm("截止日当天迁出")
    grant(e, K.HIGH_TECH, D(2018, 1, 1))
    move(e, "dakoutun", D2)
    e = firm("起始日当天迁入", "dakoutun")
    grant(e, K.HIGH_TECH, D(2018, 1, 1))
    move(e, "koudong", D1)


def area_pk(code: str) -> int:
    return Area.objects.get(code=code).pk


def test_change_report_for_an_area_puts_each_enterprise_in_its_group(cases, hq) -> None:
    r = change_report(hq, HT, D1, D2, area_pk("koudong"))
    assert names(r.new) == {"期间新认定", "截止日当天认定", "新认定后迁入"}
    assert names(r.expired) == {"起始日当天到期", "期间到期", "迁出后到期"}
    assert names(r.revoked) == {"期间撤销", "截止日当天撤销"}
    assert names(r.moved_in) == {"迁入"}
    assert names(r.moved_out) == {"迁出", "截止日当天迁出"}
    assert (r.count_start, r.count_end) == (10, 7)


def test_change_report_reconciles_with_the_counts_on_both_days(cases, hq) -> None:
    for area in (None, area_pk("koudong"), area_pk("dakoutun")):
        r = change_report(hq, HT, D1, D2, area)
        key = ("high_tech", area)
        before, after = library_counts(hq, D1), library_counts(hq, D2)
        if area is None:
            assert (r.count_start, r.count_end) == (
                before.totals["high_tech"],
                after.totals["high_tech"],
            )
        else:
            assert r.count_start == before.counts.get(key, 0)
            assert r.count_end == after.counts.get(key, 0)
        assert r.computed_end == r.count_end
        assert r.reconciles


def test_district_wide_report_has_no_moves_between_its_own_areas(cases, hq) -> None:
    r = change_report(hq, HT, D1, D2)
    assert (r.count_start, r.count_end) == (11, 9)
    assert len(r.moved_in) == 0 and len(r.moved_out) == 0
    assert len(r.new) == 3 and len(r.expired) == 3 and len(r.revoked) == 2


def test_the_other_town_sees_the_moves_mirrored(cases, town_a) -> None:
    r = change_report(town_a, HT, D1, D2)  # 大口屯镇
    assert names(r.moved_in) == {"迁出", "截止日当天迁出"}
    assert names(r.moved_out) == {"迁入"}
    assert (r.count_start, r.count_end) == (1, 2)
    assert r.reconciles


def test_same_day_report_is_empty_and_balanced(cases, hq) -> None:
    r = change_report(hq, HT, D1, D1, area_pk("koudong"))
    assert r.count_start == r.count_end == 10
    assert not (r.new or r.expired or r.revoked or r.moved_in or r.moved_out)


def test_a_start_after_the_end_is_refused_in_chinese(hq) -> None:
    with pytest.raises(ValidationError, match="起始日期不能晚于截止日期"):
        change_report(hq, HT, D2, D1)


def test_town_user_cannot_ask_for_another_towns_report(cases, town_a) -> None:
    with pytest.raises(Http404):
        change_report(town_a, HT, D1, D2, area_pk("koudong"))


def test_the_page_shows_each_group_a_page_at_a_time_and_the_download_has_every_row(
    cases, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """A city's change report holds tens of thousands of rows: each group is
    paged on its own (numbers run on), its total stays whole, the download
    keeps every row."""
    from io import BytesIO

    from django.test import Client
    from openpyxl import load_workbook

    from keqi.core.testing import persona
    from keqi.cultivation import paging

    monkeypatch.setattr(paging, "PAGE_SIZE", 1)
    client = Client()
    client.force_login(persona("hq"))
    area = Area.objects.get(code="koudong").pk
    url = f"/cultivation/libraries/high_tech/changes/?from={D1}&to={D2}&area={area}"
    report = change_report(persona("hq"), HT, D1, D2, area)
    expired = [r.enterprise.name for r in report.expired]
    assert len(expired) == 3
    first = client.get(url).content.decode()
    second = client.get(url + "&expired_page=2").content.decode()
    assert "到期（期间有效期届满）：3 家" in first
    assert expired[0] in first
    assert expired[1] not in first and expired[2] not in first
    assert expired[1] in second and expired[0] not in second
    assert '<td class="num">2</td>' in second  # numbering runs on
    book = load_workbook(BytesIO(client.get(url + "&format=xlsx").content))
    cells = {c.value for row in book.active.iter_rows() for c in row}
    assert set(expired) <= cells
    assert {r.enterprise.name for r in report.new} <= cells
