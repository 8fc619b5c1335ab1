"""The pages of a spreadsheet upload, written once for every app whose records can be
uploaded: choose a file (or download a template for one), map its columns, preview it with
each error on its row (and download those rows), commit it or discard it, list the uploads
and roll one back. `core.uploads` does the work; this module is
the pages around it, set up per upload kind with an `UploadPages`.

An app makes one `UploadPages` and routes its URLs to the views it returns, under the URL
names `names` gives (so its templates and tests keep theirs). An app whose commit differs
(finance sends big ledgers to a Job) keeps its own commit view and uses the rest. An app
with several kinds under one set of URL names (workforce: rosters and readiness sheets,
told apart by a URL argument) makes one per kind and routes to `views_by_kind`."""
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.models import Upload
from core.roles import Capability
from core.uploads import (
    FileAlreadyLoaded,
    UploadError,
    UploadFileForm,
    confirmed_warnings,
    get_upload_spec,
    mapping_form,
    sheet_choice,
    upload_choose_sheet,
    upload_commit,
    upload_discard,
    upload_errors_xlsx,
    upload_inspect,
    upload_preview,
    upload_receive,
    upload_rollback,
    upload_sheets,
    upload_template_xlsx,
    uploads_for,
)
from programmes.access import ProgrammeAccess, programme_access

STEPS = ("receive", "mapping", "preview", "commit", "uploads", "rollback", "discard", "template", "errors")
# The steps of every kind of an app at once, whose URLs name no kind (see `kind_arg`).
ALL_KINDS_STEPS = ("uploads", "rollback")
METHODS = {"receive": require_http_methods(["GET", "POST"]), "mapping": require_http_methods(["GET", "POST"]),
           "preview": require_safe, "commit": require_POST, "uploads": require_safe, "rollback": require_POST,
           "discard": require_POST, "template": require_safe, "errors": require_safe}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def commit_refused(request: HttpRequest, outcome) -> bool:
    """Say why a commit loaded nothing, as an error (never under a success heading);
    False when it did load. Warnings not confirmed are said on the preview's checkbox
    instead (see `confirm_query`)."""
    if outcome.already_loaded:
        messages.info(request, outcome.message)
        return True
    if outcome.errors:
        messages.error(request, outcome.message)
        return True
    return bool(outcome.needs_confirmation)


# Why a preview is shown again after its Load button: the box was not ticked, or it was
# ticked for warnings that have since changed. The preview puts the error on the box.
CONFIRM_ERRORS = {
    "needed": "Tick \u201cLoad anyway\u201d to load the file with its warnings, or correct the file",
    "changed": "The warnings have changed since you ticked the box. Read them again, then tick "
               "\u201cLoad anyway\u201d to load the file with them",
}


def confirm_query(request: HttpRequest) -> str:
    """The query string that sends a refused commit back to its preview."""
    return "?confirm=" + ("changed" if request.POST.get("accept_warnings") else "needed")


