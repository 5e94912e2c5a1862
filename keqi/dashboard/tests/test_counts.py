"""The dashboard's database-side counts equal the cultivation pages' own counts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from keqi.accounts.models import Area
from keqi.cultivation.libraries import LIBRARIES, Library, library_counts
from keqi.cultivation.rd import rd_report
from keqi.cultivation.selectors import ladder_load, tier_rows_for
from keqi.dashboard.counts import (
    library_area_counts,
    library_of_kind,
    rd_by_area,
    tier_counts,
)
from keqi.dashboard.tests.helpers import DAY, D, small_registry

pytestmark = pytest.mark.django_db
DAYS = [D(2019, 6, 30), DAY, D(2019, 10, 31), D(2019, 12, 31)]


@pytest.mark.parametrize("who", ["hq", "town_a", "town_b"])
def test_library_counts_match_the_overview_on_every_day_even_after_a_move(
    who, request
) -> None:  # type: ignore[no-untyped-def]
    small_registry()
    user = request.getfixturevalue(who)
    for day in DAYS:
        ours, theirs = library_area_counts(user, day), library_counts(user, day)
        assert ours.counts == {k: n for k, n in theirs.counts.items() if n}
        assert ours.totals == theirs.totals
        assert ours.areas == theirs.areas


def test_an_enterprise_that_moved_later_counts_in_its_old_area(hq) -> None:  # type: ignore[no-untyped-def]
    small_registry()
    koudong = Area.objects.get(code="koudong").pk
    dakoutun = Area.objects.get(code="dakoutun").pk
    before = library_area_counts(hq, DAY).counts
    after = library_area_counts(hq, D(2019, 10, 31)).counts
    assert before[("high_tech", koudong)] == 2 and before[("high_tech", dakoutun)] == 1
    assert after[("high_tech", koudong)] == 1 and after[("high_tech", dakoutun)] == 2


def test_libraries_that_shared_a_kind_would_be_refused() -> None:
    library_of_kind()  # the shipped libraries do not overlap
    clash = (*LIBRARIES, Library("again", "重复", ("高新技术企业",)))
    with pytest.raises(ValueError, match="同时属于两个企业库"):
        library_of_kind(clash)


@pytest.mark.parametrize("who", ["hq", "town_a", "town_b"])
def test_tier_counts_match_the_tier_page_rows(who, request) -> None:  # type: ignore[no-untyped-def]
    small_registry()
    user = request.getfixturevalue(who)
    ladder, mark = ladder_load(user.district_id_in_scope)
    for day in DAYS:
        rows = tier_rows_for(user, day)
        counts = tier_counts(user, day, ladder, mark)
        assert counts.by_tier == {k: sum(r.tier == k for r in rows) for k in ladder}
        assert counts.marked == sum(r.marked for r in rows)


def test_tier_counts_on_the_day(hq, town_a) -> None:  # type: ignore[no-untyped-def]
    small_registry()
    ladder, mark = ladder_load(hq.district_id_in_scope)
    district = tier_counts(hq, DAY, ladder, mark)
    assert district.by_tier == {
        "科技型中小企业": 1,
        "雏鹰企业": 1,
        "瞪羚企业": 1,
        "科技领军培育企业": 0,
        "科技领军企业": 0,
    }
    assert district.marked == 3  # A, F and G; D's was revoked
    town = tier_counts(town_a, DAY, ladder, mark)
    assert town.by_tier["瞪羚企业"] == 0 and town.marked == 2  # G is in 大口屯 now


@pytest.mark.parametrize("who", ["hq", "town_a", "town_b"])
def test_rd_intensity_by_area_matches_the_rd_monitor(who, request) -> None:  # type: ignore[no-untyped-def]
    small_registry()
    user = request.getfixturevalue(who)
    areas, total = rd_by_area(user, 2018)
    report = rd_report(user, 2018)
    monitor = {int(g.key): g for g in report.areas}
    for row in areas:
        assert row.area is not None
        group = monitor.get(row.area.pk)
        assert row.intensity_pct == (group.intensity_pct if group else None)
        assert row.count == (group.basis if group else 0)
    assert total.intensity_pct == report.total.intensity_pct
    assert total.count == report.total.basis


def test_rd_intensity_is_exact(hq) -> None:  # type: ignore[no-untyped-def]
    small_registry()
    areas, total = rd_by_area(hq, 2018)
    dakoutun = next(r for r in areas if r.area and r.area.code == "dakoutun")
    assert dakoutun.rd == Decimal("10.1") and dakoutun.sales == Decimal("100.3")
    assert dakoutun.intensity_pct == Decimal("10.07")  # 10.1 / 100.3 = 10.0698…%
    koudong = next(r for r in areas if r.area and r.area.code == "koudong")
    assert koudong.count == 0 and koudong.intensity_pct is None
    assert total.count == 2 and total.intensity_pct == Decimal("10.07")
