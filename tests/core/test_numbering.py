"""Numbering within a programme (core.numbering): the next number is the one after the
highest, and a save whose number another save took meanwhile takes the next free one.
On SQLite the race is staged by taking the number between choosing and saving; the real
race on PostgreSQL is tests/core/test_numbering_postgres.py."""
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from business_cases.models import StrategicObjective
from business_cases.services import statement_next_number, statement_save
from core.numbering import next_number
from risks import services as risk_services
from risks.models import Risk
from tests.risks.conftest import make_risk

pytestmark = pytest.mark.django_db


def _objective(cast, number, text="Transfer safely"):
    return StrategicObjective.objects.create(programme=cast.programme, number=number, text=text)


def test_the_next_number_follows_the_highest_not_the_count(cast):
    assert statement_next_number(model=StrategicObjective, programme=cast.programme) == 1
    _objective(cast, 1)
    _objective(cast, 3)  # SO2 was deleted
    assert statement_next_number(model=StrategicObjective, programme=cast.programme) == 4
    assert next_number(StrategicObjective.objects.filter(programme=cast.other_programme)) == 1


def test_the_add_page_offers_the_number_after_the_highest(cast):
    _objective(cast, 1)
    _objective(cast, 3)
    page = cast.client("pm").get(reverse("business_cases:objective_create", args=[cast.programme.slug]))
    assert page.context["form"].initial["number"] == 4


def test_a_new_objective_that_loses_the_race_for_its_number_takes_the_next(cast, monkeypatch):
    # Both saves passed validation (the other had not committed), so it is the unique
    # constraint that refuses the second: the validation is mocked out to stage that.
    pm = cast.users["pm"]
    monkeypatch.setattr(StrategicObjective, "validate_constraints", lambda self, exclude=None: None)
    _objective(cast, 1)
    _objective(cast, 2, "Added by someone else a moment ago")
    saved = statement_save(instance=StrategicObjective(programme=cast.programme, number=2, text="Keep people safe"),
                           user=pm, reason="Objective added")
    assert (saved.number, saved.code) == (3, "SO3")
    assert saved.history.get().history_user == pm
    assert sorted(StrategicObjective.objects.values_list("number", flat=True)) == [1, 2, 3]


def test_a_number_a_person_chose_that_was_taken_already_is_refused_not_changed(cast):
    _objective(cast, 1)
    with pytest.raises(ValidationError):
        statement_save(instance=StrategicObjective(programme=cast.programme, number=1, text="Again"),
                       user=cast.users["pm"], reason="Objective added")
    assert StrategicObjective.objects.count() == 1


def test_an_edit_keeps_its_number_and_is_refused(cast):
    _objective(cast, 1)
    mine = _objective(cast, 2)
    mine.number = 1
    with pytest.raises(ValidationError):
        statement_save(instance=mine, user=cast.users["pm"], reason="Renumbered")
    assert StrategicObjective.objects.get(pk=mine.pk).number == 2


def test_a_refusal_that_is_not_about_the_number_is_not_retried(cast):
    with pytest.raises(ValidationError) as refused:
        statement_save(instance=StrategicObjective(programme=cast.programme, number=1, text="x" * 301),
                       user=cast.users["pm"], reason="Objective added")
    assert "text" in refused.value.error_dict
    assert not StrategicObjective.objects.exists()


def test_a_risk_whose_number_was_taken_meanwhile_takes_the_next(cast, monkeypatch):
    first = make_risk(cast.programme, cast.users["pm"])
    assert first.number == 1
    # The number is chosen as though the first risk were not there yet.
    monkeypatch.setattr(risk_services, "risk_next_number", lambda *, programme: 1)
    second = make_risk(cast.programme, cast.users["pm"])
    assert second.number == 2
    assert sorted(Risk.objects.values_list("number", flat=True)) == [1, 2]
