"""`keqi demo`: the demo accounts, the generated enterprises and their stories."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from keqi.accounts.models import Role, Unit, User
from keqi.cli import main
from keqi.core.demo.accounts import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    demo_accounts_ensure,
)
from keqi.core.demo.generator import CONFIG, DemoEnterprise, build_dataset
from keqi.core.demo.load import demo_load
from keqi.core.demo.second_district import second_district_init
from keqi.core.models import AuditEvent
from keqi.core.testing import load_baodi
from keqi.core.uscc import check_uscc
from keqi.registry.models import AnnualFigures, Enterprise, Qualification
from keqi.registry.validity import derive_valid_until
from keqi.rules import (
    CreditFact,
    EnterpriseFacts,
    IPItem,
    QualificationFact,
    YearFigures,
    evaluate_programme,
)
from keqi.rules.programmes import builtin_programmes

README = Path(__file__).resolve().parents[3] / "README.md"
SMALL = CONFIG.scaled(120)
TINY = CONFIG.scaled(50)


@cache
def full_dataset() -> tuple[DemoEnterprise, ...]:
    return tuple(build_dataset(CONFIG))


def of_story(story: str) -> list[DemoEnterprise]:
    return [e for e in full_dataset() if e.story == story]


def last_year(ent: DemoEnterprise) -> dict[str, object]:
    return ent.figures[2018]


# -- the database side --------------------------------------------------------


@pytest.fixture(autouse=True)
def fast_hasher(settings):  # type: ignore[no-untyped-def]
    """Seven demo logins with the production hasher would take seconds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def district(db):  # type: ignore[no-untyped-def]
    load_baodi()
    second_district_init()  # the second, invented district and the city unit


def test_demo_command_creates_accounts_that_log_in_with_the_printed_password(
    district, client, capsys
):  # type: ignore[no-untyped-def]
    assert main(["demo", "--enterprises", "50"]) == 0
    printed = capsys.readouterr().out
    assert DEMO_PASSWORD in printed
    for account in DEMO_ACCOUNTS:
        assert account.username in printed
        assert client.login(username=account.username, password=DEMO_PASSWORD)
        client.logout()
    assert "领导，只读全区" in printed and "审计，只读全区" in printed
    assert "只读），只读" not in printed


def test_the_second_districts_plan_item_pages_show_its_own_rows(
    district, client, settings
):  # type: ignore[no-untyped-def]
    settings.KEQI_BUSINESS_DATE = dt.date(2019, 9, 30)
    assert main(["demo", "--enterprises", "50"]) == 0
    assert client.login(username="sfhq", password=DEMO_PASSWORD)
    own = {  # each page of the plan items shows 示范区's rows, none of Baodi's
        "/campaign/hq-members/": ("钱进", "刘振华"),
        "/campaign/work-plans/": ("梳理高新技术企业后备库", "分三期组织"),
        "/partners/plan/carriers/": ("示范高新园创新创业中心", "宝坻区科技企业孵化器"),
        "/partners/plan/settlements/": ("示范高新园创新创业中心", "科技企业加速器"),
        "/partners/plan/stations/": ("示范区驻杭州招商工作站", "驻深圳招商工作站"),
        "/funds/transfers/?year=2019": ("示范区，演示", "中央引导地方科技发展资金"),
        "/products/products/?year=2019": ("示范牌精密减速器", "高精度伺服控制器"),
        "/products/transformations/?year=2019": ("示范", "宝坻"),
        "/activities/list/?year=2019": ("青年企业家创新训练营", "科技型企业家"),
    }
    for url, (mine, baodis) in own.items():
        text = client.get(url).content.decode()
        assert mine in text, url
        assert baodis not in text, url


