"""Every page of the finance app × every member of the cast × GET and POST.

Members read; finance officers and programme managers (EDIT_FINANCE) write; outsiders get
404. `test_matrix_covers_every_url_name` fails when a URL name is added without an entry.
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.financial_year import FinancialYear
from core.models import ColumnMapping, Job, Upload
from core.roles import Capability, role_can
from finance import urls as finance_urls
from finance.models import (
    AccountCode,
    BudgetLine,
    BudgetVersion,
    CostCentre,
    Forecast,
    FundingSource,
    InvestmentLine,
    Kpi,
    KpiReading,
    LedgerStatedTotal,
    RealisedSaving,
    SavingsLine,
)
from finance.resources import RESOURCES
from finance.services import LEDGER_COMMIT_KIND
from tests.finance.conftest import commit, good_rows, make_budget, receive, xlsx
from tests.permissions import (
    ACTION,
    FORM,
    READ,
    ROLE_OF,
    AskerOrManager,
    Page,
    history_tables,
    matrix_row,
    url_names,
)


@dataclass
class World:
    cast: object
    objects: dict
    upload: Upload  # previewed, not loaded
    loaded: Upload
    job: Job
    failed_job: Job | None = None  # a ledger commit the finance officer asked for, which failed

    @property
    def slug(self) -> str:
        return self.cast.programme.slug


@pytest.fixture
def world(cast) -> World:
    p, ws = cast.programme, cast.workstream
    version = make_budget(p, ws)
    fy = FinancialYear(2023)
    objects = {
        "funding-sources": FundingSource.objects.create(programme=p, name="Spare source"),
        "budget-versions": BudgetVersion.objects.create(programme=p, name="SOC estimate"),
        "budget-lines": BudgetLine.objects.create(programme=p, version=version, financial_year=fy, amount=Decimal(5)),
        "forecasts": Forecast.objects.create(programme=p, financial_year=fy, amount=Decimal(10)),
        "cost-centres": CostCentre.objects.get(programme=p, code="CC1"),
        "account-codes": AccountCode.objects.get(programme=p, code="1001"),
        "savings": SavingsLine.objects.create(programme=p, financial_year=fy, category="staffing", amount=Decimal(1)),
        "investments": InvestmentLine.objects.create(programme=p, financial_year=fy, kind="investment",
                                                     description="Set up", amount=Decimal(1)),
        "realised-savings": RealisedSaving.objects.create(programme=p, financial_year=fy, category="staffing",
                                                          amount=Decimal(1)),
    }
    kpi = Kpi.objects.create(programme=p, name="Reviews", unit="%", baseline=Decimal(50), target=Decimal(70))
    objects["kpis"] = kpi
    objects["kpi-readings"] = KpiReading.objects.create(programme=p, kpi=kpi, date=date(2024, 1, 1), value=Decimal(55))
    objects["version"] = version
    # A roster and a pension rate, so the pension cost is a figure the budget can take.
    from tests.workforce.conftest import load_roster, set_up_programme, staff
    from workforce.models import PensionRate

    set_up_programme(p)
    assert load_roster(p, cast.users["hr"], staff(6)).ok
    PensionRate.objects.create(programme=p, scheme="nhs", employer_rate=Decimal("23.7"))
    loaded = receive(cast, xlsx(good_rows(2, "L")), "loaded.xlsx")
    commit(cast, loaded)
    upload = receive(cast, xlsx(good_rows(2, "N")), "new.xlsx")
    job = Job.objects.create(kind=LEDGER_COMMIT_KIND, target_type=ContentType.objects.get_for_model(p),
                             target_id=p.pk, params={"upload": upload.pk})
    failed = Job.objects.create(kind=LEDGER_COMMIT_KIND, target_type=ContentType.objects.get_for_model(p),
                                target_id=p.pk, params={"upload": upload.pk}, created_by=cast.users["finance"],
                                status=Job.Status.FAILED, error="The worker running this stopped.")
    return World(cast, objects, upload, loaded, job, failed)


FORM_DATA = {
    "funding-sources": lambda w: {"name": "Better Care Fund", "kind": "bcf", "balance": "1000",
                                  "other_commitments": "0"},
    "budget-versions": lambda w: {"name": "Revision 2", "kind": "revised", "reason": "Cost pressures",
                                  "approved_on": "2024-01-10"},
    "budget-lines": lambda w: {"version": w.objects["version"].pk, "financial_year": "2024/25", "category": "capital",
                               "cost_type": "systems", "workstream": w.cast.workstream.pk, "amount": "1000"},
    "forecasts": lambda w: {"financial_year": "2024/25", "category": "revenue", "cost_type": "staff",
                            "amount": "900", "note": "Q2"},
    "cost-centres": lambda w: {"code": "CC7", "name": "Estates", "workstream": w.cast.workstream.pk},
    "account-codes": lambda w: {"code": "8100", "name": "Hardware", "cost_type": "equipment", "category": "capital"},
    "savings": lambda w: {"financial_year": "2025/26", "category": "contract", "recurrence": "recurrent",
                          "amount": "5000"},
    "investments": lambda w: {"financial_year": "2024/25", "kind": "income", "description": "ICB", "amount": "7"},
    "realised-savings": lambda w: {"financial_year": "2024/25", "category": "contract", "amount": "7"},
    "kpis": lambda w: {"name": "Days to assessment", "unit": "days", "baseline": "40", "target": "28",
                       "direction": "lower"},
    "kpi-readings": lambda w: {"kpi": w.objects["kpis"].pk, "date": "2024-03-31", "value": "60"},
}


def _obj(key):
    return lambda w: {"slug": w.slug, "pk": w.objects[key].pk}


def _upload(w):
    return {"slug": w.slug, "upload_pk": w.upload.pk}


EDIT = Capability.EDIT_FINANCE
PAGES = {
    "home": Page(Capability.VIEW, **READ),
    "export": Page(Capability.EXPORT, **READ),
    "budget": Page(Capability.VIEW, **READ),
    "codes": Page(Capability.VIEW, **READ),
    "benefits": Page(Capability.VIEW, **READ),
    "kpis": Page(Capability.VIEW, **READ),
    "ledger": Page(Capability.VIEW, **READ),
    "ledger_upload": Page(EDIT, **FORM, data=lambda w: {
        "file": SimpleUploadedFile("more.xlsx", xlsx(good_rows(1, "M")))}),
    "ledger_mapping": Page(EDIT, **FORM, kwargs=_upload, data=lambda w: {
        "map-transaction_date": "Transaction date", "map-cost_centre": "Cost centre", "map-account_code": "Account",
        "map-amount": "Amount", "map-reference": "Reference"}),
    "ledger_preview": Page(EDIT, **READ, kwargs=_upload),
    "ledger_commit": Page(EDIT, **ACTION, kwargs=_upload),
    "ledger_job": Page(EDIT, **READ, kwargs=lambda w: {"slug": w.slug, "job_uuid": w.job.uuid}),
    "ledger_job_retry": Page(AskerOrManager(EDIT, "finance"), **ACTION,
                             kwargs=lambda w: {"slug": w.slug, "job_uuid": w.failed_job.uuid}),
    "ledger_rollback": Page(EDIT, **ACTION, kwargs=lambda w: {"slug": w.slug, "upload_pk": w.loaded.pk}),
    "ledger_discard": Page(EDIT, **ACTION, kwargs=_upload),
    "ledger_errors": Page(EDIT, **READ, kwargs=_upload),
    "ledger_template": Page(EDIT, **READ),
    "budget_line_from_figure": Page(EDIT, **FORM, data=lambda w: {
        "figure": "workforce.pension_cost", "version": w.objects["version"].pk, "financial_year": "2025/26",
        "category": "revenue", "cost_type": "staff"}),
}
for key in RESOURCES:
    PAGES[f"{key}_create"] = Page(EDIT, **FORM, data=FORM_DATA[key])
    PAGES[f"{key}_edit"] = Page(EDIT, **FORM, kwargs=_obj(key), data=FORM_DATA[key])
    PAGES[f"{key}_delete"] = Page(EDIT, **FORM, kwargs=_obj(key))


def test_matrix_covers_every_url_name():
    names = url_names(finance_urls.urlpatterns)
    assert names - PAGES.keys() == set(), "URL names with no entry in the permission matrix"
    assert PAGES.keys() - names == set(), "matrix entries for URL names that no longer exist"


def test_the_rules_the_matrix_relies_on():
    assert {u for u, r in ROLE_OF.items() if role_can(r, EDIT)} == {"pm", "finance"}


TABLES = history_tables((FundingSource, BudgetVersion, BudgetLine, Forecast, CostCentre, AccountCode, SavingsLine,
                         InvestmentLine, RealisedSaving, Kpi, KpiReading, LedgerStatedTotal, Upload, ColumnMapping)
                        ) + [Job._meta.db_table]  # a "Try again" adds a job


@pytest.mark.parametrize("name", sorted(PAGES))
def test_permission_matrix(world, name):
    page = PAGES[name]
    url = reverse(f"finance:{name}", kwargs=page.kwargs(world))
    expected, actual, problems = matrix_row(world, page, url, TABLES)
    assert actual == expected, url
    assert problems == []


def test_outsider_cannot_reach_home_records_through_their_own_programme(world):
    client = world.cast.client("outsider")
    other = world.cast.other_programme.slug
    for key in RESOURCES:
        url = reverse(f"finance:{key}_edit", args=[other, world.objects[key].pk])
        assert client.post(url, FORM_DATA[key](world)).status_code == 404, key
    assert client.post(reverse("finance:ledger_rollback", args=[other, world.loaded.pk])).status_code == 404
    assert client.get(reverse("finance:ledger_preview", args=[other, world.upload.pk])).status_code == 404
    world.loaded.refresh_from_db()
    assert world.loaded.status == Upload.Status.COMMITTED
