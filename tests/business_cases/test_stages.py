"""Stage documents: versions supersede each other, a stage goes to review only with what it
needs (and the page lists what is missing), approval needs the stage before approved, only
directors record decisions, and every change is in the history with its user."""
from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from business_cases.models import BusinessCaseVersion, Stage
from business_cases.services import version_create, version_decide, version_save, version_submit
from tests.business_cases.conftest import add_line, make_option, write_cases

Status = BusinessCaseVersion.Status


def decide(version, user, approve=True):
    return version_decide(version=version, user=user, approve=approve, approving_body="Cabinet",
                          meeting_date=date(2022, 11, 10), decision_reference="E3393")


def test_new_version_supersedes_and_copies_the_text(soc_ready):
    cast = soc_ready
    pm = cast.users["pm"]
    v1 = version_create(programme=cast.programme, stage=Stage.SOC, user=pm)
    v1.strategic_case = "Why change"
    version_save(version=v1, user=pm, reason="Drafted")
    v2 = version_create(programme=cast.programme, stage=Stage.SOC, user=pm)
    v1.refresh_from_db()
    assert (v1.number, v2.number) == (1, 2)
    assert v1.status == Status.SUPERSEDED and v1.snapshot["options"]["Op.2"]["outcome"] == "Preferred"
    assert v2.status == Status.DRAFT and v2.strategic_case == "Why change"
    assert v2.history.first().history_user == pm
    assert v1.history.first().history_change_reason == "Superseded by version 2"
    with pytest.raises(ValidationError):
        version_save(version=v1, user=pm, reason="Not allowed")


def test_soc_review_needs_its_parts_and_lists_what_is_missing(cast):
    pm = cast.users["pm"]
    v = version_create(programme=cast.programme, stage=Stage.SOC, user=pm)
    with pytest.raises(ValidationError) as e:
        version_submit(version=write_cases(v, pm), user=pm)
    messages = e.value.messages
    assert "Strategic objectives: add at least one (SO1)." in messages
    assert "Critical success factors: add at least one (CSF1)." in messages
    assert "A long list: add at least two options." in messages
    assert any(m.startswith("A preferred way forward") for m in messages)
    v.refresh_from_db()
    assert v.status == Status.DRAFT
    page = cast.client("viewer").get(reverse("business_cases:stage", args=[cast.programme.slug, "soc"]))
    assert "Strategic objectives: add at least one (SO1)." in page.content.decode()


def test_stage_order_and_director_approval(soc_ready):
    cast = soc_ready
    pm, director = cast.users["pm"], cast.users["director"]
    p = cast.programme
    soc = version_create(programme=p, stage=Stage.SOC, user=pm)
    version_submit(version=write_cases(soc, pm), user=pm)
    # OBC needs an appraisal of the short list (Op.1 and Op.2).
    obc = version_create(programme=p, stage=Stage.OBC, user=pm)
    with pytest.raises(ValidationError) as e:
        version_submit(version=write_cases(obc, pm), user=pm)
    assert "An economic appraisal of Op.1: add its cost and benefit lines." in e.value.messages
    op1, op2 = p.options.get(code="Op.1"), p.options.get(code="Op.2")
    add_line(op1, "revenue", 0, "100")
    add_line(op2, "revenue", 0, "200")
    add_line(op2, "cash_releasing", 1, "500")
    version_submit(version=write_cases(obc, pm), user=pm)
    # The OBC cannot be approved before the SOC.
    with pytest.raises(ValidationError) as e:
        decide(obc, director)
    assert "The SOC has not been approved" in e.value.messages[0]
    decide(soc, director)
    decide(obc, director)
    soc.refresh_from_db()
    assert (soc.status, soc.approving_body, soc.meeting_date, soc.decision_reference, soc.decided_by) == (
        Status.APPROVED, "Cabinet", date(2022, 11, 10), "E3393", director)
    assert soc.history.first().history_change_reason == "Approved"
    # A new SOC version supersedes the approved one, but the stage stays approved.
    version_create(programme=p, stage=Stage.SOC, user=pm)
    soc.refresh_from_db()
    assert soc.status == Status.SUPERSEDED and soc.was_approved


def test_fbc_needs_final_costs_and_the_financial_case(soc_ready):
    cast = soc_ready
    pm = cast.users["pm"]
    p = cast.programme
    op2 = p.options.get(code="Op.2")
    line = add_line(op2, "capital", 0, "1000")
    add_line(p.options.get(code="Op.1"), "capital", 0, "900")
    fbc = write_cases(version_create(programme=p, stage=Stage.FBC, user=pm), pm)
    fbc.financial_case = ""
    version_save(version=fbc, user=pm, reason="The financial case to come")
    with pytest.raises(ValidationError) as e:
        version_submit(version=fbc, user=pm)
    assert e.value.messages[1:] == [
        "Final costs: 1 of Op.2's cost lines is still an estimate; mark each final when it is confirmed.",
        "The financial case: write it in this version."]
    line.final = True
    line.save()
    fbc.financial_case = "Affordable within the reserve."
    version_save(version=fbc, user=pm, reason="Financial case")
    version_submit(version=write_cases(fbc, pm), user=pm)
    assert fbc.status == Status.IN_REVIEW and fbc.snapshot["appraisal"]["Op.2"]["pv_costs"] == "1000.00"


