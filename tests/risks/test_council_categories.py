"""The council's own risk categories (programmes.council_lists.RISK_CATEGORY): the risk
pages, the import and the API offer the programme's council's values (added ones included,
retired ones not, another council's never), the appetite page follows the list, a value
in use cannot be removed, and every page shows the council's label, following a rename."""
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from programmes.council_lists import RISK_CATEGORY, active_choices, council_list
from programmes.models import CouncilAdministrator
from programmes.services import council_list_value_add, council_list_value_change
from risks.models import Risk, RiskAppetite
from risks.services import risk_settings_save
from tests.factories import UserFactory
from tests.risks.conftest import make_risk
from tests.risks.test_import import HEADERS, load, xlsx

pytestmark = pytest.mark.django_db

RISK = {"title": "Care homes close at short notice", "likelihood": "3", "impact": "4",
        "residual_likelihood": "2", "residual_impact": "3", "response": "treat", "status": "open"}


@pytest.fixture
def admin(cast):
    user = UserFactory(username="admin")
    CouncilAdministrator.objects.create(organisation=cast.programme.lead_organisation, user=user)
    return user


def _add_market(cast, admin, council=None):
    return council_list_value_add(council=council or cast.programme.lead_organisation, key=RISK_CATEGORY,
                                  value="market", label="Provider market", user=admin)


def _rename(cast, admin, value, label, *, retired=False):
    """Rename (and perhaps retire) a value of the council's list, keeping its place."""
    council = cast.programme.lead_organisation
    entry = next(e for e in council_list(council, RISK_CATEGORY) if e.value == value)
    council_list_value_change(council=council, key=RISK_CATEGORY, value=value, label=label, order=entry.order,
                              retired=retired, user=admin)


def _export_categories(cast) -> list[str]:
    response = cast.client("viewer").get(reverse("risks:export", args=[cast.programme.slug]))
    ws = load_workbook(io.BytesIO(response.content))["Risk register"]
    column = [c.value for c in ws[1]].index("Category")
    return [row[column].value for row in ws.iter_rows(min_row=2)]


def test_a_category_the_council_adds_is_saved_through_the_page_and_shown_by_its_label(cast, admin):
    _add_market(cast, admin)
    pm = cast.client("pm")
    new = pm.get(reverse("risks:create", args=[cast.programme.slug])).content.decode()
    assert '<option value="market">Provider market</option>' in new
    response = pm.post(reverse("risks:create", args=[cast.programme.slug]), {**RISK, "category": "market"})
    assert response.status_code == 302, response.content.decode()[:2000]
    risk = Risk.objects.get()
    assert risk.category == "market"
    register = pm.get(reverse("risks:register", args=[cast.programme.slug])).content.decode()
    assert '<span class="govuk-body-s">Provider market</span>' in register  # the row
    assert '<option value="market">Provider market</option>' in register  # the filter
    filtered = pm.get(reverse("risks:register", args=[cast.programme.slug]) + "?category=market")
    assert [r.pk for r in filtered.context["risks"]] == [risk.pk]
    detail = pm.get(reverse("risks:detail", args=[cast.programme.slug, risk.pk])).content.decode()
    assert "R-001 · Provider market" in detail
    assert _export_categories(cast) == ["Provider market"]


