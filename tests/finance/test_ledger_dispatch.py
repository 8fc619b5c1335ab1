"""Whether a ledger commit runs now or as a job is one service's answer
(finance.services.ledger_commit_as_job), asked by the preview and the commit alike."""
import pytest

from core.models import Upload
from finance.services import LEDGER_JOB_THRESHOLD, ledger_commit_as_job


def _upload(*, rows: int = 0, size: int = 0, status=Upload.Status.PREVIEWED) -> Upload:
    return Upload(row_count=rows, size=size, status=status)


@pytest.mark.parametrize(("rows", "as_job"), [(1, False), (LEDGER_JOB_THRESHOLD, False),
                                              (LEDGER_JOB_THRESHOLD + 1, True)])
def test_more_lines_than_the_threshold_make_a_job(rows, as_job):
    assert ledger_commit_as_job(rows=rows) is as_job
    assert ledger_commit_as_job(upload=_upload(rows=rows)) is as_job
    # The count wins over the size once the mapping has been checked.
    assert ledger_commit_as_job(upload=_upload(rows=rows, size=10**9)) is as_job


def test_before_the_lines_are_counted_the_files_size_says():
    assert ledger_commit_as_job(upload=_upload(size=100 * LEDGER_JOB_THRESHOLD + 1)) is True
    assert ledger_commit_as_job(upload=_upload(size=100 * LEDGER_JOB_THRESHOLD)) is False


def test_an_upload_already_loaded_is_never_a_job():
    assert ledger_commit_as_job(upload=_upload(rows=10**6, status=Upload.Status.COMMITTED)) is False


def test_the_threshold_is_read_when_asked(monkeypatch):
    # The tests that make a small file a job lower it here, and both callers follow.
    monkeypatch.setattr("finance.services.LEDGER_JOB_THRESHOLD", 2)
    assert ledger_commit_as_job(rows=3) is True
    assert ledger_commit_as_job(upload=_upload(size=201)) is True
