"""Parameter values typed as text: every shipped value survives the round trip."""

from __future__ import annotations

import pytest

from keqi.criteria.values import (
    ValueTextError,
    display_of,
    range_words,
    raw_of,
    text_of,
)
from keqi.rules import default_params
from keqi.rules.params import parse_value


def test_every_shipped_value_reads_back_from_its_text_unchanged() -> None:
    checked = 0
    for param in default_params():
        for version in param.versions:
            if isinstance(version.raw, dict) and set(version.raw) == {"ref"}:
                continue
            text = text_of(param.type, version.raw)
            assert parse_value(param.type, raw_of(param.type, text)) == version.value
            checked += 1
    assert checked > 50


@pytest.mark.parametrize(
    ("kind", "text", "raw"),
    [
        ("threshold", "≥ 5", {"op": ">=", "value": "5"}),
        ("threshold", ">=30%", {"op": ">=", "value": "30%"}),
        ("threshold", "＜ 1000", {"op": "<", "value": "1000"}),
        ("int", "-1", -1),
        ("amount", "1,000.50", "1000.50"),
        (
            "texts",
            "发明专利、植物新品种\n软件著作权",
            ["发明专利", "植物新品种", "软件著作权"],
        ),
        ("bool", "否", False),
        (
            "bands",
            "A [30%, +inf) 20\nB (-inf, 30%) 7-8",
            [
                {"label": "A", "range": "[30%, +inf)", "value": 20},
                {"label": "B", "range": "(-inf, 30%)", "value": [7, 8]},
            ],
        ),
    ],
)
def test_staff_can_type_values_the_way_the_documents_write_them(
    kind, text, raw
) -> None:
    assert raw_of(kind, text) == raw


@pytest.mark.parametrize(
    ("kind", "text", "message"),
    [
        ("int", "1.5", "“1.5”不是整数"),
        ("amount", "一千", "不是金额"),
        ("ratio", "百分之五", "不是比例"),
        ("threshold", "5", "应写成运算符和数值"),
        ("bands", "A 30% 20", "第1行"),
        ("bool", "也许", "应为 是 或 否"),
    ],
)
def test_unreadable_text_gets_a_chinese_message(kind, text, message) -> None:
    with pytest.raises(ValueTextError, match=message):
        raw_of(kind, text)


@pytest.mark.parametrize(
    ("interval", "words"),
    [
        ("[5%, +inf)", "5%及以上"),
        ("(5%, +inf)", "高于5%"),
        ("(-inf, 10]", "10及以下"),
        ("(-inf, 2%)", "低于2%"),
        ("[1, 3)", "1（含）至3（不含）"),
        ("(0, 3]", "高于0、不超过3"),
        ("(-inf, +inf)", "不限"),
    ],
)
def test_intervals_are_shown_in_words(interval: str, words: str) -> None:
    assert range_words(interval) == words


def test_bands_read_as_sentences_and_the_form_accepts_the_infinity_sign() -> None:
    raw = [
        {"label": "A", "range": "[6%, +inf)", "value": 50},
        {"label": "F", "range": "(-inf, 2%)", "value": 0},
    ]
    assert display_of("bands", raw) == "A档：6%及以上，得50分\nF档：低于2%，得0分"
    assert text_of("bands", raw) == "A [6%, +∞) 50\nF (-∞, 2%) 0"
    assert raw_of("bands", text_of("bands", raw)) == raw
