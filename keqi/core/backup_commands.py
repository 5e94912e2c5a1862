"""`keqi backup FILE` and `keqi restore FILE`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    """Add the backup and restore subcommands to the `keqi` parser."""
    backup = sub.add_parser(
        "backup",
        help="把数据库和上传文件备份到一个文件（网站可照常运行）",
        description="把 KEQI_DATABASE_URL 指向的数据库（含已生成的报告）和上传的附件"
        "写入一个 .tar.gz 备份文件，内附清单 manifest.json（各文件的 sha256），"
        "并在旁边写一个 .sha256 文件供异地核对。备份时网站和后台任务可照常运行："
        "SQLite 用在线备份接口取一致快照；PostgreSQL 在一个可重复读的只读事务里"
        "逐表导出（不需要 pg_dump）。",
    )
    backup.add_argument(
        "file", type=Path, help="备份文件路径，如 /backup/keqi-20261203.tar.gz"
    )
    backup.add_argument(
        "--logical",
        action="store_true",
        help="SQLite 也按表导出（与数据库种类无关，可恢复到 PostgreSQL，用于从 SQLite 迁到 PostgreSQL）",
    )
    backup.set_defaults(func=cmd_backup)

    restore = sub.add_parser(
        "restore",
        help="从备份文件恢复数据库和上传文件",
        description="先解开备份文件并逐一核对 sha256，全部无误后才动数据库和文件。"
        "目标数据库或上传文件目录已有数据时拒绝恢复，除非加 --force"
        "（原有上传文件改名保留为 media.before-restore-<时间>，不删除）。"
        "恢复后自动执行数据库迁移，并核对各表行数与备份清单一致。",
    )
    restore.add_argument("file", type=Path, help="keqi backup 生成的备份文件")
    restore.add_argument(
        "--force",
        action="store_true",
        help="目标已有数据时仍然恢复（用备份整体替换现有数据）",
    )
    restore.set_defaults(func=cmd_restore)


def cmd_backup(args: argparse.Namespace) -> int:
    from keqi.core.backup import BackupError, backup_create

    try:
        summary = backup_create(path=args.file, logical=args.logical)
    except (BackupError, OSError) as exc:
        print(f"备份失败：{exc}")
        return 1
    rows = sum(summary.tables.values())
    print(f"已备份到 {summary.path}（{summary.size} 字节）。")
    print(
        f"  数据库：{len(summary.tables)} 张表、{rows} 行（格式 {summary.database_format}）"
    )
    print(f"  上传文件：{summary.files} 个")
    print(f"  sha256：{summary.sha256}（已写入 {summary.path.name}.sha256）")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from keqi.core.backup import BackupError, backup_restore

    try:
        summary = backup_restore(path=args.file, force=args.force)
    except BackupError as exc:
        print(f"恢复失败：{exc}")
        return 1
    rows = sum(summary.tables.values())
    print(
        f"已从 {args.file} 恢复（备份时间 {summary.created_at}，科企版本 {summary.keqi_version}）。"
    )
    print(
        f"  数据库：{len(summary.tables)} 张表、{rows} 行；上传文件：{summary.files} 个"
    )
    if summary.moved_aside is not None:
        print(f"  原有上传文件已改名保留在 {summary.moved_aside}")
    if summary.mismatches:
        print("警告：以下表的行数与备份清单不一致：")
        for line in summary.mismatches:
            print(f"  {line}")
        return 1
    print("  各表行数与备份清单一致。")
    return 0
