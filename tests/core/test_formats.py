"""The words core.formats puts in sentences: a first capital that leaves the rest alone."""
import pytest

from core.formats import first_upper, label_noun


@pytest.mark.parametrize(("text", "expected"), [
    ("the owner", "The owner"), ("RAG", "RAG"), ("change its RAG first", "Change its RAG first"),
    ("", ""), ("é", "É"),
])
def test_first_upper_capitalises_only_the_first_letter(text, expected):
    assert first_upper(text) == expected


def test_a_label_in_a_sentence_and_back_at_its_start():
    assert first_upper(label_noun("FTE")) == "FTE"
    assert first_upper(label_noun("Annual pay")) == "Annual pay"
