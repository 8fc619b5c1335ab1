"""Draft and final: every version is marked "Draft" on every page until the director marks
one final with its date of publication; it is then printed again from what it kept, marked
"Final, published …" and without the drafts' notes. A draft made after a final version lists
the figures changed since, the paper's page warns of them, and any two versions (or a
version and today's figures) can be compared figure by figure."""
import io
import uuid
from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from docx import Document as WordDocument
from pypdf import PdfReader

from business_cases.models import PaperVersion
from business_cases.papers import FINAL_KIND, final_check, paper_data, paper_document, paper_generate
from core.documents import (
    Cell,
    Document,
    Figure,
    FigureChange,
    Items,
    Para,
    Table,
    document_figures,
    document_final,
    document_from_json,
    document_json,
    document_text,
    figures_changed,
)
from core.models import Job
from tests.business_cases.conftest import add_line
from tests.business_cases.test_permissions import make_paper

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)
MEETING = "2026-12-10"  # reports open to inspection 5 clear days before: by 4 December


@pytest.fixture
def paper(soc_ready):
    return make_paper(soc_ready.programme, soc_ready.users["pm"], meeting_date=MEETING)


def _read(field) -> bytes:
    with field.open("rb") as f:
        return f.read()


def _pages(content: bytes) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(content)).pages]


def _word_header(content: bytes) -> str:
    word = WordDocument(io.BytesIO(content))
    return " ".join(p.text for s in word.sections for p in s.header.paragraphs)


def _word_text(content: bytes) -> str:
    word = WordDocument(io.BytesIO(content))
    return "\n".join(p.text for p in word.paragraphs)


def _generate(paper, user, capture) -> PaperVersion:
    with capture(execute=True):
        job, _ = paper_generate(paper=paper, user=user, request_id=uuid.uuid4().hex, today=TODAY)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    version = PaperVersion.objects.get(job=job)
    # Made on the day the tests pretend it is, so that the dates below stay in order.
    PaperVersion.objects.filter(pk=version.pk).update(made_at=datetime(2026, 11, 23, 10, tzinfo=UTC))
    version.refresh_from_db()
    return version


def _mark_final(client, paper, number, published_on, capture):
    day, month, year = published_on.split(" ")
    with capture(execute=True):
        response = client.post(reverse("business_cases:paper_final", args=[paper.programme.slug, paper.pk, number]),
                               {"published_on_day": day, "published_on_month": month, "published_on_year": year})
    return response


# --- Keeping and comparing documents ---------------------------------------------------------

def test_a_document_kept_as_json_comes_back_the_same(paper):
    doc = paper_document(paper_data(paper=paper, today=TODAY), full=True)
    doc.marking = "Draft"
    section = doc.section("Extra")
    section.add(Para("Plain", numbered=False), Items(("a", "b"), ordered=True),
                Table(caption="T", headers=("Row", "£"), rows=(("A", Cell("£1", "green")),), numeric=frozenset({1}),
                      foot=(("Total", "£1"),), note="A note"),
                Figure(caption="F", svg='<svg role="img"></svg>',
                       table=Table(caption="F data", headers=("X", "Y"), rows=(("1", "2"),))))
    back = document_from_json(document_json(doc))
    assert back == doc
    assert document_text(back) == document_text(doc)
    assert any(isinstance(b, Figure) for s in doc.sections for b in s.blocks)


def _doc(rows, *, draft_note=False) -> Document:
    doc = Document(title="T", organisation="C")
    if draft_note:
        note = doc.section("Changes")
        note.draft_only = True
        note.add(Table(caption="Changed", headers=("Where", "Now"), rows=(("x", "£999"),)))
    doc.section("Money").add(Table(caption="Costs", headers=("Item", "Year 1", "Note"), rows=rows))
    return doc


def test_the_figures_that_changed_are_found_by_where_they_are():
    before = _doc((("Staff", "£1,000", "kept"), ("Agency", "£50", "—"), ("Other", "£5", ""), ("Other", "£6", "")))
    after = _doc((("Staff", "£1,200", "kept"), ("Other", "£5", ""), ("Other", "£7", ""), ("Kit", "£30", "")),
                 draft_note=True)
    figures = document_figures(after)
    # Words are not figures; the draft's note is not part of the paper; a repeated row is counted.
    assert ("Money › Costs › Staff", "Note") not in figures
    assert not any(where.startswith("Changes") for where, _ in figures)
    assert figures[("Money › Costs › Other (2)", "Year 1")] == "£7"
    assert figures_changed(document_figures(before), figures) == [
        FigureChange("Money › Costs › Staff", "Year 1", "£1,000", "£1,200"),
        FigureChange("Money › Costs › Other (2)", "Year 1", "£6", "£7"),
        FigureChange("Money › Costs › Kit", "Year 1", "", "£30"),
        FigureChange("Money › Costs › Agency", "Year 1", "£50", ""),
    ]
    assert figures_changed(figures, figures) == []


