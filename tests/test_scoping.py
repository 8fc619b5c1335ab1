"""Every form and every serializer of the apps offers only the current programme's rows and
its members (core.scoping), found by walking the apps rather than by a list.

Two programmes in two councils each get a row of every model that some form or serializer
lets a person choose (made with the factory of that model in tests/factories.py). Each form
and serializer is then built for the first programme, and each of its related fields must
admit the first programme's row and not the second's; a field choosing people must admit a
member and neither the other programme's member nor someone in no programme at all.
"""
import importlib
import inspect
import pkgutil
from dataclasses import dataclass
from decimal import Decimal

import factory
import pytest
from django import forms
from django.contrib.auth import get_user_model
from rest_framework import serializers

from core.roles import Role
from programmes.models import Organisation, Programme
from tests import factories
from tests.conftest import Cast
from tests.factories import MembershipFactory, ProgrammeFactory, UserFactory

APPS = ("core", "programmes", "workforce", "risks", "finance", "business_cases")

# Models a choice may offer whole, each with why. Anything else a form or serializer lets a
# person choose must be limited to the programme.
SHARED = {
    Organisation: "One directory of councils, NHS bodies and providers that every programme draws on "
                  "(a provider's contract can span several councils); a person belongs to no "
                  "organisation, so there is nothing narrower to limit it to, and only administrators "
                  "set up a programme's lead organisation.",
}

# Forms and serializers deliberately left unscoped, by dotted name, each with why.
_ADDS_PEOPLE = ("Adds a person who is not yet a member (of the programme, or of the council's "
                "administrators), so it must offer people outside the programme; only the lead "
                "council's administrators reach it (programmes.access), and the page lists only "
                "people found among the council's own by name, or anyone by their whole email.")
UNSCOPED: dict[str, str] = {
    "programmes.council_forms.MemberAddForm": _ADDS_PEOPLE,
    "programmes.council_forms.AdministratorAddForm": _ADDS_PEOPLE,
    "programmes.members_api.MemberSerializer": _ADDS_PEOPLE,
}

# How to make the other keyword arguments some forms need, by name.
KEYWORDS = {
    "standard_week": lambda programme: Decimal("37"),
    "today": lambda programme: importlib.import_module("django.utils.timezone").localdate(),
    "criteria": lambda programme: [],
    "sections": lambda programme: importlib.import_module("business_cases.paper_templates").DEFAULT_SECTIONS,
    "cells": lambda programme: {},
    "teams": lambda programme: [],
    "items": lambda programme: importlib.import_module("workforce.selectors").readiness_items(programme=programme),
    "initial_lines": lambda programme: {},
    "kinds": lambda programme: importlib.import_module("programmes.reach").reminder_kinds(),
    "initial_frequencies": lambda programme: {},
    "appetites": lambda programme: {},
    "versions": lambda programme: [],
    "settings": lambda programme: importlib.import_module("risks.models").RiskSettings(programme=programme),
    "categories": lambda programme: importlib.import_module("risks.selectors").appetite_categories(
        programme=programme, held={}),
}


def _import_apps() -> None:
    for app in APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" not in info.name:
                importlib.import_module(info.name)


def _ours(base: type) -> list[type]:
    """Subclasses of `base` that are the apps': defined in them, or made for one of their
    models (a class made with type() may carry a library's module name)."""
    found, stack = set(), [base]
    while stack:
        for sub in stack.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                stack.append(sub)
    return sorted((c for c in found if c.__module__.split(".")[0] in APPS or _model_app(c) in APPS), key=_name)


def _model_app(cls: type) -> str | None:
    model = getattr(getattr(cls, "Meta", None), "model", None)
    return model._meta.app_label if model is not None else None


def _name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


_import_apps()
# A ModelForm or ModelSerializer without a model is a base for others (ProgrammeScopedForm,
# _FinanceSerializer): only what can be built is walked.
FORMS = [c for c in _ours(forms.BaseForm)
         if not (issubclass(c, forms.BaseModelForm) and c._meta.model is None)]
SERIALIZERS = [c for c in _ours(serializers.BaseSerializer)
               if not (issubclass(c, serializers.ModelSerializer) and not hasattr(c, "Meta"))]


