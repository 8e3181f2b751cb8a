"""Unified social credit code (GB 32100-2015): both check characters, the alphabet, case."""

import pytest

from ..credit_code import ALPHABET, check_char, credit_code_errors, is_valid, make_credit_code, org_check_char

VALID = ["91350100M000100Y43", "91110000600037341L", make_credit_code("1", "320585", 1), make_credit_code("3", "320500", 999)]


@pytest.mark.parametrize("code", VALID)
def test_valid_codes_pass(code):
    assert credit_code_errors(code) == []
    assert is_valid(code)


def test_weights_are_powers_of_three_mod_31():
    from ..credit_code import WEIGHTS

    assert WEIGHTS == [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


@pytest.mark.parametrize("position", range(18))
def test_one_wrong_character_anywhere_is_caught(position):
    code = VALID[0]
    original = code[position]
    replacement = next(c for c in ALPHABET if c != original and (position not in range(2, 8) or c.isdigit()))
    corrupted = code[:position] + replacement + code[position + 1:]
    assert credit_code_errors(corrupted), corrupted


def test_wrong_final_check_character():
    code = VALID[2]
    wrong = next(c for c in ALPHABET if c != code[17])
    errors = credit_code_errors(code[:17] + wrong)
    assert errors == ["校验码（第18位）错误"]


def test_wrong_organization_code_check_character():
    code = VALID[2]
    wrong17 = next(c for c in "0123456789X" if c != code[16])
    first17 = code[:16] + wrong17
    errors = credit_code_errors(first17 + check_char(first17))  # overall check made consistent on purpose
    assert len(errors) == 1 and "第17位" in errors[0]
    assert org_check_char(code[8:16]) == code[16]


def test_lower_case_is_refused():
    errors = credit_code_errors("91350100m000100y43")
    assert errors and "大写" in errors[0]


@pytest.mark.parametrize("letter", list("IOZSV"))
def test_letters_outside_the_alphabet_are_refused(letter):
    code = VALID[0][:10] + letter + VALID[0][11:]
    errors = credit_code_errors(code)
    assert any(letter in e and "不得含字母" in e for e in errors)


@pytest.mark.parametrize("code", ["", "9135010", "91350100M000100Y431", "91AB0100M000100Y43"])
def test_length_and_digits_in_office_code(code):
    assert credit_code_errors(code)
