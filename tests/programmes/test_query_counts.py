"""Every list and overview page of the programme app runs a pinned number of queries, and
the same number with 3 rows of everything as with 30 (for the programme list: 3 or 12
programmes the user belongs to). A count that grows with the data is an N+1 query.

The counts hold on SQLite and PostgreSQL alike: requests run outside a transaction of their
own (no ATOMIC_REQUESTS), so neither backend adds savepoint queries. Content types are
cached per process, so the cache is emptied before each request: the exports page then
always counts its one content-type lookup, whichever test ran before.

Each count is the queries for: the session and the user (2), finding the programme and the
membership (2), then what the page itself reads. If a change adds a query on purpose,
update the number here and say why in the commit.
"""
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import Job
from core.roles import Role
from programmes.models import Baseline, BaselineDate, Milestone, Programme
from programmes.resources import RESOURCES
from programmes.views import PLAN_PDF_KIND
from tests.factories import (
    ConfidenceAssessmentFactory,
    ContractFactory,
    DecisionFactory,
    EngagementEventFactory,
    LessonFactory,
    MembershipFactory,
    MilestoneFactory,
    OrganisationFactory,
    ProgrammeFactory,
    ServiceFactory,
    UserFactory,
    WorkstreamFactory,
)

pytestmark = pytest.mark.django_db

SIZES = [3, 30]
ROLES = list(Role)
S = Milestone.Status


@dataclass
class World:
    programme: Programme
    pm: object
    hub: Milestone  # a milestone with `size` dependencies, dependents and changes
    lesson: object  # a lesson with `size` changes to its workstream


def build(size: int) -> World:
    """One programme with `size` of everything a page lists, changes in the history
    included, and the programme manager who looks at it."""
    today = timezone.localdate()
    pm = UserFactory(username="pm")
    programme = ProgrammeFactory(slug="home")
    programme.partners.set([OrganisationFactory() for _ in range(size)])
    MembershipFactory(programme=programme, user=pm, role=Role.PROGRAMME_MANAGER)
    people = [pm] + [
        MembershipFactory(programme=programme, role=ROLES[(i + 1) % len(ROLES)]).user
        for i in range(size)
    ]
    workstreams = [WorkstreamFactory(programme=programme, lead=people[i % len(people)], order=i)
                   for i in range(size)]
    services = [ServiceFactory(programme=programme) for _ in range(size)]
    for i in range(size):
        # The register: `size` contracts besides the factory's, each covering two services,
        # some with notice and extension terms, some moving staff.
        contract = ContractFactory(programme=programme, notice_days=90 if i % 2 else None,
                                   extension_options="One year" if i % 3 == 0 else "",
                                   extension_notice_days=180 if i % 3 == 0 else None,
                                   staff_transfer=i % 2 == 0,
                                   transfer_date=today + timedelta(days=100 + i) if i % 2 == 0 else None)
        contract.services.set(services[i % size: i % size + 2])
        DecisionFactory(programme=programme, key_decision=i % 2 == 0,
                        meeting_date=today + timedelta(days=40 * i - 60))
        LessonFactory(programme=programme, workstream=workstreams[i % size])
        EngagementEventFactory(programme=programme, date=today - timedelta(days=i))
        ConfidenceAssessmentFactory(programme=programme, assessed_by=people[i % len(people)])

    def milestone(i: int, **kw) -> Milestone:
        # A mix: late, due soon, later, and complete; every owner and workstream used.
        offset = (-10, 5, 60, -40)[i % 4]
        complete = i % 4 == 3
        fields = dict(
            programme=programme, workstream=workstreams[i % size], owner=people[i % len(people)],
            baseline_date=today + timedelta(days=offset - 3 * (i % 3)),
            forecast_date=today + timedelta(days=offset),
            status=S.COMPLETE if complete else (S.IN_PROGRESS, S.AT_RISK, S.NOT_STARTED)[i % 3],
            actual_date=today + timedelta(days=offset) if complete else None,
        )
        return MilestoneFactory(**{**fields, **kw})

    before = [milestone(i) for i in range(size)]
    hub = milestone(size, title="Hub", forecast_date=today + timedelta(days=20),
                    baseline_date=today + timedelta(days=20), status=S.IN_PROGRESS, actual_date=None)
    after = [milestone(size + 1 + i) for i in range(size)]
    # The hub depends on every milestone before it (some forecast after it, so the tracker
    # warns), and every later one depends on the hub.
    hub.depends_on.set(before)
    for m in after:
        m.depends_on.add(hub)

    # Changes in the history, each naming a changed foreign key, by a known user.
    councils = [OrganisationFactory() for _ in range(2)]
    for i in range(size):
        programme.director = f"Director {i}"
        programme.lead_organisation = councils[i % 2]
        programme._history_user = pm
        programme.save()
        hub.owner = people[(i + 1) % len(people)]
        hub.notes = f"Change {i}"
        hub._history_user = pm
        hub.save()
    lesson = LessonFactory(programme=programme, workstream=workstreams[0], title="Changing lesson")
    for i in range(size):
        lesson.workstream = workstreams[(i + 1) % size]
        lesson.detail = f"Detail {i}"
        lesson._history_user = pm
        lesson.save()

    # `size` earlier baselines, none in use, each holding every milestone's dates, one day apart.
    plan = list(Milestone.objects.filter(programme=programme))
    for i in range(size):
        taken = Baseline.objects.create(programme=programme, name=f"Baseline {i}", reason="Re-planned",
                                        taken_by=people[i % len(people)])
        BaselineDate.objects.bulk_create([BaselineDate(baseline=taken, milestone=m, start_date=None,
                                                       end_date=m.baseline_date - timedelta(days=i))
                                          for m in plan])

    ct = ContentType.objects.get_for_model(Programme)
    for i in range(size):
        Job.objects.create(kind=PLAN_PDF_KIND, created_by=people[i % len(people)], target_type=ct,
                           target_id=programme.pk, params={"today": today.isoformat()},
                           status=(Job.Status.SUCCEEDED, Job.Status.QUEUED, Job.Status.FAILED)[i % 3],
                           result_name="plan.pdf" if i % 3 == 0 else "")
    return World(programme, pm, hub, lesson)


