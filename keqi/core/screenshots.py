"""`make screenshots`: PNGs of the main pages, with the demo data, for docs/screenshots/.

    .venv/bin/python -m keqi.core.screenshots [--out docs/screenshots]

Sets up a scratch SQLite database in a temporary folder (`keqi init`, `keqi demo`),
serves it with `keqi serve` on a free local port with the demo's business date
(2019-09-30), logs in through the login form and saves one PNG per page with
Debian's Chromium (keqi.core.browser). Pages of apps that are not built yet are
skipped; every app in the main navigation gets its index page. Nothing outside
the temporary folder and the output folder is touched.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from keqi.core.browser import VIEWPORT, chromium_launch, chromium_missing, fonts_missing

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext

DEMO_DATE = "2019-09-30"
PASSWORD = "keqi2019demo"  # keqi.core.demo.accounts.DEMO_PASSWORD (not imported: no Django yet)


@dataclass(frozen=True)
class Shot:
    """One page to capture: file name, who looks at it, and how to find its path."""

    name: str
    user: str
    path: Callable[[], str | None]


def _fixed(path: str) -> Callable[[], str | None]:
    return lambda: path


def _enterprise_path(suffix: str = "") -> Callable[[], str | None]:
    def find() -> str | None:
        from keqi.registry.models import Enterprise, QualificationKind

        row = (
            Enterprise.objects.filter(
                qualifications__kind=QualificationKind.HIGH_TECH,
                area__code="dakoutun",
            )
            .order_by("pk")
            .first()
        )
        if row is None:
            return None
        return (
            f"/cultivation/portrait/{row.pk}/" if suffix else f"/enterprises/{row.pk}/"
        )

    return find


def _campaign_path(kind: str) -> Callable[[], str | None]:
    def find() -> str | None:
        from keqi.campaign.models import Meeting, ProgressReport

        if kind == "meeting":
            meeting = Meeting.objects.order_by("-held_on").first()
            return f"/campaign/meetings/{meeting.pk}/" if meeting else None
        report = (
            ProgressReport.objects.filter(unit__code="gxj", status="submitted")
            .order_by("-month")
            .first()
        )
        return f"/campaign/reports/{report.pk}/" if report else None

    return find


SHOTS = (
    Shot("registry-list", "hq", _fixed("/enterprises/")),
    Shot("registry-list-town", "dakoutun", _fixed("/enterprises/")),
    Shot("enterprise-detail", "hq", _enterprise_path()),
    Shot("enterprise-portrait", "hq", _enterprise_path("portrait")),
    Shot("workbook-import", "hq", _fixed("/enterprises/import/")),
    Shot("libraries", "hq", _fixed("/cultivation/")),
    Shot("library-high-tech", "hq", _fixed("/cultivation/libraries/high_tech/")),
    Shot("tiers", "hq", _fixed("/cultivation/tiers/")),
    Shot("reserve-tech-sme", "hq", _fixed("/cultivation/reserve/tech_sme/")),
    Shot("reminders", "hq", _fixed("/cultivation/reminders/")),
    Shot("rd-monitor", "hq", _fixed("/cultivation/rd/")),
    Shot("campaign-board", "hq", _fixed("/campaign/")),
    Shot("campaign-reports", "hq", _fixed("/campaign/reports/")),
    Shot("campaign-report", "gxj", _campaign_path("report")),
    Shot("campaign-meeting", "hq", _campaign_path("meeting")),
    Shot("campaign-assessment", "hq", _fixed("/campaign/assessment/")),
    Shot("dashboard", "leader", _fixed("/dashboard/")),
)
# Also saved at phone width as <name>-390.png: the pages people open on the road.
PHONE_WIDTH = 390
PHONE_SHOTS = (
    "registry-list-town",
    "enterprise-portrait",
    "campaign-board",
    "dashboard",
)
USERS = ("hq", "leader", "dakoutun", "gxj")
MAX_HEIGHT = 1800  # px: long lists are cut here, the top of a page is what matters


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def scratch_env(var_dir: Path, port: int) -> dict[str, str]:
    """The environment of a throwaway demo site in var_dir."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEQI_")}
    env.update(
        KEQI_VAR_DIR=str(var_dir),
        KEQI_DEBUG="1",
        KEQI_BUSINESS_DATE=DEMO_DATE,
        KEQI_CSRF_TRUSTED_ORIGINS=f"http://127.0.0.1:{port}",
    )
    return env


def _keqi(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "keqi", *args], env=env, check=True)


