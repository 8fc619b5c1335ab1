"""Every hostile or broken file (tests/hostile/corpus.py) through every upload kind's real
pages, as the person allowed to upload: no page fails (a 500 would raise here), the person
is told what is wrong, not one domain row is written, nothing reads as a success, and the
test process's memory stays bounded.

The kinds come from core.uploads' registry, so a kind added later is covered as soon as
its pages are in tests/hostile/kinds.py — and fails here until they are."""
import importlib.util
import io
import os
import resource
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest
from django.conf import settings

from core.models import Upload
from core.uploads import max_upload_bytes
from tests.hostile import corpus as hostile
from tests.hostile.kinds import KIND_PAGES, app_kinds, upload_file

pytestmark = pytest.mark.django_db

MIB = 1024 * 1024
# The whole test process may peak at 1.5 GiB: a 20 MB upload is read once into memory and
# then in bounded form; anything near this means a file was inflated or copied many times.
PEAK_RSS_CEILING = 1536 * MIB
# After one file the process may hold at most this much more than before it: Python keeps
# freed memory for reuse, so some growth after a big file is normal, but a reader that
# kept a file's cells alive (or leaked its parse) would grow by hundreds of MB per file.
GROWTH_PER_FILE_CEILING = 256 * MIB

# Until the bounded reader (core/sheets.py) exists, files marked `dangerous` can abort this
# whole process inside python-calamine (an uncatchable allocation of hundreds of GB), so
# they are read in a child process first. With it in place they run here like the rest;
# HOSTILE_DANGEROUS_IN_CHILD=1 reads them in a child first all the same.
SAFE_READER = (importlib.util.find_spec("core.sheets") is not None
               and os.environ.get("HOSTILE_DANGEROUS_IN_CHILD") != "1")

# Cases known to fail, each with its reason: none now. (A real date outside the years
# FinancialYear holds once gave the ledger a 500; year_message now words it.)
XFAIL: dict[tuple[str, str], pytest.MarkDecorator] = {}


def rss() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux


@pytest.fixture(scope="session")
def corpus_bytes() -> dict[str, bytes]:
    return hostile.corpus(limit=max_upload_bytes())


def test_the_corpus_is_what_it_says(corpus_bytes):
    """The files are the attacks they are named for (a corpus that drifted into harmless
    files would let every test below pass for nothing)."""
    assert len(hostile.ENTRIES) >= 60 and len(hostile.BY_NAME) == len(hostile.ENTRIES)
    limit = max_upload_bytes()
    assert len(hostile.build(hostile.BY_NAME["at_upload_limit"], limit=limit)) == limit
    assert len(hostile.build(hostile.BY_NAME["over_upload_limit"], limit=limit)) == limit + 1
    assert corpus_bytes["empty_csv"] == b""
    for name in ("encrypted_workbook", "xls_named_xls"):
        assert corpus_bytes[name].startswith(hostile.CFB_MAGIC)
    assert "Workbook".encode("utf-16-le") in corpus_bytes["xls_named_xls"]
    assert "EncryptedPackage".encode("utf-16-le") in corpus_bytes["encrypted_workbook"]
    assert corpus_bytes["csv_1100000_rows"].count(b"\n") == 1_100_001

    def member(name: str, part: str = "xl/worksheets/sheet1.xml") -> zipfile.ZipInfo:
        return zipfile.ZipFile(io.BytesIO(corpus_bytes[name])).getinfo(part)

    assert member("zip_bomb_declared").file_size == 0xFFFFFFF0
    # The liar says 1 KB; its first 10 MB of output are already ten thousand times that.
    liar = member("zip_bomb_lying")
    assert liar.file_size == 1024
    raw = corpus_bytes["zip_bomb_lying"][liar.header_offset + 30 + len(liar.filename):]
    assert len(zlib.decompressobj(-15).decompress(raw[:liar.compress_size], 10 * MIB)) == 10 * MIB
    assert len(zipfile.ZipFile(io.BytesIO(corpus_bytes["zip_too_many_entries"])).infolist()) > 5000
    sparse = zipfile.ZipFile(io.BytesIO(corpus_bytes["sparse_huge_dimension"])).read("xl/worksheets/sheet1.xml")
    assert b'<dimension ref="A1:XFD1048576"/>' in sparse and b'r="XFD1048576"' in sparse
    million = zipfile.ZipFile(io.BytesIO(corpus_bytes["xlsx_1048576_rows"])).read("xl/worksheets/sheet1.xml")
    assert million.count(b"<row ") == 1_048_576
    assert b"<!ENTITY xxe SYSTEM" in zipfile.ZipFile(io.BytesIO(corpus_bytes["xxe_shared_strings"])).read(
        "xl/sharedStrings.xml")
    assert b"vbaProject.bin" in corpus_bytes["xlsm_named_xlsx"]


