"""Hostile workbooks (issue 13): bombs, oversized uploads and fields, dates out of
range, control characters. Each is refused with a Chinese message that names the
place, quickly, and nothing is written."""

from __future__ import annotations

import datetime as dt
import struct
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from keqi.core.models import AuditEvent
from keqi.core.testing import load_baodi, persona
from keqi.registry.models import Enterprise
from keqi.registry.tests.workbook_helpers import E1, dump
from keqi.registry.workbook import import_workbook

pytestmark = pytest.mark.django_db

ENTERPRISE_HEADER = "统一社会信用代码,企业名称,成立日期,所属街镇/园区\n"
ENTERPRISE_ROW = f"{E1},天津宏远电子科技有限公司,2012-03-15,大口屯镇\n"


@pytest.fixture(autouse=True)
def areas(db: None) -> None:
    load_baodi()


def hand_made_xlsx(path: Path, sheet: str, rows: bytes) -> Path:
    """The smallest .xlsx Excel opens: one sheet whose <sheetData> is `rows`."""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
            'openxmlformats.org/package/2006/content-types"><Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/><Override '
            'PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/'
            'worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://'
            'schemas.openxmlformats.org/package/2006/relationships"><Relationship '
            f'Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook {ns} xmlns:r="{rel}">'
            f'<sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets>'
            "</workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://'
            'schemas.openxmlformats.org/package/2006/relationships"><Relationship '
            f'Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>"
        ),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        head = f'<?xml version="1.0" encoding="UTF-8"?><worksheet {ns}><sheetData>'
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            member.write(head.encode())
            member.write(rows)
            member.write(b"</sheetData></worksheet>")
    return path


def test_a_tiny_xlsx_holding_a_million_rows_is_refused_fast(tmp_path: Path) -> None:
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    path = hand_made_xlsx(tmp_path / "bomb.xlsx", "年度数据", row * 1_000_000)
    assert path.stat().st_size < 200_000
    before = dump()
    start = time.perf_counter()
    result = import_workbook(path, actor=None)
    elapsed = time.perf_counter() - start
    assert [e.row for e in result.errors] == [0]
    message = result.errors[0].message
    assert "工作表“年度数据”的行数过多" in message and "最多 500000 行" in message
    assert elapsed < 10  # it took 15 s and 730 MB when every row was built
    assert dump() == before


def test_rows_split_across_read_chunks_are_all_counted(
    tmp_path: Path, settings: Any
) -> None:
    settings.KEQI_IMPORT_MAX_ROWS = 100_000
    # rows of odd lengths, so tags fall across the 1 MB chunk boundaries
    rows = b"".join(
        f'<row r="{n}"><c t="inlineStr"><is><t>{"y" * (n % 7)}</t></is></c></row>'.encode()
        for n in range(1, 100_002)
    )
    path = hand_made_xlsx(tmp_path / "rows.xlsx", "年度数据", rows)
    message = import_workbook(path, actor=None).errors[0].message
    assert "至少 100001 行" in message


def test_a_workbook_unpacking_past_the_limit_is_refused(
    tmp_path: Path, settings: Any
) -> None:
    settings.KEQI_IMPORT_MAX_UNPACKED_MB = 1
    path = hand_made_xlsx(tmp_path / "wide.xlsx", "企业基本信息", b" " * 2_000_000)
    result = import_workbook(path, actor=None)
    assert "文件解压后过大" in result.errors[0].message
    assert "最多 1 MB" in result.errors[0].message


def test_a_member_unpacking_to_more_than_it_declares_is_refused(
    tmp_path: Path,
) -> None:
    path = hand_made_xlsx(tmp_path / "liar.xlsx", "企业基本信息", b" " * 5_000_000)
    data = bytearray(path.read_bytes())
    # say the sheet unpacks to 1 000 bytes, in its local and central headers
    name = b"xl/worksheets/sheet1.xml"
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(signature)
        while at != -1:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + len(name)] == name:
                struct.pack_into("<I", data, at + size_at, 1000)
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))
    result = import_workbook(path, actor=None)
    assert result.errors[0].row == 0
    assert "文件可能已损坏" in result.errors[0].message


