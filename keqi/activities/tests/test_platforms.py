"""The platform page: a view over registry qualifications, counted like the campaign."""

from __future__ import annotations

import datetime as dt

import pytest

from keqi.activities.platforms import PlatformFilter, platform_list_for
from keqi.activities.tests.helpers import client_for
from keqi.campaign.metrics import METRICS
from keqi.campaign.tests.helpers import baodi_plan, grant

pytestmark = pytest.mark.django_db
SEPT_30 = dt.date(2019, 9, 30)


def _platforms() -> None:
    grant("重点实验室", dt.date(2019, 3, 5), number="SYS-01", level="省级（市级）")
    grant("企业技术中心", dt.date(2019, 6, 1), number="JS-01", level="国家级")
    grant("工程研究中心", dt.date(2019, 8, 8), area="koudong", number="GC-01")
    grant("企业技术中心", dt.date(2018, 6, 1), number="JS-00")  # an earlier year
    grant("技术创新中心", dt.date(2019, 11, 1), number="CX-01")  # after the day
    grant(
        "重点实验室",
        dt.date(2019, 2, 1),
        number="SYS-02",
        revoked_on=dt.date(2019, 9, 1),
    )
    grant("高新技术企业", dt.date(2019, 5, 1), number="GR2019")  # not a platform


def test_the_platform_count_is_the_campaign_metrics_list(hq) -> None:  # type: ignore[no-untyped-def]
    _platforms()
    rows = platform_list_for(hq, PlatformFilter(year=2019, as_of=SEPT_30))
    metric = METRICS["platforms_in_year"]
    assert sorted(q.number for q in rows) == sorted(
        e.number for e in metric.evidence(2019, SEPT_30)
    )
    assert len(rows) == metric.count(2019, SEPT_30) == 3


def test_the_page_shows_the_count_toward_the_plans_eight(hq) -> None:  # type: ignore[no-untyped-def]
    baodi_plan()
    _platforms()
    page = client_for(hq).get("/activities/platforms/?year=2019&as_of=2019-09-30")
    text = page.content.decode()
    assert "<strong>3</strong>个，方案目标 8 个" in text
    assert "SYS-01" in text and "JS-00" not in text and "GR2019" not in text


def test_filters_by_kind_level_area_and_every_year(hq) -> None:  # type: ignore[no-untyped-def]
    _platforms()
    every = platform_list_for(hq, PlatformFilter(as_of=SEPT_30))
    assert {q.number for q in every} >= {"JS-00", "SYS-02", "CX-01"}
    by_kind = platform_list_for(hq, PlatformFilter(kind="企业技术中心"))
    assert {q.number for q in by_kind} == {"JS-01", "JS-00"}
    by_level = platform_list_for(hq, PlatformFilter(level="国家级"))
    assert [q.number for q in by_level] == ["JS-01"]
    text = client_for(hq).get("/activities/platforms/?year=").content.decode()
    assert "JS-00" in text and "已撤销" in text


def test_a_town_sees_only_its_platforms_and_404s_on_another_area(town_a) -> None:  # type: ignore[no-untyped-def]
    _platforms()
    client = client_for(town_a)
    text = client.get("/activities/platforms/?year=2019&as_of=2019-09-30")
    body = text.content.decode()
    assert "SYS-01" in body and "GC-01" not in body
    assert "您的权限范围内可查看 2 个" in body
    from keqi.accounts.models import Area

    koudong = Area.objects.get(code="koudong")
    assert client.get(f"/activities/platforms/?area={koudong.pk}").status_code == 404
    export = client.get("/activities/platforms/?year=2019&as_of=2019-09-30&format=xlsx")
    assert export.status_code == 200


def test_the_list_is_paged_with_its_whole_count(hq, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from keqi.core import paging

    monkeypatch.setattr(paging, "PAGE_SIZE", 2)
    _platforms()
    client = client_for(hq)
    total = len(platform_list_for(hq, PlatformFilter()))
    assert total > 2
    first = client.get("/activities/platforms/?year=").content.decode()
    assert f"共 <strong>{total}</strong> 个" in first
    assert f"第 1 / {(total + 1) // 2} 页，共 {total} 条" in first
    assert first.count('<span class="badge') == 2
