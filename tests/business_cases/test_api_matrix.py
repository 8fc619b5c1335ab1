"""The business case API permission matrix: every route and method × every member of the
cast. Members read; programme managers and directors (EDIT_BUSINESS_CASE) write and send a
version to review; only directors (APPROVE_BUSINESS_CASE) record a decision; programme
managers and directors (GENERATE_PAPER) generate a Cabinet paper and try a failed one again;
outsiders get 404 and anonymous clients 401. Who besides the programme manager may try a job
again (the person who asked) is tests/business_cases/test_paper_retry.py's."""
from dataclasses import dataclass

import pytest
from django.contrib.contenttypes.models import ContentType

from business_cases.highlight import KIND as HIGHLIGHT_KIND
from business_cases.models import (
    AppraisalLine,
    BusinessCase,
    BusinessCaseVersion,
    CabinetPaper,
    Criterion,
    CriticalSuccessFactor,
    EqualityAssessment,
    EqualityImpact,
    EqualityMitigation,
    HighlightReport,
    MatrixCell,
    Option,
    Stage,
    StrategicObjective,
)
from business_cases.papers import KIND as PAPER_KIND
from business_cases.services import assessment_save, version_create
from core.models import Job
from core.roles import Capability
from tests.api_matrix import Endpoint, run_row
from tests.business_cases.conftest import add_line, make_criterion, make_option, save, write_cases
from tests.business_cases.test_permissions import make_paper, make_version
from tests.permissions import history_tables

pytestmark = pytest.mark.django_db
NAMESPACE = "business_cases_api"
EDIT = Capability.EDIT_BUSINESS_CASE


@dataclass
class World:
    cast: object
    records: dict
    in_review: BusinessCaseVersion
    job: Job
    highlight_job: Job


@pytest.fixture
def world(soc_ready) -> World:
    cast = soc_ready
    p, pm = cast.programme, cast.users["pm"]
    draft = write_cases(version_create(programme=p, stage=Stage.SOC, user=pm), pm)
    draft.strategic_case = "Why"
    save(draft, pm)
    # A version of the next stage already in review, for the decision (a rejection needs no
    # approved stage before it).
    in_review = version_create(programme=p, stage=Stage.OBC, user=pm)
    in_review.status = BusinessCaseVersion.Status.IN_REVIEW
    save(in_review, pm)
    op1 = p.options.get(code="Op.1")
    fit = p.appraisal_criteria.get(title="Fit")
    paper = make_paper(p, pm)
    make_version(paper, pm)  # made 1 November, before the meeting: it may be marked final
    job = Job.objects.create(kind=PAPER_KIND, created_by=cast.users["director"], status=Job.Status.FAILED,
                             target_type=ContentType.objects.get_for_model(paper), target_id=paper.pk,
                             params={"today": "2026-09-01"}, error="The worker stopped. Press Try again.")
    eia = assessment_save(instance=EqualityAssessment(programme=p, title="Whole programme"), user=pm, reason="Test")
    # The carers' line: one the council adds, which a DELETE may take (a protected one stays).
    carers = eia.impacts.get(characteristic="carers")
    records = {
        "equality-assessments": eia,
        "equality-impacts": carers,
        "equality-mitigations": save(EqualityMitigation(programme=p, impact=carers, action="Same workers", owner=pm,
                                                        due_date="2027-01-31"), pm),
        "business-cases": draft.business_case,
        "business-case-versions": draft,
        "strategic-objectives": p.strategic_objectives.get(number=1),
        "critical-success-factors": p.critical_success_factors.get(number=1),
        # An option and a criterion that no cell names, so that deleting them takes nothing with them.
        "options": make_option(p, "Op.3", pm, order=3),
        "appraisal-criteria": make_criterion(p, "Deliverable", user=pm),
        "matrix-cells": MatrixCell.objects.get(option=op1, criterion=fit),
        "appraisal-lines": add_line(op1, "capital", 0, "500", pm),
        "cabinet-papers": paper,
        "highlight-reports": save(HighlightReport(programme=p, period_start="2026-10-01", period_end="2026-10-31"),
                                  pm),
    }
    highlight_job = Job.objects.create(kind=HIGHLIGHT_KIND, created_by=pm, status=Job.Status.QUEUED,
                                       target_type=ContentType.objects.get_for_model(HighlightReport),
                                       target_id=records["highlight-reports"].pk)
    return World(cast, records, in_review, job, highlight_job)


