"""Real-browser journeys: Playwright drives Debian's Chromium against live_server.

- Chromium is /usr/bin/chromium (keqi.core.browser); when it or Playwright is
  missing, every test marked `browser` is skipped with the reason in Chinese.
  `.ci/run` installs the `chromium` package, so CI always runs them.
- The test database is pytest-django's; live_server serves it from a thread.
  With SQLite in memory the server thread shares the test's connection
  (pytest-django passes it over), and live_server makes every journey a
  transactional test, so what the test writes the browser sees and vice versa.
- One browser per module, a fresh context (cookies) per test. Playwright's sync
  API keeps an asyncio loop current in this thread while the browser is open,
  and Django refuses ORM calls while a loop runs; the test body's ORM calls are
  plain synchronous calls in between browser steps, so the module's browser
  allows them (DJANGO_ALLOW_ASYNC_UNSAFE) for exactly as long as it is open.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from keqi.core.browser import VIEWPORT, chromium_launch, chromium_missing

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

WHY_NOT = chromium_missing()
TIMEOUT_MS = 15_000


def pytest_collection_modifyitems(config: Any, items: list[pytest.Item]) -> None:
    if WHY_NOT is None:
        return
    skip = pytest.mark.skip(reason=WHY_NOT)
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    saved = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as pw:
            launched = chromium_launch(pw)
            yield launched
            launched.close()
    finally:
        if saved is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = saved


@pytest.fixture
def page(
    browser: Browser, live_server: Any, settings: Any, tmp_path: Any
) -> Iterator[Page]:
    """A fresh browser tab with no cookies; uploads and generated files go to tmp."""
    settings.MEDIA_ROOT = tmp_path / "media"
    context = browser.new_context(
        viewport=VIEWPORT,
        locale="zh-CN",
        base_url=live_server.url,
        accept_downloads=True,
    )
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    context.close()
