"""List workbooks are written streaming (XlsxWriter, constant memory) and hold
exactly what the in-memory openpyxl workbook held before: the same sheets, header,
cells and their types, 说明 lines, frozen header, bold header and column widths."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from keqi.core import exports
from keqi.core.exports import ListExport, _cell, sheet_row, write_list_xlsx

HOSTILE = ["=cmd|' /C calc'!A0", "+1", "@x", "-1+2", "\tTAB", "'quoted", "=1+1"]


def reference_workbook(export: ListExport, who: str, version: int) -> Workbook:
    """The list workbook as keqi wrote it before streaming (openpyxl, all in
    memory): what the streamed file must read back as."""
    book = Workbook()
    table = book.active
    table.title = export.title[:31].translate(str.maketrans("/\\?*[]:", "_______"))
    table.append(sheet_row(label for label, _ in export.columns))
    for cell in table[1]:
        cell.font = Font(bold=True)
    count = 0
    for row in export.rows:
        table.append([_cell(read(row)) for _, read in export.columns])
        count += 1
    table.freeze_panes = "A2"
    for column in table.columns:
        if column[0].value is not None:
            width = max(len(str(c.value or "")) for c in column[:200])
            table.column_dimensions[column[0].column_letter].width = min(
                max(8, width * 2 + 2), 60
            )
    about = book.create_sheet("说明")
    lines: list[tuple[str, object]] = [("名称", export.title)]
    if export.as_of:
        lines.append(("统计日期", export.as_of))
    lines += [(label, value or "全部") for label, value in export.filters]
    lines += [
        ("记录数", count),
        ("导出人", who),
        ("导出时间", timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")),
        ("数据版本", f"第 {version} 号操作记录之后的数据"),
    ]
    for label, value in lines:
        about.append([label, _cell(value)])
    about.column_dimensions["A"].width = 12
    about.column_dimensions["B"].width = 60
    return book


def described(book: Workbook) -> dict[str, Any]:
    """Everything a reader sees of a workbook: per sheet the cells (value, type,
    number format of dates, bold), frozen panes and each column's width."""
    found: dict[str, Any] = {}
    for ws in book.worksheets:
        cells = [
            [
                (
                    c.value,
                    c.data_type,
                    c.number_format if c.is_date else "",
                    bool(c.font and c.font.b),
                )
                for c in row
                if c.value is not None
            ]
            for row in ws.iter_rows()
        ]
        widths = {}
        for dim in ws.column_dimensions.values():
            for col in range(dim.min or 0, (dim.max or 0) + 1):
                if col and dim.customWidth:
                    widths[get_column_letter(col)] = dim.width
        found[ws.title] = (cells, ws.freeze_panes, widths)
    return found


def streamed(
    export: ListExport, who: str = "hq（区科技局）", version: int = 7
) -> bytes:
    out = io.BytesIO()
    write_list_xlsx(out, export, who, version)
    return out.getvalue()


def reread(content: bytes) -> Workbook:
    return load_workbook(io.BytesIO(content))


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    at = timezone.make_aware(dt.datetime(2019, 10, 8, 9, 30))
    monkeypatch.setattr(exports.timezone, "localtime", lambda *a: at)


def mixed_row(i: int) -> tuple[Any, ...]:
    """One row of every kind of value a list writes, varying with `i`."""
    return (
        f"宏远科技有限公司{i}",
        f"91120224MA{i:08d}",
        Decimal(i * 37 % 1_000_000) / 100,
        dt.date(2015, 1, 1) + dt.timedelta(days=i % 1500),
        dt.datetime(2019, 6, 1, 8, 30, 5) + dt.timedelta(minutes=i),
        i,
        i % 2 == 0,
        None if i % 3 else "",
        HOSTILE[i % len(HOSTILE)],
        f"还差 {i % 7}.5 个百分点\n科技人员占比还差 2 %",
        2.5 if i % 5 == 0 else 0,
        "-12.5" if i % 4 else "-3.5%",
        " 前后有空格 " if i % 11 == 0 else "普通\x07名称",
        "x" * (i % 150),
        Decimal("0") if i % 6 else Decimal("12345678901.23"),
    )


