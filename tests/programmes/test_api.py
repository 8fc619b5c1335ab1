"""The REST API under /api/v1/ keeps the same rules as the pages: members read, the roles
with the capability write, outsiders get 404 and anonymous clients 401.

The expected statuses are written out per endpoint here (not read from the viewsets), and
`test_matrix_covers_every_api_url_name` fails when an endpoint is added without them.
"""
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core.roles import Capability, role_can
from core.tokens import api_token_issue
from programmes import api_urls
from programmes.baselines import baseline_take
from programmes.models import (
    Baseline,
    BaselineDate,
    ConfidenceAssessment,
    Contract,
    DeadlineDone,
    Decision,
    EngagementEvent,
    Lesson,
    Membership,
    Milestone,
    Organisation,
    Programme,
    Workstream,
)
from tests.conftest import CAST, ROLE_USERNAMES
from tests.factories import (
    ConfidenceAssessmentFactory,
    ContractFactory,
    DecisionFactory,
    EngagementEventFactory,
    LessonFactory,
    MembershipFactory,
    MilestoneFactory,
    ProgrammeFactory,
    ServiceFactory,
    WorkstreamFactory,
)

ROLE_OF = {username: role for role, username in ROLE_USERNAMES.items()}
SIGNED_IN = "signed_in"  # any signed-in user: the list of their own programmes
# A programme's members: its lead council's administrators only (none of the cast is one:
# a member gets 403, the outsider 404; the administrators are tried in
# tests/programmes/test_members_api.py).
PROGRAMME_ADMIN = "programme_admin"
COUNCIL_ADMIN = "council_admin"  # an administrator of some council


def _day(n: int) -> str:
    return (timezone.localdate() + timedelta(days=n)).isoformat()


def api_client(cast, who: str) -> APIClient:
    client = APIClient()
    if who != "anonymous":
        client.force_login(cast.users[who])
    return client


@pytest.fixture
def records(cast) -> dict:
    """One record of each child resource in "home", keyed by URL segment."""
    home = cast.programme
    return {
        # A workstream without milestones, so that deleting it is allowed.
        "workstreams": WorkstreamFactory(programme=home, name="Estates"),
        "contracts": home.contracts.get(),
        "milestones": cast.milestone,
        "decisions": DecisionFactory(programme=home, title="Go in-house"),
        "lessons": LessonFactory(programme=home, title="Brief the unions early"),
        "engagement-events": EngagementEventFactory(programme=home, title="Unison briefing"),
        "confidence-assessments": ConfidenceAssessmentFactory(programme=home),
        "baselines": _baselines_taken(cast),
    }


def _baselines_taken(cast):
    """Two baselines, the later in use: the earlier is the one to go back to."""
    first = baseline_take(programme=cast.programme, name="Approved at OBC", reason="OBC approved",
                          user=cast.users["pm"])
    baseline_take(programme=cast.programme, name="Approved at FBC", reason="FBC approved", user=cast.users["pm"])
    # The cast's milestone came after both, so its baseline dates are its own to edit.
    BaselineDate.objects.filter(milestone=cast.milestone).delete()
    return first


# What each child resource is written with: a full body (POST, PUT) and a change (PATCH).
def _bodies(cast) -> dict[str, tuple[dict, dict]]:
    return {
        "workstreams": ({"name": "IT cutover", "kind": "it", "order": 4}, {"order": 7}),
        "contracts": ({"title": "Reablement contract", "counterparty": cast.programme.lead_organisation.pk,
                       "end_date": _day(200), "notice_days": 90, "annual_value": "31000.50",
                       "staff_transfer": True, "transfer_date": _day(201)}, {"notice_days": 120}),
        "milestones": ({"title": "Staff consultation starts", "workstream": cast.workstream.pk,
                        "owner": cast.users["hr"].pk, "baseline_date": _day(20),
                        "forecast_date": _day(25), "status": "in_progress", "rag_override": "amber",
                        "rag_override_reason": "Waiting on the provider"},
                       {"title": "Consultation (45 days)"}),
        "decisions": ({"body": "Cabinet", "meeting_date": _day(40), "title": "Approve the FBC",
                       "key_decision": True}, {"wards": "All wards"}),
        "lessons": ({"title": "Start TUPE early", "kind": "to_improve", "recorded_on": _day(0),
                     "workstream": cast.workstream.pk}, {"action": "Start six months out"}),
        "engagement-events": ({"date": _day(0), "kind": "staff_briefing", "group": "Care staff",
                               "title": "All-staff briefing", "attendees": 40}, {"attendees": 41}),
        "confidence-assessments": ({"period_end": "2031-03-31", "scale": "three", "rating": "amber",
                                    "assessed_by": cast.users["director"].pk}, {"commentary": "Improving"}),
        "baselines": ({"name": "Re-planned after the consultation", "reason": "Consultation extended"}, {}),
    }


