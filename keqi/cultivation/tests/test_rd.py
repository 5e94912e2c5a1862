from __future__ import annotations

from decimal import Decimal

import pytest

from keqi.accounts.models import Area
from keqi.core.testing import add_figures, make_enterprise
from keqi.cultivation.rd import percent, rd_enterprises, rd_report

pytestmark = pytest.mark.django_db
M = Decimal


@pytest.mark.parametrize(
    ("num", "den", "expected"),
    [
        (M("1"), M("3"), M("33.33")),
        (M("2"), M("3"), M("66.67")),
        (M("1"), M("8"), M("12.50")),
        (M("0.00005"), M("1"), M("0.01")),  # 0.005% rounds half up
        (M("0.0000499999"), M("1"), M("0.00")),
        (M("-1"), M("8"), M("-12.50")),
        (M("1"), M("0"), None),
    ],
)
def test_percent_is_exact_and_rounds_half_up(num, den, expected) -> None:
    assert percent(num, den) == expected


@pytest.fixture
def firms(db) -> None:  # type: ignore[no-untyped-def]
    a = make_enterprise("dakoutun", name="甲", key_industry="人工智能")
    add_figures(a, 2018, rd_expense=M("100"), sales_revenue=M("2000"))
    add_figures(a, 2019, rd_expense=M("80"), sales_revenue=M("2000"))
    b = make_enterprise("dakoutun", name="乙", key_industry="生物医药")
    add_figures(b, 2018, rd_expense=M("10"), sales_revenue=M("500"))
    add_figures(b, 2019, rd_expense=M("50"), sales_revenue=M("40"))
    c = make_enterprise("koudong", name="丙", key_industry="人工智能")
    add_figures(c, 2019, rd_expense=M("0"), sales_revenue=M("300"))
    d = make_enterprise("koudong", name="丁")
    add_figures(d, 2019, rd_expense=None, sales_revenue=M("1000"))
    add_figures(d, 2018, rd_expense=M("5"))
    e = make_enterprise("koudong", name="戊")
    add_figures(e, 2019, rd_expense=M("7"), rd_domestic=M("9"))


def names(user, show: str, area=None, industry: str = "") -> list[str]:  # type: ignore[no-untyped-def]
    rows = rd_enterprises(user, 2019, area, industry, show)
    return [r.enterprise.name for r in rows]


def test_totals_intensity_share_and_yoy_for_the_district(firms, hq) -> None:
    t = rd_report(hq, 2019).total
    assert t.reporting == 4
    assert set(names(hq, "reporting")) == {"丙", "乙", "甲", "戊"}
    assert t.rd_total == M("137")
    # both known and sales > 0: 甲 80/2000, 乙 50/40, 丙 0/300 → 130/2340
    assert t.intensity_pct == M("5.56")
    assert t.share_pct == M("75.00")  # 3 of 4 reporting have R&D > 0
    assert t.yoy == (M("110"), M("130"), M("18.18"))  # 甲 and 乙 reported both years
    assert names(hq, "fell") == ["甲"] and t.fell == 1
    assert len(names(hq, "both")) == t.both == 2


def test_blank_rd_is_unknown_not_zero(firms, hq) -> None:
    koudong = Area.objects.get(code="koudong").pk
    t = rd_report(hq, 2019, koudong).total
    assert set(names(hq, "reporting", koudong)) == {"丙", "戊"} and t.reporting == 2
    assert t.share_pct == M("50.00")
    assert t.yoy == (M("0"), M("0"), None)  # 丁 left 2019 blank: no basis


def test_variance_flags_say_which_rule_fired(firms, hq) -> None:
    rows = rd_enterprises(hq, 2019, None, "", "flagged")
    flags = {r.enterprise.name: r.flags for r in rows}
    assert flags == {"乙": ("jump", "above_sales"), "戊": ("domestic",)}
    assert rd_report(hq, 2019).total.flagged == len(rows) == 2


def test_groups_by_area_and_by_industry_add_up_to_the_total(firms, hq) -> None:
    report = rd_report(hq, 2019)
    assert [(g.label, g.rd_total) for g in report.areas] == [
        ("大口屯镇", M("130")),
        ("口东镇", M("7")),
    ]
    assert {g.label: g.rd_total for g in report.industries} == {
        "人工智能": M("80"),
        "生物医药": M("50"),
        "未填": M("7"),
    }
    assert sum(g.rd_total for g in report.industries) == report.total.rd_total
    for name in ("reporting", "with_rd", "basis", "both", "fell", "flagged"):
        total = getattr(report.total, name)
        assert sum(getattr(g, name) for g in report.areas) == total


def test_industry_filter_and_town_scope(firms, town_b) -> None:
    assert set(names(town_b, "all")) == {"丙", "丁", "戊"}
    assert names(town_b, "all", industry="人工智能") == ["丙"]
    assert names(town_b, "all", industry="未填") == ["丁", "戊"]
    assert rd_report(town_b, 2019).total.present == 3
