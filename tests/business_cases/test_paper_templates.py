"""A council's paper template: the administrator sets the sections (order, headings, the
council's own, which are required before final) and the front sheet's name and logo; each
save is a version, and a paper keeps the version it was started with."""
import io
import uuid
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document as WordDocument
from PIL import Image

from business_cases.models import CabinetPaper, PaperTemplate
from business_cases.paper_templates import (
    BUILT_IN,
    DEFAULT_SECTIONS,
    TemplateSection,
    check_sections,
    template_sections,
)
from business_cases.papers import paper_data, paper_document, paper_generate
from business_cases.services import template_save
from core.documents import document_pdf, document_text
from core.images import check_image
from tests.business_cases.test_permissions import make_paper
from tests.factories import CouncilAdministratorFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 3)


def png_bytes(width=400, height=120, colour=(0, 94, 165)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


LOGO_SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 60">'
            b'<rect width="200" height="60" fill="#1d70b8"/><text x="10" y="40">Council</text></svg>')


def with_own_sections(sections=DEFAULT_SECTIONS) -> list[TemplateSection]:
    """The default sections, renamed in places, with two of the council's own: legal
    implications (required) after the resources, and public health at the end."""
    rows = []
    for s in sections:
        rows.append(TemplateSection(s.key, "The report" if s.key == "background" else s.heading,
                                    required=s.key == "equalities"))
        if s.key == "resources":
            rows.append(TemplateSection("own-legal", "Legal implications", required=True,
                                        guidance="The Monitoring Officer's comments"))
    rows.append(TemplateSection("own-public-health", "Public health"))
    return rows


@pytest.fixture
def admin(cast):
    user = UserFactory(username="council-admin")
    CouncilAdministratorFactory(organisation=cast.programme.lead_organisation, user=user)
    return user


@pytest.fixture
def council(cast):
    return cast.programme.lead_organisation


# --- The sections -------------------------------------------------------------------------------

def test_a_template_must_keep_every_built_in_section_and_says_which_is_missing():
    rows = [s for s in DEFAULT_SECTIONS if s.key != "risks"]
    with pytest.raises(ValidationError) as e:
        check_sections(rows)
    assert "missing: Risk management" in " ".join(e.value.messages)


@pytest.mark.parametrize("change, message", [
    (lambda rows: rows.__setitem__(2, TemplateSection("background", "  ")), "Section 3: enter a heading"),
    (lambda rows: rows.__setitem__(3, TemplateSection("statutory", "the issue")),
     "Section 4: the heading “the issue” is already used by section 1"),
    (lambda rows: rows.__setitem__(4, TemplateSection("options", "Options appraisal", required=True)),
     "Section 5: “Options appraisal” is written by Insource"),
    (lambda rows: rows.append(TemplateSection("own-x", "Legal", guidance="g" * 501)), "Section 14: the guidance"),
    (lambda rows: rows.append(TemplateSection("risks", "Risks again")), "Section 14: “Risks again” appears twice"),
    (lambda rows: rows.append(TemplateSection("finance", "Finance")), "no built-in section “finance”"),
])
def test_a_bad_section_is_refused_naming_its_place(change, message):
    rows = list(DEFAULT_SECTIONS)
    change(rows)
    with pytest.raises(ValidationError) as e:
        check_sections(rows)
    assert message in " ".join(e.value.messages)


def test_each_save_is_a_new_version_and_a_paper_keeps_the_one_it_was_started_with(cast, council, admin):
    first = template_save(council=council, user=admin, sections=with_own_sections(), change="Our sections")
    early = make_paper(cast.programme, cast.users["pm"])
    assert early.template == first and first.number == 1
    second = template_save(council=council, user=admin, sections=DEFAULT_SECTIONS, change="Back to standard")
    late = make_paper(cast.programme, cast.users["pm"], title="A later paper")
    early.refresh_from_db()
    assert (early.template.number, late.template.number, second.number) == (1, 2, 2)
    assert [s.heading for s in early.sections][:3] == ["The issue", "Recommendations", "The report"]
    assert "Legal implications" in [s.heading for s in early.sections]
    assert "Legal implications" not in [s.heading for s in late.sections]
    # The versions are kept as they were.
    assert template_sections(PaperTemplate.objects.get(organisation=council, number=1)) == tuple(
        check_sections(with_own_sections()))