# The endpoints ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Endpoint:
    """For each method: who may use it, and the status they get."""

    methods: dict[str, tuple[Capability | str, int]]
    kwargs: Callable[[object, dict], dict]
    body: Callable[[object, dict], dict] = lambda cast, records: {}
    format: str = "json"  # "multipart" for an endpoint that takes a file


def _programme(cast, records):
    return {"slug": cast.programme.slug}


ENDPOINTS: dict[str, Endpoint] = {
    # Setting up a programme is a council administrator's (none in the cast: test_programme_setup_api).
    "programme-list": Endpoint({"get": (SIGNED_IN, 200), "post": (COUNCIL_ADMIN, 201)},
                               kwargs=lambda cast, records: {},
                               body=lambda cast, records: {"council": cast.programme.lead_organisation_id,
                                                           "name": "Day services review", "slug": "day-services",
                                                           "kind": "transformation"}),
    "organisation-list": Endpoint({"get": (SIGNED_IN, 200), "post": (COUNCIL_ADMIN, 201)},
                                  kwargs=lambda cast, records: {},
                                  body=lambda cast, records: {"name": "Sirona care and health CIC",
                                                              "kind": "outgoing_provider"}),
    "programme-detail": Endpoint(
        {"get": (Capability.VIEW, 200), "patch": (Capability.EDIT_PROGRAMME, 200),
         "put": (SIGNED_IN, 405), "delete": (SIGNED_IN, 405)},
        kwargs=_programme, body=lambda cast, records: {"director": "Jane Smith, Director of ASC"}),
}
# Who may change each child resource: the same capabilities as its pages.
CHILD_EDITORS = {
    "workstreams": Capability.EDIT_PROGRAMME,
    "contracts": Capability.EDIT_PROGRAMME,
    "milestones": Capability.EDIT_PLAN,
    "decisions": Capability.EDIT_PLAN,
    "lessons": Capability.EDIT_PLAN,
    "engagement-events": Capability.EDIT_PLAN,
    "confidence-assessments": Capability.EDIT_PLAN,
    "baselines": Capability.BASELINE_PLAN,
}


def _child_endpoints(segment: str, editor: Capability):
    def list_kwargs(cast, records):
        return {"programme_slug": cast.programme.slug}

    def detail_kwargs(cast, records):
        return {"programme_slug": cast.programme.slug, "pk": records[segment].pk}

    def full(cast, records):
        return _bodies(cast)[segment][0]

    ENDPOINTS[f"{segment}-list"] = Endpoint(
        {"get": (Capability.VIEW, 200), "post": (editor, 201)}, kwargs=list_kwargs, body=full)
    ENDPOINTS[f"{segment}-detail"] = Endpoint(
        {"get": (Capability.VIEW, 200), "put": (editor, 200), "patch": (editor, 200),
         "delete": (editor, 204)},
        kwargs=detail_kwargs, body=full)


for _segment, _editor in CHILD_EDITORS.items():
    _child_endpoints(_segment, _editor)


# A baseline is taken and gone back to, never edited or deleted.
ENDPOINTS["baselines-detail"] = Endpoint(
    {"get": (Capability.VIEW, 200), "put": (SIGNED_IN, 405), "patch": (SIGNED_IN, 405),
     "delete": (SIGNED_IN, 405)},
    kwargs=lambda cast, records: {"programme_slug": cast.programme.slug, "pk": records["baselines"].pk})
ENDPOINTS["baselines-use"] = Endpoint(
    {"post": (Capability.BASELINE_PLAN, 200)},
    kwargs=lambda cast, records: {"programme_slug": cast.programme.slug, "pk": records["baselines"].pk})


def _viewer_membership(cast, records):
    return {"programme_slug": cast.programme.slug,
            "pk": Membership.objects.get(programme=cast.programme, user=cast.users["viewer"]).pk}


ENDPOINTS["members-list"] = Endpoint(
    {"get": (PROGRAMME_ADMIN, 200), "post": (PROGRAMME_ADMIN, 201)},
    kwargs=lambda cast, records: {"programme_slug": cast.programme.slug},
    body=lambda cast, records: {"user_email": "stranger@example.org", "role": "viewer"})
ENDPOINTS["members-detail"] = Endpoint(
    {"get": (PROGRAMME_ADMIN, 200), "put": (PROGRAMME_ADMIN, 200), "patch": (PROGRAMME_ADMIN, 200),
     "delete": (PROGRAMME_ADMIN, 204)},
    kwargs=_viewer_membership, body=lambda cast, records: {"role": "director"})


def _deadline(cast, records):
    """The programme's first derived deadline, marked done a week ago: a POST moves the day
    and a DELETE takes the mark back, so each allowed write changes something."""
    from programmes.selectors import derived_milestones
    key = derived_milestones(programme=cast.programme)[0].key
    DeadlineDone.objects.get_or_create(programme=cast.programme, key=key,
                                       defaults={"done_on": date.today() - timedelta(days=7)})
    return {"programme_slug": cast.programme.slug, "key": key}


