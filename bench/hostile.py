"""Hostile-files section of `make bench` (bench/run.py calls `run`): every file of the
hostile corpus (tests/hostile/corpus.py) through every upload kind's real pages, in this
process, against the scale programme, as a member with the role that uploads it. Prints how
each kind dealt with them (refused on arrival, or read and refused at the preview), the
time taken, and this process's memory before and after the corpus and at its peak.

A file that loads is a bug: it is reported and rolled back. Prints figures; never asserts.
"""
import gc
import logging
import resource
import time

MIB = 1024 * 1024


def rss() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _client_for(programme, role: str):
    """A member of `programme` with `role`, made for the bench, signed in."""
    from django.test import Client

    from core.models import User
    from programmes.models import Membership
    from tests.conftest import ROLE_USERNAMES

    role_value = next(r for r, name in ROLE_USERNAMES.items() if name == role)
    user, _ = User.objects.get_or_create(username=f"bench-hostile-{role}")
    Membership.objects.get_or_create(programme=programme, user=user, defaults={"role": role_value})
    client = Client()
    client.force_login(user)
    return client, user


def run(*, programme, user, client, today, args) -> None:
    from django.test.utils import setup_test_environment, teardown_test_environment

    # The pages are driven as the tests drive them, reading each page's context (the
    # suggested mapping, the preview), which Django records only in its test environment.
    setup_test_environment()
    # A page that fails is listed as a BUG line below; its traceback would bury the table.
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.CRITICAL)
    try:
        _run(programme)
    finally:
        request_log.setLevel(level)
        teardown_test_environment()


def _run(programme) -> None:
    from core.models import Upload
    from core.uploads import max_upload_bytes, upload_rollback
    from tests.hostile import corpus as hostile
    from tests.hostile.kinds import KIND_PAGES, app_kinds, upload_file

    limit = max_upload_bytes()
    t = time.perf_counter()
    files = hostile.corpus(limit=limit)
    print(f"\nHostile files: {len(hostile.ENTRIES)} files x {len(app_kinds())} upload kinds through the pages "
          f"(corpus built in {time.perf_counter() - t:.1f} s)")
    gc.collect()
    before, peak_before = rss(), peak_rss()
    print(f"  {'kind':<32}{'refused on arrival':>20}{'refused at preview':>20}{'loaded (bugs)':>15}{'s':>7}")
    bugs = []
    for kind in app_kinds():
        pages = KIND_PAGES.get(kind)
        if pages is None:
            print(f"  {kind:<32} no pages known in tests/hostile/kinds.py")
            continue
        kind_client, member = _client_for(programme, pages.role)
        arrival = preview = loaded = 0
        t = time.perf_counter()
        for entry in hostile.ENTRIES:
            data = files[entry.name] if not entry.lazy else hostile.build(entry, limit=limit)
            try:
                visit = upload_file(kind_client, pages, programme.slug, entry.filename, data, entry.content_type)
            except Exception as exc:  # a page that failed: report it and go on with the rest
                bugs.append(f"{kind} / {entry.name}: {type(exc).__name__}: {exc}")
                continue
            finally:
                del data
            found = Upload.objects.filter(pk=visit.upload_pk).first() if visit.upload_pk else None
            if found is None:
                arrival += 1
            elif found.status == Upload.Status.COMMITTED:
                loaded += 1
                bugs.append(f"{kind} / {entry.name}: loaded {found.row_count} rows")
                upload_rollback(upload=found, user=member)
            else:
                preview += 1
            if any(status >= 500 for _, status in visit.statuses):
                bugs.append(f"{kind} / {entry.name}: {visit.statuses}")
        print(f"  {kind:<32}{arrival:>20}{preview:>20}{loaded:>15}{time.perf_counter() - t:>7.1f}")
    del files
    gc.collect()
    after, peak = rss(), peak_rss()
    print(f"  Memory (RSS) before the corpus {before / MIB:,.0f} MiB, after {after / MIB:,.0f} MiB "
          f"(after/before {after / before:.2f}); peak {peak / MIB:,.0f} MiB "
          f"({'raised by the corpus' if peak > peak_before else 'set before the corpus'})")
    for bug in bugs:
        print(f"  BUG {bug}")
