"""For every upload kind, through its pages: 999 good rows and one bad load nothing and say
which row and column; a good file loads, the same file again changes nothing, and rolling
the load back removes every row it wrote and marks the upload rolled back."""
import pytest
from django.contrib.messages import constants as levels

from core.models import Upload
from tests.hostile.kinds import KIND_PAGES, Visit, app_kinds, request, upload_file

pytestmark = pytest.mark.django_db

GOOD_ROWS = 999


def kinds():
    return [pytest.param(k, id=k) for k in app_kinds() if k in KIND_PAGES]


def _load(cast, pages, filename, data) -> Visit:
    return upload_file(cast.client(pages.role), pages, cast.programme.slug, filename, data)


@pytest.mark.parametrize("kind", kinds())
def test_one_bad_row_in_a_thousand_loads_nothing_and_names_its_row_and_column(
        cast, django_capture_on_commit_callbacks, kind):
    pages = KIND_PAGES[kind]
    pages.set_up(cast, people=GOOD_ROWS + 1)
    before = pages.rows(cast.programme)
    filename, data, (row, column) = pages.good_file(GOOD_ROWS, bad=True)
    with django_capture_on_commit_callbacks(execute=True):
        visit = _load(cast, pages, filename, data)
    assert pages.rows(cast.programme) == before
    assert not visit.successes
    assert visit.preview is not None and visit.preview.row_count == GOOD_ROWS + 1
    assert [(e.row, e.column_header) for e in visit.preview.errors] == [(row, column)]
    assert (levels.ERROR, "Nothing was loaded: the file has 1 error.") in visit.messages
    assert Upload.objects.get(pk=visit.upload_pk).status == Upload.Status.FAILED


@pytest.mark.parametrize("kind", kinds())
def test_a_good_file_loads_the_same_file_again_changes_nothing_and_a_rollback_removes_it(
        cast, django_capture_on_commit_callbacks, kind):
    pages = KIND_PAGES[kind]
    pages.set_up(cast, people=20)
    before = pages.rows(cast.programme)
    filename, data, _ = pages.good_file(20, bad=False)
    with django_capture_on_commit_callbacks(execute=True):
        first = _load(cast, pages, filename, data)
    assert first.successes and not first.problem_shown, (first.messages, first.form_errors)
    loaded = pages.rows(cast.programme)
    assert loaded != before
    upload = Upload.objects.get(pk=first.upload_pk)
    assert upload.status == Upload.Status.COMMITTED and upload.row_count == 20

    # The same bytes under another name: recognised, said so, and nothing changes.
    with django_capture_on_commit_callbacks(execute=True):
        again = _load(cast, pages, f"copy-of-{filename}", data)
    assert not again.successes
    # Said on the page that receives it, or when its commit is refused.
    said = again.already_loaded or any(level == levels.INFO and "already loaded" in text
                                       for level, text in again.messages)
    assert said, (again.messages, again.statuses)
    assert pages.rows(cast.programme) == loaded
    assert Upload.objects.filter(kind=kind, status=Upload.Status.COMMITTED).count() == 1

    visit = Visit()
    client = cast.client(pages.role)
    request(client, visit, "post", pages.rollback_url(cast.programme.slug, upload.pk), label="rollback")
    assert visit.successes, visit.messages
    assert pages.rows(cast.programme) == before
    upload.refresh_from_db()
    assert upload.status == Upload.Status.ROLLED_BACK and upload.rolled_back_by == cast.users[pages.role]
    # Rolled back once is rolled back: a second press changes nothing and says why.
    again_visit = Visit()
    request(client, again_visit, "post", pages.rollback_url(cast.programme.slug, upload.pk), label="rollback")
    assert not again_visit.successes and again_visit.problem_shown
    assert pages.rows(cast.programme) == before
