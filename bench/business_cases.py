"""Business case figures for `make bench`: the matrix, appraisal and overview pages of a
scale programme, whose scale step gives it a big matrix (12 options × 20 criteria, every
cell filled) and ten years of six kinds of appraisal line per option, plus the ranking and
appraisal worked out on their own. Prints figures; asserts nothing."""
import statistics
import time

from bench.run import p95, time_page


def run(*, programme, user, client, today, args) -> None:
    from django.urls import reverse

    from business_cases import selectors
    from business_cases.models import AppraisalLine, Criterion, MatrixCell, Option

    slug = programme.slug
    options = Option.objects.filter(programme=programme).count()
    criteria = Criterion.objects.filter(programme=programme).count()
    cells = MatrixCell.objects.filter(programme=programme).count()
    lines = AppraisalLine.objects.filter(programme=programme).count()
    print(f"\nBusiness case pages for {slug}: {options} options x {criteria} criteria ({cells} cells), "
          f"{lines} appraisal lines")
    print(f"  {'page':<22}{'median ms':>10}{'p95 ms':>10}{'CPU median':>12}{'CPU p95':>9}{'queries':>9}")
    for label, url in (("Business case home", reverse("business_cases:home", args=[slug])),
                       ("Options matrix", reverse("business_cases:matrix", args=[slug])),
                       ("Economic appraisal", reverse("business_cases:appraisal", args=[slug])),
                       ("SOC stage", reverse("business_cases:stage", args=[slug, "soc"])),
                       ("Matrix xlsx", reverse("business_cases:matrix_export", args=[slug]))):
        times, cpu, queries = time_page(client, url, args.warmup, args.iterations)
        print(f"  {label:<22}{statistics.median(times):>10.1f}{p95(times):>10.1f}"
              f"{statistics.median(cpu):>12.1f}{p95(cpu):>9.1f}{queries:>9}")
    runs = []
    for _ in range(max(5, args.iterations // 5)):
        t = time.perf_counter()
        rank = selectors.ranking(programme=programme)
        ranked = time.perf_counter()
        selectors.appraisal(programme=programme, rank=rank)
        runs.append(((ranked - t) * 1000, (time.perf_counter() - ranked) * 1000))
    rank_ms, appraisal_ms = (statistics.median(col) for col in zip(*runs, strict=True))
    print(f"  ranking alone {rank_ms:.1f} ms median; appraisal of the short list alone {appraisal_ms:.1f} ms median")
