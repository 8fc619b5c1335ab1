"""Every page of the business case app × every member of the cast × GET and POST.

Expected statuses come from the rules in `core.roles`, written out per URL name here;
`test_matrix_covers_every_url_name` fails when a URL name is added without an entry.
Members read; programme managers and directors (EDIT_BUSINESS_CASE) write; only directors
(APPROVE_BUSINESS_CASE) record a decision; outsiders get 404."""
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from business_cases import urls as bc_urls
from business_cases.case_document import KIND as CASE_KIND
from business_cases.highlight import KIND as HIGHLIGHT_KIND
from business_cases.imports import KIND as IMPORT_KIND
from business_cases.imports import row_form_kwargs
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
    HighlightSchedule,
    HighlightSubscription,
    HighlightVersion,
    MatrixCell,
    MatrixSettings,
    Option,
    PaperVersion,
    Stage,
    StrategicObjective,
)
from business_cases.papers import KIND as PAPER_KIND
from business_cases.services import version_create, version_submit
from core.documents import Document, Table, document_json
from core.models import ColumnMapping, Job, Upload
from core.roles import Capability, role_can
from core.uploads import upload_commit, upload_receive
from tests.business_cases.conftest import add_line, write_cases
from tests.permissions import (
    ACTION,
    FORM,
    READ,
    ROLE_OF,
    AskerOrManager,
    Page,
    history_tables,
    matrix_row,
    url_names,
)


@dataclass
class World:
    cast: object
    objective: StrategicObjective
    csf: CriticalSuccessFactor
    option: Option
    criterion: Criterion
    line: AppraisalLine
    soc: BusinessCaseVersion  # in review
    obc: BusinessCaseVersion  # a draft with what it needs
    upload: Upload  # previewed, not loaded
    loaded: Upload  # loaded, so it can be rolled back
    paper: CabinetPaper
    version: PaperVersion
    job: Job
    failed_job: Job | None = None  # a paper job the director asked for, which failed
    eia: EqualityAssessment | None = None  # the programme's own
    impact: EqualityImpact | None = None  # its line for age, negative
    mitigation: EqualityMitigation | None = None  # of that line
    case_job: Job | None = None  # the SOC as a PDF, made
    case_failed: Job | None = None  # the SOC as a Word file, which failed (asked for by the director)
    highlight: HighlightReport | None = None  # October's, with version 1
    highlight_job: Job | None = None  # the job that made its version 1
    highlight_failed: Job | None = None  # a second version the director asked for, which failed

    @property
    def slug(self) -> str:
        return self.cast.programme.slug


def _csv(description: str) -> bytes:
    return f"Option,Category,Year,Description,Amount\nOp.1,revenue,2,{description},500\n".encode()


def make_paper(programme, user, **kw) -> CabinetPaper:
    from programmes.services import record_save

    fields = {"title": "Bringing care in-house", "meeting_date": "2026-11-10", "author": "A Director",
              "contact": "a.director@example.org", "issue": "What to decide", "recommendations": "Agree it",
              **kw}
    return record_save(instance=CabinetPaper(programme=programme, created_by=user, **fields), user=user,
                       reason="Test")


def make_version(paper, user) -> tuple[Job, PaperVersion]:
    """A generated version without running the job: a Job row and small stand-in files."""

    job = Job.objects.create(kind=PAPER_KIND, created_by=user, status=Job.Status.SUCCEEDED,
                             target_type=ContentType.objects.get_for_model(paper), target_id=paper.pk)
    number = paper.versions.count() + 1
    version = PaperVersion(paper=paper, job=job, number=number, made_by=user, snapshot_at=job.created_at,
                           pages=1, exempt=paper.is_exempt)
    version.pdf.save("full.pdf", ContentFile(b"%PDF-full"), save=False)
    version.docx.save("full.docx", ContentFile(b"PK-full"), save=False)
    if paper.is_exempt:
        version.public_pdf.save("public.pdf", ContentFile(b"%PDF-public"), save=False)
        version.public_docx.save("public.docx", ContentFile(b"PK-public"), save=False)
    version.source.save("source.json", ContentFile(json.dumps(_stand_in_source(paper)).encode()), save=False)
    version.save()
    # Made before the paper's meeting (10 November 2026), so that it can be marked final.
    PaperVersion.objects.filter(pk=version.pk).update(made_at=datetime(2026, 11, 1, 9, tzinfo=UTC))
    version.refresh_from_db()
    return job, version


