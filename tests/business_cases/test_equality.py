"""Equality impact assessments: the model's rules and constraints, the service that starts
an assessment with its lines (in the history, with the user), the pages, the appraisal's
flag for an option with an unmitigated negative impact, the paper's Equalities section
(HTML and Word) and the demo's assessment."""
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from business_cases import selectors
from business_cases.models import (
    DEFAULT_CHARACTERISTICS,
    PROTECTED_CHARACTERISTICS,
    EqualityAssessment,
    EqualityImpact,
    EqualityMitigation,
)
from business_cases.papers import paper_data, paper_document
from business_cases.services import assessment_save
from core.documents import document_docx, document_text
from programmes.services import record_save
from tests.business_cases.test_papers import docx_text
from tests.business_cases.test_permissions import make_paper

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)


def make_assessment(programme, user, **kw) -> EqualityAssessment:
    return assessment_save(instance=EqualityAssessment(programme=programme, title=kw.pop("title", "Whole programme"),
                                                       **kw), user=user, reason="Test")


def line(assessment, characteristic) -> EqualityImpact:
    return assessment.impacts.get(characteristic=characteristic)


def set_impact(assessment, characteristic, impact, user, evidence="Seen in the data") -> EqualityImpact:
    i = line(assessment, characteristic)
    i.impact, i.evidence = impact, evidence
    return record_save(instance=i, user=user, reason="Test")


def mitigate(impact, user, owner, *, action="Keep the same workers", due=date(2027, 1, 31), done=False):
    return record_save(instance=EqualityMitigation(programme=impact.programme, impact=impact, action=action,
                                                   owner=owner, due_date=due, done=done), user=user, reason="Test")


# --- The records --------------------------------------------------------------------------

def test_a_new_assessment_starts_with_the_nine_and_the_councils_two_each_in_the_history(cast):
    pm = cast.users["pm"]
    a = make_assessment(cast.programme, pm)
    assert len(PROTECTED_CHARACTERISTICS) == 9
    assert sorted(a.impacts.values_list("characteristic", flat=True)) == sorted(DEFAULT_CHARACTERISTICS)
    assert {"carers", "socio_economic"} <= set(a.impacts.values_list("characteristic", flat=True))
    assert set(a.impacts.values_list("impact", flat=True)) == {"unknown"}
    entry = a.history.get()
    assert entry.history_user == pm and entry.history_change_reason == "Test"
    for i in a.impacts.all():
        h = i.history.get()
        assert h.history_user == pm and h.history_change_reason == "Line started with the assessment"
    (view,) = selectors.equality_views(programme=cast.programme)
    assert [i.characteristic for i in view.impacts] == list(DEFAULT_CHARACTERISTICS)  # the Act's order


def test_one_programme_wide_assessment_and_one_per_option(cast, soc_ready):
    p, pm = cast.programme, cast.users["pm"]
    op1 = p.options.get(code="Op.1")
    make_assessment(p, pm)
    with pytest.raises(ValidationError) as e:
        make_assessment(p, pm, title="Another")
    assert "already has its own" in str(e.value)
    make_assessment(p, pm, option=op1, title="Op.1")
    with pytest.raises(ValidationError) as e:
        make_assessment(p, pm, option=op1, title="Op.1 again")
    assert "option" in e.value.message_dict
    # The database holds the rules without the model's checks too.
    with pytest.raises(IntegrityError), transaction.atomic():
        EqualityAssessment.objects.create(programme=p, title="Bypass")
    with pytest.raises(IntegrityError), transaction.atomic():
        EqualityAssessment.objects.create(programme=p, option=op1, title="Bypass")
    with pytest.raises(IntegrityError), transaction.atomic():
        EqualityAssessment.objects.create(programme=p, option=p.options.get(code="Op.2"), title="Unsigned",
                                          status="signed_off")


def test_sign_off_names_who_and_when_and_the_review_follows_it(cast):
    p, pm = cast.programme, cast.users["pm"]
    a = EqualityAssessment(programme=p, title="EIA", status="signed_off")
    with pytest.raises(ValidationError) as e:
        a.full_clean()
    assert set(e.value.message_dict) == {"signed_off_by", "signed_off_on"}
    a = EqualityAssessment(programme=p, title="EIA", signed_off_by=pm, signed_off_on=TODAY)
    with pytest.raises(ValidationError) as e:
        a.full_clean()
    assert set(e.value.message_dict) == {"signed_off_by", "signed_off_on"}  # still a draft
    a = EqualityAssessment(programme=p, title="EIA", status="signed_off", signed_off_by=pm, signed_off_on=TODAY,
                           review_date=TODAY)
    with pytest.raises(ValidationError) as e:
        a.full_clean()
    assert "review_date" in e.value.message_dict
    a.review_date = TODAY + timedelta(days=1)
    a.full_clean()
    assert not a.review_overdue(TODAY) and a.review_overdue(TODAY + timedelta(days=2))