def test_the_walk_finds_the_forms_and_serializers():
    names = {_name(c) for c in FORMS + SERIALIZERS}
    # One of each kind the apps have, so an import that silently stopped would show.
    for app, expected in (("programmes", "MilestoneForm"), ("finance", "BudgetLineForm"),
                          ("business_cases", "CabinetPaperForm"), ("risks", "RiskImportForm"),
                          ("workforce", "EliRowForm"), ("finance", "LedgerRowForm"),
                          ("programmes", "MilestoneSerializer"), ("finance", "BudgetLineSerializer"),
                          ("business_cases", "CabinetPaperSerializer"), ("risks", "IssueSerializer")):
        assert any(n.startswith(f"{app}.") and n.endswith(f".{expected}") for n in names), expected
    assert set(UNSCOPED) <= names, "UNSCOPED names a class that no longer exists"


@dataclass
class World:
    programme: Programme
    other: Programme
    member: object
    outsider: object
    nobody: object
    rows: dict  # model → (this programme's row, the other programme's row)


def _factory_for(model):
    for value in vars(factories).values():
        if (isinstance(value, type) and issubclass(value, factory.django.DjangoModelFactory)
                and value._meta.model is model):
            return value
    return None


def _related_models() -> set:
    """Every model some field of a form or serializer can choose, read from the classes' own
    fields (ModelForm fields exist before the form is built; serializer fields once built)."""
    found = set()
    for cls in FORMS:
        for field in cls.base_fields.values():
            if isinstance(field, forms.ModelChoiceField):
                found.add(field.queryset.model)
    for cls in SERIALIZERS:
        for _, field in _serializer_choices(cls()):
            found.add(field.queryset.model)
    return found


@pytest.fixture
def world(db) -> World:
    programme = ProgrammeFactory(slug="home", lead_organisation=factories.OrganisationFactory(name="Bath Council"))
    other = ProgrammeFactory(slug="away", lead_organisation=factories.OrganisationFactory(name="Wells Council"))
    member, outsider = UserFactory(username="member"), UserFactory(username="outsider")
    MembershipFactory(programme=programme, user=member, role=Role.PROGRAMME_MANAGER)
    MembershipFactory(programme=other, user=outsider, role=Role.PROGRAMME_MANAGER)
    rows, missing = {}, []
    for model in _related_models() - {get_user_model(), Programme, *SHARED}:
        made = _factory_for(model)
        if made is None:
            missing.append(model.__name__)
            continue
        rows[model] = (made(programme=programme), made(programme=other))
    assert not missing, f"Add a factory to tests/factories.py for {sorted(missing)}"
    return World(programme, other, member, outsider, UserFactory(username="nobody"), rows)


def _build(cls: type, world: World):
    """The form, given what its __init__ methods ask for: the programme, and what KEYWORDS or
    the annotation (a class made from the programme, such as the lookups of an upload) says
    for any other keyword without a default. A keyword that a subclass passes up itself
    ("got multiple values") is left to it."""
    wanted = {}
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        for p in inspect.signature(init).parameters.values():
            if p.kind is p.KEYWORD_ONLY and (p.name == "programme" or p.default is p.empty):
                wanted.setdefault(p.name, p)
    kwargs = {}
    for name, p in wanted.items():
        if name == "programme":
            kwargs[name] = world.programme
        elif name in KEYWORDS:
            kwargs[name] = KEYWORDS[name](world.programme)
        elif isinstance(p.annotation, type):
            kwargs[name] = p.annotation(world.programme)
        else:
            pytest.fail(f"{_name(cls)} needs `{name}`: say in KEYWORDS how to make it")
    if issubclass(cls, forms.BaseModelForm) and cls._meta.model is Programme:
        kwargs["instance"] = world.programme
    for _ in range(len(kwargs) + 1):
        try:
            return cls(**kwargs)
        except TypeError as exc:
            passed_up = next((k for k in kwargs if f"multiple values for keyword argument '{k}'" in str(exc)), None)
            if passed_up is None:
                raise
            del kwargs[passed_up]
    raise AssertionError(f"could not build {_name(cls)}")


def _serializer_choices(serializer, prefix=""):
    """(name, related field) for every related field the serializer writes, nested too."""
    if isinstance(serializer, serializers.ListSerializer):
        serializer = serializer.child
    for name, field in serializer.fields.items():
        yield from _field_choices(field, prefix + name)


