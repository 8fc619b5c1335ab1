"""Template helpers for GOV.UK Frontend markup."""
from functools import lru_cache

from django import template
from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.html import format_html

register = template.Library()

RAG_TAG_CLASSES = {
    "green": "govuk-tag--green",
    "amber_green": "govuk-tag--turquoise",
    "amber": "govuk-tag--yellow",
    "amber_red": "govuk-tag--orange",
    "red": "govuk-tag--red",
    "complete": "govuk-tag--green",
    "in_progress": "govuk-tag--blue",
    "not_started": "govuk-tag--grey",
    "at_risk": "govuk-tag--orange",
    "cancelled": "govuk-tag--grey",
    "queued": "govuk-tag--grey",
    "running": "govuk-tag--blue",
    "succeeded": "govuk-tag--green",
    "failed": "govuk-tag--red",
}


TAG_LABELS = {"amber_green": "Amber/Green", "amber_red": "Amber/Red"}


@register.simple_tag
def govuk_field(field, classes: str = "", hint: str = ""):
    """A form field in the GOV.UK pattern: label, hint, error message, input."""
    if field.is_hidden:
        # The record version an edit form carries (core.concurrency): no label, no group.
        return field.as_hidden()
    return render_to_string(
        "includes/field.html",
        {"field": field, "classes": classes, "hint": hint or field.help_text,
         "widget_type": field.widget_type},
    )


@register.simple_tag
def tag(value: str, label: str | None = None):
    """A coloured tag that always carries its text, so colour is never the only signal."""
    if not value:
        return format_html('<strong class="govuk-tag govuk-tag--grey">{}</strong>',
                           label or "Not assessed")
    css = RAG_TAG_CLASSES.get(value, "govuk-tag--grey")
    label = label or TAG_LABELS.get(value)
    return format_html('<strong class="govuk-tag {}">{}</strong>', css,
                       label or value.replace("_", " ").capitalize())


@register.filter
def error_anchor(field) -> str:
    """Where an error summary link should jump for this field."""
    if field.widget_type == "govukdate":
        return f"{field.auto_id}_day"
    if field.widget_type in ("radioselect", "checkboxselectmultiple"):
        return f"{field.auto_id}_0"
    return field.auto_id


@register.filter
def zip_columns(values, columns):
    """Pair a row's values with their column definitions."""
    return zip(columns, values, strict=True)


@register.filter
def short_date(value) -> str:
    """A date as `value|date:"j M Y"` writes it (5 Nov 2026), remembered per date and
    language: long tables format hundreds of dates, and Django's date filter is slow."""
    if not value:
        return ""
    return _short_date(value, translation.get_language())


@lru_cache(maxsize=4096)
def _short_date(value, language: str) -> str:
    return formats.date_format(value, "j M Y")


@register.tag
def scroll_region(parser, token):
    """Wrap a wide table (or chart) in a region that scrolls sideways on its own, so the
    page reflows at 320px; the region is focusable and named, so a keyboard can scroll it.

        {% scroll_region "Budget lines by year" %}<table>…</table>{% endscroll_region %}
        {% scroll_region labelledby="lines-caption" classes="app-timeline-wrapper" %}…

    The name is a string or variable (filters allowed); labelledby names the id of a
    visible caption or heading instead. The markup is templates/includes/scroll_region.html.
    """
    bits = token.split_contents()
    tag = bits.pop(0)
    label, options = None, {}
    for bit in bits:
        key, sep, value = bit.partition("=")
        if sep and key in ("labelledby", "classes"):
            options[key] = parser.compile_filter(value)
        elif not sep and label is None:
            label = parser.compile_filter(bit)
        else:
            raise template.TemplateSyntaxError(f"{tag}: unexpected argument {bit!r}")
    if (label is None) == ("labelledby" not in options):
        raise template.TemplateSyntaxError(f"{tag} takes a name or labelledby=…, exactly one of them")
    nodelist = parser.parse(("endscroll_region",))
    parser.delete_first_token()
    return ScrollRegionNode(nodelist, label, options)


class ScrollRegionNode(template.Node):
    def __init__(self, nodelist, label, options):
        self.nodelist, self.label, self.options = nodelist, label, options

    def render(self, context):
        values = {key: value.resolve(context) for key, value in self.options.items()}
        values["label"] = self.label.resolve(context) if self.label else ""
        values["content"] = self.nodelist.render(context)
        return render_to_string("includes/scroll_region.html", values)
