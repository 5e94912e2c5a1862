"""`keqi backup` / `keqi restore`: one archive holding the database and the files.

The archive is a .tar.gz with

- ``database/``: on SQLite a copy of the database file taken with SQLite's online
  backup API (a consistent snapshot while the server keeps running and writing);
  on PostgreSQL (and for ``--logical``) every table as Django JSON lines, read in
  one REPEATABLE READ READ ONLY transaction, so every table is seen as of the
  same instant. This needs no pg_dump (whose major version must match the
  server's, and which KingbaseES / openGauss replace by their own tools), only
  the psycopg driver keqi already has, and the dump can be restored into
  either database engine.
- ``media/``: uploaded files (MEDIA_ROOT: report attachments, pending imports),
  copied after the database snapshot. Generated reports (Word/PDF/Excel) are
  stored in the database (GeneratedReport.content) and travel with it.
- ``manifest.json`` (last): versions, migrations, row counts per table and the
  sha256 of every other member.

Restore unpacks into a scratch directory and checks every checksum before it
touches the database or the files, refuses a target that already holds data
unless told to replace it, and then checks the restored row counts against the
manifest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import sqlite3
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from keqi.core.db_guards import flush_lifting_triggers

FORMAT = "keqi-backup"
FORMAT_VERSION = 1
SQLITE_FILE = "sqlite-file"
LOGICAL = "django-jsonl"
SQLITE_MEMBER = "database/keqi.sqlite3"
CHUNK = 1024 * 1024
# Tables a fresh `keqi init` fills by itself: they do not make a target "in use".
SETUP_TABLES = {
    "django_migrations",
    "django_content_type",
    "auth_permission",
    "django_session",
    "accounts_area",
    "accounts_unit",
}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the user."""


@dataclass
class BackupSummary:
    path: Path
    sha256: str
    size: int
    database_format: str
    tables: dict[str, int]
    files: int


@dataclass
class RestoreSummary:
    database_format: str
    tables: dict[str, int]
    files: int
    created_at: str
    keqi_version: str
    moved_aside: Path | None = None
    mismatches: list[str] = field(default_factory=list)


# ------------------------------------------------------------------ backup


def backup_create(*, path: Path, logical: bool = False) -> BackupSummary:
    """Write the archive to ``path`` (through a temporary name, so a half-written
    archive never carries the final name) and ``path.sha256`` beside it."""
    if connection.in_atomic_block:
        raise BackupError("不能在数据库事务之中备份（请单独运行 keqi backup）。")
    path = path.resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    use_file = connection.vendor == "sqlite" and not logical
    fmt = SQLITE_FILE if use_file else LOGICAL
    partial = path.with_name(f".{path.name}.partial")
    entries: list[dict[str, Any]] = []
    try:
        with (
            tempfile.TemporaryDirectory(prefix="keqi-backup-") as scratch,
            tarfile.open(partial, "w:gz") as archive,
        ):
            if use_file:
                tables = _sqlite_snapshot(archive, Path(scratch), entries)
            else:
                tables = _logical_snapshot(archive, Path(scratch), entries)
            files = _add_media(archive, entries)
            manifest = _manifest(fmt, tables, entries)
            _add_bytes(archive, "manifest.json", manifest)
    except BaseException:
        partial.unlink(missing_ok=True)  # never leave half an archive behind
        raise
    partial.chmod(0o600)  # it holds password hashes and every figure
    digest = _file_sha256(partial)
    partial.replace(path)
    path.with_name(path.name + ".sha256").write_text(
        f"{digest}  {path.name}\n", encoding="utf-8"
    )
    return BackupSummary(path, digest, path.stat().st_size, fmt, tables, files)


def _sqlite_snapshot(
    archive: tarfile.TarFile, scratch: Path, entries: list[dict[str, Any]]
) -> dict[str, int]:
    copy = scratch / "keqi.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(copy)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    tables = _sqlite_counts(copy)
    _add_file(archive, SQLITE_MEMBER, copy, entries)
    return tables


