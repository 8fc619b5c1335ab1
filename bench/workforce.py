"""`make bench`, workforce section: a 5,000-person ELI workbook previewed and committed
through the real upload pipeline, as the pages do it (the preview validates every row and
keeps them; the commit of the same file, mapping and lookups loads those rows), compared
with the previous version, and the server time of the difference page (as a programme
manager, counts only, and as the HR lead, with the named lists). Prints figures; never
fails on them.

The roster target is judged on CPU time (this process and the child processes that read
the workbook), which holds on a machine other work is slowing; the wall time is printed
beside it."""
import resource
import statistics
import time

PREVIEW_AND_COMMIT_TARGET_S = 2.0
DIFF_P95_TARGET_MS = 300
PEOPLE = 5000


def run(*, programme, user, client, today, args) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    from bench.run import p95, time_page
    from core.models import User
    from core.roles import Role
    from core.uploads import upload_commit, upload_preview, upload_receive
    from programmes.models import Membership
    from workforce import eli_workbook, reporting
    from workforce.imports import ROSTER_KIND, roster_form_kwargs
    from workforce.models import PayScale, Team, TransferRoster

    print(f"\nWorkforce: a {PEOPLE:,}-person ELI workbook on {programme.slug}")
    hr, _ = User.objects.get_or_create(username="bench-hr")
    Membership.objects.get_or_create(programme=programme, user=hr, defaults={"role": Role.HR_LEAD})
    for name, line, *_ in eli_workbook.TEAMS:
        Team.objects.get_or_create(programme=programme, name=name, defaults={"service_line": line})
    for code, name in eli_workbook.PAY_SCALES:
        PayScale.objects.get_or_create(programme=programme, code=code, defaults={"name": name})
    transfer = programme.transfer_date
    first = eli_workbook.synthetic_version(transfer, people=PEOPLE, seed=1)
    second = eli_workbook.synthetic_version(transfer, people=PEOPLE, seed=2, previous=first)

    def cpu_seconds() -> float:
        own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime

    def load(rows, name):
        """Receive, preview (the mapping page's step) and commit one workbook: the wall
        and CPU seconds of the preview and of the commit."""
        content = eli_workbook.workbook_bytes(rows)
        upload = upload_receive(target=programme, kind=ROSTER_KIND, user=hr,
                                uploaded_file=SimpleUploadedFile(name, content))
        started, cpu_started = time.perf_counter(), cpu_seconds()
        upload_preview(upload=upload, form_kwargs=roster_form_kwargs(programme))
        previewed, cpu_previewed = time.perf_counter(), cpu_seconds()
        outcome = upload_commit(upload=upload, user=hr, form_kwargs=roster_form_kwargs(programme),
                                write_ctx={"programme": programme, "as_at": today, "received_on": today})
        if not outcome.ok:
            raise SystemExit(f"the bench workbook did not load: {outcome.errors[:3]}")
        done, cpu_done = time.perf_counter(), cpu_seconds()
        return (previewed - started, done - previewed, cpu_previewed - cpu_started, cpu_done - cpu_previewed,
                len(content))

    load(first, "bench-v1.xlsx")
    preview_s, commit_s, preview_cpu, commit_cpu, size = load(second, "bench-v2.xlsx")
    rosters = list(TransferRoster.objects.filter(programme=programme).order_by("-version")[:2])
    t = time.perf_counter()
    diff = reporting.difference(rosters[1], rosters[0], personal=True)
    compare_s = time.perf_counter() - t
    both_cpu = preview_cpu + commit_cpu
    print(f"  workbook {size // 1024} KB; preview {preview_s:.2f} s ({preview_cpu:.2f} s CPU), commit "
          f"{commit_s:.2f} s ({commit_cpu:.2f} s CPU), together {preview_s + commit_s:.2f} s wall; compared in "
          f"{compare_s:.2f} s ({diff.counts['joiners']} joiners, {diff.counts['leavers']} leavers, "
          f"{diff.counts['changed']} changed)")
    print(f"  Target: a {PEOPLE:,}-person roster previewed and committed in at most "
          f"{PREVIEW_AND_COMMIT_TARGET_S:.0f} s CPU: {both_cpu:.2f} s, "
          f"{'met' if both_cpu <= PREVIEW_AND_COMMIT_TARGET_S else 'MISSED'}")
    url = reverse("workforce:difference", args=[programme.slug])
    hr_client = Client()
    hr_client.force_login(hr)
    print(f"  {'page':<28}{'median ms':>10}{'p95 ms':>10}{'CPU median':>12}{'CPU p95':>9}{'queries':>9}")
    worst = 0.0
    for label, c in (("Difference (programme mgr)", client), ("Difference (HR, with names)", hr_client)):
        times, cpu, queries = time_page(c, url, args.warmup, args.iterations)
        worst = max(worst, p95(times))
        print(f"  {label:<28}{statistics.median(times):>10.1f}{p95(times):>10.1f}"
              f"{statistics.median(cpu):>12.1f}{p95(cpu):>9.1f}{queries:>9}")
    print(f"  Target: difference page p95 < {DIFF_P95_TARGET_MS} ms: {worst:.1f} ms, "
          f"{'met' if worst < DIFF_P95_TARGET_MS else 'MISSED'}")
