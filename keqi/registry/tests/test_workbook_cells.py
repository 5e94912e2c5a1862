"""Cleaning single cells: what staff type becomes an exact value or a clear error."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from keqi.registry.models import QualificationLevel, TechField
from keqi.registry.workbook import cells
from keqi.registry.workbook.cells import CellProblem
from keqi.registry.workbook.writer import excel_number


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("１２０", Decimal("120")),
        ("1,234.5", Decimal("1234.5")),
        ("１，２３４．５", Decimal("1234.5")),
        (" 12,345,678 ", Decimal("12345678")),
        ("-12.5", Decimal("-12.5")),
        (5200.5, Decimal("5200.5")),
        (0.1, Decimal("0.1")),
        (7, Decimal("7")),
    ],
)
def test_it_reads_numbers_as_typed_in_excel(raw: object, expected: Decimal) -> None:
    assert cells.number_of(raw) == expected


@pytest.mark.parametrize("raw", ["abc", "1,23", "12万", "1.2.3", "--1"])
def test_text_that_is_not_a_number_is_an_error(raw: str) -> None:
    with pytest.raises(CellProblem, match="不是有效的数字"):
        cells.number_of(raw)


@pytest.mark.parametrize(
    "raw",
    [
        dt.datetime(2019, 5, 20),
        dt.date(2019, 5, 20),
        "2019-05-20",
        "2019/5/20",
        "2019.5.20",
        "2019年5月20日",
        "２０１９年５月２０日",
        " 2019-5-20 ",
    ],
)
def test_every_accepted_date_spelling_reads_as_the_same_day(raw: object) -> None:
    assert cells.clean_date(raw) == dt.date(2019, 5, 20)


@pytest.mark.parametrize("raw", ["2019-02-30", "20190520", "去年", 43605])
def test_an_unreadable_or_impossible_date_is_an_error(raw: object) -> None:
    with pytest.raises(CellProblem):
        cells.clean_date(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("是", True),
        ("否", False),
        ("Y", True),
        ("n", False),
        ("1", True),
        (0, False),
        ("TRUE", True),
        ("false", False),
        (True, True),
        (None, None),
        ("  ", None),
    ],
)
def test_yes_no_cells(raw: object, expected: bool | None) -> None:
    assert cells.clean_bool(raw) is expected


def test_a_yes_no_cell_with_other_text_is_an_error() -> None:
    with pytest.raises(CellProblem, match="应填“是”或“否”"):
        cells.clean_bool("可能")


def test_blank_money_is_unknown_not_zero() -> None:
    assert cells.clean_money(None) is None
    assert cells.clean_money("  ") is None
    assert cells.clean_money(0) == Decimal("0")


@pytest.mark.parametrize(
    ("raw", "factor", "expected"),
    [
        ("52,005,000", 10000, Decimal("5200.5")),
        (61234567.89, 10000, Decimal("6123.456789")),
        ("53,000", 10, Decimal("5300")),
        (12345.678, 10, Decimal("1234.5678")),
        ("5200.5", 1, Decimal("5200.5")),
    ],
)
def test_yuan_and_thousand_yuan_convert_exactly_to_wan_yuan(
    raw: object, factor: int, expected: Decimal
) -> None:
    assert cells.clean_money(raw, factor) == expected


def test_an_amount_finer_than_one_fen_is_refused_rather_than_rounded() -> None:
    with pytest.raises(CellProblem, match="精度"):
        cells.clean_money("0.001", 10000)


def test_counts_must_be_whole_and_not_negative() -> None:
    assert cells.clean_int("１２０") == 120
    assert cells.clean_int(12.0) == 12
    with pytest.raises(CellProblem, match="整数"):
        cells.clean_int(12.5)
    with pytest.raises(CellProblem, match="负数"):
        cells.clean_int(-1)


def test_enum_values_match_with_either_bracket_width_and_list_allowed_values() -> None:
    assert cells.clean_choice("省级(市级)", QualificationLevel) == "省级（市级）"
    with pytest.raises(CellProblem) as raised:
        cells.clean_choice("人工智能", TechField)
    assert "可选：电子信息、生物与新医药" in str(raised.value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1234.560000"), 1234.56),
        (Decimal("5300.000000"), 5300),
        (Decimal("-12.5"), -12.5),
        (Decimal("12345678901.123456"), "12345678901.123456"),
        (Decimal("99999999999999.999999"), "99999999999999.999999"),
    ],
)
def test_exported_amounts_are_numbers_only_when_excel_keeps_them_exact(
    value: Decimal, expected: object
) -> None:
    written = excel_number(value)
    assert written == expected and type(written) is type(expected)
    back = cells.number_of(written)
    assert back == value