def test_a_council_without_a_template_has_the_standard_sections(cast):
    paper = make_paper(cast.programme, cast.users["pm"])
    assert paper.template is None
    assert [s.key for s in paper.sections] == [b.key for b in BUILT_IN]


# --- The paper, written to the template ---------------------------------------------------------

def test_the_paper_follows_the_template_order_and_headings_with_the_councils_own_text(
        soc_ready, council, admin, media):
    template_save(council=council, user=admin, sections=with_own_sections(), change="Our sections",
                  council_name="The Test Council", logo=check_image("logo.png", png_bytes()),
                  logo_alt="The Test Council's crest")
    paper = make_paper(soc_ready.programme, soc_ready.users["pm"],
                       own_sections={"own-legal": "The council has the power to do this."})
    doc = paper_document(paper_data(paper=paper, today=TODAY), full=True)
    headings = [s.title for s in doc.sections if not s.appendix]
    assert headings[:3] == ["The issue", "Recommendations", "The report"]
    assert headings.index("Legal implications") == headings.index("Resource implications") + 1
    assert headings[-1] == "Public health"
    text = document_text(doc)
    assert "The council has the power to do this." in text
    assert doc.organisation == "The Test Council"
    assert doc.logo is not None and doc.logo.alt == "The Test Council's crest"
    # The PDF carries the logo with its text alternative; the Word file too.
    html = document_pdf(doc)
    assert html.content.startswith(b"%PDF")
    from business_cases.papers import paper_render

    _, out = paper_render(paper=paper, today=TODAY)
    word = WordDocument(io.BytesIO(out.docx))
    pictures = word.inline_shapes
    assert pictures[0]._inline.docPr.get("descr") == "The Test Council's crest"
    assert "The Test Council" in word.sections[0].footer.paragraphs[0].text


def test_the_paper_form_asks_for_the_councils_own_sections_under_their_headings(cast, council, admin):
    template_save(council=council, user=admin, sections=with_own_sections(), change="Our sections")
    client = cast.client("pm")
    page = client.get(reverse("business_cases:paper_create", args=["home"]))
    body = page.content.decode()
    assert "Legal implications" in body and "The Monitoring Officer" in body
    assert "The report" in body  # the background box, under the council's heading
    # In the template's order: the council's own legal section after the prose before it.
    assert body.index("The report") < body.index("Legal implications") < body.index("Public health")
    response = client.post(reverse("business_cases:paper_create", args=["home"]), {
        "title": "Bringing care in-house", "meeting_date_day": "10", "meeting_date_month": "11",
        "meeting_date_year": "2026",
        "decision_maker": "Cabinet", "wards": "All", "classification": "open", "author": "A Director",
        "contact": "a@example.org", "issue": "What to decide", "recommendations": "Agree it",
        "own__own-legal": "Lawful.", "own__own-public-health": ""})
    assert response.status_code == 302, response.context["form"].errors
    paper = CabinetPaper.objects.get(programme=cast.programme)
    assert paper.own_sections == {"own-legal": "Lawful."}
    assert paper.template.number == 1