# The derived deadlines beside the milestones: read by every member, marked done by those who
# update a milestone's status (as on the pages); never written otherwise.
ENDPOINTS["derived-deadlines-list"] = Endpoint(
    {"get": (Capability.VIEW, 200)}, kwargs=lambda cast, records: {"programme_slug": cast.programme.slug})
ENDPOINTS["derived-deadlines-detail"] = Endpoint({"get": (Capability.VIEW, 200)}, kwargs=_deadline)
ENDPOINTS["derived-deadlines-done"] = Endpoint(
    {"post": (Capability.UPDATE_MILESTONE_STATUS, 200), "delete": (Capability.UPDATE_MILESTONE_STATUS, 200)},
    kwargs=_deadline, body=lambda cast, records: {"done_on": str(date.today()), "note": "Published"})


def _plan_file(cast, records):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.programmes.mspdi_files import T, plan_xml

    return {"file": SimpleUploadedFile("plan.xml", plan_xml([T(7, "Imported from Project")]))}


# A Microsoft Project plan, imported as its upload page imports it (programmes.mspdi).
ENDPOINTS["plan-imports"] = Endpoint({"post": (Capability.EDIT_PLAN, 201)}, format="multipart",
                                     kwargs=lambda cast, records: {"programme_slug": cast.programme.slug},
                                     body=_plan_file)


def _url_names(patterns) -> set[str]:
    names = set()
    for p in patterns:
        if isinstance(p, URLResolver):
            names |= _url_names(p.url_patterns)
        elif isinstance(p, URLPattern) and p.name:
            names.add(p.name)
    return names


def test_matrix_covers_every_api_url_name():
    names = _url_names(api_urls.urlpatterns)
    assert {f"{s}-{kind}" for s in api_urls.CHILDREN for kind in ("list", "detail")} <= names
    assert {"members-list", "members-detail"} <= names
    assert CHILD_EDITORS.keys() == api_urls.CHILDREN.keys()
    assert names == ENDPOINTS.keys()


# The matrix ------------------------------------------------------------------------------

def expected_status(endpoint: Endpoint, who: str, method: str) -> int:
    rule, allowed = endpoint.methods[method]
    if who == "anonymous":
        return 401
    if allowed == 405:
        return 405
    if rule == SIGNED_IN:
        return allowed
    if rule == COUNCIL_ADMIN:
        return 403  # no one in the cast administers a council
    if who == "outsider":
        return 404
    if rule == PROGRAMME_ADMIN:
        return 403
    return allowed if role_can(ROLE_OF[who], rule) else 403


HISTORY_TABLES = [m.history.model._meta.db_table for m in (
    Programme, Workstream, Contract, Milestone, Decision, Lesson, EngagementEvent, ConfidenceAssessment,
    Organisation, DeadlineDone, Baseline)]


def fingerprint() -> tuple:
    """Every change to a programme record adds a row to its history."""
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {q(t)})" for t in HISTORY_TABLES))
        return tuple(cursor.fetchone())


# Parametrised by URL name; each test goes through the whole cast and every method,
# rolling back after each request so that a delete leaves the record for the next member.
@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_api_permission_matrix(cast, records, name):
    endpoint = ENDPOINTS[name]
    url = reverse(f"api:{name}", kwargs=endpoint.kwargs(cast, records))
    expected, actual, problems = {}, {}, []
    for who in CAST:
        client = api_client(cast, who)
        for method in endpoint.methods:
            key = f"{method.upper()} as {who}"
            with transaction.atomic():
                before = fingerprint()
                body = endpoint.body(cast, records) if method in ("post", "put", "patch") else None
                response = getattr(client, method)(url, body, format=endpoint.format)
                changed = fingerprint() != before
                transaction.set_rollback(True)
            expected[key] = expected_status(endpoint, who, method)
            actual[key] = response.status_code
            ok = expected[key] < 300
            if ok and method != "get" and not changed:
                problems.append(f"{key}: an allowed write changed nothing")
            if not (ok and method != "get") and changed:
                problems.append(f"{key}: a refused request or a read changed something")
            if response.status_code == 401 and response.get("WWW-Authenticate") != 'Token':
                problems.append(f"{key}: 401 without a WWW-Authenticate: Token header")
    assert actual == expected, url
    assert problems == []


def test_members_see_home_and_outsider_does_not(cast, records):
    url = reverse("api:programme-list")
    slugs = [p["slug"] for p in api_client(cast, "viewer").get(url).json()["results"]]
    assert slugs == ["home"]
    slugs = [p["slug"] for p in api_client(cast, "outsider").get(url).json()["results"]]
    assert slugs == ["elsewhere"]

    response = api_client(cast, "viewer").get(
        reverse("api:milestones-list", kwargs={"programme_slug": "home"}))
    assert [m["title"] for m in response.json()["results"]] == ["Consultation"]


def test_outsider_cannot_reach_home_records_through_their_own_programme(cast, records):
    client = api_client(cast, "outsider")
    for segment, record in records.items():
        url = reverse(f"api:{segment}-detail", kwargs={"programme_slug": "elsewhere", "pk": record.pk})
        never = 405 if segment == "baselines" else 404  # never edited or deleted, by anyone
        assert client.get(url).status_code == 404
        assert client.patch(url, {}, format="json").status_code == never
        assert client.delete(url).status_code == never
        assert type(record).objects.filter(pk=record.pk).exists()


