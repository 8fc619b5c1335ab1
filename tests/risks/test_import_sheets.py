"""A workbook whose first visible sheet is empty (a cover sheet) and whose register is on
a hidden sheet: the mapping page says the sheet is empty, offers the others, and the
register loads once the person chooses its sheet."""
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import Upload
from risks.models import Risk
from tests.core.rawxlsx import cells_xml, sheet_xml, workbook
from tests.risks.test_import import good_rows

pytestmark = pytest.mark.django_db


def _workbook(cast) -> bytes:
    rows = [[v.isoformat() if hasattr(v, "isoformat") else v for v in row] for row in good_rows(cast)]
    return workbook([("Front", None, sheet_xml(cells_xml([]))), ("Data", "hidden", sheet_xml(cells_xml(rows)))])


def test_an_empty_front_sheet_leads_to_the_choice_of_the_data_sheet(cast):
    hr = cast.users["hr"]
    hr.first_name, hr.last_name = "Helen", "Rees"  # an owner the rows name
    hr.save()
    client = cast.client("pm")
    response = client.post(reverse("risks:import", args=["home"]),
                           {"file": SimpleUploadedFile("register.xlsx", _workbook(cast))})
    upload = Upload.objects.get(pk=int(re.search(r"/import/(\d+)/", response["Location"]).group(1)))
    mapping_url = reverse("risks:import_mapping", args=["home", upload.pk])
    assert response["Location"] == mapping_url

    page = client.get(mapping_url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "<title>Error: " in text
    assert '<a href="#id_sheet">The sheet &#x27;Front&#x27; is empty.</a>' in text
    assert 'class="govuk-select govuk-select--error" id="id_sheet"' in text
    assert '<option value="Data">Data (hidden)</option>' in text
    assert "Check the rows" not in text  # nothing to map until a sheet with a header is chosen

    chosen = client.post(mapping_url, {"sheet": "Data"})
    assert chosen["Location"] == mapping_url
    form = client.get(mapping_url).context["mapping_form"]
    mapped = {f"map-{n}": form.initial.get(n) or "" for n in form.fields}
    assert mapped["map-title"] == "Risk title"
    client.post(mapping_url, mapped)
    preview = client.get(reverse("risks:import_preview", args=["home", upload.pk])).context["preview"]
    assert preview.sheet == "Data" and preview.errors == [] and preview.row_count == 2
    client.post(reverse("risks:import_commit", args=["home", upload.pk]))
    assert sorted(Risk.objects.filter(programme=cast.programme).values_list("title", flat=True)) == [
        "Payroll not ready", "Staff leave before transfer"]


def test_a_sheet_that_is_not_there_is_refused_on_the_mapping_page(cast):
    client = cast.client("pm")
    response = client.post(reverse("risks:import", args=["home"]),
                           {"file": SimpleUploadedFile("register.xlsx", _workbook(cast))})
    upload = Upload.objects.get(pk=int(re.search(r"/import/(\d+)/", response["Location"]).group(1)))
    mapping_url = reverse("risks:import_mapping", args=["home", upload.pk])
    refused = client.post(mapping_url, {"sheet": "Elsewhere"}, follow=True)
    assert refused.status_code == 200
    assert "The workbook has no sheet called &#x27;Elsewhere&#x27;." in refused.content.decode()
    upload.refresh_from_db()
    assert upload.sheet == ""
