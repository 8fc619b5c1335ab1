"""A delete refused because other records still point at the record says which records
and what to do first: on the page (as an error) and in the API (409)."""
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from core.financial_year import FinancialYear
from finance.models import BudgetLine, BudgetVersion, FundingSource
from programmes.models import Workstream

pytestmark = pytest.mark.django_db
WORKSTREAM = ("This workstream is the workstream of the milestone ‘Consultation’. Change that "
              "milestone’s workstream or delete it first, then delete this workstream.")


def test_deleting_a_workstream_with_milestones_on_the_page(cast):
    url = reverse("programmes:workstreams_delete", args=["home", cast.workstream.pk])
    page = cast.client("pm").post(url, follow=True).content.decode()
    assert WORKSTREAM in page
    assert 'data-message-level="error"' in page
    assert Workstream.objects.filter(pk=cast.workstream.pk).exists()


def test_deleting_a_workstream_with_milestones_over_the_api(cast):
    client = APIClient()
    client.force_login(cast.users["pm"])
    answer = client.delete(reverse("api:workstreams-detail", args=["home", cast.workstream.pk]))
    assert answer.status_code == 409
    assert answer.json() == {"detail": WORKSTREAM}
    assert Workstream.objects.filter(pk=cast.workstream.pk).exists()


def test_deleting_a_funding_source_that_budget_lines_use(cast):
    p = cast.programme
    source = FundingSource.objects.create(programme=p, name="Better Care Fund")
    version = BudgetVersion.objects.create(programme=p, name="SOC estimate")
    for n in range(4):
        BudgetLine.objects.create(programme=p, version=version, financial_year=FinancialYear(2024),
                                  amount=Decimal(10 + n), funding_source=source, description=f"Line {n}")
    url = reverse("finance:funding-sources_delete", args=["home", source.pk])
    page = cast.client("finance").post(url, follow=True).content.decode()
    assert "This funding source is the funding source of the budget lines" in page
    assert "and 1 more" in page
    assert "Change their funding source or delete them first, then delete this funding source." in page
    assert FundingSource.objects.filter(pk=source.pk).exists()


def test_an_upload_kind_whose_rollback_meets_records_in_the_way(cast):
    """The pipeline's own net, for a kind that does not word the refusal itself."""
    from django.contrib.contenttypes.models import ContentType

    from core.models import Upload
    from core.uploads import UploadError, UploadSpec, upload_rollback, upload_spec
    from programmes.services import record_delete

    def remove_workstream(*, upload, user):
        record_delete(instance=cast.workstream, user=user, reason="Upload rolled back")

    upload_spec(UploadSpec(kind="tests.workstreams", columns=(), form_class=None, write=None,
                           rollback=remove_workstream))
    upload = Upload.objects.create(
        target_type=ContentType.objects.get_for_model(cast.programme), target_id=cast.programme.pk,
        kind="tests.workstreams", original_name="streams.csv", sha256="0" * 64, size=1, file="streams.csv",
        uploaded_by=cast.users["pm"], status=Upload.Status.COMMITTED)
    with pytest.raises(UploadError) as refused:
        upload_rollback(upload=upload, user=cast.users["pm"])
    assert refused.value.message == (
        "This upload’s data is the workstream of the milestone ‘Consultation’. Change that milestone’s "
        "workstream or delete it first, then roll back this upload’s data.")
    upload.refresh_from_db()
    assert upload.status == Upload.Status.COMMITTED
    assert Workstream.objects.filter(pk=cast.workstream.pk).exists()