def check_pages(django_assert_num_queries, user, pages: dict[str, tuple[str, int]]) -> None:
    """Request each page once as `user`, counting its queries; report every page whose
    count is not the pinned one, not only the first."""
    wrong = []
    for name, (url, expected) in pages.items():
        client = Client()
        client.force_login(user)
        ContentType.objects.clear_cache()
        try:
            with django_assert_num_queries(expected):
                response = client.get(url)
        except pytest.fail.Exception as failed:
            wrong.append(f"{name} ({url}): {failed}")
            continue
        assert response.status_code == 200, url
    assert not wrong, "\n".join(wrong)


# Page → (URL from the world, pinned query count). ----------------------------------------

def _tracker(query: str = ""):
    return lambda w: reverse("programmes:tracker", args=[w.programme.slug]) + query


def _first_baseline(w: World) -> int:
    return Baseline.objects.filter(programme=w.programme).order_by("pk").values_list("pk", flat=True)[0]


def _workstream(w: World) -> str:
    return f"?workstream={w.hub.workstream_id}"


PAGES = {
    # + the decisions and the done marks (for the derived deadlines), the 6 latest confidence
    # assessments, late and due-soon lists, recent decisions, workstream counts (the
    # programme's milestone counts are their sums), members, services, partners, the
    # contracts with their counterparties and the services each covers;
    # + the panels other apps register (risks: open risks and overdue reviews, overdue actions;
    # workforce: latest roster version, its rows, the day-one checks, people's ticks (4); finance (2); the
    # restructures with their proposed redundancies, a registered deadline source).
    "overview": (lambda w: reverse("programmes:overview", args=[w.programme.slug]), 24),
    # + the workstreams with their counts, the rows shown with their workstream and owner
    # (joined: a page shows a few rows of each workstream), the dependency warnings, the
    # decisions, the done marks and the restructures (for derived dates), the contracts (for
    # derived dates and the timeline's ELI line) and members (the owner filter).
    # And the baselines, for the "compare with" choice.
    "tracker": (_tracker(), 13),
    "tracker-whole": (_tracker("?window=all"), 13),
    # Compared with an earlier baseline: its dates for the rows shown, in one query.
    "tracker-compare": (lambda w: _tracker(f"?compare={_first_baseline(w)}")(w), 14),
    # Filtered, the tracker shows no derived dates, so it reads none of their sources.
    "tracker-late": (_tracker("?late=1"), 10),
    "tracker-due": (_tracker("?due_within=30"), 10),
    "tracker-status": (_tracker("?status=in_progress"), 10),
    "tracker-owner": (lambda w: _tracker(f"?owner={w.pm.pk}")(w), 10),
    "tracker-workstream": (lambda w: _tracker(_workstream(w))(w), 10),
    "tracker-workstream-page": (lambda w: _tracker(_workstream(w) + "&page=2")(w), 10),
    # + the baselines with who took each and how many dates each holds.
    "baselines": (lambda w: reverse("programmes:baselines", args=[w.programme.slug]), 5),
    # + the baseline, the plan with its workstreams, the baseline's dates, its history.
    "baseline_detail": (lambda w: reverse("programmes:baseline_detail",
                                          args=[w.programme.slug, _first_baseline(w)]), 8),
    # + the contracts, the decisions, the done marks and the restructures.
    "deadlines": (lambda w: reverse("programmes:deadlines", args=[w.programme.slug]), 8),
    # + the milestone, its dependencies, its dependents, its history, the owners it had.
    "milestone_detail": (lambda w: reverse("programmes:milestone_detail",
                                           args=[w.programme.slug, w.hub.pk]), 9),
    # + the content type, the jobs with who asked for each.
    "exports": (lambda w: reverse("programmes:exports", args=[w.programme.slug]), 6),
    # + the history with who made each change, the organisations it named.
    "history": (lambda w: reverse("programmes:history", args=[w.programme.slug]), 6),
    # + the lesson, its history, the workstreams it named.
    "lesson_history": (lambda w: reverse("programmes:lessons_history",
                                         args=[w.programme.slug, w.lesson.pk]), 7),
}
# + the rows, with what each row shows of another table joined in.
RESOURCE_LIST_QUERIES = {key: 5 for key in RESOURCES}
# + the services each contract covers, in one prefetch.
RESOURCE_LIST_QUERIES["contract"] = 6


