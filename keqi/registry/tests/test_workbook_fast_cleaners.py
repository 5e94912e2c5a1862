"""The column cleaners' short paths give exactly what the full cleaning gives."""

from __future__ import annotations

from typing import Any

import pytest

from keqi.core.uscc import make_uscc
from keqi.registry.workbook import parse
from keqi.registry.workbook.cells import CellProblem
from keqi.registry.workbook.schema import (
    ENTERPRISE,
    EXAMPLE_USCC,
    FIGURES,
    MONEY_UNITS,
)

AMOUNTS: list[Any] = [
    0,
    7,
    -12,
    5000,
    12_345_678,
    99_999_999_999_999,
    0.1,
    88.8,
    -88.8,
    0.05,
    0.000001,
    0.0000001,
    1e-05,
    123.456789,
    1234.5678,
    0.123456789,
    12345678.12,
    123456789.123456,
    999999999.9999,
    "123.45",
    "-0",
    "0.0001",
    "1234567890.1234",
    "12.345678",
    " 12.5 ",
    "1,234.5",
    None,
]


def _outcome(clean: Any, raw: Any) -> tuple[str, Any]:
    try:
        return ("ok", clean(raw))
    except CellProblem as problem:
        return ("error", str(problem))


@pytest.mark.parametrize("unit", list(MONEY_UNITS))
def test_amounts_are_cleaned_as_the_full_cleaning_does(unit: str) -> None:
    column = FIGURES.column("sales_revenue")
    fast = parse.column_cleaner(FIGURES, column, unit, {})
    for raw in AMOUNTS:
        full = _outcome(lambda r: parse.clean_cell(FIGURES, column, unit, r, {}), raw)
        got = _outcome(fast, raw)
        assert got == full, raw
        if got[0] == "ok" and got[1] is not None:
            assert str(got[1]) == str(full[1]), raw  # the same places too


def test_codes_are_cleaned_as_the_full_cleaning_does() -> None:
    good = make_uscc("91120224", "MA05A0001")
    wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
    column = ENTERPRISE.column("uscc")
    fast = parse.column_cleaner(ENTERPRISE, column, "", {}, {})
    for raw in [
        good,
        good.lower(),
        f" {good} ",
        wrong_check,
        EXAMPLE_USCC,
        good[:17],
        good.replace("1", "I", 1),
        "91AB0224MA05A0001X",
        12345,
    ]:
        full = _outcome(lambda r: parse.clean_cell(ENTERPRISE, column, "", r, {}), raw)
        assert _outcome(fast, raw) == full, raw
