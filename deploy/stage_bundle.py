"""Stage keqi's source for the offline bundle's wheel (called by `make bundle`).

The wheel must carry templates/, static/, plans/ and the built ECharts copy, which
live beside keqi/ in the repository; they are copied into keqi/_home/ of a staging
tree, where keqi.settings looks for them when it runs from an installed wheel.
Also writes the pinned runtime requirements for `pip download`.
"""

from __future__ import annotations

import shutil
import sys
import tomllib
from pathlib import Path

HOME_DIRS = ("templates", "static", "plans", "static_build")


def main(root: Path, stage: Path) -> None:
    if stage.exists():
        shutil.rmtree(stage)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "_home")
    shutil.copytree(root / "keqi", stage / "keqi", ignore=ignore)
    for name in HOME_DIRS:
        shutil.copytree(root / name, stage / "keqi" / "_home" / name, ignore=ignore)
    shutil.copy2(root / "README.md", stage / "README.md")
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    marker = "[tool.setuptools.package-data]\n"
    assert marker in text, "pyproject.toml has no package-data table"
    text = text.replace(marker, marker + '"keqi._home" = ["**/*"]\n', 1)
    (stage / "pyproject.toml").write_text(text, encoding="utf-8")
    project = tomllib.loads(text)["project"]
    (stage / "requirements-runtime.txt").write_text(
        "\n".join(project["dependencies"]) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve())
