"""Search: the header's box finds what a person may see in their programmes, ranked and
grouped by programme and kind with the matching words marked; it follows every write and
delete; it is bounded; and its query count is pinned. Runs on SQLite (the icontains
fallback) and on PostgreSQL (full text over the GIN index)."""
import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from business_cases.models import BusinessCaseVersion, Classification
from business_cases.services import version_create
from core.models import SearchDocument
from core.roles import Role
from core.search import MAX_QUERY_LENGTH
from programmes.models import Milestone
from risks.models import Issue, RiskAction
from risks.services import risk_save
from tests.business_cases.test_permissions import make_paper
from tests.factories import (
    DecisionFactory,
    EngagementEventFactory,
    LessonFactory,
    MembershipFactory,
    MilestoneFactory,
    OptionFactory,
    ProgrammeFactory,
    RiskFactory,
)

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif("connection.vendor != 'postgresql'",
                                     reason="full-text ranking and stemming are PostgreSQL's")


def found(client, q: str, **params) -> list[tuple[str, str, str]]:
    """(programme, kind heading, title without its marks) of each result, in page order."""
    response = client.get(reverse("programmes:search"), {"q": q, **params})
    assert response.status_code == 200
    return [(g.programme["name"], k.kind.label, _plain(h.title))
            for g in response.context["groups"] for k in g.kinds for h in k.hits]


def _plain(marked) -> str:
    return str(marked).replace("<mark>", "").replace("</mark>", "")


def titles(client, q: str) -> list[str]:
    return [t for _, _, t in found(client, q)]