def test_every_resource_list_has_a_pinned_count():
    assert set(RESOURCE_LIST_QUERIES) == set(RESOURCES)


@pytest.mark.parametrize("size", SIZES, ids=lambda n: f"{n}-rows")
def test_programme_pages_run_a_pinned_number_of_queries(size, django_assert_num_queries):
    w = build(size)
    pages = {name: (url(w), expected) for name, (url, expected) in PAGES.items()}
    pages.update({
        f"{key}_list": (reverse(f"programmes:{key}_list", args=[w.programme.slug]), expected)
        for key, expected in RESOURCE_LIST_QUERIES.items()
    })
    check_pages(django_assert_num_queries, w.pm, pages)


@pytest.mark.parametrize("programmes", [3, 12])
def test_programme_list_query_count_is_pinned(programmes, django_assert_num_queries):
    # Session, user, the cards with their counts and latest confidence in one query, the
    # councils the user administers (for the way into the council area), then the one
    # council that leads them, whose name heads the page, and their contracts with their
    # counterparties (one prefetch).
    today = timezone.localdate()
    user = UserFactory(username="pm")
    for i in range(programmes):
        programme = ProgrammeFactory()  # with its contract, whose counterparty the card names
        MembershipFactory(programme=programme, user=user, role=ROLES[i % len(ROLES)])
        ws = WorkstreamFactory(programme=programme)
        for offset in (-5, 10, 90):
            MilestoneFactory(programme=programme, workstream=ws, baseline_date=today + timedelta(days=offset))
        ConfidenceAssessmentFactory(programme=programme)
        ConfidenceAssessmentFactory(programme=programme)
    ProgrammeFactory()  # not theirs
    check_pages(django_assert_num_queries, user, {"list": (reverse("programmes:list"), 6)})
