"""The pages of a spreadsheet upload, written once for every app whose records can be
uploaded: choose a file, map its columns, preview it with each error on its row, commit
it, list the uploads and roll one back. `core.uploads` does the work; this module is
the pages around it, set up per upload kind with an `UploadPages`.

An app makes one `UploadPages` and routes its URLs to the views it returns, under the URL
names `names` gives (so its templates and tests keep theirs). An app whose commit differs
(finance sends big ledgers to a Job) keeps its own commit view and uses the rest."""
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.models import Upload
from core.roles import Capability
from core.uploads import (
    UploadError,
    UploadFileForm,
    get_upload_spec,
    mapping_form,
    upload_commit,
    upload_inspect,
    upload_preview,
    upload_receive,
    upload_rollback,
    uploads_for,
)
from programmes.access import ProgrammeAccess, programme_access

STEPS = ("receive", "mapping", "preview", "commit", "uploads", "rollback")


@dataclass(frozen=True)
class UploadPages:
    kind: str  # the core.uploads kind
    capability: Capability
    namespace: str  # the app's URL namespace
    templates: tuple[str, str, str]  # the pages choosing a file, mapping its columns, previewing it
    uploads_template: str
    hint: str
    form_kwargs: Callable  # programme → the row form's keyword arguments
    # (access, **extra) → the page context (the app's frame: its navigation, its links).
    context: Callable
    done: str  # the URL name to go to after a commit
    written: Callable[[int, Upload], str]  # the message after a commit of n rows
    removed: str  # after a rollback; {name} is the file's name
    # URL names of the steps, where an app's differ from STEPS.
    names: dict = field(default_factory=dict)
    # (preview) → more context for the preview page.
    preview_extra: Callable = lambda preview: {}

    def url(self, step: str, *args) -> str:
        return reverse(f"{self.namespace}:{self.names.get(step, step)}", args=args)

    def _redirect(self, step: str, *args) -> HttpResponse:
        return redirect(self.url(step, *args))

    def _access(self, request, slug: str) -> ProgrammeAccess:
        return programme_access(request.user, slug, self.capability)

    def upload_for(self, access: ProgrammeAccess, upload_pk: int) -> Upload:
        return get_object_or_404(uploads_for(access.programme, kind=self.kind), pk=upload_pk)

    def _ctx(self, access: ProgrammeAccess, **extra) -> dict:
        return self.context(access, uploads_url=self.url("uploads", access.programme.slug), **extra)

    # The views -----------------------------------------------------------------------------

    def receive(self, request: HttpRequest, slug: str) -> HttpResponse:
        access = self._access(request, slug)
        form = UploadFileForm(request.POST, request.FILES) if request.method == "POST" else UploadFileForm()
        upload_error = None
        if request.method == "POST" and form.is_valid():
            try:
                upload = upload_receive(target=access.programme, kind=self.kind,
                                        uploaded_file=form.cleaned_data["file"], user=request.user)
            except UploadError as e:
                upload_error = e.message
            else:
                return self._redirect("mapping", slug, upload.pk)
        return render(request, self.templates[0], self._ctx(
            access, upload_form=form, upload_error=upload_error, upload_hint=self.hint,
            upload_action=self.url("receive", slug)))

    def mapping(self, request: HttpRequest, slug: str, upload_pk: int) -> HttpResponse:
        access = self._access(request, slug)
        upload = self.upload_for(access, upload_pk)
        spec = get_upload_spec(self.kind)
        kwargs = self.form_kwargs(access.programme)
        try:
            preview = upload_inspect(upload=upload, form_kwargs=kwargs)
        except UploadError as e:
            messages.error(request, e.message)
            return self._redirect("receive", slug)
        form = mapping_form(spec, preview.headers, initial=preview.mapping,
                            data=request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            # A file already loaded keeps the mapping it was loaded with.
            if upload.status in (Upload.Status.PREVIEWED, Upload.Status.FAILED):
                mapping = {c.name: form.cleaned_data.get(c.name) or None for c in spec.columns}
                upload_preview(upload=upload, form_kwargs=kwargs, mapping=mapping)
            return self._redirect("preview", slug, upload.pk)
        return render(request, self.templates[1], self._ctx(
            access, upload=upload, mapping_form=form, mapping_action=self.url("mapping", slug, upload.pk)))

    def preview(self, request: HttpRequest, slug: str, upload_pk: int) -> HttpResponse:
        access = self._access(request, slug)
        upload = self.upload_for(access, upload_pk)
        try:
            preview = upload_inspect(upload=upload, form_kwargs=self.form_kwargs(access.programme))
        except UploadError as e:
            messages.error(request, e.message)
            return self._redirect("receive", slug)
        return render(request, self.templates[2], self._ctx(
            access, upload=upload, preview=preview, commit_action=self.url("commit", slug, upload.pk),
            mapping_url=self.url("mapping", slug, upload.pk), **self.preview_extra(preview)))

    def commit(self, request: HttpRequest, slug: str, upload_pk: int) -> HttpResponse:
        access = self._access(request, slug)
        upload = self.upload_for(access, upload_pk)
        try:
            outcome = upload_commit(upload=upload, user=request.user,
                                    form_kwargs=self.form_kwargs(access.programme),
                                    write_ctx={"programme": access.programme})
        except UploadError as e:
            messages.error(request, e.message)
            return self._redirect("uploads", slug)
        return self.after_commit(request, slug, upload, outcome)

    def after_commit(self, request: HttpRequest, slug: str, upload: Upload, outcome) -> HttpResponse:
        """Where a commit's outcome leads: back to the preview with its errors, or on."""
        if outcome.already_loaded:
            messages.info(request, outcome.message)
            return redirect(self.done, slug)
        if outcome.errors:
            messages.error(request, outcome.message)
            return self._redirect("preview", slug, upload.pk)
        messages.success(request, self.written(outcome.written, upload))
        return redirect(self.done, slug)

    def uploads(self, request: HttpRequest, slug: str) -> HttpResponse:
        access = self._access(request, slug)
        return render(request, self.uploads_template, self._ctx(
            access, uploads=list(uploads_for(access.programme, kind=self.kind)), can_roll_back=True,
            rollback_url=self.url("uploads", slug)))

    def rollback(self, request: HttpRequest, slug: str, upload_pk: int) -> HttpResponse:
        access = self._access(request, slug)
        upload = self.upload_for(access, upload_pk)
        try:
            upload_rollback(upload=upload, user=request.user)
        except UploadError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, self.removed.format(name=upload.original_name))
        return self._redirect("uploads", slug)

    def views(self) -> dict[str, Callable]:
        """Each step's view, signed-in only and limited to its HTTP methods."""
        methods = {"receive": require_http_methods(["GET", "POST"]),
                   "mapping": require_http_methods(["GET", "POST"]),
                   "preview": require_safe, "commit": require_POST, "uploads": require_safe,
                   "rollback": require_POST}
        return {step: login_required(methods[step](getattr(self, step))) for step in STEPS}
