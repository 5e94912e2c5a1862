"""Debian's Chromium, driven by Playwright, for the browser journeys and screenshots.

Playwright never downloads a browser here (the intranet has no internet, and CI
installs the `chromium` package instead): we launch /usr/bin/chromium through
`executable_path`, headless, with everything that would phone home switched off.
Playwright is a development dependency, imported only when a browser is wanted.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright, ViewportSize

CHROMIUM = Path(os.environ.get("KEQI_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
VIEWPORT: ViewportSize = {"width": 1366, "height": 900}


def chromium_missing() -> str | None:
    """Why no browser can be launched (in Chinese), or None when one can."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        return (
            f"未找到 Chromium（{CHROMIUM}）：真实浏览器测试已跳过。"
            "安装：apt-get install -y chromium"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "未安装 playwright（开发依赖）：运行 make install 后再试。"
    return None


def chromium_launch(playwright: Playwright) -> Browser:
    """Launch Debian's Chromium headless; never a browser Playwright downloaded."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        headless=True,
        args=list(CHROMIUM_ARGS),
        env={**os.environ, "HOME": os.environ.get("HOME") or "/tmp"},
    )


def fonts_missing() -> str | None:
    """Why Chinese text would render as boxes, or None when a CJK font is installed."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return "未找到 fc-list（fontconfig），无法确认中文字体"
    import subprocess

    found = subprocess.run(
        [fc_list, ":lang=zh"], capture_output=True, text=True, check=False
    ).stdout
    if not found.strip():
        return "未安装中文字体：apt-get install -y fonts-wqy-microhei"
    return None