def test_a_category_the_council_adds_is_saved_through_the_api_with_its_label(cast, admin):
    _add_market(cast, admin)
    response = cast.client("pm").post(f"/api/v1/programmes/{cast.programme.slug}/risks/",
                                      {**RISK, "category": "market"}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert (response.json()["category"], response.json()["category_label"]) == ("market", "Provider market")
    assert Risk.objects.get().category == "market"


def test_another_councils_category_is_never_offered_nor_accepted(cast, admin):
    other_admin = UserFactory(username="other_admin")
    CouncilAdministrator.objects.create(organisation=cast.other_programme.lead_organisation, user=other_admin)
    _add_market(cast, other_admin, council=cast.other_programme.lead_organisation)
    assert "market" not in dict(active_choices(cast.programme.lead_organisation_id, RISK_CATEGORY))
    pm = cast.client("pm")
    page = pm.get(reverse("risks:create", args=[cast.programme.slug])).content.decode()
    assert 'value="market"' not in page
    response = pm.post(reverse("risks:create", args=[cast.programme.slug]), {**RISK, "category": "market"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    api = pm.post(f"/api/v1/programmes/{cast.programme.slug}/risks/", {**RISK, "category": "market"},
                  content_type="application/json")
    assert api.status_code == 400 and "category" in api.json()
    # Nor as a filter of the register, nor as an appetite.
    filtered = pm.get(reverse("risks:register", args=[cast.programme.slug]) + "?category=market")
    assert filtered.context["filters"].category is None
    with pytest.raises(ValidationError):
        risk_settings_save(programme=cast.programme, green_max=4, amber_max=12, appetites={"market": 5},
                           user=cast.users["pm"])
    assert not Risk.objects.exists() and not RiskAppetite.objects.exists()


def test_a_retired_category_is_not_offered_for_a_new_risk_but_kept_on_an_old_one(cast, admin):
    old = make_risk(cast.programme, cast.users["pm"], category="legal")
    _rename(cast, admin, "legal", "Legal", retired=True)
    pm = cast.client("pm")
    new = pm.get(reverse("risks:create", args=[cast.programme.slug])).content.decode()
    assert 'value="legal"' not in new
    refused = pm.post(reverse("risks:create", args=[cast.programme.slug]), {**RISK, "category": "legal"})
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
    edit = pm.get(reverse("risks:edit", args=[cast.programme.slug, old.pk]))
    assert 'value="legal"' in edit.content.decode()
    # Saved again on its retired category, through the API too.
    api = pm.patch(f"/api/v1/programmes/{cast.programme.slug}/risks/{old.pk}/", {"title": "Still legal"},
                   content_type="application/json")
    assert api.status_code == 200, api.content
    old.refresh_from_db()
    assert (old.title, old.category) == ("Still legal", "legal")
    # The import makes new risks: a retired category is refused there.
    rows = [HEADERS, ["Contract dispute", "", "Legal", "hr", "", 2, 2, 1, 1, "", None, "", None]]
    _, preview, _ = load(pm, cast.programme.slug, "retired.xlsx", xlsx(rows))
    assert [(e.row, e.column_header) for e in preview.context["preview"].errors] == [(2, "Category")]


def test_the_appetite_page_follows_the_councils_categories(cast, admin):
    RiskAppetite.objects.create(programme=cast.programme, category="legal", max_residual_score=6)
    _rename(cast, admin, "legal", "Legal", retired=True)  # retired, with an appetite: still shown
    _rename(cast, admin, "reputational", "Reputational", retired=True)  # retired, none: gone
    _add_market(cast, admin)
    url = reverse("risks:settings", args=[cast.programme.slug])
    pm = cast.client("pm")
    form = pm.get(url).context["form"]
    assert "appetite_market" in form.fields and form.fields["appetite_market"].label == (
        "Appetite for provider market risks")
    assert form.fields["appetite_legal"].initial == 6
    assert "appetite_reputational" not in form.fields
    response = pm.post(url, {"green_max": "4", "amber_max": "12", "appetite_market": "9", "appetite_legal": "6"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert dict(RiskAppetite.objects.values_list("category", "max_residual_score")) == {"legal": 6, "market": 9}
    # Cleared, the retired category's appetite goes, and its field with it.
    assert pm.post(url, {"green_max": "4", "amber_max": "12", "appetite_market": "9"}).status_code == 302
    assert dict(RiskAppetite.objects.values_list("category", "max_residual_score")) == {"market": 9}
    assert "appetite_legal" not in pm.get(url).context["form"].fields


def test_the_import_takes_the_councils_labels_and_codes_in_any_case(cast, admin):
    _add_market(cast, admin)
    _rename(cast, admin, "workforce", "People and pay")
    rows = [HEADERS,
            ["Home closes", "", "PROVIDER MARKET", "hr", "", 3, 4, 2, 2, "", None, "", None],
            ["Agency rates rise", "", "Market", "hr", "", 3, 4, 2, 2, "", None, "", None],
            ["Pay claim", "", "people and pay", "hr", "", 3, 3, 2, 2, "", None, "", None]]
    _, preview, response = load(cast.client("pm"), cast.programme.slug, "council.xlsx", xlsx(rows))
    assert preview.context["preview"].errors == []
    assert sorted(Risk.objects.values_list("category", flat=True)) == ["market", "market", "workforce"]


def test_a_bad_category_in_an_upload_names_the_row_and_column_and_lists_the_councils_values(cast, admin):
    _add_market(cast, admin)
    _rename(cast, admin, "workforce", "People and pay")
    rows = [HEADERS,
            ["Fine", "", "market", "hr", "", 3, 4, 2, 2, "", None, "", None],
            ["Wrong", "", "Weather", "hr", "", 3, 4, 2, 2, "", None, "", None]]
    pm = cast.client("pm")
    upload, preview, _ = load(pm, cast.programme.slug, "bad.xlsx", xlsx(rows))
    errors = preview.context["preview"].errors
    assert [(e.row, e.column_header) for e in errors] == [(3, "Category")]
    assert errors[0].message.startswith('"Weather" is not a category: use one of People and pay, Financial,')
    assert errors[0].message.endswith(", Other, Provider market")
    pm.post(reverse("risks:import_commit", args=[cast.programme.slug, upload.pk]))
    assert not Risk.objects.exists()  # nothing half-written


def test_a_category_in_use_cannot_be_removed_only_retired(cast, admin):
    make_risk(cast.programme, cast.users["pm"], category="technology")
    RiskAppetite.objects.create(programme=cast.programme, category="partnership", max_residual_score=4)
    client = cast.client("pm")
    client.force_login(admin)
    for value in ("technology", "partnership"):  # held by a risk; by an appetite
        url = reverse("programmes:council_list_value_delete",
                      args=[cast.programme.lead_organisation_id, RISK_CATEGORY, value])
        assert "cannot be removed" in client.post(url, follow=True).content.decode()
        assert value in dict(active_choices(cast.programme.lead_organisation_id, RISK_CATEGORY))
    # One nobody holds goes.
    url = reverse("programmes:council_list_value_delete",
                  args=[cast.programme.lead_organisation_id, RISK_CATEGORY, "other"])
    assert client.post(url).status_code == 302
    assert "other" not in dict(active_choices(cast.programme.lead_organisation_id, RISK_CATEGORY))


def test_the_label_follows_a_rename_everywhere_it_is_shown(cast, admin):
    risk = make_risk(cast.programme, cast.users["pm"], category="financial")
    _rename(cast, admin, "financial", "Money and funding")
    viewer = cast.client("viewer")
    register = viewer.get(reverse("risks:register", args=[cast.programme.slug])).content.decode()
    assert '<span class="govuk-body-s">Money and funding</span>' in register
    detail = viewer.get(reverse("risks:detail", args=[cast.programme.slug, risk.pk])).content.decode()
    assert "R-001 · Money and funding" in detail
    assert _export_categories(cast) == ["Money and funding"]
    api = viewer.get(f"/api/v1/programmes/{cast.programme.slug}/risks/{risk.pk}/").json()
    assert (api["category"], api["category_label"]) == ("financial", "Money and funding")


def test_a_code_the_list_no_longer_holds_shows_the_code(cast, admin):
    risk = make_risk(cast.programme, cast.users["pm"], category="gone_code")
    detail = cast.client("viewer").get(reverse("risks:detail", args=[cast.programme.slug, risk.pk]))
    assert "R-001 · gone_code" in detail.content.decode()


def test_the_lists_page_shows_the_risk_categories_with_their_uses(cast, admin):
    make_risk(cast.programme, cast.users["pm"], category="workforce")
    client = cast.client("pm")
    client.force_login(admin)
    response = client.get(reverse("programmes:council_lists", args=[cast.programme.lead_organisation_id]))
    lists = {spec.key: entries for spec, entries in response.context["lists"]}
    assert [(e.value, uses) for e, uses in lists[RISK_CATEGORY]][:2] == [("workforce", 1), ("financial", 0)]
    page = response.content.decode()
    assert "<h2 class=\"govuk-heading-m\">Risk categories</h2>" in page
    assert '<option value="risk_category">Risk categories</option>' in page