def test_a_line_for_each_characteristic_once_and_a_named_group_of_the_councils_own(cast):
    p, pm = cast.programme, cast.users["pm"]
    a = make_assessment(p, pm)
    with pytest.raises(ValidationError) as e:
        record_save(instance=EqualityImpact(programme=p, assessment=a, characteristic="age"), user=pm, reason="T")
    assert "already has a line" in str(e.value)
    with pytest.raises(ValidationError) as e:
        record_save(instance=EqualityImpact(programme=p, assessment=a, characteristic="other"), user=pm, reason="T")
    assert "other_name" in e.value.message_dict
    leavers = record_save(instance=EqualityImpact(programme=p, assessment=a, characteristic="other",
                                                  other_name=" Care leavers "), user=pm, reason="T")
    assert leavers.label == "Care leavers" and not leavers.is_protected
    with pytest.raises(ValidationError):
        record_save(instance=EqualityImpact(programme=p, assessment=a, characteristic="other",
                                            other_name="care LEAVERS"), user=pm, reason="T")
    (view,) = selectors.equality_views(programme=p)
    assert view.council_groups[-1] == leavers and len(view.protected) == 9


def test_a_negative_impact_with_no_mitigation_is_unmitigated(cast):
    p, pm = cast.programme, cast.users["pm"]
    a = make_assessment(p, pm)
    age = set_impact(a, "age", "negative", pm)
    set_impact(a, "disability", "negative", pm)
    set_impact(a, "race", "positive", pm)
    mitigate(age, pm, cast.users["hr"])
    (view,) = selectors.equality_views(programme=p)
    assert [i.label for i in view.unmitigated] == ["Disability"]
    assert {value: n for value, _label, n in view.counts} == {"positive": 1, "negative": 2, "neutral": 0,
                                                              "unknown": 8}


def test_records_of_another_programme_are_refused(cast, soc_ready):
    pm = cast.users["pm"]
    theirs = make_assessment(cast.other_programme, None, title="Theirs")
    with pytest.raises(ValidationError) as e:
        EqualityImpact(programme=cast.programme, assessment=theirs, characteristic="age").full_clean()
    assert "assessment" in e.value.message_dict
    foreign_option = soc_ready.programme.options.first()
    with pytest.raises(ValidationError) as e:
        EqualityAssessment(programme=cast.other_programme, option=foreign_option, title="X").full_clean()
    assert "option" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        EqualityMitigation(programme=cast.programme, impact=line(theirs, "age"), action="A", owner=pm,
                           due_date=TODAY).full_clean()
    assert "impact" in e.value.message_dict


# --- The pages ----------------------------------------------------------------------------

def test_the_pages_say_so_prominently_when_a_negative_impact_is_unmitigated(cast):
    p, pm = cast.programme, cast.users["pm"]
    a = make_assessment(p, pm, review_date=timezone.localdate() - timedelta(days=1))
    set_impact(a, "age", "negative", pm)
    viewer = cast.client("viewer")
    page = viewer.get(reverse("business_cases:eia", args=["home", a.pk])).content.decode()
    assert "1 negative impact with no mitigation: Age." in page and "Unmitigated" in page and "Overdue" in page
    listing = viewer.get(reverse("business_cases:equality", args=["home"])).content.decode()
    assert "1 unmitigated" in listing and "Overdue" in listing
    mitigate(line(a, "age"), pm, pm)
    page = viewer.get(reverse("business_cases:eia", args=["home", a.pk])).content.decode()
    assert "with no mitigation" not in page and "Keep the same workers" in page


