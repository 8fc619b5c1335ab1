"""The rows of the risk register's table, drawn in Python.

At scale data the register's rows were most of the page's CPU: the template looked up
about twenty variables a row and reversed each risk's URL. Drawn here, the URL is reversed
once and each distinct tag made once. The markup is what the template held.
"""
from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from core.templatetags.govuk import short_date, tag
from programmes.templatetags.tracker import pk_url

register = template.Library()

_ROW = (
    '\n    <tr class="govuk-table__row">\n'
    '      <td class="govuk-table__cell">{reference}</td>\n'
    '      <td class="govuk-table__cell"><a class="govuk-link" href="{url}">{title}</a><br>'
    '<span class="govuk-body-s">{category}{workstream}</span>{escalated}{above}</td>\n'
    '      <td class="govuk-table__cell">{owner}</td>\n'
    '      <td class="govuk-table__cell govuk-table__cell--numeric">{inherent} {inherent_rag}</td>\n'
    '      <td class="govuk-table__cell govuk-table__cell--numeric">{residual} {residual_rag}</td>\n'
    '      <td class="govuk-table__cell">{trend}</td>\n'
    '      <td class="govuk-table__cell">{review}{overdue}</td>\n'
    '    </tr>'
)
_ESCALATED = ' <strong class="govuk-tag govuk-tag--purple">Escalated</strong>'
_ABOVE = ' <strong class="govuk-tag govuk-tag--red">Above appetite</strong>'
_OVERDUE = ' <strong class="govuk-tag govuk-tag--red">Overdue</strong>'


@register.simple_tag(takes_context=True)
def risk_rows(context, risks) -> SafeString:
    """A table row for each risk, which selectors.register has decorated (RAGs, appetite,
    overdue review) and the view has given its residual `trend`."""
    detail_url = pk_url("risks:detail", context["programme"].slug)
    tags: dict[str, str] = {}

    def rag(value: str) -> str:
        if value not in tags:
            tags[value] = tag(value)
        return tags[value]

    rows = []
    for r in risks:
        rows.append(_ROW.format(
            reference=conditional_escape(r.reference), url=detail_url(r.pk), title=conditional_escape(r.title),
            category=conditional_escape(r.get_category_display()),
            workstream=f" · {conditional_escape(r.workstream.name)}" if r.workstream else "",
            escalated=_ESCALATED if r.escalated else "", above=_ABOVE if r.above_appetite else "",
            owner=conditional_escape(r.owner) if r.owner else "Nobody yet",
            inherent=r.inherent_score, inherent_rag=rag(r.inherent_rag),
            residual=r.residual_score, residual_rag=rag(r.residual_rag),
            trend=conditional_escape(" → ".join(str(t) for t in r.trend)) if r.trend else "—",
            review=short_date(r.next_review_date) or "—", overdue=_OVERDUE if r.review_overdue else "",
        ))
    return mark_safe("".join(rows))
