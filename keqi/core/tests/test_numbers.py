from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from keqi.core.numbers import parse_date, parse_decimal, parse_integer


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1,234.5", Decimal("1234.5")),
        ("１２３４．５", Decimal("1234.5")),
        ("１，２３４", Decimal("1234")),
        (" -12.50 ", Decimal("-12.50")),
        ("−3", Decimal("-3")),
        ("0.000001", Decimal("0.000001")),
        (".5", Decimal("0.5")),
        (0.1, Decimal("0.1")),
        (7, Decimal("7")),
    ],
)
def test_it_reads_numbers_as_people_type_them(typed: object, expected: Decimal) -> None:
    assert parse_decimal(typed) == expected


@pytest.mark.parametrize("typed", ["", "   ", None, "　"])
def test_a_blank_number_is_unknown_not_zero(typed: object) -> None:
    assert parse_decimal(typed) is None


@pytest.mark.parametrize("typed", ["abc", "1,2", "12,34.5", "1.2.3", "-", "1e5", "NaN"])
def test_it_rejects_text_that_is_not_a_number(typed: str) -> None:
    with pytest.raises(ValueError, match="不是有效的数字"):
        parse_decimal(typed)


def test_integers_accept_separators_and_reject_fractions() -> None:
    assert parse_integer("1,200") == 1200
    assert parse_integer("１２") == 12
    with pytest.raises(ValueError, match="应为整数"):
        parse_integer("3.5")


@pytest.mark.parametrize(
    "typed",
    [
        "2019-05-20",
        "2019/5/20",
        "2019.5.20",
        "2019年5月20日",
        "２０１９年５月２０日",
        "2019-05-20 00:00:00",
    ],
)
def test_it_reads_every_listed_date_spelling(typed: str) -> None:
    assert parse_date(typed) == dt.date(2019, 5, 20)


def test_it_rejects_impossible_and_unreadable_dates() -> None:
    with pytest.raises(ValueError, match="不是有效日期"):
        parse_date("2019-02-30")
    with pytest.raises(ValueError, match="不是可识别的日期"):
        parse_date("五月二十日")
    assert parse_date("") is None
