"""The blank workbook staff fill in: every sheet's headers, a note on each header
(required or not, unit, allowed values), drop-down lists for enum columns, one
filled example row per sheet and a sheet of instructions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.comments import Comment  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]
from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped]

from keqi.registry.workbook.schema import (
    CREDIT,
    ENTERPRISE,
    EXAMPLE_USCC,
    FIGURES,
    IP,
    MONEY_UNITS,
    QUALIFICATIONS,
    SHEETS,
    YES_NO,
    Column,
)
from keqi.registry.workbook.writer import Table, excel_value, write_sheet

EXAMPLE_FONT = Font(italic=True, color="7F7F7F")
EXAMPLES: dict[str, list[Any]] = {
    ENTERPRISE.name: [
        EXAMPLE_USCC,
        "天津示例科技有限公司",
        dt.date(2015, 6, 18),
        "宝坻经济开发区",
        "天津市宝坻区",
        "计算机、通信和其他电子设备制造业",
        "电子信息",
        "新能源新材料",
        "查账征收",
        "是",
        "否",
        dt.date(2019, 5, 20),
        "否",
        3,
        "是",
    ],
    FIGURES.name: [
        EXAMPLE_USCC,
        2018,
        120,
        30,
        25,
        Decimal("5200.5"),
        Decimal("5300"),
        Decimal("5100"),
        Decimal("5350"),
        Decimal("3600"),
        Decimal("420.8"),
        Decimal("400"),
        Decimal("4800"),
        Decimal("8600"),
        Decimal("4200"),
        Decimal("380.25"),
        Decimal("156.3"),
        3,
        None,
    ],
    IP.name: [
        EXAMPLE_USCC,
        "ZL201810123456.7",
        "一种示例检测装置",
        "发明专利",
        dt.date(2019, 3, 12),
        "自主研发",
        "有效",
        "是",
        None,
    ],
    QUALIFICATIONS.name: [
        EXAMPLE_USCC,
        "高新技术企业",
        "国家级",
        "GR201812000123",
        dt.date(2018, 11, 30),
        None,
        None,
        None,
        "有效期至留空时按三年推算",
    ],
    CREDIT.name: [
        EXAMPLE_USCC,
        "经营异常名录",
        dt.date(2017, 4, 1),
        "未按时报送年报，已移出",
    ],
}
INSTRUCTIONS = (
    "企业数据工作簿填写说明（交换格式 v1）",
    "1. 各工作表第一行为表头，请勿修改表头文字；可在右侧增加附加列，导入时原样保存。",
    "2. 每个工作表第2行为灰色斜体的填写示例，导入前请删除；示例行不会被导入。",
    "3. 金额默认单位为万元；表头也可改为（元）或（千元），导入时精确换算为万元。",
    "4. 日期可写作 2019-05-20、2019/5/20、2019.5.20、2019年5月20日，或使用 Excel 日期。",
    f"5. 是/否列可填：{YES_NO}。",
    "6. 留空表示“未知”，不会被当作 0；不要用 0 代替未知。",
    "7. 年度数据、知识产权、资质荣誉、信用记录中的企业，须在“企业基本信息”表或企业库中已有。",
    "8. 导入时先检查全部内容，有任何错误则一条也不导入，并列出每个错误所在的表、行、列。",
)


def header_note(column: Column, key_industries: Sequence[str] = ()) -> str:
    """The comment on a header: required or not, unit, allowed values."""
    lines = ["必填" if column.required or column.needs_value else "选填"]
    if column.kind == "money":
        units = "、".join(MONEY_UNITS)
        lines.append(f"单位：万元（表头可改为{units}之一，导入时换算）")
    elif column.unit:
        lines.append(f"单位：{column.unit}")
    if column.kind == "date":
        lines.append("日期，如 2019-05-20")
    if column.kind == "bool":
        lines.append(f"填 {YES_NO}")
    if column.choices is not None:
        lines.append("可选：" + "、".join(str(v) for v in column.choices.values))
    if column.kind == "key_industry" and key_industries:
        lines.append("可选：" + "、".join(key_industries))
    if column.kind == "uscc":
        lines.append("18位，校验位须正确")
    if column.note:
        lines.append(column.note)
    return "\n".join(lines)


def write_template(
    path: Path | BinaryIO, *, key_industries: Sequence[str] = ()
) -> None:
    """Write the blank template (.xlsx) with notes, drop-downs and example rows.

    `key_industries` is the 重点产业 list of the district the file is for (the
    downloading user's): the column's drop-down and note offer it, and the
    example row takes its first name."""
    book = Workbook()
    guide = book.active
    guide.title = "填写说明"
    for line in INSTRUCTIONS:
        guide.append([line])
    guide.column_dimensions["A"].width = 100
    for spec in SHEETS:
        ws = book.create_sheet(spec.name)
        headers = [c.header for c in spec.columns]
        example = _example(spec.name, key_industries)
        write_sheet(ws, Table(spec, headers, [example]))
        for index, column in enumerate(spec.columns, start=1):
            note = header_note(column, key_industries)
            ws.cell(1, index).comment = Comment(note, "科企", 160, 260)
            ws.cell(2, index).font = EXAMPLE_FONT
            ws.cell(2, index).value = excel_value(example[index - 1])
            _add_dropdown(ws, index, column, key_industries)
    book.save(path)


def _example(sheet: str, key_industries: Sequence[str]) -> list[Any]:
    """The sheet's example row, its 重点产业 one the district really lists."""
    example = list(EXAMPLES[sheet])
    if sheet == ENTERPRISE.name and key_industries:
        example[_KEY_INDUSTRY_AT] = key_industries[0]
    return example


_KEY_INDUSTRY_AT = [c.kind for c in ENTERPRISE.columns].index("key_industry")


def _add_dropdown(
    ws: Worksheet, index: int, column: Column, key_industries: Sequence[str]
) -> None:
    values = [str(v) for v in column.choices.values] if column.choices else []
    if column.kind == "bool":
        values = ["是", "否"]
    if column.kind == "key_industry":
        values = list(key_industries)
    listed = ",".join(values)
    if not values or len(listed) > 250:  # Excel's limit for an inline list
        return
    if any("," in v or '"' in v for v in values):  # would split or end the list
        return
    rule = DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True)
    letter = ws.cell(1, index).column_letter
    rule.add(f"{letter}2:{letter}5000")
    ws.add_data_validation(rule)
