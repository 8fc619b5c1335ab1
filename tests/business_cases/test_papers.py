"""Cabinet papers: the record's rules, the document built from live data, the full and
public copies of an exempt paper, versions made by the job (one per job, however often it
runs), the pages, the command and the API."""
import io
import re
import uuid
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from docx import Document as WordDocument
from pypdf import PdfReader

from business_cases.models import CabinetPaper, Classification, PaperVersion
from business_cases.papers import KIND, paper_data, paper_document, paper_generate, paper_render
from core.documents import document_text
from core.jobs import job_run
from core.models import Job
from tests.business_cases.test_permissions import make_paper

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)


@pytest.fixture
def paper(soc_ready):
    return make_paper(soc_ready.programme, soc_ready.users["pm"])


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(content)).pages)


def docx_text(content: bytes) -> str:
    word = WordDocument(io.BytesIO(content))
    parts = [p.text for p in word.paragraphs]
    for table in word.tables:
        for row in table.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts)


def _generate(paper, user, django_capture_on_commit_callbacks, request_id=None) -> Job:
    with django_capture_on_commit_callbacks(execute=True):
        job, _ = paper_generate(paper=paper, user=user, request_id=request_id or uuid.uuid4().hex, today=TODAY)
    job.refresh_from_db()
    return job


# --- The record ---------------------------------------------------------------------------

def test_the_notice_date_leaves_28_clear_days_before_the_meeting():
    paper = CabinetPaper(meeting_date=date(2022, 11, 10))
    assert paper.notice_date == date(2022, 10, 12)
    clear = (paper.meeting_date - paper.notice_date).days - 1  # neither end counts
    assert clear == 28


@pytest.mark.parametrize("changes, field, message", [
    ({"key_decision": True, "forward_plan_reference": ""}, "forward_plan_reference", "forward plan"),
    ({"classification": "exempt_appendices", "exempt_paragraph": 3, "exempt_appendices": []},
     "exempt_appendices", "at least one exempt appendix"),
    ({"classification": "exempt_appendices", "exempt_appendices": ["finance"]}, "exempt_paragraph", "Schedule 12A"),
    ({"classification": "exempt"}, "exempt_paragraph", "Schedule 12A"),
    ({"classification": "exempt_appendices", "exempt_paragraph": 3, "exempt_appendices": ["salaries"]},
     "exempt_appendices", "from the list"),
    ({"recommendations": "  \n "}, "recommendations", "at least one recommendation"),
])
def test_a_paper_that_breaks_a_rule_is_refused_naming_the_field(paper, changes, field, message):
    for k, v in changes.items():
        setattr(paper, k, v)
    with pytest.raises(ValidationError) as e:
        paper.full_clean()
    assert message in " ".join(e.value.message_dict[field])


def test_an_open_paper_drops_exempt_choices_and_others_parts_are_refused(paper, soc_ready):
    paper.exempt_paragraph, paper.exempt_appendices = 3, ["finance"]
    paper.full_clean()
    assert (paper.exempt_paragraph, paper.exempt_appendices) == (None, [])
    other = make_paper(soc_ready.other_programme, soc_ready.users["outsider"])
    from business_cases.models import BusinessCase

    paper.business_case = BusinessCase.objects.create(programme=soc_ready.other_programme, stage="soc")
    with pytest.raises(ValidationError) as e:
        paper.full_clean()
    assert "business_case" in e.value.message_dict
    assert other.programme != paper.programme


def test_changes_to_a_paper_are_kept_in_its_history(paper, soc_ready):
    client = soc_ready.client("director")
    url = reverse("business_cases:paper_edit", args=[paper.programme.slug, paper.pk])
    data = {"title": "New title", "decision_maker": "Cabinet", "meeting_date_day": "10", "meeting_date_month": "11",
            "meeting_date_year": "2026", "wards": "All", "classification": "open", "author": "A Director",
            "contact": "01225", "issue": "Why", "recommendations": "Agree", "change_reason": "Retitled for Cabinet"}
    assert client.post(url, data).status_code == 302
    latest = paper.history.latest("history_date")
    assert (latest.title, latest.history_change_reason, latest.history_user) == (
        "New title", "Retitled for Cabinet", soc_ready.users["director"])
    page = client.get(reverse("business_cases:paper_history", args=[paper.programme.slug, paper.pk]))
    assert "Retitled for Cabinet" in page.content.decode()


