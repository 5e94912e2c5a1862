"""The monthly summary files open and contain the targets table."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from PIL import Image

from keqi.campaign.documents import cjk_font_path, summary_docx, summary_pdf
from keqi.campaign.summary import TARGET_HEADERS, summary_build
from keqi.campaign.tests.helpers import file_report, grant, plan_with_typed_target

pytestmark = pytest.mark.django_db
JUNE = dt.date(2019, 6, 1)


def _summary(folder: Path):  # type: ignore[no-untyped-def]
    plan = plan_with_typed_target(folder)
    grant("高新技术企业", dt.date(2019, 6, 12), number="GR201912000101")
    report = file_report(
        plan,
        "gxj",
        JUNE,
        dt.date(2019, 7, 3),
        figures={"visits": "30"},
    )
    report.problems = "部分企业对政策了解不够"
    report.next_steps = "7月组织专题培训"
    report.save()
    return summary_build(plan, JUNE, dt.date(2019, 7, 8))


def test_the_docx_reads_back_with_the_targets_table(tmp_path: Path) -> None:
    document = Document(io.BytesIO(summary_docx(_summary(tmp_path))))
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == TARGET_HEADERS
    rows = {r.cells[1].text: [c.text for c in r.cells] for r in table.rows[1:]}
    assert len(rows) == 17
    assert rows["新发展国家高新技术企业"][2:5] == ["26家", "2019-12-31", "1"]
    assert rows["走访服务科技企业"][4] == "30"
    assert rows["完成创新转型企业"][4] == "0"  # counted from records: none yet
    text = "\n".join(p.text for p in document.paragraphs)
    assert "区工信局：部分企业对政策了解不够" in text
    assert "区工信局：7月组织专题培训" in text
    assert "2019年06月月报逾期未报" in text  # 区科协 and others did not report
    assert len(document.inline_shapes) == 1  # the completion chart


def test_the_docx_is_a4_and_shades_each_traffic_light_in_its_colour(
    tmp_path: Path,
) -> None:
    document = Document(io.BytesIO(summary_docx(_summary(tmp_path))))
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (
        21.0,
        29.7,
    )
    column = TARGET_HEADERS.index("状态")
    fills = {}
    for row in document.tables[0].rows[1:]:
        cell = row.cells[column]
        shading = cell._tc.tcPr.find(qn("w:shd")) if cell._tc.tcPr is not None else None
        fills[cell.text] = None if shading is None else shading.get(qn("w:fill"))
    assert fills.get("红灯") == "c62828"
    assert set(fills) <= {"红灯", "黄灯", "绿灯", "无数据", "—", ""}


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")
def test_the_pdf_renders_and_contains_the_targets_table(tmp_path: Path) -> None:
    cjk_font_path()  # a missing font is an installation error, not a skip
    pdf = tmp_path / "summary.pdf"
    pdf.write_bytes(summary_pdf(_summary(tmp_path)))
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", pdf, tmp_path / "p"],
        check=True,
    )
    page = next(tmp_path.glob("p*.png"))
    assert page.stat().st_size > 10_000
    # the 状态 column is filled with the light's colour, not printed as plain text
    with Image.open(page) as picture:
        colours = {c for _, c in picture.convert("RGB").getcolors(1_000_000) or []}
    assert (0xC6, 0x28, 0x28) in colours  # 红灯
    text = subprocess.run(
        ["pdftotext", "-layout", pdf, "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "二、攻坚目标完成情况" in text
    assert "新发展国家高新技术企业" in text and "26家" in text
    fonts = subprocess.run(["pdffonts", pdf], capture_output=True, text=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:]]
    cjk = [row for row in rows if row[1] == "TrueType"]
    assert cjk and all(row[-5] == "yes" for row in cjk)  # the Chinese font is embedded
