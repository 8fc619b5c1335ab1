"""The demo business cases: the SOC Cabinet approved (E3393, dates shifted with the rest of
the demo), SO1–SO6 and CSF1–CSF6, the three options with the published outcomes — which the
matrix's own ranking must reproduce — and the OBC and FBC signed off, with an appraisal of two options."""
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from business_cases import selectors
from business_cases.demo import business_cases_demo_load
from business_cases.models import AppraisalLine, BusinessCaseVersion, Outcome
from programmes import demo as programmes_demo
from programmes.models import Decision, Milestone, Programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(monkeypatch, settings):
    settings.INSOURCE_DEMO_PASSWORD = settings.INSOURCE_DEMO_PASSWORD or "insource-demo"
    # Only this app's step, so that the test is about it alone.
    monkeypatch.setattr(programmes_demo, "_demo_steps", [business_cases_demo_load])
    assert programmes_demo.demo_load(today=timezone.localdate())
    return Programme.objects.get(slug=programmes_demo.DEMO_SLUG)


def test_demo_soc_is_approved_by_cabinet_with_the_reference_parts(loaded):
    p = loaded
    assert [o.code for o in selectors.objectives(programme=p)] == [f"SO{n}" for n in range(1, 7)]
    assert [c.code for c in selectors.csfs(programme=p)] == [f"CSF{n}" for n in range(1, 7)]
    stages = {v.stage: v for v in selectors.stage_views(programme=p)}
    soc = stages["soc"].approved
    decision = Decision.objects.get(programme=p, forward_plan_ref="E3393", body="Cabinet")
    assert (soc.approving_body, soc.decision_reference, soc.meeting_date) == ("Cabinet", "E3393",
                                                                             decision.meeting_date)
    assert soc.meeting_date == date(2022 + p.transfer_date.year - 2024, 11, 10)
    assert soc.decided_by.username == "demo-director" and soc.status == BusinessCaseVersion.Status.APPROVED
    assert [v.status for v in stages["soc"].versions] == ["approved", "superseded"]
    # The Outline and Full Business Cases were signed off under the delegation, on the days
    # the milestones record, as the decision log says.
    for stage, title in (("obc", "Outline Business Case signed off"), ("fbc", "Full Business Case signed off")):
        approved = stages[stage].approved
        assert [v.status for v in stages[stage].versions] == ["approved"]
        assert approved.meeting_date == Milestone.objects.get(programme=p, title=title).actual_date
        assert Decision.objects.filter(programme=p, meeting_date=approved.meeting_date).exists()


def test_demo_matrix_ranking_agrees_with_the_published_outcomes(loaded):
    rank = selectors.ranking(programme=loaded)
    computed = {r.option.code: r.computed_outcome for r in rank.results}
    assert computed == {"Op.1": Outcome.ALTERNATIVE, "Op.2": Outcome.PREFERRED, "Op.3": Outcome.DISCOUNTED}
    assert not any(r.overridden for r in rank.results)
    assert [r.option.code for r in rank.ranked] == ["Op.2", "Op.1", "Op.3"]
    assert {r.option.title for r in rank.results} == {
        "Re-commission service delivery", "In-source service delivery to the council",
        "Set up a new organisation to deliver services"}


def test_demo_obc_appraises_two_options_and_prefers_op2(loaded):
    results = selectors.appraisal(programme=loaded)
    assert [a.code for a in results.appraisals] == ["Op.1", "Op.2"]
    assert results.missing == []
    assert results.preferred.code == "Op.2" and results.preferred.npsv > Decimal(0)
    assert results.switching.runner_up == "Op.1" and results.switching.amount > 0
    assert not AppraisalLine.objects.filter(option__code="Op.3").exists()


def test_loading_twice_changes_nothing(loaded):
    before = (BusinessCaseVersion.objects.count(), AppraisalLine.objects.count(), AppraisalLine.history.count())
    assert programmes_demo.demo_load(today=timezone.localdate()) is False
    assert (BusinessCaseVersion.objects.count(), AppraisalLine.objects.count(),
            AppraisalLine.history.count()) == before


def test_demo_equality_impact_assessment_is_signed_off_with_its_negative_impacts_mitigated(loaded):
    p = loaded
    whole, option = selectors.equality_views(programme=p)
    a = whole.assessment
    assert a.option is None and a.status == "signed_off" and a.signed_off_by.username == "demo-director"
    assert a.signed_off_on <= timezone.localdate() < a.review_date
    assert not a.review_overdue(timezone.localdate())
    negative = whole.negative
    assert len(negative) >= 1 and not whole.unmitigated
    for impact in negative:
        for m in impact.mitigation_list:
            assert m.owner.memberships.filter(programme=p).exists() and m.due_date
    assert {i.impact for i in whole.impacts} <= {"positive", "negative", "neutral"}
    assert {"positive", "neutral"} <= {i.impact for i in whole.impacts}
    assert [i.label for i in whole.council_groups] == ["Carers", "Socio-economic disadvantage",
                                                       "People in rural areas"]
    # The option's outline assessment has an unmitigated negative impact, which the appraisal shows.
    assert option.assessment.option.code == "Op.1" and [i.label for i in option.unmitigated] == ["Age"]
    results = selectors.appraisal(programme=p, equality=True)
    assert results.unmitigated_for(option.assessment.option_id) == ["Age"]
