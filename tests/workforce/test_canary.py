"""The canary: a distinctive name and salary seeded in a roster must appear on no page, API
response, export or PDF that a role other than HR can fetch — and must appear on HR's own
person pages, so the search is shown to work.

Every URL of every app that resolves with only the programme's slug is fetched (walking
the URL configuration, so pages added later are included), plus the pages that take a
workforce object, the xlsx exports (unzipped), the plan PDF made by its job (as text) and a
Cabinet paper's generated PDF and Word file, its preview and its API record."""
import io
import uuid
import zipfile

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from pypdf import PdfReader

from core.jobs import job_run
from core.models import Job
from tests.workforce.conftest import load_roster, make_ready, person, staff
from workforce.models import EmployeeRecord, Establishment, PensionRate, TransferRoster

pytestmark = pytest.mark.django_db

NAME = "Zebedee Quillfeather"
CANARIES = ("Zebedee", "Quillfeather", "98765", "98,765")
NON_HR = ("pm", "finance", "director", "viewer")
SLUG_KWARGS = {"slug", "programme_slug"}


def _kwargs(pattern) -> set[str]:
    return set(getattr(pattern, "converters", {})) | set(pattern.regex.groupindex)


def _patterns(resolvers, prefix="", outer=frozenset()):
    """(qualified URL name, its keyword arguments, including those of the includes above it)."""
    for p in resolvers:
        if isinstance(p, URLResolver):
            ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
            yield from _patterns(p.url_patterns, ns, outer | _kwargs(p.pattern))
        elif isinstance(p, URLPattern) and p.name:
            yield f"{prefix}{p.name}", set(outer) | _kwargs(p.pattern)


def programme_urls(slug: str) -> list[str]:
    urls = set()
    for name, kwargs in _patterns(get_resolver().url_patterns):
        if kwargs and not kwargs <= SLUG_KWARGS:
            continue
        try:
            urls.add(reverse(name, kwargs={k: slug for k in kwargs}))
        except Exception:  # a pattern that needs more than the slug
            continue
    return sorted(urls)


def council_area_urls(organisation_id: int) -> list[str]:
    """Every page of the council area that needs only the council's id."""
    urls = set()
    for name, kwargs in _patterns(get_resolver().url_patterns):
        if kwargs == {"organisation_id"} and not name.startswith("sso:login"):
            urls.add(reverse(name, kwargs={"organisation_id": organisation_id}))
    return sorted(urls)


