"""Each district closes its own years and sees only its own settlement (issue 17).

Baodi and the second district (示范区) each pay one award in 2019. Baodi's
finance bureau closing 2019 freezes Baodi's 2019 only: 示范区 still pays, sets
ratios and budgets in 2019 and closes it later itself, and each snapshot holds
its own areas. Every role of one district reads its own settlement, statements,
ledger and budgets and nothing of the other's (another district's statement is a
404); the city reads both and closes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.test import Client

from keqi.accounts.models import Area, District, User
from keqi.accounts.tests.test_district_reach import shown_text
from keqi.accounts.tests.test_districts import firms, person  # noqa: F401
from keqi.funds.award_rules import award_rule_save
from keqi.funds.ledger import fund_budget_set, ledger_pay
from keqi.funds.models import Award, Fund, LedgerEntry, YearClose
from keqi.funds.settlement import settlement_ratio_set, year_close
from keqi.funds.tests.helpers import published
from keqi.funds.transfers import transfer_income_record
from keqi.registry.models import Enterprise

pytestmark = pytest.mark.django_db

M = Decimal
PAID = dt.date(2019, 12, 20)
# What only 示范区's money shows: its firm, its area, its amount (元).
SHIFAN_MARKS = ("示范河西乙", "示范河西镇", "987,654", "987654")
BAODI_MARKS = ("宝坻甲", "大口屯", "12,345", "12345")
BAODI_ROLES = ["hq", "leader", "member", "town_a", "auditor", "finance"]
SHIFAN_ROLES = ["sf_hq", "sf_town", "sf_finance"]


def sf_finance() -> User:
    from keqi.accounts.models import Role, Unit
    from keqi.accounts.services import user_create
    from keqi.core.testing import PASSWORD

    found = User.objects.filter(username="sf_finance").first()
    return found or user_create(
        username="sf_finance",
        password=PASSWORD,
        unit=Unit.objects.get(code="sf-czj"),
        role=Role.MEMBER,
        full_name="示范区财政局经办人",
    )


def who(name: str) -> User:
    return sf_finance() if name == "sf_finance" else person(name)


def client_for(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _paid_award(code: str, amount: Decimal, firm: Enterprise) -> Award:
    fund = Fund.objects.create(
        code=f"f-{code}",
        name=f"{code}科技资金",
        district=District.objects.get(code=code),
    )
    rule = award_rule_save(
        rule=None,
        values={
            "name": f"{code}科技型中小企业入库奖励",
            "award_type": "tech_sme",
            "fund": fund,
            "trigger_kind": "科技型中小企业",
            "trigger_level": "",
            "first_time_only": False,
            "amount": amount,
            "amount_source": "hq",
            "effective_from": dt.date(2019, 1, 1),
            "effective_to": None,
            "basis_document": "文件",
            "basis_article": "第一条",
            "basis_text": "条款",
        },
        actor=None,
    )
    from keqi.funds.awards import award_candidates_generate

    award_candidates_generate(year=2019, actor=None)
    award = published(Award.objects.get(rule=rule, enterprise=firm))
    ledger_pay(award=award, amount=amount, entry_date=PAID, actor=None)
    return award


@pytest.fixture
def money(firms: dict[str, Enterprise]) -> dict[str, Award]:  # noqa: F811
    made = {
        "baodi": _paid_award("baodi", M("12345.00"), firms["baodi"]),
        "shifan": _paid_award("shifan", M("987654.00"), firms["shifan"]),
    }
    for name, amount in (("finance", "12345.00"), ("sf_finance", "987654.00")):
        transfer_income_record(
            year=2019,
            level="city",
            title="市级科技企业奖补资金",
            received_on=dt.date(2019, 11, 1),
            amount=M(amount),
            actor=who(name),
        )
    return made


def test_closing_a_year_closes_it_for_the_own_district_only(
    money: dict[str, Award],
) -> None:
    closed = year_close(year=2019, actor=person("finance"))
    assert closed.district.code == "baodi"
    assert set(closed.snapshot["areas"]) == {"dakoutun"}
    assert closed.snapshot["total"] == "12345.00"
    baodi_fund, shifan_fund = (
        Fund.objects.get(code="f-baodi"),
        Fund.objects.get(code="f-shifan"),
    )
    # Baodi's 2019 is frozen, by the services and by the database
    with pytest.raises(ValidationError, match="已结算关账"):
        settlement_ratio_set(
            year=2019,
            area=Area.objects.get(code="dakoutun"),
            award_type="tech_sme",
            area_percent=M(30),
            actor=person("finance"),
        )
    with pytest.raises(ValidationError, match="已结算关账"):
        fund_budget_set(fund=baodi_fund, year=2019, amount=M(1), actor=None)
    baodi_entry = LedgerEntry.objects.get(award=money["baodi"])
    baodi_entry.pk = None
    with pytest.raises(DatabaseError), transaction.atomic():
        baodi_entry.save()
    # 示范区's 2019 stays open: ratio, budget, income, a ledger row all go in
    settlement_ratio_set(
        year=2019,
        area=Area.objects.get(code="sf-hexi"),
        award_type="tech_sme",
        area_percent=M(30),
        actor=sf_finance(),
    )
    fund_budget_set(fund=shifan_fund, year=2019, amount=M(2000000), actor=sf_finance())
    transfer_income_record(
        year=2019,
        level="city",
        title="市级科技资金",
        received_on=dt.date(2019, 12, 1),
        amount=M(1000),
        actor=sf_finance(),
    )
    shifan_entry = LedgerEntry.objects.get(award=money["shifan"])
    shifan_entry.pk = None
    shifan_entry.save()  # the database lets 示范区 record in its open year
    # and 示范区 closes its own 2019 later, with its own areas only
    theirs = year_close(year=2019, actor=person("sf_hq"))
    assert theirs.district.code == "shifan"
    assert set(theirs.snapshot["areas"]) == {"sf-hexi"}
    assert YearClose.objects.filter(year=2019).count() == 2
    with pytest.raises(ValidationError, match="已结算关账"):
        year_close(year=2019, actor=sf_finance())


@pytest.mark.parametrize(
    ("name", "district"),
    [("finance", "shifan"), ("hq", "shifan"), ("sf_hq", "baodi")],
)
def test_a_district_cannot_close_or_change_the_other_districts_year(
    money: dict[str, Award], name: str, district: str
) -> None:
    actor = who(name)
    other = District.objects.get(code=district)
    with pytest.raises(PermissionDenied):
        year_close(year=2019, actor=actor, district=other)
    area = other.areas.order_by("pk").first()
    assert area is not None
    with pytest.raises(PermissionDenied):
        settlement_ratio_set(
            year=2019, area=area, award_type="tech_sme", area_percent=M(1), actor=actor
        )
    with pytest.raises(PermissionDenied):
        ledger_pay(award=money[district], amount=M(1), entry_date=PAID, actor=actor)
    assert not YearClose.objects.exists()


def test_the_close_button_closes_the_users_district_and_the_city_cannot_close(
    money: dict[str, Award],
) -> None:
    city = client_for(person("city"))
    for district in ("", "baodi", "shifan"):
        got = city.post(
            "/funds/settlement/close/", {"year": 2019, "district": district}
        )
        assert got.status_code == 403
    with pytest.raises(PermissionDenied):
        year_close(year=2019, actor=person("city"))
    # a Baodi officer naming 示范区 gets a 404, and nothing is closed
    hq = client_for(person("hq"))
    got = hq.post("/funds/settlement/close/", {"year": 2019, "district": "shifan"})
    assert got.status_code == 404
    assert not YearClose.objects.exists()
    hq.post("/funds/settlement/close/", {"year": 2019})
    assert list(YearClose.objects.values_list("district__code", "year")) == [
        ("baodi", 2019)
    ]
    page = client_for(person("sf_hq")).get("/funds/settlement/?year=2019")
    assert "未关账" in page.content.decode()  # 示范区's own 2019 is still open
    assert "2019年度结算关账" in page.content.decode()  # and it may close it


def _leaks(c: Client, urls: list[str], marks: tuple[str, ...]) -> list[str]:
    found = []
    for url in urls:
        response = c.get(url)
        assert response.status_code < 500, url
        if response.status_code == 200:
            text = shown_text(response)
            found += [f"{url}: {m}" for m in marks if m in text]
    return found


def _money_pages(area: str) -> list[str]:
    return [
        "/funds/settlement/?year=2019",
        "/funds/ledger/?year=2019",
        "/funds/ledger/?year=all",
        "/funds/ledger/export.xlsx?year=2019",
        "/funds/budgets/?year=2019",
        "/funds/awards/",
        "/funds/notices/",
        "/funds/transfers/",
        "/funds/transfers/?year=2019",
        f"/funds/settlement/2019/{area}/",
    ]


@pytest.mark.parametrize("name", BAODI_ROLES)
def test_baodi_roles_see_their_settlement_and_nothing_of_shifan(
    money: dict[str, Award], name: str
) -> None:
    year_close(year=2019, actor=person("sf_hq"))  # 示范区 closed; Baodi did not
    c = client_for(who(name))
    own = "dakoutun"
    assert _leaks(c, _money_pages(own), SHIFAN_MARKS) == []
    page = c.get("/funds/settlement/?year=2019").content.decode()
    assert "未关账" in page  # 示范区's close is not Baodi's
    assert "12,345" in c.get(f"/funds/settlement/2019/{own}/").content.decode()
    transfers = c.get("/funds/transfers/?year=2019")
    if transfers.status_code == 200:  # the year's income is Baodi's alone
        text = transfers.content.decode()
        assert "市级 12,345.00 元；合计 <strong>12,345.00</strong>" in text
    for url in (
        "/funds/settlement/2019/sf-hexi/",
        "/funds/settlement/2019/sf-hexi/statement.xlsx",
        "/funds/settlement/2019/sf-hexi/statement.docx",
        "/funds/settlement/?year=2019&district=shifan",
        "/funds/ledger/?year=2019&area=sf-hexi",
        f"/funds/awards/{money['shifan'].pk}/",
    ):
        assert c.get(url).status_code == 404, url


@pytest.mark.parametrize("name", SHIFAN_ROLES)
def test_shifan_roles_see_their_settlement_and_nothing_of_baodi(
    money: dict[str, Award], name: str
) -> None:
    year_close(year=2019, actor=person("finance"))  # Baodi closed; 示范区 did not
    c = client_for(who(name))
    assert _leaks(c, _money_pages("sf-hexi"), BAODI_MARKS) == []
    page = c.get("/funds/settlement/?year=2019").content.decode()
    assert "示范区" in page and "未关账" in page
    assert "987,654" in c.get("/funds/settlement/2019/sf-hexi/").content.decode()
    for url in (
        "/funds/settlement/2019/dakoutun/",
        "/funds/settlement/2019/dakoutun/statement.xlsx",
        "/funds/settlement/?year=2019&district=baodi",
        f"/funds/awards/{money['baodi'].pk}/",
    ):
        assert c.get(url).status_code == 404, url


def test_the_city_reads_each_districts_settlement_and_its_close(
    money: dict[str, Award],
) -> None:
    year_close(year=2019, actor=person("finance"))
    c = client_for(person("city"))
    baodi = c.get("/funds/settlement/?year=2019&district=baodi").content.decode()
    shifan = c.get("/funds/settlement/?year=2019&district=shifan").content.decode()
    assert "12,345" in baodi and "987,654" not in baodi and "已结算关账" in baodi
    assert "987,654" in shifan and "12,345" not in shifan and "未关账" in shifan
    assert "结算关账</button>" not in baodi + shifan  # read-only
    for area in ("dakoutun", "sf-hexi"):
        assert c.get(f"/funds/settlement/2019/{area}/").status_code == 200
    assert c.get("/funds/settlement/?year=2019&district=mars").status_code == 404


def test_budget_history_shows_the_own_districts_budgets_only(
    money: dict[str, Award],
) -> None:
    fund_budget_set(
        fund=Fund.objects.get(code="f-shifan"),
        year=2019,
        amount=M("987654321.00"),
        actor=sf_finance(),
    )
    page = client_for(person("hq")).get("/funds/budgets/?year=2019").content.decode()
    assert "987654321" not in page and "987,654,321" not in page
    assert "示范区财政局经办人" not in page