def csv_folder(tmp_path: Path, sheets: dict[str, str]) -> Path:
    folder = tmp_path / "csv"
    folder.mkdir()
    for name, text in sheets.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


def test_a_csv_field_over_128_kb_is_a_cell_error_not_a_crash(tmp_path: Path) -> None:
    huge = "企" * 200_000
    folder = csv_folder(
        tmp_path,
        {"企业基本信息": ENTERPRISE_HEADER + f"{E1},{huge},2012-03-15,大口屯镇\n"},
    )
    before = dump()
    result = import_workbook(folder, actor=None)
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [
        ("企业基本信息", 2, "企业名称（B列）")
    ]
    assert "内容过长" in result.errors[0].message
    assert "200000" in result.errors[0].message
    assert dump() == before


def test_an_extra_column_longer_than_excel_allows_is_a_cell_error(
    tmp_path: Path,
) -> None:
    header = ENTERPRISE_HEADER.strip() + ",备注\n"
    folder = csv_folder(
        tmp_path,
        {"企业基本信息": header + ENTERPRISE_ROW.strip() + "," + "注" * 40_000},
    )
    result = import_workbook(folder, actor=None)
    assert [(e.row, e.column) for e in result.errors] == [(2, "备注（E列）")]
    assert "一个单元格最多32767个字" in result.errors[0].message


QUALIFICATION_HEADER = "统一社会信用代码,类型,级别,编号,取得日期\n"


@pytest.mark.parametrize("day", ["9999-12-31", "1899-12-31", "2101/1/1"])
def test_a_date_outside_1900_to_2100_is_a_cell_error(tmp_path: Path, day: str) -> None:
    folder = csv_folder(
        tmp_path,
        {
            "企业基本信息": ENTERPRISE_HEADER + ENTERPRISE_ROW,
            "资质荣誉": QUALIFICATION_HEADER + f"{E1},高新技术企业,国家级,GR1,{day}\n",
        },
    )
    before = dump()
    result = import_workbook(folder, actor=None)
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [
        ("资质荣誉", 2, "取得日期（E列）")
    ]
    assert "超出可接受的年份（1900–2100年）" in result.errors[0].message
    assert dump() == before