def test_the_form_names_each_missing_field_and_saves_nothing(soc_ready):
    client = soc_ready.client("pm")
    url = reverse("business_cases:paper_create", args=[soc_ready.programme.slug])
    response = client.post(url, {"classification": "exempt_appendices", "key_decision": "on",
                                 "meeting_date_day": "31", "meeting_date_month": "2", "meeting_date_year": "2027"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"title", "author", "contact", "issue", "recommendations", "meeting_date"} <= set(errors)
    assert "Enter a real date" in errors["meeting_date"][0]
    html = response.content.decode()
    assert "govuk-error-summary" in html and "#id_title" in html
    assert not CabinetPaper.objects.exists()


def test_the_form_applies_the_model_rules(soc_ready):
    client = soc_ready.client("pm")
    url = reverse("business_cases:paper_create", args=[soc_ready.programme.slug])
    data = {"title": "T", "decision_maker": "Cabinet", "meeting_date_day": "10", "meeting_date_month": "3",
            "meeting_date_year": "2027", "wards": "All", "classification": "exempt_appendices", "key_decision": "on",
            "author": "A", "contact": "B", "issue": "I", "recommendations": "R"}
    errors = client.post(url, data).context["form"].errors
    assert "forward plan" in errors["forward_plan_reference"][0]
    assert "Schedule 12A" in errors["exempt_paragraph"][0]
    assert not CabinetPaper.objects.exists()
    data.update(forward_plan_reference="E1", exempt_paragraph="3", exempt_appendices=["finance", "risks"])
    assert client.post(url, data).status_code == 302
    saved = CabinetPaper.objects.get()
    assert saved.exempt_appendices == ["finance", "risks"] and saved.created_by == soc_ready.users["pm"]
    assert "Appendix C (finance tables), Appendix E" in saved.classification_text()


# --- The document --------------------------------------------------------------------------

def test_the_document_has_the_council_sections_in_order_and_numbers_them(paper):
    doc = paper_document(paper_data(paper=paper, today=TODAY), full=True)
    text = document_text(doc)
    headings = [s.heading for s in doc.sections]
    assert headings[:13] == [
        "1. The issue", "2. Recommendations", "3. Background", "4. Statutory considerations", "5. Options appraisal",
        "6. Resource implications", "7. Risk management", "8. Equalities", "9. Climate change",
        "10. Other options considered", "11. Consultation", "12. Contact", "13. Background papers"]
    assert [s.heading.split(":")[0] for s in doc.sections[13:]] == [f"Appendix {c}" for c in "ABCDEF"]
    assert "2.1 Agree it" in text
    assert "Key decision: No" in text and "Classification: Open" in text
    # Prose not yet written says so, rather than leaving a section empty.
    assert "4.1 Not written yet." in text
    assert paper.missing_prose[0] == "Background"


def test_an_exempt_appendix_is_withheld_from_the_public_copy_only(paper):
    paper.classification, paper.exempt_paragraph, paper.exempt_appendices = "exempt_appendices", 3, ["options"]
    data = paper_data(paper=paper, today=TODAY)
    full, public = (document_text(paper_document(data, full=f)) for f in (True, False))
    assert "Options appraisal matrix" in full and "Not for publication" not in full
    assert "Colour key" in full and "Colour key" not in public
    assert "Not for publication" in public and "paragraph 3: the financial or business affairs" in public
    # The rest of the paper is the same in both.
    assert "2.1 Agree it" in public and "Appendix B: Economic appraisal" in public


def test_a_wholly_exempt_paper_gives_the_public_only_its_front_sheet_and_a_notice(paper):
    paper.classification, paper.exempt_paragraph = Classification.EXEMPT, 4
    doc = paper_document(paper_data(paper=paper, today=TODAY), full=False)
    assert [s.title for s in doc.sections] == ["Exempt report"]
    assert "labour relations" in document_text(doc) and "Agree it" not in document_text(doc)


# --- Versions ------------------------------------------------------------------------------

def test_generating_makes_one_version_per_request_with_its_files(paper, soc_ready, media,
                                                                 django_capture_on_commit_callbacks):
    pm = soc_ready.users["pm"]
    request_id = uuid.uuid4().hex
    job = _generate(paper, pm, django_capture_on_commit_callbacks, request_id)
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert not job.result_file  # the files live on the version
    again = _generate(paper, pm, django_capture_on_commit_callbacks, request_id)
    assert again.pk == job.pk
    version = PaperVersion.objects.get()
    assert (version.number, version.made_by, version.job, version.exempt) == (1, pm, job, False)
    assert version.pdf.read().startswith(b"%PDF-") and version.docx.read().startswith(b"PK")
    assert not version.public_pdf and version.pages >= 5
    assert version.snapshot_at <= job.finished_at
    assert job.timings["render_seconds"] > 0 and job.timings["version"] == 1
    assert "Agree it" in pdf_text(version.pdf.open("rb").read())
    second = _generate(paper, soc_ready.users["director"], django_capture_on_commit_callbacks)
    assert second.pk != job.pk
    assert list(paper.versions.values_list("number", "made_by__username")) == [(2, "director"), (1, "pm")]


def test_a_job_run_again_after_its_worker_was_lost_keeps_one_version(paper, soc_ready, media,
                                                                     django_capture_on_commit_callbacks):
    job = _generate(paper, soc_ready.users["pm"], django_capture_on_commit_callbacks)
    version = PaperVersion.objects.get()
    # As if the worker died after saving the version but before marking the job done.
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, finished_at=None)
    job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.SUCCEEDED, 2)
    assert list(PaperVersion.objects.values_list("pk", flat=True)) == [version.pk]
    files = sorted(p.name for p in (media / "papers" / str(paper.pk) / "v1").iterdir())
    assert files == [f"home-paper-{paper.pk}-v1.{ext}" for ext in ("docx", "json", "pdf")]


