"""The monthly summary as Word (.docx) and PDF, in the layout an office sends upward.

The PDF embeds a Chinese TrueType font found on the machine (Debian packages
fonts-wqy-microhei or fonts-wqy-zenhei); without one it stops with a clear message.
"""

from __future__ import annotations

import io
from fractions import Fraction
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from PIL import Image, ImageDraw, ImageFont
from reportlab.graphics.shapes import (  # type: ignore[import-untyped]
    Drawing,
    Line,
    Rect,
    String,
)
from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.enums import TA_CENTER  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A4, landscape  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfbase.ttfonts import TTFont  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from keqi.campaign.summary import TARGET_HEADERS, Summary

FONT_NAME = "KeqiCJK"
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)
LIGHT_COLOURS = {
    "绿灯": "#1a7f37",
    "黄灯": "#b58100",
    "红灯": "#c62828",
    "无数据": "#666666",
}
LIGHT_COLUMN = TARGET_HEADERS.index("状态")


class FontMissing(RuntimeError):
    """No Chinese font to embed in the PDF."""


def cjk_font_path() -> Path:
    """The first usable Chinese TrueType font on this machine."""
    for candidate in FONT_CANDIDATES:
        if Path(candidate).exists():
            return Path(candidate)
    for pattern in ("wqy*.tt[cf]", "*CJK*.ttf", "*SimSun*.tt[cf]"):
        for found in sorted(Path("/usr/share/fonts").rglob(pattern)):
            return found
    raise FontMissing(
        "找不到可嵌入 PDF 的中文字体。请由管理员安装：apt-get install -y fonts-wqy-microhei"
    )


# ------------------------------------------------------------------ Word


def summary_docx(summary: Summary) -> bytes:
    """The summary as a .docx file (宋体 body, 黑体 headings)."""
    doc = Document()
    _docx_a4(doc)
    style = doc.styles["Normal"]
    style.font.name = "宋体"
    style.font.size = Pt(11)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(summary.title)
    run.bold, run.font.size = True, Pt(16)
    office = summary.plan.office_unit
    doc.add_paragraph(f"{office}　　数据截至 {summary.as_of:%Y年%m月%d日}")
    _docx_section(doc, "一、总体情况", [summary.overview])
    doc.add_heading("二、攻坚目标完成情况", level=2)
    _docx_targets(doc, summary)
    doc.add_paragraph(f"说明：{summary.rule}")
    try:
        doc.add_picture(io.BytesIO(chart_png(summary)), width=Cm(16))
    except FontMissing as exc:  # Word still opens; only the picture is left out
        doc.add_paragraph(f"（图表从略：{exc}）")
    doc.add_heading("三、工作措施推进情况", level=2)
    for m in summary.measures:
        doc.add_paragraph(f"{m.title}（{m.units}）：{m.light}。{m.reasons}")
        for unit, text in m.narratives:
            doc.add_paragraph(f"{unit}：{text}", style="List Bullet")
    _docx_section(
        doc, "四、存在问题", [f"{u}：{t}" for u, t in summary.problems] or ["无。"]
    )
    _docx_section(
        doc,
        "五、下月工作重点",
        [f"{u}：{t}" for u, t in summary.next_steps] or ["无。"],
    )
    _docx_section(doc, "六、月报报送情况", summary.late or ["各单位均按时报送。"])
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _docx_a4(doc) -> None:  # type: ignore[no-untyped-def]
    """A4 portrait (python-docx's template is US Letter), 2.5 cm / 2 cm margins."""
    for section in doc.sections:
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.top_margin = section.bottom_margin = Cm(2.5)
        section.left_margin = section.right_margin = Cm(2)


def _docx_light(cell, light: str) -> None:  # type: ignore[no-untyped-def]
    """Shade a traffic-light cell in its colour, with white bold text."""
    colour = LIGHT_COLOURS.get(light)
    if colour is None:
        return
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:fill"), colour.lstrip("#"))
    cell._tc.get_or_add_tcPr().append(shading)
    for run in cell.paragraphs[0].runs:
        run.bold = True
        run.font.color.rgb = RGBColor.from_string("FFFFFF")