def test_demo_load_spreads_enterprises_over_twenty_areas_each_with_its_years(
    district,
):  # type: ignore[no-untyped-def]
    summary = demo_load(build_dataset(SMALL))
    assert Enterprise.objects.count() == 120
    assert summary.counts[("enterprise", "created")] == 120
    assert Enterprise.objects.values("area").distinct().count() >= 20
    for ent in Enterprise.objects.all():
        years = set(ent.figures.values_list("year", flat=True))
        expected = {y for y in (2016, 2017, 2018) if y >= ent.founded_on.year}
        assert years == expected, ent.name
    three = Enterprise.objects.filter(founded_on__year__lte=2016).count()
    assert three >= 100


def test_second_demo_load_changes_nothing(district):  # type: ignore[no-untyped-def]
    demo_load(build_dataset(TINY))
    events = AuditEvent.objects.count()
    rows = (AnnualFigures.objects.count(), Qualification.objects.count())
    again = demo_load(build_dataset(TINY))
    assert again.total("created") == again.total("updated") == 0
    assert AuditEvent.objects.count() == events
    assert (AnnualFigures.objects.count(), Qualification.objects.count()) == rows


def test_every_demo_row_is_audited_as_made_by_the_system(
    district,
):  # type: ignore[no-untyped-def]
    demo_load(build_dataset(TINY))
    ent = Enterprise.objects.order_by("id").first()
    assert ent is not None
    history = AuditEvent.objects.filter(subject=ent.subject)
    assert history.filter(action="enterprise.create", actor=None).exists()
    assert history.filter(action="figures.create").count() == ent.figures.count()
    assert not history.exclude(reason__startswith="演示数据").exists()


def test_demo_refuses_politely_when_init_has_not_loaded_the_district(db, capsys):  # type: ignore[no-untyped-def]
    assert main(["demo", "--enterprises", "60"]) == 1
    assert "keqi init" in capsys.readouterr().out
    assert not Enterprise.objects.exists()
    assert not User.objects.exists()


def test_an_existing_demo_login_keeps_its_password(
    district,
):  # type: ignore[no-untyped-def]
    demo_accounts_ensure()
    hq = User.objects.get(username="hq")
    hq.set_password("changed-by-the-admin")
    hq.save()
    again = demo_accounts_ensure()
    hq.refresh_from_db()
    assert not any(created for _, created in again)
    assert hq.check_password("changed-by-the-admin")


# -- README and the accounts ------------------------------------------------

ROLE_WORDS = {
    "指挥部管理员": Role.HQ_ADMIN,
    "领导": Role.LEADER,
    "街镇工作人员": Role.AREA_STAFF,
    "园区工作人员": Role.AREA_STAFF,
    "成员单位": Role.MEMBER,
    "审计": Role.AUDITOR,
    "市级": Role.CITY,
    "系统管理员": Role.SYS_ADMIN,
    "安全管理员": Role.SEC_ADMIN,
    "安全审计员": Role.AUDIT_ADMIN,
}


def readme_accounts() -> list[tuple[str, str, str, str]]:
    """(username, unit, role word, what it sees) from README's account table."""
    rows = re.findall(
        r"^\| `([a-z]+)` \| ([^|]+) \| ([^|，]+)，([^|]+) \|$",
        README.read_text(encoding="utf-8"),
        flags=re.MULTILINE,
    )
    return [tuple(cell.strip() for cell in row) for row in rows]  # type: ignore[misc]


def test_readme_lists_exactly_the_demo_accounts(
    district,
):  # type: ignore[no-untyped-def]
    listed = readme_accounts()
    assert [r[0] for r in listed] == [a.username for a in DEMO_ACCOUNTS]
    for (_, unit_text, role_word, sees), account in zip(
        listed, DEMO_ACCOUNTS, strict=True
    ):
        assert Unit.objects.get(code=account.unit_code).short_name in unit_text
        assert ROLE_WORDS[role_word] == account.role
        assert sees == account.sees


def test_readme_states_the_demo_password() -> None:
    assert f"`{DEMO_PASSWORD}`" in README.read_text(encoding="utf-8")


# -- the data set itself (no database) ----------------------------------------


