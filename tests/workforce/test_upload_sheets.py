"""An ELI workbook with an empty cover sheet first and the roster on a hidden sheet: the
mapping page says the sheet is empty and offers the others, and the roster loads from the
sheet chosen. A failing read on the other upload pages is a message, never a 500."""
import re
from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import Upload
from tests.core.rawxlsx import cells_xml, sheet_xml, workbook
from tests.workforce.conftest import HEADERS, staff
from workforce.models import TransferRoster

pytestmark = pytest.mark.django_db


def _roster_workbook(rows: list[dict], front_rows: list[list] = ()) -> bytes:
    def cell(value):
        return value.isoformat() if isinstance(value, date) else value

    data = [HEADERS] + [[cell(r.get(h)) for h in HEADERS] for r in rows]
    return workbook([("Front", None, sheet_xml(cells_xml(list(front_rows)))),
                     ("Data", "hidden", sheet_xml(cells_xml(data)))])


def _receive(client, slug, data) -> Upload:
    response = client.post(reverse("workforce:upload", args=[slug, "roster"]),
                           {"file": SimpleUploadedFile("eli.xlsx", data)})
    return Upload.objects.get(pk=int(re.search(r"/(\d+)/mapping/", response["Location"]).group(1)))


def test_the_roster_sheet_can_be_chosen_past_an_empty_front_sheet(hr_programme):
    cast = hr_programme
    slug = cast.programme.slug
    client = cast.client("hr")
    upload = _receive(client, slug, _roster_workbook(staff(3)))
    mapping_url = reverse("workforce:upload_mapping", args=[slug, "roster", upload.pk])

    page = client.get(mapping_url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "<title>Error: " in text
    assert '<a href="#id_sheet">The sheet &#x27;Front&#x27; is empty.</a>' in text
    assert '<option value="Data">Data (hidden)</option>' in text and "Check the rows" not in text

    assert client.post(mapping_url, {"sheet": "Data"})["Location"] == mapping_url
    form = client.get(mapping_url).context["mapping_form"]
    client.post(mapping_url, {f"map-{n}": form.initial.get(n) or "" for n in form.fields})
    preview = client.get(reverse("workforce:upload_preview", args=[slug, "roster", upload.pk])).context["preview"]
    assert preview.sheet == "Data" and preview.errors == [] and preview.row_count == 3
    today = date.today()
    client.post(reverse("workforce:upload_commit", args=[slug, "roster", upload.pk]),
                {"as_at": (today - timedelta(days=2)).isoformat(), "received_on": today.isoformat()})
    roster = TransferRoster.objects.get(programme=cast.programme)
    assert roster.records.count() == 3


def test_a_one_sheet_workbook_that_cannot_be_read_goes_back_to_the_upload_page(hr_programme):
    cast = hr_programme
    slug = cast.programme.slug
    client = cast.client("hr")
    upload = _receive(client, slug, workbook([("Front", None, sheet_xml(cells_xml([])))]))
    response = client.get(reverse("workforce:upload_mapping", args=[slug, "roster", upload.pk]))
    assert response["Location"] == reverse("workforce:upload", args=[slug, "roster"])
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["The sheet 'Front' is empty."]


@pytest.mark.parametrize("step", ["upload_teams", "upload_commit"])
def test_a_file_that_cannot_be_read_is_a_message_on_the_other_posts(hr_programme, step):
    """Creating teams and the roster's commit with its details missing both read the file
    again; when that fails, the person hears why instead of getting a server error."""
    cast = hr_programme
    slug = cast.programme.slug
    client = cast.client("hr")
    upload = _receive(client, slug, _roster_workbook(staff(2)))
    response = client.post(reverse(f"workforce:{step}", args=[slug, "roster", upload.pk]), {"team": "Nowhere"})
    assert response.status_code == 302
    assert response["Location"] == reverse("workforce:upload", args=[slug, "roster"])
    assert "The sheet 'Front' is empty." in [str(m) for m in get_messages(response.wsgi_request)]
    assert not TransferRoster.objects.exists()
