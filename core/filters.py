"""The one way to filter and order a list: django-filter, on the pages and in the API.

Every list endpoint of the API takes the same filters, made from its model
(`list_filterset`): `status` and the model's other choices (kind, category…), `owner`,
`workstream` and the other people and records it names (by id), and each date as a range
(`<date>_after`, `<date>_before`), besides the filters a viewset declares itself (a risk's
RAG, say). `ordering` takes any of its fields, a minus sign first for the reverse. A
value that is not one a filter takes is refused with 400 and the field named: never
dropped without a word, which would answer a list the client did not ask for. The pages
parse their filters with a FilterSet's form the same way, and show its messages."""
from functools import cache

import django_filters as df
from django import forms
from django.db import models
from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter

# The foreign keys a list is filtered by, by the id of the record or person they name.
RELATED = ("owner", "workstream", "lead", "risk", "team", "assessed_by", "counterparty", "consultation",
           "business_case", "option", "budget_line", "roster")
# Choice fields under these names are offered as filters whatever the model.
CHOICES = ("status", "kind", "category", "classification", "rating", "scale", "role", "stage",
           "phase", "rag_override")


def model_filters(model: type[models.Model]) -> dict[str, df.Filter]:
    """The filters every list of `model` takes (module docstring)."""
    fields = {f.name: f for f in model._meta.concrete_fields}
    out: dict[str, df.Filter] = {}
    for name in CHOICES:
        field = fields.get(name)
        if field is not None and field.choices:
            out[name] = df.MultipleChoiceFilter(
                choices=[c for c in field.flatchoices if c[0] != ""], field_name=name,
                help_text=f"One or more of the {field.verbose_name}'s values (repeat the parameter for more)")
    for name in RELATED:
        field = fields.get(name)
        if isinstance(field, models.ForeignKey):
            out[name] = whole_number(name.capitalize().replace("_", " "), field_name=f"{name}_id",
                                     help_text=f"The id of the {field.verbose_name}")
    for field in model._meta.concrete_fields:
        if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
            out[field.name] = df.DateFromToRangeFilter(
                field_name=field.name, help_text=f"{field.verbose_name.capitalize()}: on or after "
                                                 f"{field.name}_after, on or before {field.name}_before (YYYY-MM-DD)")
    return out


@cache
def list_filterset(model: type[models.Model]) -> type[df.FilterSet]:
    """The FilterSet of a model's API list: model_filters, made once per model."""
    meta = type("Meta", (), {"model": model, "fields": []})
    return type(f"{model.__name__}ListFilter", (df.FilterSet,), {**model_filters(model), "Meta": meta})


def with_model_filters(filterset: type[df.FilterSet]) -> type[df.FilterSet]:
    """A viewset's own FilterSet with the model's filters added (its own win a clash)."""
    model = filterset._meta.model
    extra = {k: v for k, v in model_filters(model).items() if k not in filterset.base_filters}
    return type(filterset.__name__, (filterset,), extra)


def _a_list(queryset, view) -> bool:
    """Whether a view is answering a list of records from the database: a list made in
    Python, or one record, has nothing to filter or order."""
    return isinstance(queryset, QuerySet) and getattr(view, "action", "list") == "list"


class ListFilterBackend(DjangoFilterBackend):
    """DjangoFilterBackend with a FilterSet for every list: the viewset's `filterset_class`
    with the model's filters added, or the model's alone. Invalid values: 400."""

    def get_filterset_class(self, view, queryset=None):
        declared = getattr(view, "filterset_class", None)
        if declared is not None:
            return with_model_filters(declared)
        if isinstance(queryset, QuerySet):
            return list_filterset(queryset.model)
        return None

    def filter_queryset(self, request, queryset, view):
        return super().filter_queryset(request, queryset, view) if _a_list(queryset, view) else queryset


class StrictOrderingFilter(OrderingFilter):
    """OrderingFilter that refuses a field it does not know (400) instead of ignoring it,
    and breaks ties by id so that pages do not share or lose rows."""

    def get_ordering(self, request, queryset, view):
        raw = request.query_params.get(self.ordering_param)
        if not raw:
            return self.get_default_ordering(view)
        terms = [t.strip() for t in raw.split(",") if t.strip()]
        valid = {name for name, _ in self.get_valid_fields(queryset, view, {"request": request})}
        wrong = [t for t in terms if t.lstrip("-") not in valid]
        if wrong:
            raise ValidationError({self.ordering_param: [
                f"Cannot order by {', '.join(wrong)}: order by one of {', '.join(sorted(valid))}, "
                "with a minus sign first for the reverse"]})
        return [*terms, "pk"] if not {"pk", "-pk", "id", "-id"} & set(terms) else terms

    def filter_queryset(self, request, queryset, view):
        return super().filter_queryset(request, queryset, view) if _a_list(queryset, view) else queryset


def form_errors(filterset: df.FilterSet) -> list[tuple[str, str]]:
    """(field, message) for each bad value of a page's filters, for its error summary."""
    if filterset.is_bound and not filterset.form.is_valid():
        return [(name, str(messages[0])) for name, messages in filterset.form.errors.items()]
    return []


# --- The pages' filters: the same library, its form parsing the query string ----------------

ID_MAX = 2**31 - 1  # the largest id a database column holds: more is refused, not sent on


class WholeNumberFilter(df.NumberFilter):
    field_class = forms.IntegerField


def whole_number(label: str, **kwargs) -> df.NumberFilter:
    """A filter taking a whole number (an id, a count of days), refused in words otherwise."""
    words = f"{label} must be a whole number"
    return WholeNumberFilter(label=label, min_value=0, max_value=ID_MAX, error_messages={
        "invalid": words, "min_value": words, "max_value": f"{label} must be at most {ID_MAX}"}, **kwargs)


def one_of(label: str, choices, **kwargs) -> df.ChoiceFilter:
    """A filter taking one of `choices`, refused in words otherwise."""
    return df.ChoiceFilter(choices=choices, label=label, error_messages={
        "invalid_choice": f"Choose {label[:1].lower()}{label[1:]} from the list"}, **kwargs)


def ticked(label: str, **kwargs) -> df.BooleanFilter:
    """A checkbox filter: on when the query names it with any value but "false"."""
    return df.BooleanFilter(widget=forms.CheckboxInput, label=label, **kwargs)


def page_filters(filterset_class: type[df.FilterSet], request, **kwargs) -> tuple[dict, list[tuple[str, str]]]:
    """Parse a page's query string with its FilterSet: the good values (a bad one left
    out) and (field, message) for each bad one, for the page's error summary."""
    filterset = filterset_class(request.GET, **kwargs)
    form = filterset.form
    errors = form_errors(filterset)
    values = {name: form.cleaned_data.get(name) for name in form.fields if name not in form.errors}
    return values, errors