def confirm_error(request: HttpRequest, preview) -> str | None:
    return CONFIRM_ERRORS.get(request.GET.get("confirm", "")) if preview.warnings and preview.can_commit else None


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
    # Where several kinds share one set of URL names, the URL argument after the slug that
    # names this kind; the list of uploads and the rollback serve every kind and take none.
    kind_arg: str = ""
    # (data or None, programme) → the form of what the file itself does not say (a roster's as-at
    # date), shown beside the Load button; what it cleans goes to the kind's write.
    details_form: Callable | None = None
    # (request, access, upload, what) → None, for a kind whose rows are people: the rows
    # with errors go back as the file had them, so that download logs the look.
    looked_at: Callable | None = None

    def url(self, step: str, slug: str, *args) -> str:
        kind = (self.kind_arg,) if self.kind_arg and step not in ALL_KINDS_STEPS else ()
        return reverse(f"{self.namespace}:{self.names.get(step, step)}", args=[slug, *kind, *args])

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
        reader = get_upload_spec(self.kind).file_reader
        form = (UploadFileForm(request.POST, request.FILES, reader=reader) if request.method == "POST"
                else UploadFileForm(reader=reader))
        upload_error = already_loaded = None
        if request.method == "POST" and form.is_valid():
            try:
                upload = upload_receive(target=access.programme, kind=self.kind, refuse_if_loaded=True,
                                        uploaded_file=form.cleaned_data["file"], user=request.user)
            except FileAlreadyLoaded as e:
                already_loaded = e
            except UploadError as e:
                upload_error = e.message
            else:
                return self._redirect("mapping", slug, upload.pk)
        return render(request, self.templates[0], self._ctx(
            access, upload_form=form, upload_error=upload_error, upload_hint=self.hint,
            upload_action=self.url("receive", slug), already_loaded=already_loaded,
            template_url=None if reader is not None else self.url("template", slug)))

    def mapping(self, request: HttpRequest, slug: str, upload_pk: int) -> HttpResponse:
        access = self._access(request, slug)
        upload = self.upload_for(access, upload_pk)
        spec = get_upload_spec(self.kind, access.programme)
        kwargs = self.form_kwargs(access.programme)
        if spec.file_reader is not None:
            # Not a spreadsheet (a Project plan): it has no columns to map nor sheets to
            # choose, so this step goes on to its preview (a POST records what it holds).
            if request.method == "POST" and upload.status in (Upload.Status.PREVIEWED, Upload.Status.FAILED):
                try:
                    upload_preview(upload=upload, form_kwargs=kwargs)
                except UploadError as e:
                    messages.error(request, e.message)
                    return self._redirect("receive", slug)
            return self._redirect("preview", slug, upload.pk)
        # Another sheet is chosen before the current one is read, since that one may be
        # the very sheet that cannot be (an empty front sheet before the data).
        if request.method == "POST" and "sheet" in request.POST:
            try:
                upload_choose_sheet(upload=upload, sheet=request.POST["sheet"], sheets=upload_sheets(upload))
            except UploadError as e:
                messages.error(request, e.message)
            return self._redirect("mapping", slug, upload.pk)
        mapping_action = self.url("mapping", slug, upload.pk)
        try:
            preview = upload_inspect(upload=upload, form_kwargs=kwargs)
        except UploadError as e:
            choice = sheet_choice(upload)
            if choice is None:
                messages.error(request, e.message)
                return self._redirect("receive", slug)
            return render(request, self.templates[1], self._ctx(
                access, upload=upload, mapping_action=mapping_action, preview=choice,
                sheet_error=e.message))
        form = mapping_form(spec, preview.headers, initial=preview.mapping,
                            data=request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            # A file already loaded keeps the mapping it was loaded with.
            if upload.status in (Upload.Status.PREVIEWED, Upload.Status.FAILED):
                mapping = {c.name: form.cleaned_data.get(c.name) or None for c in spec.columns}
                upload_preview(upload=upload, form_kwargs=kwargs, mapping=mapping)
            return self._redirect("preview", slug, upload.pk)
        return render(request, self.templates[1], self._ctx(
            access, upload=upload, mapping_form=form, mapping_action=mapping_action, preview=preview))

    def preview(self, request: HttpRequest, slug: str, upload_pk: int) -> HttpResponse:
        access = self._access(request, slug)
        return self.preview_page(request, access, self.upload_for(access, upload_pk))

    def preview_page(self, request: HttpRequest, access: ProgrammeAccess, upload: Upload,
                     details=None) -> HttpResponse:
        """The preview of `upload` (with the details form as it was posted, when it was
        refused), or back to choosing a file when the stored one cannot be read."""
        slug = access.programme.slug
        kwargs = self.form_kwargs(access.programme)
        try:
            preview = upload_inspect(upload=upload, form_kwargs=kwargs)
        except UploadError as e:
            messages.error(request, e.message)
            return self._redirect("receive", slug)
        if details is None and self.details_form is not None:
            details = self.details_form(None, access.programme)
        return render(request, self.templates[2], self._ctx(
            access, upload=upload, preview=preview, commit_action=self.url("commit", slug, upload.pk),
            mapping_url=self.url("mapping", slug, upload.pk), errors_url=self.url("errors", slug, upload.pk),
            discard_action=self.url("discard", slug, upload.pk), confirm_error=confirm_error(request, preview),
            details_form=details, **self.preview_context(preview, kwargs)))

    def preview_context(self, preview, form_kwargs: dict) -> dict:
        """More context for the preview page, from the preview and the row forms' arguments
        (an app with more to show there, from what the check found, extends this)."""
        return self.preview_extra(preview)

    def commit(self, request: HttpRequest, slug: str, upload_pk: int) -> HttpResponse:
        access = self._access(request, slug)
        upload = self.upload_for(access, upload_pk)
        write_ctx = {"programme": access.programme}
        if self.details_form is not None:
            details = self.details_form(request.POST, access.programme)
            if not details.is_valid():
                return self.preview_page(request, access, upload, details=details)
            write_ctx |= details.cleaned_data
        try:
            outcome = upload_commit(upload=upload, user=request.user,
                                    form_kwargs=self.form_kwargs(access.programme), write_ctx=write_ctx,
                                    accept_warnings=confirmed_warnings(request.POST.get("accept_warnings")))
        except UploadError as e:
            messages.error(request, e.message)
            return self._redirect("uploads", slug)
        return self.after_commit(request, slug, upload, outcome)

    def after_commit(self, request: HttpRequest, slug: str, upload: Upload, outcome) -> HttpResponse:
        """Where a commit's outcome leads: back to the preview with its errors, or on."""
        if commit_refused(request, outcome):
            if outcome.already_loaded:
                return redirect(self.done, slug)
            if outcome.needs_confirmation:
                return redirect(self.url("preview", slug, upload.pk) + confirm_query(request))
            return self._redirect("preview", slug, upload.pk)
        messages.success(request, self.written(outcome.written, upload))
        return redirect(self.done, slug)

    def uploads(self, request: HttpRequest, slug: str) -> HttpResponse:
        access = self._access(request, slug)
        return render(request, self.uploads_template, self._ctx(
            access, uploads=self.with_discard_urls(slug, uploads_for(access.programme, kind=self.kind)),
            can_roll_back=True, rollback_url=self.url("uploads", slug), upload_url=self.url("receive", slug)))

    def with_discard_urls(self, slug: str, uploads) -> list[Upload]:
        """The uploads, each never loaded one with the URL of its Discard button."""
        uploads = list(uploads)
        for u in uploads:
            u.discard_url = (self.url("discard", slug, u.pk)
                             if u.status in (Upload.Status.PREVIEWED, Upload.Status.FAILED) else None)
        return uploads

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

    def discard(self, request: HttpRequest, slug: str, upload_pk: int) -> HttpResponse:
        access = self._access(request, slug)
        upload = self.upload_for(access, upload_pk)
        try:
            upload_discard(upload=upload, user=request.user)
        except UploadError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, f"{upload.original_name} has been discarded. Nothing from it was loaded.")
        return self._redirect("uploads", slug)

    def template(self, request: HttpRequest, slug: str) -> HttpResponse:
        access = self._access(request, slug)
        spec = get_upload_spec(self.kind, access.programme)
        if spec.file_reader is not None:
            raise Http404("This kind of file has no spreadsheet template")
        return xlsx_response(upload_template_xlsx(spec), f"{slugify(spec.label or self.kind)}-template.xlsx")

    def errors(self, request: HttpRequest, slug: str, upload_pk: int) -> HttpResponse:
        access = self._access(request, slug)
        upload = self.upload_for(access, upload_pk)
        try:
            preview = upload_inspect(upload=upload, form_kwargs=self.form_kwargs(access.programme))
        except UploadError as e:
            messages.error(request, e.message)
            return self._redirect("receive", slug)
        stem = upload.original_name.rsplit(".", 1)[0]
        content = upload_errors_xlsx(upload, preview)
        if self.looked_at is not None:
            self.looked_at(request, access, upload, f"Rows with errors of {upload.original_name}")
        return xlsx_response(content, f"{slugify(stem) or 'upload'}-errors.xlsx")

    def views(self) -> dict[str, Callable]:
        """Each step's view, signed-in only and limited to its HTTP methods."""
        return {step: login_required(METHODS[step](getattr(self, step))) for step in STEPS}


def views_by_kind(pages: dict[str, UploadPages]) -> dict[str, Callable]:
    """The views of the steps of one kind at a time, for kinds that share URL names: each
    URL names its kind after the slug (`UploadPages.kind_arg`), and one not in `pages` is
    404. The list of uploads and the rollback, which serve every kind, are the app's own."""
    by_kind = {kind: p.views() for kind, p in pages.items()}

    def step_view(step: str) -> Callable:
        def view(request: HttpRequest, slug: str, kind: str, **kwargs) -> HttpResponse:
            if kind not in by_kind:
                raise Http404("No such upload")
            return by_kind[kind][step](request, slug, **kwargs)
        return login_required(METHODS[step](view))

    return {step: step_view(step) for step in STEPS if step not in ALL_KINDS_STEPS}