def _field_choices(field, name):
    if field.read_only:
        return
    if isinstance(field, serializers.BaseSerializer):
        yield from _serializer_choices(field, name + ".")
    elif isinstance(field, serializers.ManyRelatedField):
        yield from _field_choices(field.child_relation, name)
    elif isinstance(field, serializers.ListField | serializers.DictField):
        yield from _field_choices(field.child, name)
    elif isinstance(field, serializers.RelatedField):
        yield name, field


def _problems(name: str, queryset, world: World) -> list[str]:
    model = queryset.model
    if model in SHARED:
        return []
    if issubclass(model, get_user_model()):
        wrong = [u.username for u in (world.outsider, world.nobody) if queryset.filter(pk=u.pk).exists()]
        problems = [f"{name} offers {', '.join(wrong)}, not members"] if wrong else []
        if not queryset.filter(pk=world.member.pk).exists():
            problems.append(f"{name} does not offer the programme's own member")
        return problems
    if model is Programme:
        mine, theirs = world.programme, world.other
    elif model in world.rows:
        mine, theirs = world.rows[model]
    else:
        return [f"{name} chooses a {model.__name__}, which the walk made no rows of: add its factory"]
    problems = []
    if queryset.filter(pk=theirs.pk).exists():
        problems.append(f"{name} offers the other programme's {model.__name__}")
    if not queryset.filter(pk=mine.pk).exists():
        problems.append(f"{name} does not offer the programme's own {model.__name__}")
    return problems


@pytest.mark.parametrize("form_class", FORMS, ids=_name)
def test_every_form_offers_only_the_programmes_rows(world, form_class):
    form = _build(form_class, world)
    problems = [p for name, field in form.fields.items() if isinstance(field, forms.ModelChoiceField)
                for p in _problems(name, field.queryset, world)]
    if _name(form_class) in UNSCOPED:
        assert problems, f"{_name(form_class)} is scoped now: take it off UNSCOPED"
    else:
        assert not problems, problems


@pytest.mark.parametrize("serializer_class", SERIALIZERS, ids=_name)
def test_every_serializer_offers_only_the_programmes_rows(world, serializer_class):
    serializer = serializer_class(context={"programme": world.programme})
    problems = [p for name, field in _serializer_choices(serializer)
                for p in _problems(name, field.queryset, world)]
    if _name(serializer_class) in UNSCOPED:
        assert problems, f"{_name(serializer_class)} is scoped now: take it off UNSCOPED"
    else:
        assert not problems, problems


@pytest.mark.parametrize("serializer_class", SERIALIZERS, ids=_name)
def test_a_serializer_given_no_programme_offers_nothing(world, serializer_class):
    """A view that forgot to put the programme in the context fails closed."""
    serializer = serializer_class()
    offered = [name for name, field in _serializer_choices(serializer)
               if field.queryset.model not in SHARED and field.queryset.exists()]
    assert not offered


# --- Behaviour: another programme's id is a field error, on a page and through the API ------

@pytest.fixture
def foreign(cast: Cast):
    """A row of each kind in the other programme, and the cast's own where a post needs one."""
    other = cast.other_programme
    return {
        "workstream": factories.WorkstreamFactory(programme=other),
        "milestone": factories.MilestoneFactory(programme=other),
        "version": factories.BudgetVersionFactory(programme=other),
        "roster": factories.TransferRosterFactory(programme=other),
        "risk": factories.RiskFactory(programme=other),
    }


def _milestone_post(cast, foreign, **change):
    data = {"title": "Go live", "workstream": cast.workstream.pk, "baseline_date": "2026-04-01",
            "forecast_date": "2026-04-01", "status": "not_started", "rag": "green"}
    return {**data, **{k: v(cast, foreign) for k, v in change.items()}}


PAGE_CASES = {
    "milestone workstream": ("/programmes/home/milestones/new/", "workstream", "programmes.Milestone",
                             lambda cast, f: _milestone_post(cast, f, workstream=lambda c, f: f["workstream"].pk)),
    "milestone depends on": ("/programmes/home/milestones/new/", "depends_on", "programmes.Milestone",
                             lambda cast, f: _milestone_post(cast, f, depends_on=lambda c, f: [f["milestone"].pk])),
    "milestone owner": ("/programmes/home/milestones/new/", "owner", "programmes.Milestone",
                        lambda cast, f: _milestone_post(cast, f, owner=lambda c, f: c.users["outsider"].pk)),
    "issue from a risk": ("/programmes/home/risks/issues/new/", "risk", "risks.Issue",
                          lambda cast, f: {"title": "Payroll late", "risk": f["risk"].pk, "priority": "high",
                                           "raised_on": "2026-01-05", "status": "open"}),
}