def text_of(response) -> str:
    """What a person could read in the response: HTML/JSON text, every part of an xlsx
    (a zip of XML), or the text of a PDF."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    if content.startswith(b"%PDF"):
        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)
    return content.decode("utf-8", "replace")


@pytest.fixture
def canary(hr_programme, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cast = hr_programme
    hr = cast.users["hr"]
    rows = [*staff(9), person("E0999", name=NAME, pay="98765.43")]
    assert load_roster(cast.programme, hr, rows, name="v1.xlsx").ok
    rows2 = [*staff(8), person("E0999", name=NAME, pay="98765.43", grade="Band 8a"),
             person("E0500", name="Someone New")]
    assert load_roster(cast.programme, hr, rows2, name="v2.xlsx").ok
    make_ready(cast.programme, "E0999", "laptop")
    # A rate, so the pension cost pages cost the canary's pay (and could give it away).
    PensionRate.objects.create(programme=cast.programme, scheme="nhs", employer_rate="23.70")
    Establishment.objects.create(programme=cast.programme, name="Proposed",
                                 baseline=TransferRoster.objects.get(version=2))
    from business_cases.services import template_save
    from tests.business_cases.test_paper_templates import with_own_sections
    from tests.business_cases.test_permissions import make_paper
    from tests.factories import CouncilAdministratorFactory, UserFactory

    # The council's own template (with sections of its own), administered by someone who
    # is in no programme: their pages are walked too.
    admin = UserFactory(username="council-admin")
    CouncilAdministratorFactory(organisation=cast.programme.lead_organisation, user=admin)
    template_save(council=cast.programme.lead_organisation, user=admin, sections=with_own_sections(),
                  change="The council's sections")
    # A paper whose workforce table counts the roster holding the canary.
    make_paper(cast.programme, cast.users["pm"], title="Canary paper", own_sections={"own-legal": "Lawful."})
    # The canary is an elected representative and attends a consultation meeting too (the
    # consultations pages, their API and the paper's Consultation section are walked).
    from tests.consultations.conftest import consultation_records

    consultation_records(cast.programme, hr, name=NAME)
    return cast


def _extra_urls(cast) -> list[str]:
    from business_cases.models import CabinetPaper
    from consultations.models import ConsultationMeeting, StaffConsultation, StaffRepresentative

    slug = cast.programme.slug
    consultation = StaffConsultation.objects.get(programme=cast.programme)
    representative = StaffRepresentative.objects.get(programme=cast.programme, name=NAME)
    meeting = ConsultationMeeting.objects.get(programme=cast.programme)
    consultations = [reverse("consultations:staff_detail", args=[slug, consultation.pk]),
                     reverse("consultations:representatives_edit", args=[slug, representative.pk]),
                     reverse("consultations:representatives_history", args=[slug, representative.pk]),
                     reverse("consultations:meetings_edit", args=[slug, meeting.pk]),
                     reverse("consultations:meetings_history", args=[slug, meeting.pk]),
                     reverse("consultations_api:staff-representatives-detail", args=[slug, representative.pk]),
                     reverse("consultations_api:consultation-meetings-detail", args=[slug, meeting.pk])]
    est = Establishment.objects.get()
    paper = CabinetPaper.objects.get(programme=cast.programme)
    return [reverse("business_cases:paper", args=[slug, paper.pk]),
            reverse("business_cases:paper_preview", args=[slug, paper.pk]),
            reverse("business_cases_api:cabinet-papers-detail", args=[slug, paper.pk]),
            reverse("workforce:establishment", args=[slug, est.pk]),
            reverse("workforce:difference", args=[slug]) + "?from=1&to=2",
            reverse("workforce:difference", args=[slug]) + "?from=2&to=1",
            reverse("workforce_api:establishment", args=[slug, est.pk]),
            reverse("workforce_api:difference", args=[slug]) + "?from=1&to=2", *consultations]


def _plan_pdf(cast, client, django_capture_on_commit_callbacks) -> str:
    slug = cast.programme.slug
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("programmes:plan_pdf", args=[slug]), {"request_id": uuid.uuid4().hex})
    job = Job.objects.filter(kind="programmes.plan_pdf").latest("created_at")
    job_run(job_id=job.pk)
    response = client.get(reverse("programmes:plan_pdf_download", args=[slug, job.uuid]))
    assert response.status_code == 200
    return text_of(response)


def _cabinet_paper(cast, client, django_capture_on_commit_callbacks) -> str:
    """Generate a version of the paper as this member (or, if they may not, as the
    programme manager) and read both its files as this member may download them."""
    from business_cases.models import CabinetPaper, PaperVersion

    slug = cast.programme.slug
    paper = CabinetPaper.objects.get(programme=cast.programme)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("business_cases:paper_generate", args=[slug, paper.pk]), {"request_id": uuid.uuid4().hex})
    if not Job.objects.filter(kind="business_cases.cabinet_paper", status=Job.Status.QUEUED).exists():
        cast.client("pm").post(reverse("business_cases:paper_generate", args=[slug, paper.pk]),
                               {"request_id": uuid.uuid4().hex})
    for job in Job.objects.filter(kind="business_cases.cabinet_paper", status=Job.Status.QUEUED):
        job_run(job_id=job.pk)
    number = PaperVersion.objects.filter(paper=paper).latest("number").number
    texts = []
    for fmt in ("pdf", "docx"):
        response = client.get(reverse("business_cases:paper_download", args=[slug, paper.pk, number, fmt]))
        assert response.status_code == 200
        texts.append(text_of(response))
    assert "Staff transferring by team" in texts[0], "the paper has no workforce table to search"
    assert "consultation meeting was held" in texts[1], "the paper has no consultation records to search"
    return "\n".join(texts)


def _highlight_report(cast, client) -> str:
    """A highlight report's version (made by the programme manager) and its pages, as this
    member reads them."""
    from business_cases.highlight import KIND
    from business_cases.models import HighlightReport

    slug = cast.programme.slug
    report = HighlightReport.objects.filter(programme=cast.programme).first()
    if report is None:
        report = HighlightReport.objects.create(programme=cast.programme, period_start="2026-10-01",
                                                period_end="2026-10-31")
        cast.client("pm").post(reverse("business_cases:highlight_generate", args=[slug, report.pk]),
                               {"request_id": uuid.uuid4().hex})
        job = Job.objects.filter(kind=KIND).latest("pk")
        job_run(job_id=job.pk)
    job = Job.objects.filter(kind=KIND).latest("pk")
    texts = [text_of(client.get(reverse("business_cases:highlight", args=[slug, report.pk]))),
             text_of(client.get(reverse("business_cases:highlight_job", args=[slug, report.pk, job.uuid])))]
    for fmt in ("pdf", "docx"):
        response = client.get(reverse("business_cases:highlight_download", args=[slug, report.pk, 1, fmt]))
        assert response.status_code == 200
        texts.append(text_of(response))
    assert "Top risks and issues" in texts[2]
    return "\n".join(texts)


def _business_case_document(cast, client) -> str:
    """The SOC as a PDF and a Word file, asked for and downloaded as this member."""
    from business_cases.case_document import KIND
    from business_cases.models import BusinessCaseVersion
    from business_cases.services import version_create

    slug = cast.programme.slug
    version = BusinessCaseVersion.objects.filter(programme=cast.programme).first() or version_create(
        programme=cast.programme, stage="soc", user=cast.users["pm"])
    texts = []
    for fmt in ("pdf", "docx"):
        client.post(reverse("business_cases:case_document", args=[slug, "soc", version.number]),
                    {"format": fmt, "request_id": uuid.uuid4().hex})
        job = Job.objects.filter(kind=KIND).latest("pk")
        if job.status == Job.Status.QUEUED:
            job_run(job_id=job.pk)
        response = client.get(reverse("business_cases:case_document_download",
                                      args=[slug, "soc", version.number, job.uuid]))
        assert response.status_code == 200
        texts.append(text_of(response))
    assert "The economic case" in texts[0]
    return "\n".join(texts)


def _compare_urls(cast) -> list[str]:
    """The comparison of the paper's first version with the newest and with today's figures,
    on the page and in the API (made once the versions exist)."""
    from business_cases.models import CabinetPaper

    slug = cast.programme.slug
    paper = CabinetPaper.objects.get(programme=cast.programme)
    newest = paper.versions.latest("number").number
    urls = []
    for after in {"now", str(newest)} - {"1"}:
        query = f"?before=1&after={after}"
        urls += [reverse("business_cases:paper_compare", args=[slug, paper.pk]) + query,
                 reverse("business_cases_api:cabinet-paper-compare", args=[slug, paper.pk]) + query]
    return urls


def test_no_page_api_export_or_pdf_shows_the_canary_outside_hr(canary, django_capture_on_commit_callbacks):
    cast = canary
    urls = programme_urls(cast.programme.slug) + _extra_urls(cast)
    for must in ("workforce:summary", "workforce:export", "workforce_api:summary", "programmes:overview",
                 "consultations:home", "consultations_api:staff-representatives-list",
                 "consultations_api:consultation-meetings-list",
                 "workforce:pensions", "workforce_api:pensions"):
        assert reverse(must, args=[cast.programme.slug]) in urls, f"{must} was not walked"
    hits, fetched = [], 0
    for who in NON_HR:
        client = Client(raise_request_exception=False)
        client.force_login(cast.users[who])
        for url in urls:
            response = client.get(url)
            if response.status_code == 200:
                fetched += 1
            text = text_of(response)
            hits += [f"{who} {url}: {c}" for c in CANARIES if c in text]
        pdf = _plan_pdf(cast, client, django_capture_on_commit_callbacks)
        hits += [f"{who} plan PDF: {c}" for c in CANARIES if c in pdf]
        paper = _cabinet_paper(cast, client, django_capture_on_commit_callbacks)
        hits += [f"{who} Cabinet paper: {c}" for c in CANARIES if c in paper]
        report = _highlight_report(cast, client)
        hits += [f"{who} highlight report: {c}" for c in CANARIES if c in report]
        case = _business_case_document(cast, client)
        hits += [f"{who} business case document: {c}" for c in CANARIES if c in case]
        for url in _compare_urls(cast):
            response = client.get(url)
            assert response.status_code == 200, url
            hits += [f"{who} {url}: {c}" for c in CANARIES if c in text_of(response)]
    # The email that tells members a highlight report is ready.
    from django.core import mail

    from business_cases.highlight import notify_ready
    from business_cases.models import HighlightSubscription, HighlightVersion

    for who in NON_HR:
        cast.users[who].email = f"{who}@example.org"
        cast.users[who].save(update_fields=["email"])
        HighlightSubscription.objects.create(programme=cast.programme, user=cast.users[who])
    mail.outbox.clear()
    assert notify_ready(HighlightVersion.objects.filter(report__programme=cast.programme).latest("pk"),
                        scheduled=True) == len(NON_HR)
    # The reminders and the digest (the digest's "what changed" reads every history).
    from datetime import timedelta

    from django.utils import timezone

    from programmes.notify import preference_set, run_reminders
    from programmes.reach import reminder_kinds

    for who in NON_HR:
        for kind in reminder_kinds():
            preference_set(user=cast.users[who], kind=kind.key,
                           frequency="daily" if kind.key == "digest" else kind.frequencies[0])
    run_reminders()
    run_reminders(now=timezone.now() + timedelta(days=1, hours=1))
    assert any("in Insource" in m.subject for m in mail.outbox), "no digest was sent to search"
    for message in mail.outbox:
        text = message.subject + message.body + "".join(a[0] for a in message.alternatives)
        hits += [f"email to {message.to[0]}: {c}" for c in CANARIES if c in text]
    # The council's administrator, on the council area's pages (its template's among them).
    council = cast.programme.lead_organisation
    client = Client(raise_request_exception=False)
    client.force_login(cast.programme.lead_organisation.administrators.get().user)
    council_urls = [u for u in council_area_urls(council.pk)]
    assert reverse("paper_templates:home", args=[council.pk]) in council_urls
    for url in council_urls:
        response = client.get(url)
        assert response.status_code == 200, url
        hits += [f"council administrator {url}: {c}" for c in CANARIES if c in text_of(response)]
    assert hits == []
    assert fetched > 40 * len(NON_HR) // 2, "too few pages answered 200 for the search to mean much"


def test_search_finds_the_canary_for_no_one_outside_hr(canary):
    """The search index holds no staff record, so no search of the canary's name or pay finds
    anything, even after the index is rebuilt from every record (the roster's rows are
    written in bulk, without the signals that index a row)."""
    from core.search import search_rebuild

    search_rebuild()
    for who in NON_HR:
        client = canary.client(who)
        for words in (*CANARIES, NAME, "98765.43"):
            response = client.get(reverse("programmes:search"), {"q": words})
            assert response.status_code == 200
            assert response.context["total"] == 0, f"{who} searched {words!r}"
            assert not [c for c in CANARIES if c in text_of(response).replace(f'value="{words}"', "")
                        .replace(f"‘{words}’", "").replace(f"{words} – Search", "")], f"{who} searched {words!r}"
        # The search itself works: the paper the canary's roster is counted in is found.
        assert client.get(reverse("programmes:search"), {"q": "canary paper"}).context["total"] == 1, who


def test_hr_sees_the_canary_on_the_person_pages(canary):
    cast = canary
    slug = cast.programme.slug
    client = cast.client("hr")
    record = EmployeeRecord.objects.get(roster__version=2, employee_ref="E0999")
    assert NAME in text_of(client.get(reverse("workforce:people", args=[slug, 2])))
    detail = text_of(client.get(reverse("workforce:person", args=[slug, record.pk])))
    assert NAME in detail and "£98,765.43" in detail  # pay as money (core.formats)
    assert NAME in text_of(client.get(reverse("workforce:people_export", args=[slug, 2])))
    assert NAME in text_of(client.get(reverse("workforce_api:people", args=[slug, 2])))
    diff = text_of(client.get(reverse("workforce:difference", args=[slug]) + "?from=1&to=2"))
    assert NAME in diff and "Someone New" in diff
    from consultations.models import StaffConsultation

    consultation = StaffConsultation.objects.get(programme=cast.programme)
    assert NAME in text_of(client.get(reverse("consultations:staff_detail", args=[slug, consultation.pk])))
    assert NAME in text_of(client.get(reverse("consultations_api:staff-representatives-list", args=[slug])))
    assert NAME in text_of(client.get(reverse("consultations_api:consultation-meetings-list", args=[slug])))
    # The pension cost by person: the name and pay (as money) on the page, and in the API.
    pensions = text_of(client.get(reverse("workforce:pensions", args=[slug])))
    assert NAME in pensions and "£98,765.43" in pensions
    assert NAME in text_of(client.get(reverse("workforce_api:pensions", args=[slug])))
