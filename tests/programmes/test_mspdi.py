"""Plans from and to Microsoft Project (programmes.mspdi): MSPDI files shaped as Project
saves them, through the upload pages and the API, all or nothing; hostile files; a second
import updates by unique ID; the export opens as a plan and imports back unchanged."""
from datetime import date
from xml.etree import ElementTree

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import Upload
from programmes.baselines import baseline_take
from programmes.models import Milestone, Workstream
from programmes.mspdi import MAX_TASKS, NS, PLAN_KIND, plan_mspdi
from tests.hostile.kinds import KIND_PAGES, upload_file
from tests.programmes.mspdi_files import T, cycle_plan, laughs_plan, many_tasks_plan, plan_xml, xxe_plan

pytestmark = pytest.mark.django_db
PAGES = KIND_PAGES[PLAN_KIND]


def real_plan(finish_shift: int = 0) -> bytes:
    """Two summary levels, a link with lag, a zero-duration milestone, a calendar,
    resources by name and by email, one that is nobody here, and non-ASCII names."""
    return plan_xml([
        T(1, "Workforce", summary=True, days=60),
        T(2, "TUPE consultation – staff", level=2, start=date(2026, 1, 5), days=30,
          baseline=(date(2026, 1, 5), date(2026, 2, 1)), percent=40),
        T(3, "Payroll", level=2, summary=True, days=20),
        T(4, "Payroll parallel run ✓ Łódź", level=3, start=date(2026, 2, 2), days=10 + finish_shift,
          links=[(2, 1, 4800)]),
        T(5, "Go-live decision", level=2, start=date(2026, 3, 2), days=0, links=[(4, 1, 0), (3, 1, 0)]),
        T(6, "IT & systems", summary=True, days=10),
        T(7, "Accounts ready", level=2, start=date(2026, 1, 12), days=2, percent=100,
          actual_finish=date(2026, 1, 13)),
        T(8, "Unowned task", start=date(2026, 1, 20), days=1, milestone=True),
    ], resources=[(1, "Pat Manager", ""), (2, "Someone Else", "dir@example.org"), (3, "Nobody Here", "")],
        assignments=[(2, 1), (4, 2), (5, 3), (7, 3), (7, 1)])


@pytest.fixture
def named(cast):
    pm, director = cast.users["pm"], cast.users["director"]
    pm.first_name, pm.last_name = "Pat", "Manager"
    pm.save()
    director.email = "DIR@example.org"
    director.save()
    return cast


def _import(cast, data: bytes, name: str = "plan.xml", who: str = "pm"):
    return upload_file(cast.client(who), PAGES, cast.programme.slug, name, data)


def _plan(programme) -> dict:
    return {m.external_uid: (m.title, m.kind, m.workstream.name, m.forecast_start_date, m.forecast_date,
                             m.baseline_start_date, m.baseline_date, m.status, m.actual_date, m.owner_id,
                             sorted(d.external_uid for d in m.depends_on.all()))
            for m in Milestone.objects.filter(programme=programme).exclude(external_uid="")
            .select_related("workstream").prefetch_related("depends_on")}


def test_a_plan_saved_by_project_loads_as_workstreams_milestones_and_activities(named):
    cast = named
    visit = _import(cast, real_plan())
    assert visit.successes and not visit.problem_shown, (visit.messages, visit.form_errors)
    plan = visit.preview.cleaned
    assert plan.unmatched == ["Nobody Here"]
    assert set(plan.new_workstreams) == {"Workforce", "Payroll", "IT & systems", "Transfer plan"}
    ms = {m.external_uid: m for m in Milestone.objects.filter(programme=cast.programme).exclude(external_uid="")}
    assert set(ms) == {"2", "4", "5", "7", "8"}
    consult, run, decision, accounts, unowned = ms["2"], ms["4"], ms["5"], ms["7"], ms["8"]
    assert consult.kind == "activity" and consult.title == "TUPE consultation – staff"
    assert (consult.forecast_start_date, consult.forecast_date) == (date(2026, 1, 5), date(2026, 2, 3))
    assert (consult.baseline_start_date, consult.baseline_date) == (date(2026, 1, 5), date(2026, 2, 1))
    assert consult.status == "in_progress" and consult.owner == cast.users["pm"]
    assert consult.workstream.name == "Workforce"
    assert run.title == "Payroll parallel run ✓ Łódź" and run.workstream.name == "Payroll"
    assert run.owner == cast.users["director"]  # by email, ignoring case
    assert [d.external_uid for d in run.depends_on.all()] == ["2"]  # the lag is read, not kept
    # A zero duration is a milestone; its link to a summary task is left out.
    assert decision.kind == "milestone" and decision.forecast_date == date(2026, 3, 2)
    assert decision.baseline_date == decision.forecast_date and decision.owner is None
    assert [d.external_uid for d in decision.depends_on.all()] == ["4"]
    assert decision.workstream.name == "Workforce"
    assert accounts.status == "complete" and accounts.actual_date == date(2026, 1, 13)
    assert accounts.owner == cast.users["pm"]  # the first resource that is a member
    assert unowned.kind == "milestone" and unowned.workstream.name == "Transfer plan"
    upload = Upload.objects.get(pk=visit.upload_pk)
    assert upload.status == Upload.Status.COMMITTED and upload.row_count == 8
    entry = consult.history.first()
    assert entry.history_user == cast.users["pm"] and "Microsoft Project" in entry.history_change_reason


