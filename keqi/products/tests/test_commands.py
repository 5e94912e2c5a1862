"""`keqi products export|import`: the same exchange as the web pages."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from keqi.cli import main
from keqi.core.testing import make_enterprise, persona
from keqi.products.models import Transformation
from keqi.products.models import TransformationKind as T
from keqi.products.tests.helpers import add_transformation

pytestmark = pytest.mark.django_db


def test_export_then_import_changes_nothing(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    persona("hq")
    add_transformation(make_enterprise(), kind=T.TECH_UPGRADE, amount=Decimal("12.34"))
    path = tmp_path / "转型.xlsx"
    args = ["--list", "transformations", "--user", "hq"]
    assert main(["products", "export", str(path), *args]) == 0
    assert main(["products", "import", str(path), *args]) == 0
    out = capsys.readouterr().out
    assert "已导出创新转型 1 条" in out and "新增 0 条，修改 0 条，未变 1 条" in out
    assert Transformation.objects.get().amount == Decimal("12.34")


def test_a_bad_file_lists_each_problem_and_returns_1(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import Workbook

    persona("member")
    book = Workbook()
    book.active.title = "创新转型"
    book.active.append(["统一社会信用代码", "类型", "年度", "完成日期", "内容"])
    book.active.append(["91120224MA0000000X", "上网", 2019, "2019-05-01", "x"])
    path = tmp_path / "bad.xlsx"
    book.save(path)
    code = main(
        [
            "products",
            "import",
            str(path),
            "--list",
            "transformations",
            "--user",
            "member",
        ]
    )
    out = capsys.readouterr().out
    assert code == 1 and "未导入任何数据" in out and "第2行 · 类型" in out
    assert not Transformation.objects.exists()


def test_a_read_only_user_may_not_import(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    persona("leader")
    code = main(
        [
            "products",
            "import",
            str(tmp_path / "x.xlsx"),
            "--list",
            "products",
            "--user",
            "leader",
        ]
    )
    assert code == 2 and "只能查看" in capsys.readouterr().out
