"""`keqi init`, `keqi serve` and `keqi manage`: setting up and running the site."""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
from typing import Any

from keqi.core.health import HEARTBEAT_INTERVAL_SECONDS


def register(sub: Any) -> None:
    """Add this module's subcommands to the `keqi` parser."""
    init = sub.add_parser(
        "init",
        help="创建或升级数据库，并载入本区的机构配置（可重复运行，不会重复创建）",
        description="创建或迁移 KEQI_DATABASE_URL 指向的数据库，并载入街镇、园区、单位配置。"
        "重复运行不做任何改动。",
    )
    init.add_argument(
        "--district",
        default=None,
        help="区配置名称或 YAML 文件路径（默认取 KEQI_DISTRICT）",
    )
    init.set_defaults(func=cmd_init)

    serve = sub.add_parser(
        "serve",
        help="启动网站服务",
        description="用 waitress 启动网站服务，并在旁边启动一个后台任务进程"
        "（执行网页上发起的评价等耗时工作）。",
    )
    serve.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
    serve.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    serve.add_argument(
        "--no-worker",
        action="store_true",
        help="不启动后台任务进程（已另行运行 keqi worker 时使用）",
    )
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser(
        "worker",
        help="单独运行后台任务进程（keqi serve --no-worker 时使用）",
        description="执行网页上发起的评价、导入、报告生成等耗时工作，"
        f"并每 {HEARTBEAT_INTERVAL_SECONDS} 秒在 KEQI_VAR_DIR/worker-heartbeat.json 写一次心跳，"
        "供 /healthz 判断后台任务进程是否存活。按 Ctrl+C 或发送 SIGTERM 时"
        "先做完手上的任务再退出。",
    )
    worker.set_defaults(func=cmd_worker)

    manage = sub.add_parser(
        "manage",
        help="运行 Django 管理命令（高级）",
        description="把其余参数原样交给 Django 的 manage.py。",
    )
    manage.add_argument("rest", nargs=argparse.REMAINDER, help="管理命令及其参数")
    manage.set_defaults(func=cmd_manage)

    from keqi.core import backup_commands

    backup_commands.register(sub)


def cmd_init(args: argparse.Namespace) -> int:
    from django.conf import settings
    from django.core.management import call_command

    from keqi.accounts.services import district_config_load, district_init

    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)
    config = district_config_load(args.district or settings.KEQI_DISTRICT)
    summary = district_init(config=config)
    if summary.changed:
        print(
            f"已载入 {config.get('district', '')} 配置：新建街镇/园区 {summary.areas_created} 个，"
            f"单位 {summary.units_created} 个。"
        )
    else:
        print("数据库已是最新，配置无变化。")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from django.conf import settings
    from django.core.management import call_command
    from waitress import serve  # type: ignore[import-untyped]

    call_command("collectstatic", interactive=False, verbosity=0)
    # Only now build the site: its static middleware looks for the collected files.
    from keqi.wsgi import application

    command = None if args.no_worker else worker_command(settings.TASKS)
    worker = subprocess.Popen(command) if command else None
    # A plain `kill` must still stop the worker too (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if worker is not None:
        print("后台任务进程已启动（网页上发起的评价在此执行）。", flush=True)
    print(f"科企已启动：http://{args.host}:{args.port}/ （按 Ctrl+C 停止）", flush=True)
    try:
        serve(
            application,
            host=args.host,
            port=args.port,
            threads=8,
            **proxy_options(settings.KEQI_TRUSTED_PROXY),
        )
    finally:
        if worker is not None:
            _stop(worker)
    return 0


def proxy_options(trusted_proxy: str) -> dict[str, Any]:
    """waitress settings to believe the reverse proxy's X-Forwarded-* headers
    (and only the proxy's: the same headers from anyone else are dropped)."""
    if not trusted_proxy:
        return {}
    return {
        "trusted_proxy": trusted_proxy,
        "trusted_proxy_count": 1,
        "trusted_proxy_headers": {"x-forwarded-for", "x-forwarded-proto"},
        "clear_untrusted_proxy_headers": True,
    }


def worker_command(tasks: dict[str, Any]) -> list[str] | None:
    """The django-tasks database worker to run beside the server, or None when
    the task backend is not the database one (nothing to poll)."""
    backend = str(tasks.get("default", {}).get("BACKEND", ""))
    if not backend.startswith("django_tasks_db."):
        return None
    return [sys.executable, "-m", "keqi", "worker"]


def cmd_worker(args: argparse.Namespace) -> int:
    """django-tasks' database worker, with a heartbeat thread beside it."""
    import threading

    from django.core.management import call_command
    from django_tasks.utils import get_random_id

    from keqi.core.health import heartbeat_write

    worker_id = get_random_id()
    stop = threading.Event()

    def beat() -> None:
        while not stop.is_set():
            try:
                heartbeat_write(worker_id=worker_id)
            except OSError as exc:  # a full disk must not stop the tasks
                print(f"无法写入心跳文件：{exc}", file=sys.stderr, flush=True)
            stop.wait(HEARTBEAT_INTERVAL_SECONDS)

    threading.Thread(target=beat, name="keqi-heartbeat", daemon=True).start()
    try:
        call_command("db_worker", reload=False, worker_id=worker_id)
    finally:
        stop.set()
    return 0


def _stop(worker: subprocess.Popen[bytes]) -> None:
    """Ask the worker to stop (it finishes the task in hand), then insist."""
    worker.terminate()
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def cmd_manage(args: argparse.Namespace) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["keqi manage", *args.rest])
    return 0
