"""Trying a failed plan PDF again from its job page."""
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from core.models import Job


def _failed(cast, who):
    return Job.objects.create(kind="programmes.plan_pdf", created_by=cast.users[who],
                              target_type=ContentType.objects.get_for_model(cast.programme),
                              target_id=cast.programme.pk, status=Job.Status.FAILED,
                              error="The worker running this stopped before it finished.")


def test_the_asker_tries_again_and_gets_the_pdf(cast, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    job = _failed(cast, "viewer")
    page_url = reverse("programmes:plan_pdf_job", args=["home", job.uuid])
    retry_url = reverse("programmes:plan_pdf_retry", args=["home", job.uuid])
    for who, offered in (("viewer", True), ("pm", True), ("director", False), ("hr", False)):
        page = cast.client(who).get(page_url).content.decode()
        assert (f'action="{retry_url}"' in page) == offered, who
    assert cast.client("director").post(retry_url).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client("viewer").post(retry_url)
    retry = Job.objects.get(retry_of=job)
    assert response["Location"] == reverse("programmes:plan_pdf_job", args=["home", retry.uuid])
    retry.refresh_from_db()
    assert retry.status == Job.Status.SUCCEEDED, retry.error
    assert retry.created_by == cast.users["viewer"] and retry.result_name.endswith(".pdf")
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
