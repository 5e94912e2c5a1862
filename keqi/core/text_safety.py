"""Text that is safe to store and to hand back in a spreadsheet.

Two dangers, one module, shared by every input (web forms, query parameters, workbook
and CSV import, the API) and every xlsx/CSV keqi writes:

* Control characters (NUL, BEL, ESC …) break Excel files (openpyxl refuses them) and
  PostgreSQL (a NUL in a text value is an error). keqi refuses them at input with a
  Chinese message; ``find_control_character`` says which one and where.
* Formula injection: a text cell beginning with ``= + - @`` (or tab / carriage return)
  is read by Excel as a formula. OWASP's advice is to prefix such text with a single
  quote. ``neutralise_cell_text`` does that on the way out, ``restore_cell_text``
  undoes it on the way in, so export → import gives back the original text exactly.
"""

from __future__ import annotations

import re

# What XML 1.0 (and so xlsx) cannot hold, plus DEL: everything below U+0020 but tab,
# line feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_QUOTE = "'"

_NAMES = {
    0: "空字符(NUL)",
    7: "响铃符(BEL)",
    8: "退格符",
    0x1B: "转义符(ESC)",
    0x7F: "删除符(DEL)",
}


def find_control_character(text: str) -> str | None:
    """None when the text is clean; otherwise a Chinese description of the first bad
    character and its position, e.g. ``第3个字符是不可见的控制字符“转义符(ESC)”``."""
    match = _CONTROL.search(text)
    if match is None:
        return None
    code = ord(match.group())
    name = _NAMES.get(code, f"U+{code:04X}")
    return f"第{match.start() + 1}个字符是不可见的控制字符“{name}”"


def control_character_error(text: str) -> str | None:
    """The message an input shows when the text holds a control character, or None."""
    where = find_control_character(text)
    if where is None:
        return None
    return f"含有不允许的控制字符：{where}，请删除后重试"


def neutralise_cell_text(text: str) -> str:
    """The text as it must be written into a spreadsheet cell: never a formula.

    Text starting with ``= + - @``, tab or CR gets a leading single quote, and so does
    text that already starts with a quote (so ``restore_cell_text`` can undo exactly).
    Control characters are dropped (input refuses them; this guards older rows).
    """
    text = _CONTROL.sub("", text)
    if text.startswith(_FORMULA_STARTS) or text.startswith(_QUOTE):
        return _QUOTE + text
    return text


def restore_cell_text(text: str) -> str:
    """Undo ``neutralise_cell_text``: the original text of a cell keqi wrote."""
    if text.startswith(_QUOTE) and text[1:].startswith((*_FORMULA_STARTS, _QUOTE)):
        return text[1:]
    return text