@contextmanager
def demo_site(var_dir: Path, port: int | None = None) -> Iterator[str]:
    """Set up the demo in var_dir, serve it, yield its base URL, stop it after.

    This process's environment is left alone (the browser tests run this inside
    pytest); `main` points its own Django at the scratch database itself."""
    port = port or free_port()
    env = scratch_env(var_dir, port)
    _keqi(env, "init")
    _keqi(env, "demo")
    server = subprocess.Popen(
        [sys.executable, "-m", "keqi", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, server)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("网站服务启动失败（keqi serve 已退出）")
        try:
            urllib.request.urlopen(f"{base}/accounts/login/", timeout=10).close()
            return
        except OSError:  # refused while starting, or slow on a busy machine
            time.sleep(0.3)
    raise RuntimeError("网站服务 120 秒内未就绪")


def login(context: BrowserContext, base: str, username: str) -> None:
    """Log in through the form, as a person would."""
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector(".who")
    page.close()


def capture(
    context: BrowserContext, url: str, out: Path, width: int = VIEWPORT["width"]
) -> None:
    """One page, fully loaded with its web fonts, as a PNG as wide as the window."""
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": VIEWPORT["height"]})
    response = page.goto(url, wait_until="networkidle")
    if response is None or response.status >= 400:
        code = response.status if response else "无响应"
        raise RuntimeError(f"{url} 返回 {code}")
    page.evaluate("document.fonts.ready")
    if page.locator("canvas").count():
        page.wait_for_timeout(1200)  # chart animations settle (ECharts)
    height = min(int(page.evaluate("document.body.scrollHeight")), MAX_HEIGHT)
    box = {"x": 0, "y": 0, "width": width, "height": height}
    png = page.screenshot(full_page=True, clip=box)  # type: ignore[arg-type]
    page.close()
    save_small_png(png, out)


def save_small_png(png: bytes, out: Path) -> None:
    """Save with a 256-colour palette: a third of the size, text stays crisp."""
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    palette = image.quantize(
        colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
    )
    palette.save(out, optimize=True)


def nav_paths(context: BrowserContext, base: str) -> list[str]:
    """Paths of the main navigation's links, as HQ sees them."""
    page = context.new_page()
    page.goto(f"{base}/enterprises/")
    hrefs = page.eval_on_selector_all(
        "nav.mainnav a", "links => links.map(a => a.getAttribute('href'))"
    )
    page.close()
    return [h for h in hrefs if isinstance(h, str) and h.startswith("/")]


def extra_shots(planned: list[tuple[Shot, str | None]], paths: list[str]) -> list[Shot]:
    """An index page for every app in the navigation that SHOTS does not cover yet."""
    covered = {path.strip("/").split("/")[0] for _, path in planned if path}
    extra = []
    for path in paths:
        app = path.strip("/").split("/")[0]
        if app and app not in covered:
            covered.add(app)
            extra.append(Shot(app, "hq", _fixed(path)))
    return extra


def take_all(base: str, out: Path) -> list[Path]:
    """Capture every shot; one browser, one logged-in context per user."""
    import django
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keqi.settings")
    django.setup()
    # Records are looked up before Playwright starts its event loop (Django's ORM
    # refuses to run inside one).
    planned = [(shot, shot.path()) for shot in SHOTS]
    saved: list[Path] = []
    with sync_playwright() as pw:
        browser = chromium_launch(pw)
        contexts: dict[str, BrowserContext] = {}
        for user in USERS:
            contexts[user] = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
            login(contexts[user], base, user)
        extra = extra_shots(planned, nav_paths(contexts["hq"], base))
        for shot, path in planned + [(s, s.path()) for s in extra]:
            if path is None:
                print(f"  跳过 {shot.name}：演示数据中没有这样的记录")
                continue
            widths = [VIEWPORT["width"]]
            widths += [PHONE_WIDTH] if shot.name in PHONE_SHOTS else []
            for width in widths:
                suffix = "" if width == VIEWPORT["width"] else f"-{width}"
                target = out / f"{shot.name}{suffix}.png"
                capture(contexts[shot.user], base + path, target, width)
                saved.append(target)
                print(f"  {target.name}  ←  {path}（{shot.user}，{width}px）")
        browser.close()
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="保存主要页面的截图（演示数据）")
    parser.add_argument("--out", default="docs/screenshots", help="输出目录")
    args = parser.parse_args(argv)
    problem = chromium_missing() or fonts_missing()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    var_dir = Path(tempfile.mkdtemp(prefix="keqi-screenshots-"))
    try:
        port = free_port()
        with demo_site(var_dir, port) as base:
            # this process reads the scratch database too (Shot.path), never the real one
            for name in [k for k in os.environ if k.startswith("KEQI_")]:
                del os.environ[name]
            os.environ.update(scratch_env(var_dir, port))
            saved = take_all(base, out)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
    print(f"已保存 {len(saved)} 张截图到 {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