def _fit(w):
    return w.cast.programme.appraisal_criteria.get(title="Fit").pk


def _op1(w):
    return w.cast.programme.options.get(code="Op.1").pk


PAPER = {"title": "Bringing care in-house", "meeting_date": "2026-12-01", "author": "A Director",
         "contact": "a.director@example.org", "issue": "What to decide", "recommendations": "Agree it"}
# segment → (a new record's body for POST, the record's own body for PUT and PATCH)
def _mitigation(w, **extra):
    return {"impact": w.records["equality-impacts"].pk, "action": "Keep the same workers",
            "owner": w.cast.users["hr"].pk, "due_date": "2027-02-28", **extra}


BODIES = {
    "equality-assessments": (lambda w: {"title": "Op.1", "option": _op1(w)},
                             lambda w: {"title": "Whole programme, revised", "option": None, "status": "draft"}),
    "equality-impacts": (
        lambda w: {"assessment": w.records["equality-assessments"].pk, "characteristic": "other",
                   "other_name": "Veterans", "impact": "neutral"},
        lambda w: {"assessment": w.records["equality-assessments"].pk, "characteristic": "carers",
                   "impact": "negative", "evidence": "Census"}),
    "equality-mitigations": (lambda w: _mitigation(w), lambda w: _mitigation(w, done=True)),
    "business-cases": (lambda w: {"stage": "fbc"}, lambda w: {"stage": "soc"}),
    "business-case-versions": (
        lambda w: {"business_case": w.records["business-cases"].pk, "strategic_case": "Why now"},
        lambda w: {"business_case": w.records["business-cases"].pk, "strategic_case": "Why, redrafted"}),
    "strategic-objectives": (lambda w: {"number": 2, "text": "Redesign"},
                             lambda w: {"number": 1, "text": "Transfer safely and on time"}),
    "critical-success-factors": (lambda w: {"number": 2, "text": "Affordable"},
                                 lambda w: {"number": 1, "text": "Value for money, shown"}),
    "options": (lambda w: {"code": "Op.5", "title": "Partnership", "kind": "option"},
                lambda w: {"code": "Op.3", "title": "Joint venture", "kind": "option"}),
    "appraisal-criteria": (lambda w: {"title": "Gate", "kind": "gate"},
                           lambda w: {"title": "Deliverable in time", "kind": "levels"}),
    "matrix-cells": (
        lambda w: {"option": w.records["options"].pk, "criterion": _fit(w), "level": "meets"},
        lambda w: {"option": _op1(w), "criterion": _fit(w), "level": "meets"}),
    "appraisal-lines": (
        lambda w: {"option": _op1(w), "category": "capital", "year": 0, "financial_year": "2024/25",
                   "description": "Kit", "amount": "1000.00"},
        lambda w: {"option": _op1(w), "category": "capital", "year": 0, "financial_year": "2024/25",
                   "description": "Kit, revised", "amount": "750.00"}),
    "cabinet-papers": (lambda w: dict(PAPER), lambda w: {**PAPER, "title": "Care in-house: decision"}),
    "highlight-reports": (
        lambda w: {"period_start": "2026-11-01", "period_end": "2026-11-30", "board": "Programme board"},
        lambda w: {"period_start": "2026-10-01", "period_end": "2026-10-31", "board": "Lead member",
                   "risks_commentary": "Two rose"}),
}


