"""The shared upload pages (programmes.upload_pages) with a kind whose checks raise a
warning: the Load is refused until "Load anyway" is ticked for exactly those warnings, and
the refusal is said on the box. Mounted here on its own URLs, beside the project's."""
import re

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import include, path, reverse

from core.models import Upload
from core.roles import Capability
from core.uploads import BulkResult, ColumnSpec, RowError, UploadSpec, upload_spec
from programmes.upload_pages import UploadPages
from programmes.views import programme_context

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

KIND = "tests.noted"
WRITTEN: list = []


class NoteForm(forms.Form):
    text = forms.CharField()


def _check(*, table, columns, mapping, form_kwargs):
    texts = list(columns["text"])
    odd = [n for n, t in zip(table.numbers, texts, strict=True) if t.startswith("?")]
    warnings = [RowError(None, mapping["text"], "text", f"Rows {', '.join(map(str, odd))} look unsure")] if odd else []
    return BulkResult(cleaned=texts, errors=[], warnings=warnings)


def _write(*, upload, rows, user, programme):
    WRITTEN.extend(rows)
    return len(rows)


upload_spec(UploadSpec(kind=KIND, columns=(ColumnSpec("text", "Text"),), form_class=NoteForm, write=_write,
                       rollback=lambda **kw: None, label="Notes", bulk_validate=_check))

PAGES = UploadPages(
    kind=KIND, capability=Capability.EDIT_RISKS, namespace="noted",
    templates=("risks/import.html", "risks/import_mapping.html", "risks/import_preview.html"),
    uploads_template="risks/uploads.html", hint="", form_kwargs=lambda programme: {},
    context=lambda access, **extra: programme_context(access, "risks", register_url="/", **extra),
    done="noted:uploads", written=lambda n, upload: f"{n} notes added from {upload.original_name}.",
    removed="{name} removed")
VIEWS = PAGES.views()
urlpatterns = [
    path("noted/<slug:slug>/", include(([
        path("import/", VIEWS["receive"], name="receive"),
        path("import/<int:upload_pk>/", VIEWS["preview"], name="preview"),
        path("import/<int:upload_pk>/mapping/", VIEWS["mapping"], name="mapping"),
        path("import/<int:upload_pk>/commit/", VIEWS["commit"], name="commit"),
        path("import/<int:upload_pk>/discard/", VIEWS["discard"], name="discard"),
        path("import/<int:upload_pk>/errors.xlsx", VIEWS["errors"], name="errors"),
        path("import/template.xlsx", VIEWS["template"], name="template"),
        path("uploads/", VIEWS["uploads"], name="uploads"),
        path("uploads/<int:upload_pk>/", VIEWS["rollback"], name="rollback"),
    ], "noted"))),
    path("", include("config.urls")),
]


def test_a_warning_needs_load_anyway_for_exactly_those_warnings(cast):
    WRITTEN.clear()
    client = cast.client("pm")
    response = client.post(reverse("noted:receive", args=["home"]),
                           {"file": SimpleUploadedFile("notes.csv", b"Text\nfine\n?maybe\nfine too\n")})
    upload = Upload.objects.get(pk=int(re.search(r"/import/(\d+)/", response["Location"]).group(1)))
    client.post(reverse("noted:mapping", args=["home", upload.pk]), {"map-text": "Text"})
    preview_url = reverse("noted:preview", args=["home", upload.pk])
    page = client.get(preview_url).content.decode()
    assert "Load anyway: Rows 3 look unsure" in page and "Load 3 rows</button>" in page

    refused = client.post(reverse("noted:commit", args=["home", upload.pk]))
    assert refused["Location"] == preview_url + "?confirm=needed"
    assert [m.level_tag for m in get_messages(refused.wsgi_request)] == []
    assert WRITTEN == [] and Upload.objects.get(pk=upload.pk).status == Upload.Status.PREVIEWED
    assert 'id="accept-warnings-error"' in client.get(refused["Location"]).content.decode()

    stale = client.post(reverse("noted:commit", args=["home", upload.pk]), {"accept_warnings": "not-these"})
    assert stale["Location"] == preview_url + "?confirm=changed" and WRITTEN == []

    key = re.search(r'name="accept_warnings" type="checkbox" value="([0-9a-f]+)"', page).group(1)
    loaded = client.post(reverse("noted:commit", args=["home", upload.pk]), {"accept_warnings": key})
    assert loaded["Location"] == reverse("noted:uploads", args=["home"])
    assert [(m.level_tag, str(m)) for m in get_messages(loaded.wsgi_request)] == [
        ("success", "3 notes added from notes.csv.")]
    assert WRITTEN == ["fine", "?maybe", "fine too"]


def test_a_failed_commit_is_an_error_never_a_success(cast):
    client = cast.client("pm")
    response = client.post(reverse("noted:receive", args=["home"]),
                           {"file": SimpleUploadedFile("empty.csv", b"Other\nx\n")})
    upload = Upload.objects.get(pk=int(re.search(r"/import/(\d+)/", response["Location"]).group(1)))
    refused = client.post(reverse("noted:commit", args=["home", upload.pk]))
    assert [m.level_tag for m in get_messages(refused.wsgi_request)] == ["error"]
    assert Upload.objects.get(pk=upload.pk).status == Upload.Status.FAILED


@pytest.mark.parametrize("sent", ["*", "f" * 500, "0123456789ABCDEF", "0123456789abcdef\n"])
def test_load_anyway_cannot_be_skipped_by_what_the_request_sends(cast, sent):
    """"*" is what scripts pass to accept every warning; from a page it, or anything else
    that is not a warnings key, counts as the box not ticked for these warnings."""
    WRITTEN.clear()
    client = cast.client("pm")
    response = client.post(reverse("noted:receive", args=["home"]),
                           {"file": SimpleUploadedFile("notes.csv", b"Text\nfine\n?maybe\n")})
    upload = Upload.objects.get(pk=int(re.search(r"/import/(\d+)/", response["Location"]).group(1)))
    client.post(reverse("noted:mapping", args=["home", upload.pk]), {"map-text": "Text"})
    refused = client.post(reverse("noted:commit", args=["home", upload.pk]), {"accept_warnings": sent})
    assert refused.status_code == 302 and "?confirm=" in refused["Location"]
    assert 'id="accept-warnings-error"' in client.get(refused["Location"]).content.decode()
    assert WRITTEN == [] and Upload.objects.get(pk=upload.pk).status == Upload.Status.PREVIEWED
