"""NHS number validation (DOMAIN.md section 10).

Modulus 11 worked by hand for the numbers used here (weights 10..2 on the first nine digits):
- 943476591 -> 90+36+24+28+42+30+20+27+2 = 299; 299 mod 11 = 2; check 11-2 = 9 -> 9434765919
- 401023213 -> 40+0+8+0+12+15+8+3+6 = 92; 92 mod 11 = 4; check 7 -> 4010232137
- 943476590 -> 297 = 27*11; check 11 -> 0 -> 9434765900
- 401023211 -> 88 = 8*11; check 11 -> 0 -> 4010232110
- 943476596 -> 309; 309 mod 11 = 1; check 10 -> no valid number starts 943476596
- 401023217 -> 100; 100 mod 11 = 1; check 10 -> no valid number starts 401023217
- 999000000 -> 90+81+72 = 243; 243 mod 11 = 1; check 10 -> no valid number starts 999000000
- 999000001 -> 245; 245 mod 11 = 3; check 8 -> 9990000018
- 999000005 -> 253 = 23*11; check 0 -> 9990000050
- 999999999 -> 9*54 = 486; 486 mod 11 = 2; check 9 -> 9999999999 (but all one digit)
- d repeated: d*54 = -d (mod 11), so the check digit is d: every all-same-digit number passes
  the arithmetic and must be rejected by its own rule.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.children.nhs_number import (
    is_test_nhs_number,
    nhs_number_error,
    normalise_nhs_number,
)

LENGTH_ERROR = "An NHS number must be 10 digits."
SAME_DIGIT_ERROR = "An NHS number cannot be the same digit ten times."
CHECK_ERROR = "Enter a valid NHS number: the check digit does not match."


def _check_digit(nine):
    total = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    return 0 if check == 11 else check


@pytest.mark.parametrize(
    "value",
    ["9434765919", "4010232137", "9990000018", "9990000050", "9434765900", "4010232110"],
)
def test_valid_nhs_numbers_have_no_error(value):
    assert nhs_number_error(value) is None


@pytest.mark.parametrize("last", "012345678")
def test_wrong_check_digit_is_rejected(last):
    assert nhs_number_error("943476591" + last) == CHECK_ERROR


def test_one_digit_changed_is_rejected():
    assert nhs_number_error("9434765929") == CHECK_ERROR
    assert nhs_number_error("9434756919") == CHECK_ERROR  # two digits transposed


@pytest.mark.parametrize("prefix", ["943476596", "401023217", "999000000"])
@pytest.mark.parametrize("last", "0123456789")
def test_check_digit_computing_to_10_makes_every_number_invalid(prefix, last):
    assert nhs_number_error(prefix + last) == CHECK_ERROR


@pytest.mark.parametrize("prefix", ["943476590", "401023211", "999000005"])
def test_check_digit_computing_to_11_means_0(prefix):
    assert nhs_number_error(prefix + "0") is None
    for last in "123456789":
        assert nhs_number_error(prefix + last) == CHECK_ERROR


@pytest.mark.parametrize("digit", "0123456789")
def test_all_same_digit_numbers_are_rejected_though_the_arithmetic_passes(digit):
    value = digit * 10
    assert _check_digit(value[:9]) == int(digit)
    assert nhs_number_error(value) == SAME_DIGIT_ERROR


@pytest.mark.parametrize(
    "value",
    ["", "943476591", "94347659190", "123", "0" * 11, None],
    ids=["empty", "nine-digits", "eleven-digits", "three-digits", "eleven-zeros", "none"],
)
def test_wrong_length_is_rejected(value):
    assert nhs_number_error(value) == LENGTH_ERROR


@pytest.mark.parametrize(
    "value",
    ["943476591A", "A434765919", "ABCDEFGHIJ", "943.476.5919", "943/476/5919", "+9434765919"],
)
def test_letters_and_other_punctuation_are_rejected(value):
    assert nhs_number_error(value) == LENGTH_ERROR


@pytest.mark.parametrize(
    "value",
    ["943 476 5919", "943-476-5919", " 9434765919 ", "943 - 476 - 5919", "943\t476\n5919"],
)
def test_spaces_and_hyphens_are_normalised_away(value):
    assert normalise_nhs_number(value) == "9434765919"
    assert nhs_number_error(value) is None


def test_normalising_leaves_other_characters_alone():
    assert normalise_nhs_number("943.476.5919") == "943.476.5919"
    assert normalise_nhs_number("") == ""
    assert normalise_nhs_number(None) == ""


def test_spaced_number_with_wrong_check_digit_is_still_rejected():
    assert nhs_number_error("943 476 5918") == CHECK_ERROR


def test_superscript_digit_gives_an_error_message_not_an_exception():
    assert nhs_number_error("943476591²") == LENGTH_ERROR


def test_full_width_digits_are_rejected():
    assert nhs_number_error("９４３４７６５９１９") is not None


@pytest.mark.parametrize(
    "value", ["9990000018", "9990000000", "9999999999", "999 000 0018", "999-000-0050"]
)
def test_numbers_in_the_999_range_are_test_numbers(value):
    assert is_test_nhs_number(value) is True


@pytest.mark.parametrize("value", ["9434765919", "4010232137", "9989999999", "0999000001"])
def test_numbers_outside_the_999_range_are_not_test_numbers(value):
    assert is_test_nhs_number(value) is False


@pytest.mark.parametrize("value", ["999", "999abc", "99900000000"])
def test_values_that_are_not_ten_digits_are_not_test_numbers(value):
    assert is_test_nhs_number(value) is False


@given(nine=st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_exactly_one_last_digit_is_valid_unless_the_check_is_10(nine):
    valid = [d for d in "0123456789" if nhs_number_error(nine + d) is None]
    check = _check_digit(nine)
    if check == 10 or (len(set(nine)) == 1 and str(check) == nine[0]):
        assert valid == []
    else:
        assert valid == [str(check)]


@given(nine=st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_spacing_never_changes_the_verdict(nine):
    value = nine + "5"
    spaced = f"{value[:3]} {value[3:6]}-{value[6:]}"
    assert nhs_number_error(spaced) == nhs_number_error(value)
