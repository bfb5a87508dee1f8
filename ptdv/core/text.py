"""Vietnamese text: NFC storage, accent folding for search, and alphabetical sort keys.

Search folds accents and đ/Đ so that "nguyen van" finds "Nguyễn Văn". Sorting follows the
Vietnamese alphabet (a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y) with the tones
ordered ngang, huyền, hỏi, ngã, sắc, nặng — the dictionary order — and names are compared by
given name, then middle name, then family name.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

_TONES = {
    "\u0300": 1,  # huyền
    "\u0309": 2,  # hỏi
    "\u0303": 3,  # ngã
    "\u0301": 4,  # sắc
    "\u0323": 5,  # nặng
}
# Letter modifiers that make a distinct letter of the alphabet (ă, â, ê, ô, ơ, ư).
_MODIFIERS = {"\u0306": "\u0306", "\u0302": "\u0302", "\u031b": "\u031b"}

_ALPHABET = [
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m", "n",
    "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
]  # fmt: skip
_LETTER_RANK = {letter: index + 20 for index, letter in enumerate(_ALPHABET)}


def nfc(value: str) -> str:
    """Return `value` in Unicode NFC with runs of white space collapsed to one space."""
    return " ".join(unicodedata.normalize("NFC", value).split())


def fold(value: str) -> str:
    """Lower-case `value` and strip every diacritic, mapping đ/Đ to d."""
    decomposed = unicodedata.normalize("NFD", value.lower().replace("đ", "d").replace("Đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokens(value: str) -> list[str]:
    """Folded word tokens of `value` (letters and digits only)."""
    cleaned = "".join(ch if ch.isalnum() else " " for ch in fold(value))
    return cleaned.split()


def search_text(*parts: str) -> str:
    """The stored search field: folded tokens, each preceded by a space.

    A query token matches the start of a word when ``" " + token`` is a substring.
    """
    words: list[str] = []
    for part in parts:
        words.extend(tokens(part))
    return " " + " ".join(words) if words else ""


def _letters(word: str) -> list[tuple[int, int]]:
    """(letter rank, tone) for each letter of `word`."""
    result: list[tuple[int, int]] = []
    for base in unicodedata.normalize("NFC", word.lower()):
        decomposed = unicodedata.normalize("NFD", base)
        head, marks = decomposed[0], decomposed[1:]
        tone = 0
        letter = head
        for mark in marks:
            if mark in _TONES:
                tone = _TONES[mark]
            elif mark in _MODIFIERS:
                letter += mark
        letter = unicodedata.normalize("NFC", letter)
        if letter not in _LETTER_RANK and not letter.isalnum():
            continue
        rank = _LETTER_RANK.get(letter, 60 + (ord(letter[0]) % 39))
        result.append((rank, tone))
    return result


def sort_key(given: str, middle: str, family: str) -> str:
    """A digits-only key that orders names the Vietnamese way under any collation.

    Primary level: the letters of the given name, then the middle name, then the family name,
    each part closed by "00" so that a shorter name sorts first. Secondary level (after a
    "01" separator): the tones, so "Ba" < "Bà" < "Bá" only when the letters are equal.
    """
    primary: list[str] = []
    secondary: list[str] = []
    for part in (given, middle, family):
        for rank, tone in _letters(part):
            primary.append(f"{rank:02d}")
            secondary.append(str(tone))
        primary.append("00")
    return "".join(primary) + "01" + "".join(secondary)


def title_sort_key(text: str) -> str:
    """A digits-only key that orders names of places ("Thôn Đông", "Tổ dân phố 10") the
    Vietnamese way under any collation: word by word, the letters by the alphabet, a number
    by its value (2 before 10) and before any word, then the tones as in `sort_key`."""
    primary: list[str] = []
    secondary: list[str] = []
    for word in nfc(text).split():
        if word.isdigit():
            digits = word.lstrip("0") or "0"
            primary.append(f"02{len(digits):02d}{digits}")
        else:
            for rank, tone in _letters(word):
                primary.append(f"{rank:02d}")
                secondary.append(str(tone))
        primary.append("00")
    return "".join(primary) + "01" + "".join(secondary)


# Person names: the Latin letters in which Vietnamese names are written, those of the
# ethnic-minority names too ("H'Hen Niê", "Y-Ngông", "Ksor Kơ"), with their diacritics — given
# precomposed (NFC) or as a letter followed by combining marks (what a "Unicode tổ hợp" keyboard
# types) — separated by spaces, hyphens and apostrophes. The typographic apostrophe (U+2019)
# and the modifier letter apostrophe (U+02BC) are what word processors and phone keyboards type
# for "'", so they count as apostrophes too.
#
# The rule is one regular expression, PERSON_NAME_PATTERN, used by the server
# (`person_name_problem`) and published as the `pattern` of the name fields in the OpenAPI
# schema. It is written with explicit code-point ranges and no class shorthand (\w, \p{L}) so
# that every engine reads it alike: Python `re`, ECMA-262 and the Rust engine of JSON Schema
# validators. Each range holds letters only (ptdv/people/tests/test_person_names.py checks it):
NAME_LETTER_RANGES = (
    ("A", "Z"),
    ("a", "z"),
    ("\u00c0", "\u00d6"),  # À–Ö: Latin-1 capitals (× excluded)
    ("\u00d8", "\u00f6"),  # Ø–ö (÷ excluded)
    ("\u00f8", "\u024f"),  # ø–ɏ: Latin-1, Latin Extended-A and -B (đ, Đ, ơ, ư…)
    ("\u1e00", "\u1eff"),  # Latin Extended Additional: ạ, ả, ấ… ỹ (the Vietnamese tones)
)
# Combining diacritical marks, after a letter (U+034F, the invisible grapheme joiner, and the
# medieval superscript letters after it are left out).
NAME_MARK_RANGE = ("\u0300", "\u034e")
NAME_PUNCTUATION = frozenset(" -'\u2019\u02bc")

_LETTER_CLASS = "".join(f"{low}-{high}" for low, high in NAME_LETTER_RANGES)
_MARK_CLASS = "{}-{}".format(*NAME_MARK_RANGE)
_PUNCTUATION_CLASS = " \\-'\u2019\u02bc"
_LETTER = f"[{_LETTER_CLASS}][{_MARK_CLASS}]*"
_NAME = f"[{_PUNCTUATION_CLASS}]*{_LETTER}(?:[{_PUNCTUATION_CLASS}]|{_LETTER})*"
# A name: at least one letter; spaces, hyphens and apostrophes anywhere; a combining mark only
# after a letter (or another mark). Judged on the value as sent, before any normalisation.
PERSON_NAME_PATTERN = f"^{_NAME}$"
_PERSON_NAME = re.compile(PERSON_NAME_PATTERN)

_NOT_A_NAME = "Chỉ được gồm chữ cái, dấu cách, dấu gạch nối (-) và dấu nháy ('); không được có"


def _is_name_letter(ch: str) -> bool:
    return any(low <= ch <= high for low, high in NAME_LETTER_RANGES)


def person_name_problem(value: str) -> str | None:
    """Why `value` is not a person's name, in Vietnamese; None when it is one.

    The value is judged as sent (PERSON_NAME_PATTERN must match it whole); it is stored
    normalised (`nfc`: NFC, white space collapsed). Digits, other punctuation, symbols ("<",
    ">"), control and format characters, white space other than the space, letters of other
    scripts and a combining mark that follows no letter are refused; the message names the
    first one found. A name holds at least one letter.
    """
    if _PERSON_NAME.fullmatch(value):
        return None
    previous = ""
    for ch in value:
        category = unicodedata.category(ch)
        if _is_name_letter(ch) or ch in NAME_PUNCTUATION:
            previous = ch
            continue
        if NAME_MARK_RANGE[0] <= ch <= NAME_MARK_RANGE[1]:
            if previous and (_is_name_letter(previous) or unicodedata.combining(previous)):
                previous = ch
                continue
            what = f"dấu “{ch}” (U+{ord(ch):04X}) không đứng sau chữ cái"
        elif category.startswith("N"):
            what = f"chữ số “{ch}”"
        elif category.startswith(("C", "Z")):
            what = f"ký tự điều khiển U+{ord(ch):04X}"
        elif category.startswith("L"):
            what = f"chữ “{ch}” (không thuộc bảng chữ cái Latinh)"
        else:
            what = f"ký tự “{ch}”"
        return f"{_NOT_A_NAME} {what}."
    return "Phải có ít nhất một chữ cái."


def validate_person_name(value: str) -> None:
    """Django/DRF validator for a person's name (family, middle, given or a relative's full
    name): raises ValidationError with the Vietnamese reason of `person_name_problem`.

    The one rule used by the model fields, the web forms, the API serializers and the Excel
    import, so that every door accepts and refuses the same names.
    """
    problem = person_name_problem(value)
    if problem is not None:
        raise ValidationError(problem, code="invalid_name")


class PersonNameValidator(RegexValidator):
    """`validate_person_name` for serializer fields: a RegexValidator, so that drf-spectacular
    publishes PERSON_NAME_PATTERN as the field's `pattern` (for a field that may be blank it
    adds the blank alternative itself), with the message of `person_name_problem`."""

    def __init__(self) -> None:
        super().__init__(PERSON_NAME_PATTERN)

    def __call__(self, value: Any) -> None:
        validate_person_name(str(value))
