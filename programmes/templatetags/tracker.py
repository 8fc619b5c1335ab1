"""The rows of the milestone tracker's plan tables (one per workstream), drawn in Python.

Each row has its own status form. Drawn by the template, 300 rows took about 150 ms of CPU
(the bench's target for the whole page is a p95 of at most 150 ms); drawn here they take
about 15 ms. The markup is what the template held, and the rows for derived dates are
still in the template: keep the two alike.
"""
from functools import lru_cache

from django import template
from django.urls import reverse
from django.utils import translation
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from core.formats import days_moved
from core.templatetags.govuk import short_date, tag
from programmes.models import Milestone, Rag

register = template.Library()

_ROW = (
    '\n'
    '    <tr class="govuk-table__row">\n'
    '      <th scope="row" class="govuk-table__header">{kind}<a class="govuk-link" href="{url}">{title}</a>\n'
    '        {behind}\n'
    '        {late}\n'
    '      </th>\n'
    '      <td class="govuk-table__cell">{owner}</td>\n'
    '      <td class="govuk-table__cell">{baseline}</td>\n'
    '      <td class="govuk-table__cell">{forecast}</td>\n'
    '      <td class="govuk-table__cell govuk-table__cell--numeric">{slippage}</td>\n'
    '      <td class="govuk-table__cell">{rag}{override}</td>\n'
    '      <td class="govuk-table__cell">\n'
    '        {status}\n'
    '      </td>\n'
    '    </tr>\n'
    '  '
)
_BEHIND = ('<p class="govuk-body-s app-warning-text govuk-!-margin-bottom-0"><span aria-hidden="true">⚠</span> '
           'Forecast before what it depends on: {}</p>')
_LATE = '<strong class="govuk-tag govuk-tag--red">Late</strong>'
_NOT_IN_BASELINE = "Added since"
_ACTIVITY = '<strong class="govuk-tag govuk-tag--light-blue app-kind-tag">Activity</strong> '
_OVERRIDE = ('<p class="govuk-body-s govuk-!-margin-top-1 govuk-!-margin-bottom-0">Set by hand: {reason} '
             '(the dates give {derived})</p>')
_STATUS_FORM = (
    '\n'
    '        <form method="post" action="{action}" class="app-inline-form">{csrf}\n'
    '          <input type="hidden" name="next" value="{next}">\n'
    '          <div class="govuk-form-group">\n'
    '            <label class="govuk-label govuk-visually-hidden" for="status-{pk}">Status of {title}</label>\n'
    '            <select class="govuk-select" id="status-{pk}" name="status">{options}</select>\n'
    '          </div>\n'
    '          <button class="govuk-button govuk-button--secondary" type="submit">Update'
    '<span class="govuk-visually-hidden"> status of {title}</span></button>\n'
    '        </form>\n'
    '        '
)


@register.simple_tag(takes_context=True)
def milestone_rows(context, milestones) -> SafeString:
    """A table row for each milestone or activity, which the view has given `behind` (the
    open dependencies forecast after it) and the database `late` (`with_lateness`), and
    whose RAG the selector has read (Milestone.read_rag). An activity's dates are its start
    and end. The RAG is the one shown, and an override in force says so, with its reason
    and what the dates give. Members who may update a milestone's status get a form for it
    in the last column; others see the status."""
    slug = context["programme"].slug
    detail_url = pk_url("programmes:milestone_detail", slug)
    if context["may"]["update_milestone_status"]:
        status_url = pk_url("programmes:milestone_status", slug)
        options = _status_options()
        token = context.get("csrf_token")  # as {% csrf_token %} finds it
        csrf = (format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)
                if token and token != "NOTPROVIDED" else "")
        back = conditional_escape(context["request"].get_full_path())

        def status(m: Milestone, title: str) -> str:
            return _STATUS_FORM.format(action=status_url(m.pk), csrf=csrf, next=back, pk=m.pk, title=title,
                                       options=options.get(m.status, ""))
    else:
        status_tags = {value: tag(value, label) for value, label in Milestone.Status.choices}

        def status(m: Milestone, title: str) -> str:
            return status_tags.get(m.status, "")

    # A few distinct values fill hundreds of cells: each is drawn once.
    rag_tags = {value: tag(value, label) for value, label in Rag.choices}
    owners: dict[int, str] = {}
    rows = []
    for m in milestones:
        title = conditional_escape(m.title)
        slippage = m.slippage_days
        not_in = getattr(m, "not_in_baseline", False)  # compared with a baseline taken before it
        owner = "—"
        if m.owner_id:
            owner = owners.get(m.owner_id) or owners.setdefault(m.owner_id, conditional_escape(m.owner))
        override = ""
        if m.rag_overridden:
            override = _OVERRIDE.format(reason=conditional_escape(m.rag_override_reason),
                                        derived=m.rag_from_dates_label)
        rows.append(_ROW.format(
            kind=_ACTIVITY if m.is_activity else "", url=detail_url(m.pk), title=title,
            behind=_BEHIND.format("; ".join(
                f"{conditional_escape(d.title)} ({short_date(d.forecast_date)})" for d in m.behind
            )) if m.behind else "",
            late=_LATE if m.late else "",
            owner=owner,
            baseline=_NOT_IN_BASELINE if not_in else _span(m.baseline_start_date, m.baseline_date),
            forecast=(f"{'Ended' if m.is_activity else 'Met'} {short_date(m.actual_date)}" if m.actual_date
                      else _span(m.forecast_start_date, m.forecast_date)),
            slippage=days_moved(None if not_in else slippage),
            rag=rag_tags[m.rag_shown], override=override,
            status=status(m, title),
        ))
    return mark_safe("".join(rows))


def _span(start, end) -> str:
    """One date, or an activity's start and end."""
    return f"{short_date(start)} to {short_date(end)}" if start else short_date(end)


def pk_url(name: str, slug: str):
    """`reverse(name, args=[slug, pk])` for many pks: reverses once with a stand-in pk."""
    stand_in = "2147483647"
    head, _, tail = reverse(name, args=[slug, int(stand_in)]).rpartition(stand_in)
    return lambda pk: f"{head}{pk}{tail}"


def _status_options() -> dict[str, str]:
    """Status → the <option>s of the status select with that status selected. The same for
    every section of a page and every request in a language, so made once for each."""
    return _status_options_in(translation.get_language())


@lru_cache(maxsize=8)
def _status_options_in(language: str | None) -> dict[str, str]:
    return {
        selected: format_html_join("", '<option value="{}"{}>{}</option>', (
            (value, " selected" if value == selected else "", label)
            for value, label in Milestone.Status.choices))
        for selected in Milestone.Status.values
    }
