"""The audit trail's download goes through the background downloads: at once when
short, by the worker with progress when long, the same workbook either way; the
file is the audit administrator's alone (not another district's users', nor their
own district's HQ administrator's: 三员分立)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from keqi.accounts.models import Role, Unit, User
from keqi.accounts.services import district_config_load, district_init, user_create
from keqi.accounts.tests.conftest import client_for
from keqi.core import exports
from keqi.core.models import Download, DownloadState
from keqi.core.testing import PASSWORD, persona

pytestmark = pytest.mark.django_db
AUDIT = "/accounts/audit/"
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
def trail(db: None) -> User:
    """A few account changes by the system administrator, one formula-like name."""
    admin = persona("sysadmin")
    for i, name in enumerate(["钱九", "孙十", "=HYPERLINK(1)"]):
        user_create(
            username=f"staff{i}",
            password="Chushi-2019a",
            unit=Unit.objects.get(code="gxj"),
            role=Role.MEMBER,
            full_name=name,
            actor=admin,
            reason="新入职",
        )
    return persona("auditadmin")


def inline(client: Client, query: str, settings: Any) -> bytes:
    settings.KEQI_DOWNLOAD_INLINE_MAX = 10_000
    response = client.get(f"{AUDIT}?{query}")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    return response.content


def in_background(client: Client, query: str, settings: Any) -> Download:
    settings.KEQI_DOWNLOAD_INLINE_MAX = 0
    response = client.get(f"{AUDIT}?{query}")
    assert response.status_code == 302 and "/downloads/" in response["Location"]
    return Download.objects.latest("pk")


def fetch(client: Client, found: Download) -> bytes:
    response = client.get(f"/downloads/{found.pk}/file")
    assert response.status_code == 200
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


def sheets(content: bytes) -> dict[str, list[tuple[Any, ...]]]:
    book = load_workbook(io.BytesIO(content))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


@pytest.mark.parametrize("query", ["format=xlsx", "who=sysadmin&format=xlsx"])
def test_the_jobs_file_is_the_inline_file(
    trail: User, query: str, settings: Any, fixed_clock: None, immediate_tasks: None
) -> None:
    client = client_for(trail)
    direct = inline(client, query, settings)
    found = in_background(client, query, settings)
    assert found.kind == "accounts.audit" and found.state == DownloadState.DONE
    filters = query.removesuffix("format=xlsx").rstrip("&")
    assert found.origin == (f"{AUDIT}?{filters}" if filters else AUDIT)
    page = client.get(f"/downloads/{found.pk}/").content.decode()
    assert "已完成" in page and f"/downloads/{found.pk}/file" in page
    prepared = fetch(client, found)
    assert sheets(prepared) == sheets(direct)
    table = sheets(prepared)["操作记录"]
    assert table[0][:3] == ("时间", "操作人", "操作")
    assert {row[3] for row in table[1:]} >= {"user.create"}
    assert "'=HYPERLINK(1)" in str(table) and found.total == len(table) - 1
    about = dict(sheets(prepared)["说明"])
    assert about["记录数"] == found.total


def other_district_users() -> dict[str, User]:
    """Another district's audit administrator and HQ officer."""
    persona("hq")
    district_init(config=district_config_load("shifan"))
    unit = Unit.objects.get(code="sf-hq")
    return {
        role: user_create(
            username=f"sf_{role}",
            password=PASSWORD,
            unit=unit,
            role=role,
            full_name=f"示范区{role}",
        )
        for role in (Role.AUDIT_ADMIN, Role.HQ_ADMIN)
    }


def test_no_one_else_may_see_or_fetch_the_audit_trails_file(
    trail: User, settings: Any, immediate_tasks: None
) -> None:
    found = in_background(client_for(trail), "format=xlsx", settings)
    assert fetch(client_for(trail), found)
    others = [*other_district_users().values(), persona("hq"), persona("sysadmin")]
    for user in others:
        client = client_for(user)
        assert client.get(f"/downloads/{found.pk}/").status_code == 404, user.role
        assert client.get(f"/downloads/{found.pk}/file").status_code == 404


def test_only_the_audit_administrator_may_ask_for_it(trail: User) -> None:
    for name in ("hq", "sysadmin", "secadmin"):
        assert client_for(persona(name)).get(f"{AUDIT}?format=xlsx").status_code == 403
    assert not Download.objects.exists()


def test_the_worker_refuses_a_requester_who_is_not_the_audit_administrator(
    trail: User,
) -> None:
    from django.core.exceptions import PermissionDenied

    from keqi.core.downloads import download_request
    from keqi.core.tasks import download_task

    found = download_request(
        user=persona("hq"), kind="accounts.audit", params={}, title="操作记录", total=9
    )
    assert found.state == DownloadState.QUEUED
    with pytest.raises(PermissionDenied):
        download_task.call(found.pk)
    found.refresh_from_db()
    assert found.state == DownloadState.FAILED and not found.path
