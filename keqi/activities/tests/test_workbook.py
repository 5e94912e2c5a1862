"""Activities and attendance from Excel: all or nothing, errors by sheet/row/column."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from keqi.activities.models import Activity, Attendance
from keqi.activities.tests.helpers import client_for, training
from keqi.activities.workbook import (
    ACTIVITY_COLUMNS,
    ATTENDANCE_COLUMNS,
    activities_import,
)
from keqi.core.testing import make_enterprise

pytestmark = pytest.mark.django_db
ACT = [c.header for c in ACTIVITY_COLUMNS]
ATT = [c.header for c in ATTENDANCE_COLUMNS]


def _book(path: Path, activities: list[list[Any]], attendance: list[list[Any]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "活动"
    ws.append(ACT)
    for row in activities:
        ws.append(row)
    ws2 = wb.create_sheet("参加企业")
    ws2.append(ATT)
    for row in attendance:
        ws2.append(row)
    file = path / "activities.xlsx"
    wb.save(file)
    return file


def _training_row(code: str = "PX-2019-01", **over: Any) -> list[Any]:
    row = dict.fromkeys(ACT, None)
    row.update(
        {
            "活动编号": code,
            "活动类型": "培训",
            "活动名称": "科技型中小企业入库申报培训（第一期）",
            "举办日期": dt.date(2019, 4, 18),
            "主办单位": "区科技局",
            "科技型中小企业入库申报培训": "是",
            "参加总人数": 60,
        }
    )
    row.update(over)
    return list(row.values())


def test_a_clean_workbook_creates_activities_and_attendance(tmp_path, hq) -> None:  # type: ignore[no-untyped-def]
    a, b = make_enterprise(), make_enterprise("koudong")
    file = _book(
        tmp_path,
        [_training_row()],
        [
            ["PX-2019-01", a.uscc, a.name, "是", "是", 2, ""],
            ["PX-2019-01", b.uscc, None, None, None, 3, "迟到"],
        ],
    )
    report = activities_import(path=file, actor=hq)
    assert report.errors == [] and report.applied
    activity = Activity.objects.get(code="PX-2019-01")
    assert activity.tech_sme_training and activity.organiser.code == "hq"
    assert sorted(activity.attendances.values_list("people", flat=True)) == [2, 3]
    again = activities_import(path=file, actor=hq)
    assert again.activities == {"unchanged": 1} and again.attendance == {"unchanged": 2}


def test_every_bad_cell_is_named_and_nothing_is_saved(tmp_path, hq) -> None:  # type: ignore[no-untyped-def]
    a = make_enterprise()
    file = _book(
        tmp_path,
        [
            _training_row(),
            _training_row("PX-2019-02", 举办日期="2019-13-01", 主办单位="区外单位"),
        ],
        [
            ["PX-2019-01", a.uscc, "别的名字", "是", "是", 2, ""],
            ["PX-2019-01", "91120224MA05ABCDE1", None, "是", "是", 1, ""],
            ["PX-2019-09", a.uscc, None, "是", "是", "两人", ""],
        ],
    )
    report = activities_import(path=file, actor=hq)
    shown = [str(e) for e in report.errors]
    assert "活动 · 第3行 · 举办日期：日期不存在：“2019-13-01”" in shown
    assert any(s.startswith("参加企业 · 第2行 · 企业名称：与企业库名称") for s in shown)
    assert any(s.startswith("参加企业 · 第3行 · 统一社会信用代码：") for s in shown)
    assert any(s.startswith("参加企业 · 第4行 · 参加人数：") for s in shown)
    assert not report.applied
    assert not Activity.objects.exists() and not Attendance.objects.exists()


def test_a_town_cannot_import_another_units_activity_or_enterprise(
    tmp_path, town_a, hq
) -> None:  # type: ignore[no-untyped-def]
    training(dt.date(2019, 4, 18), actor=hq, code="PX-HQ")
    theirs = make_enterprise("koudong")
    file = _book(
        tmp_path,
        [_training_row("PX-TOWN", 主办单位="区科技局")],
        [["PX-HQ", theirs.uscc, None, "是", "是", 1, ""]],
    )
    shown = [str(e) for e in activities_import(path=file, actor=town_a).errors]
    assert "活动 · 第2行 · 主办单位：只能导入本单位主办的活动" in shown
    assert "参加企业 · 第2行 · 活动编号：活动“PX-HQ”由其他单位主办，不能修改" in shown
    assert Activity.objects.count() == 1


def test_people_beyond_the_total_are_refused_on_the_activity_row(tmp_path, hq) -> None:  # type: ignore[no-untyped-def]
    a, b = make_enterprise(), make_enterprise()
    file = _book(
        tmp_path,
        [_training_row(参加总人数=4)],
        [
            ["PX-2019-01", a.uscc, None, "是", "是", 3, ""],
            ["PX-2019-01", b.uscc, None, "是", "是", 2, ""],
        ],
    )
    shown = [str(e) for e in activities_import(path=file, actor=hq).errors]
    assert shown == [
        "活动 · 第2行 · 参加总人数：参加企业人数合计5人，超过参加总人数4人"
    ]


def test_the_list_export_reimports_unchanged(tmp_path, hq) -> None:  # type: ignore[no-untyped-def]
    a = make_enterprise()
    file = _book(
        tmp_path,
        [_training_row()],
        [["PX-2019-01", a.uscc, a.name, "是", "是", 2, "x"]],
    )
    activities_import(path=file, actor=hq)
    client = client_for(hq)
    export = client.get("/activities/list/?year=2019&kind=培训&format=xlsx")
    assert export.status_code == 200
    book = openpyxl.load_workbook(BytesIO(export.content))
    assert book.sheetnames == ["说明", "活动", "参加企业"]
    out = tmp_path / "export.xlsx"
    out.write_bytes(export.content)
    report = activities_import(path=out, actor=hq)
    assert report.applied and report.activities == {"unchanged": 1}
    assert report.attendance == {"unchanged": 1}


def test_the_import_page_checks_without_saving_when_asked(tmp_path, hq) -> None:  # type: ignore[no-untyped-def]
    file = _book(tmp_path, [_training_row()], [])
    client = client_for(hq)
    upload = SimpleUploadedFile("培训.xlsx", file.read_bytes())
    page = client.post("/activities/import/", {"file": upload, "dry_run": "1"})
    assert "检查通过" in page.content.decode() and not Activity.objects.exists()
    upload = SimpleUploadedFile("培训.xlsx", file.read_bytes())
    page = client.post("/activities/import/", {"file": upload})
    assert "已导入：活动新增 1" in page.content.decode()
    assert client.get("/activities/import/template/").status_code == 200


def test_a_date_out_of_range_is_a_cell_error_and_nothing_is_imported(
    tmp_path, hq
) -> None:  # type: ignore[no-untyped-def]
    file = _book(
        tmp_path,
        [
            _training_row("PX-2019-01", 举办日期=dt.date(9999, 12, 31)),
            _training_row("PX-2019-02", 活动名称="'=cmd|' /C calc'!A0"),
        ],
        [],
    )
    report = activities_import(path=file, actor=hq)
    assert [(e.row, e.column) for e in report.errors] == [(2, "举办日期")]
    assert "超出可接受的年份（1900–2100年）" in report.errors[0].message
    assert not Activity.objects.exists()


def test_a_control_character_in_an_activity_csv_names_its_cell(tmp_path, hq) -> None:  # type: ignore[no-untyped-def]
    import zipfile

    rows = [ACT, _training_row(活动名称="入库\x07培训")]
    text = "\n".join(",".join("" if v is None else str(v) for v in row) for row in rows)
    file = tmp_path / "活动.zip"
    with zipfile.ZipFile(file, "w") as archive:
        archive.writestr("活动.csv", text.encode("utf-8"))
    report = activities_import(path=file, actor=hq)
    assert [(e.row, e.column) for e in report.errors] == [(2, "活动名称")]
    assert "响铃符(BEL)" in report.errors[0].message
    assert not Activity.objects.exists()
