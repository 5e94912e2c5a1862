"""The `keqi` command speaks Chinese when it is misused, and never dumps a traceback
for a database that was never initialised or a reader that stopped reading."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from keqi.cli import main

ROOT = Path(__file__).resolve().parents[3]


def _keqi(*args: str, database: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "KEQI_DATABASE_URL": f"sqlite:///{database}"}
    env.pop("KEQI_TESTING", None)
    return subprocess.Popen(
        [sys.executable, "-m", "keqi", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_a_missing_argument_is_reported_in_chinese(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["plan", "show"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "用法：keqi plan show" in err
    assert "错误：缺少必需的参数：name" in err
    assert "error" not in err and "usage" not in err


def test_a_misspelt_subcommand_lists_the_choices_in_chinese(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["plan", "shw"])
    assert "无效的选项：'shw'（可选：" in capsys.readouterr().err


def test_a_database_never_initialised_says_run_keqi_init(tmp_path: Path) -> None:
    proc = _keqi("plan", "show", "baodi-2019", database=tmp_path / "new.sqlite3")
    out, err = proc.communicate(timeout=120)
    text = err.decode()
    assert proc.returncode == 1
    assert "请先运行 `keqi init`" in text
    assert "Traceback" not in text


def test_piping_into_a_reader_that_stops_early_prints_no_traceback(
    tmp_path: Path,
) -> None:
    workbook = ROOT / "tests" / "fixtures" / "workbook_good.xlsx"
    proc = _keqi("evaluate", str(workbook), "--format", "json", database=tmp_path / "x")
    assert proc.stdout is not None
    proc.stdout.read(10)
    proc.stdout.close()  # like `| head -c 10`
    _, err = proc.communicate(timeout=120)
    assert "BrokenPipeError" not in err.decode()
    assert "Traceback" not in err.decode()
