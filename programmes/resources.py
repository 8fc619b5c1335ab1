"""The programme's simple records — workstreams, services, decisions, lessons, engagement
events and confidence assessments — share one set of list, create, edit, delete and
history pages. Each is described here once; the views and URLs are built from this."""
from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms

from core.roles import Capability
from programmes import forms as pf
from programmes.models import (
    ConfidenceAssessment,
    Decision,
    EngagementEvent,
    Lesson,
    ServiceInScope,
    Workstream,
)


@dataclass(frozen=True)
class Column:
    label: str
    value: Callable
    kind: str = "text"  # text | date | number | tag | bool
    numeric: bool = False


@dataclass(frozen=True)
class Resource:
    key: str  # URL segment and name prefix
    model: type
    form: type[forms.ModelForm]
    singular: str
    plural: str
    columns: tuple[Column, ...]
    intro: str = ""
    select_related: tuple[str, ...] = ()
    order_by: tuple[str, ...] = ()
    edit_capability: Capability = Capability.EDIT_PLAN
    title_field: str = "title"
    extra: dict = field(default_factory=dict)

    def queryset(self, programme):
        qs = self.model.objects.filter(programme=programme).select_related(*self.select_related)
        return qs.order_by(*self.order_by) if self.order_by else qs


def _d(attr):
    return lambda o: getattr(o, attr)


RESOURCES: dict[str, Resource] = {
    r.key: r
    for r in (
        Resource(
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
        Resource(
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
        Resource(
            key="engagement", model=EngagementEvent, form=pf.EngagementEventForm,
            singular="engagement event", plural="Stakeholder engagement",
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
        ),
        Resource(
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
            title_field="period_end",
        ),
        Resource(
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
            title_field="name",
        ),
        Resource(
            key="services", model=ServiceInScope, form=pf.ServiceForm,
            singular="service in scope", plural="Services in scope",
            columns=(
                Column("Code", _d("code")),
                Column("Service", _d("name")),
                Column("Share of contract",
                       lambda o: f"{o.share_of_contract:g}%" if o.share_of_contract is not None
                       else "—", numeric=True),
            ),
            edit_capability=Capability.EDIT_PROGRAMME,
            title_field="code",
        ),
    )
}