@pytest.mark.parametrize("who, status", [("pm", 403), ("finance", 403), ("viewer", 403), ("director", 302)])
def test_only_directors_record_a_decision(soc_ready, who, status):
    cast = soc_ready
    v = version_create(programme=cast.programme, stage=Stage.SOC, user=cast.users["pm"])
    version_submit(version=write_cases(v, cast.users["pm"]), user=cast.users["pm"])
    url = reverse("business_cases:version_decide", args=[cast.programme.slug, "soc", v.number])
    response = cast.client(who).post(url, {"decision": "approve", "approving_body": "Cabinet",
                                           "meeting_date_day": "10", "meeting_date_month": "11",
                                           "meeting_date_year": "2022", "decision_reference": "E3393"})
    assert response.status_code == status
    v.refresh_from_db()
    assert (v.status == Status.APPROVED) == (who == "director")
    if who == "director":
        assert v.decided_by == cast.users["director"]


def test_decision_form_names_each_missing_field(soc_ready):
    cast = soc_ready
    v = version_create(programme=cast.programme, stage=Stage.SOC, user=cast.users["pm"])
    version_submit(version=write_cases(v, cast.users["pm"]), user=cast.users["pm"])
    url = reverse("business_cases:version_decide", args=[cast.programme.slug, "soc", v.number])
    response = cast.client("director").post(url, {"meeting_date_day": "31", "meeting_date_month": "2",
                                                  "meeting_date_year": "2023"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"decision", "approving_body", "meeting_date", "decision_reference"}
    v.refresh_from_db()
    assert v.status == Status.IN_REVIEW


def test_submit_page_shows_what_is_missing_and_changes_nothing(cast):
    v = version_create(programme=cast.programme, stage=Stage.SOC, user=cast.users["pm"])
    url = reverse("business_cases:version_submit", args=[cast.programme.slug, "soc", v.number])
    response = cast.client("pm").post(url, follow=True)
    assert "This version cannot go to review yet:" in response.content.decode()
    v.refresh_from_db()
    assert v.status == Status.DRAFT


def test_unknown_stage_is_404(cast):
    assert cast.client("pm").get(f"/programmes/{cast.programme.slug}/business-case/xyz/").status_code == 404


def test_option_cells_form_saves_all_or_nothing(soc_ready):
    from business_cases.models import Criterion, MatrixCell
    from tests.business_cases.conftest import make_criterion

    cast = soc_ready
    p = cast.programme
    op = make_option(p, "Op.9")
    score = make_criterion(p, "Support", Criterion.Kind.SCORE, scale_min=D("0"), scale_max=D("10"))
    fit = p.appraisal_criteria.get(title="Fit")
    url = reverse("business_cases:option_cells", args=[p.slug, op.pk])
    bad = cast.client("pm").post(url, {f"c{fit.pk}": "meets", f"c{score.pk}": "11"})
    assert bad.status_code == 200 and f"c{score.pk}" in bad.context["form"].errors
    assert not MatrixCell.objects.filter(option=op).exists()
    good = cast.client("pm").post(url, {f"c{fit.pk}": "meets", f"c{score.pk}": "7.5", f"n{score.pk}": "Unions keen"})
    assert good.status_code == 302
    assert MatrixCell.objects.get(option=op, criterion=score).score == D("7.5")
    assert MatrixCell.objects.get(option=op, criterion=fit).history.first().history_user == cast.users["pm"]


def test_a_stage_goes_to_review_only_with_each_of_its_five_cases_written(soc_ready):

    cast = soc_ready
    pm = cast.users["pm"]
    v = version_create(programme=cast.programme, stage=Stage.SOC, user=pm)
    v.strategic_case, v.economic_case = "Why change", "The options"
    version_save(version=v, user=pm, reason="Two of five")
    with pytest.raises(ValidationError) as e:
        version_submit(version=v, user=pm)
    assert e.value.messages[1:] == ["The commercial case: write it in this version.",
                                "The financial case: write it in this version.",
                                "The management case: write it in this version."]
    home = cast.client("viewer").get(reverse("business_cases:home", args=[cast.programme.slug])).content.decode()
    assert "3 things missing" in home and "Has what it needs" not in home.split("Strategic Outline Case")[1][:400]
    version_submit(version=write_cases(v, pm), user=pm)
    v.refresh_from_db()
    assert v.status == Status.IN_REVIEW


def test_the_decision_on_a_stage_is_written_into_the_decision_log(soc_ready):
    from programmes.models import Decision

    cast = soc_ready
    pm, director, p = cast.users["pm"], cast.users["director"], cast.programme
    soc = version_create(programme=p, stage=Stage.SOC, user=pm)
    version_submit(version=write_cases(soc, pm), user=pm)
    decide(soc, director, approve=False)
    logged = Decision.objects.get(programme=p)
    assert (logged.body, logged.meeting_date, logged.forward_plan_ref) == ("Cabinet", date(2022, 11, 10), "E3393")
    assert logged.title == "Strategic Outline Case, version 1: not approved"
    assert logged.decision == "Did not approve the Strategic Outline Case, version 1 (E3393)."
    soc.refresh_from_db()
    assert soc.decision == logged and logged.history.first().history_user == director
    # The next version goes to the meeting already in the log: that entry is told, not copied.
    again = version_create(programme=p, stage=Stage.SOC, user=pm)
    version_submit(version=write_cases(again, pm), user=pm)
    Decision.objects.filter(pk=logged.pk).update(title="Community services: the SOC", decision="")
    decide(again, director)
    assert Decision.objects.filter(programme=p).count() == 1
    logged.refresh_from_db()
    assert logged.title == "Community services: the SOC"
    assert logged.decision == "Approved the Strategic Outline Case, version 2 (E3393)."
    page = cast.client("viewer").get(reverse("programmes:decisions_list", args=[p.slug])).content.decode()
    assert "Approved the Strategic Outline Case, version 2" in page or "Community services: the SOC" in page
