"""Time every page a user's navigation offers, on a bench database (issue 12).

    .venv/bin/python bench/crawl.py --db /tmp/pages_bench/p100k.sqlite3 [--users hq,town_a]
    .venv/bin/python bench/crawl.py --database-url postgres://…/keqi_pb100k

bench/pages.py times a fixed list of main pages; this walks what the users
actually reach, the way tests/browser/test_every_page.py does in a browser: the
main navigation, the section navigation (`.subnav`) of every page reached, and
the first record of each new kind linked from a table on those pages, breadth
first, one page per kind of path (/enterprises/N/ counts once). Each page is
rendered once through the Django test client for HQ and for a town user
(大口屯镇) and timed (wall and process CPU; with SQLite the CPU is the work
itself). Downloads, the API, admin and logout are not followed.

Build the database first with bench/pages.py (`--build-only`); this script never
writes to it except what page views write (sessions, a reserve table request).
The output lists every page slowest first, then `seconds: X`, the slowest
page's CPU time.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
AS_OF = "2019-09-30"
DOWNLOAD = re.compile(
    r"\.(xlsx|docx|pdf|csv|zip|json)$|/(export|download)|[?&](format|export)="
)
NOT_PAGES = ("/api/", "/admin/", "/static/", "/media/", "/accounts/logout/")


class Links(HTMLParser):
    """The page's links, each marked by where it stands: the main navigation
    (`nav.mainnav`, `.who`), the section navigation (`.subnav`) or a table in
    `main`."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, set[str]]] = []
        self.found: dict[str, list[str]] = {"main": [], "sub": [], "table": []}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        classes = set((values.get("class") or "").split())
        if tag == "a" and values.get("href"):
            self._file(values["href"] or "", classes)
        if tag not in ("br", "img", "input", "meta", "link", "hr", "col", "wbr"):
            self.stack.append((tag, classes))

    def handle_endtag(self, tag: str) -> None:
        for at in range(len(self.stack) - 1, -1, -1):
            if self.stack[at][0] == tag:
                del self.stack[at:]
                return

    def _inside(self, tag: str, cls: str = "") -> bool:
        return any(t == tag and (not cls or cls in c) for t, c in self.stack)

    def _file(self, href: str, classes: set[str]) -> None:
        if self._inside("nav", "mainnav") or any("who" in c for _, c in self.stack):
            self.found["main"].append(href)
        elif any("subnav" in c for _, c in self.stack):
            self.found["sub"].append(href)
        elif self._inside("main") and self._inside("table"):
            self.found["table"].append(href)


def kind_of(path: str) -> str:
    """Pages of one kind share a path up to their numbers: /enterprises/N/."""
    return re.sub(r"\d+", "N", path.split("?")[0])


def pages_only(hrefs: list[str]) -> list[str]:
    kept = []
    for href in hrefs:
        url = urlsplit(href)
        if url.scheme or url.netloc or url.fragment or not url.path.startswith("/"):
            continue
        path = url.path + (f"?{url.query}" if url.query else "")
        if DOWNLOAD.search(path) or url.path.startswith(NOT_PAGES):
            continue
        kept.append(path)
    return kept


def crawl(client: Any, limit: int) -> list[tuple[float, float, int, int, str]]:
    """(CPU s, wall s, status, KB, path) of every page reached."""
    first = client.get("/", follow=True)
    start = first.redirect_chain[-1][0] if first.redirect_chain else "/"
    queue: list[tuple[str, int]] = [(start, 0)]
    links = Links()
    links.feed(first.content.decode())
    queue += [(p, 0) for p in pages_only(links.found["main"])]
    seen: set[str] = set()
    timed = []
    while queue and len(timed) < limit:
        path, depth = queue.pop(0)
        if kind_of(path) in seen:
            continue
        seen.add(kind_of(path))
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        timed.append((cpu, wall, response.status_code, len(response.content), path))
        print(f"  {cpu:7.3f} {wall:7.3f} {response.status_code} {path}", flush=True)
        if response.status_code != 200 or "html" not in response.get(
            "Content-Type", ""
        ):
            continue
        links = Links()
        links.feed(response.content.decode())
        queue += [(p, 1) for p in pages_only(links.found["sub"])]
        if depth <= 1:
            waiting = seen | {kind_of(q) for q, _ in queue}
            new = [p for p in pages_only(links.found["table"])]
            queue += [(p, 2) for p in new if kind_of(p) not in waiting][:1]
    return timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--users", default="hq,town_a")
    parser.add_argument("--limit", type=int, default=400, help="pages per user")
    args = parser.parse_args()
    if not args.database_url and not (args.db and args.db.exists()):
        parser.error("--db 指向 bench/pages.py 建好的数据库文件，或给 --database-url")
    os.environ["KEQI_DATABASE_URL"] = args.database_url or f"sqlite:///{args.db}"
    os.environ.setdefault("KEQI_VAR_DIR", str((args.db or Path("/tmp")).parent))
    os.environ.setdefault("KEQI_BUSINESS_DATE", AS_OF)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keqi.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from keqi.core.testing import persona
    from keqi.registry.models import Enterprise

    call_command("migrate", verbosity=0)
    print(f"enterprises: {Enterprise.objects.count()}")
    worst = 0.0
    for name in args.users.split(","):
        client = Client()
        client.force_login(persona(name))
        print(f"{name}: CPU s, wall s, status, page")
        timed = crawl(client, args.limit)
        failed = [t for t in timed if t[2] >= 500]
        print(f"{name}: {len(timed)} pages, {len(failed)} with a server error")
        for cpu, wall, status, size, path in sorted(timed, reverse=True)[:15]:
            print(
                f"{name:7} {cpu:7.3f} {wall:7.3f} {size / 1024:8.1f} KB {status} {path}"
            )
        worst = max([worst, *(t[0] for t in timed)])
    print(f"seconds: {worst:.3f}")


if __name__ == "__main__":
    main()
