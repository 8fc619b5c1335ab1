"""Every job page (the plan PDF, a big ledger commit, a Cabinet paper) shows its job with
the one status part: while the job runs, htmx polls the job's own page and swaps the part
in place, inside a polite live region that is not swapped itself (so a screen reader hears
each change); a finished job stops polling and says what it made or why it failed."""
import lxml.html
import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from business_cases.papers import KIND as PAPER_KIND
from core.models import Job
from finance.services import LEDGER_COMMIT_KIND
from programmes.views import PLAN_PDF_KIND
from tests.business_cases.test_permissions import make_paper

pytestmark = pytest.mark.django_db


def _job(target, kind, user, **fields) -> Job:
    return Job.objects.create(kind=kind, created_by=user, target_type=ContentType.objects.get_for_model(target),
                              target_id=target.pk, **fields)


def plan(cast, **fields):
    job = _job(cast.programme, PLAN_PDF_KIND, cast.users["pm"], **fields)
    return "pm", reverse("programmes:plan_pdf_job", args=[cast.programme.slug, job.uuid]), "The PDF could not be made"


def ledger(cast, **fields):
    job = _job(cast.programme, LEDGER_COMMIT_KIND, cast.users["finance"], **fields)
    return "finance", reverse("finance:ledger_job", args=[cast.programme.slug, job.uuid]), \
        "The ledger could not be loaded"


def paper(cast, **fields):
    p = make_paper(cast.programme, cast.users["pm"])
    job = _job(p, PAPER_KIND, cast.users["pm"], **fields)
    return "pm", reverse("business_cases:paper_job", args=[cast.programme.slug, p.pk, job.uuid]), \
        "The paper could not be generated"


PAGES = {"plan PDF": plan, "ledger commit": ledger, "Cabinet paper": paper}


def _status(html: str):
    found = lxml.html.fromstring(html).xpath('//*[@id="job-status"]')
    assert len(found) == 1
    return found[0]


@pytest.mark.parametrize("page", PAGES)
def test_a_running_job_is_polled_inside_a_live_region_that_stays(cast, page):
    who, url, _ = PAGES[page](cast, status=Job.Status.RUNNING, progress=40, progress_message="Drawing the charts")
    client = cast.client(who)
    status = _status(client.get(url).content.decode())
    assert status.getparent().get("aria-live") == "polite"
    assert status.get("aria-live") is None  # the swapped part holds no live region of its own
    assert (status.get("hx-get"), status.get("hx-trigger"), status.get("hx-swap")) == (url, "every 1s", "outerHTML")
    assert status.xpath('.//progress[@id="job-progress"]')[0].get("value") == "40"
    assert "Drawing the charts" in status.text_content()
    assert status.xpath('.//a[text()="Refresh"]')[0].get("href") == url

    part = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert part.lstrip().startswith('<div id="job-status"')
    swapped = _status(part)
    assert swapped.get("hx-get") == url and "aria-live" not in part


@pytest.mark.parametrize("page", PAGES)
def test_a_failed_job_stops_polling_and_says_why(cast, page):
    who, url, title = PAGES[page](cast, status=Job.Status.FAILED, error="The file went missing. Upload it again.")
    status = _status(cast.client(who).get(url).content.decode())
    assert status.get("hx-get") is None
    assert status.xpath('.//h2[@class="govuk-error-summary__title"]')[0].text_content() == title
    assert "The file went missing. Upload it again." in status.text_content()
    assert status.xpath('.//button[text()="Try again"]'), "the person who asked may try again"


def test_a_finished_job_says_what_it_made(cast):
    from django.utils import timezone

    from business_cases.models import CabinetPaper, PaperVersion

    done = {"status": Job.Status.SUCCEEDED, "progress": 100}
    who, url, _ = plan(cast, result_name="home-plan.pdf", **done)
    status = _status(cast.client(who).get(url).content.decode())
    assert status.get("hx-get") is None
    assert status.xpath('.//a[@class="govuk-button"]')[0].text_content() == "Download home-plan.pdf"

    who, url, _ = ledger(cast, **done)
    status = _status(cast.client(who).get(url).content.decode())
    assert status.get("hx-get") is None and "The ledger lines have been loaded." in status.text_content()

    who, url, _ = paper(cast, **done)
    job = Job.objects.get(kind=PAPER_KIND)
    PaperVersion.objects.create(paper=CabinetPaper.objects.get(), job=job, number=1, made_by=cast.users["pm"],
                                snapshot_at=timezone.now(), pages=12, pdf="p.pdf", docx="p.docx")
    status = _status(cast.client(who).get(url).content.decode())
    assert status.get("hx-get") is None
    assert status.xpath(".//h2")[0].text_content() == "Version 1 is ready"
    assert [a.text_content() for a in status.xpath(".//a")] == ["Download the PDF of version 1",
                                                                "Download the Word file of version 1"]
