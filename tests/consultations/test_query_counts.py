"""The consultations pages run a pinned number of queries, the same for 3 records of each
kind as for 30: the session and the user (2), the programme and the membership (2), then
the page's own (the home page: each kind once, with its counts; a staff consultation: the
consultation with its counts, then its representatives, meetings, proposals and letters;
a public one: the consultation, then its findings)."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultations.models import ConsultationMeeting, Finding, Proposal, PublicConsultation, StaffConsultation
from tests.consultations.conftest import consultation_records

pytestmark = pytest.mark.django_db
PINNED = {"home": 6, "staff_detail": 9, "public_detail": 6}


def _grow(cast, staff, public, n):
    """n more consultations, and n more meetings, counter-proposals and findings on the two pages read."""
    consultation_records(cast.programme, cast.users["hr"], n=n)
    for k in range(n):
        ConsultationMeeting.objects.create(programme=cast.programme, consultation=staff,
                                           date=f"2024-01-{k % 28 + 1:02d}", attendees="Someone")
        Proposal.objects.create(programme=cast.programme, consultation=staff, kind="counter", put_by="GMB",
                                put_on="2024-01-10", text=f"Counter {k}")
        Finding.objects.create(programme=cast.programme, consultation=public, finding=f"Finding {k}")


def _counts(cast, staff, public, who):
    client = cast.client(who)
    slug = cast.programme.slug
    urls = {"home": reverse("consultations:home", args=[slug]),
            "staff_detail": reverse("consultations:staff_detail", args=[slug, staff.pk]),
            "public_detail": reverse("consultations:public_detail", args=[slug, public.pk])}
    out = {}
    for name, url in urls.items():
        with CaptureQueriesContext(connection) as q:
            assert client.get(url).status_code == 200
        out[name] = len(q)
    return out


@pytest.mark.parametrize("who", ["hr", "viewer"])
def test_query_counts_do_not_grow_with_data(cast, who):
    records = consultation_records(cast.programme, cast.users["hr"])
    staff, public = records["staff"], records["public"]
    _grow(cast, staff, public, 2)
    few = _counts(cast, staff, public, who)
    _grow(cast, staff, public, 27)
    assert StaffConsultation.objects.count() == PublicConsultation.objects.count() == 30
    # For HR, a staff consultation's page (with the names) also writes to the personal-data log.
    pinned = {**PINNED, "staff_detail": PINNED["staff_detail"] + (who == "hr")}
    assert _counts(cast, staff, public, who) == few == pinned
