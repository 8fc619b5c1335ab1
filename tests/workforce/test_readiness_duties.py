"""A day-one check made some member's responsibility: set on the page and over the API
(a member only), on that person's My actions and in their reminders until everyone on the
latest roster has it done, with how many are still to do unless that would point at people."""
from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from programmes import notify
from tests.api_matrix import api_client
from tests.workforce.conftest import check_ids, load_roster, make_ready, staff
from workforce.duties import readiness_duties
from workforce.models import Readiness, ReadinessItem

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def mine(cast, who: str) -> list:
    """(title, detail, date) of the day-one checks on `who`'s My actions."""
    response = cast.client(who).get(reverse("programmes:my_actions"))
    assert response.status_code == 200
    return [(r["duty"].title, r["duty"].detail, r["duty"].when) for g in response.context["groups"]
            for r in g["rows"] if r["duty"].what == "Day-one check"]


def test_hr_makes_a_member_responsible_for_a_check_and_the_page_says_who(hr_programme):
    cast, slug = hr_programme, hr_programme.programme.slug
    laptop = ReadinessItem.objects.get(programme=cast.programme, key="laptop")
    due = today() + timedelta(days=10)
    response = cast.client("hr").post(reverse("workforce:readiness_items_edit", args=[slug, laptop.pk]), {
        "label": laptop.label, "owner": cast.users["pm"].pk, "due_date_day": due.day,
        "due_date_month": due.month, "due_date_year": due.year, "_version": ""})
    assert response.status_code == 302, response.content.decode()
    laptop.refresh_from_db()
    assert (laptop.owner, laptop.due_date) == (cast.users["pm"], due)
    page = cast.client("viewer").get(reverse("workforce:readiness", args=[slug])).content.decode()
    assert f"{cast.users['pm']} is responsible, to be done by {due:%-d %b %Y}" in page
    assert "Nobody is responsible yet" in page  # the other four
    # Someone from another council is not a choice.
    refused = cast.client("hr").post(reverse("workforce:readiness_items_edit", args=[slug, laptop.pk]), {
        "label": laptop.label, "owner": cast.users["outsider"].pk, "_version": ""})
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
    laptop.refresh_from_db()
    assert laptop.owner == cast.users["pm"]


def test_the_api_sets_and_refuses_the_responsible_member(hr_programme):
    cast = hr_programme
    client = api_client(cast, "hr")
    url = reverse("workforce_api:readiness-checks-list", args=[cast.programme.slug])
    made = client.post(url, {"label": "DBS check", "owner": cast.users["finance"].pk, "due_date": "2027-03-31"},
                       format="json")
    assert made.status_code == 201, made.content
    assert (made.json()["owner"], made.json()["due_date"]) == (cast.users["finance"].pk, "2027-03-31")
    bad = client.post(url, {"label": "Badge", "owner": cast.users["outsider"].pk}, format="json")
    assert bad.status_code == 400 and "owner" in bad.json()


def test_the_responsible_member_sees_it_until_everyone_has_it_done(hr_programme):
    cast = hr_programme
    programme = cast.programme
    phone = ReadinessItem.objects.get(programme=programme, key="phone")
    phone.owner, phone.due_date = cast.users["pm"], today() + timedelta(days=5)
    phone.save()
    # No roster yet: still theirs, and said so.
    assert mine(cast, "pm") == [("Phone handed over", "No roster has been loaded yet", phone.due_date)]
    load_roster(programme, cast.users["hr"], staff(6))
    make_ready(programme, "E0001", "phone")
    make_ready(programme, "E0002", "phone", "laptop")
    assert mine(cast, "pm") == [("Phone handed over", "4 of 6 people still to do", phone.due_date)]
    assert mine(cast, "finance") == [] and mine(cast, "hr") == []
    for ref in ("E0003", "E0004", "E0005", "E0006"):
        make_ready(programme, ref, "phone")
    assert mine(cast, "pm") == []


def test_the_count_is_not_given_where_the_group_is_small_and_the_date_defaults_to_transfer_day(hr_programme):
    cast = hr_programme
    programme = cast.programme
    load_roster(programme, cast.users["hr"], staff(3))
    item = ReadinessItem.objects.get(programme=programme, key="on_payroll")
    item.owner = cast.users["director"]
    item.save()
    assert programme.transfer_date
    found = readiness_duties(programme_ids=[programme.pk], today=today())
    assert [(d.user_id, d.title, d.detail, d.when) for d in found] == [
        (cast.users["director"].pk, "On the council's payroll", "Not yet done for everyone transferring",
         programme.transfer_date)]


def test_the_responsible_member_is_reminded_by_email_once_per_stage(hr_programme):
    cast = hr_programme
    programme = cast.programme
    pm = cast.users["pm"]
    pm.email = "pm@example.org"
    pm.save(update_fields=["email"])
    for kind in ("deadline", "digest"):
        notify.preference_set(user=pm, kind=kind, frequency="off")
    notify.preference_set(user=pm, kind="readiness", frequency="immediate")
    load_roster(programme, cast.users["hr"], staff(6))
    due = today() + timedelta(days=7)
    ReadinessItem.objects.filter(programme=programme, key="induction_booked").update(owner=pm, due_date=due)
    moment = timezone.make_aware(datetime.combine(today(), time(10)))
    notify.run_reminders(now=moment)
    notify.run_reminders(now=moment)
    about = [m for m in mail.outbox if "Induction booked" in m.subject]
    assert [m.subject for m in about] == [f"Due in 7 days: Induction booked ({programme.name})"]
    assert reverse("workforce:readiness", args=[programme.slug]) in about[0].body
    # Once everyone has it, nothing more is owed.
    Readiness.objects.bulk_create([Readiness(programme=programme, employee_ref=f"E{n:04d}",
                                             done=check_ids(programme, "induction_booked")) for n in range(1, 7)])
    notify.run_reminders(now=moment + timedelta(days=6))
    assert len([m for m in mail.outbox if "Induction booked" in m.subject]) == 1
