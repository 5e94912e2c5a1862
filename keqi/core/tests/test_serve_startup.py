"""`keqi serve` on a fresh machine starts without English warnings in the console."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import argparse, django, waitress
django.setup()
waitress.serve = lambda *a, **k: None
from keqi.core.commands import cmd_serve
cmd_serve(argparse.Namespace(host="127.0.0.1", port=0, no_worker=True))
"""


def test_first_serve_collects_static_before_building_the_site(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "KEQI_VAR_DIR": str(tmp_path),
        "KEQI_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "keqi.settings",
    }
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "static" / "keqi" / "site.css").exists()
    assert "No directory at" not in done.stderr
