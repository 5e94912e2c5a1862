from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keqi.core.text_safety import (
    control_character_error,
    find_control_character,
    neutralise_cell_text,
    restore_cell_text,
)


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://x","点我")',
        "=cmd|' /C calc'!A0",
        "+1+1",
        "-2+3",
        "@SUM(A1)",
        "\tx",
        "\rx",
    ],
)
def test_formula_like_text_is_written_with_a_leading_quote(text: str) -> None:
    assert neutralise_cell_text(text) == "'" + text


def test_plain_chinese_names_are_written_as_they_are() -> None:
    assert neutralise_cell_text("天津宝坻科技有限公司") == "天津宝坻科技有限公司"


@given(st.text().filter(lambda s: find_control_character(s) is None))
def test_export_then_import_gives_back_the_original_text(text: str) -> None:
    assert restore_cell_text(neutralise_cell_text(text)) == text


def test_a_name_with_escape_and_bell_is_refused_with_its_position() -> None:
    message = control_character_error("宝坻\x1b科技\x07")
    assert message is not None
    assert "第3个字符" in message and "ESC" in message


def test_tabs_and_new_lines_are_allowed_in_text() -> None:
    assert control_character_error("第一行\n第二行\t备注\r\n") is None


def test_nul_is_named() -> None:
    assert "NUL" in (control_character_error("a\x00") or "")
