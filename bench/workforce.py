"""`make bench`, workforce section: a 5,000-person ELI workbook validated, loaded and
compared with the previous version through the real upload pipeline, and the server
time of the difference page (as a programme manager, counts only, and as the HR lead,
with the named lists). Prints figures; never fails on them."""
import statistics
import time

LOAD_TARGET_S = 5.0
DIFF_P95_TARGET_MS = 300
PEOPLE = 5000


def run(*, programme, user, client, today, args) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    from bench.run import p95, time_page
    from core.models import User
    from core.roles import Role
    from core.uploads import upload_commit, upload_receive
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

    def load(rows, name):
        content = eli_workbook.workbook_bytes(rows)
        started, cpu = time.perf_counter(), time.process_time()
        upload = upload_receive(target=programme, kind=ROSTER_KIND, user=hr,
                                uploaded_file=SimpleUploadedFile(name, content))
        outcome = upload_commit(upload=upload, user=hr, form_kwargs=roster_form_kwargs(programme, upload=upload),
                                write_ctx={"programme": programme, "as_at": today, "received_on": today})
        if not outcome.ok:
            raise SystemExit(f"the bench workbook did not load: {outcome.errors[:3]}")
        return time.perf_counter() - started, time.process_time() - cpu, len(content)

    load(first, "bench-v1.xlsx")
    load_s, load_cpu, size = load(second, "bench-v2.xlsx")
    rosters = list(TransferRoster.objects.filter(programme=programme).order_by("-version")[:2])
    t = time.perf_counter()
    diff = reporting.difference(rosters[1], rosters[0], personal=True)
    compare_s = time.perf_counter() - t
    total = load_s + compare_s
    print(f"  workbook {size // 1024} KB; checked and loaded in {load_s:.2f} s ({load_cpu:.2f} s CPU in this "
          f"process; the rest is the database and other load), compared in {compare_s:.2f} s "
          f"({diff.counts['joiners']} joiners, {diff.counts['leavers']} leavers, {diff.counts['changed']} changed)")
    print(f"  Target: validated, loaded and compared < {LOAD_TARGET_S:.0f} s: {total:.2f} s, "
          f"{'met' if total < LOAD_TARGET_S else 'MISSED'}")
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
