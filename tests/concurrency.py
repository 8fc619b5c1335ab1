"""Shared machinery for the per-app walks over every edit page (tests/<app>/test_concurrency.py):
each page that edits a saved record must refuse a save over a version other than the one
it was shown with, and let the editor save again on purpose.

Plain helpers, no tests: pytest collects only test_*.py files.
"""
from datetime import timedelta
from decimal import Decimal

import lxml.html
from django.db import IntegrityError, models, transaction
from django.forms import ModelForm

from core.concurrency import VERSION_FIELD, VersionedRecordsForm
from core.roles import Capability, role_can
from tests.permissions import ROLE_OF, Page

CONFLICT_TEXT = "after you opened it"


def editor(page: Page) -> str | None:
    """A member of the cast who may use `page`."""
    if not isinstance(page.rule, Capability):
        return None
    return next((who for who, role in ROLE_OF.items() if role_can(role, page.rule)), None)


def form_pages(pages: dict[str, Page]) -> list[str]:
    """The URL names of pages that show a form (GET 200) and redirect on a valid POST."""
    return sorted(name for name, p in pages.items() if p.get == 200 and p.post == 302 and editor(p))


def _their_change(instance: models.Model, editable: set[str]) -> tuple[str, object]:
    """Change one stored field of the record that the page edits, behind its back, as
    another person would, and say which field and its new value."""
    model = type(instance)
    for f in model._meta.concrete_fields:
        if f.name not in editable or not f.editable or f.primary_key or f.is_relation or f.choices or f.unique:
            continue
        value = getattr(instance, f.attname)
        if isinstance(f, models.CharField | models.TextField):
            new = ((value or "")[: (f.max_length or 100) - 8] + " (their)")
        elif isinstance(f, models.BooleanField):
            new = not value
        elif isinstance(f, models.DecimalField) and value is not None:
            new = value + Decimal("1")
        elif isinstance(f, models.IntegerField) and value is not None:
            new = value + 1
        elif isinstance(f, models.DateField) and value is not None:
            new = value + timedelta(days=1)
        elif isinstance(f, models.JSONField) and isinstance(value, list):
            new = [*value, 0]  # a list of ids (a person's day-one checks): one no record has
        else:
            continue
        model._base_manager.filter(pk=instance.pk).update(**{f.attname: new})
        return f.attname, new
    # A record with nothing but choices to edit (a business case's stage): another choice.
    for f in model._meta.concrete_fields:
        if f.name not in editable or not f.choices:
            continue
        for new, _label in f.flatchoices:
            if new in ("", None) or new == getattr(instance, f.attname):
                continue
            try:
                with transaction.atomic():
                    model._base_manager.filter(pk=instance.pk).update(**{f.attname: new})
            except IntegrityError:
                continue
            return f.attname, new
    raise AssertionError(f"found no field of {model.__name__} to change")


def _edited(response) -> tuple[models.Model | None, set[str]]:
    """The saved record the page's form edits (the first, for a form over several) and
    the names of the fields it may change."""
    form = response.context.get("form") if response.context else None
    if isinstance(form, ModelForm) and form.instance.pk is not None:
        return form.instance, set(form.fields)
    if isinstance(form, VersionedRecordsForm):
        saved = [r for r in form.versioned_records if r.pk is not None]
        if saved:
            return saved[0], {f.name for f in type(saved[0])._meta.concrete_fields}
    return None, set()


def hidden_version(html: str) -> str | None:
    found = lxml.html.fromstring(html).xpath(f"//input[@name='{VERSION_FIELD}']/@value")
    return found[0] if found else None


def stale_edit_problems(world, page: Page, url: str, *, save_first: bool = False) -> list[str] | None:
    """What is wrong with how `url` guards against a stale save; None when the page does
    not edit a saved record (it adds one, or its form is not a model form). With
    `save_first`, a page whose record does not exist yet is saved once first."""
    client = world.cast.client(editor(page))
    shown = client.get(url)
    target, editable = _edited(shown)
    if target is None and save_first:
        # A page that edits a record made on its first save (a programme's settings):
        # save once, so there is a version to be stale against.
        client.post(url, page.data(world))
        shown = client.get(url)
        target, editable = _edited(shown)
    if target is None:
        return None
    problems = []
    read = hidden_version(shown.content.decode())
    if not read:
        return [f"{url}: the form carries no {VERSION_FIELD}"]
    name, theirs = _their_change(target, editable)
    data = {**page.data(world), VERSION_FIELD: read}
    refused = client.post(url, data)
    stored = getattr(type(target)._base_manager.get(pk=target.pk), name)
    if refused.status_code != 200:
        problems.append(f"{url}: a stale save answered {refused.status_code}, not the form again")
    elif CONFLICT_TEXT not in refused.content.decode():
        problems.append(f"{url}: a stale save did not say someone else changed the record")
    if stored != theirs:
        problems.append(f"{url}: a stale save overwrote the other person's {name}")
    if refused.status_code == 200:
        again = hidden_version(refused.content.decode())
        if again == read:
            problems.append(f"{url}: the form was shown again with the stale version")
        elif client.post(url, {**page.data(world), VERSION_FIELD: again}).status_code != 302:
            problems.append(f"{url}: saving again on purpose did not go through")
    return problems


