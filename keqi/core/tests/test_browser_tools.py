"""The browser helpers: a clear reason when Chromium is missing; screenshot planning."""

from __future__ import annotations

from pathlib import Path

from keqi.core import browser
from keqi.core.screenshots import SHOTS, Shot, _fixed, extra_shots, scratch_env


def test_missing_chromium_is_explained_in_chinese_with_the_install_command(
    monkeypatch,
):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(browser, "CHROMIUM", Path("/nonexistent/chromium"))
    reason = browser.chromium_missing()
    assert reason is not None
    assert "未找到 Chromium" in reason and "apt-get install -y chromium" in reason


def test_every_navigation_app_without_a_planned_shot_gets_its_index_page() -> None:
    planned: list[tuple[Shot, str | None]] = [
        (Shot("registry-list", "hq", _fixed("/enterprises/")), "/enterprises/"),
        (Shot("campaign-board", "hq", _fixed("/campaign/")), "/campaign/"),
    ]
    extra = extra_shots(planned, ["/enterprises/", "/campaign/", "/funds/", "/funds/"])
    assert [(s.name, s.path()) for s in extra] == [("funds", "/funds/")]


def test_screenshots_never_touch_the_real_database(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = scratch_env(tmp_path, 8123)
    assert env["KEQI_VAR_DIR"] == str(tmp_path)
    assert "KEQI_DATABASE_URL" not in env
    assert env["KEQI_BUSINESS_DATE"] == "2019-09-30"


def test_the_planned_shots_cover_the_pages_the_docs_show() -> None:
    names = {shot.name for shot in SHOTS}
    assert {
        "registry-list",
        "enterprise-portrait",
        "campaign-board",
        "dashboard",
    } <= names


def test_every_phone_width_shot_is_a_planned_page() -> None:
    from keqi.core.screenshots import PHONE_SHOTS

    assert set(PHONE_SHOTS) <= {shot.name for shot in SHOTS}
