"""Payback, worked out by hand, both ways: on the gross investment, and net of the funding
and income that came with it. A programme whose investment is funded in the same year
(flexible use of capital receipts) pays back at once net of funding, not "never"."""
from decimal import Decimal

import pytest

from core.financial_year import FinancialYear
from finance.models import InvestmentLine, SavingsLine
from finance.reporting import costs_and_benefits

pytestmark = pytest.mark.django_db

FY = [FinancialYear(2024), FinancialYear(2025), FinancialYear(2026), FinancialYear(2027)]


def _plan(programme, *, investment=(), income=(), savings=()):
    for i, amount in investment:
        InvestmentLine.objects.create(programme=programme, financial_year=FY[i], kind="investment",
                                      description="Mobilisation", amount=Decimal(amount))
    for i, amount in income:
        InvestmentLine.objects.create(programme=programme, financial_year=FY[i], kind="income",
                                      description="Capital receipts", amount=Decimal(amount))
    for i, amount in savings:
        SavingsLine.objects.create(programme=programme, financial_year=FY[i], category="care_packages",
                                   amount=Decimal(amount))
    return costs_and_benefits(programme=programme)


def test_a_programme_funded_in_the_year_of_its_investment_pays_back_at_once_net_of_funding(cast):
    # £500,000 invested in 2024/25 and funded from capital receipts in the same year; savings
    # of £200,000 a year from 2025/26.
    cb = _plan(cast.programme, investment=[(0, "500000")], income=[(0, "500000")],
               savings=[(1, "200000"), (2, "200000"), (3, "200000")])
    net, gross = cb.net_payback, cb.gross_payback
    # Net: 0, 200,000, 400,000, 600,000: never below zero.
    assert net.covered and str(net.year) == "2024/25" and net.within_plan
    assert net.words == ("Net of its funding and income, the programme never has a cost to recover: the money "
                         "coming in each year covers what it spends, so it pays back in 2024/25, the year it starts.")
    # Gross: -500,000, -300,000, -100,000, +100,000: pays back in 2027/28.
    assert str(gross.year) == "2027/28" and gross.investment == Decimal("500000")
    assert gross.words == ("On the gross investment, before any funding or income, the programme pays back in "
                           "2027/28, within the years planned.")
    assert str(cb.payback_year) == "2024/25"


def test_a_programme_that_does_not_pay_back_says_how_much_it_recovered(cast):
    # Gross and net alike: -500,000, -400,000, -300,000 (no funding).
    cb = _plan(cast.programme, investment=[(0, "500000")], savings=[(1, "100000"), (2, "100000")])
    for payback in cb.paybacks:
        assert payback.year is None and not payback.within_plan
        assert payback.investment == Decimal("500000") and payback.recovered == Decimal("200000")
    assert cb.net_payback.words == ("Net of its funding and income, the programme does not pay back within the "
                                    "years planned (to 2026/27): by then it has recovered £200,000 of £500,000.")
    assert cb.payback_year is None


def test_payback_is_the_year_from_which_the_position_stays_recovered(cast):
    # Net: -100, +50, -50 (a second investment), +150: pays back in 2027/28, not 2025/26.
    cb = _plan(cast.programme, investment=[(0, "100"), (2, "200")], savings=[(1, "150"), (2, "100"), (3, "200")])
    assert [y.cumulative_net for y in cb.years] == [Decimal(-100), Decimal(50), Decimal(-50), Decimal(150)]
    assert str(cb.net_payback.year) == "2027/28"
    # The most to recover was £100 (the lowest the position fell to).
    assert cb.net_payback.investment == Decimal("100")


def test_savings_with_no_investment_have_nothing_to_pay_back(cast):
    cb = _plan(cast.programme, savings=[(0, "1000")])
    assert cb.gross_payback.words == "The programme has no investment to pay back."