HEADERS = [
    "企业名称",
    "统一社会信用代码",
    "金额（元）",
    "取得日期",
    "操作时间",
    "排名",
    "是否",
    "空白",
    "危险文本",
    "尚缺",
    "小数",
    "变化",
    "名称",
    "长文本",
    "大金额",
]


def mixed_export(rows: int) -> ListExport:
    return ListExport(
        title="企业名单/后备库[2019]",
        columns=[(label, lambda r, k=k: r[k]) for k, label in enumerate(HEADERS)],
        rows=(mixed_row(i) for i in range(rows)),
        filters=[("关键词", "=1+1"), ("街镇/园区", "")],
        as_of=dt.date(2019, 9, 30),
    )


def test_the_streamed_workbook_reads_back_as_the_openpyxl_workbook_did() -> None:
    content = streamed(mixed_export(3000))
    expected = reference_workbook(mixed_export(3000), "hq（区科技局）", 7)
    saved = io.BytesIO()
    expected.save(saved)
    assert described(reread(content)) == described(reread(saved.getvalue()))


def test_a_long_list_reads_back_row_for_row() -> None:
    rows = 3000
    book = reread(streamed(mixed_export(rows)))
    table, about = book.worksheets
    assert [ws.title for ws in book.worksheets] == ["企业名单_后备库_2019_", "说明"]
    read = list(table.iter_rows(values_only=True))
    assert list(read[0]) == HEADERS
    assert len(read) == rows + 1
    for i, got in enumerate(read[1:]):
        row = mixed_row(i)
        assert got[0] == row[0] and got[1] == row[1]
        assert Decimal(str(got[2])) == row[2]  # an exact amount, as a number
        assert isinstance(got[2], (int, float))
        assert got[3] == dt.datetime.combine(row[3], dt.time())
        assert got[4] == row[4]
        assert got[5] == i and got[6] == ("是" if i % 2 == 0 else "否")
        assert got[7] is None
        assert got[9] == row[9] and got[13] == (row[13] or None)
    lines = dict(about.iter_rows(values_only=True))
    assert lines["记录数"] == rows and lines["统计日期"] == dt.datetime(2019, 9, 30)
    assert lines["关键词"] == "'=1+1" and lines["街镇/园区"] == "全部"
    assert lines["数据版本"] == "第 7 号操作记录之后的数据"


def test_formula_like_text_is_neutralised_in_the_streamed_file() -> None:
    export = ListExport(
        title="企业名单",
        columns=[("=名称", lambda r: r), ("说明", lambda r: f"@{r}")],
        rows=["=cmd|' /C calc'!A0", "+1+cmd", "@x", "-1+2", "\tTAB", "+1", "-12.5"],
        filters=[("@筛选", "+SUM(A1)")],
    )
    book = reread(streamed(export, who="=HYPERLINK(1)"))
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert cells and all(c.data_type != "f" for c in cells)
    values = {c.value for c in cells}
    assert {"'=cmd|' /C calc'!A0", "'+1+cmd", "'@x", "'-1+2", "'\tTAB"} <= values
    assert {"'=名称", "'@=cmd|' /C calc'!A0", "'+SUM(A1)", "'=HYPERLINK(1)"} <= values
    # a plain signed number stays as it is, as text (a text cell is never a formula)
    plain = [c for c in cells if c.value in ("+1", "-12.5")]
    assert len(plain) == 2 and all(c.data_type == "s" for c in plain)
    risky = [v for v in values if isinstance(v, str) and v.startswith(("=", "+", "@"))]
    assert risky == ["+1"]


def test_a_list_titled_like_the_about_sheet_keeps_both_sheets() -> None:
    export = ListExport(title="说明", columns=[("名称", str)], rows=["甲"])
    book = reread(streamed(export))
    assert [ws.title for ws in book.worksheets] == ["说明", "说明1"]
    assert book.worksheets[0]["A2"].value == "甲"


def test_an_empty_list_has_its_header_and_says_no_rows() -> None:
    export = ListExport(title="企业名单", columns=[("企业名称", str)], rows=[])
    book = reread(streamed(export))
    assert list(book.worksheets[0].iter_rows(values_only=True)) == [("企业名称",)]
    assert dict(book["说明"].iter_rows(values_only=True))["记录数"] == 0