def _sqlite_counts(path: Path) -> dict[str, int]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [
            row[0]
            for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type='table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {
            n: db.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names
        }
    finally:
        db.close()


def dumped_models() -> list[type[models.Model]]:
    """Every table Django manages, m2m link tables included, in a fixed order."""
    found = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and not m._meta.swapped
    ]
    return sorted(found, key=lambda m: m._meta.db_table)


def _logical_snapshot(
    archive: tarfile.TarFile, scratch: Path, entries: list[dict[str, Any]]
) -> dict[str, int]:
    tables: dict[str, int] = {}
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"
                )
        for model in dumped_models():
            name = f"{model._meta.label}.jsonl"
            out = scratch / name
            tables[model._meta.db_table] = _dump_model(model, out)
            _add_file(archive, f"database/{name}", out, entries)
            out.unlink()
    return tables


def _dump_model(model: type[models.Model], out: Path) -> int:
    fields = [f.name for f in model._meta.local_concrete_fields if not f.primary_key]
    rows = model._base_manager.order_by("pk").iterator(chunk_size=2000)
    count = 0
    serializer = serializers.get_serializer("jsonl")()
    with out.open("w", encoding="utf-8") as stream:
        for row in rows:
            serializer.serialize([row], stream=stream, fields=fields)
            count += 1
    return count


def _add_media(archive: tarfile.TarFile, entries: list[dict[str, Any]]) -> int:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return 0
    count = 0
    for file in sorted(
        p for p in root.rglob("*") if p.is_file() and not p.is_symlink()
    ):
        relative = file.relative_to(root).as_posix()
        try:
            _add_file(archive, f"media/{relative}", file, entries)
        except FileNotFoundError:
            continue  # removed (e.g. a finished import) while we were copying
        count += 1
    return count


