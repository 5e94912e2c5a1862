from __future__ import annotations

import pytest
from django.http import Http404

from keqi.accounts.models import Area
from keqi.core.testing import make_enterprise
from keqi.cultivation.libraries import (
    LIBRARY_BY_KEY,
    library_counts,
    library_members,
)
from keqi.cultivation.tests.helpers import D, grant, move
from keqi.registry.models import QualificationKind as K

pytestmark = pytest.mark.django_db
HIGH_TECH = LIBRARY_BY_KEY["high_tech"]


def area(code: str) -> Area:
    return Area.objects.get(code=code)


def names(rows) -> set[str]:  # type: ignore[no-untyped-def]
    return {r.enterprise.name for r in rows}


def test_a_qualification_is_held_from_its_grant_day_to_its_last_valid_day(hq) -> None:
    e = make_enterprise("koudong", name="甲")
    grant(e, K.HIGH_TECH, D(2017, 11, 1), until=D(2020, 10, 31))
    for day, expected in [
        (D(2017, 10, 31), set()),
        (D(2017, 11, 1), {"甲"}),
        (D(2020, 10, 31), {"甲"}),
        (D(2020, 11, 1), set()),
    ]:
        assert names(library_members(hq, HIGH_TECH, day)) == expected, day


def test_a_revoked_qualification_stops_counting_on_its_revocation_day(hq) -> None:
    e = make_enterprise("koudong", name="乙")
    grant(e, K.HIGH_TECH, D(2018, 1, 1), revoked=D(2019, 6, 1))
    assert names(library_members(hq, HIGH_TECH, D(2019, 5, 31))) == {"乙"}
    assert names(library_members(hq, HIGH_TECH, D(2019, 6, 1))) == set()


def test_high_tech_validity_defaults_to_three_years_when_left_blank(hq) -> None:
    e = make_enterprise("koudong", name="丙")
    grant(e, K.HIGH_TECH, D(2017, 11, 1))
    assert names(library_members(hq, HIGH_TECH, D(2020, 10, 31))) == {"丙"}
    assert names(library_members(hq, HIGH_TECH, D(2020, 11, 1))) == set()


def test_count_uses_the_area_the_enterprise_was_in_on_that_day(hq) -> None:
    e = make_enterprise("dakoutun", name="迁移企业")
    grant(e, K.HIGH_TECH, D(2018, 3, 1))
    move(e, "koudong", D(2020, 2, 1))
    old = library_counts(hq, D(2019, 12, 31))
    assert old.counts[("high_tech", area("dakoutun").pk)] == 1
    assert ("high_tech", area("koudong").pk) not in old.counts
    new = library_counts(hq, D(2020, 2, 1))
    assert new.counts[("high_tech", area("koudong").pk)] == 1
    assert ("high_tech", area("dakoutun").pk) not in new.counts


def test_a_library_of_two_kinds_counts_an_enterprise_holding_both_once(hq) -> None:
    e = make_enterprise("koudong")
    grant(e, K.LINGJUN_PEIYU, D(2018, 1, 1))
    grant(e, K.LINGJUN, D(2019, 1, 1))
    make_enterprise("koudong")  # holds nothing
    assert library_counts(hq, D(2019, 6, 1)).totals["lingjun"] == 1


def test_counts_match_the_lists_behind_them(hq) -> None:
    for code in ("koudong", "koudong", "dakoutun"):
        grant(make_enterprise(code), K.TECH_SME, D(2019, 4, 1))
    table = library_counts(hq, D(2019, 12, 31))
    for a in table.areas:
        listed = library_members(hq, LIBRARY_BY_KEY["tech_sme"], D(2019, 12, 31), a.pk)
        assert table.counts.get(("tech_sme", a.pk), 0) == len(listed)
    assert table.totals["tech_sme"] == 3


def test_town_user_counts_and_lists_only_their_own_area(town_a, town_b) -> None:
    grant(make_enterprise("dakoutun", name="大口屯企业"), K.TECH_SME, D(2019, 4, 1))
    grant(make_enterprise("koudong", name="口东企业"), K.TECH_SME, D(2019, 4, 1))
    lib = LIBRARY_BY_KEY["tech_sme"]
    table = library_counts(town_a, D(2019, 12, 31))
    assert [a.code for a in table.areas] == ["dakoutun"]
    assert table.totals["tech_sme"] == 1
    assert names(library_members(town_a, lib, D(2019, 12, 31))) == {"大口屯企业"}
    assert names(library_members(town_b, lib, D(2019, 12, 31))) == {"口东企业"}


def test_town_user_asking_for_another_area_gets_404(town_a) -> None:
    with pytest.raises(Http404):
        library_members(
            town_a, LIBRARY_BY_KEY["tech_sme"], D(2019, 12, 31), area("koudong").pk
        )
