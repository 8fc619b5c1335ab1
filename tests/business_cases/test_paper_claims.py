"""The paper's generated sentences state only what the data shows (each claim is tested
with the data that makes it true and with the data that makes it false), and its timeline
runs to the plan's last milestone, and a meeting date that has passed is pointed out."""
from datetime import date, timedelta

import pytest
from django.urls import reverse

from business_cases import paper_views
from business_cases.models import Criterion, CriticalSuccessFactor, StrategicObjective
from business_cases.papers import paper_data, paper_document
from business_cases.papers.sections import appraisal_method_claim, criteria_claim
from core.documents import document_text
from tests.business_cases.conftest import make_criterion, save
from tests.business_cases.test_permissions import make_paper
from tests.factories import MilestoneFactory, WorkstreamFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)


def _options_text(paper) -> str:
    doc = paper_document(paper_data(paper=paper, today=TODAY), full=True)
    section = next(s for s in doc.sections if s.heading.endswith("Options appraisal"))
    return document_text(type(doc)(title=doc.title, organisation=doc.organisation, sections=[section]))


def test_criteria_linked_to_nothing_are_not_said_to_come_from_the_objectives(soc_ready):
    # soc_ready's one criterion, "Fit", is linked to no objective and no success factor.
    text = _options_text(make_paper(soc_ready.programme, soc_ready.users["pm"]))
    assert "2 options were appraised against 1 criterion." in text
    assert "drawn from" not in text


def test_criteria_linked_to_objectives_and_success_factors_are_said_to_come_from_both(soc_ready):
    p, pm = soc_ready.programme, soc_ready.users["pm"]
    fit = Criterion.objects.get(programme=p, title="Fit")
    fit.objective = StrategicObjective.objects.get(programme=p, number=1)
    save(fit, pm)
    make_criterion(p, "Cost", user=pm, csf=CriticalSuccessFactor.objects.get(programme=p, number=1))
    text = _options_text(make_paper(p, pm))
    assert ("2 options were appraised against 2 criteria, both drawn from the strategic objectives and the "
            "critical success factors.") in text


def test_some_criteria_linked_says_how_many(soc_ready):
    p, pm = soc_ready.programme, soc_ready.users["pm"]
    make_criterion(p, "Cost", user=pm, csf=CriticalSuccessFactor.objects.get(programme=p, number=1))
    make_criterion(p, "Safety", user=pm)
    text = _options_text(make_paper(p, pm))
    assert ("2 options were appraised against 3 criteria: 1 is drawn from the critical success factors, and 2 "
            "are linked to neither.") in text
    assert "strategic objectives" not in text


@pytest.mark.parametrize("options, links, sentence", [
    (1, [""], "1 option was appraised against 1 criterion."),
    (1, ["objective"], "1 option was appraised against 1 criterion, drawn from a strategic objective."),
    (3, ["csf"], "3 options were appraised against 1 criterion, drawn from a critical success factor."),
    (3, ["objective", "objective", "objective"],
     "3 options were appraised against 3 criteria, all drawn from the strategic objectives."),
    (3, ["objective", "", ""],
     "3 options were appraised against 3 criteria: 1 is drawn from the strategic objectives, and 2 are linked "
     "to neither."),
])
def test_the_criteria_sentence_follows_the_links(options, links, sentence):
    assert criteria_claim(options, [{"link": k} for k in links]) == sentence


def test_the_timeline_appendix_runs_to_the_last_milestone_past_transfer_day(soc_ready):
    p, pm = soc_ready.programme, soc_ready.users["pm"]
    ws = WorkstreamFactory(programme=p, name="Procurement")
    before, after = p.transfer_date - timedelta(days=30), p.transfer_date + timedelta(days=200)
    MilestoneFactory(programme=p, workstream=ws, title="Contract signed", baseline_date=before)
    MilestoneFactory(programme=p, workstream=ws, title="New case system live", baseline_date=after)
    doc = paper_document(paper_data(paper=make_paper(p, pm), today=TODAY), full=True)
    text = document_text(doc)
    appendix = next(s for s in doc.sections if s.appendix == "F")
    assert appendix.heading.endswith("Milestone timeline")
    assert "New case system live" in text and "Contract signed" in text
    assert "Appendix F shows the plan's timeline to its last milestone, with transfer day marked." in text
    # The chart spans the later milestone too: its label is drawn.
    figure = next(b for b in appendix.blocks if hasattr(b, "svg"))
    assert "New case system live" in str(figure.svg)