class _HashingReader:
    """Hands tarfile the bytes of a file and hashes exactly those bytes."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.hash = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.hash.update(data)
        return data


def _add_file(
    archive: tarfile.TarFile, name: str, file: Path, entries: list[dict[str, Any]]
) -> None:
    with file.open("rb") as stream:
        info = tarfile.TarInfo(name)
        info.size = file.stat().st_size
        info.mtime = int(file.stat().st_mtime)
        info.mode = 0o600
        reader = _HashingReader(stream)
        archive.addfile(info, reader)
    entries.append({"path": name, "size": info.size, "sha256": reader.hash.hexdigest()})


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    import io

    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def _manifest(fmt: str, tables: dict[str, int], entries: list[dict[str, Any]]) -> bytes:
    content = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "keqi_version": keqi_version(),
        "created_at": timezone.now().isoformat(),
        "database": {
            "vendor": connection.vendor,
            "format": fmt,
            "migrations": applied_migrations(),
            "tables": tables,
        },
        "files": entries,
    }
    return json.dumps(content, ensure_ascii=False, indent=1).encode("utf-8")


def keqi_version() -> str:
    try:
        return metadata.version("keqi")
    except metadata.PackageNotFoundError:
        return "unknown"


def applied_migrations() -> list[str]:
    recorder = MigrationRecorder(connection)
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# ------------------------------------------------------------------ verify


@contextmanager
def archive_unpacked(path: Path) -> Iterator[tuple[dict[str, Any], Path]]:
    """Unpack into a scratch directory and check every checksum; yields the
    manifest and the directory. Raises BackupError before anything is changed."""
    if not path.is_file():
        raise BackupError(f"找不到备份文件：{path}")
    scratch_parent = Path(settings.VAR_DIR)
    scratch_parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=scratch_parent) as tmp:
        root = Path(tmp)
        seen = _unpack(path, root)
        manifest = _read_manifest(root)
        _check_members(manifest, seen)
        yield manifest, root


def _unpack(path: Path, root: Path) -> dict[str, tuple[int, str]]:
    """Every member written under root, with its size and sha256."""
    seen: dict[str, tuple[int, str]] = {}
    try:
        with tarfile.open(path, "r:gz") as archive:
            for member in archive:
                name = _safe_name(member)
                if member.isdir():
                    continue
                stream = archive.extractfile(member)
                assert stream is not None
                target = root / name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with target.open("wb") as out:
                    while chunk := stream.read(CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                seen[name] = (member.size, digest.hexdigest())
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        if isinstance(exc, PermissionError):
            raise BackupError(f"无法写入临时目录：{exc}") from exc
        raise BackupError(
            f"备份文件已损坏或不是科企备份（无法解开：{type(exc).__name__}），"
            "未做任何改动。请换一份备份，或用 .sha256 文件核对备份是否完整。"
        ) from exc
    return seen


def _safe_name(member: tarfile.TarInfo) -> str:
    name = PurePosixPath(member.name)
    bad = name.is_absolute() or ".." in name.parts or not name.parts
    if bad or not (member.isfile() or member.isdir()):
        raise BackupError(
            f"备份文件含有不安全的条目 {member.name!r}，拒绝恢复，未做任何改动。"
        )
    return name.as_posix()


def _read_manifest(root: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(
            "备份文件缺少清单 manifest.json 或清单已损坏，未做任何改动。"
        ) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("这不是科企的备份文件（清单格式不符），未做任何改动。")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"备份格式版本 {manifest.get('format_version')} 不受本版本科企支持，未做任何改动。"
        )
    return manifest


def _check_members(manifest: dict[str, Any], seen: dict[str, tuple[int, str]]) -> None:
    listed = {entry["path"]: entry for entry in manifest["files"]}
    for name, entry in listed.items():
        if name not in seen:
            raise BackupError(f"备份文件不完整：缺少 {name}，未做任何改动。")
        size, digest = seen[name]
        if size != entry["size"] or digest != entry["sha256"]:
            raise BackupError(
                f"校验失败：{name} 的 sha256 与清单不符（文件已损坏或被改动），未做任何改动。"
            )
    extra = sorted(set(seen) - set(listed) - {"manifest.json"})
    if extra:
        raise BackupError(
            f"备份文件含有清单之外的文件 {extra[0]}，拒绝恢复，未做任何改动。"
        )


# ------------------------------------------------------------------ restore


def backup_restore(*, path: Path, force: bool = False) -> RestoreSummary:
    """Replace this installation's database and files with the archive's."""
    with archive_unpacked(path.resolve()) as (manifest, root):
        database = manifest["database"]
        fmt = database["format"]
        _check_compatible(fmt, database["migrations"])
        _check_target_empty(force)
        if fmt == SQLITE_FILE:
            _restore_sqlite_file(root / SQLITE_MEMBER)
        else:
            _restore_logical(root / "database")
        moved = _restore_media(root / "media")
        call_command("migrate", interactive=False, verbosity=0)
        summary = RestoreSummary(
            database_format=fmt,
            tables=dict(database["tables"]),
            files=sum(1 for e in manifest["files"] if e["path"].startswith("media/")),
            created_at=manifest["created_at"],
            keqi_version=manifest["keqi_version"],
            moved_aside=moved,
        )
        summary.mismatches = _count_mismatches(
            database["tables"], database["migrations"]
        )
    return summary


def _check_compatible(fmt: str, migrations: list[str]) -> None:
    known = {
        f"{app}.{name}"
        for app, name in MigrationExecutor(connection).loader.disk_migrations
    }
    unknown = sorted(set(migrations) - known)
    if unknown:
        raise BackupError(
            f"备份来自较新版本的科企（本版本不认识迁移 {unknown[0]}），请先升级科企再恢复。未做任何改动。"
        )
    if fmt == SQLITE_FILE and connection.vendor != "sqlite":
        raise BackupError(
            "这是 SQLite 数据库文件备份，不能恢复到 PostgreSQL。请在 SQLite 上用 "
            "keqi backup --logical 重新备份后再恢复。未做任何改动。"
        )
    if fmt == LOGICAL and set(migrations) != known:
        raise BackupError(
            "逻辑备份只能恢复到与备份时同一版本的科企（数据库结构不同）。"
            "请先用备份时的版本恢复，再按升级步骤升级。未做任何改动。"
        )


def _check_target_empty(force: bool) -> None:
    used = [
        f"{t}（{n} 行）"
        for t, n in _current_counts().items()
        if n and t not in SETUP_TABLES
    ]
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir() and any(media.iterdir()):
        used.append(f"上传文件目录 {media}")
    if used and not force:
        shown = "、".join(used[:5]) + (" 等" if len(used) > 5 else "")
        raise BackupError(
            f"目标已有数据：{shown}。恢复会用备份整体替换它们；确认要替换请加 --force"
            "（替换前请先备份当前数据）。未做任何改动。"
        )


def _current_counts() -> dict[str, int]:
    names = connection.introspection.table_names()
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        for name in sorted(names):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")
            counts[name] = int(cursor.fetchone()[0])
    return counts


def _restore_sqlite_file(source_path: Path) -> None:
    if connection.vendor != "sqlite":  # checked before; kept for safety
        raise BackupError("目标不是 SQLite 数据库。")
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    try:
        connection.close()
        connection.ensure_connection()
        source.backup(connection.connection)
    finally:
        source.close()
        connection.close()


def _restore_logical(folder: Path) -> None:
    call_command("migrate", interactive=False, verbosity=0)
    models_by_label = {m._meta.label: m for m in dumped_models()}
    tables = [m._meta.db_table for m in models_by_label.values()]
    with transaction.atomic():
        # Emptying the target is no edit of its history: the append-only
        # triggers are lifted for the flush alone (SQLite), in this transaction.
        connection.ops.execute_sql_flush(flush_lifting_triggers(connection, tables))
        for label, model in models_by_label.items():
            file = folder / f"{label}.jsonl"
            if file.exists():
                _load_model(model, file)
        reset = connection.ops.sequence_reset_sql(
            no_style(), list(models_by_label.values())
        )
        with connection.cursor() as cursor:
            for statement in reset:
                cursor.execute(statement)


def _load_model(model: type[models.Model], file: Path) -> None:
    """Insert the rows as they were (raw: no auto_now, no save() logic)."""
    fields = list(model._meta.local_concrete_fields)
    batch: list[models.Model] = []
    size = max(1, connection.ops.bulk_batch_size(fields, [model()]) or 500)
    with file.open(encoding="utf-8") as stream:
        for item in serializers.deserialize("jsonl", stream):
            batch.append(item.object)
            if len(batch) >= min(size, 1000):
                _insert(model, fields, batch)
                batch = []
    if batch:
        _insert(model, fields, batch)


def _insert(
    model: type[models.Model], fields: list[Any], rows: list[models.Model]
) -> None:
    model._base_manager._insert(rows, fields=fields, raw=True, using=connection.alias)  # type: ignore[attr-defined]


def _restore_media(source: Path) -> Path | None:
    """Put the archive's files in MEDIA_ROOT; files already there are moved aside,
    never deleted."""
    media = Path(settings.MEDIA_ROOT)
    moved = None
    if media.exists() and any(media.iterdir()):
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        moved = media.with_name(f"{media.name}.before-restore-{stamp}")
        media.rename(moved)
    elif media.exists():
        media.rmdir()
    if source.is_dir():
        media.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(source), str(media))
    return moved


def _count_mismatches(expected: dict[str, int], migrations: list[str]) -> list[str]:
    """Tables whose restored row count differs from the backup's (only meaningful
    when no migration ran after the restore)."""
    if set(applied_migrations()) != set(migrations):
        return []
    actual = _current_counts()
    return [
        f"{table}：备份 {count} 行，恢复后 {actual.get(table)} 行"
        for table, count in sorted(expected.items())
        if actual.get(table) != count
    ]