def test_adding_a_line_and_a_mitigation_from_the_assessment_page_leads_back_to_it(cast):
    p, pm = cast.programme, cast.users["pm"]
    a = make_assessment(p, pm)
    client = cast.client("pm")
    back = reverse("business_cases:eia", args=["home", a.pk])
    url = reverse("business_cases:eia_impact_create", args=["home"]) + f"?assessment={a.pk}"
    assert client.get(url).context["form"].initial["assessment"] == a.pk
    response = client.post(url, {"assessment": a.pk, "characteristic": "other", "other_name": "Veterans",
                                 "impact": "negative", "evidence": "Survey"})
    assert response.status_code == 302 and response["Location"] == back
    veterans = a.impacts.get(other_name="Veterans")
    response = client.post(reverse("business_cases:eia_mitigation_create", args=["home"]),
                           {"impact": veterans.pk, "action": "Ask the armed forces champion", "owner": pm.pk,
                            "due_date_day": "1", "due_date_month": "2", "due_date_year": "2027"})
    assert response.status_code == 302 and response["Location"] == back
    m = veterans.mitigations.get()
    assert m.history.get().history_user == pm
    # The owner must be a member of the programme, and is required.
    outsider = cast.users["outsider"]
    response = client.post(reverse("business_cases:eia_mitigation_edit", args=["home", m.pk]),
                           {"impact": veterans.pk, "action": "Other", "owner": outsider.pk,
                            "due_date_day": "1", "due_date_month": "2", "due_date_year": "2027"})
    assert response.status_code == 200 and "owner" in response.context["form"].errors
    response = client.post(reverse("business_cases:eia_mitigation_delete", args=["home", m.pk]))
    assert response["Location"] == back and not veterans.mitigations.exists()


# --- The appraisal's flag -----------------------------------------------------------------

def test_an_option_with_an_unmitigated_negative_impact_is_flagged_in_the_appraisal(soc_ready):
    from tests.business_cases.conftest import add_line

    cast = soc_ready
    p, pm = cast.programme, cast.users["pm"]
    op1, op2 = p.options.get(code="Op.1"), p.options.get(code="Op.2")
    add_line(op1, "revenue", 0, "100", pm)
    add_line(op2, "revenue", 0, "100", pm)
    a1 = make_assessment(p, pm, option=op1, title="Op.1 EIA")
    set_impact(a1, "sex", "negative", pm)
    set_impact(a1, "age", "negative", pm)
    a2 = make_assessment(p, pm, option=op2, title="Op.2 EIA")
    mitigate(set_impact(a2, "age", "negative", pm), pm, pm)
    whole = make_assessment(p, pm)
    set_impact(whole, "race", "negative", pm)  # the programme's own: not an option's
    assert selectors.unmitigated_by_option(programme=p) == {op1.pk: ["Age", "Sex"]}
    page = cast.client("viewer").get(reverse("business_cases:appraisal", args=["home"])).content.decode()
    assert "Op.1's equality impact assessment finds a negative impact with no mitigation on: Age, Sex." in page
    assert "Op.2's equality impact" not in page
    answer = cast.client("viewer").get("/api/v1/programmes/home/economic-appraisal/").json()
    flags = {o["code"]: o["unmitigated_equality_impacts"] for o in answer["options"]}
    assert flags == {"Op.1": ["Age", "Sex"], "Op.2": []}


# --- The paper ----------------------------------------------------------------------------


def test_the_papers_equalities_section_states_the_duty_and_summarises_the_assessment(soc_ready):
    cast = soc_ready
    p, pm, director = cast.programme, cast.users["pm"], cast.users["director"]
    op1 = p.options.get(code="Op.1")
    director.first_name, director.last_name = "Grace", "Ellison"
    director.save()
    whole = make_assessment(p, pm, title="Moving care in-house", status="signed_off", signed_off_by=director,
                            signed_off_on=date(2026, 6, 1), review_date=date(2027, 6, 1))
    age = set_impact(whole, "age", "negative", pm)
    mitigate(age, pm, pm, action="Carry care plans across unchanged", due=date(2027, 3, 31), done=True)
    set_impact(whole, "carers", "positive", pm)
    a1 = make_assessment(p, pm, option=op1, title="Re-procurement")
    set_impact(a1, "disability", "negative", pm)
    paper = make_paper(p, pm, equalities="Our own words on equality.")
    doc = paper_document(paper_data(paper=paper, today=TODAY), full=True)
    text = document_text(doc)
    equalities = text[text.index("Equalities"):text.index("Climate change")]
    assert "section 149 of the Equality Act 2010" in equalities
    assert "foster good relations" in equalities and "advance equality of opportunity" in equalities
    assert "“Moving care in-house” (the whole programme) looks at 11 characteristics" in equalities
    assert "1 positive, 1 negative, 0 neutral, 9 not known yet" in equalities
    assert "signed off by Grace Ellison on 1 June 2026" in equalities
    assert "to be reviewed by 1 June 2027" in equalities
    assert "Carry care plans across unchanged" in equalities and "31 March 2027" in equalities
    assert "No mitigation is recorded for the negative impact on Disability." in equalities
    assert equalities.index("Moving care in-house") < equalities.index("Our own words on equality.")
    options = text[text.index("Options appraisal"):text.index("Resource implications")]
    assert "equality impact assessment of Op.1 Option Op.1 finds a negative impact with no mitigation on " \
           "Disability" in options
    word = docx_text(document_docx(paper_document(paper_data(paper=paper, today=TODAY), full=True)))
    assert "section 149 of the Equality Act 2010" in word and "Carry care plans across unchanged" in word
    assert "No mitigation recorded" in word and "Our own words on equality." in word
    html = cast.client("viewer").get(reverse("business_cases:paper_preview", args=["home", paper.pk]))
    assert "Carry care plans across unchanged" in html.content.decode()