def _docx_section(doc, title: str, paragraphs: list[str]) -> None:  # type: ignore[no-untyped-def]
    doc.add_heading(title, level=2)
    for text in paragraphs:
        doc.add_paragraph(text)


def _docx_targets(doc, summary: Summary) -> None:  # type: ignore[no-untyped-def]
    table = doc.add_table(rows=1, cols=len(TARGET_HEADERS))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, TARGET_HEADERS, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for row in summary.target_rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
        _docx_light(cells[LIGHT_COLUMN], row[LIGHT_COLUMN])


def chart_png(summary: Summary) -> bytes:
    """The completion chart for Word: blue bar = 完成率, red line = 序时进度."""
    rows = summary.board.targets
    font = ImageFont.truetype(str(cjk_font_path()), 18)
    image = Image.new("RGB", (1400, 40 + 34 * len(rows)), "white")
    draw = ImageDraw.Draw(image)
    draw.text(
        (10, 6),
        "完成率（蓝条）与序时进度（红线），满格为目标值",
        fill="black",
        font=font,
    )
    for i, status in enumerate(rows):
        y = 40 + 34 * i
        value = Fraction(status.target.value)
        done = min(Fraction(status.actual or 0) / value, Fraction(1))
        expected = min(status.judgement.expected / value, Fraction(1))
        draw.text((10, y + 2), status.target.name[:24], fill="black", font=font)
        draw.rectangle((520, y, 1380, y + 24), fill="#f2f4f7", outline="#999999")
        draw.rectangle((520, y, 520 + int(860 * done), y + 24), fill="#4a78c2")
        x = 520 + int(860 * expected)
        draw.line((x, y - 3, x, y + 27), fill="#c62828", width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


# ------------------------------------------------------------------ PDF


def _register_font() -> None:

    if FONT_NAME in pdfmetrics.getRegisteredFontNames():
        return
    path = cjk_font_path()
    try:
        font = TTFont(FONT_NAME, str(path), subfontIndex=0)
    except Exception as exc:  # reportlab raises plain errors for unusable fonts
        raise FontMissing(f"中文字体 {path} 无法嵌入 PDF：{exc}") from exc
    pdfmetrics.registerFont(font)


def summary_pdf(summary: Summary) -> bytes:
    """The summary as a PDF (A4 landscape) with the Chinese font embedded."""

    _register_font()
    styles = _pdf_styles()
    story = [
        Paragraph(_esc(summary.title), styles["title"]),
        Paragraph(
            f"{summary.plan.office_unit}　数据截至 {summary.as_of:%Y年%m月%d日}",
            styles["center"],
        ),
        Paragraph("一、总体情况", styles["h2"]),
        Paragraph(_esc(summary.overview), styles["body"]),
        Paragraph("二、攻坚目标完成情况", styles["h2"]),
        _pdf_targets(summary, styles),
        Spacer(1, 3 * mm),
        Paragraph(_esc(f"说明：{summary.rule}"), styles["small"]),
        _pdf_chart(summary),
    ]
    story += _pdf_rest(summary, styles)
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=summary.title,
        author=str(summary.plan.office_unit),
    ).build(story)
    return buffer.getvalue()


def _pdf_styles() -> dict:  # type: ignore[type-arg]

    base = ParagraphStyle(
        "body", fontName=FONT_NAME, fontSize=10, leading=15, wordWrap="CJK"
    )
    return {
        "body": base,
        "title": ParagraphStyle(
            "title", parent=base, fontSize=16, leading=24, alignment=TA_CENTER
        ),
        "center": ParagraphStyle("center", parent=base, alignment=TA_CENTER),
        "h2": ParagraphStyle("h2", parent=base, fontSize=12, leading=20, spaceBefore=6),
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=11),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10),
    }


