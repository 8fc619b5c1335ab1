"""Every page of the programme app × every member of the cast × GET and POST.

The expected status comes from the rules in `core.roles`, written out here by hand for
each URL name (not read back from the views), so that a view asking for the wrong
capability fails. A URL name added to `programmes.urls` without an entry in PAGES fails
`test_matrix_covers_every_url_name`.
"""
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from core.models import Job, Upload
from core.roles import Capability, role_can
from programmes import urls as programme_urls
from programmes.feeds import calendar_feed_issue, personal_feed_issue
from programmes.membership import invitation_send
from programmes.models import (
    Baseline,
    ConfidenceAssessment,
    Contract,
    CouncilAdministrator,
    DeadlineDone,
    Decision,
    EngagementEvent,
    Invitation,
    Lesson,
    Membership,
    Milestone,
    NotificationPreference,
    Organisation,
    PersonalFeed,
    Programme,
    ServiceInScope,
    Workstream,
)
from programmes.notify import unsubscribe_token
from programmes.reach import reminder_kinds
from tests.conftest import CAST
from tests.factories import (
    ConfidenceAssessmentFactory,
    CouncilAdministratorFactory,
    DecisionFactory,
    EngagementEventFactory,
    LessonFactory,
    ServiceFactory,
    UserFactory,
    WorkstreamFactory,
)
from tests.permissions import (
    ACTION,
    COUNCIL_ADMIN,
    FORM,
    INVITED,
    PROGRAMME_ADMIN,
    READ,
    ROLE_OF,
    SIGNED_IN,
    SUPERUSER,
    TOKEN,
    AskerOrManager,
    Page,
    day,
    forbidden_status,
    history_tables,
    matrix_row,
    no_data,
    url_names,
)


@dataclass
class World:
    """The cast plus one record of every kind in the "home" programme."""

    cast: object
    records: dict
    job: Job
    feed_token: str
    failed_job: Job | None = None  # asked for by the finance officer
    # The council area: the home council's administrator (no member of any programme) and
    # a waiting invitation with its link's secret.
    council_admin: object = None
    invitation: Invitation | None = None
    invitation_token: str = ""

    @property
    def slug(self) -> str:
        return self.cast.programme.slug


