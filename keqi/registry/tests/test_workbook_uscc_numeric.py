"""A code typed into a number cell (.xls keeps it as a float) is refused with the reason."""

from __future__ import annotations

import pytest

from keqi.registry.workbook.cells import CellProblem
from keqi.registry.workbook.parse import clean_cell
from keqi.registry.workbook.schema import ENTERPRISE, USCC


def test_a_code_read_from_a_number_cell_says_the_cell_was_numeric() -> None:
    # 911202240000000001 as Excel stores it: a float with 15 significant digits.
    with pytest.raises(CellProblem) as caught:
        clean_cell(ENTERPRISE, USCC, "", 9.11202240000000e17, {})
    message = str(caught.value)
    assert "该单元格是数值格式" in message
    assert "911202240000000000" in message
    assert "文本" in message


def test_a_bad_code_in_a_text_cell_does_not_mention_number_format() -> None:
    with pytest.raises(CellProblem) as caught:
        clean_cell(ENTERPRISE, USCC, "", "91120224000000000X", {})
    assert "数值格式" not in str(caught.value)
