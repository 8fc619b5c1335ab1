"""The pages of a simple record, written once for every app that keeps records by hand:
the list, add, edit, delete (after a confirmation page) and history of, say, a decision,
a funding source or an option. `programmes/upload_pages.py` is the same for uploads.

An app describes each record with a `RecordPages` and routes its URLs to `urls()` (or to
the views `views()` returns). The URL names are `<key>_list`, `<key>_create`, `<key>_edit`,
`<key>_delete` and `<key>_history` in the app's namespace. Every page finds the programme
through the access helper (404 for an outsider, 403 for a role without `capability`) and
the record within the programme (404 for another programme's); an edit is refused if the
record changed since the form was shown (core.concurrency: the forms are VersionedForms,
and the POST runs in one transaction); every write records the user and a reason in the
history."""
from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Model, ProtectedError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.concurrency import atomic_post
from core.protection import DeleteRefused, refusal_message
from core.roles import Capability
from programmes.access import ProgrammeAccess, programme_access
from programmes.history import history_entries
from programmes.personal_data import personal_data_looked_at
from programmes.services import record_delete, record_save

STEPS = ("list", "create", "edit", "delete", "history")
# The history keeps a change reason of at most this many characters.
REASON_LENGTH = 100


def _no_initial(request: HttpRequest, access: ProgrammeAccess) -> dict:
    return {}


