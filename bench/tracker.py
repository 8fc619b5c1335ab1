"""Tracker section of `make bench` (bench/run.py calls `run`): the milestone tracker of a
programme with 3,000 milestones beside one with 3, as the scale programme manager sees it
(a status form on every row shown), against the target of a p95 of at most 150 ms of server
time and the same number of queries at both sizes. The target is judged on this process's
CPU time, since the wall time also holds whatever else the (shared) machine is doing; both
are printed. Queries are compared on the views that list rows at both sizes (a view with no
row to show skips the dependency look-up). Prints figures; never asserts.
"""
import statistics

from bench.run import TRACKER_P95_TARGET_MS, p95, time_page

SIZES = (3, 3000)


def run(*, programme, user, client, today, args) -> None:
    from django.urls import reverse

    from programmes.models import Milestone
    from programmes.scale import scale_programme_add

    print(f"\nMilestone tracker at {' and '.join(f'{n:,}' for n in SIZES)} milestones "
          f"({args.warmup} warm-up + {args.iterations} measured requests each)")
    print(f"  {'page':<34}{'median ms':>10}{'p95 ms':>10}{'CPU median':>12}{'CPU p95':>9}{'queries':>9}")
    results = {}
    for size in SIZES:
        big = scale_programme_add(milestones=size, today=today)
        # A workstream with an open milestone, so that both sizes run the dependency look-up
        # (a view whose every row is closed has no dependency to warn about, and skips it).
        first_workstream = (big.milestones.exclude(status__in=Milestone.CLOSED_STATUSES)
                            .order_by("workstream__order").first().workstream)
        pages = [
            (f"{size:,}: whole plan", reverse("programmes:tracker", args=[big.slug])),
            (f"{size:,}: one workstream", reverse("programmes:tracker", args=[big.slug])
             + f"?workstream={first_workstream.pk}"),
            (f"{size:,}: late only", reverse("programmes:tracker", args=[big.slug]) + "?late=1"),
        ]
        for label, url in pages:
            times, cpu, queries = time_page(client, url, args.warmup, args.iterations)
            results[label] = (cpu, queries)
            print(f"  {label:<34}{statistics.median(times):>10.1f}{p95(times):>10.1f}"
                  f"{statistics.median(cpu):>12.1f}{p95(cpu):>9.1f}{queries:>9}")
    small, large = (f"{n:,}" for n in SIZES)
    worst = max(p95(results[label][0]) for label in results if label.startswith(large))
    compared = ("whole plan", "one workstream")
    same = all(results[f"{large}: {view}"][1] == results[f"{small}: {view}"][1] for view in compared)
    print(f"  Target: every tracker view CPU p95 <= {TRACKER_P95_TARGET_MS} ms at {large} milestones: "
          f"{worst:.1f} ms, {'met' if worst <= TRACKER_P95_TARGET_MS else 'MISSED'}")
    print(f"  Target: the same queries at {small} and {large} milestones ({' and '.join(compared)}): "
          f"{'met' if same else 'MISSED'}")
