"""core.charts: the drawing primitives every chart uses, and the two general charts."""
from decimal import Decimal

import pytest
from lxml import etree

from core.charts import attrs, bar_chart, bar_length, line_chart, linear, nice_range, svg, tag, value_label

SVG = "{http://www.w3.org/2000/svg}"


def test_attributes_keep_their_order_and_are_escaped():
    assert attrs(x=1, text_anchor="end", class_="a<b", skip=None) == ' x="1" text-anchor="end" class="a&lt;b"'
    assert tag("rect", x=0, y=2.5) == '<rect x="0" y="2.5"/>'
    assert tag("text", "A &amp; B", x=1) == '<text x="1">A &amp; B</text>'


def test_a_drawing_is_an_image_named_by_its_title_and_description():
    drawing = svg([tag("rect", x=0)], title="Spend <by year>", title_id="t", desc="Two years.", desc_id="d",
                  role="img", aria_labelledby="t", aria_describedby="d")
    root = etree.fromstring(str(drawing))
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").get("id") == root.get("aria-labelledby")
    assert root.find(f"{SVG}title").text == "Spend <by year>"
    assert root.find(f"{SVG}desc").get("id") == root.get("aria-describedby")
    assert list(root)[0].tag == f"{SVG}title"  # the title comes first, as screen readers expect


@pytest.mark.parametrize(("values", "expected"), [
    ([0, 95], (0, 100)), ([0, 1_234_567], (0, 2_000_000)), ([-30, 70], (-50, 150)), ([0, 0], (0, 1)),
])
def test_a_value_axis_runs_from_zero_to_a_round_number_in_four_steps(values, expected):
    lo, hi = nice_range(values)
    assert (lo, hi) == expected
    assert lo <= min(values) and hi >= max(values)


def test_scales():
    up = linear(0, 100, 250, 30)  # a value axis runs up the page
    assert (up(0), up(100), up(50)) == (250, 30, 140)
    assert bar_length(10, 20, 330) == 165
    assert value_label(1_250_000) == "£1.3m"  # half up, as every figure rounds
    assert value_label(-40_000) == "\u2212£40k"
    assert value_label(42.25, unit="%") == "42.3"


def test_bars_and_lines_carry_their_values_as_text():
    chart = bar_chart(categories=["2023/24", "2024/25"], series=[("Budget", [Decimal("1000"), Decimal("-500")])],
                      title="Budget by year", element_id="c1")
    root = etree.fromstring(str(chart))
    assert root.get("role") == "img" and root.get("aria-labelledby") == "c1-title"
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert titles == ["Budget by year", "Budget, 2023/24: £1k", "Budget, 2024/25: \u2212£500"]
    line = line_chart(categories=["Apr", "May"], series=[("Visits", [3, None])], title="Visits", element_id="c2",
                      unit="visits", guides=[("Target", 5)])
    assert "Visits, Apr: 3" in str(line) and ">Target</text>" in str(line)
