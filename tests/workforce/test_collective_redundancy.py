"""A restructure's collective-redundancy dates (workforce.deadlines): consultation and form
HR1 at least 30 days before the first dismissal for 20 to 99 proposed redundancies at one
establishment within 90 days, 45 days for 100 or more (TULRCA 1992 s188 and s193)."""
from datetime import date, timedelta

import pytest

from programmes.deadlines import derived_deadlines
from tests.factories import ProgrammeFactory, TeamFactory, TransferRosterFactory
from workforce.models import Establishment, EstablishmentLine

pytestmark = pytest.mark.django_db

FIRST_DISMISSAL = date(2027, 6, 30)


@pytest.fixture
def programme():
    return ProgrammeFactory(contract=False)


def _restructure(programme, *, voluntary: int, compulsory: int, site="Keynsham Civic Centre",
                 first=FIRST_DISMISSAL, name="Reablement restructure"):
    e = Establishment.objects.create(programme=programme, name=name, site=site, first_dismissal_date=first,
                                     baseline=TransferRosterFactory(programme=programme))
    team = TeamFactory(programme=programme)
    EstablishmentLine.objects.create(programme=programme, establishment=e, team=team, posts=10,
                                     voluntary_redundancies=voluntary, compulsory_redundancies=compulsory)
    return e


def _dates(programme):
    return {d.key: d for d in derived_deadlines(programme=programme, today=date(2027, 1, 4))
            if d.rule in ("collective-consultation", "hr1")}


@pytest.mark.parametrize("voluntary,compulsory,days", [(9, 10, None), (10, 10, 30), (50, 49, 30), (60, 40, 45)])
def test_the_period_follows_the_number_proposed_at_its_boundaries(programme, voluntary, compulsory, days):
    e = _restructure(programme, voluntary=voluntary, compulsory=compulsory)
    found = _dates(programme)
    if days is None:
        assert found == {}
        return
    consult, hr1 = found[f"collective-consultation-{e.pk}"], found[f"hr1-{e.pk}"]
    assert consult.date == hr1.date == FIRST_DISMISSAL - timedelta(days=days)
    band = "100 or more" if days == 45 else "20 to 99"
    assert consult.source == (
        f"{days} days before the first dismissal of Reablement restructure takes effect on 30 June 2027 "
        f"({band} proposed redundancies at Keynsham Civic Centre within 90 days; "
        f"TULRCA 1992 s188(1A)({'a' if days == 45 else 'b'}))")
    assert hr1.reference == f"TULRCA 1992 s193(2)({'a' if days == 45 else 'b'})"
    assert hr1.title == "Form HR1 to the Insolvency Service: Reablement restructure"
    # The words (in full above) say the band, never how many people.


def test_restructures_at_one_establishment_within_90_days_count_together(programme):
    a = _restructure(programme, voluntary=5, compulsory=5, name="Reablement")
    b = _restructure(programme, voluntary=5, compulsory=5, name="Day services",
                     site=" keynsham civic centre ", first=FIRST_DISMISSAL + timedelta(days=89))
    found = _dates(programme)
    assert set(found) == {f"collective-consultation-{a.pk}", f"hr1-{a.pk}",
                          f"collective-consultation-{b.pk}", f"hr1-{b.pk}"}
    assert "counting Day services" in found[f"hr1-{a.pk}"].source
    # 90 days apart, they are separate periods; at another establishment, too.
    b.first_dismissal_date = FIRST_DISMISSAL + timedelta(days=90)
    b.save()
    assert _dates(programme) == {}
    b.first_dismissal_date, b.site = FIRST_DISMISSAL, "Bath Guildhall"
    b.save()
    assert _dates(programme) == {}


def test_the_dates_move_with_the_first_dismissal_and_go_without_one(programme):
    e = _restructure(programme, voluntary=0, compulsory=20)
    assert _dates(programme)[f"hr1-{e.pk}"].date == date(2027, 5, 31)
    e.first_dismissal_date = date(2027, 9, 30)
    e.save()
    assert _dates(programme)[f"hr1-{e.pk}"].date == date(2027, 8, 31)
    e.first_dismissal_date = None
    e.save()
    assert _dates(programme) == {}