@dataclass(frozen=True)
class RecordPages:
    key: str  # the URL names' prefix (and the registry's key)
    model: type[Model]
    form: type[forms.ModelForm]  # takes programme=, and is a VersionedForm
    singular: str  # "funding source": "The funding source has been saved."
    capability: Capability  # who may add, edit and delete; every member reads
    namespace: str  # the app's URL namespace
    done: str  # the URL name (taking the slug) after a save or a delete, and of Cancel
    # (access, **extra) → the page context: the app's frame, with its navigation.
    context: Callable[..., dict]
    # The record's own list page, for those that have one.
    plural: str = ""
    intro: str = ""
    columns: tuple = ()
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple = ()
    order_by: tuple[str, ...] = ()
    # name → query expression annotated on each listed row, for what a column shows of
    # another table without a query per row (a council list's label: selectors' *_label()).
    annotate: dict = field(default_factory=dict)
    list_template: str = "programmes/resource_list.html"
    # Where the pages' words are not the ones made from `singular`.
    article: str = "a"  # "Add a …"
    edit_heading: Callable[[Model], str] | None = None
    saved_message: Callable[[Model], str] | None = None
    deleted_message: Callable[[Model], str] | None = None
    delete_reason: str = ""
    # record → what deleting it takes with it, said on the confirmation page in place of
    # the usual warning.
    delete_warning: Callable[[Model], str] | None = None
    # False: deleted by a POST from a button on another page, with no confirmation page.
    confirm_delete: bool = True
    # (request, access) → the form's initial values for a new record.
    initial: Callable[[HttpRequest, ProgrammeAccess], dict] = _no_initial
    # The write service, taking (instance=, user=, reason=), for a record whose saving
    # does more than record_save.
    save: Callable[..., Model] = record_save
    # A delete service taking (instance=, user=, reason=), for a record whose deleting has a
    # rule: it may refuse with core.protection.DeleteRefused, whose words the page shows.
    remove: Callable[..., None] = record_delete
    # The form's many-to-many fields, saved by the service with the record (record_save's m2m).
    m2m: tuple[str, ...] = ()
    # Fields that may name a member of staff: a role without VIEW_PERSONAL_DATA neither sees
    # them in the form (nor can change them) nor reads their values in the history.
    personal: tuple[str, ...] = ()
    # record → the URL of the page that shows it, for a record shown on its parent's page
    # (a line of an assessment): where a save or a delete of it leads, and Cancel when
    # editing it, instead of `done`.
    back: Callable[[Model], str] | None = None
    # The app's access helper, (user, slug, capability) → ProgrammeAccess, for pages that
    # answer 404 where more than membership is missing (workforce: no staff transfer).
    access: Callable[..., ProgrammeAccess] = programme_access

    def url_name(self, step: str) -> str:
        return f"{self.namespace}:{self.key}_{step}"

    def queryset(self, programme):
        qs = self.model.objects.filter(programme=programme)
        if self.select_related:
            # Only when named: select_related() with no names joins every non-null foreign key.
            qs = qs.select_related(*self.select_related)
        qs = qs.prefetch_related(*self.prefetch_related).annotate(**self.annotate)
        return qs.order_by(*self.order_by) if self.order_by else qs

    def record(self, access: ProgrammeAccess, pk: int) -> Model:
        return get_object_or_404(self.model, pk=pk, programme=access.programme)

    def _done(self, slug: str) -> str:
        return reverse(self.done, args=[slug])

    def _back(self, slug: str, obj: Model | None) -> str:
        return self.back(obj) if self.back and obj is not None else self._done(slug)

    def _noun(self) -> str:
        return self.singular.capitalize()

    def _hidden(self, access: ProgrammeAccess) -> tuple[str, ...]:
        return () if access.can(Capability.VIEW_PERSONAL_DATA) else self.personal

    def _log_look(self, access: ProgrammeAccess, user, obj, step: str) -> None:
        """A record whose personal fields this role sees: the look is logged."""
        if obj is not None and self.personal and access.can(Capability.VIEW_PERSONAL_DATA):
            personal_data_looked_at(programme=access.programme, user=user,
                                    what=f"{self._noun()} {obj.pk} ({step})")

    # The views -------------------------------------------------------------------------

    def index(self, request: HttpRequest, slug: str) -> HttpResponse:
        access = self.access(request.user, slug)
        rows = [(obj, [c.value(obj) for c in self.columns]) for obj in self.queryset(access.programme)]
        return render(request, self.list_template, self.context(
            access, res=self, rows=rows, can_edit=access.can(self.capability)))

    def edit(self, request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
        access = self.access(request.user, slug, self.capability)
        instance = self.record(access, pk) if pk else None
        form = self.form(request.POST or None, instance=instance, programme=access.programme,
                         initial=None if instance else self.initial(request, access))
        for name in self._hidden(access):
            # Left out of the form, the field keeps the value it has (a ModelForm saves only its fields).
            form.fields.pop(name, None)
        done = self._back(slug, instance)
        if request.method == "POST" and form.is_valid():
            reason = request.POST.get("change_reason") or f"{self._noun()} {'edited' if instance else 'added'}"
            links = {"m2m": {name: form.cleaned_data[name] for name in self.m2m}} if self.m2m else {}
            saved = self.save(instance=form.save(commit=False), user=request.user, reason=reason[:REASON_LENGTH],
                              **links)
            messages.success(request, self.saved_message(saved) if self.saved_message
                             else f"The {self.singular} has been saved.")
            return redirect(self._back(slug, saved))
        self._log_look(access, request.user, instance, "edit form")
        if instance is None:
            heading = f"Add {self.article} {self.singular}"
        else:
            heading = self.edit_heading(instance) if self.edit_heading else f"Edit {self.singular}"
        return render(request, "programmes/form.html", self.context(
            access, form=form, heading=heading, submit="Save", ask_reason=bool(instance), cancel_url=done))

    def delete(self, request: HttpRequest, slug: str, pk: int) -> HttpResponse:
        access = self.access(request.user, slug, self.capability)
        obj = self.record(access, pk)
        done = self._back(slug, obj)
        if request.method == "POST":
            try:
                self.remove(instance=obj, user=request.user, reason=self.delete_reason or f"{self._noun()} deleted")
            except ProtectedError as e:
                messages.error(request, refusal_message(e, instance=obj, what=self.singular))
                return redirect(done)
            except DeleteRefused as e:
                messages.error(request, str(e))
                return redirect(done)
            messages.success(request, self.deleted_message(obj) if self.deleted_message
                             else f"The {self.singular} has been deleted.")
            return redirect(done)
        return render(request, "programmes/confirm_delete.html", self.context(
            access, object=obj, what=self.singular, cancel_url=done,
            warning=self.delete_warning(obj) if self.delete_warning else ""))

    def history(self, request: HttpRequest, slug: str, pk: int) -> HttpResponse:
        access = self.access(request.user, slug)
        obj = self.record(access, pk)
        self._log_look(access, request.user, obj, "history")
        return render(request, "programmes/history.html", self.context(
            access, object=obj, entries=history_entries(obj, hidden=self._hidden(access)), heading=self._noun(),
            back_url=self._back(slug, obj)))

    def views(self) -> dict[str, Callable]:
        """Each page's view, signed-in only and limited to its HTTP methods; the edit's POST
        in one transaction, so the version check's lock lasts until the save."""
        return {
            "list": login_required(require_safe(self.index)),
            "edit": login_required(require_http_methods(["GET", "POST"])(atomic_post(self.edit))),
            "delete": login_required((require_http_methods(["GET", "POST"]) if self.confirm_delete
                                      else require_POST)(self.delete)),
            "history": login_required(require_safe(self.history)),
        }

    def urls(self, base: str, steps: tuple[str, ...] = STEPS) -> list[URLPattern]:
        """The URL patterns of `steps` under `base` (which ends in "/")."""
        views = self.views()
        routes = {"list": (base, views["list"]), "create": (f"{base}new/", views["edit"]),
                  "edit": (f"{base}<int:pk>/edit/", views["edit"]),
                  "delete": (f"{base}<int:pk>/delete/", views["delete"]),
                  "history": (f"{base}<int:pk>/history/", views["history"])}
        return [path(routes[step][0], routes[step][1], name=f"{self.key}_{step}") for step in steps]