def test_the_preview_lists_the_names_matching_no_member_and_writes_nothing(named):
    cast = named
    client = cast.client("pm")
    response = client.post(PAGES.url(0, cast.programme.slug), {"file": SimpleUploadedFile("p.xml", real_plan())})
    page = client.get(response["Location"], follow=True)
    assert page.status_code == 200 and "Nobody Here" in page.content.decode()
    assert not Milestone.objects.exclude(external_uid="").exists()


def test_importing_the_project_again_updates_by_unique_id_and_never_duplicates(named):
    cast = named
    assert _import(cast, real_plan()).successes
    count, first = Milestone.objects.count(), _plan(cast.programme)
    again = _import(cast, real_plan(finish_shift=3), name="plan-v2.xml")
    assert again.successes, again.messages
    assert Milestone.objects.count() == count and Workstream.objects.filter(name="Workforce").count() == 1
    second = _plan(cast.programme)
    assert second["4"][4] == date(2026, 2, 14) and first["4"][4] == date(2026, 2, 11)
    assert {k: v for k, v in second.items() if k != "4"} == {k: v for k, v in first.items() if k != "4"}


def test_baseline_dates_held_by_the_baseline_in_use_are_kept_and_said(named):
    cast = named
    assert _import(cast, real_plan()).successes
    baseline_take(programme=cast.programme, name="Approved at OBC", reason="Cabinet", user=cast.users["pm"])
    held = Milestone.objects.get(external_uid="4")
    before = (held.baseline_start_date, held.baseline_date)
    visit = _import(cast, real_plan(finish_shift=5), name="v3.xml")
    assert visit.successes
    assert any("Payroll parallel run" in k and "Approved at OBC" in k for k in visit.preview.cleaned.kept_baselines)
    held.refresh_from_db()
    assert (held.baseline_start_date, held.baseline_date) == before
    assert held.forecast_date == date(2026, 2, 16)


@pytest.mark.parametrize(("data", "said"), [
    (xxe_plan(), "document type or entities"),
    (laughs_plan(), "document type or entities"),
    (many_tasks_plan(), f"more than {MAX_TASKS:,} tasks"),
    (b"<Project><Tasks><Task>", "not well-formed XML"),
    (b"<?xml version='1.0'?><html><body/></html>", "not a Microsoft Project plan"),
], ids=["xxe", "billion-laughs", "100000-tasks", "truncated", "not-a-plan"])
def test_a_hostile_plan_is_refused_with_a_message_and_writes_nothing(cast, data, said):
    before = Milestone.objects.count()
    visit = _import(cast, data)
    assert all(status < 500 for _, status in visit.statuses)
    assert any(said in e for e in visit.form_errors), visit.form_errors
    assert Milestone.objects.count() == before and not Upload.objects.filter(kind=PLAN_KIND).exists()


def test_a_dependency_cycle_is_refused_with_the_tasks_named(cast):
    visit = _import(cast, cycle_plan())
    assert not visit.successes and visit.preview is not None
    [error] = visit.preview.errors
    assert "loop" in error.message and error.column_header == "Predecessors"
    for name in ("Draft TUPE letters", "Consult unions", "Issue letters", "UID 2", "UID 3", "UID 4"):
        assert name in error.message
    assert not Milestone.objects.exclude(external_uid="").exists()


def test_errors_name_the_task_by_uid_and_name_and_the_field_and_load_nothing(cast):
    data = plan_xml([T(1, "Fine", days=2), T(2, "Backwards", start=date(2026, 3, 1), finish=date(2026, 2, 1)),
                     T(3, "Links to nowhere", links=[(99, 1, 0)])])
    visit = _import(cast, data)
    errors = {(e.row, e.column_header): e.message for e in visit.preview.errors}
    assert "UID 2 \u201cBackwards\u201d" in errors[(2, "Finish")]
    assert "UID 99" in errors[(3, "Predecessors")] and "Links to nowhere" in errors[(3, "Predecessors")]
    assert not Milestone.objects.exclude(external_uid="").exists()
    assert Upload.objects.get(pk=visit.upload_pk).status == Upload.Status.FAILED


