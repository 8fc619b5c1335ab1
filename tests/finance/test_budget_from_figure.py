"""A budget line from a figure another app offers (core.figures): the finance officer makes
one from the transfer's pension cost without finance importing workforce; the amount is the
figure as it stands, the line says where it came from, and the history who made it."""
from decimal import Decimal

import pytest
from django.urls import reverse

from core.figures import FigureValue, OfferedFigure, figure_value, offer_figure, offered_figures
from finance.models import BudgetLine, BudgetVersion
from tests.workforce.conftest import load_roster, set_up_programme, staff
from workforce.figures import PENSION_COST
from workforce.models import EmployeeRecord, PensionRate

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(cast):
    set_up_programme(cast.programme)
    assert load_roster(cast.programme, cast.users["hr"], staff(6)).ok
    return cast


def _post(cast, **over):
    version = BudgetVersion.objects.create(programme=cast.programme, name="Mobilisation budget")
    data = {"figure": PENSION_COST, "version": version.pk, "financial_year": "2025/26", "category": "revenue",
            "cost_type": "staff", "workstream": cast.workstream.pk, **over}
    return cast.client("finance").post(reverse("finance:budget_line_from_figure", args=[cast.programme.slug]), data)


def test_workforce_offers_the_pension_cost_through_core(programme):
    cast = programme
    assert PENSION_COST in {f.key for f in offered_figures(cast.programme)}
    assert figure_value(PENSION_COST, cast.programme).amount is None  # no rate yet: nothing costed
    PensionRate.objects.create(programme=cast.programme, scheme="nhs", employer_rate=Decimal("20"))
    value = figure_value(PENSION_COST, cast.programme)
    assert value.amount == Decimal("36000.00") and value.complete
    assert value.basis.startswith("6 of 6 people on roster version 1")


def test_a_finance_officer_makes_a_budget_line_from_the_pension_cost_with_history(programme):
    cast = programme
    PensionRate.objects.create(programme=cast.programme, scheme="nhs", employer_rate=Decimal("20"))
    page = cast.client("finance").get(reverse("finance:budget_line_from_figure", args=[cast.programme.slug]))
    assert "£36,000.00" in page.content.decode()
    EmployeeRecord.objects.filter(employee_ref="E0001").update(annual_pay=None)
    assert _post(cast).status_code == 302
    line = BudgetLine.objects.get()
    assert (line.amount, str(line.financial_year), line.cost_type, line.workstream) == (
        Decimal("30000.00"), "2025/26", "staff", cast.workstream)
    assert "Annual employer pension cost" in line.description
    assert "Leaves out 1 person with no pay on the roster" in line.description  # said, not hidden
    entry = line.history.latest()
    assert entry.history_user == cast.users["finance"]
    assert entry.history_change_reason == "Budget line from the annual employer pension cost of the transfer"


def test_a_figure_with_no_amount_is_refused_naming_the_field(programme):
    cast = programme
    response = _post(cast)  # no rate set: nobody costed
    assert response.status_code == 200 and BudgetLine.objects.count() == 0
    assert "has no amount yet" in response.content.decode()
    response = _post(cast, figure="workforce.nothing")
    assert "Select a valid choice" in response.content.decode()


def test_a_small_transfer_offers_no_amount_outside_hr(cast):
    set_up_programme(cast.programme)
    assert load_roster(cast.programme, cast.users["hr"], staff(3)).ok
    PensionRate.objects.create(programme=cast.programme, scheme="nhs", employer_rate=Decimal("20"))
    value = figure_value(PENSION_COST, cast.programme)
    assert value.amount is None and "not shown outside HR" in value.basis


def test_where_no_staff_transfer_there_is_no_pension_cost_to_offer(programme):
    cast = programme
    cast.programme.contracts.update(staff_transfer=False, transfer_date=None)
    assert PENSION_COST not in {f.key for f in offered_figures(cast.programme)}
    assert figure_value(PENSION_COST, cast.programme) is None


def test_the_registry_refuses_a_second_figure_under_one_key():
    from django.core.exceptions import ImproperlyConfigured

    figure = OfferedFigure("tests.one", "One", "£", lambda p: FigureValue(Decimal(1), "one"))
    assert offer_figure(figure) is offer_figure(figure)  # the same again is harmless
    with pytest.raises(ImproperlyConfigured):
        offer_figure(OfferedFigure("tests.one", "Another", "£", lambda p: FigureValue(None, "")))
    from core import figures
    del figures._figures["tests.one"]