def _slug(w) -> dict:
    return {"programme_slug": w.cast.programme.slug}


def _endpoints() -> dict[str, Endpoint]:
    view = Capability.VIEW
    out = {
        "options-ranking": Endpoint({"get": (view, 200)}, kwargs=_slug),
        "economic-appraisal": Endpoint({"get": (view, 200)}, kwargs=_slug),
        "business-case-version-submit": Endpoint(
            {"post": (EDIT, 200)}, kwargs=lambda w: {**_slug(w), "pk": w.records["business-case-versions"].pk}),
        "business-case-version-decide": Endpoint(
            {"post": (Capability.APPROVE_BUSINESS_CASE, 200)},
            kwargs=lambda w: {**_slug(w), "pk": w.in_review.pk},
            body=lambda w: {"decision": "reject", "approving_body": "Cabinet", "meeting_date": "2026-11-10",
                            "decision_reference": "E3393"}),
        # A new job (202); nothing with a history changes, but a job row is added.
        "cabinet-paper-generate": Endpoint(
            {"post": (Capability.GENERATE_PAPER, 202)},
            kwargs=lambda w: {**_slug(w), "pk": w.records["cabinet-papers"].pk}),
        # A job that prints the version again marked final: a job row, no history.
        "cabinet-paper-final": Endpoint(
            {"post": (Capability.PUBLISH_PAPER, 202)},
            kwargs=lambda w: {**_slug(w), "pk": w.records["cabinet-papers"].pk, "number": 1},
            body=lambda w: {"published_on": "2026-11-03"}),
        "cabinet-paper-compare": Endpoint(
            {"get": (view, 200)}, kwargs=lambda w: {**_slug(w), "pk": w.records["cabinet-papers"].pk},
            query=lambda w: {"before": "1", "after": "now"}),
        "highlight-report-generate": Endpoint(
            {"post": (Capability.EDIT_PLAN, 202)},
            kwargs=lambda w: {**_slug(w), "pk": w.records["highlight-reports"].pk}),
        "highlight-report-job": Endpoint(
            {"get": (view, 200)},
            kwargs=lambda w: {**_slug(w), "pk": w.records["highlight-reports"].pk, "job_uuid": w.highlight_job.uuid}),
        "cabinet-paper-job": Endpoint(
            {"get": (view, 200)},
            kwargs=lambda w: {**_slug(w), "pk": w.records["cabinet-papers"].pk, "job_uuid": w.job.uuid}),
        "cabinet-paper-job-retry": Endpoint(
            {"post": (Capability.GENERATE_PAPER, 202)},
            kwargs=lambda w: {**_slug(w), "pk": w.records["cabinet-papers"].pk, "job_uuid": w.job.uuid}),
    }
    for segment, (new, own) in BODIES.items():
        edit = Capability.EDIT_PLAN if segment == "highlight-reports" else EDIT
        out[f"{segment}-list"] = Endpoint({"get": (view, 200), "post": (edit, 201)}, kwargs=_slug, body=new)
        out[f"{segment}-detail"] = Endpoint(
            {"get": (view, 200), "put": (edit, 200), "patch": (edit, 200), "delete": (edit, 204)},
            kwargs=lambda w, s=segment: {**_slug(w), "pk": w.records[s].pk}, body=own)
    return out


ENDPOINTS = _endpoints()
TABLES = [*history_tables([BusinessCase, BusinessCaseVersion, StrategicObjective, CriticalSuccessFactor, Option,
                           Criterion, MatrixCell, AppraisalLine, CabinetPaper, EqualityAssessment,
                           EqualityImpact, EqualityMitigation, HighlightReport]),
          Job._meta.db_table]


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_api_permission_matrix(world, name):
    expected, actual, problems = run_row(world, world.cast, f"{NAMESPACE}:{name}", ENDPOINTS[name], TABLES)
    assert actual == expected
    assert problems == []