def test_the_data_set_is_the_same_every_time() -> None:
    again = build_dataset(CONFIG)
    assert [(e.uscc, e.name, e.figures) for e in again] == [
        (e.uscc, e.name, e.figures) for e in full_dataset()
    ]


def test_names_and_codes_are_unique_and_codes_valid() -> None:
    data = full_dataset()
    assert len({e.name for e in data}) == len({e.uscc for e in data}) == len(data)
    for ent in data:
        assert check_uscc(ent.uscc).ok and not check_uscc(ent.uscc).warning
        assert ent.uscc[:8] in CONFIG.uscc_prefixes


def test_amounts_are_exact_decimals_with_two_to_four_places() -> None:
    places = Counter()
    for ent in full_dataset():
        for values in ent.figures.values():
            for name, value in values.items():
                assert not isinstance(value, float), name
                if isinstance(value, Decimal):
                    places[-value.as_tuple().exponent] += 1  # type: ignore[operator]
    assert set(places) == {2, 4}


def test_yearly_figures_are_internally_consistent() -> None:
    for ent in full_dataset():
        for f in ent.figures.values():
            assert f["tech_staff"] is None or f["tech_staff"] <= f["staff_total"]
            if f["rd_staff"] is not None and f["tech_staff"] is not None:
                assert f["rd_staff"] <= f["tech_staff"]
            assert f["rd_domestic"] <= f["rd_expense"] <= f["sales_revenue"]
            assert f["sales_revenue"] <= f["total_revenue"]
            assert f["profit_total"] == f["total_revenue"] - f["total_cost"]
            if f["high_tech_revenue"] is not None:
                assert f["high_tech_revenue"] <= f["total_revenue"]
            if f["net_assets"] is not None:
                assert f["net_assets"] <= f["total_assets"]


def test_growth_is_mostly_modest_and_some_values_are_unknown() -> None:
    modest = total = blanks = 0
    for ent in full_dataset():
        if len(ent.figures) == 3:
            before, now = ent.figures[2017], ent.figures[2018]
            growth = now["sales_revenue"] / before["sales_revenue"] - 1
            modest += Decimal("-0.15") <= growth <= Decimal("0.35")
            total += 1
        blanks += sum(v is None for f in ent.figures.values() for v in f.values())
    assert modest >= total * 9 // 10
    assert blanks > 50


def test_nothing_is_dated_after_the_demo_today() -> None:
    for ent in full_dataset():
        dates = [v["granted_on"] for v in ent.ip.values()]
        dates += [v["granted_on"] for _, v in ent.qualifications]
        dates += [day for _, day, _ in ent.credits]
        assert all(day <= CONFIG.as_of for day in dates), ent.name


def valid_high_tech(ent: DemoEnterprise, day: dt.date) -> list[dt.date]:
    ends = [
        derive_valid_until("高新技术企业", v["granted_on"])
        for k, v in ent.qualifications
        if k == "高新技术企业"
    ]
    return [end for end in ends if end is not None and end >= day]


def test_about_forty_valid_high_tech_some_expiring_this_year() -> None:
    holders = [e for e in full_dataset() if valid_high_tech(e, CONFIG.as_of)]
    assert 36 <= len(holders) <= 44
    expiring = [
        e for e in holders if min(valid_high_tech(e, CONFIG.as_of)).year == 2019
    ]
    assert len(expiring) >= 8
    lapsed = of_story("high_tech_lapsed")
    assert lapsed and not any(valid_high_tech(e, CONFIG.as_of) for e in lapsed)


def test_campaign_year_has_new_titles_to_count() -> None:
    def granted_2019(kind: str) -> int:
        return sum(
            1
            for e in full_dataset()
            for k, v in e.qualifications
            if k == kind and v["granted_on"].year == 2019
        )

    assert granted_2019("科技型中小企业") >= 80
    assert granted_2019("高新技术企业") >= 5
    assert granted_2019("企业技术中心") >= 2
    assert granted_2019("股份制改造") >= 2