def _stand_in_source(paper) -> dict:
    def document(label: str) -> dict:
        doc = Document(title=paper.title, organisation="Test Council", marking="Draft")
        doc.section("Financial implications").add(Table(caption="Costs", headers=("Item", "Amount"),
                                                        rows=(("Staff", f"£{label}"),)))
        return document_json(doc)

    return {"full": document("1,000"), "public": document("900") if paper.is_exempt else None}


@pytest.fixture
def world(soc_ready, settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path
    cast = soc_ready
    p, pm = cast.programme, cast.users["pm"]
    for user in cast.users.values():  # so that any member may ask to be emailed
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
    op1, op2 = p.options.get(code="Op.1"), p.options.get(code="Op.2")
    line = add_line(op1, "revenue", 0, "100", pm)
    add_line(op2, "revenue", 0, "200", pm)
    soc = version_create(programme=p, stage=Stage.SOC, user=pm)
    version_submit(version=write_cases(soc, pm), user=pm)
    obc = write_cases(version_create(programme=p, stage=Stage.OBC, user=pm), pm)
    loaded = upload_receive(target=p, kind=IMPORT_KIND, user=pm,
                            uploaded_file=SimpleUploadedFile("loaded.csv", _csv("Loaded line")))
    upload_commit(upload=loaded, user=pm, form_kwargs=row_form_kwargs(p), write_ctx={"programme": p})
    upload = upload_receive(target=p, kind=IMPORT_KIND, user=pm,
                            uploaded_file=SimpleUploadedFile("new.csv", _csv("New line")))
    paper = make_paper(p, pm, classification="exempt_appendices", exempt_paragraph=3,
                       exempt_appendices=["finance"])
    job, version = make_version(paper, pm)
    failed = Job.objects.create(kind=PAPER_KIND, created_by=cast.users["director"], status=Job.Status.FAILED,
                                target_type_id=job.target_type_id, target_id=paper.pk,
                                error="The worker running this stopped before it finished.")
    from business_cases.services import assessment_save
    from programmes.services import record_save

    eia = assessment_save(instance=EqualityAssessment(programme=p, title="Whole programme"), user=pm, reason="Test")
    impact = eia.impacts.get(characteristic="age")
    impact.impact = "negative"
    record_save(instance=impact, user=pm, reason="Test")
    mitigation = record_save(instance=EqualityMitigation(programme=p, impact=impact, action="Same workers", owner=pm,
                                                         due_date="2027-01-31"), user=pm, reason="Test")
    case_job = Job.objects.create(kind=CASE_KIND, created_by=pm, status=Job.Status.SUCCEEDED,
                                  target_type=ContentType.objects.get_for_model(soc), target_id=soc.pk,
                                  params={"format": "pdf"}, result_name="home-soc-v1.pdf",
                                  result_content_type="application/pdf")
    case_job.result_file.save("home-soc-v1.pdf", ContentFile(b"%PDF-case"))
    case_failed = Job.objects.create(kind=CASE_KIND, created_by=cast.users["director"], status=Job.Status.FAILED,
                                     target_type=case_job.target_type, target_id=soc.pk, params={"format": "docx"},
                                     error="The worker running this stopped before it finished.")
    highlight = record_save(instance=HighlightReport(programme=p, period_start="2026-10-01",
                                                     period_end="2026-10-31"), user=pm, reason="Test")
    highlight_type = ContentType.objects.get_for_model(highlight)
    highlight_job = Job.objects.create(kind=HIGHLIGHT_KIND, created_by=pm, status=Job.Status.SUCCEEDED,
                                       target_type=highlight_type, target_id=highlight.pk)
    made = HighlightVersion(report=highlight, job=highlight_job, number=1, made_by=pm, snapshot_at=job.created_at,
                            pages=1)
    made.pdf.save("h.pdf", ContentFile(b"%PDF-highlight"), save=False)
    made.docx.save("h.docx", ContentFile(b"PK-highlight"), save=False)
    made.save()
    highlight_failed = Job.objects.create(kind=HIGHLIGHT_KIND, created_by=cast.users["director"],
                                          status=Job.Status.FAILED, target_type=highlight_type,
                                          target_id=highlight.pk, error="The worker stopped. Press Try again.")
    return World(cast, p.strategic_objectives.get(), p.critical_success_factors.get(), op1,
                 p.appraisal_criteria.get(), line, soc, obc, upload, loaded, paper, version, job, failed,
                 eia, impact, mitigation, case_job, case_failed, highlight, highlight_job, highlight_failed)


def _pk(attr):
    return lambda w: {"slug": w.slug, "pk": getattr(w, attr).pk}


def _version(attr):
    return lambda w: {"slug": w.slug, "stage": getattr(w, attr).business_case.stage,
                      "number": getattr(w, attr).number}


def _upload(w):
    return {"slug": w.slug, "upload_pk": w.upload.pk}


def _option_data(w):
    return {"code": "Op.4", "title": "Joint venture", "order": "4", "kind": "option",
            "optimism_bias_percent": "20", "benefits_confidence_percent": "90"}


def _criterion_data(w):
    return {"title": "Savings", "order": "3", "kind": "money", "weight": "2", "direction": "higher"}


def _line_data(w):
    return {"option": w.option.pk, "category": "capital", "year": "1", "financial_year": "2025/26",
            "description": "Laptops", "amount": "12000.50"}


def _version_data(w):
    return {"summary": "Second pass", "strategic_case": "Why", "economic_case": "Options",
            "commercial_case": "", "financial_case": "Reserve", "management_case": ""}


def _decision_data(w):
    return {"decision": "approve", "approving_body": "Cabinet", "meeting_date_day": "10",
            "meeting_date_month": "11", "meeting_date_year": "2022", "decision_reference": "E3393"}


def _paper(w):
    return {"slug": w.slug, "pk": w.paper.pk}


def _paper_data(w):
    return {"title": "Second paper", "decision_maker": "Cabinet", "meeting_date_day": "12",
            "meeting_date_month": "3", "meeting_date_year": "2027", "forward_plan_reference": "E4000",
            "key_decision": "on", "wards": "All", "classification": "open", "author": "A Director",
            "contact": "01225 000000", "issue": "Whether to agree the OBC",
            "recommendations": "Agree the OBC\nDelegate the FBC"}


def _mitigation_data(w):
    return {"impact": w.impact.pk, "action": "Keep the same workers", "owner": w.cast.users["hr"].pk,
            "due_date_day": "28", "due_date_month": "2", "due_date_year": "2027", "done": "on"}


EQUALITY_PAGES = {
    "equality": Page(Capability.VIEW, **READ),
    "eia": Page(Capability.VIEW, **READ, kwargs=_pk("eia")),
    "eia_create": Page(Capability.EDIT_BUSINESS_CASE, **FORM, data=lambda w: {
        "title": "Op.1", "option": w.option.pk, "status": "draft"}),
    "eia_edit": Page(Capability.EDIT_BUSINESS_CASE, **FORM, kwargs=_pk("eia"), data=lambda w: {
        "title": "Signed", "status": "signed_off", "signed_off_by": w.cast.users["director"].pk,
        "signed_off_on_day": "1", "signed_off_on_month": "6", "signed_off_on_year": "2026",
        "review_date_day": "1", "review_date_month": "6", "review_date_year": "2027"}),
    "eia_delete": Page(Capability.EDIT_BUSINESS_CASE, **FORM, kwargs=_pk("eia")),
    "eia_history": Page(Capability.VIEW, **READ, kwargs=_pk("eia")),
    "eia_impact_create": Page(Capability.EDIT_BUSINESS_CASE, **FORM, data=lambda w: {
        "assessment": w.eia.pk, "characteristic": "other", "other_name": "Veterans", "impact": "neutral"}),
    "eia_impact_edit": Page(Capability.EDIT_BUSINESS_CASE, **FORM, kwargs=_pk("impact"), data=lambda w: {
        "assessment": w.eia.pk, "characteristic": "age", "impact": "negative", "evidence": "Census"}),
    # The carers' line: a protected characteristic's line is never deleted (test_equality).
    "eia_impact_delete": Page(Capability.EDIT_BUSINESS_CASE, **FORM, kwargs=lambda w: {
        "slug": w.slug, "pk": w.eia.impacts.get(characteristic="carers").pk}),
    "eia_impact_history": Page(Capability.VIEW, **READ, kwargs=_pk("impact")),
    "eia_mitigation_create": Page(Capability.EDIT_BUSINESS_CASE, **FORM, data=_mitigation_data),
    "eia_mitigation_edit": Page(Capability.EDIT_BUSINESS_CASE, **FORM, kwargs=_pk("mitigation"),
                                data=_mitigation_data),
    "eia_mitigation_delete": Page(Capability.EDIT_BUSINESS_CASE, **FORM, kwargs=_pk("mitigation")),
    "eia_mitigation_history": Page(Capability.VIEW, **READ, kwargs=_pk("mitigation")),
}


PAGES = {
    **EQUALITY_PAGES,
    "home": Page(Capability.VIEW, **READ),
    "objective_create": Page(Capability.EDIT_BUSINESS_CASE, **FORM, data=lambda w: {"number": "2", "text": "Redesign"}),
    "objective_edit": Page(Capability.EDIT_BUSINESS_CASE, **FORM, kwargs=_pk("objective"),
                           data=lambda w: {"number": "1", "text": "Transfer safely on day one"}),
    "csf_create": Page(Capability.EDIT_BUSINESS_CASE, **FORM, data=lambda w: {"number": "2", "text": "Affordable"}),
    "csf_edit": Page(Capability.EDIT_BUSINESS_CASE, **FORM, kwargs=_pk("csf"),
                     data=lambda w: {"number": "1", "text": "Best value"}),
    "matrix": Page(Capability.VIEW, **READ),
    "matrix_export": Page(Capability.EXPORT, **READ),
    "matrix_settings": Page(Capability.EDIT_BUSINESS_CASE, **FORM, data=lambda w: {
        "meets_points": "3", "partial_points": "1", "not_met_points": "0", "high_points": "3",
        "medium_points": "2", "low_points": "1"}),
    "option_create": Page(Capability.EDIT_BUSINESS_CASE, **FORM, data=_option_data),
    "option_edit": Page(Capability.EDIT_BUSINESS_CASE, **FORM, kwargs=_pk("option"),
                        data=lambda w: {**_option_data(w), "code": "Op.1"}),
    "option_cells": Page(Capability.EDIT_BUSINESS_CASE, **FORM, kwargs=_pk("option"),
                         data=lambda w: {f"c{w.criterion.pk}": "meets"}),
    "criterion_create": Page(Capability.EDIT_BUSINESS_CASE, **FORM, data=_criterion_data),
    "criterion_edit": Page(Capability.EDIT_BUSINESS_CASE, **FORM, kwargs=_pk("criterion"), data=_criterion_data),
    "appraisal": Page(Capability.VIEW, **READ),
    "line_create": Page(Capability.EDIT_BUSINESS_CASE, **FORM, data=_line_data),
    "line_edit": Page(Capability.EDIT_BUSINESS_CASE, **FORM, kwargs=_pk("line"), data=_line_data),
    "line_delete": Page(Capability.EDIT_BUSINESS_CASE, **ACTION, kwargs=_pk("line")),
    "import": Page(Capability.EDIT_BUSINESS_CASE, **FORM,
                   data=lambda w: {"file": SimpleUploadedFile("more.csv", _csv("Another line"))}),
    "import_mapping": Page(Capability.EDIT_BUSINESS_CASE, **FORM, kwargs=_upload, data=lambda w: {
        "map-option": "Option", "map-category": "Category", "map-year": "Year",
        "map-description": "Description", "map-amount": "Amount"}),
    "import_preview": Page(Capability.EDIT_BUSINESS_CASE, **READ, kwargs=_upload),
    "import_commit": Page(Capability.EDIT_BUSINESS_CASE, **ACTION, kwargs=_upload),
    "uploads": Page(Capability.EDIT_BUSINESS_CASE, **READ),
    "upload_rollback": Page(Capability.EDIT_BUSINESS_CASE, **ACTION,
                            kwargs=lambda w: {"slug": w.slug, "upload_pk": w.loaded.pk}),
    "import_discard": Page(Capability.EDIT_BUSINESS_CASE, **ACTION, kwargs=_upload),
    "import_errors": Page(Capability.EDIT_BUSINESS_CASE, **READ, kwargs=_upload),
    "import_template": Page(Capability.EDIT_BUSINESS_CASE, **READ),
    "stage": Page(Capability.VIEW, **READ, kwargs=lambda w: {"slug": w.slug, "stage": "soc"}),
    "version_create": Page(Capability.EDIT_BUSINESS_CASE, **ACTION, kwargs=lambda w: {"slug": w.slug, "stage": "fbc"}),
    "compare": Page(Capability.VIEW, **READ, kwargs=lambda w: {"slug": w.slug, "stage": "soc"}),
    "version": Page(Capability.VIEW, **READ, kwargs=_version("soc")),
    "version_edit": Page(Capability.EDIT_BUSINESS_CASE, **FORM, kwargs=_version("obc"), data=_version_data),
    "version_submit": Page(Capability.EDIT_BUSINESS_CASE, **ACTION, kwargs=_version("obc")),
    "version_decide": Page(Capability.APPROVE_BUSINESS_CASE, **FORM, kwargs=_version("soc"), data=_decision_data),
    # The version as a document: every member may export it; the job is asked for by POST.
    "case_document": Page(Capability.EXPORT, **ACTION, kwargs=_version("soc"), data=lambda w: {"format": "pdf"}),
    "case_document_job": Page(Capability.EXPORT, **READ,
                              kwargs=lambda w: {**_version("soc")(w), "job_uuid": w.case_job.uuid}),
    "case_document_retry": Page(AskerOrManager(Capability.EXPORT, "director"), **ACTION,
                                kwargs=lambda w: {**_version("soc")(w), "job_uuid": w.case_failed.uuid}),
    "case_document_download": Page(Capability.EXPORT, **READ,
                                   kwargs=lambda w: {**_version("soc")(w), "job_uuid": w.case_job.uuid}),
    # Highlight reports: every member reads them; the plan's editors write and generate them.
    "highlights": Page(Capability.VIEW, **READ),
    "highlight": Page(Capability.VIEW, **READ, kwargs=_pk("highlight")),
    "highlight_create": Page(Capability.EDIT_PLAN, **FORM, data=lambda w: {
        "period_start": "2026-11-01", "period_end": "2026-11-30", "board": "Programme board"}),
    "highlight_edit": Page(Capability.EDIT_PLAN, **FORM, kwargs=_pk("highlight"), data=lambda w: {
        "period_start": "2026-10-01", "period_end": "2026-10-31", "board": "Lead member",
        "risks_commentary": "Better"}),
    "highlight_schedule": Page(Capability.EDIT_PLAN, **FORM, data=lambda w: {
        "enabled": "on", "working_day": "5", "board": "Programme board"}),
    "highlight_delete": Page(Capability.EDIT_PLAN, **FORM, kwargs=_pk("highlight")),
    "highlight_tell_me": Page(Capability.VIEW, **ACTION, data=lambda w: {"tell": "yes"}),
    "highlight_history": Page(Capability.VIEW, **READ, kwargs=_pk("highlight")),
    "highlight_generate": Page(Capability.EDIT_PLAN, **ACTION, kwargs=_pk("highlight"),
                               data=lambda w: {"request_id": uuid.uuid4().hex}),
    "highlight_job": Page(Capability.VIEW, **READ,
                          kwargs=lambda w: {**_pk("highlight")(w), "job_uuid": w.highlight_job.uuid}),
    "highlight_job_retry": Page(AskerOrManager(Capability.EDIT_PLAN, "director"), **ACTION,
                                kwargs=lambda w: {**_pk("highlight")(w), "job_uuid": w.highlight_failed.uuid}),
    "highlight_download": Page(Capability.VIEW, **READ,
                               kwargs=lambda w: {**_pk("highlight")(w), "number": 1, "fmt": "pdf"}),
    "papers": Page(Capability.VIEW, **READ),
    "paper_create": Page(Capability.EDIT_BUSINESS_CASE, **FORM, data=lambda w: _paper_data(w)),
    "paper": Page(Capability.VIEW, **READ, kwargs=_paper),
    "paper_edit": Page(Capability.EDIT_BUSINESS_CASE, **FORM, kwargs=_paper,
                       data=lambda w: {**_paper_data(w), "title": "Retitled"}),
    "paper_history": Page(Capability.VIEW, **READ, kwargs=_paper),
    "paper_preview": Page(Capability.VIEW, **READ, kwargs=_paper),
    "paper_generate": Page(Capability.GENERATE_PAPER, **ACTION, kwargs=_paper,
                           data=lambda w: {"request_id": uuid.uuid4().hex}),
    "paper_job": Page(Capability.VIEW, **READ, kwargs=lambda w: {**_paper(w), "job_uuid": w.job.uuid}),
    "paper_job_retry": Page(AskerOrManager(Capability.GENERATE_PAPER, "director"), **ACTION,
                            kwargs=lambda w: {**_paper(w), "job_uuid": w.failed_job.uuid}),
    # A job is asked for: the version is marked final when it has run.
    "paper_final": Page(Capability.PUBLISH_PAPER, **FORM,
                        kwargs=lambda w: {**_paper(w), "number": w.version.number},
                        data=lambda w: {"published_on": "2026-11-03"}),
    "paper_compare": Page(Capability.VIEW, **READ, kwargs=_paper),
    "paper_download": Page(Capability.VIEW, **READ,
                           kwargs=lambda w: {**_paper(w), "number": w.version.number, "fmt": "pdf"}),
}


def test_matrix_covers_every_url_name():
    names = url_names(bc_urls.urlpatterns)
    assert names - PAGES.keys() == set(), "URL names with no entry in the permission matrix"
    assert PAGES.keys() - names == set(), "matrix entries for URL names that no longer exist"


def test_the_rules_the_matrix_relies_on():
    assert {u for u, r in ROLE_OF.items() if role_can(r, Capability.EDIT_BUSINESS_CASE)} == {"pm", "director"}
    assert {u for u, r in ROLE_OF.items() if role_can(r, Capability.GENERATE_PAPER)} == {"pm", "director"}
    assert {u for u, r in ROLE_OF.items() if role_can(r, Capability.VIEW_EXEMPT_PAPER)} == {"pm", "director"}
    assert {u for u, r in ROLE_OF.items() if role_can(r, Capability.APPROVE_BUSINESS_CASE)} == {"director"}
    assert {u for u, r in ROLE_OF.items() if role_can(r, Capability.PUBLISH_PAPER)} == {"director"}


TABLES = history_tables((BusinessCase, BusinessCaseVersion, StrategicObjective, CriticalSuccessFactor, Option,
                         Criterion, MatrixCell, MatrixSettings, AppraisalLine, Upload, ColumnMapping,
                         CabinetPaper, EqualityAssessment, EqualityImpact, EqualityMitigation, HighlightReport,
                         HighlightSchedule)) + [
    Job._meta.db_table, PaperVersion._meta.db_table, HighlightVersion._meta.db_table,
    HighlightSubscription._meta.db_table]


@pytest.mark.parametrize("name", sorted(PAGES))
def test_permission_matrix(world, name):
    page = PAGES[name]
    url = reverse(f"business_cases:{name}", kwargs=page.kwargs(world))
    expected, actual, problems = matrix_row(world, page, url, TABLES)
    assert actual == expected, url
    assert problems == []


def test_outsider_cannot_reach_home_records_through_their_own_programme(world):
    client = world.cast.client("outsider")
    other = world.cast.other_programme.slug
    assert client.get(reverse("business_cases:version", args=[other, "soc", 1])).status_code == 404
    assert client.post(reverse("business_cases:option_edit", args=[other, world.option.pk]),
                       _option_data(world)).status_code == 404
    assert client.post(reverse("business_cases:line_edit", args=[other, world.line.pk]),
                       _line_data(world)).status_code == 404
    assert client.post(reverse("business_cases:option_cells", args=[other, world.option.pk]),
                       {f"c{world.criterion.pk}": "not_met"}).status_code == 404
    world.option.refresh_from_db()
    assert world.option.title == "Option Op.1" and world.line.amount == Decimal("100")


def test_a_line_form_cannot_pick_another_programmes_option(world):
    from tests.business_cases.conftest import make_option

    foreign = make_option(world.cast.other_programme, "Op.1")
    response = world.cast.client("pm").post(reverse("business_cases:line_create", args=[world.slug]),
                                            {**_line_data(world), "option": foreign.pk})
    assert response.status_code == 200 and "option" in response.context["form"].errors
    assert not AppraisalLine.objects.filter(option=foreign).exists()


@pytest.mark.parametrize("who, expect", [("pm", b"%PDF-full"), ("director", b"%PDF-full"), ("finance", b"%PDF-public"),
                                         ("hr", b"%PDF-public"), ("viewer", b"%PDF-public")])
def test_an_exempt_papers_full_copy_goes_only_to_those_who_may_see_it(world, who, expect):
    for fmt, head in (("pdf", expect), ("docx", expect.replace(b"%PDF", b"PK"))):
        url = reverse("business_cases:paper_download", args=[world.slug, world.paper.pk, world.version.number, fmt])
        response = world.cast.client(who).get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == head
        assert ("-public." in response["Content-Disposition"]) == (b"public" in head)


def test_paper_urls_of_another_programme_are_404_even_with_a_real_paper_id(world):
    client = world.cast.client("outsider")
    other = world.cast.other_programme.slug
    for name, extra in (("paper", {}), ("paper_preview", {}), ("paper_history", {}),
                        ("paper_job", {"job_uuid": world.job.uuid}),
                        ("paper_download", {"number": 1, "fmt": "pdf"}), ("paper_compare", {}),
                        ("paper_final", {"number": 1})):
        url = reverse(f"business_cases:{name}", kwargs={"slug": other, "pk": world.paper.pk, **extra})
        assert client.get(url).status_code == 404, name
    url = reverse("business_cases:paper_final", args=[other, world.paper.pk, 1])
    assert client.post(url, {"published_on": "2026-11-03"}).status_code == 404
    url = reverse("business_cases:paper_generate", args=[other, world.paper.pk])
    assert client.post(url, {"request_id": uuid.uuid4().hex}).status_code == 404
    url = reverse("business_cases:paper_job_retry", args=[other, world.paper.pk, world.failed_job.uuid])
    assert client.post(url).status_code == 404
    assert not Job.objects.exclude(pk__in=[world.job.pk, world.failed_job.pk, world.case_job.pk,
                                           world.case_failed.pk, world.highlight_job.pk,
                                           world.highlight_failed.pk]).exists()


def test_a_highlight_report_of_another_programme_is_404(world):
    client = world.cast.client("outsider")
    other = world.cast.other_programme.slug
    pk = world.highlight.pk
    for name, extra in (("highlight", {}), ("highlight_edit", {}), ("highlight_history", {}),
                        ("highlight_delete", {}), ("highlight_job", {"job_uuid": world.highlight_job.uuid}),
                        ("highlight_download", {"number": 1, "fmt": "pdf"})):
        url = reverse(f"business_cases:{name}", kwargs={"slug": other, "pk": pk, **extra})
        assert client.get(url).status_code == 404, name
    assert client.post(reverse("business_cases:highlight_generate", args=[other, pk])).status_code == 404
    assert client.post(reverse("business_cases:highlight_delete", args=[other, pk])).status_code == 404
    assert HighlightReport.objects.filter(pk=pk).exists()


def test_a_business_case_document_of_another_programme_is_404(world):
    client = world.cast.client("outsider")
    other = world.cast.other_programme.slug
    for name, extra in (("case_document_job", {"job_uuid": world.case_job.uuid}),
                        ("case_document_download", {"job_uuid": world.case_job.uuid})):
        url = reverse(f"business_cases:{name}", kwargs={"slug": other, "stage": "soc", "number": 1, **extra})
        assert client.get(url).status_code == 404, name
    url = reverse("business_cases:case_document", args=[other, "soc", 1])
    assert client.post(url, {"format": "pdf"}).status_code == 404
    assert Job.objects.filter(kind=CASE_KIND).count() == 2


def test_outsider_cannot_reach_home_assessments_through_their_own_programme(world):
    client = world.cast.client("outsider")
    other = world.cast.other_programme.slug
    assert client.get(reverse("business_cases:eia", args=[other, world.eia.pk])).status_code == 404
    assert client.post(reverse("business_cases:eia_impact_edit", args=[other, world.impact.pk]),
                       {"assessment": world.eia.pk, "characteristic": "age", "impact": "positive"}).status_code == 404
    assert client.post(reverse("business_cases:eia_mitigation_delete", args=[other, world.mitigation.pk])
                       ).status_code == 404
    world.impact.refresh_from_db()
    assert world.impact.impact == "negative" and world.impact.mitigations.exists()
