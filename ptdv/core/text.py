"""Vietnamese text: NFC storage, accent folding for search, and alphabetical sort keys.

Search folds accents and đ/Đ so that "nguyen van" finds "Nguyễn Văn". Sorting follows the
Vietnamese alphabet (a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y) with the tones
ordered ngang, huyền, hỏi, ngã, sắc, nặng — the dictionary order — and names are compared by
given name, then middle name, then family name.
"""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError

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


# Person names: letters of any script (Vietnamese with its diacritics, and the Latin letters of
# ethnic-minority names such as "H'Hen Niê" or "Y-Ngông"), separated by spaces, hyphens and
# apostrophes. The typographic apostrophe (U+2019) and the modifier letter apostrophe (U+02BC)
# are what word processors and phone keyboards type for "'", so they count as apostrophes too.
NAME_PUNCTUATION = frozenset(" -'\u2019\u02bc")


def person_name_problem(value: str) -> str | None:
    """Why `value` is not a person's name, in Vietnamese; None when it is one.

    White space is judged as stored (collapsed by `nfc`). A name is made of Unicode letters
    (with their combining marks), spaces, hyphens and apostrophes, and holds at least one
    letter. Digits, other punctuation, symbols ("<", ">"), control and format characters are
    refused; the message names the first one found.
    """
    text = nfc(value)  # as stored: NFC, white space collapsed to single spaces
    letters = 0
    for index, ch in enumerate(text):
        category = unicodedata.category(ch)
        if category.startswith("L"):
            letters += 1
            continue
        if category.startswith("M") and index and unicodedata.category(text[index - 1])[0] in "LM":
            continue  # a combining mark that has no precomposed form, on a letter
        if ch in NAME_PUNCTUATION:
            continue
        if category.startswith("N"):
            what = f"chữ số “{ch}”"
        elif category.startswith(("C", "Z")):
            what = f"ký tự điều khiển U+{ord(ch):04X}"
        else:
            what = f"ký tự “{ch}”"
        return (
            "Chỉ được gồm chữ cái, dấu cách, dấu gạch nối (-) và dấu nháy ('); "
            f"không được có {what}."
        )
    if not letters:
        return "Phải có ít nhất một chữ cái."
    return None


def validate_person_name(value: str) -> None:
    """Django/DRF validator for a person's name (family, middle, given or a relative's full
    name): raises ValidationError with the Vietnamese reason of `person_name_problem`.

    The one rule used by the model fields, the web forms, the API serializers and the Excel
    import, so that every door accepts and refuses the same names.
    """
    problem = person_name_problem(value)
    if problem is not None:
        raise ValidationError(problem, code="invalid_name")