def test_a_version_without_a_required_section_cannot_be_marked_final(
        soc_ready, council, admin, media, django_capture_on_commit_callbacks):
    template_save(council=council, user=admin, sections=with_own_sections(), change="Our sections")
    paper = make_paper(soc_ready.programme, soc_ready.users["pm"], meeting_date="2026-12-10")
    assert paper.missing_required == ["Legal implications", "Equalities"]
    director = soc_ready.users["director"]
    with django_capture_on_commit_callbacks(execute=True):
        paper_generate(paper=paper, user=director, request_id=uuid.uuid4().hex, today=TODAY)
    version = paper.versions.get()
    assert version.unwritten == ["Legal implications", "Equalities"]
    client = soc_ready.client("director")
    page = client.get(reverse("business_cases:paper_final", args=["home", paper.pk, version.number]))
    assert "requires these sections before a paper is marked final" in page.content.decode()
    assert "Legal implications, Equalities" in page.content.decode()
    # Written, a new version may be.
    paper.own_sections = {"own-legal": "Lawful."}
    paper.equalities = "No group is disadvantaged."
    paper.save()
    with django_capture_on_commit_callbacks(execute=True):
        paper_generate(paper=paper, user=director, request_id=uuid.uuid4().hex, today=TODAY)
    assert paper.versions.order_by("-number").first().unwritten == []


def test_text_for_a_section_the_template_does_not_have_is_refused(cast, council, admin):
    template_save(council=council, user=admin, sections=with_own_sections(), change="Our sections")
    paper = make_paper(cast.programme, cast.users["pm"])
    paper.own_sections = {"own-finance": "Text"}
    with pytest.raises(ValidationError) as e:
        paper.full_clean()
    assert "own-legal" in " ".join(e.value.message_dict["own_sections"])


# --- The pages -----------------------------------------------------------------------------------

def _sections_post(form_rows: list[dict]) -> dict:
    data = {}
    for i, row in enumerate(form_rows, start=1):
        for k, v in row.items():
            data[f"s{i}_{k}"] = v
    return data


def test_the_administrator_renames_moves_and_adds_sections_on_the_page(cast, council, admin):
    from django.test import Client

    client = Client()
    client.force_login(admin)
    url = reverse("paper_templates:sections", args=[council.pk])
    assert client.get(url).status_code == 200
    rows = [{"heading": s.heading, "position": str(i)} for i, s in enumerate(DEFAULT_SECTIONS, start=1)]
    rows[2]["heading"] = "The report"
    rows[7]["required"] = "on"  # equalities
    rows[12]["position"] = "1"  # background papers first: a tie keeps the order the page had
    rows[0]["position"] = "2"
    rows += [{"heading": "Section 151 Officer comments", "position": "12", "required": "on",
              "guidance": "What the Chief Financial Officer says"}, {"heading": ""}, {"heading": ""}]
    response = client.post(url, _sections_post(rows))
    assert response.status_code == 302
    template = PaperTemplate.objects.get(organisation=council)
    headings = [s["heading"] for s in template.sections]
    assert headings[0] == "Background papers" and "The report" in headings
    own = [s for s in template.sections if s["key"].startswith("own-")]
    assert own == [{"key": "own-section-151-officer-comments", "heading": "Section 151 Officer comments",
                    "required": True, "guidance": "What the Chief Financial Officer says"}]
    page = client.get(reverse("paper_templates:home", args=[council.pk])).content.decode()
    assert "Section 151 Officer comments" in page and "Required" in page
    # A bad heading is named, and nothing is saved.
    rows[3]["heading"] = "The report"
    response = client.post(url, _sections_post(rows))
    assert response.status_code == 400
    assert "is already used by section" in response.content.decode()
    assert PaperTemplate.objects.filter(organisation=council).count() == 1