def test_finds_a_milestone_by_a_word_of_its_name_with_the_word_marked(cast):
    MilestoneFactory(programme=cast.programme, workstream=cast.workstream, title="Payroll parallel run",
                     notes="Two cycles side by side before go-live.")
    response = cast.client("viewer").get(reverse("programmes:search"), {"q": "payroll"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "<mark>Payroll</mark> parallel run" in text
    milestone = Milestone.objects.get(title__startswith="Payroll")
    assert reverse("programmes:milestone_detail", args=["home", milestone.pk]) in text
    assert titles(cast.client("viewer"), "payroll") == ["Payroll parallel run"]


def test_every_kind_is_found_and_linked_to_its_page(cast):
    p, pm = cast.programme, cast.users["pm"]
    MilestoneFactory(programme=p, workstream=cast.workstream, title="Heron milestone")
    today = timezone.localdate()
    MilestoneFactory(programme=p, workstream=cast.workstream, kind="activity", title="Heron tender period",
                     baseline_start_date=today, forecast_start_date=today)
    risk = RiskFactory(programme=p, title="Heron risk")
    RiskAction.objects.create(programme=p, risk=risk, description="Heron action", due_date=today + timedelta(days=3))
    Issue.objects.create(programme=p, title="Heron issue", raised_on=today)
    DecisionFactory(programme=p, title="Heron decision")
    LessonFactory(programme=p, title="Heron lesson")
    EngagementEventFactory(programme=p, title="Heron briefing")
    OptionFactory(programme=p, code="Op.1", title="Heron option")
    version = version_create(programme=p, stage="soc", user=pm, summary="First draft")
    version.strategic_case = "The heron case for change."
    version.save()
    make_paper(p, pm, title="Heron paper")
    response = cast.client("viewer").get(reverse("programmes:search"), {"q": "heron"})
    kinds = {k.kind.label: [(_plain(h.title), h.url) for h in k.hits]
             for g in response.context["groups"] for k in g.kinds}
    assert set(kinds) == {"Milestones", "Activities", "Risks", "Issues", "Mitigating actions", "Decisions",
                          "Lessons", "Engagement events", "Options", "Business cases", "Cabinet papers"}
    assert kinds["Risks"] == [(f"{risk.reference} Heron risk", reverse("risks:detail", args=["home", risk.pk]))]
    assert kinds["Business cases"] == [("SOC version 1: First draft",
                                        reverse("business_cases:version", args=["home", "soc", 1]))]
    viewer = cast.client("viewer")
    for links in kinds.values():
        for _, url in links:
            assert viewer.get(url).status_code == 200, url


def test_a_title_match_ranks_above_a_match_in_the_words(cast):
    MilestoneFactory(programme=cast.programme, workstream=cast.workstream, title="Notes on the estate",
                     notes="We need to agree the lease for the depot before transfer.")
    MilestoneFactory(programme=cast.programme, workstream=cast.workstream, title="Lease of the depot signed")
    assert titles(cast.client("pm"), "lease") == ["Lease of the depot signed", "Notes on the estate"]


@postgresql_only
def test_postgresql_stems_and_marks_the_words_in_the_text(cast):
    MilestoneFactory(programme=cast.programme, workstream=cast.workstream, title="Board",
                     notes="The briefings for staff end in March.")
    response = cast.client("pm").get(reverse("programmes:search"), {"q": "briefing"})
    [hit] = [h for g in response.context["groups"] for k in g.kinds for h in k.hits]
    assert "<mark>briefings</mark>" in str(hit.snippet)


def test_quotes_find_a_phrase_and_a_minus_leaves_a_word_out(cast):
    MilestoneFactory(programme=cast.programme, workstream=cast.workstream, title="Parallel payroll run")
    MilestoneFactory(programme=cast.programme, workstream=cast.workstream, title="Payroll extract run in parallel")
    client = cast.client("viewer")
    assert titles(client, '"parallel payroll"') == ["Parallel payroll run"]
    assert titles(client, "payroll -extract") == ["Parallel payroll run"]
    assert sorted(titles(client, "payroll parallel")) == ["Parallel payroll run", "Payroll extract run in parallel"]


def test_results_are_grouped_by_programme_and_kind(cast):
    viewer = cast.users["viewer"]
    second = ProgrammeFactory(slug="second", name="Second programme",
                              lead_organisation=cast.programme.lead_organisation)
    MembershipFactory(programme=second, user=viewer, role=Role.VIEWER)
    MilestoneFactory(programme=cast.programme, workstream=cast.workstream, title="Kestrel go-live")
    RiskFactory(programme=cast.programme, title="Kestrel slips")
    MilestoneFactory(programme=second, title="Kestrel elsewhere")
    results = found(cast.client("viewer"), "kestrel")
    groups = [(programme, kind) for programme, kind, _ in results]
    assert sorted(set(groups)) == sorted({(cast.programme.name, "Milestones"), (cast.programme.name, "Risks"),
                                          ("Second programme", "Milestones")})
    # Each programme's results together, and each kind's within it.
    programmes = [programme for programme, _ in groups]
    assert programmes == sorted(programmes, key=programmes.index)


def test_a_member_finds_nothing_of_a_programme_they_do_not_belong_to(cast):
    MilestoneFactory(programme=cast.programme, workstream=cast.workstream, title="Osprey milestone")
    MilestoneFactory(programme=cast.other_programme, title="Osprey of the other council")
    assert titles(cast.client("viewer"), "osprey") == ["Osprey milestone"]
    assert titles(cast.client("outsider"), "osprey") == ["Osprey of the other council"]
    for who in ("pm", "finance", "hr", "director", "viewer"):
        assert "Osprey of the other council" not in titles(cast.client(who), "osprey")


def test_an_exempt_paper_shows_its_withheld_words_only_to_those_who_may_see_them(cast):
    make_paper(cast.programme, cast.users["pm"], title="Wren paper", issue="The wren tender prices.",
               recommendations="Agree the wren model.", classification=Classification.EXEMPT, exempt_paragraph=3)
    for who in ("pm", "director"):
        assert titles(cast.client(who), "prices") == ["Wren paper"], who
        assert titles(cast.client(who), "wren") == ["Wren paper"], who  # one result, not two
    for who in ("finance", "hr", "viewer"):
        assert titles(cast.client(who), "prices") == [], who
        assert titles(cast.client(who), "agree wren") == ["Wren paper"], who


def test_an_empty_search_shows_a_helpful_page(cast):
    response = cast.client("viewer").get(reverse("programmes:search"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Enter a word or two" in text and "There is a problem" not in text
    blank = cast.client("viewer").get(reverse("programmes:search"), {"q": "   "})
    assert "Enter a word or two" in blank.content.decode()


def test_nothing_found_says_so(cast):
    text = cast.client("viewer").get(reverse("programmes:search"), {"q": "zyzzyva"}).content.decode()
    assert "No results for ‘zyzzyva’" in text


def test_a_very_long_search_is_refused_with_a_message(cast, django_assert_max_num_queries):
    MilestoneFactory(programme=cast.programme, workstream=cast.workstream, title="Payroll")
    client = cast.client("viewer")
    client.get(reverse("programmes:search"))
    with django_assert_max_num_queries(3):  # the session, the user, the frame's council: no search
        response = client.get(reverse("programmes:search"), {"q": "payroll " * 40})
    assert response.status_code == 200
    text = response.content.decode()
    assert "There is a problem" in text and f"Enter a search of {MAX_QUERY_LENGTH} characters or fewer" in text
    assert response.context["groups"] == []
    assert titles(client, ("payroll " * 40)[:MAX_QUERY_LENGTH]) == ["Payroll"]


def test_the_words_typed_are_escaped_not_run(cast):
    MilestoneFactory(programme=cast.programme, workstream=cast.workstream, title="Heron <img src=x onerror=alert(1)>",
                     notes="<script>alert(2)</script> heron")
    response = cast.client("pm").get(reverse("programmes:search"), {"q": "heron"})
    assert response.context["total"] == 1
    text = response.content.decode()
    assert "<img" not in text and "<script>alert" not in text and "&lt;img" in text
    for odd in ('"', "'", "-", "&", "!", "(", ":*", "\\", "%", "_"):
        assert cast.client("pm").get(reverse("programmes:search"), {"q": odd}).status_code == 200


def test_a_rename_is_found_by_its_new_name_and_not_its_old(cast):
    risk = RiskFactory(programme=cast.programme, title="Agency costs rise")
    client = cast.client("viewer")
    assert titles(client, "agency") == [f"{risk.reference} Agency costs rise"]
    risk.title = "Locum costs rise"
    risk_save(risk=risk, user=cast.users["pm"], reason="Renamed")
    assert titles(client, "agency") == []
    assert titles(client, "locum") == [f"{risk.reference} Locum costs rise"]


def test_a_milestone_added_and_renamed_on_its_pages_is_found_by_its_new_name(cast):
    pm, viewer = cast.client("pm"), cast.client("viewer")
    data = {"kind": "milestone", "title": "Staff letters sent", "workstream": cast.workstream.pk,
            "status": "not_started", "baseline_date": "2026-06-30", "forecast_date": "2026-06-30"}
    assert pm.post(reverse("programmes:milestone_create", args=["home"]), data).status_code == 302
    assert titles(viewer, "letters") == ["Staff letters sent"]
    m = Milestone.objects.get(title="Staff letters sent")
    form = pm.get(reverse("programmes:milestone_edit", args=["home", m.pk])).context["form"]
    data.update(title="Staff briefings held", record_version=form.initial["record_version"])
    assert pm.post(reverse("programmes:milestone_edit", args=["home", m.pk]), data).status_code == 302
    assert titles(viewer, "briefings") == ["Staff briefings held"]
    assert titles(viewer, "letters") == []


def test_deleted_records_disappear(cast):
    MilestoneFactory(programme=cast.programme, workstream=cast.workstream, title="Puffin milestone")
    version = version_create(programme=cast.programme, stage="soc", user=cast.users["pm"], summary="Puffin case")
    client = cast.client("pm")
    assert titles(client, "puffin") == ["Puffin milestone", "SOC version 1: Puffin case"]
    m = Milestone.objects.get(title="Puffin milestone")
    assert client.post(reverse("programmes:milestone_delete", args=["home", m.pk])).status_code == 302
    assert titles(client, "puffin") == ["SOC version 1: Puffin case"]
    BusinessCaseVersion.objects.filter(pk=version.pk).delete()
    assert titles(client, "puffin") == []
    # A deleted programme takes its documents with it.
    LessonFactory(programme=cast.other_programme, title="Puffin lesson")
    assert titles(cast.client("outsider"), "puffin") == ["Puffin lesson"]
    other = cast.other_programme.pk
    cast.other_programme.delete()
    assert not SearchDocument.objects.filter(tenant_id=other).exists()


def test_the_rebuild_makes_the_index_the_records_would(cast):
    MilestoneFactory(programme=cast.programme, workstream=cast.workstream, title="Curlew")
    before = set(SearchDocument.objects.values_list("kind", "source_id", "title", "body", "url"))
    # Rows written without signals (bulk_create, update) are found once the index is rebuilt.
    Milestone.objects.filter(title="Curlew").update(title="Dunlin")
    assert titles(cast.client("pm"), "dunlin") == []
    SearchDocument.objects.all().delete()
    call_command("search_rebuild", stdout=io.StringIO())
    after = set(SearchDocument.objects.values_list("kind", "source_id", "title", "body", "url"))
    assert {t for _, _, t, _, _ in after} == {t for _, _, t, _, _ in before} - {"Curlew"} | {"Dunlin"}
    assert titles(cast.client("pm"), "dunlin") == ["Dunlin"]
    if connection.vendor == "postgresql":
        assert not SearchDocument.objects.filter(vector__isnull=True).exists()


@pytest.mark.parametrize("rows", [3, 30])
def test_the_search_page_runs_the_same_queries_for_3_and_30_results(cast, rows, django_assert_num_queries):
    second = ProgrammeFactory(slug="second", lead_organisation=cast.programme.lead_organisation)
    MembershipFactory(programme=second, user=cast.users["viewer"], role=Role.VIEWER)
    for n in range(rows):
        MilestoneFactory(programme=cast.programme if n % 2 else second, title=f"Godwit {n}", notes="godwit")
        RiskFactory(programme=cast.programme, title=f"Godwit risk {n}")
    make_paper(cast.programme, cast.users["pm"], title="Godwit paper", classification=Classification.EXEMPT,
               exempt_paragraph=3)
    client = cast.client("viewer")
    client.get(reverse("programmes:search"), {"q": "godwit"})
    # The session, the user, the frame's council, the count, the page of results and the
    # programmes' names.
    with django_assert_num_queries(6):
        response = client.get(reverse("programmes:search"), {"q": "godwit"})
    assert response.context["total"] == 2 * rows + 1
