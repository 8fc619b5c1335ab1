"""The scroll_region tag: the one markup for a wide table that scrolls on its own."""
import pytest
from django.template import Context, Template, TemplateSyntaxError


def render(source: str, **context) -> str:
    return Template("{% load govuk %}" + source).render(Context(context))


def test_wraps_content_in_a_focusable_named_region():
    html = render('{% scroll_region "Budget lines" %}<table></table>{% endscroll_region %}')
    assert html.strip() == ('<div class="app-scroll-region" role="region" aria-label="Budget lines"'
                            ' tabindex="0"><table></table></div>')


def test_name_from_a_variable_is_escaped_and_content_is_not():
    html = render("{% scroll_region name %}<b>{{ cell }}</b>{% endscroll_region %}",
                  name='Costs "A" & <B>', cell="<i>")
    assert 'aria-label="Costs &quot;A&quot; &amp; &lt;B&gt;"' in html
    assert "<b>&lt;i&gt;</b>" in html


def test_labelledby_and_extra_classes():
    html = render('{% scroll_region labelledby="cap-1" classes="app-timeline-wrapper" %}x{% endscroll_region %}')
    assert 'class="app-scroll-region app-timeline-wrapper"' in html
    assert 'aria-labelledby="cap-1"' in html
    assert "aria-label=" not in html


@pytest.mark.parametrize("source", [
    "{% scroll_region %}x{% endscroll_region %}",
    '{% scroll_region "a" labelledby="b" %}x{% endscroll_region %}',
    '{% scroll_region "a" "b" %}x{% endscroll_region %}',
    '{% scroll_region "a" colour="red" %}x{% endscroll_region %}',
])
def test_needs_exactly_one_name(source):
    with pytest.raises(TemplateSyntaxError):
        render(source)