def test_the_logo_is_re_encoded_and_served_as_an_image_that_runs_nothing(cast, council, admin, media):
    from django.test import Client

    client = Client()
    client.force_login(admin)
    url = reverse("paper_templates:front", args=[council.pk])
    response = client.post(url, {"council_name": "The Test Council", "logo_alt": "",
                                 "logo": SimpleUploadedFile("logo.svg", LOGO_SVG, "image/svg+xml")})
    assert response.status_code == 302
    template = PaperTemplate.objects.get(organisation=council)
    assert (template.logo_type, template.logo_alt, template.council_name) == (
        "image/svg+xml", "The Test Council", "The Test Council")
    served = client.get(reverse("paper_templates:logo", args=[council.pk, 1]))
    assert served["Content-Type"] == "image/svg+xml"
    assert "sandbox" in served["Content-Security-Policy"]
    # A hostile one is refused with the reason, and the template keeps its logo.
    hostile = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><script>alert(1)</script></svg>'
    response = client.post(url, {"council_name": "The Test Council", "logo_alt": "",
                                 "logo": SimpleUploadedFile("logo.svg", hostile, "image/svg+xml")})
    assert response.status_code == 400
    assert "a script" in response.content.decode()
    assert PaperTemplate.objects.filter(organisation=council).count() == 1
    # Removing it is a new version without one.
    response = client.post(url, {"council_name": "The Test Council", "logo_alt": "", "remove_logo": "on"})
    assert response.status_code == 302
    assert not PaperTemplate.objects.get(organisation=council, number=2).logo


def test_only_the_councils_administrator_sees_its_template(cast, council, admin):
    from django.test import Client

    template_save(council=council, user=admin, change="First", logo=check_image("l.png", png_bytes()))
    urls = [reverse("paper_templates:home", args=[council.pk]),
            reverse("paper_templates:sections", args=[council.pk]),
            reverse("paper_templates:front", args=[council.pk]),
            reverse("paper_templates:version", args=[council.pk, 1]),
            reverse("paper_templates:logo", args=[council.pk, 1])]
    for username in ("pm", "director", "outsider"):
        client = cast.client(username)
        for url in urls:
            assert client.get(url).status_code == 404, (username, url)
    other_admin = UserFactory(username="other-admin")
    CouncilAdministratorFactory(organisation=cast.other_programme.lead_organisation, user=other_admin)
    client = Client()
    client.force_login(other_admin)
    for url in urls:
        assert client.get(url).status_code == 404
    client.force_login(admin)
    for url in urls:
        assert client.get(url).status_code == 200, url


# --- Query counts ---------------------------------------------------------------------------------

@pytest.mark.parametrize("size", [3, 30])
def test_the_template_page_reads_a_pinned_number_of_queries_however_many_versions(cast, council, admin, media,
                                                                                     size):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    logo = check_image("logo.png", png_bytes())
    for n in range(size):
        template_save(council=council, user=admin, change=f"Change {n}", logo=logo if n == 0 else "keep")
        make_paper(cast.programme, cast.users["pm"], title=f"Paper {n}")
    client = Client()
    client.force_login(admin)
    url = reverse("paper_templates:home", args=[council.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    # The session and the user (2), the council administered (1), the council navigation's
    # council list (0: from the context), the versions with their paper counts (1).
    assert len(queries) == 4, [q["sql"][:120] for q in queries]


# --- The API ----------------------------------------------------------------------------------------

def test_the_api_shows_the_papers_sections_and_takes_the_councils_own_text(cast, council, admin):
    from rest_framework.test import APIClient

    template_save(council=council, user=admin, sections=with_own_sections(), change="Our sections")
    paper = make_paper(cast.programme, cast.users["pm"])
    client = APIClient()
    client.force_authenticate(cast.users["pm"])
    url = reverse("business_cases_api:cabinet-papers-detail", args=["home", paper.pk])
    body = client.get(url).json()
    assert body["template_version"] == 1
    legal = next(s for s in body["sections"] if s["key"] == "own-legal")
    assert legal == {"key": "own-legal", "heading": "Legal implications", "own": True, "required": True,
                     "written_by": "The author"}
    assert body["missing_required"] == ["Legal implications", "Equalities"]
    response = client.patch(url, {"own_sections": {"own-legal": "Lawful."}}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["missing_required"] == ["Equalities"]
    response = client.patch(url, {"own_sections": {"own-nonsense": "x"}}, format="json")
    assert response.status_code == 400
    assert "own_sections" in response.json()
    paper.refresh_from_db()
    assert paper.own_sections == {"own-legal": "Lawful."}