def test_an_exempt_paper_keeps_a_public_copy_beside_the_full_one(paper, soc_ready, media,
                                                                 django_capture_on_commit_callbacks):
    paper.classification, paper.exempt_paragraph, paper.exempt_appendices = "exempt_appendices", 3, ["options"]
    paper.save()
    _generate(paper, soc_ready.users["director"], django_capture_on_commit_callbacks)
    version = PaperVersion.objects.get()
    assert version.exempt
    full, public = pdf_text(version.pdf.read()), pdf_text(version.public_pdf.read())
    assert "Colour key" in full and "Not for publication" not in full
    assert "Colour key" not in public and "Not for publication" in public
    assert "Not for publication" in docx_text(version.public_docx.read())
    viewer = soc_ready.client("viewer")
    response = viewer.get(reverse("business_cases:paper_download", args=["home", paper.pk, 1, "pdf"]))
    assert "Not for publication" in pdf_text(b"".join(response.streaming_content))
    preview = viewer.get(reverse("business_cases:paper_preview", args=["home", paper.pk])).content.decode()
    assert "public copy" in preview and "Not for publication" in preview and "Colour key" not in preview
    preview = soc_ready.client("pm").get(reverse("business_cases:paper_preview", args=["home", paper.pk]))
    assert "Colour key" in preview.content.decode()


def test_a_paper_deleted_before_its_job_ran_fails_with_a_message(paper, soc_ready, media,
                                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        job, _ = paper_generate(paper=paper, user=soc_ready.users["pm"], request_id="", today=TODAY)
    paper.delete()
    job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "deleted" in job.error
    assert not PaperVersion.objects.exists()


def test_the_job_page_shows_progress_then_the_downloads(paper, soc_ready, media, django_capture_on_commit_callbacks):
    client = soc_ready.client("director")
    slug = paper.programme.slug
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("business_cases:paper_generate", args=[slug, paper.pk]),
                               {"request_id": uuid.uuid4().hex})
    job = Job.objects.get(kind=KIND)
    assert response["Location"] == reverse("business_cases:paper_job", args=[slug, paper.pk, job.uuid])
    waiting = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 1s"' in waiting and "<progress" in waiting
    job_run(job_id=job.pk)
    done = client.get(response["Location"]).content.decode()
    assert "Version 1 is ready" in done
    assert reverse("business_cases:paper_download", args=[slug, paper.pk, 1, "docx"]) in done
    detail = client.get(reverse("business_cases:paper", args=[slug, paper.pk])).content.decode()
    assert "Generated versions" in detail and ">1</th>" in detail


