"""Workbook import through the API: the web import's checks, all or nothing,
errors by sheet, row and column in Chinese, a preview that writes nothing."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from keqi.api.services import ApiAction
from keqi.api.tests.helpers import Api, api_as
from keqi.core.audit import AuditAction
from keqi.core.models import AuditEvent
from keqi.core.testing import load_baodi, make_enterprise
from keqi.registry.models import Enterprise
from keqi.registry.tests.workbook_helpers import E1, ERRORS_XLSX, GOOD_XLSX, dump

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def areas(db: None) -> None:
    load_baodi()


def _upload(path: Path, name: str = "") -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes())


def _send(api: Api, path: Path, **fields: Any) -> Any:
    data = {"file": _upload(path), **fields}
    return api.post("/api/v1/imports/", data, format="multipart")


def test_a_dry_run_previews_the_changes_and_writes_nothing() -> None:
    hq = api_as("hq")
    before = dump()
    response = _send(hq, GOOD_XLSX, dry_run="true")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["dry_run"] is True and body["applied"] is False and body["changed"]
    assert body["counts"]["年度数据"] == {"created": 7, "updated": 0, "unchanged": 0}
    assert any(c["outcome"] == "created" for c in body["changes"])
    assert dump() == before


def test_an_import_applies_everything_and_is_audited_with_the_token() -> None:
    response = _send(api_as("hq"), GOOD_XLSX)
    assert response.status_code == 200
    assert response.json()["applied"] is True
    assert Enterprise.objects.filter(uscc=E1).exists()
    assert AuditEvent.objects.filter(action=AuditAction.WORKBOOK_IMPORT).count() == 1
    noted = AuditEvent.objects.get(action=ApiAction.WRITE)
    assert noted.actor.username == "hq" and "workbook_good.xlsx" in noted.reason
    assert noted.target_type == "api.apitoken"
    again = _send(api_as("hq"), GOOD_XLSX).json()
    assert again["changed"] is False and again["counts"]["年度数据"]["unchanged"] == 7


def test_a_workbook_with_errors_changes_nothing_and_lists_each_cell() -> None:
    hq = api_as("hq")
    before = dump()
    response = _send(hq, ERRORS_XLSX)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_workbook"
    assert body["detail"].startswith("导入未执行：发现 14 处错误")
    first = body["cell_errors"][0]
    assert first["sheet"] == "企业基本信息" and first["row"] == 2
    assert first["column"].startswith("统一社会信用代码")
    assert first["message"].startswith("统一社会信用代码校验位错误")
    assert body["errors"]["file"][0].startswith(
        "企业基本信息 · 第2行 · 统一社会信用代码"
    )
    assert dump() == before


def test_a_preview_fingerprint_applies_only_what_was_previewed() -> None:
    hq = api_as("hq")
    preview = _send(hq, GOOD_XLSX, dry_run="true").json()
    make_enterprise("dakoutun", uscc=E1, name="已被他人修改的名称")
    stale = _send(hq, GOOD_XLSX, expected_fingerprint=preview["fingerprint"])
    assert stale.status_code == 400
    assert "预览之后企业库或文件已有变化" in stale.json()["cell_errors"][0]["message"]
    fresh = _send(hq, GOOD_XLSX, dry_run="true").json()
    applied = _send(hq, GOOD_XLSX, expected_fingerprint=fresh["fingerprint"])
    assert applied.status_code == 200 and applied.json()["applied"] is True


@pytest.mark.parametrize("who", ["leader", "member"])
def test_roles_that_do_not_edit_the_registry_get_403(who: str) -> None:
    response = _send(api_as(who), GOOD_XLSX)
    assert response.status_code == 403
    assert not Enterprise.objects.exists()


def test_a_town_token_importing_another_towns_rows_gets_errors_per_row() -> None:
    response = _send(api_as("town_a"), GOOD_XLSX)
    assert response.status_code == 400
    messages = [e["message"] for e in response.json()["cell_errors"]]
    assert any("只能导入本街镇/园区的企业" in m for m in messages)
    assert not Enterprise.objects.exists()


def test_a_file_of_another_type_or_no_file_is_400_in_chinese() -> None:
    hq = api_as("hq")
    text = SimpleUploadedFile("说明.txt", b"hello")
    wrong = hq.post("/api/v1/imports/", {"file": text}, format="multipart")
    assert wrong.status_code == 400
    assert wrong.json()["errors"]["file"][0].startswith("只能导入 .xlsx")
    missing = hq.post("/api/v1/imports/", {"dry_run": "true"}, format="multipart")
    assert missing.status_code == 400 and "file" in missing.json()["errors"]


def test_a_damaged_xlsx_is_a_400_not_a_server_error() -> None:
    junk = SimpleUploadedFile("坏文件.xlsx", io.BytesIO(b"PK\x03\x04junk").read())
    response = api_as("hq").post("/api/v1/imports/", {"file": junk}, format="multipart")
    assert response.status_code == 400
    assert response.json()["cell_errors"][0]["row"] == 0


def test_json_instead_of_an_upload_is_415_in_chinese() -> None:
    response = api_as("hq").post("/api/v1/imports/", {"file": "x"})
    assert response.status_code == 415
    assert "multipart/form-data" in response.json()["detail"]


@pytest.mark.django_db(transaction=True)
def test_the_file_is_read_outside_any_transaction_so_no_write_lock_is_held(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django.db import connection

    from keqi.registry.workbook import importer

    in_transaction: list[bool] = []
    read = importer.read_workbook

    def watched(path: Path) -> Any:
        in_transaction.append(connection.in_atomic_block)
        return read(path)

    monkeypatch.setattr(importer, "read_workbook", watched)
    response = _send(api_as("hq"), GOOD_XLSX)
    assert response.status_code == 200 and response.json()["applied"] is True
    # read once to check and plan; only the apply opened a transaction
    assert in_transaction == [False]
    assert AuditEvent.objects.filter(action=ApiAction.WRITE).count() == 1


def test_an_upload_over_the_size_limit_is_a_400_in_chinese(settings: Any) -> None:
    settings.KEQI_IMPORT_MAX_MB = 1
    big = SimpleUploadedFile("大文件.xlsx", b"PK" + b"\0" * 1_500_000)
    response = api_as("hq").post("/api/v1/imports/", {"file": big}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"]["file"] == [
        "文件过大：本文件约 1.4 MB，最多 1 MB，请拆分为几个较小的文件分别导入"
    ]
