import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from ptdv.core.text import fold, nfc, search_text, sort_key, tokens


def test_fold_strips_tones_and_d_bar():
    assert fold("Nguyễn Văn Đặng") == "nguyen van dang"
    assert fold("ĐẶNG THỊ ƯỚC") == "dang thi uoc"


def test_nfc_normalises_decomposed_input_and_spaces():
    decomposed = unicodedata.normalize("NFD", "Nguyễn  Thị ")
    assert nfc(decomposed) == unicodedata.normalize("NFC", "Nguyễn Thị")


def test_search_text_has_word_starts():
    text = search_text("Nguyễn", "Văn", "An")
    assert text == " nguyen van an"
    assert " ng" in text and " an" in text


def test_tokens_ignore_punctuation():
    assert tokens("Bru-Vân Kiều, O'Neil") == ["bru", "van", "kieu", "o", "neil"]


def names_in_order(names):
    return sorted(names, key=lambda n: sort_key(n[2], n[1], n[0]))


def test_sort_by_given_then_middle_then_family():
    people = [("Lê", "Thị", "Bình"), ("Trần", "Văn", "An"), ("Nguyễn", "Văn", "An")]
    ordered = names_in_order(people)
    assert ordered == [("Nguyễn", "Văn", "An"), ("Trần", "Văn", "An"), ("Lê", "Thị", "Bình")]


def test_vietnamese_alphabet_order():
    # d < đ < e, a < ă < â, o < ô < ơ, u < ư: none of these is code-point order in NFC.
    given = ["Đức", "Dung", "Ê", "Em", "Ân", "Ăn", "An", "Ơn", "Ông", "Oanh", "Ưng", "Uyên"]
    ordered = sorted(given, key=lambda g: sort_key(g, "", ""))
    assert ordered == [
        "An",
        "Ăn",
        "Ân",
        "Dung",
        "Đức",
        "Em",
        "Ê",
        "Oanh",
        "Ông",
        "Ơn",
        "Uyên",
        "Ưng",
    ]


def test_tones_break_ties_in_dictionary_order():
    ordered = sorted(["Bá", "Bà", "Ba", "Bạ", "Bả", "Bã"], key=lambda g: sort_key(g, "", ""))
    assert ordered == ["Ba", "Bà", "Bả", "Bã", "Bá", "Bạ"]


def test_shorter_given_name_first_and_key_is_digits():
    assert sort_key("An", "", "") < sort_key("Anh", "", "")
    assert sort_key("Nguyễn Thị", "Minh", "Đặng").isdigit()


@given(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạ ", max_size=20))
def test_fold_is_idempotent_and_ascii(value):
    folded = fold(value)
    assert fold(folded) == folded
    assert folded.isascii()
