"""Trying a failed Cabinet paper job again: the page's "Try again", and the API's retry
action with every member of the cast."""
import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import reverse
from rest_framework.test import APIClient

from business_cases.models import PaperVersion
from business_cases.papers import KIND
from core.models import Job
from tests.business_cases.test_papers import make_paper
from tests.conftest import CAST


@pytest.fixture
def failed(soc_ready, settings, tmp_path):
    """A paper and a job the director asked for, failed as the reaper leaves it."""
    settings.MEDIA_ROOT = tmp_path
    paper = make_paper(soc_ready.programme, soc_ready.users["pm"])
    job = Job.objects.create(kind=KIND, created_by=soc_ready.users["director"], status=Job.Status.FAILED,
                             target_type=ContentType.objects.get_for_model(paper), target_id=paper.pk,
                             params={"today": "2026-09-01"},
                             error="The worker running this stopped before it finished. Press Try again.")
    return paper, job


def _api(cast, who):
    client = APIClient()
    if who != "anonymous":
        client.force_authenticate(cast.users[who])
    return client


API_EXPECTED = {"pm": 202, "director": 202, "finance": 403, "hr": 403, "viewer": 403, "outsider": 404,
                "anonymous": 401}


@pytest.mark.parametrize("who", CAST)
def test_the_api_retry_matrix(soc_ready, failed, who):
    paper, job = failed
    url = reverse("business_cases_api:cabinet-paper-job-retry", args=["home", paper.pk, job.uuid])
    with transaction.atomic():
        response = _api(soc_ready, who).post(url)
        made = Job.objects.filter(retry_of=job).exists()
        transaction.set_rollback(True)
    assert response.status_code == API_EXPECTED[who], response.content
    assert made == (response.status_code == 202)
    # POST only: a GET is refused before the job is looked at.
    assert _api(soc_ready, who).get(url).status_code == (401 if who == "anonymous" else 405)


def test_the_api_retry_makes_one_new_version_and_keeps_the_failed_job(soc_ready, failed,
                                                                      django_capture_on_commit_callbacks):
    paper, job = failed
    url = reverse("business_cases_api:cabinet-paper-job-retry", args=["home", paper.pk, job.uuid])
    with django_capture_on_commit_callbacks(execute=True):
        first = _api(soc_ready, "director").post(url)
    assert first.status_code == 202, first.content
    again = _api(soc_ready, "director").post(url)
    assert again.status_code == 200 and again.data["job"] == first.data["job"]
    polled = _api(soc_ready, "viewer").get(first.data["poll_url"])
    assert polled.data["status"] == "succeeded" and polled.data["version"]["number"] == 1
    assert polled.data["retry_of"] == str(job.uuid) and polled.data["retry_url"] is None
    old = _api(soc_ready, "viewer").get(
        reverse("business_cases_api:cabinet-paper-job", args=["home", paper.pk, job.uuid]))
    assert old.data["status"] == "failed" and old.data["retry_url"].endswith(url)
    retry = Job.objects.get(uuid=first.data["job"])
    assert retry.retry_of == job and PaperVersion.objects.get(paper=paper).job == retry
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.error
    # The retry succeeded: it cannot be tried again.
    refused = _api(soc_ready, "director").post(
        reverse("business_cases_api:cabinet-paper-job-retry", args=["home", paper.pk, retry.uuid]))
    assert refused.status_code == 409 and "Only work that failed" in refused.data["detail"]


def test_the_page_offers_try_again_to_those_who_may(soc_ready, failed, django_capture_on_commit_callbacks):
    paper, job = failed
    page_url = reverse("business_cases:paper_job", args=["home", paper.pk, job.uuid])
    retry_url = reverse("business_cases:paper_job_retry", args=["home", paper.pk, job.uuid])
    for who, offered in (("director", True), ("pm", True), ("finance", False), ("viewer", False)):
        page = soc_ready.client(who).get(page_url).content.decode()
        assert "The worker running this stopped" in page
        assert (f'action="{retry_url}"' in page) == offered, who
    with django_capture_on_commit_callbacks(execute=True):
        response = soc_ready.client("pm").post(retry_url)
    retry = Job.objects.get(retry_of=job)
    assert response["Location"] == reverse("business_cases:paper_job", args=["home", paper.pk, retry.uuid])
    retry.refresh_from_db()
    assert retry.status == Job.Status.SUCCEEDED, retry.error
    assert PaperVersion.objects.get(paper=paper).made_by == soc_ready.users["pm"]
    page = soc_ready.client("director").get(page_url).content.decode()
    assert "See the new attempt" in page and f'action="{retry_url}"' not in page


def test_the_paper_page_lists_a_failed_job_with_try_again_until_it_is_tried_again(
        soc_ready, failed, django_capture_on_commit_callbacks):
    paper, job = failed
    page_url = reverse("business_cases:paper", args=["home", paper.pk])
    retry_url = reverse("business_cases:paper_job_retry", args=["home", paper.pk, job.uuid])
    for who, offered in (("director", True), ("pm", True), ("viewer", False)):
        page = soc_ready.client(who).get(page_url).content.decode()
        assert "The worker running this stopped" in page
        assert (f'action="{retry_url}"' in page) == offered, who
    with django_capture_on_commit_callbacks(execute=True):
        soc_ready.client("director").post(retry_url)
    page = soc_ready.client("director").get(page_url).content.decode()
    assert "The worker running this stopped" not in page and f'action="{retry_url}"' not in page
    assert PaperVersion.objects.filter(paper=paper).count() == 1
