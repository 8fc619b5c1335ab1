"""The plan imports' list page: its query count pinned, the same at 3 uploads and 30."""
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import Upload
from programmes.mspdi import PLAN_KIND

pytestmark = pytest.mark.django_db


def _uploads(cast, n: int) -> None:
    ct = ContentType.objects.get_for_model(cast.programme)
    people = [cast.users["pm"], cast.users["director"]]
    statuses = (Upload.Status.COMMITTED, Upload.Status.PREVIEWED, Upload.Status.FAILED)
    start = Upload.objects.count()
    for i in range(start, start + n):
        Upload.objects.create(target_type=ct, target_id=cast.programme.pk, kind=PLAN_KIND,
                              original_name=f"plan {i}.xml", sha256=f"{i:064d}", size=3,
                              file=ContentFile(b"<a/>", name=f"plan{i}.xml"), status=statuses[i % 3],
                              uploaded_by=people[i % 2])


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_plan_imports_page_runs_a_pinned_number_of_queries(cast):
    client = cast.client("pm")
    url = reverse("programmes:plan_imports", args=[cast.programme.slug])
    _uploads(cast, 3)
    few = _count(client, url)
    _uploads(cast, 27)
    assert _count(client, url) == few == PINNED


# The session and user, the programme with the membership, the contracts (the navigation),
# the uploads with who loaded each.
PINNED = 5