@pytest.mark.parametrize("case", PAGE_CASES)
def test_a_page_refuses_another_programmes_row_as_a_field_error(cast, foreign, case):
    from django.apps import apps
    url, field, model_label, data = PAGE_CASES[case]
    model = apps.get_model(model_label)
    before = model.objects.count()
    response = cast.client("pm").post(url, data(cast, foreign))
    assert response.status_code == 200
    assert "Select a valid choice" in " ".join(response.context["form"].errors.get(field, []))
    assert model.objects.count() == before


API_CASES = {
    "milestone workstream": ("milestones", "workstream", "programmes.Milestone",
                             lambda cast, f: {"title": "Go live", "baseline_date": "2026-04-01",
                                              "forecast_date": "2026-04-01", "workstream": f["workstream"].pk}),
    "milestone depends on": ("milestones", "depends_on", "programmes.Milestone",
                             lambda cast, f: {"title": "Go live", "baseline_date": "2026-04-01",
                                              "forecast_date": "2026-04-01", "workstream": cast.workstream.pk,
                                              "depends_on": [f["milestone"].pk]}),
    "confidence assessor": ("confidence-assessments", "assessed_by", "programmes.ConfidenceAssessment",
                            lambda cast, f: {"period_end": "2026-03-31", "rating": "amber",
                                             "assessed_by": cast.users["outsider"].pk}),
    "budget line version": ("finance/budget-lines", "version", "finance.BudgetLine",
                            lambda cast, f: {"version": f["version"].pk, "financial_year": "2025/26",
                                             "category": "revenue", "cost_type": "staff", "amount": "100.00"}),
    "paper roster": ("cabinet-papers", "roster", "business_cases.CabinetPaper",
                     lambda cast, f: {"title": "Bringing care home", "decision_maker": "Cabinet",
                                      "meeting_date": "2026-09-01", "roster": f["roster"].pk}),
}


@pytest.mark.parametrize("case", API_CASES)
def test_the_api_refuses_another_programmes_row_as_a_field_error(cast, foreign, case):
    from django.apps import apps
    segment, field, model_label, data = API_CASES[case]
    model = apps.get_model(model_label)
    before = model.objects.count()
    response = cast.client("pm").post(f"/api/v1/programmes/home/{segment}/", data(cast, foreign),
                                      content_type="application/json")
    assert response.status_code == 400, response.content
    assert "does not exist" in " ".join(response.json().get(field, [])), response.json()
    assert model.objects.count() == before


# --- The ways a model belongs to a programme, beyond the direct link every form uses today --

def test_a_row_belongs_through_its_parent_or_a_generic_link_and_a_shared_list_to_no_one():
    from business_cases.models import PaperVersion
    from core.models import Upload
    from core.scoping import belongs_to_tenant, tenant_path

    assert tenant_path(factories.Milestone, Programme) == ("programme",)
    assert tenant_path(PaperVersion, Programme) == ("paper", "programme")
    assert tenant_path(Upload, Programme) == ("target",)
    assert tenant_path(Organisation, Programme) is None
    assert not belongs_to_tenant(Organisation, Programme)
    assert belongs_to_tenant(get_user_model(), Programme)


def test_choices_through_a_generic_link_and_of_the_programme_itself_are_limited(world):
    from django.contrib.contenttypes.models import ContentType

    from core.models import Upload
    from core.scoping import limit_to_tenant
    from programmes.access import programme_members

    def upload(programme):
        return Upload.objects.create(target_type=ContentType.objects.get_for_model(programme),
                                     target_id=programme.pk, kind="test", original_name="a.csv",
                                     sha256="0" * 64, size=1, file="uploads/a.csv")

    mine, theirs = upload(world.programme), upload(world.other)
    members = programme_members(world.programme)
    uploads = limit_to_tenant(Upload.objects.all(), tenant=world.programme, members=members)
    assert list(uploads) == [mine] and theirs not in uploads
    assert list(limit_to_tenant(Programme.objects.all(), tenant=world.programme, members=members)) == [
        world.programme]
    assert list(limit_to_tenant(get_user_model().objects.all(), tenant=world.programme,
                                members=members)) == [world.member]
    assert not limit_to_tenant(Upload.objects.all(), tenant=None, members=None).exists()
