"""Finding every GET page a signed-in user can reach, and the query parameters each
page reads, for the hostile-input tests.

Pages come from the URL resolver: every pattern without path arguments, plus one
concrete link for each pattern with arguments (ids, slugs) taken from the pages
themselves, so ids are real rows the persona can see. Query parameter names are
the ones a view actually reads (recorded while the page is served) and the ones
the page's own links and forms use.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from unittest import mock
from urllib.parse import parse_qsl, urlsplit

from django.http import QueryDict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

# Pages that end the session or only answer a POST are no use for query fuzzing.
SKIPPED_NAMES = {"logout"}
_HREF = re.compile(r"""(?:href|action)="([^"#]*)\"""")
_INPUT_NAME = re.compile(r"""<(?:input|select|textarea)[^>]*\bname="([^"]+)\"""")


@dataclass
class Page:
    """One GET page and the query parameters it reads."""

    url: str
    params: set[str] = field(default_factory=set)


def _walk(
    patterns: list[URLPattern | URLResolver], prefix: str = ""
) -> Iterator[tuple[str, URLPattern]]:
    for item in patterns:
        if isinstance(item, URLResolver):
            yield from _walk(item.url_patterns, prefix + str(item.pattern))
        else:
            yield prefix + str(item.pattern), item


def route_list() -> list[tuple[str, bool]]:
    """Every route of the site as (route, has path arguments)."""
    routes = []
    for route, pattern in _walk(get_resolver().url_patterns):
        if pattern.name in SKIPPED_NAMES or route.startswith("api/^"):
            continue
        routes.append((route, bool(pattern.pattern.regex.groupindex)))
    return routes


@contextmanager
def recording_query_reads() -> Iterator[set[str]]:
    """The names every QueryDict is asked for while the block runs."""
    seen: set[str] = set()
    originals = {
        name: getattr(QueryDict, name)
        for name in ("get", "__getitem__", "getlist", "__contains__")
    }

    def wrap(name: str) -> Any:
        original = originals[name]

        def recorder(self: QueryDict, key: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(key, str):
                seen.add(key)
            return original(self, key, *args, **kwargs)

        return recorder

    with mock.patch.multiple(QueryDict, **{n: wrap(n) for n in originals}):
        yield seen


def _route_of(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.route


def discover(client: Client) -> list[Page]:
    """The GET pages the client's user reaches, each with the names it reads."""
    routes = route_list()
    fixed = [f"/{route}" for route, has_args in routes if not has_args]
    with_args = {route for route, has_args in routes if has_args}
    pages = {url: Page(url) for url in fixed}
    queue = list(fixed)
    while queue:
        url = queue.pop(0)
        with recording_query_reads() as seen:
            response = client.get(url)
        page = pages.setdefault(url, Page(url))
        page.params |= seen
        if response.status_code != 200 or "html" not in response.get("Content-Type"):
            continue
        text = response.content.decode()
        page.params |= set(_INPUT_NAME.findall(text)) - {"csrfmiddlewaretoken"}
        for link in _HREF.findall(text):
            parts = urlsplit(link.replace("&amp;", "&"))
            if parts.netloc or not parts.path.startswith("/"):
                continue
            target = _route_of(parts.path)
            names = {k for k, _ in parse_qsl(parts.query, keep_blank_values=True)}
            if parts.path in pages:
                pages[parts.path].params |= names
            elif target in with_args:
                with_args.discard(target)
                pages[parts.path] = Page(parts.path, names)
                queue.append(parts.path)
    return list(pages.values())
