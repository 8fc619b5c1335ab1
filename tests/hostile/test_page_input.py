"""The upload pages of every kind given hostile form input rather than a hostile file: a
mapping that names columns the file does not have, a sheet it does not have, no file or
two, another kind's upload, one that does not exist. A message or a 404, never a 500,
and nothing written."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import Upload
from core.uploads import get_upload_spec
from tests.hostile.kinds import KIND_PAGES, Visit, app_kinds, request, upload_file

pytestmark = pytest.mark.django_db


def kinds():
    return [pytest.param(k, id=k) for k in app_kinds() if k in KIND_PAGES]


def _received(cast, pages) -> int:
    """An upload of a good file, received and previewed but not loaded."""
    filename, data, _ = pages.good_file(3, bad=False)
    client = cast.client(pages.role)
    response = client.post(pages.url(0, cast.programme.slug), {"file": SimpleUploadedFile(filename, data)})
    assert response.status_code == 302, response.status_code
    return Upload.objects.filter(kind=pages_kind(pages)).latest("pk").pk


def pages_kind(pages) -> str:
    return next(k for k, p in KIND_PAGES.items() if p is pages)


@pytest.mark.parametrize("kind", kinds())
def test_a_mapping_naming_columns_the_file_lacks_is_refused(cast, kind):
    if get_upload_spec(kind).file_reader is not None:
        pytest.skip("a kind with its own reader (a Project plan) has no columns to map: its mapping step "
                    "only redirects to the preview, which test_choosing_a_sheet_the_file_lacks_is_refused drives")
    pages = KIND_PAGES[kind]
    pages.set_up(cast)
    pk = _received(cast, pages)
    client, slug = cast.client(pages.role), cast.programme.slug
    form = client.get(pages.url(1, slug, pk)).context["mapping_form"]
    mapping_before = Upload.objects.get(pk=pk).mapping
    hostile = {f"map-{name}": "No such column <script>alert(1)</script>" for name in form.fields}
    visit = Visit()
    response = request(client, visit, "post", pages.url(1, slug, pk), hostile, label="mapping")
    assert response.status_code == 200 and visit.form_errors
    assert b"<script>alert(1)</script>" not in response.content
    assert Upload.objects.get(pk=pk).mapping == mapping_before


@pytest.mark.parametrize("kind", kinds())
def test_choosing_a_sheet_the_file_lacks_is_refused(cast, kind):
    pages = KIND_PAGES[kind]
    pages.set_up(cast)
    pk = _received(cast, pages)
    client, slug = cast.client(pages.role), cast.programme.slug
    visit = Visit()
    for sheet in ("No such sheet", "", "../../etc/passwd", "x" * 10_000):
        request(client, visit, "post", pages.url(1, slug, pk), {"sheet": sheet}, label=f"sheet {sheet[:20]}")
    assert all(status < 500 for _, status in visit.statuses), visit.statuses
    assert Upload.objects.get(pk=pk).status != Upload.Status.COMMITTED


@pytest.mark.parametrize("kind", kinds())
def test_no_file_two_files_or_a_text_field_for_a_file(cast, kind):
    pages = KIND_PAGES[kind]
    client, url = cast.client(pages.role), pages.url(0, cast.programme.slug)
    for data in ({}, {"file": "just text"},
                 {"file": [SimpleUploadedFile("a.csv", b"Title\nx\n"), SimpleUploadedFile("b.csv", b"Title\ny\n")]}):
        visit = Visit()
        response = request(client, visit, "post", url, data, label="receive")
        assert response.status_code < 500
        if len(data.get("file", [])) != 2:
            assert visit.form_errors, data
    assert Upload.objects.filter(kind=kind).count() <= 1  # the two-file post may keep one of them


@pytest.mark.parametrize("kind", kinds())
def test_another_kinds_upload_or_none_at_all_is_not_found(cast, kind):
    pages = KIND_PAGES[kind]
    client, slug = cast.client(pages.role), cast.programme.slug
    missing = 10**9
    assert client.get(pages.url(2, slug, missing)).status_code == 404
    assert client.post(pages.url(3, slug, missing), pages.commit_data()).status_code == 404
    assert client.post(pages.rollback_url(slug, missing)).status_code == 404
    other = KIND_PAGES["risks.register" if kind != "risks.register" else "business_cases.appraisal_lines"]
    other.set_up(cast)
    pk = _received(cast, other)
    assert client.get(pages.url(1, slug, pk)).status_code == 404
    assert client.get(pages.url(2, slug, pk)).status_code == 404
    assert client.post(pages.url(3, slug, pk), pages.commit_data()).status_code == 404
    assert Upload.objects.get(pk=pk).status == Upload.Status.PREVIEWED


def test_the_roster_commit_refuses_dates_that_are_not_dates(cast):
    pages = KIND_PAGES["workforce.roster"]
    pages.set_up(cast)
    pk = _received(cast, pages)
    client, slug = cast.client("hr"), cast.programme.slug
    for as_at, received in (("not a date", "2026-01-01"), ("2026-02-31", "2026-03-01"), ("9999-12-31", "0001-01-01"),
                            ("", "")):
        visit = Visit()
        response = request(client, visit, "post", pages.url(3, slug, pk),
                           {"as_at": as_at, "received_on": received}, label="commit")
        assert response.status_code < 500 and visit.form_errors and not visit.successes, (as_at, visit.messages)
    assert pages.rows(cast.programme) == (0, 0)
    # The same file then loads with real dates: the refusals left it as it was.
    visit = upload_file(client, pages, slug, *pages.good_file(3, bad=False)[:2])
    assert visit.successes and pages.rows(cast.programme) == (1, 3)
