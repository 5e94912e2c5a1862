"""Each auto target's database tally equals the records its evidence lists."""

from __future__ import annotations

import datetime as dt

import pytest

from keqi.campaign.metrics import METRICS
from keqi.core.testing import make_enterprise
from keqi.cultivation.tests.helpers import grant
from keqi.registry.models import QualificationKind as K
from keqi.registry.services import qualification_upsert

pytestmark = pytest.mark.django_db
D = dt.date


def _records() -> None:
    renewed = make_enterprise()
    grant(renewed, K.HIGH_TECH, D(2016, 5, 1))
    grant(renewed, K.HIGH_TECH, D(2019, 5, 1))
    first = make_enterprise()
    grant(first, K.HIGH_TECH, D(2019, 3, 1))
    grant(make_enterprise(), K.HIGH_TECH, D(2019, 4, 1), revoked=D(2019, 7, 1))
    grant(make_enterprise(), K.HIGH_TECH, D(2019, 11, 1))
    for n in range(3):
        grant(make_enterprise(), K.TECH_SME, D(2019, 2 + n, 1))
    grant(make_enterprise(), K.TECH_SME, D(2018, 6, 1))
    two_platforms = make_enterprise()
    grant(two_platforms, K.KEY_LAB, D(2019, 6, 1))
    grant(two_platforms, K.TECH_CENTER, D(2019, 7, 1))
    city = make_enterprise()
    for level, day in (("省级（市级）", D(2019, 8, 1)), ("区级", D(2019, 8, 2))):
        qualification_upsert(
            enterprise=city,
            kind=K.TECH_CENTER,
            values={"granted_on": day, "level": level, "number": f"TC-{level}"},
            actor=None,
        )
    both = make_enterprise(joint_stock_on=D(2019, 4, 1))
    grant(both, K.JOINT_STOCK, D(2019, 4, 2))
    make_enterprise(joint_stock_on=D(2019, 9, 1))
    grant(make_enterprise(), K.JOINT_STOCK, D(2018, 12, 1))
    listed = make_enterprise()
    grant(listed, K.QUOTED, D(2019, 2, 1))
    grant(listed, K.LISTED, D(2019, 9, 1))
    # 知识产权管理体系认证 (贯标): three years each
    recertified = make_enterprise()
    grant(recertified, K.IP_MANAGEMENT, D(2016, 4, 1))  # expired 2019-03-31
    grant(recertified, K.IP_MANAGEMENT, D(2019, 4, 1))
    grant(make_enterprise(), K.IP_MANAGEMENT, D(2017, 8, 1))
    grant(make_enterprise(), K.IP_MANAGEMENT, D(2019, 5, 1), revoked=D(2019, 9, 1))


@pytest.mark.parametrize("key", sorted(METRICS))
def test_the_tally_equals_the_count_of_the_listed_records(key) -> None:  # type: ignore[no-untyped-def]
    _records()
    metric = METRICS[key]
    if metric.tally is None:
        pytest.skip("this metric is counted from its records")
    for day in (D(2019, 1, 1), D(2019, 6, 30), D(2019, 9, 30), D(2020, 3, 1)):
        rows = metric.evidence(2019, day)
        listed = (
            len({r.enterprise_id for r in rows}) if metric.per_enterprise else len(rows)
        )
        if metric.deliverable:  # 建立…库: established once anyone is listed
            listed = min(listed, 1)
        assert metric.tally(2019, day) == listed, (key, day)


def test_the_figures_on_a_day(db) -> None:  # type: ignore[no-untyped-def]
    _records()
    day = D(2019, 9, 30)
    counts = {key: METRICS[key].count(2019, day) for key in METRICS}
    assert counts["high_tech_first_in_year"] == 1  # renewed, revoked and November don't
    assert counts["high_tech_in_year"] == 2
    assert counts["tech_sme_in_year"] == 3
    assert counts["platforms_in_year"] == 4  # two labs/centres + two tech centres
    assert counts["city_tech_center_in_year"] == 1
    assert counts["joint_stock_in_year"] == 2  # one enterprise counted once
    assert counts["listing_in_year"] == 1
    assert counts["library_high_tech"] == 1  # three 高企 held on the day: established
    assert counts["library_tech_leading"] == 0  # nobody in it: not yet
    assert counts["ip_management_in_year"] == 1  # the revoked one does not count
    assert counts["ip_management_held"] == 2  # re-certified and the 2017 one


def test_a_library_target_lists_its_members_on_the_day(db) -> None:  # type: ignore[no-untyped-def]
    _records()
    metric = METRICS["library_tech_sme"]
    day = D(2019, 9, 30)
    rows = metric.evidence(2019, day)
    assert len({r.enterprise_id for r in rows}) == 3  # the 2018 entry has lapsed
    assert metric.count(2019, day) == 1
    assert metric.count(2019, D(2018, 1, 1)) == 0  # before anyone entered
    assert metric.records_url is not None
    assert metric.records_url(2019, day) == (
        "/cultivation/libraries/tech_sme/?on=2019-09-30"
    )
