from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from keqi.accounts.models import District
from keqi.core.models import AuditEvent
from keqi.core.testing import load_baodi, make_enterprise
from keqi.cultivation.models import TierRung
from keqi.cultivation.selectors import ladder_load, tier_history_for, tier_rows_for
from keqi.cultivation.services import CultivationAction, tier_ladder_set
from keqi.cultivation.tests.helpers import D, grant
from keqi.cultivation.tiers import (
    DEFAULT_LADDER,
    Holding,
    TierSpan,
    marked_on,
    tier_history,
    tier_on,
)
from keqi.registry.models import QualificationKind as K

SME, CHUYING, DENGLING = "科技型中小企业", "雏鹰企业", "瞪羚企业"


def test_tier_is_the_highest_rung_held_that_day() -> None:
    held = [
        Holding(SME, D(2019, 3, 1), D(2019, 12, 31)),
        Holding(CHUYING, D(2019, 6, 1), D(2021, 5, 31)),
    ]
    assert tier_on(held, DEFAULT_LADDER, D(2019, 5, 31)) == SME
    assert tier_on(held, DEFAULT_LADDER, D(2019, 6, 1)) == CHUYING
    assert tier_on(held, DEFAULT_LADDER, D(2022, 1, 1)) is None


def test_tier_follows_the_configured_order() -> None:
    held = [Holding(SME, D(2019, 1, 1)), Holding(CHUYING, D(2019, 1, 1))]
    assert tier_on(held, (CHUYING, SME), D(2019, 6, 1)) == SME


def test_history_lists_each_change_of_tier_and_mark_with_its_days() -> None:
    held = [
        Holding(SME, D(2018, 4, 1), D(2018, 12, 31)),
        Holding(DENGLING, D(2019, 7, 1), revoked_on=D(2020, 3, 1)),
        Holding("高新技术企业", D(2019, 11, 1), D(2022, 10, 31)),
    ]
    assert tier_history(held, DEFAULT_LADDER) == [
        TierSpan(D(2018, 4, 1), D(2018, 12, 31), SME, False),
        TierSpan(D(2019, 1, 1), D(2019, 6, 30), None, False),
        TierSpan(D(2019, 7, 1), D(2019, 10, 31), DENGLING, False),
        TierSpan(D(2019, 11, 1), D(2020, 2, 29), DENGLING, True),
        TierSpan(D(2020, 3, 1), D(2022, 10, 31), None, True),
        TierSpan(D(2022, 11, 1), None, None, False),
    ]


def baodi() -> District:
    return District.objects.get(code="baodi")


@pytest.mark.django_db
def test_default_ladder_is_seeded_when_the_district_is_loaded() -> None:
    load_baodi()
    assert TierRung.objects.filter(district=baodi()).count() == 6
    assert ladder_load(baodi()) == (DEFAULT_LADDER, "高新技术企业")


@pytest.mark.django_db
def test_hq_reorders_the_ladder_and_it_is_audited(hq) -> None:
    tier_ladder_set(district=baodi(), tiers=[CHUYING, SME], mark=None, actor=hq)
    assert ladder_load(baodi()) == ((CHUYING, SME), None)
    event = AuditEvent.objects.get(action=CultivationAction.TIER_LADDER_SET)
    assert event.actor == hq
    assert event.changes["tiers"][1] == "雏鹰企业 → 科技型中小企业"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("tiers", "mark", "message"),
    [
        ([], None, "至少要有一级"),
        ([SME, SME], None, "重复"),
        ([SME, "不存在的资质"], None, "不是资质类型"),
        ([SME], SME, "不能同时作为梯度层级"),
    ],
)
def test_a_bad_ladder_is_refused_and_nothing_changes(hq, tiers, mark, message) -> None:
    with pytest.raises(ValidationError, match=message):
        tier_ladder_set(district=baodi(), tiers=tiers, mark=mark, actor=hq)
    assert ladder_load(baodi()) == (DEFAULT_LADDER, "高新技术企业")


@pytest.mark.django_db
def test_only_hq_may_change_the_ladder(town_a) -> None:
    with pytest.raises(PermissionDenied):
        tier_ladder_set(district=baodi(), tiers=[SME], mark=None, actor=town_a)


@pytest.mark.django_db
def test_tier_rows_show_tier_and_mark_in_the_users_scope(town_a) -> None:
    a = make_enterprise("dakoutun", name="甲")
    grant(a, K.CHUYING, D(2019, 6, 1), until=D(2021, 5, 31))
    grant(a, K.HIGH_TECH, D(2019, 1, 1))
    grant(make_enterprise("koudong", name="乙"), K.DENGLING, D(2019, 6, 1))
    rows = tier_rows_for(town_a, D(2019, 12, 31))
    assert [(r.enterprise.name, r.tier, r.marked) for r in rows] == [
        ("甲", CHUYING, True)
    ]


@pytest.mark.django_db
def test_tier_history_of_another_towns_enterprise_is_404(town_a) -> None:
    from django.http import Http404

    e = make_enterprise("koudong")
    with pytest.raises(Http404):
        tier_history_for(town_a, e.pk)


@pytest.mark.django_db
def test_tiers_found_by_the_database_equal_the_engines_tier_of_each_holding(
    hq,
) -> None:
    cases = [
        [(K.CHUYING, D(2019, 6, 1), D(2021, 5, 31), None)],
        [(K.CHUYING, D(2016, 6, 1), D(2019, 5, 31), None)],  # lapsed
        [(K.DENGLING, D(2019, 1, 1), None, D(2019, 11, 1))],  # revoked
        [(K.DENGLING, D(2019, 12, 31), None, None)],  # granted on the day
        [(K.DENGLING, D(2020, 1, 1), None, None)],  # not yet
        [(K.HIGH_TECH, D(2018, 1, 1), None, None)],  # the mark only
        [
            (K.CHUYING, D(2018, 1, 1), None, None),
            (K.LINGJUN, D(2019, 3, 1), None, D(2019, 12, 31)),  # revoked on the day
            (K.HIGH_TECH, D(2017, 1, 1), None, D(2018, 1, 1)),
        ],
        [(K.TECH_SME, D(2019, 5, 1), D(2019, 12, 31), None)],
    ]
    tiers, mark = ladder_load(baodi())
    for n, holdings in enumerate(cases):
        e = make_enterprise("dakoutun", name=f"层级企业{n}")
        for kind, granted, until, revoked in holdings:
            grant(e, kind, granted, until=until, revoked=revoked)
    for day in (D(2019, 12, 31), D(2019, 6, 30), D(2020, 6, 1)):
        found = {r.enterprise.name: (r.tier, r.marked) for r in tier_rows_for(hq, day)}
        for n, holdings in enumerate(cases):
            held = [Holding(k, g, u, r) for k, g, u, r in holdings]
            tier = tier_on(held, tiers, day)
            marked = marked_on(held, mark or "", day)
            expected = (tier, marked) if tier or marked else None
            assert found.get(f"层级企业{n}") == expected, (n, day)
