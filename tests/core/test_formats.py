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


# --- Money, figures and dates: the one formatter -----------------------------------------
from decimal import Decimal as D  # noqa: E402

from django.template import engines  # noqa: E402

from core.formats import (  # noqa: E402
    MINUS,
    decimal_text,
    long_date,
    money,
    money_from_pence,
    money_short,
    number,
    percent,
)


@pytest.mark.parametrize(("value", "pence", "expected"), [
    (D("1234"), None, "£1,234"), (D("1234.5"), None, "£1,234.50"), (D("1234.00"), None, "£1,234"),
    (D("-1234.5"), None, "\u2212£1,234.50"), (D("1234.56"), False, "£1,235"), (D("2.5"), False, "£3"),
    (D("-2.5"), False, "\u2212£3"), (D("10"), True, "£10.00"), (D("0.005"), None, "£0.01"),
    (D("-0.004"), None, "£0"), (1234567, None, "£1,234,567"), ("12.3", None, "£12.30"),
    (None, None, "—"),
])
def test_money_has_one_minus_sign_and_rounds_half_up(value, pence, expected):
    assert money(value, pence=pence) == expected


def test_money_from_pence_always_shows_the_pence():
    assert money_from_pence(125050) == "£1,250.50"
    assert money_from_pence(-7550) == f"{MINUS}£75.50"
    assert money_from_pence(100) == "£1.00"
    assert money_from_pence(None) == "—"


@pytest.mark.parametrize(("value", "expected"), [
    (1_234_567, "£1.2m"), (-40_000, f"{MINUS}£40k"), (999, "£999"), (350_400.0, "£350k"), (0, "£0"),
])
def test_money_short_is_what_an_axis_writes(value, expected):
    assert money_short(value) == expected


@pytest.mark.parametrize(("value", "kwargs", "expected"), [
    (D("258.170000000000"), {}, "258.17"), (D("10.00"), {}, "10"), (D("1234567.10"), {}, "1,234,567.1"),
    (D("-3.50"), {}, f"{MINUS}3.5"), (D("1E+2"), {}, "100"), (D("2.345"), {"places": 2}, "2.35"),
    (D("-0.001"), {"places": 2}, "0"), (D("0.9661835"), {"places": 6, "fixed": True}, "0.966184"),
    (7, {}, "7"), (2.5, {}, "2.5"), ("–", {}, "–"), (None, {}, "—"),
])
def test_a_plain_number_shows_only_the_decimals_it_needs(value, kwargs, expected):
    assert number(value, **kwargs) == expected


def test_percent_and_long_date():
    from datetime import date

    assert percent(D("3.50")) == "3.5%"
    assert percent(12) == "12%"
    assert percent(None) == "—"
    assert long_date(date(2023, 4, 1)) == "1 April 2023"
    assert long_date(None) == "—"


def test_the_api_writes_a_decimal_as_its_plain_figure():
    assert decimal_text(D("258.170000000000")) == "258.17"
    assert decimal_text(D("1250.00")) == "1250"
    assert decimal_text(D("-75.50")) == "-75.5"
    assert decimal_text(D("-0.00")) == "0"
    assert decimal_text(None) is None


def _render(source: str, **context) -> str:
    return engines["django"].from_string("{% load formats %}" + source).render(context)


def test_the_template_library_writes_what_the_paper_writes():
    assert _render("{{ v|money }}", v=D("1234.5")) == "£1,234.50"
    assert _render("{{ v|money:False }}", v=D("1234.5")) == "£1,235"
    assert _render("{{ v|money_pence }}", v=125050) == "£1,250.50"
    assert _render("{{ v|number }}", v=D("258.170000")) == "258.17"
    assert _render("{{ v|number:1 }}", v=D("2.25")) == "2.3"
    assert _render("{{ v|fixed:6 }}", v=D("0.5")) == "0.500000"
    assert _render("{{ v|percent }}", v=D("3.50")) == "3.5%"
    assert _render("{{ v|long_date }}", v=None) == "—"


def test_a_negative_on_a_page_is_heard_as_minus():
    html = _render("{{ v|money }}", v=D("-1234"))
    assert html == ('<span class="govuk-visually-hidden">minus </span>'
                    f'<span aria-hidden="true">{MINUS}</span>£1,234')
    # Every filter treats a negative the same way, and text is still escaped.
    assert "minus " in _render("{{ v|number }}", v=D("-2.5"))
    assert _render("{{ v|number }}", v="<b>") == "&lt;b&gt;"


def test_a_figure_written_in_python_is_heard_as_negative_in_a_template_too():
    assert "minus " in _render("{{ v|heard }}", v=money(D("-75.5")))
    assert _render("{{ v|heard }}", v="<b>") == "&lt;b&gt;"