def edits(name: str) -> bool:
    """Whether a URL name says its page edits a record."""
    return name.endswith(("edit", "settings", "cells"))


# Edit pages known not to check versions yet, with why; none at present.
UNCHECKED: dict[str, str] = {}


# The API: every single-record route that changes or deletes a record --------------------

def api_write_routes(module) -> list[str]:
    """URL names in an app's api_urls whose viewset changes or deletes one record."""
    names = []
    for p in module.urlpatterns:
        actions = getattr(p.callback, "actions", None) or {}
        allowed = set(getattr(getattr(p.callback, "cls", None), "http_method_names", actions))
        if "<int:pk>" in str(p.pattern) and {"put", "patch", "delete"} & set(actions) & allowed:
            names.append(p.name)
    return sorted(names)


def _api_route(module, name: str):
    return next(p for p in module.urlpatterns if p.name == name)


def _council_administrator_client(programme):
    from django.test import Client

    from tests.factories import CouncilAdministratorFactory, UserFactory

    admin = UserFactory(username="concurrency-admin")
    CouncilAdministratorFactory(organisation=programme.lead_organisation, user=admin)
    client = Client()
    client.force_login(admin)
    return client


def stale_api_problems(world, module, name: str, obj=None) -> list[str]:
    """What is wrong with how one API route guards against a stale change or delete, tried
    on `obj` (by default the first of its records in the home programme)."""
    from django.urls import reverse

    from tests.permissions import ROLE_OF as roles

    route = _api_route(module, name)
    viewset = route.callback.cls
    actions = route.callback.actions
    if obj is None:
        obj = viewset.model._base_manager.filter(programme=world.cast.programme).order_by("pk").first()
    if obj is None:
        return [f"{name}: the world has no {viewset.model.__name__} to try it on"]
    if viewset.edit_capability is None:
        # Changed by the lead council's administrators, whom the cast does not hold.
        client = _council_administrator_client(world.cast.programme)
    else:
        who = next(w for w, role in roles.items() if role_can(role, viewset.edit_capability))
        client = world.cast.client(who)
    url = reverse(f"{module.app_name}:{name}", kwargs={"programme_slug": world.cast.programme.slug,
                                                       "pk": obj.pk})
    problems = []
    read = client.get(url).get("ETag")
    if not read:
        return [f"{url}: GET gives no ETag"]
    editable = set(viewset.serializer_class().fields)
    field, theirs = _their_change(obj, editable)
    for method in [m for m in ("patch", "put", "delete") if m in actions]:
        body = "{}" if method != "put" else client.get(url, HTTP_IF_MATCH="*").content.decode()
        refused = client.generic(method.upper(), url, body, content_type="application/json",
                                 HTTP_IF_MATCH=read)
        if refused.status_code != 412:
            problems.append(f"{method.upper()} {url} with a stale If-Match answered {refused.status_code}")
        elif "changed_fields" not in refused.json():
            problems.append(f"{method.upper()} {url}: the 412 does not name the changed fields")
        stored = viewset.model._base_manager.filter(pk=obj.pk).values_list(field, flat=True).first()
        if stored != theirs:
            problems.append(f"{method.upper()} {url} with a stale If-Match overwrote or deleted the record")
    if "patch" in actions:
        fresh = client.get(url)["ETag"]
        again = client.patch(url, "{}", content_type="application/json", HTTP_IF_MATCH=fresh)
        if again.status_code != 200:
            problems.append(f"PATCH {url} with the current ETag answered {again.status_code}")
        elif again.get("ETag") is None:
            problems.append(f"PATCH {url} answered without the new ETag")
    return problems


# The two walks each app's tests/<app>/test_concurrency.py runs --------------------------

def walk_tests(app: str, pages: dict[str, Page], module, api_objects=None):
    """The two tests of one app's walk, for its test module to bind as module attributes:
    every page of its permission matrix that edits a record refuses a stale save, and every
    API route that changes or deletes one refuses a stale If-Match. `api_objects(world, name)`
    may choose the record an API route is tried on (None: the first in the programme)."""
    import pytest
    from django.urls import reverse

    @pytest.mark.parametrize("name", form_pages(pages))
    def test_an_edit_page_refuses_a_stale_save(world, name):
        page = pages[name]
        url = reverse(f"{app}:{name}", kwargs=page.kwargs(world))
        if f"{app}:{name}" in UNCHECKED:
            pytest.xfail(UNCHECKED[f"{app}:{name}"])
        problems = stale_edit_problems(world, page, url, save_first=edits(name))
        if edits(name):
            assert problems is not None, f"{url} edits a record but its form has no version check"
        assert problems in (None, [])

    @pytest.mark.parametrize("name", api_write_routes(module))
    def test_an_api_change_refuses_a_stale_if_match(world, name):
        obj = api_objects(world, name) if api_objects else None
        assert stale_api_problems(world, module, name, obj) == []

    return test_an_edit_page_refuses_a_stale_save, test_an_api_change_refuses_a_stale_if_match
