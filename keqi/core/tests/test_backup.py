"""`keqi backup` / `keqi restore`: a restored installation shows the same pages.

The source is the test database (SQLite or PostgreSQL, whichever the suite runs
on); the target is an empty database of the same kind, restored by the real
`keqi restore` in a subprocess and then asked for its counts and pages.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import os
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.db import connection

from keqi.accounts.models import User
from keqi.cli import main
from keqi.core.backup import BackupError, backup_create, backup_restore
from keqi.core.reports import generated_report_keep
from keqi.core.testing import add_figures, make_enterprise, persona
from keqi.core.tests.backup_probe import probe
from keqi.registry.models import Enterprise

ROOT = Path(__file__).resolve().parents[3]
BUSINESS_DATE = "2019-09-30"
XLSX_BYTES = b"PK\x03\x04 a sign-in sheet \x00\x01\x02" * 50


@pytest.fixture
def source(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.VAR_DIR = tmp_path / "source"
    settings.MEDIA_ROOT = tmp_path / "source" / "media"
    settings.KEQI_BUSINESS_DATE = dt.date.fromisoformat(BUSINESS_DATE)
    return tmp_path


def build_data() -> None:
    """Personas, enterprises with figures, a kept report and an uploaded file."""
    from keqi.campaign.services import (
        plan_file_load,
        progress_report_open,
        report_attachment_add,
    )

    hq = persona("hq")
    for name in ("town_a", "town_b", "member", "leader"):
        persona(name)
    for number in range(6):
        enterprise = make_enterprise("dakoutun" if number % 2 else "koudong")
        add_figures(enterprise, 2018, revenue="1234.56", rd_expense="88.8")
    generated_report_keep(
        kind="test",
        title="攻坚行动月报",
        filename="月报.docx",
        content_type="application/octet-stream",
        content=bytes(range(256)) * 40,
        as_of=dt.date(2019, 9, 30),
        parameters={"月份": "2019-09"},
        actor=hq,
    )
    plan = plan_file_load(path=ROOT / "plans" / "baodi-2019.yaml", actor=hq).plan
    report = progress_report_open(
        plan=plan, unit=hq.unit, month=dt.date(2019, 9, 1), actor=hq
    )
    upload = ContentFile(XLSX_BYTES, "签到表.xlsx")
    report_attachment_add(report=report, upload=upload, actor=hq)
    # append-only rows (triggers): a forced restore empties and refills them too
    from keqi.funds.transfers import transfer_income_correct, transfer_income_record

    income = transfer_income_record(
        year=2019, level="city", title="市级专项（备份测试）", actor=hq,
        received_on=dt.date(2019, 7, 1), amount=Decimal("1000.00"),
    )  # fmt: skip
    transfer_income_correct(
        row=income, received_on=dt.date(2019, 7, 2), reason="测试更正", actor=hq
    )


@pytest.fixture
def target(tmp_path: Path) -> Iterator[dict[str, str]]:
    """An empty database of the suite's kind, and its own var directory."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEQI_")}
    env.update(
        KEQI_TESTING="1",
        KEQI_VAR_DIR=str(tmp_path / "target"),
        KEQI_BUSINESS_DATE=BUSINESS_DATE,
        DJANGO_SETTINGS_MODULE="keqi.settings",
    )
    if connection.vendor == "sqlite":
        env["KEQI_DATABASE_URL"] = f"sqlite:///{tmp_path / 'target' / 'keqi.sqlite3'}"
        yield env
        return
    import psycopg

    params = connection.settings_dict
    name = f"{params['NAME']}_restore"
    admin = f"host={params['HOST']} port={params['PORT']} user={params['USER']} dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as pg:
        pg.execute(f'DROP DATABASE IF EXISTS "{name}"')
        pg.execute(f'CREATE DATABASE "{name}"')
    env["KEQI_DATABASE_URL"] = (
        f"postgres://{params['USER']}@{params['HOST']}:{params['PORT']}/{name}"
    )
    yield env
    with psycopg.connect(admin, autocommit=True) as pg:
        pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def keqi(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "keqi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("logical", [False, True], ids=["native", "logical"])
def test_restore_into_an_empty_database_gives_the_same_counts_and_pages(
    source: Path, target: dict[str, str], logical: bool
) -> None:
    if logical and connection.vendor != "sqlite":
        pytest.skip("PostgreSQL backups are always the logical kind (tested as native)")
    build_data()
    archive = source / "keqi.tar.gz"
    summary = backup_create(path=archive, logical=logical)
    assert summary.database_format == (
        "django-jsonl"
        if logical
        else ("sqlite-file" if connection.vendor == "sqlite" else "django-jsonl")
    )
    before = probe()
    assert before["counts"]["registry_enterprise"] == 6
    assert before["counts"]["funds_transferincome"] == 2  # append-only, guarded
    assert all(status == 200 for status, _ in before["pages"].values())
    assert summary.files == 1
    assert (source / "keqi.tar.gz.sha256").read_text().startswith(summary.sha256)

    restored = keqi(target, "restore", str(archive))
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "各表行数与备份清单一致" in restored.stdout
    after = subprocess.run(
        [sys.executable, "-m", "keqi.core.tests.backup_probe"],
        cwd=ROOT,
        env=target,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert after.returncode == 0, after.stderr
    seen = json.loads(after.stdout)
    assert seen["counts"] == before["counts"]
    assert seen["pages"] == before["pages"]
    assert seen["new_row_numbered_after_restored_rows"] is True
    media = Path(target["KEQI_VAR_DIR"]) / "media" / "campaign" / "reports"
    assert [p.read_bytes() for p in media.rglob("*.xlsx")] == [XLSX_BYTES]

    again = keqi(target, "restore", str(archive))
    assert again.returncode == 1
    assert "目标已有数据" in again.stdout and "--force" in again.stdout
    forced = keqi(target, "restore", "--force", str(archive))
    assert forced.returncode == 0, forced.stdout + forced.stderr
    assert "原有上传文件已改名保留" in forced.stdout


def corrupt(data: bytes) -> bytes:
    middle = len(data) // 2
    return (
        data[:middle]
        + bytes(b ^ 0xFF for b in data[middle : middle + 64])
        + data[middle + 64 :]
    )


def rebuilt_with(archive: Path, name: str, content: bytes) -> bytes:
    """The same archive with one member's bytes replaced, manifest untouched."""
    out = io.BytesIO()
    with (
        tarfile.open(archive, "r:gz") as old,
        tarfile.open(fileobj=out, mode="w:gz") as new,
    ):
        for member in old:
            data = old.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == name:
                data = content
            member.size = len(data)
            new.addfile(member, io.BytesIO(data))
    return out.getvalue()


@pytest.fixture
def small_backup(source: Path, transactional_db: Any) -> Path:
    persona("hq")
    make_enterprise()
    media = Path(django_settings.MEDIA_ROOT) / "campaign"
    media.mkdir(parents=True)
    (media / "a.txt").write_bytes(b"evidence")
    return backup_create(path=source / "small.tar.gz").path


def test_a_corrupted_archive_is_refused_in_chinese_and_nothing_changes(
    small_backup: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    small_backup.write_bytes(corrupt(small_backup.read_bytes()))
    users = User.objects.count()
    assert main(["restore", "--force", str(small_backup)]) == 1
    out = capsys.readouterr().out
    assert "恢复失败" in out and "已损坏" in out and "未做任何改动" in out
    assert User.objects.count() == users and Enterprise.objects.count() == 1
    assert (Path(django_settings.MEDIA_ROOT) / "campaign" / "a.txt").exists()


def test_a_member_that_no_longer_matches_its_checksum_is_refused(
    small_backup: Path,
) -> None:
    small_backup.write_bytes(
        rebuilt_with(small_backup, "media/campaign/a.txt", b"forged")
    )
    with pytest.raises(BackupError, match="校验失败：media/campaign/a.txt 的 sha256"):
        backup_restore(path=small_backup, force=True)
    assert Enterprise.objects.count() == 1


def test_a_file_slipped_into_the_archive_is_refused(small_backup: Path) -> None:
    out = io.BytesIO()
    with (
        tarfile.open(small_backup, "r:gz") as old,
        tarfile.open(fileobj=out, mode="w:gz") as new,
    ):
        for member in old:
            new.addfile(member, old.extractfile(member))
        extra = tarfile.TarInfo("media/extra.sh")
        extra.size = 2
        new.addfile(extra, io.BytesIO(b"hi"))
    small_backup.write_bytes(out.getvalue())
    with pytest.raises(BackupError, match="清单之外的文件 media/extra.sh"):
        backup_restore(path=small_backup, force=True)


def test_a_non_keqi_archive_is_refused(source: Path, db: Any) -> None:
    other = source / "other.tar.gz"
    other.write_bytes(gzip.compress(b"not a tar at all" * 100))
    with pytest.raises(BackupError, match="已损坏或不是科企备份"):
        backup_restore(path=other)


def test_a_non_empty_target_is_refused_without_force(small_backup: Path) -> None:
    with pytest.raises(BackupError, match="目标已有数据：.*accounts_user"):
        backup_restore(path=small_backup)
    assert Enterprise.objects.count() == 1


def test_the_archive_lists_every_member_with_its_sha256(small_backup: Path) -> None:
    import hashlib

    with tarfile.open(small_backup, "r:gz") as archive:
        names = archive.getnames()
        manifest = json.load(archive.extractfile("manifest.json"))  # type: ignore[arg-type]
        for entry in manifest["files"]:
            data = archive.extractfile(entry["path"]).read()  # type: ignore[union-attr]
            assert hashlib.sha256(data).hexdigest() == entry["sha256"]
    assert names[-1] == "manifest.json"
    assert {e["path"] for e in manifest["files"]} == set(names) - {"manifest.json"}
    assert manifest["database"]["tables"]["registry_enterprise"] == 1
    assert oct(small_backup.stat().st_mode & 0o777) == "0o600"


def test_a_backup_from_a_newer_keqi_is_refused(small_backup: Path) -> None:
    with tarfile.open(small_backup, "r:gz") as archive:
        manifest = json.load(archive.extractfile("manifest.json"))  # type: ignore[arg-type]
    manifest["database"]["migrations"].append("registry.9999_from_the_future")
    newer = rebuilt_with(
        small_backup, "manifest.json", json.dumps(manifest).encode("utf-8")
    )
    small_backup.write_bytes(newer)
    with pytest.raises(BackupError, match="较新版本.*registry.9999_from_the_future"):
        backup_restore(path=small_backup, force=True)
    assert Enterprise.objects.count() == 1
