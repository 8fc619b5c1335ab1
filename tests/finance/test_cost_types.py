"""The council's own cost types: the budget line, forecast and account code pages and API
offer the programme's council's values (added ones included, retired ones not, another
council's never), a cost type in use cannot be removed, and the budget, codes and
budget-against-actual pages read their labels and order from the council's list."""
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from core.concurrency import VERSION_FIELD, record_version
from core.financial_year import FinancialYear
from core.uploads import ALL_WARNINGS
from finance import reporting
from finance.models import AccountCode, BudgetLine, Forecast
from programmes.council_lists import COST_TYPE, active_choices
from programmes.services import council_list_value_add, council_list_value_change
from tests.finance.conftest import commit, good_rows, receive, xlsx
from tests.programmes.test_council_lists import World

FY = FinancialYear(2025)


@pytest.fixture
def world(cast, budget):
    w = World(cast)
    w.version = budget
    w.slug = cast.programme.slug
    return w


def _api(world, segment: str) -> str:
    return f"/api/v1/programmes/{world.slug}/finance/{segment}/"


def _add_care_packages(world, council=None, who="admin"):
    return council_list_value_add(council=council or world.council, key=COST_TYPE, value="care_packages",
                                  label="Care packages", user=world.users[who])


def test_a_cost_type_the_council_adds_is_saved_through_the_pages_and_shown_by_its_label(world):
    _add_care_packages(world)
    finance = world.cast.client("finance")
    response = finance.post(reverse("finance:budget-lines_create", args=[world.slug]),
                            {"version": world.version.pk, "financial_year": "2025/26", "category": "revenue",
                             "cost_type": "care_packages", "description": "Spot placements", "amount": "£12,000"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert BudgetLine.objects.get(description="Spot placements").cost_type == "care_packages"
    response = finance.post(reverse("finance:account-codes_create", args=[world.slug]),
                            {"code": "6100", "name": "Care packages", "cost_type": "care_packages",
                             "category": "revenue"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert AccountCode.objects.get(code="6100").cost_type == "care_packages"
    budget_page = finance.get(reverse("finance:budget", args=[world.slug])).content.decode()
    assert '<td class="govuk-table__cell">Care packages</td>' in budget_page
    codes_page = finance.get(reverse("finance:codes", args=[world.slug])).content.decode()
    assert '<td class="govuk-table__cell">Care packages</td>' in codes_page


def test_a_cost_type_the_council_adds_is_saved_through_the_api(world):
    _add_care_packages(world)
    response = world.cast.client("finance").post(
        _api(world, "forecasts"), {"financial_year": "2025/26", "category": "revenue", "cost_type": "care_packages",
                                   "amount": "900.00"}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert Forecast.objects.get().cost_type == "care_packages"


def test_another_councils_cost_type_is_never_offered_nor_accepted(world):
    _add_care_packages(world, council=world.other, who="other_admin")
    assert "care_packages" not in dict(active_choices(world.council.pk, COST_TYPE))
    finance = world.cast.client("finance")
    new = finance.get(reverse("finance:forecasts_create", args=[world.slug])).content.decode()
    assert 'value="care_packages"' not in new and 'value="systems"' in new
    response = finance.post(reverse("finance:forecasts_create", args=[world.slug]),
                            {"financial_year": "2025/26", "category": "revenue", "cost_type": "care_packages",
                             "amount": "10"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    api = finance.post(_api(world, "account-codes"), {"code": "6100", "cost_type": "care_packages",
                                                      "category": "revenue"}, content_type="application/json")
    assert api.status_code == 400 and "cost_type" in api.json()
    assert not Forecast.objects.exists() and not AccountCode.objects.filter(code="6100").exists()


def test_a_retired_cost_type_is_not_offered_for_a_new_record_but_kept_on_an_old_one(world):
    old = AccountCode.objects.create(programme=world.cast.programme, code="7100", name="Rent", cost_type="estates")
    council_list_value_change(council=world.council, key=COST_TYPE, value="estates", label="Estates", order=3,
                              retired=True, user=world.users["admin"])
    finance = world.cast.client("finance")
    new = finance.get(reverse("finance:account-codes_create", args=[world.slug])).content.decode()
    assert 'value="estates"' not in new and 'value="systems"' in new
    refused = finance.post(_api(world, "budget-lines"),
                           {"version": world.version.pk, "financial_year": "2025/26", "cost_type": "estates",
                            "amount": "5.00"}, content_type="application/json")
    assert refused.status_code == 400 and "cost_type" in refused.json()
    edit_url = reverse("finance:account-codes_edit", args=[world.slug, old.pk])
    assert 'value="estates"' in finance.get(edit_url).content.decode()
    # Edited with its retired cost type kept, through the page and through the API.
    response = finance.post(edit_url, {"code": "7100", "name": "Rent and rates", "cost_type": "estates",
                                       "category": "revenue", VERSION_FIELD: record_version(old)})
    assert response.status_code == 302, response.content.decode()[:2000]
    url = _api(world, f"account-codes/{old.pk}")
    etag = finance.get(url)["ETag"]
    response = finance.patch(url, {"name": "Rent", "cost_type": "estates"}, content_type="application/json",
                             HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.content
    old.refresh_from_db()
    assert (old.name, old.cost_type) == ("Rent", "estates")
    # Its label still shows on the codes page.
    codes_page = finance.get(reverse("finance:codes", args=[world.slug])).content.decode()
    assert '<td class="govuk-table__cell">Rent</td><td class="govuk-table__cell">Estates</td>' in codes_page


def test_a_cost_type_in_use_cannot_be_removed_only_retired(world):
    Forecast.objects.create(programme=world.cast.programme, financial_year=FY, cost_type="training",
                            amount=Decimal("5"))
    admin = world.client("admin")
    url = reverse("programmes:council_list_value_delete", args=[world.council.pk, COST_TYPE, "training"])
    response = admin.post(url, follow=True)
    assert "cannot be removed" in response.content.decode()
    assert "training" in dict(active_choices(world.council.pk, COST_TYPE))
    # One no record holds can be.
    admin.post(reverse("programmes:council_list_value_delete", args=[world.council.pk, COST_TYPE, "estates"]))
    assert "estates" not in dict(active_choices(world.council.pk, COST_TYPE))


def test_the_lists_page_shows_the_cost_types_with_their_use(world):
    page = world.client("admin").get(reverse("programmes:council_lists", args=[world.council.pk])).content.decode()
    assert "<h2 class=\"govuk-heading-m\">Cost types</h2>" in page
    # The budget fixture's two staff lines and its staff account code.
    assert ('<td class="govuk-table__cell">Staff and interim</td><td class="govuk-table__cell"><code>staff</code>'
            in page)
    staff_row = page.split("<code>staff</code>", 1)[1].split("</tr>", 1)[0]
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">3</td>' in staff_row


def test_the_label_follows_a_rename_on_every_page_that_shows_it(world):
    council_list_value_change(council=world.council, key=COST_TYPE, value="staff", label="People and interims",
                              order=1, retired=False, user=world.users["admin"])
    Forecast.objects.create(programme=world.cast.programme, financial_year=FY, cost_type="staff",
                            amount=Decimal("5"))
    finance = world.cast.client("finance")
    for name in ("budget", "codes", "home"):
        page = finance.get(reverse(f"finance:{name}", args=[world.slug])).content.decode()
        assert "People and interims" in page, name
        assert "Staff and interim" not in page, name
    report = finance.get(_api(world, "report")).json()["budget_against_actual"]["by_cost_type"]
    assert [line["label"] for line in report] == ["People and interims"]


def test_the_by_cost_type_table_follows_the_councils_order_then_unknown_codes_then_not_mapped(world, cast):
    p = cast.programme
    for cost_type in ("systems", "staff", "retro_code"):
        BudgetLine.objects.create(programme=p, version=world.version, financial_year=FY, cost_type=cost_type,
                                  amount=Decimal("10"))
    # A ledger line on an account code not mapped yet.
    rows = good_rows(2)
    rows[1][2] = "9999"
    commit(cast, receive(cast, xlsx(rows)), accept_warnings=ALL_WARNINGS)
    # The council puts IT first and renames it.
    council_list_value_change(council=world.council, key=COST_TYPE, value="systems", label="Digital", order=0,
                              retired=False, user=world.users["admin"])
    labels = [line.label for line in reporting.budget_against_actual(programme=p).by_cost_type]
    assert labels == ["Digital", "Staff and interim", "retro_code", reporting.NOT_MAPPED]


def test_the_cabinet_papers_finance_appendix_labels_cost_types_from_the_councils_list(world, cast):
    from business_cases.papers import paper_data, paper_document
    from core.documents import document_text
    from tests.business_cases.test_permissions import make_paper

    council_list_value_change(council=world.council, key=COST_TYPE, value="staff", label="People and interims",
                              order=1, retired=False, user=world.users["admin"])
    paper = make_paper(cast.programme, cast.users["pm"])
    text = document_text(paper_document(paper_data(paper=paper, today=date(2026, 11, 23)), full=True))
    assert "People and interims" in text and "Staff and interim" not in text
