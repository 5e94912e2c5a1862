"""Two runs compared: which enterprises' outcomes flipped, within the user's scope."""

from __future__ import annotations

import pytest

from keqi.evaluations.selectors import flips_for
from keqi.evaluations.tests.helpers import candidate, run_now, verdict_of, wider_cap

pytestmark = pytest.mark.django_db


def test_raising_the_staff_cap_flips_the_510_person_enterprise_and_nobody_else(
    hq,
) -> None:  # type: ignore[no-untyped-def]
    big = candidate(staff=510)
    small = candidate(staff=300)
    huge = candidate(staff=700)
    before = run_now()
    after = run_now(setup=wider_cap())
    groups = {g.programme: g for g in flips_for(hq, before, after)}
    tech_sme = groups["tech_sme"]
    assert tech_sme.compared == 3
    [flip] = tech_sme.flips
    assert flip.enterprise == big
    assert (flip.before, flip.after) == ("ineligible", "eligible")
    assert flip.before_pk == verdict_of(before, big).pk
    assert flip.after_pk == verdict_of(after, big).pk
    assert tech_sme.directions() == [("不符合条件 → 符合条件", 1)]
    assert verdict_of(after, small).outcome == verdict_of(before, small).outcome
    assert verdict_of(after, huge).outcome == "ineligible"


def test_a_town_sees_only_its_own_enterprises_flip(town_a, town_b) -> None:  # type: ignore[no-untyped-def]
    mine = candidate("dakoutun", staff=510)
    theirs = candidate("koudong", staff=510)
    before, after = run_now(), run_now(setup=wider_cap())
    [group_a] = [
        g for g in flips_for(town_a, before, after) if g.programme == "tech_sme"
    ]
    assert [f.enterprise for f in group_a.flips] == [mine]
    assert group_a.compared == 1
    [group_b] = [
        g for g in flips_for(town_b, before, after) if g.programme == "tech_sme"
    ]
    assert [f.enterprise for f in group_b.flips] == [theirs]


def test_an_area_filter_narrows_hq_to_one_area(hq) -> None:  # type: ignore[no-untyped-def]
    mine = candidate("dakoutun", staff=510)
    candidate("koudong", staff=510)
    before, after = run_now(), run_now(setup=wider_cap())
    groups = flips_for(hq, before, after, area_id=mine.area_id)
    [tech_sme] = [g for g in groups if g.programme == "tech_sme"]
    assert [f.enterprise for f in tech_sme.flips] == [mine]
