"""No developer leftovers on the pages people use (issue 16).

Every persona of every role opens every page of the site that needs no argument
(found from the URL resolver, so a new page is checked without touching this file),
the detail pages of a small registry with a plan, a fund, two stored evaluation runs
and a monthly report, and every page its navigation leads to (main menu and section
menus, followed page by page). The visible text — tags, scripts and styles removed —
must hold no Python value (True/False/None/inf), no snake_case or dotted key, no
setting name, no internal version code, no command line, no Django empty option and
no "YYYY-MM-DD" hint: staff read Chinese.
"""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from keqi.accounts.models import Role, Unit, User
from keqi.accounts.services import user_create
from keqi.campaign.tests.helpers import baodi_plan, file_report
from keqi.core.testing import PASSWORD, persona
from keqi.dashboard.tests.helpers import DAY, small_registry
from keqi.evaluations.models import StoredVerdict
from keqi.evaluations.tests.helpers import run_now, wider_cap
from keqi.funds.tests.helpers import candidate_for, fund, high_tech_firm, rule

pytestmark = pytest.mark.django_db

# One persona of each role (the auditor is made here: keqi.core.testing has none).
PERSONAS = [
    "hq",
    "town_a",
    "park",
    "member",
    "leader",
    "auditor",
    "sysadmin",
    "secadmin",
    "auditadmin",
]

# Not pages: the API and its schema, downloads, and the log-out action.
NOT_PAGES = ("/api/", "/accounts/logout/", "/favicon.ico")
# The three administrators' pages name some technical things on purpose: their
# readers run the server (the `keqi user` command, the KEQI_ settings that set the
# policy's defaults) and read the audit trail's action codes and record types.
ON_PURPOSE = {
    "/accounts/users/": {"command line"},
    "/accounts/policy/": {"setting name"},
    "/accounts/audit/": {"dotted key", "snake_case key"},
}
ADMINS = ("sysadmin", "secadmin", "auditadmin")

LEFTOVERS = {
    "Python value": re.compile(
        r"(?<![A-Za-z0-9_])(?:True|False|None|inf)(?![A-Za-z0-9_])"
    ),
    "snake_case key": re.compile(r"(?<![A-Za-z0-9_])[a-z][a-z0-9]*_[a-z0-9_]+"),
    "setting name": re.compile(r"KEQI_"),
    "Django empty option": re.compile(r"-{5,}"),
    "date format hint": re.compile(r"YYYY|yyyy"),
    "dotted key": re.compile(r"(?<![A-Za-z0-9_.])[a-z]+(?:\.[a-z_]+)+"),
    "rules version code": re.compile(r"keqi-rules"),
    "command line": re.compile(r"keqi (?:[a-z]+)"),
    "English keyword": re.compile(r"(?<![A-Za-z])(?:all|null|true|false)(?![A-Za-z])"),
}
# Shown on purpose and may hold underscores: e-mail addresses and web addresses.
ADDRESSES = re.compile(r"\S+@\S+|(?:https?://|/)[\w./?=&%-]+")
HIDDEN = re.compile(r"<(script|style|template)\b.*?</\1\s*>", re.S | re.I)
TAG = re.compile(r"<[^>]+>")
OPTION = re.compile(r"<option\b[^>]*>(.*?)</option>", re.S | re.I)


def visible_text(html: str) -> str:
    return unescape(TAG.sub(" ", HIDDEN.sub(" ", html)))


def leftovers(html: str, username: str = "") -> list[str]:
    """What a reader would see that is not meant for them, by kind. The signed-in
    user's login name (shown in the header; a test persona's is town_a) is theirs."""
    text = ADDRESSES.sub(" ", visible_text(html))
    if username:
        text = text.replace(username, " ")
    found = [
        f"{kind}: {m.group(0)!r} in …{text[max(0, m.start() - 30) : m.end() + 30].strip()}…"
        for kind, pattern in LEFTOVERS.items()
        for m in pattern.finditer(text)
    ]
    found += [
        f"empty option {o.strip()!r}"
        for o in OPTION.findall(html)
        if o.strip().startswith("---")
    ]
    return found


def _routes(patterns: list[URLPattern | URLResolver], prefix: str = "") -> list[str]:
    urls = []
    for p in patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            urls += _routes(p.url_patterns, route)
        elif "<" not in route and not route.endswith((".xlsx", ".docx", ".pdf")):
            urls.append("/" + route)
    return urls


PAGES = sorted(
    u
    for u in _routes(get_resolver().url_patterns)
    if not u.startswith(NOT_PAGES) and "/template/" not in u
)
NAV = re.compile(
    r"<(nav|p)\b[^>]*class=\"[^\"]*(?:mainnav|subnav)[^\"]*\"[^>]*>(.*?)</\1>", re.S
)
HREF = re.compile(r"href=\"(/[^\"#?]*)")


def nav_links(html: str) -> set[str]:
    """The pages the main menu and the section menus of a page lead to."""
    return {
        href
        for _, block in NAV.findall(html)
        for href in HREF.findall(block)
        if not href.startswith(NOT_PAGES) and not href.endswith((".xlsx", ".pdf"))
    }