def test_a_paper_without_an_assessment_says_so(cast):
    paper = make_paper(cast.programme, cast.users["pm"])
    text = document_text(paper_document(paper_data(paper=paper, today=TODAY), full=True))
    assert "No equality impact assessment has been recorded for this programme yet." in text


def test_a_review_past_its_date_is_overdue_in_the_paper(cast):
    pm, director = cast.users["pm"], cast.users["director"]
    make_assessment(cast.programme, pm, status="signed_off", signed_off_by=director, signed_off_on=date(2025, 1, 1),
                    review_date=date(2026, 1, 1))
    paper = make_paper(cast.programme, pm)
    text = document_text(paper_document(paper_data(paper=paper, today=TODAY), full=True))
    assert "its review was due on 1 January 2026 and is overdue" in text




# --- The API ------------------------------------------------------------------------------

def test_the_api_starts_an_assessment_with_its_lines_and_names_the_field_it_refuses(cast):
    from tests.api_matrix import api_client

    pm = cast.users["pm"]
    client = api_client(cast, "pm")
    url = "/api/v1/programmes/home/equality-assessments/"
    response = client.post(url, {"title": "Whole programme"}, format="json")
    assert response.status_code == 201, response.json()
    a = EqualityAssessment.objects.get(pk=response.json()["id"])
    assert a.impacts.count() == len(DEFAULT_CHARACTERISTICS)
    assert a.history.get().history_user == pm
    again = client.post(url, {"title": "Another"}, format="json")
    assert again.status_code == 400 and "option" in again.json()
    signed = client.patch(f"{url}{a.pk}/", {"status": "signed_off"}, format="json")
    assert signed.status_code == 400 and {"signed_off_by", "signed_off_on"} <= set(signed.json())
    age = line(a, "age")
    client.patch(f"/api/v1/programmes/home/equality-impacts/{age.pk}/", {"impact": "negative"}, format="json")
    assert client.get(f"{url}{a.pk}/").json()["unmitigated"] == ["Age"]
    assert client.get(url).json()["results"][0]["unmitigated"] == ["Age"]
    # A mitigation's owner must be one of the programme's members.
    response = client.post("/api/v1/programmes/home/equality-mitigations/",
                           {"impact": age.pk, "action": "Act", "owner": cast.users["outsider"].pk,
                            "due_date": "2027-01-31"}, format="json")
    assert response.status_code == 400 and "owner" in response.json()


def test_a_protected_characteristics_line_is_never_deleted_on_the_page_or_through_the_api(cast):
    from rest_framework.test import APIClient
    eia = make_assessment(cast.programme, cast.users["pm"])
    age, carers = line(eia, "age"), line(eia, "carers")
    client = cast.client("pm")
    page = client.post(reverse("business_cases:eia_impact_delete", args=[cast.programme.slug, age.pk]), follow=True)
    assert "Age is a protected characteristic under the Equality Act 2010" in page.content.decode()
    api = APIClient()
    api.force_login(cast.users["pm"])
    refused = api.delete(f"/api/v1/programmes/{cast.programme.slug}/equality-impacts/{age.pk}/")
    assert refused.status_code == 409 and "protected characteristic" in refused.json()["detail"]
    assert eia.impacts.filter(pk=age.pk).exists()
    # A group the council added may go.
    assert client.post(reverse("business_cases:eia_impact_delete",
                               args=[cast.programme.slug, carers.pk])).status_code == 302
    assert not eia.impacts.filter(pk=carers.pk).exists()