def test_every_registered_kind_has_its_pages_here():
    missing = sorted(set(app_kinds()) - set(KIND_PAGES))
    assert not missing, f"Add the upload pages of {missing} to tests/hostile/kinds.py"


def _read_in_child(entry: hostile.Entry) -> None:
    """Read `entry` in a child process with its memory capped; fail if that kills it."""
    code = ("import os,sys,resource,django;os.environ.setdefault('DJANGO_SETTINGS_MODULE','config.settings.test');"
            "django.setup();resource.setrlimit(resource.RLIMIT_AS,(3<<30,3<<30));"
            "from tests.hostile import corpus as c;from core.uploads import check_file,read_table,UploadError;"
            f"e=c.BY_NAME[{entry.name!r}];d=c.build(e,limit={max_upload_bytes()})\n"
            "try:\n check_file(e.filename,d);read_table(e.filename,d)\nexcept UploadError:\n pass\n")
    child = subprocess.run([sys.executable, "-c", code], cwd=settings.BASE_DIR, capture_output=True, timeout=300,
                           env={**os.environ, "PYTHONPATH": str(settings.BASE_DIR)})
    if child.returncode != 0:
        pytest.fail(f"Reading {entry.name} in a child process ended with {child.returncode}: "
                    f"{child.stderr.decode(errors='replace')[-400:]}")


def _cases():
    for kind in [*app_kinds(), *sorted(set(KIND_PAGES) - set(app_kinds()))]:
        for entry in hostile.ENTRIES:
            marks = [XFAIL[(kind, entry.name)]] if (kind, entry.name) in XFAIL else []
            yield pytest.param(kind, entry.name, id=f"{kind}-{entry.name}", marks=marks)


@pytest.mark.parametrize(("kind", "name"), list(_cases()))
def test_a_hostile_file_is_refused_with_a_message_and_writes_nothing(
        cast, corpus_bytes, django_capture_on_commit_callbacks, kind, name):
    if kind not in KIND_PAGES:
        pytest.fail(f"{kind} is registered with core.uploads but tests/hostile/kinds.py has no pages for it")
    pages, entry = KIND_PAGES[kind], hostile.BY_NAME[name]
    if entry.dangerous and not SAFE_READER:
        _read_in_child(entry)
    pages.set_up(cast)
    programme = cast.programme
    before_rows = pages.rows(programme)
    committed_before = Upload.objects.filter(kind=kind, status=Upload.Status.COMMITTED).count()
    data = corpus_bytes[name] if not entry.lazy else hostile.build(entry, limit=max_upload_bytes())
    before_rss = rss()

    # Jobs started by a commit (a big ledger) run here and now, as the worker would.
    with django_capture_on_commit_callbacks(execute=True):
        visit = upload_file(cast.client(pages.role), pages, programme.slug, entry.filename, data,
                            entry.content_type)
    del data

    # A 500 would have raised above; anything else at or over 400 is a refusal page, which
    # must not be a server error either.
    assert all(status < 500 for _, status in visit.statuses), visit.statuses
    assert visit.problem_shown, f"{entry.what}: no error was shown ({visit.statuses}, {visit.messages})"
    assert not visit.successes, f"{entry.what}: a success was reported: {visit.successes}"
    assert pages.rows(programme) == before_rows, f"{entry.what}: rows were written"
    assert Upload.objects.filter(kind=kind, status=Upload.Status.COMMITTED).count() == committed_before
    if visit.upload_pk:
        # Whatever the file called itself, it was kept inside the media folder.
        stored = Path(Upload.objects.get(pk=visit.upload_pk).file.path).resolve()
        assert stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve()), stored
    grown = rss() - before_rss
    assert grown < GROWTH_PER_FILE_CEILING, f"{entry.what}: the process grew by {grown // MIB} MiB"
    assert peak_rss() < PEAK_RSS_CEILING, f"the process peaked at {peak_rss() // MIB} MiB (after {entry.name})"