def test_a_failed_job_is_listed_on_the_paper_with_its_message(paper, soc_ready, media, monkeypatch,
                                                              django_capture_on_commit_callbacks):
    import business_cases.papers.jobs as paper_jobs

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(paper_jobs, "paper_render", broken)
    job = _generate(paper, soc_ready.users["pm"], django_capture_on_commit_callbacks)
    assert job.status == Job.Status.FAILED and f"job number: {job.pk}" in job.error
    page = soc_ready.client("viewer").get(reverse("business_cases:paper", args=["home", paper.pk]))
    assert "Try again" in page.content.decode()


# --- The command ---------------------------------------------------------------------------

def test_the_command_writes_the_pdf_and_docx(paper, tmp_path, capsys):
    out, docx = tmp_path / "paper.pdf", tmp_path / "paper.docx"
    call_command("cabinet_paper", "home", "--out", str(out), "--docx", str(docx))
    assert out.read_bytes().startswith(b"%PDF-") and "Agree it" in docx_text(docx.read_bytes())
    assert "WeasyPrint" in capsys.readouterr().out
    assert not PaperVersion.objects.exists()


@pytest.mark.parametrize("args, message", [
    (["nowhere"], "no programme with the slug 'nowhere'"),
    (["home", "--paper", "999999"], "no Cabinet paper with id 999999"),
    (["elsewhere"], "has no Cabinet paper"),
])
def test_the_command_says_what_is_wrong(paper, tmp_path, args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("cabinet_paper", *args, "--out", str(tmp_path / "x.pdf"))


def test_the_command_refuses_a_folder_that_does_not_exist(paper, tmp_path):
    with pytest.raises(CommandError, match="folder does not exist"):
        call_command("cabinet_paper", "home", "--out", str(tmp_path / "missing" / "x.pdf"))


# --- The API -------------------------------------------------------------------------------

def _api(soc_ready, who):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(soc_ready.users[who])
    return client


def test_the_api_requests_a_paper_and_returns_its_job_to_poll(paper, soc_ready, media,
                                                              django_capture_on_commit_callbacks):
    url = reverse("business_cases_api:cabinet-paper-generate", args=["home", paper.pk])
    request_id = str(uuid.uuid4())
    with django_capture_on_commit_callbacks(execute=True):
        first = _api(soc_ready, "director").post(url, {"request_id": request_id}, format="json")
    assert first.status_code == 202, first.content
    assert first["Location"] == first.data["poll_url"]
    again = _api(soc_ready, "director").post(url, {"request_id": request_id}, format="json")
    assert again.status_code == 200 and again.data["job"] == first.data["job"]
    polled = _api(soc_ready, "viewer").get(first.data["poll_url"])
    assert polled.status_code == 200 and polled.data["status"] == "succeeded"
    assert polled.data["version"]["number"] == 1 and polled.data["version"]["pdf_url"].endswith("/v1/pdf/")
    listed = _api(soc_ready, "viewer").get(reverse("business_cases_api:cabinet-papers-list", args=["home"]))
    row = listed.data["results"][0]
    assert row["versions"][0]["number"] == 1 and row["notice_date"] == "2026-10-12"
    assert _api(soc_ready, "viewer").post(url, {}, format="json").status_code == 403
    assert _api(soc_ready, "outsider").post(url, {}, format="json").status_code == 404
    assert _api(soc_ready, "pm").post(url, {"request_id": "twice"}, format="json").status_code == 400
    assert Job.objects.count() == 1


def test_the_api_writes_papers_by_the_same_rules(soc_ready):
    url = reverse("business_cases_api:cabinet-papers-list", args=["home"])
    body = {"title": "OBC", "meeting_date": "2027-03-10", "author": "A", "contact": "B", "issue": "I",
            "recommendations": "R", "key_decision": True}
    refused = _api(soc_ready, "pm").post(url, body, format="json")
    assert refused.status_code == 400 and "forward plan" in refused.data["forward_plan_reference"][0]
    made = _api(soc_ready, "pm").post(url, {**body, "forward_plan_reference": "E9"}, format="json")
    assert made.status_code == 201 and CabinetPaper.objects.get().created_by == soc_ready.users["pm"]
    assert _api(soc_ready, "finance").post(url, body, format="json").status_code == 403
    assert _api(soc_ready, "outsider").get(url).status_code == 404


# --- The demo paper ------------------------------------------------------------------------

@pytest.fixture
def demo_paper(settings):
    from django.utils import timezone

    from programmes.demo import DEMO_SLUG, demo_load

    assert demo_load(today=timezone.localdate())
    return CabinetPaper.objects.get(programme__slug=DEMO_SLUG)


def test_the_demo_paper_holds_the_reference_figures_in_the_pdf_and_the_docx(demo_paper):
    from django.utils import timezone

    from programmes.demo import demo_shift

    data, out = paper_render(paper=demo_paper, today=TODAY)
    pdf = pdf_text(out.pdf)
    docx = docx_text(out.docx)
    for text in (pdf, docx):
        # Workforce at SOC: the first list the provider gave.
        assert re.search(r"names 281 people \(228\.71 full-time equivalent\)", " ".join(text.split()))
        # Mobilisation spend by year, and cumulative to 2023/24.
        for figure in ("£324,932", "£1,357,886", "£597,173", "£1,682,818"):
            assert figure in text, figure
        # The sum of the years, with the note on the published total; never that total alone.
        assert "£2,279,991" in text
        assert "The published total of £2,279,992 is £1 higher than the sum of the figures, £2,279,991" in \
            " ".join(text.split())
        flat = " ".join(text.split())
        assert "E3393" in flat and "Yes: on the forward plan by" in flat
        # The options table: code and title, rank, score, outcome (the docx separates cells with |).
        cells = flat.replace(" | ", " ")
        for code, rank, outcome in (("Op.1", "2nd", "Alternative"), ("Op.2", "1st", "Preferred"),
                                    ("Op.3", "3rd", "Discounted")):
            assert re.search(rf"{re.escape(code)} \D+ {rank} .{{0,25}}? {outcome} ", cells), (code, outcome)
        # The equality duty and the demo's signed-off assessment, with a mitigation of its own.
        assert "section 149 of the Equality Act 2010" in flat and "signed off by Graham Ellis on" in flat
        assert "Post every consultation paper to staff on leave" in flat
        assert "No mitigation is recorded for the negative impact on Age." in flat  # Op.1's outline one
    # The statutory section lists the open derived deadlines, Appendix F every one, and the
    # Consultation and Equalities sections report the demo's records: about 4 pages in all.
    # With the Strategic Outline Case attached in full as its last appendix (G).
    assert 24 <= out.pages <= 36
    docx_table_rows = docx.splitlines()
    # The reference's 2023/24, moved as the demo moves every year (programmes.demo.demo_shift).
    year = demo_shift(today=timezone.localdate(), real_dates=False).fy("2023/24")
    assert f"{year} | £1,014,886 | £343,000 | £1,357,886 | £1,682,818" in docx_table_rows
    assert "Total | £1,936,991 | £343,000 | £2,279,991 | " in docx_table_rows


def test_the_demo_pdf_is_tagged_for_accessibility(demo_paper):
    _, out = paper_render(paper=demo_paper, today=TODAY)
    reader = PdfReader(io.BytesIO(out.pdf))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/Lang"] == "en-GB"
    assert root["/MarkInfo"]["/Marked"]
    assert reader.metadata.title == demo_paper.title
    # Every chart is a Figure in the structure tree, with its title as its text alternative,
    # and the Word file has each chart as a picture with the same words as its alt text; the
    # council's logo (from its paper template) first, with its own.
    figures = _structure_figures(root["/StructTreeRoot"])
    assert [str(f.get("/Alt", "")) for f in figures] == [
        "Bath & North East Somerset Council",
        "Open risks after mitigation",
        "Milestone timeline for Community Services Transformation Programme – Adult Social Care transfer"]
    pictures = WordDocument(io.BytesIO(out.docx)).inline_shapes
    assert [p._inline.docPr.get("descr").split(". ")[0] for p in pictures] == [
        str(f["/Alt"]) for f in figures]


def _structure_figures(node) -> list:
    """The /Figure elements of a tagged PDF's structure tree, in reading order."""
    found = []
    node = node.get_object()
    if hasattr(node, "get"):
        if node.get("/S") == "/Figure":
            found.append(node)
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else ([kids] if kids is not None else []):
            if hasattr(kid, "get_object") or hasattr(kid, "get"):
                found += _structure_figures(kid)
    return found