def _auditor() -> None:
    if not User.objects.filter(username="auditor").exists():
        user_create(
            username="auditor",
            password=PASSWORD,
            unit=Unit.objects.get(code="hq"),
            role=Role.AUDITOR,
            full_name="auditor",
        )


def _user(who: str) -> User:
    if who == "auditor":
        _auditor()
        return User.objects.get(username="auditor")
    return persona(who)


@pytest.fixture
def small_site(settings: Any) -> list[str]:
    """The small registry on its day (pinned, so the banner shows), a plan with a
    filed report, an award and two stored evaluation runs (the second with HQ's
    parameter change); the detail pages of its records, which the resolver cannot
    list."""
    firms = small_registry()
    plan = baodi_plan()
    report = file_report(plan, "gxj", dt.date(2019, 8, 1), dt.date(2019, 9, 3))
    firm = high_tech_firm()
    fund()
    rule()
    award = candidate_for(firm)
    first, second = run_now(DAY), run_now(DAY, setup=wider_cap())
    verdict = StoredVerdict.objects.filter(run=second).order_by("pk").first()
    assert verdict is not None
    settings.KEQI_BUSINESS_DATE = DAY
    return [
        reverse("registry:enterprise_detail", args=[firms["A"].pk]),
        reverse("registry:enterprise_detail", args=[firm.pk]),
        reverse("funds:award_detail", args=[award.pk]),
        # the rules pages: a programme, a banded score and a plain number
        reverse("criteria:programme", args=["tech_sme"]),
        reverse("criteria:param", args=["tech_sme.rd_sales_points"]),
        reverse("criteria:param", args=["tech_sme.data_year_offset"]),
        # portraits, stored evaluations and the campaign's detail pages
        reverse("cultivation:portrait", args=[firms["A"].pk]),
        reverse("cultivation:portrait", args=[firm.pk]),
        reverse("evaluations:run", args=[second.pk]),
        reverse("evaluations:verdict", args=[verdict.pk]),
        reverse("evaluations:compare") + f"?before={first.pk}&after={second.pk}",
        reverse("campaign:report_detail", args=[report.pk]),
        reverse("campaign:measure_detail", args=[13]),
    ]


def test_the_checker_sees_each_kind_of_leftover() -> None:
    page = (
        "<p>产品属于限制或淘汰类：False</p><p>tech_sme.data_year_offset</p>"
        "<p>（KEQI_BUSINESS_DATE）</p><input placeholder='x'><p>YYYY-MM-DD</p>"
        "<select><option value=''>---------</option></select><p>[5, +inf)</p>"
        "<p>权重由 organisation.assessment.weights 设定</p><p>keqi-rules/2</p>"
        "<p>原因：演示数据（keqi demo）</p><p>年度填 all</p>"
        "<script>var a_b = true;</script><a href='/a_b/'>联系 x_y@example.com</a>"
    )
    kinds = {f.split(":")[0] for f in leftovers(page)}
    assert kinds == {*LEFTOVERS, "empty option '---------'"}
    assert not leftovers("<p>联系 zhang_san@example.com，见 /static/a_b.css</p>")


def test_the_page_list_covers_every_section_in_scope() -> None:
    for page in [
        "/",
        "/enterprises/",
        "/campaign/",
        "/cultivation/",
        "/evaluations/",
        "/funds/",
        "/funds/ledger/",
        "/activities/",
        "/partners/",
        "/dashboard/",
        "/reports/",
    ]:
        assert page in PAGES


def test_the_crawler_follows_the_main_and_section_menus() -> None:
    html = (
        '<nav class="mainnav"><a href="/campaign/">攻坚</a></nav>'
        '<p class="subnav"><a href="/evaluations/?x=1">评价记录</a></p>'
        '<a href="/elsewhere/">正文链接</a><nav class="mainnav">'
        '<a href="/accounts/logout/">退出</a></nav>'
    )
    assert nav_links(html) == {"/campaign/", "/evaluations/"}


@pytest.mark.parametrize("who", PERSONAS)
def test_no_page_shows_developer_leftovers(who: str, small_site: list[str]) -> None:
    """Every page the resolver lists, the records' pages, and every page the menus
    lead to (followed until no new one turns up) — as each role sees them."""
    client = Client()
    user = _user(who)
    client.force_login(user)
    queue, checked = list(dict.fromkeys(PAGES + small_site)), set()
    problems, seen, menus = [], [], set()
    while queue:
        url = queue.pop(0)
        checked.add(url)
        response = client.get(url, follow=True)
        if response.status_code != 200 or "html" not in response.get(
            "Content-Type", ""
        ):
            continue
        seen.append(url)
        html = response.content.decode()
        shown = response.redirect_chain[-1][0] if response.redirect_chain else url
        allowed = ON_PURPOSE.get(shown.split("?")[0], set())
        problems += [
            f"{url}: {p}"
            for p in leftovers(html, user.username)
            if p.split(":")[0] not in allowed
        ]
        found = nav_links(html)
        menus |= found
        queue += [u for u in sorted(found) if u not in checked and u not in queue]
    assert menus and menus <= checked
    if who not in ADMINS:
        assert len(seen) >= 20
    if who in ("hq", "town_a", "member", "leader", "auditor"):
        assert set(small_site[:2]) <= set(seen)  # the small registry is in 大口屯镇
    assert problems == [], "\n".join(problems)