def test_unknown_programme_is_404_for_members(cast):
    client = api_client(cast, "pm")
    assert client.get(reverse("api:programme-detail", kwargs={"slug": "nowhere"})).status_code == 404
    assert client.get(reverse("api:milestones-list", kwargs={"programme_slug": "nowhere"})).status_code == 404


def test_programme_patch_changes_details_and_records_who(cast):
    response = api_client(cast, "director").patch(
        reverse("api:programme-detail", kwargs={"slug": "home"}),
        {"director": "Jane Smith", "slug": "renamed"}, format="json")
    assert response.status_code == 200
    assert response.json()["director"] == "Jane Smith"
    programme = Programme.objects.get(pk=cast.programme.pk)
    assert (programme.director, programme.slug) == ("Jane Smith", "home")  # the slug is read-only
    latest = programme.history.first()
    assert latest.history_user == cast.users["director"]
    assert latest.history_change_reason == "Programme details edited through the API"


# Authentication --------------------------------------------------------------------------

def test_token_authentication(cast, records):
    token = api_token_issue(user=cast.users["pm"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.secret}")
    url = reverse("api:milestones-detail", kwargs={"programme_slug": "home", "pk": cast.milestone.pk})
    assert client.get(url).json()["title"] == "Consultation"

    response = client.patch(url, {"rag_override": "red", "rag_override_reason": "Provider late"}, format="json")
    assert response.status_code == 200
    latest = Milestone.objects.get(pk=cast.milestone.pk).history.first()
    assert latest.rag_override == "red"
    assert latest.history_user == cast.users["pm"]
    assert latest.history_change_reason == "Milestone edited through the API"


def test_token_of_a_viewer_reads_but_cannot_write(cast, records):
    token = api_token_issue(user=cast.users["viewer"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.secret}")
    url = reverse("api:milestones-detail", kwargs={"programme_slug": "home", "pk": cast.milestone.pk})
    assert client.get(url).status_code == 200
    override = {"rag_override": "red", "rag_override_reason": "Provider late"}
    assert client.patch(url, override, format="json").status_code == 403
    assert Milestone.objects.get(pk=cast.milestone.pk).rag_override == ""


def test_token_of_an_outsider_is_404(cast):
    token = api_token_issue(user=cast.users["outsider"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.secret}")
    assert client.get(reverse("api:programme-detail", kwargs={"slug": "home"})).status_code == 404
    assert client.get(reverse("api:programme-detail", kwargs={"slug": "elsewhere"})).status_code == 200


@pytest.mark.parametrize("header", ["Token not-a-real-key", "Token ", "Bearer abc"])
def test_bad_credentials_are_401(cast, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(reverse("api:programme-list"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_session_writes_need_csrf_but_token_writes_do_not(cast):
    url = reverse("api:decisions-list", kwargs={"programme_slug": "home"})
    body = _bodies(cast)["decisions"][0]
    session = APIClient(enforce_csrf_checks=True)
    session.force_login(cast.users["pm"])
    response = session.post(url, body, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Decision.objects.exists()

    token = api_token_issue(user=cast.users["pm"])
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.secret}")
    assert client.post(url, body, format="json").status_code == 201
    assert Decision.objects.filter(programme=cast.programme, title="Approve the FBC").count() == 1


# Milestone status: finance and HR may move a milestone on, as on the pages ----------------

@pytest.mark.parametrize("who", CAST)
def test_status_only_patch_follows_update_milestone_status(cast, who):
    url = reverse("api:milestones-detail", kwargs={"programme_slug": "home", "pk": cast.milestone.pk})
    response = api_client(cast, who).patch(url, {"status": "at_risk"}, format="json")
    status = Milestone.objects.get(pk=cast.milestone.pk).status
    if who in ("pm", "director", "finance", "hr"):
        assert response.status_code == 200
        assert status == "at_risk"
    else:
        assert response.status_code == {"anonymous": 401, "outsider": 404}.get(who, 403)
        assert status == "not_started"


@pytest.mark.parametrize("who", ["finance", "hr"])
def test_status_roles_cannot_change_anything_else(cast, who):
    url = reverse("api:milestones-detail", kwargs={"programme_slug": "home", "pk": cast.milestone.pk})
    client = api_client(cast, who)
    assert client.patch(url, {"status": "at_risk", "title": "Renamed"}, format="json").status_code == 403
    assert client.patch(url, {"forecast_date": _day(90)}, format="json").status_code == 403
    assert client.put(url, {"status": "at_risk"}, format="json").status_code == 403
    assert client.delete(url).status_code == 403
    milestone = Milestone.objects.get(pk=cast.milestone.pk)
    assert (milestone.title, milestone.status) == ("Consultation", "not_started")


# Related choices are limited to the programme ---------------------------------------------

def test_milestone_cannot_point_at_another_programmes_workstream(cast):
    foreign = WorkstreamFactory(programme=cast.other_programme, name="Their HR")
    body = {**_bodies(cast)["milestones"][0], "workstream": foreign.pk}
    response = api_client(cast, "pm").post(
        reverse("api:milestones-list", kwargs={"programme_slug": "home"}), body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"workstream"}
    assert not Milestone.objects.filter(workstream=foreign).exists()


def test_milestone_owner_and_dependencies_must_be_of_the_programme(cast):
    foreign = MilestoneFactory(programme=cast.other_programme)
    body = {**_bodies(cast)["milestones"][0], "owner": cast.users["outsider"].pk,
            "depends_on": [foreign.pk]}
    response = api_client(cast, "pm").post(
        reverse("api:milestones-list", kwargs={"programme_slug": "home"}), body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"owner", "depends_on"}
    assert Milestone.objects.filter(programme=cast.programme).count() == 1


@pytest.mark.parametrize(("segment", "field", "value"), [
    ("lessons", "workstream", lambda cast: WorkstreamFactory(programme=cast.other_programme).pk),
    ("workstreams", "lead", lambda cast: cast.users["outsider"].pk),
    ("confidence-assessments", "assessed_by", lambda cast: cast.users["outsider"].pk),
])
def test_other_related_choices_are_scoped(cast, segment, field, value):
    body = {**_bodies(cast)[segment][0], field: value(cast)}
    response = api_client(cast, "pm").post(
        reverse(f"api:{segment}-list", kwargs={"programme_slug": "home"}), body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {field}


def test_a_child_of_another_programme_cannot_be_moved_in_by_pk(cast, records):
    """The programme comes from the URL; a `programme` in the body is ignored."""
    response = api_client(cast, "pm").post(
        reverse("api:decisions-list", kwargs={"programme_slug": "home"}),
        {**_bodies(cast)["decisions"][0], "programme": cast.other_programme.pk}, format="json")
    assert response.status_code == 201
    assert Decision.objects.get(pk=response.json()["id"]).programme == cast.programme


# Validation -------------------------------------------------------------------------------

def test_complete_without_actual_date_is_400_on_actual_date(cast):
    url = reverse("api:milestones-detail", kwargs={"programme_slug": "home", "pk": cast.milestone.pk})
    response = api_client(cast, "pm").patch(url, {"status": "complete"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"actual_date"}
    assert Milestone.objects.get(pk=cast.milestone.pk).status == "not_started"
    assert cast.milestone.history.count() == 1

    response = api_client(cast, "pm").patch(
        url, {"status": "complete", "actual_date": _day(-1)}, format="json")
    assert response.status_code == 200
    assert response.json()["actual_date"] == _day(-1)


@pytest.mark.parametrize(("segment", "change", "field"), [
    ("milestones", {"baseline_date": "31/02/2025"}, "baseline_date"),
    ("milestones", {"status": "done"}, "status"),
    ("milestones", {"actual_date": "2020-01-01"}, "status"),  # an actual date means complete
    ("milestones", {"title": ""}, "title"),
    ("confidence-assessments", {"rating": "amber_red"}, "rating"),  # not on the three-point scale
    ("engagement-events", {"attendees": -3}, "attendees"),
    ("workstreams", {"kind": "astrology"}, "kind"),
])
def test_validation_errors_name_the_field(cast, records, segment, change, field):
    body = {**_bodies(cast)[segment][0], **change}
    before = fingerprint()
    response = api_client(cast, "pm").post(
        reverse(f"api:{segment}-list", kwargs={"programme_slug": "home"}), body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {field}
    assert fingerprint() == before


def test_duplicates_are_400_not_500(cast, records):
    existing = records["confidence-assessments"]
    body = {**_bodies(cast)["confidence-assessments"][0], "period_end": existing.period_end.isoformat()}
    response = api_client(cast, "pm").post(
        reverse("api:confidence-assessments-list", kwargs={"programme_slug": "home"}), body, format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()

    response = api_client(cast, "director").patch(
        reverse("api:workstreams-detail", kwargs={"programme_slug": "home", "pk": records["workstreams"].pk}),
        {"name": cast.workstream.name}, format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_milestone_cannot_depend_on_itself_or_make_a_loop(cast):
    a = cast.milestone
    b = MilestoneFactory(programme=cast.programme, workstream=cast.workstream)
    client = api_client(cast, "pm")

    def url(m):
        return reverse("api:milestones-detail", kwargs={"programme_slug": "home", "pk": m.pk})

    response = client.patch(url(a), {"depends_on": [a.pk]}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"depends_on"}

    assert client.patch(url(b), {"depends_on": [a.pk]}, format="json").status_code == 200
    response = client.patch(url(a), {"depends_on": [b.pk]}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"depends_on"}
    assert list(a.depends_on.all()) == []
    assert list(b.depends_on.all()) == [a]


def test_deleting_a_workstream_with_milestones_is_409(cast):
    url = reverse("api:workstreams-detail", kwargs={"programme_slug": "home", "pk": cast.workstream.pk})
    response = api_client(cast, "pm").delete(url)
    assert response.status_code == 409
    assert Workstream.objects.filter(pk=cast.workstream.pk).exists()


# History ---------------------------------------------------------------------------------

def test_history_records_the_api_user_and_reason(cast):
    client = api_client(cast, "director")
    list_url = reverse("api:milestones-list", kwargs={"programme_slug": "home"})
    response = client.post(list_url, _bodies(cast)["milestones"][0], format="json")
    assert response.status_code == 201
    milestone = Milestone.objects.get(pk=response.json()["id"])
    assert milestone.programme == cast.programme
    latest = milestone.history.first()
    assert (latest.history_type, latest.history_user, latest.history_change_reason) == (
        "+", cast.users["director"], "Milestone added through the API")

    detail_url = reverse("api:milestones-detail", kwargs={"programme_slug": "home", "pk": milestone.pk})
    override = {"rag_override": "red", "rag_override_reason": "Provider late"}
    assert client.patch(detail_url, override, format="json").status_code == 200
    latest = milestone.history.first()
    assert (latest.history_type, latest.history_user, latest.history_change_reason) == (
        "~", cast.users["director"], "Milestone edited through the API")

    assert client.delete(detail_url).status_code == 204
    latest = Milestone.history.filter(id=milestone.pk).first()
    assert (latest.history_type, latest.history_user, latest.history_change_reason) == (
        "-", cast.users["director"], "Milestone deleted through the API")


# Schema ----------------------------------------------------------------------------------

def test_openapi_schema(cast):
    response = api_client(cast, "viewer").get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = json.loads(response.content)["paths"]
    assert "/api/v1/programmes/{programme_slug}/milestones/" in paths
    assert "/api/v1/programmes/{programme_slug}/milestones/{id}/" in paths
    assert set(paths["/api/v1/programmes/{programme_slug}/milestones/{id}/"]) >= {
        "get", "put", "patch", "delete"}
    for segment in api_urls.CHILDREN:
        assert f"/api/v1/programmes/{{programme_slug}}/{segment}/" in paths


def test_openapi_schema_is_for_signed_in_users_only(cast):
    response = APIClient().get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 401


# Query counts: no N+1 --------------------------------------------------------------------

def _grow(segment: str, programme, workstream, users, n: int) -> None:
    """Add `n` rows of `segment` to `programme`, with their related fields filled in."""
    for i in range(n):
        if segment == "milestones":
            m = MilestoneFactory(programme=programme, workstream=workstream, owner=users[i % len(users)])
            m.depends_on.set(Milestone.objects.filter(programme=programme).exclude(pk=m.pk)[:2])
        elif segment == "workstreams":
            WorkstreamFactory(programme=programme, lead=users[i % len(users)])
        elif segment == "contracts":
            c = ContractFactory(programme=programme)
            c.services.set([ServiceFactory(programme=programme)])
        elif segment == "decisions":
            DecisionFactory(programme=programme)
        elif segment == "lessons":
            LessonFactory(programme=programme, workstream=workstream)
        elif segment == "engagement-events":
            EngagementEventFactory(programme=programme)
        elif segment == "confidence-assessments":
            ConfidenceAssessmentFactory(programme=programme, assessed_by=users[i % len(users)])
        elif segment == "baselines":
            if not Milestone.objects.filter(programme=programme).exists():
                MilestoneFactory.create_batch(3, programme=programme, workstream=workstream)
            baseline_take(programme=programme, name=f"Baseline {Baseline.objects.count()}", reason="Re-planned",
                          user=users[i % len(users)])


def _count_queries(client, url) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.json()["count"]


@pytest.mark.parametrize("segment", sorted(api_urls.CHILDREN))
def test_list_query_count_does_not_grow(cast, segment):
    programme = ProgrammeFactory(slug="big")
    users = [cast.users["pm"], cast.users["hr"]]
    for user in users:
        MembershipFactory(programme=programme, user=user)
    workstream = WorkstreamFactory(programme=programme)
    client = api_client(cast, "pm")
    url = reverse(f"api:{segment}-list", kwargs={"programme_slug": "big"})
    # The programme's own workstream, and the contract ProgrammeFactory gives it.
    base = 1 if segment in ("workstreams", "contracts") else 0

    _grow(segment, programme, workstream, users, 3)
    few, count = _count_queries(client, url)
    assert count == 3 + base
    _grow(segment, programme, workstream, users, 27)
    many, count = _count_queries(client, url)
    assert count == 30 + base
    assert many == few


def test_milestone_list_query_count(cast, django_assert_num_queries):
    """The milestone list, pinned: session, user, programme, membership, count, page and
    the dependencies in one prefetch."""
    users = [cast.users["pm"], cast.users["finance"]]
    _grow("milestones", cast.programme, cast.workstream, users, 29)
    client = api_client(cast, "pm")
    url = reverse("api:milestones-list", kwargs={"programme_slug": "home"})
    with django_assert_num_queries(7):
        response = client.get(url)
    results = response.json()["results"]
    assert len(results) == 30
    assert any(len(m["depends_on"]) == 2 for m in results)


def test_derived_deadline_list_query_count_is_pinned_and_does_not_grow(cast):
    """Session, user, programme, membership, then the contracts, the decisions, the done marks
    and each registered source's one query (the restructures), whatever their number."""
    from tests.factories import DecisionFactory
    client = api_client(cast, "pm")
    url = reverse("api:derived-deadlines-list", kwargs={"programme_slug": "home"})

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries), len(response.json())

    for i in range(3):
        DecisionFactory(programme=cast.programme, title=f"Decision {i}", key_decision=True)
    few, items = count()
    for i in range(3, 30):
        DecisionFactory(programme=cast.programme, title=f"Decision {i}", key_decision=True)
    many, more = count()
    assert more == items + 27 * 2  # each key decision: its agenda and its forward-plan notice
    assert many == few == 8


def test_a_derived_deadline_is_marked_done_through_the_api_and_its_date_never_changes(cast):
    client = api_client(cast, "hr")
    listed = client.get(reverse("api:derived-deadlines-list", kwargs={"programme_slug": "home"})).json()
    eli = next(d for d in listed if d["rule"] == "eli")
    assert eli["derived"] is True and eli["done_on"] is None
    assert "TUPE 2006 reg. 11" in eli["rule_words"] and eli["reference"] == "TUPE 2006 reg. 11"
    url = reverse("api:derived-deadlines-done", kwargs={"programme_slug": "home", "key": eli["key"]})
    tomorrow = date.today() + timedelta(days=1)
    refused = client.post(url, {"done_on": str(tomorrow)}, format="json")
    assert refused.status_code == 400 and "done_on" in refused.json()
    done = client.post(url, {"done_on": str(date.today()), "note": "Received from the provider"}, format="json")
    assert done.status_code == 200
    assert done.json()["done_on"] == str(date.today()) and done.json()["state"] == "done"
    assert done.json()["date"] == eli["date"]
    again = client.delete(url)
    assert again.status_code == 200 and again.json()["done_on"] is None
    missing = reverse("api:derived-deadlines-detail", kwargs={"programme_slug": "home", "key": "eli-deadline-0"})
    assert client.get(missing).status_code == 404


def test_a_forward_plan_notice_marked_given_in_time_answers_with_no_warning(cast):
    """The answer to a done mark is the deadline worked out again: a notice given in time
    has nothing left to warn of, as the next GET says too."""
    today = timezone.localdate()
    decision = DecisionFactory(programme=cast.programme, meeting_date=today + timedelta(days=20), key_decision=True)
    client = api_client(cast, "pm")
    key = f"forward-plan-{decision.pk}"
    detail = reverse("api:derived-deadlines-detail", kwargs={"programme_slug": "home", "key": key})
    notice = client.get(detail).json()
    assert notice["state"] == "late" and "has not been given in time" in notice["warning"]
    url = reverse("api:derived-deadlines-done", kwargs={"programme_slug": "home", "key": key})
    done = client.post(url, {"done_on": notice["date"]}, format="json")
    assert done.status_code == 200 and done.json()["state"] == "done" and done.json()["warning"] == ""
    assert done.json() == client.get(detail).json()


def test_programme_list_query_count_does_not_grow(cast):
    client = api_client(cast, "pm")
    url = reverse("api:programme-list")
    few, count = _count_queries(client, url)
    assert count == 1
    for i in range(29):
        MembershipFactory(programme=ProgrammeFactory(slug=f"p{i}"), user=cast.users["pm"])
    many, count = _count_queries(client, url)
    assert count == 30
    assert many == few


def test_api_says_what_the_tracker_says(cast):
    """Each milestone's lateness, slip against its baseline and status and RAG labels in
    the API are the tracker page's (the one lateness rule, Milestone.late_q/is_late)."""
    from django.test import Client

    today = timezone.localdate()
    ws = cast.workstream
    MilestoneFactory(programme=cast.programme, workstream=ws, title="Late", status="in_progress",
                     baseline_date=today - timedelta(days=10), forecast_date=today - timedelta(days=2))
    MilestoneFactory(programme=cast.programme, workstream=ws, title="Due today", status="at_risk",
                     baseline_date=today - timedelta(days=1), forecast_date=today)
    MilestoneFactory(programme=cast.programme, workstream=ws, title="Met late", status="complete",
                     baseline_date=today - timedelta(days=20), forecast_date=today - timedelta(days=15),
                     actual_date=today - timedelta(days=15))
    page = Client()
    page.force_login(cast.users["viewer"])
    plan = page.get(reverse("programmes:tracker", kwargs={"slug": "home"})).context["plan"]
    shown = {m.title: (m.late, m.slippage_days, m.get_status_display(), m.rag_shown_label)
             for m in plan.rows}
    answered = {m["title"]: (m["late"], m["slippage_days"], m["status_label"], m["rag_label"])
                for m in api_client(cast, "viewer").get("/api/v1/programmes/home/milestones/").json()["results"]}
    assert answered == shown
    assert {t: shown[t] for t in ("Late", "Due today", "Met late")} == {
        "Late": (True, 8, "In progress", "Red"),  # past its forecast date: never Green
        "Due today": (False, 1, "At risk", "Amber"),
        "Met late": (False, 5, "Complete", "Green"),
    }

    # A milestone written through the API answers by the same rule, from what was written.
    late = Milestone.objects.get(title="Late")
    done = api_client(cast, "pm").patch(f"/api/v1/programmes/home/milestones/{late.pk}/", {
        "status": "complete", "actual_date": today.isoformat()}, format="json").json()
    assert (done["late"], done["status_label"]) == (False, "Complete")
    made = api_client(cast, "pm").post("/api/v1/programmes/home/milestones/", {
        "title": "New", "workstream": ws.pk, "baseline_date": _day(-5), "forecast_date": _day(-1)},
        format="json").json()
    assert (made["late"], made["slippage_days"], made["status_label"]) == (True, 4, "Not started")


def test_api_says_what_the_programme_list_and_overview_say(cast):
    """Each programme's late, due-soon and milestone counts, latest delivery confidence and
    days to transfer in the API are the programme list's cards', and the overview's (the
    cast's own milestone is due in 10 days)."""
    from django.test import Client

    today = timezone.localdate()
    ws = cast.workstream
    for days in (-3, -1):
        MilestoneFactory(programme=cast.programme, workstream=ws, forecast_date=today + timedelta(days=days),
                         baseline_date=today + timedelta(days=days))
    MilestoneFactory(programme=cast.programme, workstream=ws, forecast_date=today + timedelta(days=10),
                     baseline_date=today)
    ConfidenceAssessmentFactory(programme=cast.programme, period_end=today - timedelta(days=40), rating="red")
    ConfidenceAssessmentFactory(programme=cast.programme, period_end=today - timedelta(days=5),
                                rating="amber_green")
    page = Client()
    page.force_login(cast.users["viewer"])
    keys = ("late_count", "due_soon_count", "milestone_count", "latest_confidence", "latest_confidence_period")

    def card(p):
        period = p.latest_confidence_period
        return (p.slug, p.late_count, p.due_soon_count, p.milestone_count, p.latest_confidence,
                period.isoformat() if period else None, p.days_left)

    shown = [card(p) for p in page.get(reverse("programmes:list")).context["cards"]]
    client = api_client(cast, "viewer")
    answered = [(p["slug"], *(p[k] for k in keys), p["days_to_transfer"])
                for p in client.get("/api/v1/programmes/").json()["results"]]
    assert answered == shown
    one = client.get("/api/v1/programmes/home/").json()
    ov = page.get(reverse("programmes:overview", kwargs={"slug": "home"})).context["ov"]
    assert (one["late_count"], one["due_soon_count"], one["milestone_count"], one["latest_confidence"]) == (
        ov.late_count, ov.due_soon_count, ov.milestone_total, ov.latest_confidence.rating) == (2, 2, 4, "amber_green")
    assert one["days_to_transfer"] == cast.programme.days_to_transfer(today)

    # A programme written through the API answers with its figures too.
    edited = api_client(cast, "director").patch("/api/v1/programmes/home/", {"summary": "Changed"}, format="json")
    assert edited.status_code == 200
    assert {k: edited.json()[k] for k in keys} == {k: one[k] for k in keys}


def test_the_api_gives_the_trackers_behind_warning(cast):
    """An open milestone that depends on an open one forecast after it is "behind" on both
    the tracker and in the API, in the list and in one milestone's answer."""
    from programmes import selectors
    today = date.today()
    hub = MilestoneFactory(programme=cast.programme, workstream=cast.workstream, title="Hub",
                           forecast_date=today + timedelta(days=10))
    later = MilestoneFactory(programme=cast.programme, workstream=cast.workstream, title="Later",
                             forecast_date=today + timedelta(days=20))
    earlier = MilestoneFactory(programme=cast.programme, workstream=cast.workstream, title="Earlier",
                               forecast_date=today + timedelta(days=5))
    done_later = MilestoneFactory(programme=cast.programme, workstream=cast.workstream, title="Done later",
                                  forecast_date=today + timedelta(days=30), status="complete",
                                  actual_date=today)
    hub.depends_on.set([later, earlier, done_later])
    tracker = selectors.dependency_warnings([hub, later, earlier, done_later])
    assert [m.pk for m in tracker[hub.pk]] == [later.pk]
    client = api_client(cast, "pm")
    listed = client.get(reverse("api:milestones-list", kwargs={"programme_slug": "home"}),
                        {"page_size": 100}).json()["results"]
    by_title = {m["title"]: m for m in listed}
    assert by_title["Hub"]["behind"] == [later.pk] and by_title["Later"]["behind"] == []
    one = client.get(reverse("api:milestones-detail", kwargs={"programme_slug": "home", "pk": hub.pk})).json()
    assert one["behind"] == [later.pk]
