"""Long full-list downloads (reserve lists, R&D lists and workbook, reminders) are
written by the background worker with progress; short ones at once; either way
the same workbook, within the requester's scope as it was when they asked."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from keqi.accounts.models import Area, Unit
from keqi.core import exports
from keqi.core.downloads import download_execute, downloads_sweep, media_path
from keqi.core.models import Download, DownloadState
from keqi.core.testing import add_figures, persona
from keqi.cultivation.tests.test_library_views import client_for
from keqi.cultivation.tests.test_rd_views import M
from keqi.cultivation.tests.test_reserve import firms  # noqa: F401

pytestmark = pytest.mark.django_db
RESERVE = "/cultivation/reserve/tech_sme/?on=2019-09-30&format=xlsx"
RD_LIST = "/cultivation/rd/list/?year=2018&show=reporting&format=xlsx"
RD_BOOK = "/cultivation/rd/export.xlsx?year=2018"
REMINDERS = "/cultivation/reminders/?on=2020-05-10&format=xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """导出时间 on the 说明 sheet the same for the inline file and the job's."""
    at = timezone.make_aware(dt.datetime(2019, 10, 8, 9, 30))
    monkeypatch.setattr(exports.timezone, "localtime", lambda *a: at)


@pytest.fixture
def queued(firms: None, settings: Any) -> None:  # noqa: F811
    """The production set-up: the download waits for `keqi worker` (the reserve
    table is computed first, by a worker that runs at once)."""
    from keqi.cultivation.reserve import reserve_list
    from keqi.cultivation.tests.test_reserve import ON

    reserve_list(persona("hq"), "tech_sme", ON)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}


def inline(client: Client, url: str, settings: Any) -> bytes:
    settings.KEQI_DOWNLOAD_INLINE_MAX = 10_000
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    return response.content


def in_background(client: Client, url: str, settings: Any) -> tuple[Download, str]:
    """Ask for the download with a threshold of 0 rows: the page of the job."""
    settings.KEQI_DOWNLOAD_INLINE_MAX = 0
    response = client.get(url)
    assert response.status_code == 302 and "/downloads/" in response["Location"]
    found = Download.objects.latest("pk")
    return found, response["Location"]


def fetch(client: Client, found: Download) -> bytes:
    response = client.get(f"/downloads/{found.pk}/file")
    assert response.status_code == 200
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


def sheets(content: bytes) -> dict[str, list[tuple[Any, ...]]]:
    book = load_workbook(io.BytesIO(content))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def widths(content: bytes) -> dict[str, dict[str, float]]:
    book = load_workbook(io.BytesIO(content))
    return {
        ws.title: {k: d.width for k, d in ws.column_dimensions.items()}
        for ws in book.worksheets
    }


def table_names(content: bytes) -> list[str]:
    rows = next(iter(sheets(content).values()))
    return [row[2] for row in rows[1:]]


@pytest.mark.parametrize("who", ["hq", "town_a", "member"])
def test_the_reserve_jobs_file_is_the_inline_file(
    firms: None,  # noqa: F811
    who: str,
    settings: Any,
    fixed_clock: None,
) -> None:
    client = client_for(persona(who))
    direct = inline(client, RESERVE, settings)
    found, page = in_background(client, RESERVE, settings)
    text = client.get(page).content.decode()
    assert "已完成" in text and f"/downloads/{found.pk}/file" in text
    prepared = fetch(client, found)
    assert sheets(prepared) == sheets(direct)
    assert widths(prepared) == widths(direct)
    names = table_names(prepared)
    assert "接近企业" in names
    assert ("口东接近企业" in names) == (who != "town_a")


@pytest.mark.parametrize("url", [RD_LIST, RD_BOOK])
def test_the_rd_jobs_file_is_the_inline_file(
    url: str, town_b: Any, settings: Any, fixed_clock: None
) -> None:
    from keqi.core.testing import make_enterprise

    for area, name in (("dakoutun", "大口屯研发"), ("koudong", "口东研发")):
        e = make_enterprise(area, name=name)
        add_figures(e, 2018, rd_expense=M("100"), sales_revenue=M("2000"))
    client = client_for(town_b)
    direct = inline(client, url, settings)
    found, _ = in_background(client, url, settings)
    prepared = fetch(client, found)
    assert sheets(prepared) == sheets(direct)
    text = str(sheets(prepared))
    assert "口东研发" in text and "大口屯研发" not in text
    assert found.total >= 1 and found.done == found.total


def test_the_reminders_jobs_file_is_the_inline_file(
    town_a: Any, settings: Any, fixed_clock: None
) -> None:
    from keqi.core.testing import make_enterprise
    from keqi.cultivation.tests.helpers import D, grant
    from keqi.registry.models import QualificationKind as K

    grant(make_enterprise("dakoutun", name="本镇高企"), K.HIGH_TECH, D(2018, 12, 1))
    grant(make_enterprise("koudong", name="他镇高企"), K.HIGH_TECH, D(2018, 12, 1))
    client = client_for(town_a)
    direct = inline(client, REMINDERS, settings)
    found, _ = in_background(client, REMINDERS, settings)
    prepared = fetch(client, found)
    assert sheets(prepared) == sheets(direct)
    assert "本镇高企" in str(sheets(prepared)) and "他镇高企" not in str(
        sheets(prepared)
    )


def test_a_short_list_is_still_downloaded_at_once(
    firms: None,  # noqa: F811
    hq: Any,
) -> None:
    response = client_for(hq).get(RESERVE)
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert not Download.objects.exists()


