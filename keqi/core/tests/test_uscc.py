from __future__ import annotations

import pytest

from keqi.core.uscc import check_uscc, make_uscc


@pytest.mark.parametrize("code", ["91110000600037341L", "91310000775785552L"])
def test_it_accepts_real_codes(code: str) -> None:
    assert check_uscc(code).ok


def test_it_rejects_a_wrong_check_digit_and_says_which_is_right() -> None:
    result = check_uscc("91110000600037341M")
    assert not result.ok
    assert "第18位应为L" in result.error


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("9111000060003734", "应为18位"),
        ("91110000600037341LL", "应为18位"),
        ("9111000060003734IL", "不允许的字符"),
        ("91AB0000600037341L", "行政区划代码"),
    ],
)
def test_it_rejects_malformed_codes_in_chinese(code: str, fragment: str) -> None:
    result = check_uscc(code)
    assert not result.ok and fragment in result.error


def test_it_accepts_full_width_and_lower_case_input() -> None:
    assert (
        check_uscc("９１１１００００６０００３７３４１ｌ").code == "91110000600037341L"
    )


def test_check_character_of_raw_zero_is_zero() -> None:
    # The check value 31 maps back to '0'; make_uscc must produce codes that pass.
    for serial in range(200):
        assert check_uscc(make_uscc("91120224", f"MA{serial:07d}")).ok


def test_the_advisory_org_code_check_can_be_left_out_without_changing_errors() -> None:
    # GB 11714 fails for this body, but the GB 32100 check character is right
    code = make_uscc("91120224", "MA0000001")
    assert check_uscc(code).warning
    assert check_uscc(code, advisory=False) == check_uscc(code).__class__(code)
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    assert check_uscc(wrong, advisory=False).error == check_uscc(wrong).error