def facts_of(ent: DemoEnterprise) -> EnterpriseFacts:
    """The engine's view of a demo enterprise (as the registry would give it)."""
    return EnterpriseFacts(
        uscc=ent.uscc,
        name=ent.name,
        founded_on=ent.values["founded_on"],
        registered_in_tianjin=True,
        restricted_products=ent.values["restricted_products"],
        years={y: YearFigures(**f) for y, f in ent.figures.items()},
        ip=tuple(
            IPItem(
                number=n,
                category=v["category"],
                granted_on=v["granted_on"],
                acquisition=v["acquisition"],
                status=v["status"],
                related_to_main=v["related_to_main"],
            )
            for n, v in ent.ip.items()
        ),
        qualifications=tuple(
            QualificationFact(
                kind=k,
                level=v.get("level") or None,
                number=v.get("number"),
                granted_on=v["granted_on"],
                rank=v.get("rank"),
            )
            for k, v in ent.qualifications
        ),
        credit_records=tuple(CreditFact(k, day) for k, day, _ in ent.credits),
    )


def tech_sme_2019(ent: DemoEnterprise):  # type: ignore[no-untyped-def]
    programme = builtin_programmes()["tech_sme"]
    return evaluate_programme(facts_of(ent), programme, as_of=CONFIG.as_of)


def test_near_misses_score_56_or_58_for_tech_sme() -> None:
    near = of_story("near_tech_sme")
    assert len(near) >= 10
    for ent in near:
        result = tech_sme_2019(ent)
        assert result.outcome.value == "ineligible"
        assert result.score in (56, 58), ent.name


def test_registered_tech_smes_of_2019_are_eligible_on_their_2018_figures() -> None:
    for ent in of_story("tech_sme"):
        if ent.holds("科技型中小企业", 2019):
            assert tech_sme_2019(ent).outcome.value == "eligible", ent.name


def test_staff_near_misses_have_nine_point_something_percent_tech_staff() -> None:
    near = of_story("near_staff")
    assert near
    for ent in near:
        f = last_year(ent)
        ratio = Decimal(f["tech_staff"]) / Decimal(f["staff_total"])  # type: ignore[arg-type]
        assert Decimal("0.09") <= ratio < Decimal("0.10")
        assert tech_sme_2019(ent).outcome.value == "ineligible"


def test_rd_near_misses_fall_just_short_of_the_high_tech_band() -> None:
    near = of_story("near_high_tech_rd")
    assert near
    for ent in near:
        f = last_year(ent)
        assert f["sales_revenue"] < 5000  # type: ignore[operator]
        ratio = f["rd_expense"] / f["sales_revenue"]  # type: ignore[operator]
        assert Decimal("0.044") <= ratio < Decimal("0.05")


def test_data_problems_show_a_suspicious_rd_jump() -> None:
    for ent in of_story("data_problem"):
        jump = ent.figures[2018]["rd_expense"] / ent.figures[2017]["rd_expense"]
        assert jump >= 4


def test_every_area_and_story_is_present_in_the_full_data_set() -> None:
    data = full_dataset()
    areas = Counter(e.area for e in data)
    assert len(areas) == len(CONFIG.area_weights)
    assert areas["bdkfq"] > areas["zgc"] > max(areas["haibin"], areas["dakoutun"])
    assert {e.story for e in data} == set(CONFIG.stories) | {"ordinary"}
    assert sum(len(e.credits) for e in data) == CONFIG.credit_records


def test_make_demo_serves_without_debug_so_errors_show_the_chinese_pages() -> None:
    makefile = (Path(__file__).resolve().parents[3] / "Makefile").read_text()
    serve = next(line for line in makefile.splitlines() if "keqi serve" in line)
    assert "KEQI_DEBUG=0" in serve and "KEQI_DEBUG=1" not in serve
    assert "KEQI_SECURE_COOKIES=0" in serve  # the demo runs on plain http