@pytest.fixture
def world(cast) -> World:
    home = cast.programme
    records = {
        "decisions": DecisionFactory(programme=home, title="Go in-house"),
        "lessons": LessonFactory(programme=home, title="Brief the unions early"),
        "engagement": EngagementEventFactory(programme=home, title="Unison briefing"),
        "confidence": ConfidenceAssessmentFactory(programme=home),
        # A workstream with no milestones, so that deleting it is allowed.
        "workstreams": WorkstreamFactory(programme=home, name="Estates"),
        "services": ServiceFactory(programme=home, code="PD01"),
        "contract": home.contracts.get(),
    }
    job = Job.objects.create(kind="programmes.plan_pdf", created_by=cast.users["pm"],
                             target_type=ContentType.objects.get_for_model(home), target_id=home.pk,
                             status=Job.Status.SUCCEEDED, result_name="plan.pdf",
                             result_content_type="application/pdf")
    job.result_file.save("plan.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    membership = Membership.objects.get(programme=home, user=cast.users["pm"])
    feed_token = calendar_feed_issue(membership=membership, user=cast.users["pm"])
    failed = Job.objects.create(kind="programmes.plan_pdf", created_by=cast.users["finance"],
                                target_type=ContentType.objects.get_for_model(home), target_id=home.pk,
                                status=Job.Status.FAILED, error="The worker running this stopped.")
    council_admin = UserFactory(username="council-admin", first_name="Cara", last_name="Admin")
    CouncilAdministratorFactory(organisation=home.lead_organisation, user=council_admin)
    sent = invitation_send(programme=home, email="new.person@example.org", role="viewer",
                           by=council_admin, base_url="http://testserver/")
    return World(cast, records, job, feed_token, failed, council_admin, sent.invitation,
                 sent.url.rsplit("/", 2)[-2])


# The pages --------------------------------------------------------------------------------

def _milestone(w: World) -> dict:
    return {"slug": w.slug, "pk": w.cast.milestone.pk}


def _job(w: World) -> dict:
    return {"slug": w.slug, "job_uuid": w.job.uuid}


def _failed_job(w: World) -> dict:
    return {"slug": w.slug, "job_uuid": w.failed_job.uuid}


def _council(w: World) -> dict:
    return {"organisation_id": w.cast.programme.lead_organisation_id}


def _member(w: World) -> dict:
    return {"slug": w.slug, "pk": Membership.objects.get(programme=w.cast.programme,
                                                          user=w.cast.users["viewer"]).pk}


def _invitation(w: World) -> dict:
    return {"slug": w.slug, "pk": w.invitation.pk}


def _baseline(w: World) -> dict:
    from programmes.baselines import baseline_take
    found = Baseline.objects.filter(programme=w.cast.programme, name="Approved at OBC").first()
    if found is None:
        # Taken first, then set aside by a later one: the one a programme manager may go back to.
        found = baseline_take(programme=w.cast.programme, name="Approved at OBC", reason="OBC approved",
                              user=w.cast.users["pm"])
        baseline_take(programme=w.cast.programme, name="Approved at FBC", reason="FBC approved",
                      user=w.cast.users["pm"])
    return {"slug": w.slug, "pk": found.pk}


def _deadline(w: World) -> dict:
    from programmes.selectors import derived_milestones
    return {"slug": w.slug, "key": derived_milestones(programme=w.cast.programme)[0].key}


def _milestone_data(w: World) -> dict:
    return {"title": "Staff consultation starts", "workstream": w.cast.workstream.pk,
            "baseline_date": day(20), "forecast_date": day(25), "status": "in_progress",
            "rag": "amber", "change_reason": "Moved after the union meeting"}


def _plan_upload(w: World, *, loaded: bool = False):
    """A Microsoft Project plan received (and previewed), or loaded, by the programme manager."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.uploads import upload_commit, upload_preview, upload_receive
    from tests.programmes.mspdi_files import T, plan_xml

    pm, home = w.cast.users["pm"], w.cast.programme
    data = plan_xml([T(900, f"Imported {uuid.uuid4().hex[:8]}")])
    upload = upload_receive(target=home, kind="programmes.plan", user=pm,
                            uploaded_file=SimpleUploadedFile("plan.xml", data))
    upload_preview(upload=upload, form_kwargs={"programme": home})
    if loaded:
        assert upload_commit(upload=upload, user=pm, form_kwargs={"programme": home},
                             write_ctx={"programme": home}).ok
    return upload


def _plan(w: World, **kw) -> dict:
    return {"slug": w.slug, "upload_pk": _plan_upload(w, **kw).pk}


def _plan_file(w: World) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.programmes.mspdi_files import T, plan_xml

    return {"file": SimpleUploadedFile("plan.xml", plan_xml([T(901, f"Task {uuid.uuid4().hex[:8]}")]))}


PAGES: dict[str, Page] = {
    "list": Page(SIGNED_IN, **READ, kwargs=no_data, home=False),
    "create": Page(SUPERUSER, get=200, post=200, kwargs=no_data, home=False),
    "overview": Page(Capability.VIEW, **READ),
    "edit": Page(Capability.EDIT_PROGRAMME, **FORM, data=lambda w: {
        "name": "Home care in-house", "kind": "in_house", "status": "mobilising",
        "transfer_date": day(100), "change_reason": "New transfer date"}),
    "history": Page(Capability.VIEW, **READ),
    "tracker": Page(Capability.VIEW, **READ),
    "milestone_create": Page(Capability.EDIT_PLAN, **FORM, data=_milestone_data),
    "deadlines": Page(Capability.VIEW, **READ),
    "baselines": Page(Capability.VIEW, **READ),
    "baseline_take": Page(Capability.BASELINE_PLAN, **FORM, data=lambda w: {
        "name": f"Approved at OBC {uuid.uuid4().hex[:6]}", "reason": "The OBC was approved by Cabinet",
        "keep": "forecast"}),
    "baseline_detail": Page(Capability.VIEW, **READ, kwargs=lambda w: _baseline(w)),
    "baseline_use": Page(Capability.BASELINE_PLAN, **ACTION, kwargs=lambda w: _baseline(w)),
    "deadline_done": Page(Capability.UPDATE_MILESTONE_STATUS, **FORM, kwargs=_deadline,
                          data=lambda w: {"done_on": day(-1), "note": "Published on the website"}),
    "milestone_detail": Page(Capability.VIEW, **READ, kwargs=_milestone),
    "milestone_edit": Page(Capability.EDIT_PLAN, **FORM, kwargs=_milestone, data=_milestone_data),
    "milestone_status": Page(Capability.UPDATE_MILESTONE_STATUS, **ACTION, kwargs=_milestone,
                             data=lambda w: {"status": "in_progress"}),
    "milestone_delete": Page(Capability.EDIT_PLAN, **FORM, kwargs=_milestone),
    "exports": Page(Capability.EXPORT, **READ),
    "plan_xlsx": Page(Capability.EXPORT, **READ),
    "plan_mspdi": Page(Capability.EXPORT, **READ),
    "plan_import": Page(Capability.EDIT_PLAN, **FORM, data=_plan_file),
    # A plan has no columns to map: the step goes straight on to the preview.
    "plan_import_mapping": Page(Capability.EDIT_PLAN, get=302, post=302, kwargs=_plan),
    "plan_import_preview": Page(Capability.EDIT_PLAN, **READ, kwargs=_plan),
    "plan_import_commit": Page(Capability.EDIT_PLAN, **ACTION, kwargs=_plan),
    "plan_import_discard": Page(Capability.EDIT_PLAN, **ACTION, kwargs=_plan),
    "plan_import_errors": Page(Capability.EDIT_PLAN, **READ, kwargs=_plan),
    "plan_imports": Page(Capability.EDIT_PLAN, **READ),
    "plan_import_rollback": Page(Capability.EDIT_PLAN, **ACTION, kwargs=lambda w: _plan(w, loaded=True)),
    "plan_pdf": Page(Capability.EXPORT, **ACTION, data=lambda w: {"request_id": uuid.uuid4().hex}),
    "plan_pdf_job": Page(Capability.EXPORT, **READ, kwargs=_job),
    "plan_pdf_download": Page(Capability.EXPORT, **READ, kwargs=_job),
    "plan_pdf_retry": Page(AskerOrManager(Capability.EXPORT, "finance"), **ACTION, kwargs=_failed_job),
    "calendar_token": Page(Capability.EXPORT, **ACTION, data=lambda w: {"action": "rotate"}),
    "calendar_feed": Page(TOKEN, **READ, kwargs=lambda w: {"token": w.feed_token}, home=False),
    # A person's own pages, across their programmes (an outsider has their own).
    "my_actions": Page(SIGNED_IN, **READ, kwargs=no_data, home=False),
    "search": Page(SIGNED_IN, **READ, kwargs=no_data, home=False),
    "my_actions_calendar": Page(SIGNED_IN, **ACTION, kwargs=no_data, data=lambda w: {"action": "rotate"},
                                home=False),
    "my_actions_feed": Page(TOKEN, **READ, kwargs=lambda w: {"token": personal_feed_issue(user=w.cast.users["pm"])},
                            home=False),
    "email_settings": Page(SIGNED_IN, **FORM, kwargs=no_data, home=False,
                           data=lambda w: {k.key: "off" for k in reminder_kinds()}),
    "unsubscribe": Page(TOKEN, get=200, post=302, home=False,
                        kwargs=lambda w: {"token": unsubscribe_token(w.cast.users["pm"].pk, "due")}),
    # The council area and a programme's members: the council's administrators only.
    "council_list": Page(SIGNED_IN, **READ, kwargs=no_data, home=False),
    "council_home": Page(COUNCIL_ADMIN, **READ, kwargs=_council),
    "council_programme_create": Page(COUNCIL_ADMIN, **FORM, kwargs=_council, data=lambda w: {
        "name": "Day services review", "slug": "day-services", "status": "planning",
        "kind": "in_house", "transfer_date": day(201)}),
    "council_access": Page(COUNCIL_ADMIN, **READ, kwargs=_council),
    "council_organisations": Page(COUNCIL_ADMIN, **FORM, kwargs=_council, data=lambda w: {
        "name": "Sirona care and health CIC", "kind": "outgoing_provider"}),
    "council_administrators": Page(COUNCIL_ADMIN, **FORM, kwargs=_council,
                                   data=lambda w: {"user": w.cast.users["pm"].pk}),
    "council_administrator_remove": Page(COUNCIL_ADMIN, **FORM, kwargs=lambda w: {
        **_council(w), "pk": _second_administrator(w).pk}),
    "council_log": Page(COUNCIL_ADMIN, **READ, kwargs=_council),
    "members": Page(PROGRAMME_ADMIN, **READ),
    "member_add": Page(PROGRAMME_ADMIN, **ACTION, data=lambda w: {
        "user": w.council_admin.pk, "role": "viewer"}),
    "member_invite": Page(PROGRAMME_ADMIN, **ACTION, data=lambda w: {
        "email": "another@example.org", "role": "finance_officer"}),
    "member_role": Page(PROGRAMME_ADMIN, **ACTION, kwargs=_member, data=lambda w: {"role": "director"}),
    "member_remove": Page(PROGRAMME_ADMIN, **FORM, kwargs=_member),
    "invitation_resend": Page(PROGRAMME_ADMIN, **ACTION, kwargs=_invitation),
    "invitation_revoke": Page(PROGRAMME_ADMIN, **ACTION, kwargs=_invitation),
    "invitation_accept": Page(INVITED, **FORM, kwargs=lambda w: {"token": w.invitation_token},
                              data=lambda w: {"new_password1": "a-long-Pass-phrase-9",
                                              "new_password2": "a-long-Pass-phrase-9"}, home=False),
}


def _second_administrator(w: World):
    """Another administrator of the home council, so that removing one is allowed."""
    council = w.cast.programme.lead_organisation
    found = CouncilAdministrator.objects.filter(organisation=council).exclude(user=w.council_admin).first()
    return found or CouncilAdministratorFactory(organisation=council, user=UserFactory(username="second-admin"))

# The simple records of `programmes.resources`: who edits each, and a valid form for it.
RESOURCE_EDITORS = {
    "decisions": Capability.EDIT_PLAN,
    "lessons": Capability.EDIT_PLAN,
    "engagement": Capability.EDIT_PLAN,
    "confidence": Capability.EDIT_PLAN,
    "workstreams": Capability.EDIT_PROGRAMME,
    "services": Capability.EDIT_PROGRAMME,
    "contract": Capability.EDIT_PROGRAMME,
}
RESOURCE_FORMS: dict[str, Callable[[World], dict]] = {
    "decisions": lambda w: {"body": "Cabinet", "meeting_date": day(40), "title": "Approve the FBC",
                            "key_decision": "on", "classification": "open"},
    "lessons": lambda w: {"title": "Start TUPE early", "kind": "to_improve", "recorded_on": day(0)},
    "engagement": lambda w: {"date": day(0), "kind": "staff_briefing", "group": "Care staff",
                             "title": "All-staff briefing", "attendees": "40"},
    "confidence": lambda w: {"period_end": "2031-03-31", "scale": "five", "rating": "amber_green"},
    "workstreams": lambda w: {"name": "IT cutover", "kind": "it", "order": "4"},
    "services": lambda w: {"code": "PD99", "name": "Reablement", "share_of_contract": "12.5"},
    "contract": lambda w: {"title": "Day services agreement", "counterparty": w.cast.programme.lead_organisation.pk,
                           "services": [w.records["services"].pk], "end_date": day(300), "notice_days": "90",
                           "annual_value": "31000.50", "staff_transfer": "on", "transfer_date": day(301)},
}


def _record(key: str) -> Callable[[World], dict]:
    return lambda w: {"slug": w.slug, "pk": w.records[key].pk}


for _key, _capability in RESOURCE_EDITORS.items():
    PAGES[f"{_key}_list"] = Page(Capability.VIEW, **READ)
    PAGES[f"{_key}_create"] = Page(_capability, **FORM, data=RESOURCE_FORMS[_key])
    PAGES[f"{_key}_edit"] = Page(_capability, **FORM, kwargs=_record(_key), data=RESOURCE_FORMS[_key])
    PAGES[f"{_key}_delete"] = Page(_capability, **FORM, kwargs=_record(_key))
    PAGES[f"{_key}_history"] = Page(Capability.VIEW, **READ, kwargs=_record(_key))


def test_the_rules_the_matrix_relies_on():
    """The matrix reads `core.roles`; pin the rules it is written against."""
    def who(capability):
        return {username for username, role in ROLE_OF.items() if role_can(role, capability)}

    everyone = set(ROLE_OF)
    assert who(Capability.VIEW) == who(Capability.EXPORT) == everyone
    assert who(Capability.EDIT_PLAN) == who(Capability.EDIT_PROGRAMME) == {"pm", "director"}
    assert who(Capability.UPDATE_MILESTONE_STATUS) == {"pm", "director", "finance", "hr"}


def test_matrix_covers_every_url_name():
    names = url_names(programme_urls.urlpatterns)
    assert len(names) > 20
    # The council's lists have their own matrix (council administrators, not programme roles).
    from tests.programmes.test_council_lists import PAGES as COUNCIL_LIST_PAGES

    names -= COUNCIL_LIST_PAGES.keys()
    assert names - PAGES.keys() == set(), "URL names with no entry in the permission matrix"
    assert PAGES.keys() - names == set(), "matrix entries for URL names that no longer exist"


# The matrix -------------------------------------------------------------------------------

# Every programme record keeps its history, so a change anywhere adds a history row; a PDF
# request adds a Job.
FINGERPRINT_TABLES = history_tables((
    Programme, Membership, Workstream, ServiceInScope, Contract, Milestone, Decision, Lesson, EngagementEvent,
    ConfidenceAssessment, CouncilAdministrator, Invitation, Organisation, DeadlineDone,
    NotificationPreference, Baseline, Upload)) + [Job._meta.db_table, PersonalFeed._meta.db_table]


# Parametrised by URL name; each test goes through the whole cast with GET and POST
# (rolling back after each request) and compares every status at once. This keeps the
# matrix fast, and a failure shows the whole row.
@pytest.mark.parametrize("name", sorted(PAGES))
def test_permission_matrix(world, name):
    page = PAGES[name]
    url = reverse(f"programmes:{name}", kwargs=page.kwargs(world))
    expected, actual, problems = matrix_row(world, page, url, FINGERPRINT_TABLES)
    assert actual == expected, url
    assert problems == []


# Representative changes: done for allowed roles, not done for the others -----------------

@pytest.mark.parametrize("who", CAST)
def test_milestone_status_update(world, who):
    cast = world.cast
    m = cast.milestone
    response = cast.client(who).post(
        reverse("programmes:milestone_status", args=[cast.programme.slug, m.pk]),
        {"status": "at_risk"})
    m.refresh_from_db()
    allowed = who in ROLE_OF and role_can(ROLE_OF[who], Capability.UPDATE_MILESTONE_STATUS)
    assert allowed == (who in {"pm", "director", "finance", "hr"})
    if allowed:
        assert response.status_code == 302
        assert m.status == Milestone.Status.AT_RISK
        latest = m.history.first()
        assert latest.history_user == cast.users[who]
        assert latest.history_change_reason == "Status set to At risk"
    else:
        assert response.status_code == forbidden_status(who)
        assert m.status == Milestone.Status.NOT_STARTED
        assert m.history.count() == 1


@pytest.mark.parametrize("who", CAST)
def test_decision_create(world, who):
    cast = world.cast
    response = cast.client(who).post(reverse("programmes:decisions_create", args=[cast.programme.slug]),
                                     RESOURCE_FORMS["decisions"](world))
    created = Decision.objects.filter(programme=cast.programme, title="Approve the FBC")
    if who in {"pm", "director"}:
        assert response.status_code == 302
        assert response["Location"] == reverse("programmes:decisions_list", args=[cast.programme.slug])
        decision = created.get()
        assert decision.key_decision is True
        assert decision.history.first().history_user == cast.users[who]
    else:
        assert response.status_code == forbidden_status(who)
        assert not created.exists()


@pytest.mark.parametrize("who", CAST)
def test_milestone_edit(world, who):
    cast = world.cast
    m = cast.milestone
    response = cast.client(who).post(
        reverse("programmes:milestone_edit", args=[cast.programme.slug, m.pk]), _milestone_data(world))
    m.refresh_from_db()
    if who in {"pm", "director"}:
        assert response.status_code == 302
        assert m.title == "Staff consultation starts"
        assert m.forecast_date.isoformat() == day(25)
        latest = m.history.first()
        assert (latest.history_user, latest.history_change_reason) == (
            cast.users[who], "Moved after the union meeting")
    else:
        assert response.status_code == forbidden_status(who)
        assert m.title == "Consultation"
        assert m.history.count() == 1


def test_invalid_milestone_form_is_shown_again_and_saves_nothing(world):
    cast = world.cast
    m = cast.milestone
    data = {**_milestone_data(world), "status": "complete"}  # complete, but no actual date
    response = cast.client("pm").post(
        reverse("programmes:milestone_edit", args=[cast.programme.slug, m.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"actual_date"}
    m.refresh_from_db()
    assert m.title == "Consultation"


def test_milestone_form_offers_only_this_programmes_workstreams(world):
    cast = world.cast
    foreign = WorkstreamFactory(programme=cast.other_programme, name="Their HR")
    data = {**_milestone_data(world), "workstream": foreign.pk}
    response = cast.client("pm").post(reverse("programmes:milestone_create", args=[cast.programme.slug]),
                                      data)
    assert response.status_code == 200
    assert "workstream" in response.context["form"].errors
    assert not Milestone.objects.filter(workstream=foreign).exists()


def test_outsider_cannot_reach_home_records_through_their_own_programme(world):
    """Another programme's record under the outsider's own slug is 404, not 403 or 200."""
    cast = world.cast
    client = cast.client("outsider")
    other = cast.other_programme.slug
    assert client.get(reverse("programmes:milestone_detail", args=[other, cast.milestone.pk])).status_code == 404
    assert client.post(reverse("programmes:milestone_status", args=[other, cast.milestone.pk]),
                       {"status": "cancelled"}).status_code == 404
    for key, record in world.records.items():
        assert client.get(reverse(f"programmes:{key}_edit", args=[other, record.pk])).status_code == 404
        assert client.post(reverse(f"programmes:{key}_delete", args=[other, record.pk])).status_code == 404
    assert client.get(reverse("programmes:plan_pdf_download", args=[other, world.job.uuid])).status_code == 404
    cast.milestone.refresh_from_db()
    assert cast.milestone.status == Milestone.Status.NOT_STARTED
    assert all(type(r).objects.filter(pk=r.pk).exists() for r in world.records.values())


def test_superuser_may_set_up_a_programme(world):
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(admin)
    assert client.get(reverse("programmes:create")).status_code == 200
    response = client.post(reverse("programmes:create"), {
        "name": "Day services", "slug": "day-services",
        "lead_organisation": world.cast.programme.lead_organisation_id, "status": "planning",
        "kind": "in_house", "transfer_date": day(201)})
    assert response.status_code == 302
    assert Programme.objects.get(slug="day-services").history.first().history_user == admin


# The calendar feed: the token is the credential ------------------------------------------

def test_calendar_feed_with_valid_token(world):
    response = Client().get(reverse("programmes:calendar_feed", args=[world.feed_token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VCALENDAR" in response.content
    assert b"Consultation" in response.content


@pytest.mark.parametrize("token", ["not-a-real-token", "x" * 43])
def test_calendar_feed_with_unknown_token_is_404(world, token):
    assert Client().get(reverse("programmes:calendar_feed", args=[token])).status_code == 404


def test_calendar_feed_stops_when_revoked_or_user_inactive(world):
    url = reverse("programmes:calendar_feed", args=[world.feed_token])
    pm = world.cast.users["pm"]
    pm.is_active = False
    pm.save()
    assert Client().get(url).status_code == 404
    pm.is_active = True
    pm.save()
    assert Client().get(url).status_code == 200
    response = world.cast.client("pm").post(
        reverse("programmes:calendar_token", args=[world.slug]), {"action": "revoke"})
    assert response.status_code == 302
    assert Membership.objects.get(user=pm, programme=world.cast.programme).calendar_token_hash is None
    assert Client().get(url).status_code == 404


# CSRF -------------------------------------------------------------------------------------

def test_csrf_is_enforced_on_state_changes(world):
    cast = world.cast
    m = cast.milestone
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.users["pm"])
    url = reverse("programmes:milestone_status", args=[cast.programme.slug, m.pk])

    response = client.post(url, {"status": "complete"})
    assert response.status_code == 403
    m.refresh_from_db()
    assert m.status == Milestone.Status.NOT_STARTED

    # The same POST with the form's token goes through, so the 403 above was the CSRF check.
    page = client.get(reverse("programmes:milestone_detail", args=[cast.programme.slug, m.pk]))
    token = page.context["csrf_token"]
    response = client.post(url, {"status": "complete", "csrfmiddlewaretoken": str(token)})
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.status == Milestone.Status.COMPLETE