@pytest.mark.parametrize("meeting, passed", [(date(2026, 11, 22), True), (TODAY, False), (date(2026, 12, 8), False)])
def test_the_paper_and_its_page_say_when_the_meeting_date_has_passed(soc_ready, client, monkeypatch, meeting,
                                                                     passed):
    p, pm = soc_ready.programme, soc_ready.users["pm"]
    paper = make_paper(p, pm, meeting_date=meeting)
    front = dict(paper_document(paper_data(paper=paper, today=TODAY), full=True).front)
    warning = "this date had passed when the figures were read, on 23 November 2026"
    assert (warning in front["Meeting date"]) is passed
    monkeypatch.setattr(paper_views, "today", lambda: TODAY)  # the page's today, as the paper's
    client.force_login(pm)
    page = client.get(reverse("business_cases:paper", args=[p.slug, paper.pk])).content.decode()
    assert ("has passed. If this paper is going to a later meeting" in page) is passed


SCHEDULE = ["3.5% for years 0 to 30"]


@pytest.mark.parametrize("options, sentence", [
    ([("Op.1", 20, 100), ("Op.2", 44, 90)],
     "The economic appraisal discounts each option's costs and benefits at the Green Book rates (3.5% for years 0 "
     "to 30), adds optimism bias to costs and counts benefits at the stated confidence (for Op.2)."),
    ([("Op.1", 0, 100), ("Op.2", 10, 100)],
     "The economic appraisal discounts each option's costs and benefits at the Green Book rates (3.5% for years 0 "
     "to 30) and adds optimism bias to costs (for Op.2)."),
    ([("Op.1", 0, 100)],
     "The economic appraisal discounts each option's costs and benefits at the Green Book rates (3.5% for years 0 "
     "to 30), with no optimism bias added to any option's costs."),
])
def test_the_appraisal_sentence_claims_only_the_adjustments_the_options_carry(options, sentence):
    from decimal import Decimal

    appraised = [{"code": code, "optimism_bias_percent": Decimal(ob), "confidence_percent": Decimal(conf)}
                 for code, ob, conf in options]
    assert appraisal_method_claim(appraised, SCHEDULE) == sentence


def _section_text(paper, heading: str) -> str:
    doc = paper_document(paper_data(paper=paper, today=TODAY), full=True)
    section = next(s for s in doc.sections if s.heading.endswith(heading))
    return document_text(type(doc)(title=doc.title, organisation=doc.organisation, sections=[section]))


@pytest.mark.parametrize("risks, sentence", [
    (0, "The programme's risk register has no open risks."),
    (1, "The register holds 1 open risk, not red after mitigation. It is below, and in Appendix E."),
    (3, "The register holds 3 open risks, 0 of them red after mitigation. They are below, the highest after "
        "mitigation first, and in Appendix E."),
    (7, "The register holds 7 open risks, 0 of them red after mitigation. The 5 highest after mitigation are "
        "below; Appendix E lists them all."),
])
def test_the_risk_sentence_counts_what_the_register_holds(soc_ready, risks, sentence):
    from tests.factories import RiskFactory

    for _ in range(risks):
        RiskFactory(programme=soc_ready.programme)
    assert sentence in _section_text(make_paper(soc_ready.programme, soc_ready.users["pm"]), "Risk management")


@pytest.mark.parametrize("milestones, sentence", [
    (0, "The plan holds no milestones yet."),
    (1, "The plan holds 1 milestone: 0 complete and 0 late."),
    (2, "The plan holds 2 milestones: 0 complete and 0 late."),
])
def test_the_plan_sentence_counts_the_milestones(soc_ready, milestones, sentence):
    p = soc_ready.programme
    p.milestones.all().delete()
    for _ in range(milestones):
        MilestoneFactory(programme=p, baseline_date=TODAY + timedelta(days=30))
    assert sentence in _section_text(make_paper(p, soc_ready.users["pm"]), "Background")