def test_an_excel_date_of_9999_12_31_is_a_cell_error(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "企业基本信息"
    sheet.append(["统一社会信用代码", "企业名称", "成立日期", "所属街镇/园区"])
    sheet.append([E1, "天津宏远电子科技有限公司", dt.date(9999, 12, 31), "大口屯镇"])
    book.save(tmp_path / "late.xlsx")
    result = import_workbook(tmp_path / "late.xlsx", actor=None)
    assert [(e.row, e.column) for e in result.errors] == [(2, "成立日期（C列）")]
    assert "9999-12-31" in result.errors[0].message


@pytest.mark.parametrize(
    ("char", "named"),
    [("\x07", "响铃符(BEL)"), ("\x1b", "转义符(ESC)"), ("\x00", "NUL")],
)
def test_a_control_character_in_a_csv_cell_is_refused_with_its_place(
    tmp_path: Path, char: str, named: str
) -> None:
    other = "91120224MA05A00029"
    folder = csv_folder(
        tmp_path,
        {
            "企业基本信息": ENTERPRISE_HEADER
            + ENTERPRISE_ROW
            + f"{other},天津{char}恒达科技有限公司,2016-07-01,口东镇\n"
        },
    )
    before = dump()
    result = import_workbook(folder, actor=None)
    assert [(e.row, e.column) for e in result.errors] == [(3, "企业名称（B列）")]
    assert named in result.errors[0].message and "控制字符" in result.errors[0].message
    assert dump() == before  # the clean row is not imported either


def client_for(who: str) -> Client:
    client = Client()
    client.force_login(persona(who))
    return client


def test_an_upload_over_the_size_limit_is_refused_before_it_is_read(
    settings: Any, tmp_path: Path
) -> None:
    settings.KEQI_IMPORT_MAX_MB = 1
    settings.MEDIA_ROOT = tmp_path / "media"
    big = SimpleUploadedFile("大文件.xlsx", b"PK" + b"\0" * 1_500_000)
    response = client_for("hq").post(reverse("registry:import"), {"file": big})
    assert response.status_code == 400
    assert "文件过大：本文件约 1.4 MB，最多 1 MB" in response.content.decode()
    assert not (tmp_path / "media" / "imports").exists() or not list(
        (tmp_path / "media" / "imports").rglob("*.xlsx")
    )
    huge = SimpleUploadedFile("更大.xlsx", b"PK" + b"\0" * 3_000_000)
    response = client_for("hq").post(reverse("registry:import"), {"file": huge})
    assert response.status_code == 400 and "文件过大" in response.content.decode()


def test_a_sheet_starting_in_column_c_names_its_columns_by_their_letters(
    tmp_path: Path,
) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "企业基本信息"
    sheet["C3"], sheet["D3"], sheet["E3"], sheet["F3"] = (
        "统一社会信用代码",
        "企业名称",
        "成立日期",
        "所属街镇/园区",
    )
    sheet["C4"], sheet["D4"], sheet["E4"], sheet["F4"] = (
        E1,
        "宏远",
        "不详",
        "大口屯镇",
    )
    book.save(tmp_path / "offset.xlsx")
    result = import_workbook(tmp_path / "offset.xlsx", actor=None)
    assert [(e.row, e.column) for e in result.errors] == [(4, "成立日期（E列）")]


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("activities:import", "活动.xlsx"),
        ("partners:import", "商标.xlsx"),
    ],
)
def test_every_import_page_refuses_an_oversized_upload(
    settings: Any, url: str, name: str
) -> None:
    settings.KEQI_IMPORT_MAX_MB = 1
    big = SimpleUploadedFile(name, b"PK" + b"\0" * 1_500_000)
    args = ["trademarks"] if url.startswith("partners") else []
    response = client_for("hq").post(reverse(url, args=args), {"file": big})
    assert "文件过大：本文件约 1.4 MB，最多 1 MB" in response.content.decode()


@pytest.mark.parametrize("spelling", [b"<row>", b"<row\n>", b'<x:row r="1">'])
def test_rows_are_counted_however_the_row_tag_is_spelt(
    tmp_path: Path, settings: Any, spelling: bytes
) -> None:
    settings.KEQI_IMPORT_MAX_ROWS = 1000
    close = b"</x:row>" if spelling.startswith(b"<x:") else b"</row>"
    rows = (spelling + b'<c t="inlineStr"><is><t>x</t></is></c>' + close) * 1001
    if spelling.startswith(b"<x:"):
        rows = rows.replace(b"<c ", b"<x:c ").replace(b"</c>", b"</x:c>")
        rows = rows.replace(b"<is>", b"<x:is>").replace(b"</is>", b"</x:is>")
        rows = rows.replace(b"<t>", b"<x:t>").replace(b"</t>", b"</x:t>")
    path = hand_made_xlsx(tmp_path / "rows.xlsx", "年度数据", rows)
    if spelling.startswith(b"<x:"):  # the whole sheet in the x: namespace
        prefixed = tmp_path / "prefixed.xlsx"
        with zipfile.ZipFile(path) as old, zipfile.ZipFile(prefixed, "w") as new:
            for item in old.infolist():
                body = old.read(item)
                if item.filename == "xl/worksheets/sheet1.xml":
                    body = (
                        body.replace(b"<worksheet xmlns=", b"<x:worksheet xmlns:x=")
                        .replace(b"<sheetData>", b"<x:sheetData>")
                        .replace(
                            b"</sheetData></worksheet>", b"</x:sheetData></x:worksheet>"
                        )
                    )
                new.writestr(item, body)
        path = prefixed
    message = import_workbook(path, actor=None).errors[0].message
    assert "至少 1001 行" in message


