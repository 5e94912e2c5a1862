"""The engine must import without Django or any other keqi package."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import keqi.rules

ROOT = Path(keqi.rules.__file__).resolve().parents[2]


def _modules() -> list[str]:
    found = ["keqi.rules"]
    for info in pkgutil.walk_packages(keqi.rules.__path__, "keqi.rules."):
        if ".tests" not in info.name and not info.name.endswith("__main__"):
            found.append(info.name)
    return found


def test_importing_every_engine_module_loads_no_django_and_no_other_keqi_app() -> None:
    names = _modules()
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}: importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')"
        " or (m.startswith('keqi.') and not m.startswith('keqi.rules')))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == ""
    assert len(names) > 5
