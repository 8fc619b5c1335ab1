"""Finance records for the cast's programme: a current budget for 2023/24 and 2024/25 from a
reserve, one cost centre and one account code, and helpers that build ledger files."""
import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from core.financial_year import FinancialYear
from core.uploads import upload_receive
from finance.ledger import KIND, ledger_form_kwargs
from finance.models import (
    AccountCode,
    BudgetLine,
    BudgetVersion,
    Category,
    CostCentre,
    FundingSource,
)
from finance.services import ledger_commit

HEADERS = ["Transaction date", "Cost centre", "Account", "Description", "Supplier", "Amount", "Reference"]


def make_budget(programme, workstream, user=None):
    reserve = FundingSource.objects.create(programme=programme, name="ASC reserve", balance=Decimal("1000000"),
                                           other_commitments=Decimal("100000"))
    version = BudgetVersion.objects.create(programme=programme, name="Mobilisation budget", is_current=True)
    for year, amount in ((2023, "50000"), (2024, "30000")):
        BudgetLine.objects.create(programme=programme, version=version, financial_year=FinancialYear(year),
                                  category=Category.REVENUE, cost_type="staff", workstream=workstream,
                                  funding_source=reserve, amount=Decimal(amount))
    CostCentre.objects.create(programme=programme, code="CC1", name="Programme", workstream=workstream)
    AccountCode.objects.create(programme=programme, code="1001", name="Salaries", cost_type="staff",
                               category=Category.REVENUE)
    return version


@pytest.fixture
def budget(cast):
    return make_budget(cast.programme, cast.workstream)


def xlsx(rows, headers=HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Ledger"
    ws.append(headers)
    for r in rows:
        ws.append(r)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, headers=HEADERS) -> bytes:
    buffer = io.StringIO()
    w = csv.writer(buffer)
    w.writerow(headers)
    for r in rows:
        w.writerow(r)
    return buffer.getvalue().encode()


def good_rows(n=3, prefix="R", year=2023):
    return [[date(year, 5, 1 + k), "CC1", "1001", f"Line {k}", "Acme", 100.25 + k, f"{prefix}{k}"]
            for k in range(n)]


def receive(cast, data, name="ledger.xlsx", who="finance"):
    return upload_receive(target=cast.programme, kind=KIND, uploaded_file=SimpleUploadedFile(name, data),
                          user=cast.users[who])


def commit(cast, upload, who="finance", accept_warnings=""):
    return ledger_commit(upload=upload, programme=cast.programme, user=cast.users[who],
                         accept_warnings=accept_warnings)


def kwargs(cast):
    return ledger_form_kwargs(cast.programme)