def test_a_registry_changed_between_check_and_apply_writes_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from keqi.core.testing import make_enterprise
    from keqi.registry import services
    from keqi.registry.tests.workbook_helpers import GOOD_XLSX
    from keqi.registry.workbook.plan import Planner

    other = make_enterprise()
    plan = Planner.plan

    def edited_meanwhile(self: Planner) -> Any:
        found = plan(self)
        # somebody edits an enterprise after the registry was read for the plan
        services.enterprise_upsert(
            uscc=other.uscc, values={"industry": "软件"}, actor=None
        )
        return found

    monkeypatch.setattr(Planner, "plan", edited_meanwhile)
    result = import_workbook(GOOD_XLSX, actor=None)
    assert not result.applied
    assert "核对之后企业库已有变化" in result.errors[-1].message
    assert list(Enterprise.objects.values_list("uscc", flat=True)) == [other.uscc]
    assert not AuditEvent.objects.filter(reason__contains="workbook_good")


def test_an_entity_declared_in_a_workbook_is_never_expanded(tmp_path: Path) -> None:
    """XXE and billion laughs: a sheet declaring entities (one reading a local file,
    one expanding to a billion characters) imports nothing and leaks nothing."""
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-CONTENT", encoding="utf-8")
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    doctype = (
        f'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file://{secret}">'
        f'<!ENTITY l0 "ha">{laughs}]>'
    ).encode()
    plain = hand_made_xlsx(tmp_path / "plain.xlsx", "企业基本信息", b"")
    hostile = tmp_path / "entities.xlsx"
    cells = "".join(
        f'<c t="inlineStr"><is><t>{text}</t></is></c>'
        for text in (E1, "&xxe;&l9;", "2012-03-15", "大口屯镇")
    )
    header = "".join(
        f'<c t="inlineStr"><is><t>{text}</t></is></c>'
        for text in ENTERPRISE_HEADER.strip().split(",")
    )
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(hostile, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                head, _, rest = data.partition(b"?>")
                data = (
                    head
                    + b"?>"
                    + doctype
                    + rest.replace(
                        b"<sheetData>",
                        f"<sheetData><row>{header}</row><row>{cells}</row>".encode(),
                    )
                )
            target.writestr(item, data)
    before = dump()
    start = time.perf_counter()
    result = import_workbook(hostile, actor=None)
    assert time.perf_counter() - start < 10
    assert dump() == before
    shown = " ".join(e.message for e in result.errors)
    assert result.errors and "SECRET-CONTENT" not in shown and "hahaha" not in shown


def test_a_row_break_is_not_counted_as_a_row(tmp_path: Path, settings: Any) -> None:
    settings.KEQI_IMPORT_MAX_ROWS = 1000
    rows = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 1000
    path = hand_made_xlsx(tmp_path / "rows.xlsx", "年度数据", rows)
    breaks = tmp_path / "breaks.xlsx"
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(breaks, "w") as new:
        for item in old.infolist():
            body = old.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(
                    b"</sheetData></worksheet>",
                    b'</sheetData><rowBreaks count="1" manualBreakCount="1">'
                    b'<brk id="500" max="16383" man="1"/></rowBreaks></worksheet>',
                )
            new.writestr(item, body)
    result = import_workbook(breaks, actor=None)
    assert result.errors  # the sheet has no header row, but 1000 rows are allowed
    assert not any("行数过多" in e.message for e in result.errors), result.errors


@pytest.mark.parametrize("rows", [1000, 1001])
def test_a_csv_sheet_may_have_as_many_rows_as_allowed_and_no_more(
    tmp_path: Path, settings: Any, rows: int
) -> None:
    settings.KEQI_IMPORT_MAX_ROWS = 1000
    text = "统一社会信用代码,年度\n" + "x,2016\n" * (rows - 1)
    result = import_workbook(csv_folder(tmp_path, {"年度数据": text}), actor=None)
    too_many = [e.message for e in result.errors if "行数过多" in e.message]
    if rows == 1000:
        assert not too_many and result.errors  # its cells are wrong, its size is not
    else:
        assert too_many == [
            "工作表“年度数据”的行数过多（至少 1001 行，每个工作表最多 1000 行），"
            "请拆分为几个较小的文件分别导入"
        ]
