"""The business case pages run a pinned number of queries, the same for 3 options,
criteria, appraisal lines and versions as for 30.

Each count is: the session and the user (2), the programme and the membership (2), then
what the page reads."""
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from business_cases.models import Criterion, EqualityAssessment, EqualityImpact, EqualityMitigation, Stage
from business_cases.services import version_create, version_save
from core.roles import Role
from tests.business_cases.conftest import add_line, make_criterion, make_option, save, set_cell
from tests.factories import MembershipFactory, ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db

KINDS = [Criterion.Kind.LEVELS, Criterion.Kind.GATE, Criterion.Kind.RATING, Criterion.Kind.SCORE,
         Criterion.Kind.MONEY]
PAGES = {
    # + ranking (settings, options, criteria with their links, cells), lines, cases,
    # versions with their recorders, objective and CSF counts, objectives, CSFs.
    "home": (lambda p: reverse("business_cases:home", args=[p.slug]), 15),
    # + ranking (4).
    "matrix": (lambda p: reverse("business_cases:matrix", args=[p.slug]), 8),
    # + ranking (4), lines, the options' unmitigated equality impacts.
    "appraisal": (lambda p: reverse("business_cases:appraisal", args=[p.slug]), 10),
    # + the assessments with their options and signers, their lines, the lines' mitigations
    # with their owners, the options.
    "equality": (lambda p: reverse("business_cases:equality", args=[p.slug]), 8),
    # + the assessment, its lines, their mitigations with owners.
    "eia": (lambda p: reverse("business_cases:eia", args=[p.slug, p.equality_assessments.get(option=None).pk]), 7),
    # + ranking (4), lines, cases, versions, objective and CSF counts.
    "stage": (lambda p: reverse("business_cases:stage", args=[p.slug, "soc"]), 13),
    # + the version, then as the stage page, then its history (one query, no foreign key
    # in it changed).
    "version": (lambda p: reverse("business_cases:version", args=[p.slug, "soc", 1]), 15),
    # + the versions (both have snapshots, so nothing live is read).
    "compare": (lambda p: reverse("business_cases:compare", args=[p.slug, "soc"]) + "?a=1&b=2", 5),
}


def build(size: int):
    from business_cases.models import CriticalSuccessFactor, StrategicObjective

    pm = UserFactory(username="pm")
    programme = ProgrammeFactory(slug="home")
    MembershipFactory(programme=programme, user=pm, role=Role.PROGRAMME_MANAGER)
    for n in range(1, size + 1):
        save(StrategicObjective(programme=programme, number=n, text=f"Objective {n}"), pm)
        save(CriticalSuccessFactor(programme=programme, number=n, text=f"CSF {n}"), pm)
    objectives = list(programme.strategic_objectives.all())
    options = [make_option(programme, f"Op.{n}", pm, order=n) for n in range(size)]
    criteria = []
    for n in range(size):
        kind = KINDS[n % len(KINDS)]
        extra = {"scale_min": Decimal(0), "scale_max": Decimal(10)} if kind == Criterion.Kind.SCORE else (
            {"direction": Criterion.Direction.LOWER} if kind == Criterion.Kind.MONEY else {})
        criteria.append(make_criterion(programme, f"Criterion {n}", kind, pm, objective=objectives[n], **extra))
    values = {Criterion.Kind.LEVELS: {"level": "meets"}, Criterion.Kind.GATE: {"gate": True},
              Criterion.Kind.RATING: {"rating": "high"}, Criterion.Kind.SCORE: {"score": Decimal(5)}}
    for i, o in enumerate(options):
        for c in criteria:
            set_cell(o, c, pm, **values.get(c.kind, {"money": Decimal(100 * (i + 1))}))
        for year in range(size):
            add_line(o, "revenue", year, "100", pm)
            add_line(o, "cash_releasing", year, "150", pm)
    whole = EqualityAssessment.objects.create(programme=programme, title="Whole programme")
    for n in range(size):
        group = EqualityImpact.objects.create(programme=programme, assessment=whole, characteristic="other",
                                              other_name=f"Group {n}", impact="negative")
        EqualityMitigation.objects.create(programme=programme, impact=group, action="Act", owner=pm,
                                          due_date=date(2027, 1, 31))
    for o in options:
        eia = EqualityAssessment.objects.create(programme=programme, option=o, title=f"EIA {o.code}",
                                                status="signed_off", signed_off_by=pm, signed_off_on=date(2026, 1, 1))
        EqualityImpact.objects.create(programme=programme, assessment=eia, characteristic="age", impact="negative")
    for _ in range(size):
        v = version_create(programme=programme, stage=Stage.SOC, user=pm)
        v.strategic_case = f"Text {v.number}"
        version_save(version=v, user=pm, reason="Text")
    return programme, pm


