"""The register's rows are drawn in Python (risks/templatetags/register_rows.py) for speed;
they must be the markup the template drew, which this test keeps as the reference."""
import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from risks import selectors
from risks.services import risk_settings_for
from tests.risks.test_query_counts import build

pytestmark = pytest.mark.django_db

TEMPLATE_ROWS = """{% load govuk %}{% for r in risks %}
    <tr class="govuk-table__row">
      <td class="govuk-table__cell">{{ r.reference }}</td>
      <td class="govuk-table__cell"><a class="govuk-link" href="{% url 'risks:detail' programme.slug r.pk %}">{{ r.title }}</a><br><span class="govuk-body-s">{{ r.get_category_display }}{% if r.workstream %} · {{ r.workstream.name }}{% endif %}</span>{% if r.escalated %} <strong class="govuk-tag govuk-tag--purple">Escalated</strong>{% endif %}{% if r.above_appetite %} <strong class="govuk-tag govuk-tag--red">Above appetite</strong>{% endif %}</td>
      <td class="govuk-table__cell">{{ r.owner|default:"Nobody yet" }}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ r.inherent_score }} {% tag r.inherent_rag %}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ r.residual_score }} {% tag r.residual_rag %}</td>
      <td class="govuk-table__cell">{{ r.trend|join:" → "|default:"—" }}</td>
      <td class="govuk-table__cell">{{ r.next_review_date|short_date|default:"—" }}{% if r.review_overdue %} <strong class="govuk-tag govuk-tag--red">Overdue</strong>{% endif %}</td>
    </tr>{% endfor %}"""  # noqa: E501 - the markup as the template held it


def test_the_rows_drawn_in_python_are_the_templates_rows():
    programme, pm, hub = build(12)
    hub.escalated = True
    hub.title = "Staff <b>leave</b> & pay"  # escaped alike
    hub.workstream = None
    hub.owner = None
    hub.next_review_date = None
    hub.save()
    settings = risk_settings_for(programme=programme)
    risks = selectors.register(programme=programme, filters=selectors.RegisterFilters(status=None),
                               settings=settings, today=timezone.localdate())
    trends = selectors.residual_trends(risks)
    for r in risks:
        r.trend = trends.get(r.pk, [])
    assert any(r.trend for r in risks)
    assert any(r.above_appetite for r in risks) and any(r.review_overdue for r in risks)
    context = Context({"programme": programme, "risks": risks, "request": RequestFactory().get("/")})
    expected = Template(TEMPLATE_ROWS).render(context)
    drawn = Template("{% load register_rows %}{% risk_rows risks %}").render(context)
    assert "Staff &lt;b&gt;leave&lt;/b&gt; &amp; pay" in drawn and "Nobody yet" in drawn
    assert drawn == expected
