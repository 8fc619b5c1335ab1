"""The programme's simple records — workstreams, services, decisions, lessons, engagement
events and confidence assessments — share one set of list, create, edit, delete and
history pages (programmes.record_pages). Each is described here once; the URLs are built
from this."""
from collections.abc import Callable
from dataclasses import dataclass

from core.formats import long_date, money, percent
from core.roles import Capability
from programmes import forms as pf
from programmes.models import (
    ConfidenceAssessment,
    Contract,
    Decision,
    EngagementEvent,
    Lesson,
    ServiceInScope,
    Workstream,
)
from programmes.record_pages import RecordPages
from programmes.selectors import engagement_kind_label
from programmes.views import programme_context


@dataclass(frozen=True)
class Column:
    label: str
    value: Callable
    kind: str = "text"  # text | date | number | tag | bool
    numeric: bool = False


def _record(*, key: str, edit_capability: Capability = Capability.EDIT_PLAN, **kw) -> RecordPages:
    """One of the programme's records, its pages under /programmes/<slug>/<key>/ and framed
    by the programme's navigation with `key` highlighted."""
    return RecordPages(key=key, capability=edit_capability, namespace="programmes", done=f"programmes:{key}_list",
                       context=lambda access, **extra: programme_context(access, key, **extra), **kw)


def _d(attr):
    return lambda o: getattr(o, attr)


RESOURCES: dict[str, RecordPages] = {
    r.key: r
    for r in (
        _record(
            key="decisions", model=Decision, form=pf.DecisionForm,
            singular="decision", plural="Decision log",
            intro="Decisions taken by Cabinet and other bodies. For each key decision the "
                  "latest date to publish it on the forward plan is worked out for you.",
            columns=(
                Column("Meeting", _d("meeting_date"), "date"),
                Column("Body", _d("body")),
                Column("Decision", _d("title")),
                Column("Forward plan", lambda o: o.forward_plan_ref or "—"),
                Column("Key decision", lambda o: o.key_decision, "bool"),
                Column("Publish on forward plan by",
                       lambda o: o.forward_plan_deadline if o.key_decision else None, "date"),
            ),
            order_by=("-meeting_date",),
        ),
        _record(
            key="lessons", model=Lesson, form=pf.LessonForm,
            singular="lesson", plural="Lessons log",
            columns=(
                Column("Recorded", _d("recorded_on"), "date"),
                Column("Lesson", _d("title")),
                Column("Kind", lambda o: o.get_kind_display()),
                Column("Workstream", lambda o: o.workstream or "—"),
            ),
            select_related=("workstream",),
        ),
        _record(
            key="engagement", model=EngagementEvent, form=pf.EngagementEventForm,
            singular="engagement event", article="an", plural="Stakeholder engagement",
            intro="Briefings and meetings with staff, trade unions, partners and people who "
                  "use services.",
            columns=(
                Column("Date", _d("date"), "date"),
                Column("Event", _d("title")),
                Column("Kind", lambda o: o.get_kind_display()),
                Column("Group", _d("group")),
                Column("Attendees", lambda o: o.attendees if o.attendees is not None else "—",
                       numeric=True),
            ),
            # The kind's label from the council's list (get_kind_display reads it).
            annotate={"kind_label": engagement_kind_label()},
        ),
        _record(
            key="confidence", model=ConfidenceAssessment, form=pf.ConfidenceAssessmentForm,
            singular="confidence assessment", plural="Delivery confidence",
            intro="The delivery confidence assessment for each reporting period, on the "
                  "five-point or three-point scale.",
            columns=(
                Column("Period ending", _d("period_end"), "date"),
                Column("Rating", lambda o: (o.rating, o.get_rating_display()), "tag"),
                Column("Scale", lambda o: o.get_scale_display()),
                Column("Assessed by", lambda o: o.assessed_by or "—"),
                Column("Commentary", lambda o: o.commentary[:120]),
            ),
            select_related=("assessed_by",),
        ),
        _record(
            key="workstreams", model=Workstream, form=pf.WorkstreamForm,
            singular="workstream", plural="Workstreams",
            columns=(
                Column("Workstream", _d("name")),
                Column("Kind", lambda o: o.get_kind_display()),
                Column("Lead", lambda o: o.lead or "—"),
                Column("Order", _d("order"), numeric=True),
            ),
            select_related=("lead",),
            edit_capability=Capability.EDIT_PROGRAMME,
        ),
        _record(
            # Named in the singular (programmes:contract_list, contract_create, ...), as the
            # first-run checklist links to it.
            key="contract", model=Contract, form=pf.ContractForm, m2m=("services",),
            singular="contract", plural="Contract register",
            intro="Each contract or agreement the programme ends, lets or keeps. The last days to "
                  "give notice, to extend, and for TUPE Employee Liability Information are worked "
                  "out from its dates and move when they move.",
            columns=(
                Column("Contract", _d("title")),
                Column("With", lambda o: o.counterparty or "—"),
                Column("Services", lambda o: ", ".join(s.code for s in o.services.all()) or "—"),
                Column("Starts", _d("start_date"), "date"),
                Column("Ends", _d("end_date"), "date"),
                Column("Notice by", _d("notice_deadline"), "date"),
                Column("Extend by", _d("extension_deadline"), "date"),
                Column("Annual value", lambda o: money(o.annual_value) if o.annual_value is not None else "—",
                       numeric=True),
                Column("Staff transfer", lambda o: long_date(o.transfer_date) if o.staff_transfer else "No"),
                Column("ELI due", _d("eli_deadline"), "date"),
            ),
            select_related=("counterparty",), prefetch_related=("services",),
            edit_capability=Capability.EDIT_PROGRAMME,
        ),
        _record(
            key="services", model=ServiceInScope, form=pf.ServiceForm,
            singular="service in scope", plural="Services in scope",
            columns=(
                Column("Code", _d("code")),
                Column("Service", _d("name")),
                Column("Share of contract",
                       lambda o: percent(o.share_of_contract) if o.share_of_contract is not None
                       else "—", numeric=True),
            ),
            edit_capability=Capability.EDIT_PROGRAMME,
        ),
    )
}
