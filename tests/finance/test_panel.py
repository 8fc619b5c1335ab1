"""The finance panel on the programme overview: budget, spend and what is left."""
import pytest
from django.urls import reverse

from finance.panels import finance_overview_panel
from tests.finance.conftest import commit, good_rows, make_budget, receive, xlsx

pytestmark = pytest.mark.django_db


def test_panel_figures_come_from_the_budget_and_the_ledger(cast, django_assert_num_queries):
    make_budget(cast.programme, cast.workstream)
    commit(cast, receive(cast, xlsx(good_rows(2))))
    with django_assert_num_queries(2):
        panel = finance_overview_panel(cast.programme, None)
    assert panel["items"][0][:2] == ("current budget", "£80,000")
    assert panel["items"][1][:2] == ("spent to date (ledger)", "£201.50")
    assert panel["items"][2][:2] == ("left to spend", "£79,798.50")
    page = cast.client("viewer").get(reverse("programmes:overview", args=["home"])).content.decode()
    assert "spent to date (ledger)" in page and "£201.50" in page