@pytest.mark.parametrize("size", [3, 30], ids=lambda n: f"{n}-of-each")
def test_business_case_pages_run_a_pinned_number_of_queries(size, django_assert_num_queries):
    programme, pm = build(size)
    wrong = []
    for name, (url, expected) in PAGES.items():
        client = Client()
        client.force_login(pm)
        ContentType.objects.clear_cache()
        target = url(programme)
        try:
            with django_assert_num_queries(expected):
                response = client.get(target)
        except pytest.fail.Exception as failed:
            wrong.append(f"{name}: {str(failed)[:3000]}")
            continue
        assert response.status_code == 200
    assert not wrong, "\n".join(wrong)


PAPER_PAGES = {
    # + the papers with their stages, and their versions with who made them.
    "papers": (lambda p, paper: reverse("business_cases:papers", args=[p.slug]), 6),
    # + the paper (with its stage and roster), its versions with makers and jobs, its
    # recent jobs (their content type, then the jobs with who asked).
    "paper": (lambda p, paper: reverse("business_cases:paper", args=[p.slug, paper.pk]), 8),
}


@pytest.mark.parametrize("size", [3, 30], ids=lambda n: f"{n}-of-each")
def test_paper_pages_run_a_pinned_number_of_queries(size, django_assert_num_queries, settings, tmp_path):
    from business_cases.papers import KIND
    from core.models import Job
    from tests.business_cases.test_permissions import make_paper, make_version

    settings.MEDIA_ROOT = tmp_path
    pm = UserFactory(username="pm")
    programme = ProgrammeFactory(slug="home")
    MembershipFactory(programme=programme, user=pm, role=Role.PROGRAMME_MANAGER)
    papers = [make_paper(programme, pm, title=f"Paper {n}") for n in range(size)]
    for paper in papers:
        for _ in range(size):
            make_version(paper, pm)
    for _ in range(size):
        Job.objects.create(kind=KIND, created_by=pm, status=Job.Status.FAILED, error="Broken",
                           target_type=ContentType.objects.get_for_model(papers[0]), target_id=papers[0].pk)
    wrong = []
    for name, (url, expected) in PAPER_PAGES.items():
        client = Client()
        client.force_login(pm)
        ContentType.objects.clear_cache()
        try:
            with django_assert_num_queries(expected):
                response = client.get(url(programme, papers[0]))
        except pytest.fail.Exception as failed:
            wrong.append(f"{name}: {str(failed)[:3000]}")
            continue
        assert response.status_code == 200
        assert response.content.decode().count(f"/papers/{papers[0].pk}/") >= 1
    assert not wrong, "\n".join(wrong)


HIGHLIGHT_PAGES = {
    # + the reports, their versions, and the schedule.
    # 8: with whether the member asked to be emailed when a report is ready.
    "highlights": (lambda p, report: reverse("business_cases:highlights", args=[p.slug]), 8),
    # + the report, its versions with who made them, its recent jobs (their content type,
    # then the jobs with who asked).
    "highlight": (lambda p, report: reverse("business_cases:highlight", args=[p.slug, report.pk]), 8),
}


@pytest.mark.parametrize("size", [3, 30], ids=lambda n: f"{n}-of-each")
def test_highlight_pages_run_a_pinned_number_of_queries(size, django_assert_num_queries, settings, tmp_path):
    from datetime import date, timedelta

    from business_cases.highlight import KIND
    from business_cases.models import HighlightReport, HighlightVersion
    from core.models import Job

    settings.MEDIA_ROOT = tmp_path
    pm = UserFactory(username="pm")
    programme = ProgrammeFactory(slug="home")
    MembershipFactory(programme=programme, user=pm, role=Role.PROGRAMME_MANAGER)
    reports = [HighlightReport.objects.create(programme=programme, period_start=date(2020, 1, 1) + timedelta(days=n),
                                              period_end=date(2020, 1, 1) + timedelta(days=n))
               for n in range(size)]
    kind = ContentType.objects.get_for_model(HighlightReport)
    for report in reports[:2]:
        for number in range(1, size + 1):
            job = Job.objects.create(kind=KIND, created_by=pm, status=Job.Status.SUCCEEDED, target_type=kind,
                                     target_id=report.pk)
            HighlightVersion.objects.create(report=report, job=job, number=number, made_by=pm,
                                            snapshot_at=job.created_at, pdf="x.pdf", docx="x.docx")
    for _ in range(size):
        Job.objects.create(kind=KIND, created_by=pm, status=Job.Status.FAILED, error="Broken", target_type=kind,
                           target_id=reports[0].pk)
    wrong = []
    for name, (url, expected) in HIGHLIGHT_PAGES.items():
        client = Client()
        client.force_login(pm)
        ContentType.objects.clear_cache()
        try:
            with django_assert_num_queries(expected):
                response = client.get(url(programme, reports[0]))
        except pytest.fail.Exception as failed:
            wrong.append(f"{name}: {str(failed)[:300]}")
            continue
        assert response.status_code == 200
    assert not wrong, "\n".join(wrong)
