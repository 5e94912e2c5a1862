"""Full-list downloads that may be large: written at once when small, otherwise by
the background worker with progress, then fetched from the download's page.

An app declares a download once, in its ``downloads`` module::

    @downloadable("cultivation.reserve")
    def reserve(user, params) -> Prepared: ...

The function reads the list's filters from ``params`` (the page's query) exactly
as the page does and returns a :class:`Prepared`: the file's name, how many rows
it will write and how to write it. A view calls :func:`offer`; the same function
makes the inline file and the worker's file, so the two are the same workbook.

The worker builds the list for the requester's scope *as it was when asked*
(role, district, area, stored on the :class:`~keqi.core.models.Download`), so a
town user's file only ever holds that town's rows. Only the requester, or an HQ
administrator of the same district, may see the page and fetch the file; old
files are removed after ``KEQI_DOWNLOAD_KEEP_HOURS``.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import importlib
import io
import secrets
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sized
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from django.conf import settings
from django.db import OperationalError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from keqi.accounts.models import Role
from keqi.accounts.scopes import sees_every_district
from keqi.core.exports import XLSX, ListExport, data_version, write_list_xlsx
from keqi.core.models import Download, DownloadState

#: Rows written at once by default; a longer list goes to the background worker
#: (``KEQI_DOWNLOAD_INLINE_MAX``).
INLINE_MAX = 1000
#: Hours a prepared file is kept (``KEQI_DOWNLOAD_KEEP_HOURS``).
KEEP_HOURS = 72
#: Seconds between two progress writes to the database.
PROGRESS_EVERY = 1.0
FAILED = (
    "生成文件时出错，未生成文件。请返回列表页重新下载；如仍出错，请联系系统管理员。"
)
USER_GONE = "发起人账号已停用，未生成文件。"

Tick = Callable[[int], None]
#: Requesters whose downloads their district's HQ administrators may fetch too.
BUSINESS_ROLES = (
    Role.HQ_ADMIN,
    Role.LEADER,
    Role.AUDITOR,
    Role.MEMBER,
    Role.AREA_STAFF,
)


@dataclass(frozen=True)
class Prepared:
    """A download ready to be written: its file name, its rows (for progress;
    0 when unknown) and the writer (``write(out, tick)`` calls ``tick(n)`` after
    every n rows)."""

    filename: str
    total: int
    write: Callable[[IO[bytes], Tick], None]
    content_type: str = XLSX


Builder = Callable[[Any, Mapping[str, str]], Prepared]
_BUILDERS: dict[str, Builder] = {}


def downloadable(kind: str) -> Callable[[Builder], Builder]:
    """Register a download ``"<app>.<name>"`` (its module: keqi.<app>.downloads)."""

    def register(build: Builder) -> Builder:
        _BUILDERS[kind] = build
        return build

    return register


def builder(kind: str) -> Builder:
    """The function registered for `kind` (its app's downloads module is loaded)."""
    if kind not in _BUILDERS:
        app = kind.split(".", 1)[0]
        with contextlib.suppress(ModuleNotFoundError):
            importlib.import_module(f"keqi.{app}.downloads")
    try:
        return _BUILDERS[kind]
    except KeyError:
        raise LookupError(kind) from None


def counted(rows: Iterable[Any], tick: Tick) -> Iterator[Any]:
    """The rows, calling ``tick(1)`` after each one is handed out."""
    for row in rows:
        yield row
        tick(1)


def rows_total(rows: Iterable[Any]) -> int:
    """How many rows a list has, when it can say so without reading them."""
    return len(rows) if isinstance(rows, Sized) else 0


def who_of(user: Any) -> str:
    """The requester as the 说明 sheet names them."""
    return f"{user}（{getattr(user, 'unit', '') or '系统'}）"


def list_prepared(export: ListExport, user: Any, total: int | None = None) -> Prepared:
    """A :class:`ListExport` (table and 说明 sheets) as a download; `total` when
    its rows cannot be counted by ``len``."""
    day = export.as_of or timezone.localdate()

    def write(out: IO[bytes], tick: Tick) -> None:
        counting = ListExport(
            title=export.title,
            columns=export.columns,
            rows=counted(export.rows, tick),
            filters=export.filters,
            as_of=export.as_of,
        )
        write_list_xlsx(out, counting, who_of(user), data_version())

    return Prepared(
        f"{export.title}_{day:%Y%m%d}.xlsx",
        rows_total(export.rows) if total is None else total,
        write,
    )


def inline_max() -> int:
    return int(getattr(settings, "KEQI_DOWNLOAD_INLINE_MAX", INLINE_MAX))


def query_params(request: HttpRequest, **extra: str) -> dict[str, str]:
    """The page's filters (paging and format left out) and what the URL names."""
    params = {
        k: str(v)
        for k, v in request.GET.items()
        if k not in ("page", "epage", "format")
    }
    return params | extra


def offer(request: HttpRequest, kind: str, **extra: str) -> HttpResponse:
    """The download `kind` of the page's list: the file at once when it has up to
    ``KEQI_DOWNLOAD_INLINE_MAX`` rows, else a background download and its page."""
    params = query_params(request, **extra)
    prepared = builder(kind)(request.user, params)
    if prepared.total > inline_max():
        found = download_request(
            user=request.user,
            kind=kind,
            params=params,
            title=Path(prepared.filename).stem,
            total=prepared.total,
            origin=list_page(request),
        )
        return redirect("download", found.pk)
    buffer = io.BytesIO()
    prepared.write(buffer, lambda n: None)
    return file_response(buffer.getvalue(), prepared.filename, prepared.content_type)


def list_page(request: HttpRequest) -> str:
    """The page the download was asked from, with its filters (a workbook's
    address ``…/export.xlsx`` leads back to the page it belongs to)."""
    query = request.GET.copy()
    query.pop("format", None)
    path = request.path.removesuffix("export.xlsx")
    return f"{path}?{query.urlencode()}" if query else path


def file_response(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


# --- the scope captured when asked -------------------------------------------


def _scope_of(user: Any) -> tuple[str, bool, int | None, int | None]:
    unit = getattr(user, "unit", None)
    return (
        str(user.role),
        bool(user.is_superuser),
        unit.district_id if unit is not None else None,
        unit.area_id if unit is not None else None,
    )


def scoped_user(download: Download) -> Any:
    """The requester as they were when they asked: role, district and area as
    stored on the download (a copy; nothing is saved)."""
    user = copy.copy(download.user)
    user.role = download.role
    user.is_superuser = download.superuser
    unit = copy.copy(user.unit) if user.unit is not None else None
    if unit is not None:
        unit.district_id = download.district_id
        unit.area_id = download.area_id
        user.unit = unit
    elif download.district_id is not None or download.area_id is not None:
        raise Http404("发起人单位已不存在")
    return user


def download_request(
    *,
    user: Any,
    kind: str,
    params: Mapping[str, str],
    title: str,
    total: int,
    origin: str = "",
) -> Download:
    """Record a download with the requester's scope now and queue it."""
    downloads_sweep()
    role, superuser, district, area = _scope_of(user)
    found = Download.objects.create(
        kind=kind,
        title=title[:200],
        params=dict(params),
        origin=origin[:1000],
        user=user,
        role=role,
        superuser=superuser,
        district_id=district,
        area_id=area,
        total=total,
    )
    from keqi.core.tasks import download_task

    download_task.enqueue(found.pk)
    found.refresh_from_db()
    return found


def media_path(relative: str) -> Path:
    return Path(settings.MEDIA_ROOT) / relative


def _progress(download: Download) -> Tick:
    state = {"done": 0, "last": time.monotonic()}

    def tick(n: int) -> None:
        state["done"] += n
        now = time.monotonic()
        if now - state["last"] >= PROGRESS_EVERY:
            state["last"] = now
            # SQLite busy with another writer: this mark is skipped, not fatal.
            with contextlib.suppress(OperationalError):
                Download.objects.filter(pk=download.pk).update(
                    done=state["done"], updated_at=timezone.now()
                )

    return tick


def download_execute(download_id: int) -> Download:
    """The worker's part: build the list for the scope stored on the download,
    write its file under MEDIA_ROOT/downloads/, record where and how large."""
    download = Download.objects.select_related("user__unit").get(pk=download_id)
    if not download.in_progress:
        return download  # already finished (a task run twice)
    if not download.user.is_active:
        download_fail(download, USER_GONE)
        return download
    download.state = DownloadState.RUNNING
    download.save(update_fields=["state", "updated_at"])
    prepared = builder(download.kind)(scoped_user(download), download.params)
    relative = (
        f"downloads/{download.pk}-{secrets.token_urlsafe(12)}/{prepared.filename}"
    )
    target = media_path(relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with target.open("wb") as out:
            prepared.write(out, _progress(download))
    except BaseException:
        shutil.rmtree(target.parent, ignore_errors=True)
        raise
    download.state = DownloadState.DONE
    download.filename, download.path = prepared.filename, relative
    download.size = target.stat().st_size
    download.total = max(download.total, prepared.total)
    download.done = download.total
    download.finished_at = timezone.now()
    download.save()
    return download


def download_fail(download: Download, message: str = FAILED) -> None:
    """A download that stopped: say so in Chinese, keep no half-written file."""
    Download.objects.filter(pk=download.pk).update(
        state=DownloadState.FAILED,
        error=message[:500],
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )


# --- who may see it, and how long it is kept ----------------------------------


def download_get_for(user: Any, pk: int) -> Download:
    """The download `pk` if `user` may see it: its requester (while their scope
    is still the one it was made for), or an active HQ administrator of the same
    district; anything else is a 404."""
    found = Download.objects.filter(pk=pk).select_related("user").first()
    if found is None or not _may_see(user, found):
        raise Http404("下载不存在或已过期")
    return found


def _may_see(user: Any, download: Download) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if download.user_id == user.pk:
        role, superuser, district, area = _scope_of(user)
        return (role, superuser, district, area) == (
            download.role,
            download.superuser,
            download.district_id,
            download.area_id,
        )
    if user.role != Role.HQ_ADMIN or sees_every_district(user):
        return False
    if download.superuser or download.role not in BUSINESS_ROLES:
        return False  # e.g. the security auditor's log export (三员分立)
    district = user.unit.district_id if user.unit is not None else None
    return district is not None and district == download.district_id


def keep_for() -> dt.timedelta:
    return dt.timedelta(
        hours=int(getattr(settings, "KEQI_DOWNLOAD_KEEP_HOURS", KEEP_HOURS))
    )


def downloads_sweep(now: dt.datetime | None = None) -> int:
    """Remove downloads (and their files) finished more than the keeping time
    ago, or asked for that long ago and never finished; returns how many."""
    cutoff = (now or timezone.now()) - keep_for()
    never = Q(finished_at__isnull=True, created_at__lt=cutoff)
    old = list(Download.objects.filter(Q(finished_at__lt=cutoff) | never))
    for download in old:
        if download.path:
            shutil.rmtree(media_path(download.path).parent, ignore_errors=True)
    Download.objects.filter(pk__in=[d.pk for d in old]).delete()
    return len(old)


def download_file(download: Download) -> Path:
    """The finished download's file (404 when not finished or gone)."""
    if download.state != DownloadState.DONE or not download.path:
        raise Http404("文件尚未生成")
    path = media_path(download.path)
    if not path.is_file():
        raise Http404("文件已过期，请返回列表页重新下载")
    return path
