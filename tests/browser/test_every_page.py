"""Every main page, for every demo role, at 1366 px and 390 px (issue 16).

Each demo account logs in and opens the pages its own navigation offers: the top
navigation, the section navigation (`.subnav`) of every page reached, and one
record of each kind linked from the tables on those pages (an enterprise, a
portrait, a report, …), so a new page or section is checked without touching this
file. On each page, at both widths: the page does not scroll sideways (a table may
scroll inside its own wrapper), the visible text holds no developer leftovers, and
axe-core finds no serious or critical accessibility violation (tests/browser/pagecheck.py).

One demo database (`keqi init` + `keqi demo` in a scratch folder, served by
`keqi serve` as `make screenshots` does) and one browser serve the whole module.
To look at a site that is already running instead, set KEQI_UI_BASE_URL
(e.g. http://127.0.0.1:8000 after `make demo`).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from pagecheck import AXE, axe_violations, leftovers, overflow

from keqi.core.screenshots import PASSWORD, demo_site
from keqi.core.tests.test_no_leftovers import ON_PURPOSE

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

# One demo account of each role (keqi.core.demo.accounts); the other towns and
# member units see the same pages as dakoutun and gxj, with other rows.
ROLES = (
    "hq",
    "leader",
    "dakoutun",
    "gxj",
    "auditor",
    "sysadmin",
    "secadmin",
    "auditadmin",
    "city",
    "sfhq",
)
WIDTHS = (1366, 390)
DOWNLOAD = re.compile(
    r"\.(xlsx|docx|pdf|csv|zip|json)$|/(export|download)|[?&](format|export)="
)
NOT_PAGES = ("/api/v", "/admin/", "/static/", "/media/", "/accounts/logout/")
LINKS = (
    """(selector) => Array.from(document.querySelectorAll(selector), (a) => a.href)"""
)


@pytest.fixture(scope="module")
def demo() -> Iterator[str]:
    """The base URL of a site serving the demo data."""
    given = os.environ.get("KEQI_UI_BASE_URL")
    if given:
        yield given.rstrip("/")
        return
    with (
        tempfile.TemporaryDirectory(prefix="keqi-ui-") as tmp,
        demo_site(Path(tmp)) as base,
    ):
        yield base


def kind_of(path: str) -> str:
    """Pages of one kind share a path up to their numbers: /enterprises/N/."""
    return re.sub(r"\d+", "N", path.split("?")[0])


def own_links(page: Page, base: str, selector: str) -> list[str]:
    hrefs: list[str] = page.evaluate(LINKS, selector)
    paths = []
    for href in hrefs:
        url = urlsplit(href)
        path = url.path + (f"?{url.query}" if url.query else "")
        if (
            href.startswith(base)
            and not url.fragment
            and not DOWNLOAD.search(path)
            and not url.path.startswith(NOT_PAGES)
        ):
            paths.append(path)
    return paths


def log_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector(".who")


def check_at_both_widths(page: Page, path: str, depth: int) -> list[str]:
    """Leftovers once; overflow at both widths; axe at 1366 px, and at 390 px too
    on the navigation's own pages (a record page has the same parts as its list,
    and axe takes seconds a page)."""
    # the API's own documentation names its parameters (as_of, page_size) on purpose
    words_checked = not path.startswith("/api/")
    # the administrators' pages name a few technical things on purpose (ON_PURPOSE)
    allowed = tuple(f"{label}：" for label in ON_PURPOSE.get(path, ()))
    problems = (
        [p for p in leftovers(page) if not p.startswith(allowed)]
        if words_checked
        else []
    )
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.evaluate("new Promise((done) => requestAnimationFrame(() => done()))")
        found = overflow(page)
        if width == WIDTHS[0] or depth <= 1:
            found += axe_violations(page)
        problems += [f"{width}px {p}" for p in found]
    return problems


@pytest.fixture(scope="module")
def axe_installed() -> None:
    assert AXE.is_file(), f"未找到 axe-core（{AXE}）：请先运行 make install（npm ci）"


def check_what_the_navigation_offers(page: Page, base: str) -> dict[str, list[str]]:
    """Open the signed-in user's pages breadth first and check each; the problems
    of every page opened, by path."""
    # (path, depth): 0 the top navigation, 1 section navigation, 2 records in tables.
    queue = [(urlsplit(page.url).path, 0)]
    queue += [(p, 0) for p in own_links(page, base, "nav.mainnav a, .who a")]
    seen: set[str] = set()
    problems: dict[str, list[str]] = {}
    while queue:
        path, depth = queue.pop(0)
        if kind_of(path) in seen:
            continue
        seen.add(kind_of(path))
        response = page.goto(path)
        if response is None or response.status >= 400:
            problems[path] = [f"打开失败：{response.status if response else '无响应'}"]
            continue
        if "html" not in (response.header_value("content-type") or ""):
            continue
        problems[path] = check_at_both_widths(page, path, depth)
        queue += [(p, 1) for p in own_links(page, base, ".subnav a")]
        if depth <= 1:  # one record from the page's tables: the first of a new kind
            waiting = seen | {kind_of(q) for q, _ in queue}
            records = own_links(page, base, "main table a")
            queue += [(p, 2) for p in records if kind_of(p) not in waiting][:1]
    return problems


@pytest.mark.parametrize("username", ROLES)
def test_every_page_fits_reads_clean_and_passes_axe(
    username: str, browser: Browser, demo: str, axe_installed: None
) -> None:
    context = browser.new_context(
        base_url=demo, locale="zh-CN", viewport={"width": WIDTHS[0], "height": 900}
    )
    context.set_default_timeout(30_000)
    page = context.new_page()
    log_in(page, username)
    problems = check_what_the_navigation_offers(page, demo)
    context.close()
    print(f"{username}：检查了 {len(problems)} 个页面")
    found = {path: found for path, found in problems.items() if found}
    report = "\n".join(f"{path}\n  " + "\n  ".join(p) for path, p in found.items())
    assert len(problems) >= 2, f"{username} 只打开了 {sorted(problems)}"
    assert not found, f"{username}：{len(found)}/{len(problems)} 个页面有问题\n{report}"
