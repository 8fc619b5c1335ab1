"""Uploading appraisal lines from xlsx or csv through core.uploads: map → preview →
commit → roll back; errors by sheet, row and column; all or nothing."""
import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from business_cases.imports import KIND, SPEC
from business_cases.models import AppraisalLine
from core.models import Upload
from core.uploads import get_upload_spec

HEADERS = ["Option code", "Type", "Year", "FY", "Description", "Amount (£)", "Final"]


def xlsx(rows, title="Lines") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def load(client, slug, name, data):
    """Upload, accept the suggested mapping, preview and commit; returns the upload, the
    preview response and the commit response."""
    response = client.post(reverse("business_cases:import", args=[slug]), {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 302, response.content.decode()[:2000]
    upload = Upload.objects.get(pk=int(re.search(r"/import/(\d+)/", response["Location"]).group(1)))
    mapping_page = client.get(reverse("business_cases:import_mapping", args=[slug, upload.pk]))
    form = mapping_page.context["mapping_form"]
    data = {f"map-{n}": form.initial.get(n) or "" for n in form.fields}
    assert client.post(reverse("business_cases:import_mapping", args=[slug, upload.pk]), data).status_code == 302
    preview = client.get(reverse("business_cases:import_preview", args=[slug, upload.pk]))
    return upload, preview, client.post(reverse("business_cases:import_commit", args=[slug, upload.pk]), follow=True)


def test_spec_is_registered():
    assert get_upload_spec(KIND) is SPEC


def test_valid_xlsx_adds_lines_with_history_and_rolls_back(soc_ready):
    cast = soc_ready
    client = cast.client("pm")
    rows = [HEADERS,
            ["Op.1", "Capital cost", 0, "2024/25", "Laptops", "£12,000.50", "Yes"],
            ["op.2", "cash-releasing", 3, None, "No management fee", 90000, None],
            ["Op.2", "Unmonetised", 1, None, "Direct control", None, "no"]]
    upload, preview, response = load(client, cast.programme.slug, "lines.xlsx", xlsx(rows))
    assert preview.context["preview"].errors == []
    assert "3 appraisal lines added from lines.xlsx" in response.content.decode()
    lines = {x.description: x for x in AppraisalLine.objects.filter(upload=upload)}
    assert str(lines["Laptops"].amount) == "12000.50" and lines["Laptops"].final
    assert str(lines["Laptops"].financial_year) == "2024/25"
    assert lines["No management fee"].category == "cash_releasing" and lines["No management fee"].year == 3
    assert lines["Direct control"].amount is None
    assert lines["Laptops"].history.first().history_user == cast.users["pm"]
    assert lines["Laptops"].history.first().history_change_reason == "Imported from lines.xlsx"
    rolled = client.post(reverse("business_cases:upload_rollback", args=[cast.programme.slug, upload.pk]))
    assert rolled.status_code == 302
    assert not AppraisalLine.objects.filter(upload=upload).exists()


def test_bad_rows_are_named_by_sheet_row_and_column_and_nothing_is_written(soc_ready):
    cast = soc_ready
    rows = [HEADERS,
            ["Op.1", "Capital", 0, None, "Fine row", 100, None],
            ["Op.9", "Capital", 0, None, "Unknown option", 100, None],
            ["Op.1", "Weather", 200, "2024/26", "Bad category, year and FY", 100, "maybe"],
            ["Op.1", "Revenue", 1, None, "No amount", None, None],
            ["Op.1", "Unmonetised", 1, None, "Valued by mistake", 5, None]]
    upload, preview, response = load(cast.client("pm"), cast.programme.slug, "bad.xlsx", xlsx(rows, "Appraisal"))
    errors = {(e.sheet, e.row, e.column_header): e.message for e in preview.context["preview"].errors}
    assert errors[("Appraisal", 3, "Option code")] == 'This programme has no option with the code "Op.9"'
    assert errors[("Appraisal", 4, "Type")].startswith('"Weather" is not a category')
    assert errors[("Appraisal", 4, "Year")] == "Enter a year from 0 to 125"
    assert "2024/26" in errors[("Appraisal", 4, "FY")]
    assert errors[("Appraisal", 4, "Final")] == "Enter Yes or No"
    assert errors[("Appraisal", 5, "Amount (£)")] == "Enter the amount in pounds"
    assert errors[("Appraisal", 6, "Amount (£)")].startswith("Leave the amount blank")
    assert not AppraisalLine.objects.exists()
    upload.refresh_from_db()
    assert upload.status != Upload.Status.COMMITTED


def test_same_file_twice_is_recognised(soc_ready):
    cast = soc_ready
    data = b"Option,Category,Year,Description,Amount\nOp.1,revenue,0,Running cost,100\n"
    client = cast.client("pm")
    load(client, cast.programme.slug, "a.csv", data)
    uploads = Upload.objects.count()
    # Recognised as it arrives: no second preview to map, check and abandon.
    response = client.post(reverse("business_cases:import", args=[cast.programme.slug]),
                           {"file": SimpleUploadedFile("a-again.csv", data)})
    assert response.status_code == 200
    assert "This file was already loaded on " in response.content.decode()
    assert "; nothing to do." in response.content.decode()
    assert AppraisalLine.objects.count() == 1 and Upload.objects.count() == uploads


@pytest.mark.parametrize("who", ["finance", "viewer"])
def test_only_editors_upload(soc_ready, who):
    cast = soc_ready
    response = cast.client(who).post(reverse("business_cases:import", args=[cast.programme.slug]),
                                     {"file": SimpleUploadedFile("a.csv", b"Option\nOp.1\n")})
    assert response.status_code == 403 and not Upload.objects.exists()


def test_a_line_brings_its_own_rates_from_the_file(soc_ready):
    cast = soc_ready
    rows = [[*HEADERS, "Optimism bias (%)", "Confidence"],
            ["Op.2", "Transition", 0, None, "Mobilisation", 1000, None, "10%", None],
            ["Op.2", "Cash-releasing", 1, None, "Wider savings", 2000, None, None, 0.85],
            ["Op.2", "Cash-releasing", 1, None, "Fees", 500, None, None, None],
            ["Op.2", "Revenue", 1, None, "Rates on a cost", 100, None, None, "eighty"]]
    upload, preview, _ = load(cast.client("pm"), cast.programme.slug, "rates.xlsx", xlsx(rows))
    errors = {(e.row, e.column_header): e.message for e in preview.context["preview"].errors}
    assert errors == {(5, "Confidence"): "Enter a percentage, for example 85 or 85%"}
    rows.pop()
    upload, preview, response = load(cast.client("pm"), cast.programme.slug, "rates2.xlsx", xlsx(rows))
    lines = {x.description: x for x in AppraisalLine.objects.filter(upload=upload)}
    assert str(lines["Mobilisation"].optimism_bias_percent) == "10.00"
    assert str(lines["Wider savings"].confidence_percent) == "85.00"
    assert lines["Fees"].confidence_percent is None
