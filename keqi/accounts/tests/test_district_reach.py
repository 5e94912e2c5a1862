"""Every page, download and API list keeps a district's rows to itself (issue 17).

One record of every kind is made in the second district (示范区（虚构）), each
carrying the word 越界 or belonging to its enterprise 示范河西乙. A Baodi HQ
officer, leader, member unit and auditor then walk every page the URL conf has
without arguments, every partners / products list and download, and every API
list: the word never shows, and the record's own page is a 404. The city reads
both districts. The URL list comes from the URL conf, so a new page is walked
without this file changing.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db.models import Model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from keqi.accounts.models import Area, District, Unit, User
from keqi.accounts.tests.test_districts import firms, person  # noqa: F401
from keqi.activities.models import Activity, TalentIntroduction, TraineeReport
from keqi.api.services import api_token_create
from keqi.campaign.metrics import METRICS
from keqi.campaign.models import (
    Decision,
    HqMember,
    Meeting,
    MeetingAttendance,
    Plan,
    UnitWorkTask,
)
from keqi.campaign.planfile import plan_file_read
from keqi.campaign.services import plan_load
from keqi.cultivation.libraries import LIBRARY_BY_KEY
from keqi.cultivation.reserve import RESERVE_BY_KEY
from keqi.funds.models import AwardRule, Fund
from keqi.funds.models_transfer import TransferIncome
from keqi.partners.models import (
    CooperationProject,
    Event,
    FinanceRecord,
    Institution,
    Lead,
    ServiceEntry,
    Trademark,
)
from keqi.partners.models_plan import (
    Alliance,
    Carrier,
    CarrierSettlement,
    CivMilProject,
    OverseasStation,
    StandardWork,
)
from keqi.partners.sheets import SHEETS
from keqi.partners.sheets_plan import PLAN_SHEETS
from keqi.products.models import Product, Transformation
from keqi.products.sheets import SHEETS as PRODUCT_SHEETS
from keqi.registry.models import Enterprise

pytestmark = pytest.mark.django_db

MARKS = ("越界", "示范河西乙", "示范河西镇", "987654", "987,654")
DISTRICT_WIDE = ["hq", "leader", "member", "auditor"]
# Pages that are not lists of district data, or that act rather than show.
SKIP = {"logout", "healthz", "api:schema", "api:not_found", "api:docs"}
DAY = dt.date(2024, 5, 6)


def _first(model: Any, field: str) -> Any:
    return model._meta.get_field(field).choices[0][0]


def make_other_district_rows(firm: Enterprise) -> dict[str, Model]:
    """One row of every partners / activities / products kind in 示范区."""
    unit = Unit.objects.get(code="sf-hq")
    area = Area.objects.get(code="sf-hexi")
    made: dict[str, Model] = {"Enterprise": firm}

    def make(model: Any, **values: Any) -> Any:
        for field in ("kind", "topic", "source", "level", "stage", "direction"):
            try:
                f = model._meta.get_field(field)
            except Exception:  # noqa: BLE001 — the model has no such field
                continue
            if f.choices and field not in values:
                values[field] = _first(model, field)
        row = model.objects.create(**values)
        made[model.__name__] = row
        return row

    event = make(Event, name="越界招商会", held_on=DAY, unit=unit)
    event.participants.add(firm)
    make(Lead, company="越界线索公司", contacted_on=DAY, unit=unit, area=area)
    institution = Institution.objects.create(
        name="示范区合作大学", kind=_first(Institution, "kind")
    )
    project = make(
        CooperationProject,
        title="越界合作项目",
        institution=institution,
        unit=unit,
        started_on=DAY,
        amount=Decimal(10),
    )
    project.enterprises.add(firm)
    make(
        FinanceRecord,
        enterprise=firm,
        provider="越界银行",
        amount=Decimal(100),
        on=DAY,
        unit=unit,
    )
    make(
        Trademark,
        enterprise=firm,
        number="YJ0001",
        nice_class=9,
        registered_on=DAY,
        unit=unit,
    )
    make(
        ServiceEntry,
        enterprise=firm,
        unit=unit,
        person="越界专员",
        on=DAY,
        asked="越界诉求",
    )
    alliance = make(Alliance, name="越界联盟", founded_on=DAY, unit=unit)
    alliance.enterprises.add(firm)
    carrier = make(Carrier, name="越界载体", area=area, unit=unit)
    make(CarrierSettlement, carrier=carrier, enterprise=firm, settled_on=DAY, unit=unit)
    make(
        OverseasStation,
        name="越界工作站",
        region="越界驻在地",
        opened_on=DAY,
        carrier=carrier,
        unit=unit,
    )
    make(
        StandardWork,
        title="越界标准",
        lead_enterprise=firm,
        started_on=DAY,
        unit=unit,
    )
    make(
        CivMilProject,
        title="越界军民项目",
        started_on=DAY,
        amount=Decimal(5),
        unit=unit,
    )
    make(
        Activity,
        code="YJ-2024-1",
        title="越界培训",
        held_on=DAY,
        organiser=unit,
    )
    make(
        Product,
        enterprise=firm,
        name="越界产品",
        recognised_by="越界认定机构",
        recognised_on=DAY,
    )
    make(
        Transformation,
        enterprise=firm,
        year=DAY.year,
        completed_on=DAY,
        description="越界转化",
    )
    plans = Path(settings.BASE_DIR) / "plans"
    for name in ("baodi-2019", "shifan-2019"):
        plan_load(
            spec=plan_file_read(plans / f"{name}.yaml", known_metrics=METRICS),
            actor=None,
        )
    plan = Plan.objects.get(office_unit__district__code="shifan")
    meeting = make(Meeting, plan=plan, month=DAY.replace(day=1), held_on=DAY)
    MeetingAttendance.objects.create(
        meeting=meeting, unit=unit, present=True, attendee="越界参会人"
    )
    make(
        Decision, meeting=meeting, number=1, text="越界议定事项", owner=unit, due_on=DAY
    )
    make(HqMember, plan=plan, unit=unit, name="越界成员")
    make(
        UnitWorkTask,
        plan=plan,
        unit=unit,
        title="越界任务",
        person="越界责任人",
        starts_on=DAY,
        due_on=DAY,
    )
    make(TraineeReport, unit=unit, month=DAY.replace(day=1), cumulative=987654)
    make(
        TalentIntroduction,
        enterprise=firm,
        introduced_on=DAY,
        people=3,
        category=_first(TalentIntroduction, "category"),
        unit=unit,
        note="越界引进",
    )
    fund = make(
        Fund,
        code="yuejie",
        name="越界资金",
        district=District.objects.get(code="shifan"),
    )
    make(
        AwardRule,
        name="越界奖励",
        award_type=_first(AwardRule, "award_type"),
        fund=fund,
        amount=Decimal(1000),
        amount_source=_first(AwardRule, "amount_source"),
        effective_from=DAY,
        basis_document="越界文件",
        basis_article="第一条",
        basis_text="越界条款",
    )
    make(
        TransferIncome,
        district=fund.district,
        year=DAY.year,
        level=_first(TransferIncome, "level"),
        title="越界转移支付",
        fund=fund,
        received_on=DAY,
        amount=Decimal(500),
    )
    return made


def no_arg_urls(prefix: str = "") -> list[tuple[str, str]]:
    """(name, path) of every GET-able page that takes no argument."""
    found: list[tuple[str, str]] = []

    def walk(patterns: list[Any], route: str, ns: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                inner = (
                    f"{ns}:{p.namespace}" if ns and p.namespace else p.namespace or ns
                )
                walk(p.url_patterns, route + str(p.pattern), inner)
            elif isinstance(p, URLPattern) and p.name:
                path = route + str(p.pattern)
                name = f"{ns}:{p.name}" if ns else p.name
                if "<" in path or "^" in path or name in SKIP:
                    continue
                found.append((name, "/" + path))

    walk(get_resolver().url_patterns, "", "")
    return [(n, p) for n, p in found if p.startswith("/" + prefix)]


def kind_urls() -> list[str]:
    """The partners and products lists and downloads of every kind."""
    urls = [f"/partners/plan/{slug}/" for slug in PLAN_SHEETS]
    urls += [f"/partners/{slug}/export/" for slug in (*SHEETS, *PLAN_SHEETS)]
    urls += [f"/products/{slug}/export/" for slug in PRODUCT_SHEETS]
    for lib in LIBRARY_BY_KEY:  # the shifan firm is in the 科技型中小企业 library
        urls += [f"/cultivation/libraries/{lib}/?on={DAY}"]
        urls += [f"/cultivation/libraries/{lib}/?on={DAY}&format=xlsx"]
        urls += [f"/cultivation/libraries/{lib}/changes/"]
        urls += [f"/api/v1/libraries/{lib}/?on={DAY}"]
    for page in ("/activities/trainees/", "/activities/haihe/", "/activities/list/"):
        urls += [f"{page}?year={DAY.year}&as_of={DAY.year}-12-31"]
        urls += [f"{page}?year={DAY.year}&as_of={DAY.year}-12-31&format=xlsx"]
    urls += [f"/cultivation/reserve/{key}/" for key in RESERVE_BY_KEY]
    urls += [f"/cultivation/reserve/{key}/?format=xlsx" for key in RESERVE_BY_KEY]
    return urls


def shown_text(response: Any) -> str:
    """What the user reads: the page, or every part of a downloaded file."""
    body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    if body[:2] == b"PK":  # a workbook or a Word file: the text of its parts
        with zipfile.ZipFile(io.BytesIO(body)) as book:
            return " ".join(
                book.read(part).decode("utf-8", "replace") for part in book.namelist()
            )
    return body.decode("utf-8", "replace")


def leaks(c: Client, url: str, **extra: Any) -> str | None:
    response = c.get(url, **extra)
    if response.status_code >= 500:
        return f"{url}: {response.status_code}"
    if response.status_code != 200:
        return None
    text = shown_text(response)
    hit = [m for m in MARKS if m in text]
    return f"{url}: {hit}" if hit else None


def detail_urls(rows: dict[str, Model]) -> list[str]:
    return [
        f"/partners/leads/{rows['Lead'].pk}/",
        f"/partners/events/{rows['Event'].pk}/",
        f"/activities/{rows['Activity'].pk}/",
        f"/api/v1/activities/{rows['Activity'].pk}/",
        f"/campaign/meetings/{rows['Meeting'].pk}/",
        f"/campaign/meetings/{rows['Meeting'].pk}/attendance/",
        f"/api/v1/meetings/{rows['Meeting'].pk}/",
        f"/funds/rules/{rows['AwardRule'].pk}/edit/",
        f"/cultivation/tiers/{rows['Enterprise'].pk}/",
        f"/cultivation/portrait/{rows['Enterprise'].pk}/",
    ]


@pytest.fixture
def other_rows(firms: dict[str, Enterprise]) -> dict[str, Model]:  # noqa: F811
    return make_other_district_rows(firms["shifan"])


@pytest.mark.parametrize("name", DISTRICT_WIDE)
def test_no_page_or_download_shows_the_other_districts_rows(
    other_rows: dict[str, Model], name: str
) -> None:
    c = Client()
    c.force_login(person(name))
    urls = [p for _, p in no_arg_urls() if not p.startswith("/api/v1/")]
    urls += [f"{url}?format=xlsx" for url in urls]  # every list's download
    found = [leaks(c, url) for url in [*urls, *kind_urls()]]
    assert [f for f in found if f] == []


@pytest.mark.parametrize("name", DISTRICT_WIDE)
def test_no_api_list_shows_the_other_districts_rows(
    other_rows: dict[str, Model], name: str
) -> None:
    user: User = person(name)
    key = api_token_create(user=user, name="对接", actor=user).key
    c, headers = Client(), {"HTTP_AUTHORIZATION": f"Token {key}"}
    found = [leaks(c, path, **headers) for _, path in no_arg_urls("api/v1/")]
    assert [f for f in found if f] == []


@pytest.mark.parametrize("name", DISTRICT_WIDE)
def test_the_other_districts_record_pages_are_404(
    other_rows: dict[str, Model], name: str
) -> None:
    user: User = person(name)
    c = Client()
    c.force_login(user)
    key = api_token_create(user=user, name="对接", actor=user).key
    for url in detail_urls(other_rows):
        got = c.get(url, HTTP_AUTHORIZATION=f"Token {key}").status_code
        assert got == 404, url


def test_the_city_reads_both_districts(other_rows: dict[str, Model]) -> None:
    c = Client()
    c.force_login(person("city"))
    for url in detail_urls(other_rows)[:3]:
        assert c.get(url).status_code == 200, url
    for url in ("/partners/leads/", "/activities/list/", "/products/products/"):
        assert "越界" in c.get(url).content.decode(), url


def test_keqi_export_keeps_to_a_users_or_a_named_district(
    firms: dict[str, Enterprise],  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from keqi.cli import main

    person("hq")
    out = tmp_path / "hq.xlsx"
    assert main(["export", str(out), "--user", "hq"]) == 0
    text = shown_text_of_file(out)
    assert "宝坻甲" in text and "示范河西乙" not in text
    assert main(["export", str(out), "--district", "shifan"]) == 0
    text = shown_text_of_file(out)
    assert "示范河西乙" in text and "宝坻甲" not in text
    # another district's area through --user is refused, and so is a stranger
    assert main(["export", str(out), "--user", "hq", "--area", "sf-hexi"]) == 2
    assert main(["export", str(out), "--user", "nobody"]) == 2
    assert main(["export", str(out), "--district", "mars"]) == 2
    assert "未配置的区：mars" in capsys.readouterr().out
    # without either the whole registry, as on a one-district install
    assert main(["export", str(out)]) == 0
    text = shown_text_of_file(out)
    assert "示范河西乙" in text and "宝坻甲" in text


def shown_text_of_file(path: Path) -> str:
    with zipfile.ZipFile(path) as book:
        return " ".join(
            book.read(p).decode("utf-8", "replace") for p in book.namelist()
        )


def test_product_and_transformation_targets_count_the_plans_district_only(
    other_rows: dict[str, Model],
) -> None:
    from keqi.campaign.metrics import METRICS

    baodi, shifan = (District.objects.get(code=c).pk for c in ("baodi", "shifan"))
    day = DAY + dt.timedelta(days=30)
    keys = [
        "transformed_in_year",
        "zjtx_products_in_year",
        "key_new_products_in_year",
        "killer_products_in_year",
        "brands_in_year",
    ]
    counted = {key: METRICS[key].count(DAY.year, day, shifan) for key in keys}
    assert counted["transformed_in_year"] == 1
    assert sum(counted.values()) == 2  # the transformation and the product
    for key in keys:
        assert METRICS[key].count(DAY.year, day, baodi) == 0, key
        assert METRICS[key].evidence(DAY.year, day, baodi) == [], key


@pytest.mark.parametrize("name", DISTRICT_WIDE)
def test_stored_verdicts_and_workbook_jobs_of_the_other_district_are_404(
    firms: dict[str, Enterprise],  # noqa: F811
    name: str,
) -> None:
    from keqi.evaluations.tests.helpers import run_now, verdict_of
    from keqi.registry.models import WorkbookJob

    run = run_now()
    theirs = verdict_of(run, firms["shifan"])
    job = WorkbookJob.objects.create(
        kind=_first(WorkbookJob, "kind"), user=person("sf_hq")
    )
    user: User = person(name)
    c = Client()
    c.force_login(user)
    key = api_token_create(user=user, name="对接", actor=user).key
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    assert c.get(f"/evaluations/verdicts/{theirs.pk}/").status_code == 404
    assert c.get(f"/enterprises/import/jobs/{job.pk}/").status_code == 404
    assert c.get(f"/enterprises/import/jobs/{job.pk}/download/").status_code == 404
    uscc = firms["shifan"].uscc
    assert c.get(f"/api/v1/enterprises/{uscc}/verdicts/", **auth).status_code == 404
    for url in (
        f"/evaluations/runs/{run.pk}/",
        f"/evaluations/runs/{run.pk}/?programme=tech_sme&format=xlsx",
        f"/api/v1/evaluations/{run.pk}/verdicts/",
        f"/api/v1/verdicts/?run={run.pk}",
    ):
        assert leaks(c, url, **auth) is None


def test_award_candidates_come_from_the_rules_district_only(
    firms: dict[str, Enterprise],  # noqa: F811
) -> None:
    from keqi.funds.awards import award_candidates_generate
    from keqi.funds.models import Award

    rules = {}
    for code in ("baodi", "shifan"):
        fund = Fund.objects.create(
            code=f"f-{code}",
            name=f"{code}资金",
            district=District.objects.get(code=code),
        )
        rules[code] = AwardRule.objects.create(
            name=f"{code}科技型中小企业奖励",
            award_type=_first(AwardRule, "award_type"),
            fund=fund,
            trigger_kind="科技型中小企业",
            amount=Decimal(1000),
            amount_source=_first(AwardRule, "amount_source"),
            effective_from=dt.date(2019, 1, 1),
            basis_document="文件",
            basis_article="第一条",
            basis_text="条款",
        )
    award_candidates_generate(year=2019, actor=person("hq"))
    made = set(Award.objects.values_list("rule__fund__district__code", "enterprise"))
    assert made == {("baodi", firms["baodi"].pk)}
    award_candidates_generate(year=2019, actor=None)  # the system: every district
    made = set(Award.objects.values_list("rule__fund__district__code", "enterprise"))
    assert made == {("baodi", firms["baodi"].pk), ("shifan", firms["shifan"].pk)}