def test_the_final_copy_drops_the_drafts_notes_and_carries_its_marking():
    doc = _doc((("Staff", "£1", ""),), draft_note=True)
    final = document_final(doc, marking="Final, published 2 December 2026")
    assert [s.title for s in final.sections] == ["Money"] and final.marking.startswith("Final")
    assert [s.title for s in doc.sections] == ["Changes", "Money"]  # the draft itself is untouched


# --- Draft, then final ---------------------------------------------------------------------------

def test_every_page_of_a_draft_says_draft_until_the_director_marks_it_final(paper, soc_ready, media,
                                                                               django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    version = _generate(paper, soc_ready.users["pm"], capture)
    draft_pages = _pages(_read(version.pdf))
    assert len(draft_pages) >= 5 and all("Draft" in p for p in draft_pages)
    assert _word_header(_read(version.docx)) == "Draft"
    draft_words = _word_text(_read(version.docx))

    response = _mark_final(soc_ready.client("director"), paper, 1, "2 12 2026", capture)
    job = Job.objects.get(kind=FINAL_KIND)
    assert response["Location"] == reverse("business_cases:paper_job", args=["home", paper.pk, job.uuid])
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    version.refresh_from_db()
    assert version.is_final and version.published_on == date(2026, 12, 2)
    assert version.finalised_by == soc_ready.users["director"] and version.number == 1
    assert PaperVersion.objects.count() == 1  # the same version, printed again
    final_pages = _pages(_read(version.pdf))
    assert len(final_pages) == len(draft_pages)
    assert all("Final, published 2 December 2026" in p and "Draft" not in p for p in final_pages)
    assert _word_header(_read(version.docx)) == "Final, published 2 December 2026"
    assert _word_text(_read(version.docx)) == draft_words  # the same words and figures

    done = soc_ready.client("viewer").get(response["Location"]).content.decode()
    assert "Version 1 is final" in done and "Final, published 2 December 2026" in done
    detail = soc_ready.client("viewer").get(reverse("business_cases:paper", args=["home", paper.pk])).content.decode()
    assert "Version 1 is the final version, published 2 December 2026" in detail
    assert "Mark final" not in detail  # a viewer is not offered it
    assert "changed since version 1" not in detail  # nothing has changed yet


def test_a_draft_after_the_final_lists_the_changed_figures_and_the_page_warns(paper, soc_ready, media,
                                                                               django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    pm, director = soc_ready.users["pm"], soc_ready.users["director"]
    _generate(paper, pm, capture)
    _mark_final(soc_ready.client("director"), paper, 1, "2 12 2026", capture)
    # A new cost for the preferred option changes the appraisal's figures.
    add_line(soc_ready.programme.options.get(code="Op.1"), "revenue", 1, "123456", pm)

    detail = soc_ready.client("viewer").get(reverse("business_cases:paper", args=["home", paper.pk])).content.decode()
    assert "changed since version 1, the final version, was made" in detail
    compare = soc_ready.client("viewer").get(
        reverse("business_cases:paper_compare", args=["home", paper.pk]) + "?before=1&after=now").content.decode()
    assert "changed</h2>" in compare and "£123,456" in compare

    second = _generate(paper, director, capture)
    pages = _pages(_read(second.pdf))
    assert all("Draft" in p for p in pages)
    text = " ".join(pages)
    assert "Changes since the final version (version 1)" in text and "published on 2 December 2026" in text
    assert "£123,456" in text.split("Figures changed since version 1")[1]
    assert "Changes since the final version" in _word_text(_read(second.docx))

    # Version 2 compared with version 1 gives the same figures as the draft's note.
    api = soc_ready.client("viewer")
    answer = api.get(reverse("business_cases_api:cabinet-paper-compare", args=["home", paper.pk]),
                     {"before": 1, "after": 2}).json()
    assert answer["before"] == 1 and answer["after"] == "2" and answer["changes"]
    assert any("123,456" in c["after"] for c in answer["changes"])
    bad = api.get(reverse("business_cases_api:cabinet-paper-compare", args=["home", paper.pk]),
                  {"before": 1, "after": 9})
    assert bad.status_code == 400 and "after" in bad.json()

    # Marked final in its turn, version 2 leaves its note out; version 1 is a replaced final.
    _mark_final(soc_ready.client("director"), paper, 2, "3 12 2026", capture)
    second.refresh_from_db()
    final_text = " ".join(_pages(_read(second.pdf)))
    assert "Changes since the final version" not in final_text and "£123,456" in final_text
    assert "Changes since the final version" not in _word_text(_read(second.docx))
    detail = soc_ready.client("director").get(reverse("business_cases:paper", args=["home", paper.pk])).content.decode()
    assert "Final, replaced" in detail and "Version 2 is the final version, published 3 December 2026" in detail
    assert "changed since version 2" not in detail


@pytest.mark.parametrize("case, published_on, message", [
    ("already final", date(2026, 12, 2), "already final"),
    ("later final", date(2026, 12, 2), "a later one, is already final"),
    ("no source", date(2026, 12, 2), "made before versions kept what they printed"),
    ("no date", None, "Enter the date of publication"),
    ("before made", date(2026, 11, 22), "on or after the day version 1 was made, 23 November 2026"),
    ("after meeting", date(2026, 12, 11), "on or before the meeting, 10 December 2026"),
    ("meeting passed", date(2026, 11, 23), "after the meeting on 20 November 2026"),
])
def test_a_version_that_cannot_be_marked_final_says_why(paper, soc_ready, media, django_capture_on_commit_callbacks,
                                                        case, published_on, message):
    capture = django_capture_on_commit_callbacks
    version = _generate(paper, soc_ready.users["pm"], capture)
    if case == "already final":
        _mark_final(soc_ready.client("director"), paper, 1, "2 12 2026", capture)
        version.refresh_from_db()
    if case == "later final":
        _generate(paper, soc_ready.users["pm"], capture)
        _mark_final(soc_ready.client("director"), paper, 2, "2 12 2026", capture)
    if case == "meeting passed":
        paper.meeting_date = date(2026, 11, 20)
        paper.save()
    if case == "no source":
        PaperVersion.objects.filter(pk=version.pk).update(source="")
        version.refresh_from_db()
    with pytest.raises(ValidationError) as raised:
        final_check(paper=paper, version=version, published_on=published_on)
    assert message in " ".join(raised.value.message_dict["published_on"])
    # The page says the same, beside the date, and asks for no job.
    jobs = Job.objects.filter(kind=FINAL_KIND).count()
    post = {} if published_on is None else {"published_on_day": published_on.day,
                                            "published_on_month": published_on.month,
                                            "published_on_year": published_on.year}
    response = soc_ready.client("director").post(
        reverse("business_cases:paper_final", args=["home", paper.pk, 1]), post)
    assert response.status_code == 200 and message in response.content.decode()
    # What no date can mend is said instead of the form; a wrong date is an error beside the field.
    blocked = case in ("already final", "later final", "no source", "meeting passed")
    assert ("govuk-error-summary" in response.content.decode()) != blocked
    assert ('name="published_on_day"' in response.content.decode()) != blocked
    assert Job.objects.filter(kind=FINAL_KIND).count() == jobs


def test_a_late_date_is_taken_with_a_warning_naming_the_regulation(paper, soc_ready, media,
                                                                    django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    version = _generate(paper, soc_ready.users["pm"], capture)
    asked = final_check(paper=paper, version=version, published_on=date(2026, 12, 4))
    assert asked.late == ""  # 5 clear days: 5, 6, 7, 8 and 9 December
    asked = final_check(paper=paper, version=version, published_on=date(2026, 12, 7))
    assert "leaves 2 clear days" in asked.late and "reg. 7" in asked.late and "4 December 2026" in asked.late
    client = soc_ready.client("director")
    response = _mark_final(client, paper, 1, "7 12 2026", capture)
    page = client.get(response["Location"]).content.decode()
    assert "leaves 2 clear days" in page
    version.refresh_from_db()
    assert version.is_final and version.published_on == date(2026, 12, 7)


def test_a_double_click_marks_the_version_final_once(paper, soc_ready, media, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    _generate(paper, soc_ready.users["pm"], capture)
    client = soc_ready.client("director")
    with capture(execute=False):
        first = client.post(reverse("business_cases:paper_final", args=["home", paper.pk, 1]),
                            {"published_on": "2026-12-02"})
        again = client.post(reverse("business_cases:paper_final", args=["home", paper.pk, 1]),
                            {"published_on": "2026-12-02"})
    assert first["Location"] == again["Location"] and Job.objects.filter(kind=FINAL_KIND).count() == 1


def test_the_api_marks_a_version_final_and_shows_its_standing(paper, soc_ready, media,
                                                               django_capture_on_commit_callbacks):
    from rest_framework.test import APIClient

    capture = django_capture_on_commit_callbacks
    _generate(paper, soc_ready.users["pm"], capture)
    url = reverse("business_cases_api:cabinet-paper-final", args=["home", paper.pk, 1])
    director = APIClient()
    director.force_authenticate(soc_ready.users["director"])
    assert director.post(url, {"published_on": "2026-12-20"}, format="json").json() == {
        "published_on": ["The date of publication must be on or before the meeting, 10 December 2026"]}
    assert director.post(url, {"published_on": "soon"}, format="json").status_code == 400
    with capture(execute=True):
        answer = director.post(url, {"published_on": "2026-12-08"}, format="json")
    assert answer.status_code == 202 and "leaves 1 clear day " in answer.json()["warning"]
    polled = director.get(answer.json()["poll_url"]).json()
    assert polled["status"] == "succeeded"
    assert polled["version"]["is_final"] is True and polled["version"]["published_on"] == "2026-12-08"
    assert polled["version"]["marking"] == "Final, published 8 December 2026"
    pm = APIClient()
    pm.force_authenticate(soc_ready.users["pm"])
    listed = pm.get(reverse("business_cases_api:cabinet-papers-detail", args=["home", paper.pk])).json()
    assert listed["versions"][0]["marking"] == "Final, published 8 December 2026"
    assert pm.post(url, {"published_on": "2026-12-08"}, format="json").status_code == 403