def test_the_export_opens_as_a_plan_and_importing_it_changes_nothing(named):
    cast = named
    assert _import(cast, real_plan()).successes
    before = _plan(cast.programme)
    native = cast.milestone  # a milestone typed in Insource, never imported
    response = cast.client("viewer").get(reverse("programmes:plan_mspdi", args=[cast.programme.slug]))
    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{{{NS}}}Project"
    tasks = root.findall(f"{{{NS}}}Tasks/{{{NS}}}Task")
    summaries = [t.findtext(f"{{{NS}}}Name") for t in tasks if t.findtext(f"{{{NS}}}Summary") == "1"]
    assert set(summaries) == {"HR", "Workforce", "Payroll", "IT & systems", "Transfer plan"}
    run = next(t for t in tasks if t.findtext(f"{{{NS}}}UID") == "4")
    assert run.findtext(f"{{{NS}}}PredecessorLink/{{{NS}}}PredecessorUID") == "2"
    assert run.find(f"{{{NS}}}Baseline/{{{NS}}}Finish") is not None
    count = Milestone.objects.count()
    again = _import(cast, response.content, name="exported.xml")
    assert again.successes, (again.messages, again.preview and again.preview.errors)
    assert Milestone.objects.count() == count
    after = _plan(cast.programme)
    assert {k: v for k, v in after.items() if k in before} == before
    native.refresh_from_db()
    assert native.external_uid  # found again by the UID the export gave it, not added twice
    assert "1 milestone or activity added or changed" in " ".join(t for _, t in again.messages)
    # Exported once more, the file is the same to the byte: the plan has settled.
    assert plan_mspdi(programme=cast.programme) == response.content
    # And the project imported again unchanged changes nothing.
    settled = _plan(cast.programme)
    third = _import(cast, real_plan().replace(b"<Title>", b"<Title> "), name="plan-again.xml")
    assert "Nothing changed" in " ".join(t for _, t in third.messages), third.messages
    assert _plan(cast.programme) == settled and Milestone.objects.count() == count


@pytest.mark.parametrize(("who", "status"), [("pm", 200), ("director", 200), ("finance", 403), ("hr", 403),
                                             ("viewer", 403), ("outsider", 404), ("anonymous", 302)])
def test_who_may_import(cast, who, status):
    assert cast.client(who).get(PAGES.url(0, cast.programme.slug)).status_code == status


@pytest.mark.parametrize(("who", "status"), [("pm", 200), ("viewer", 200), ("hr", 200), ("outsider", 404),
                                             ("anonymous", 302)])
def test_who_may_export(cast, who, status):
    response = cast.client(who).get(reverse("programmes:plan_mspdi", args=[cast.programme.slug]))
    assert response.status_code == status


def test_the_milestones_and_exports_pages_link_to_the_import_and_the_export(cast):
    slug = cast.programme.slug
    tracker = cast.client("pm").get(reverse("programmes:tracker", args=[slug])).content.decode()
    assert reverse("programmes:plan_import", args=[slug]) in tracker
    viewing = cast.client("viewer").get(reverse("programmes:tracker", args=[slug])).content.decode()
    assert reverse("programmes:plan_import", args=[slug]) not in viewing
    exports = cast.client("viewer").get(reverse("programmes:exports", args=[slug])).content.decode()
    assert reverse("programmes:plan_mspdi", args=[slug]) in exports


API = "/api/v1/programmes/{}/plan-imports/"


def test_the_api_takes_the_same_file(named):
    cast = named
    client = cast.client("pm")
    response = client.post(API.format(cast.programme.slug), {"file": SimpleUploadedFile("p.xml", real_plan())})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["tasks"] == 8 and body["written"] == 5 and body["unmatched_resources"] == ["Nobody Here"]
    same = client.post(API.format(cast.programme.slug), {"file": SimpleUploadedFile("p.xml", real_plan())})
    assert same.status_code == 409
    cycle = client.post(API.format(cast.programme.slug), {"file": SimpleUploadedFile("c.xml", cycle_plan())})
    assert cycle.status_code == 400 and "loop" in cycle.json()["errors"][0]["message"]
    xxe = client.post(API.format(cast.programme.slug), {"file": SimpleUploadedFile("x.xml", xxe_plan())})
    assert xxe.status_code == 400 and "document type" in xxe.json()["detail"]
    assert Milestone.objects.exclude(external_uid="").count() == 5


@pytest.mark.parametrize(("who", "status"), [("viewer", 403), ("finance", 403), ("outsider", 404),
                                             ("anonymous", 403)])
def test_the_api_refuses_who_may_not_edit_the_plan(cast, who, status):
    response = cast.client(who).post(API.format(cast.programme.slug),
                                     {"file": SimpleUploadedFile("p.xml", real_plan())})
    assert response.status_code in ((401, 403) if who == "anonymous" else (status,))
    assert not Milestone.objects.exclude(external_uid="").exists()
