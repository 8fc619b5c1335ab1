"""Related choices limited to one tenant: the rows it owns and the people who belong to it.

Every form and serializer that edits a programme's records goes through here (by way of
`programmes.forms.ProgrammeScopedForm` and `programmes.api.ProgrammeScopedSerializer`), so
a choice of another programme's workstream, risk or roster — or of someone who is not a
member — is refused as a field error by the field itself, before any rule of ours runs.

Which rows a tenant owns is read from the models, not listed: a model belongs to the
tenant through a foreign key to it (`programme`), through a parent that does
(`paper__programme`), or through a generic link to it (an upload's `target`). A model
with none of these (organisations, content types) is a shared list and is left as it is;
tests/test_scoping.py names each such list and says why it is shared.

Core knows nothing of programmes: the tenant is any model instance, and the caller says
who its members are.
"""
from collections import deque
from functools import cache

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, QuerySet
from rest_framework import serializers

# How many links a row may be from its tenant (a paper version → its paper → the programme
# is two). Deeper chains would be a model worth a direct link.
MAX_DEPTH = 3


@cache
def tenant_path(model: type[models.Model], tenant_model: type[models.Model]) -> tuple[str, ...] | None:
    """How rows of `model` reach their tenant, as a lookup: ("programme",) for a direct link,
    ("paper", "programme") through a parent, ("target",) for a generic link (the name of the
    GenericForeignKey last); None when `model` belongs to no tenant. The shortest way wins,
    a direct foreign key before anything else."""
    queue: deque[tuple[type[models.Model], tuple[str, ...]]] = deque([(model, ())])
    seen = {model}
    while queue:
        current, path = queue.popleft()
        links = [f for f in current._meta.concrete_fields if f.is_relation and (f.many_to_one or f.one_to_one)]
        for f in links:
            if f.related_model is tenant_model:
                return (*path, f.name)
        generic = _generic_link(current)
        if generic is not None:
            return (*path, generic[0])
        if len(path) + 1 >= MAX_DEPTH:
            continue
        for f in links:
            parent = f.related_model
            if parent not in seen and parent is not get_user_model():
                seen.add(parent)
                queue.append((parent, (*path, f.name)))
    return None


def _generic_link(model: type[models.Model]) -> tuple[str, str, str] | None:
    """(name, content-type field, id field) of a generic link: a GenericForeignKey, or the
    pair core's uploads, column mappings and jobs use without one (`target_type`, a
    foreign key to ContentType, beside `target_id`)."""
    for f in model._meta.private_fields:
        if isinstance(f, GenericForeignKey):
            return f.name, f.ct_field, f.fk_field
    names = {f.name for f in model._meta.concrete_fields}
    for f in model._meta.concrete_fields:
        if (f.many_to_one and f.related_model is ContentType and f.name.endswith("_type")
                and f"{f.name[:-5]}_id" in names):
            return f.name[:-5], f.name, f"{f.name[:-5]}_id"
    return None


def _tenant_q(model: type[models.Model], tenant: models.Model) -> Q | None:
    path = tenant_path(model, type(tenant))
    if path is None:
        return None
    *parents, last = path
    owner = model
    for name in parents:
        owner = owner._meta.get_field(name).related_model
    prefix = "".join(f"{name}__" for name in parents)
    generic = _generic_link(owner)
    if generic is not None and generic[0] == last:
        _, ct_field, id_field = generic
        return Q(**{f"{prefix}{ct_field}": ContentType.objects.get_for_model(tenant),
                    f"{prefix}{id_field}": tenant.pk})
    return Q(**{f"{prefix}{last}": tenant})


def belongs_to_tenant(model: type[models.Model], tenant_model: type[models.Model]) -> bool:
    """Whether choices of `model` are limited by `limit_to_tenant` (the user model counts:
    its choices are limited to the members)."""
    return (issubclass(model, get_user_model()) or model is tenant_model
            or tenant_path(model, tenant_model) is not None)


def limit_to_tenant(queryset: QuerySet, *, tenant: models.Model | None, members: QuerySet | None) -> QuerySet:
    """`queryset` (a field's choices) cut down to the rows `tenant` owns; people to `members`;
    the tenant model to the tenant itself. Any other model's choices come back as they were.
    With no tenant at all (a serializer given no programme) nothing is left to choose."""
    if tenant is None:
        return queryset.none()
    model = queryset.model
    if issubclass(model, get_user_model()):
        return queryset.filter(pk__in=members.values("pk"))
    if model is type(tenant):
        return queryset.filter(pk=tenant.pk)
    q = _tenant_q(model, tenant)
    return queryset if q is None else queryset.filter(q)


def scope_form(form: forms.BaseForm, *, tenant: models.Model, members: QuerySet) -> None:
    """Limit every model choice of `form` (ModelChoiceField, ModelMultipleChoiceField) to
    `tenant`. Call it after the form has made all its fields."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField):
            field.queryset = limit_to_tenant(field.queryset, tenant=tenant, members=members)


def scope_serializer(serializer: serializers.BaseSerializer, *, tenant: models.Model | None,
                     members: QuerySet | None) -> None:
    """Limit every writable related field of `serializer` to `tenant`: primary-key and slug
    fields, many-related fields, lists of them, and the fields of nested serializers that
    are written too."""
    if isinstance(serializer, serializers.ListSerializer):
        serializer = serializer.child
    for field in serializer.fields.values():
        _scope_field(field, tenant=tenant, members=members)


def _scope_field(field, *, tenant, members) -> None:
    if field.read_only:
        return
    if isinstance(field, serializers.BaseSerializer):
        scope_serializer(field, tenant=tenant, members=members)
    elif isinstance(field, serializers.ManyRelatedField):
        _scope_field(field.child_relation, tenant=tenant, members=members)
    elif isinstance(field, serializers.ListField | serializers.DictField):
        _scope_field(field.child, tenant=tenant, members=members)
    elif isinstance(field, serializers.RelatedField) and field.queryset is not None:
        field.queryset = limit_to_tenant(field.queryset, tenant=tenant, members=members)
