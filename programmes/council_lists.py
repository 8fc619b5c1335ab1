"""The council's own lists: the values a council's programmes choose from for savings
categories (and, as they move here, cost types, risk categories and engagement kinds).

A list is a key with today's values as its defaults. A council holds its own copy
(CouncilListValue rows); a council that has never changed a list has no rows for it and
uses the defaults, so a council made anywhere (the admin, the demo, a test's factory) has
working lists from its first moment without a write hidden in a signal. The first change
on the lists page copies the defaults in (programmes.services.council_list_seed).

The stored value on a record stays its code (a CharField, no fixed `choices=`); forms and
serializers declare which of their fields are council lists and are offered the council's
active values (CouncilListChoices below). A programme's lists are its lead organisation's.

The apps that store a list's codes say where (`list_used_by`, from their AppConfig.ready),
so programmes can refuse to remove a value in use without importing them.
"""
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Case, CharField, Count, F, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce

SAVINGS_CATEGORY = "savings_category"
COST_TYPE = "cost_type"
RISK_CATEGORY = "risk_category"
ENGAGEMENT_KIND = "engagement_kind"


@dataclass(frozen=True)
class CouncilList:
    """One kind of list: its key, its name in the council's words, and today's values."""

    key: str
    name: str
    hint: str
    defaults: tuple[tuple[str, str], ...]
    # (app_label.Model, field) pairs whose field holds this list's codes.
    used_by: list[tuple[str, str]] = field(default_factory=list, compare=False)


LISTS: dict[str, CouncilList] = {
    SAVINGS_CATEGORY: CouncilList(
        SAVINGS_CATEGORY, "Savings categories",
        "Where a planned or realised saving comes from, in the benefits tables and the Cabinet paper.",
        (("staffing", "Staffing and structure"),
         ("contract", "Contract and management fee"),
         ("overheads", "Overheads and support services"),
         ("property", "Property"),
         ("other", "Other"))),
    COST_TYPE: CouncilList(
        COST_TYPE, "Cost types",
        "What a budget line, a forecast or a ledger account code is spent on, in the budget tables, "
        "the finance export and the Cabinet paper.",
        (("staff", "Staff and interim"),
         ("systems", "IT and systems"),
         ("estates", "Estates"),
         ("professional", "Legal and professional"),
         ("equipment", "Equipment"),
         ("training", "Training and recruitment"),
         ("other", "Other"))),
    ENGAGEMENT_KIND: CouncilList(
        ENGAGEMENT_KIND, "Engagement kinds",
        "What kind of meeting or briefing an engagement event was, on the stakeholder engagement page.",
        (("staff_briefing", "Staff briefing"),
         ("trade_union", "Trade-union briefing"),
         ("partner", "Partner meeting"),
         ("member", "Elected members' briefing"),
         ("public", "Public and people who use services"),
         ("other", "Other"))),
    RISK_CATEGORY: CouncilList(
        RISK_CATEGORY, "Risk categories",
        "The kind of each risk in the register; a programme sets its risk appetite per category.",
        (("workforce", "Workforce"),
         ("financial", "Financial"),
         ("operational", "Operational"),
         ("regulatory", "Regulatory"),
         ("legal", "Legal"),
         ("reputational", "Reputational"),
         ("technology", "Technology"),
         ("partnership", "Partnership"),
         ("other", "Other"))),
}


def list_display(field_name: str):
    """A model's `get_<field_name>_display` for a field that holds a council list's code:
    the label a selector annotated as `<field_name>_label` (label_expression), else the
    code. The model alone cannot know the label: it is the record's council's."""
    label_attr = f"{field_name}_label"

    def display(record) -> str:
        return getattr(record, label_attr, None) or getattr(record, field_name)

    display.__name__ = f"get_{field_name}_display"
    return display


def list_used_by(key: str, model_label: str, field_name: str) -> None:
    """Record that `model_label`'s `field_name` stores codes of list `key` (called once
    per use from the owning app's AppConfig.ready)."""
    used = LISTS[key].used_by
    if (model_label, field_name) not in used:
        used.append((model_label, field_name))


def list_of(model, field_name: str) -> str | None:
    """The key of the list whose codes `model`'s `field_name` stores, or None."""
    label = model._meta.label
    for key, spec in LISTS.items():
        if (label, field_name) in spec.used_by:
            return key
    return None


@dataclass(frozen=True)
class ListEntry:
    """One value of a council's list as pages show it (saved or still the default)."""

    value: str
    label: str
    order: int
    retired: bool = False


def council_list(council, key: str) -> list[ListEntry]:
    """The council's values of list `key`, in order, retired ones included. One query."""
    from programmes.models import CouncilListValue

    rows = [ListEntry(r.value, r.label, r.order, r.retired) for r in
            CouncilListValue.objects.filter(organisation=council, list_key=key).order_by("order", "label")]
    if rows:
        return rows
    return [ListEntry(v, label, i) for i, (v, label) in enumerate(LISTS[key].defaults, start=1)]


def active_choices(council, key: str, *, keep: str | None = None) -> list[tuple[str, str]]:
    """(code, label) of the values offered for a new record: the council's unretired
    values. `keep` (the value an existing record holds) stays offered even when retired,
    so a record can be edited without being forced off it."""
    return [(e.value, e.label) for e in council_list(council, key) if not e.retired or e.value == keep]


def labels(council, key: str) -> dict[str, str]:
    """Code → label of every value of the council's list, retired ones too (old records
    still show theirs). One query."""
    return {e.value: e.label for e in council_list(council, key)}


def label_of(labels_: dict[str, str], value: str) -> str:
    """The label of `value`, or the code itself when the list no longer holds it."""
    return labels_.get(value, value)


def label_expression(key: str, field_name: str, council_path: str = "programme__lead_organisation"):
    """A query expression for the label of `field_name`'s code in the council's list of
    `key`, for annotating a queryset (no query per row): the council's own label, else
    today's default, else the code."""
    from programmes.models import CouncilListValue

    own = Subquery(CouncilListValue.objects.filter(
        organisation=OuterRef(council_path), list_key=key, value=OuterRef(field_name)).values("label")[:1])
    default = Case(*[When(**{field_name: v}, then=Value(label)) for v, label in LISTS[key].defaults],
                   default=F(field_name), output_field=CharField())
    return Coalesce(own, default, output_field=CharField())


def values_in_use(key: str, council, value: str) -> int:
    """How many records of the council's programmes hold `value` of list `key`."""
    total = 0
    for model_label, field_name in LISTS[key].used_by:
        model = apps.get_model(model_label)
        total += model.objects.filter(programme__lead_organisation=council, **{field_name: value}).count()
    return total


def use_counts(key: str, council) -> dict[str, int]:
    """Code → how many records of the council's programmes hold it: one query per model
    that stores the list, however many values or records there are."""
    counts: dict[str, int] = {}
    for model_label, field_name in LISTS[key].used_by:
        model = apps.get_model(model_label)
        for value, n in (model.objects.filter(programme__lead_organisation=council)
                         .values_list(field_name).annotate(n=Count("pk")).order_by()):
            counts[value] = counts.get(value, 0) + n
    return counts