def _pdf_targets(summary: Summary, styles: dict):  # type: ignore[no-untyped-def, type-arg]

    cell = styles["cell"]
    rows = [[Paragraph(h, cell) for h in TARGET_HEADERS]]
    # A Paragraph keeps its own colour (TableStyle's TEXTCOLOR does not reach it).
    lit = ParagraphStyle("light", parent=cell, textColor=colors.white)
    rows += [
        [
            Paragraph(
                _esc(v), lit if i == LIGHT_COLUMN and v in LIGHT_COLOURS else cell
            )
            for i, v in enumerate(row)
        ]
        for row in summary.target_rows
    ]
    widths = [10, 70, 18, 22, 18, 18, 16, 14, 80]
    table = Table(rows, colWidths=[w * mm for w in widths], repeatRows=1)
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    for i, row in enumerate(summary.target_rows, 1):
        if row[LIGHT_COLUMN] in LIGHT_COLOURS:  # a filled cell: the light at a glance
            colour = colors.HexColor(LIGHT_COLOURS[row[LIGHT_COLUMN]])
            at = (LIGHT_COLUMN, i)
            commands.append(("BACKGROUND", at, at, colour))
    table.setStyle(TableStyle(commands))
    return table


def _pdf_chart(summary: Summary):  # type: ignore[no-untyped-def]
    """Completion of each target against its 序时进度, as horizontal bars."""

    statuses = summary.board.targets
    drawing = Drawing(760, 14 * len(statuses) + 30)
    y = drawing.height - 20
    drawing.add(
        String(
            0,
            y + 6,
            "完成率（蓝条）与序时进度（竖线），满格为目标值",
            fontName=FONT_NAME,
            fontSize=8,
        )
    )
    for status in statuses:
        y -= 14
        value = Fraction(status.target.value)
        done = min(Fraction(status.actual or 0) / value, Fraction(1))
        expected = min(status.judgement.expected / value, Fraction(1))
        drawing.add(
            String(0, y + 2, status.target.name[:22], fontName=FONT_NAME, fontSize=7)
        )
        drawing.add(
            Rect(200, y, 400, 10, fillColor=colors.whitesmoke, strokeColor=colors.grey)
        )
        drawing.add(
            Rect(
                200,
                y,
                float(400 * done),
                10,
                fillColor=colors.HexColor("#4a78c2"),
                strokeColor=None,
            )
        )
        x = 200 + float(400 * expected)
        drawing.add(Line(x, y - 2, x, y + 12, strokeColor=colors.red, strokeWidth=1.2))
    return drawing


def _pdf_rest(summary: Summary, styles: dict) -> list:  # type: ignore[type-arg]

    body, h2 = styles["body"], styles["h2"]
    story = [Paragraph("三、工作措施推进情况", h2)]
    for m in summary.measures:
        story.append(
            Paragraph(_esc(f"{m.title}（{m.units}）：{m.light}。{m.reasons}"), body)
        )
        story += [Paragraph(_esc(f"　· {u}：{t}"), body) for u, t in m.narratives]
    for title, lines in _sections(summary):
        story.append(Paragraph(title, h2))
        story += [Paragraph(_esc(line), body) for line in lines]
    return story


def _sections(summary: Summary) -> list[tuple[str, list[str]]]:
    """The text sections after the measures, shared by both formats."""

    def said(pairs: list[tuple[str, str]]) -> list[str]:
        return [f"{unit}：{text}" for unit, text in pairs] or ["无。"]

    return [
        ("四、各单位工作进展", said(summary.progress)),
        ("五、存在问题", said(summary.problems)),
        ("六、下月工作重点", said(summary.next_steps)),
        ("七、月报报送情况", summary.late or ["各单位均按时报送。"]),
    ]


def _esc(text: str) -> str:
    """Paragraph text is mini-HTML; unit narratives are plain text."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\n", "<br/>")
    )