def test_a_town_job_holds_its_town_as_it_was_when_asked(
    firms: None,  # noqa: F811
    town_a: Any,
    hq: Any,
    settings: Any,
    queued: None,
) -> None:
    """The unit moves to another town before the worker runs: the file still
    holds the town of the request only, and the moved user may no longer fetch it."""
    client = client_for(town_a)
    found, _ = in_background(client, RESERVE, settings)
    assert found.state == DownloadState.QUEUED and found.area is not None
    assert found.area.code == "dakoutun"
    Unit.objects.filter(pk=town_a.unit_id).update(area=Area.objects.get(code="koudong"))
    download_execute(found.pk)
    names = table_names(fetch(client_for(hq), found))
    assert "接近企业" in names and "口东接近企业" not in names
    assert (
        client_for(persona("town_a")).get(f"/downloads/{found.pk}/").status_code == 404
    )


@pytest.mark.parametrize("other", ["town_b", "member", "leader"])
def test_someone_elses_download_is_404(
    firms: None,  # noqa: F811
    town_a: Any,
    other: str,
    settings: Any,
) -> None:
    found, _ = in_background(client_for(town_a), RESERVE, settings)
    assert found.state == DownloadState.DONE
    stranger = client_for(persona(other))
    assert stranger.get(f"/downloads/{found.pk}/").status_code == 404
    assert stranger.get(f"/downloads/{found.pk}/file").status_code == 404


def test_hq_of_the_same_district_may_fetch_a_towns_download(
    firms: None,  # noqa: F811
    town_a: Any,
    hq: Any,
    settings: Any,
) -> None:
    found, _ = in_background(client_for(town_a), RESERVE, settings)
    names = table_names(fetch(client_for(hq), found))
    assert "口东接近企业" not in names and "接近企业" in names


def test_the_page_shows_progress_then_the_link(
    firms: None,  # noqa: F811
    hq: Any,
    settings: Any,
    queued: None,
) -> None:
    client = client_for(hq)
    found, page = in_background(client, RESERVE, settings)
    text = client.get(page).content.decode()
    assert "排队中" in text and 'http-equiv="refresh"' in text
    assert f"列表较长（{found.total} 行）" in text
    assert client.get(f"/downloads/{found.pk}/file").status_code == 404
    Download.objects.filter(pk=found.pk).update(state=DownloadState.RUNNING, done=2)
    text = client.get(page).content.decode()
    assert f"已写出 2 / {found.total} 行" in text
    download_execute(found.pk)
    text = client.get(page).content.decode()
    assert "已完成" in text and 'http-equiv="refresh"' not in text
    assert f"/downloads/{found.pk}/file" in text


def test_a_download_with_no_progress_says_the_worker_may_have_stopped(
    firms: None,  # noqa: F811
    hq: Any,
    settings: Any,
    queued: None,
) -> None:
    client = client_for(hq)
    found, page = in_background(client, RESERVE, settings)
    Download.objects.filter(pk=found.pk).update(
        updated_at=timezone.now() - dt.timedelta(minutes=11)
    )
    text = client.get(page).content.decode()
    assert "可能已中断" in text and 'http-equiv="refresh"' not in text


def test_a_failure_is_shown_in_chinese_and_leaves_no_file(
    firms: None,  # noqa: F811
    hq: Any,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from keqi.cultivation import exports as cultivation_exports

    def broken(*args: Any) -> Any:
        raise RuntimeError("disk full")

    monkeypatch.setattr(cultivation_exports, "_score", broken)
    client = client_for(hq)
    found, page = in_background(client, RESERVE, settings)
    found.refresh_from_db()
    assert found.state == DownloadState.FAILED and not found.path
    text = client.get(page).content.decode()
    assert "生成文件时出错，未生成文件" in text and "disk full" not in text
    assert 'href="/cultivation/reserve/tech_sme/?on=2019-09-30">返回列表页' in text
    assert client.get(f"/downloads/{found.pk}/file").status_code == 404
    assert not list(media_path("downloads").glob("*/*"))


def test_old_downloads_and_their_files_are_removed(
    firms: None,  # noqa: F811
    hq: Any,
    settings: Any,
) -> None:
    client = client_for(hq)
    old, _ = in_background(client, RESERVE, settings)
    old.refresh_from_db()
    folder = media_path(old.path).parent
    assert folder.is_dir()
    Download.objects.filter(pk=old.pk).update(
        finished_at=timezone.now() - dt.timedelta(hours=73)
    )
    stuck = Download.objects.create(
        kind="cultivation.reserve", title="x", user=hq, role=hq.role
    )
    Download.objects.filter(pk=stuck.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=73)
    )
    assert downloads_sweep() == 2
    assert not folder.exists() and not Download.objects.filter(pk=old.pk).exists()
    assert client.get(f"/downloads/{old.pk}/").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/cultivation/libraries/high_tech/?on=2019-12-31&format=xlsx",
        "/cultivation/tiers/?on=2019-12-31&format=xlsx",
    ],
)
def test_library_and_tier_jobs_file_is_the_inline_file(
    url: str, town_b: Any, settings: Any, fixed_clock: None
) -> None:
    from keqi.core.testing import make_enterprise
    from keqi.cultivation.tests.helpers import D, grant
    from keqi.registry.models import QualificationKind as K

    grant(make_enterprise("dakoutun", name="大口屯高企"), K.HIGH_TECH, D(2018, 1, 1))
    grant(make_enterprise("koudong", name="口东高企"), K.HIGH_TECH, D(2018, 1, 1))
    client = client_for(town_b)
    direct = inline(client, url, settings)
    found, _ = in_background(client, url, settings)
    prepared = fetch(client, found)
    assert sheets(prepared) == sheets(direct)
    assert "口东高企" in str(sheets(prepared))
    assert "大口屯高企" not in str(sheets(prepared))
