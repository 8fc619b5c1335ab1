"""The HR lead's upload pages do what the shared ones do: the same ELI file recognised as
soon as it arrives, counts from the preview, a template per kind, the rows with errors to
download, Discard; and the words on them (the as-at date, one "(optional)", Changed FTE,
pay as money)."""
import io
import re
from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape
from openpyxl import load_workbook

from core.models import Upload
from tests.workforce.conftest import load_roster, receive, staff, xlsx
from workforce.imports import ROSTER_COLUMNS
from workforce.models import ReadinessItem, TransferRoster
from workforce.services import readiness_item_save

pytestmark = pytest.mark.django_db


def post_file(client, slug, data, name="eli.xlsx", kind="roster"):
    return client.post(reverse("workforce:upload", args=[slug, kind]), {"file": SimpleUploadedFile(name, data)})


def test_an_identical_eli_file_is_recognised_when_it_arrives(hr_programme):
    cast = hr_programme
    data = xlsx(staff(3))
    assert load_roster(cast.programme, cast.users["hr"], [], content=data).ok
    before = Upload.objects.count()
    response = post_file(cast.client("hr"), cast.programme.slug, data, "eli-again.xlsx")
    assert response.status_code == 200
    page = response.content.decode()
    assert "This file was already loaded on " in page and escape(f"by {cast.users['hr']}; nothing to do.") in page
    assert Upload.objects.count() == before and TransferRoster.objects.count() == 1


def test_the_preview_counts_and_load_button_agree(hr_programme):
    cast = hr_programme
    upload = receive(cast.programme, cast.users["hr"], xlsx(staff(7)))
    page = cast.client("hr").get(reverse("workforce:upload_preview", args=[cast.programme.slug, "roster",
                                                                           upload.pk])).content.decode()
    assert re.search(r'data-count="rows">7<', page) and re.search(r'data-count="load">7<', page)
    assert "Load 7 rows as a new version</button>" in page
    assert "Person 1" not in page  # the rows are people: counts and errors only


def test_the_commit_form_asks_for_the_as_at_date_in_words(hr_programme):
    cast = hr_programme
    slug = cast.programme.slug
    client = cast.client("hr")
    upload = receive(cast.programme, cast.users["hr"], xlsx(staff(2)))
    page = client.get(reverse("workforce:upload_preview", args=[slug, "roster", upload.pk])).content.decode()
    assert "Note (optional)" in page and "(optional) (optional)" not in page
    response = client.post(reverse("workforce:upload_commit", args=[slug, "roster", upload.pk]), {})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Enter the as-at date" in text and "Enter the as at" not in text
    assert TransferRoster.objects.count() == 0


def test_a_template_for_each_kind_from_its_columns(hr_programme):
    cast = hr_programme
    client = cast.client("hr")
    # The readiness template has the programme's own checks, in its order.
    readiness_item_save(instance=ReadinessItem(programme=cast.programme, label="DBS check"), user=cast.users["hr"],
                        reason="Added")
    checks = ["On the council's payroll", "Network account created", "Laptop handed over", "Phone handed over",
              "Induction booked", "DBS check"]
    for kind, labels in (("roster", [c.label for c in ROSTER_COLUMNS]),
                         ("readiness", ["Employee reference", *checks])):
        response = client.get(reverse("workforce:upload_template", args=[cast.programme.slug, kind]))
        assert response.status_code == 200
        first = load_workbook(io.BytesIO(response.content)).worksheets[0]
        assert [c.value for c in first[1]] == labels
    assert client.get(reverse("workforce:upload_template", args=[cast.programme.slug, "payroll"])).status_code == 404
    page = client.get(reverse("workforce:upload", args=[cast.programme.slug, "readiness"])).content.decode()
    assert reverse("workforce:upload_template", args=[cast.programme.slug, "readiness"]) in page


def test_the_rows_with_errors_download(hr_programme):
    cast = hr_programme
    rows = staff(3)
    rows[1]["WTE"] = "lots"
    upload = receive(cast.programme, cast.users["hr"], xlsx(rows))
    response = cast.client("hr").get(reverse("workforce:upload_errors", args=[cast.programme.slug, "roster",
                                                                              upload.pk]))
    got = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert got[0][0] == "Row" and got[0][-1] == "Problems"
    assert [r[0] for r in got[1:]] == [3] and got[1][1] == "E0002"
    assert got[1][-1].startswith("WTE: ")
    # Names went out in the file, so the look is in the log.
    from workforce.models import PersonalDataView

    logged = PersonalDataView.objects.get(programme=cast.programme)
    assert logged.user == cast.users["hr"] and logged.what.startswith("Rows with errors of ")


def test_discard_from_the_uploads_list(hr_programme):
    cast = hr_programme
    slug = cast.programme.slug
    client = cast.client("hr")
    upload = receive(cast.programme, cast.users["hr"], xlsx(staff(2)), "left-over.xlsx")
    url = reverse("workforce:upload_discard", args=[slug, "roster", upload.pk])
    assert escape(url) in client.get(reverse("workforce:uploads", args=[slug])).content.decode()
    response = client.post(url)
    assert [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)] == [
        ("success", "left-over.xlsx has been discarded. Nothing from it was loaded.")]
    assert not Upload.objects.filter(pk=upload.pk).exists()


def test_the_differences_page_says_fte_and_pay_properly(hr_programme):
    cast = hr_programme
    hr = cast.users["hr"]
    today = date.today()
    load_roster(cast.programme, hr, staff(6, pay="23976.00"), name="v1.xlsx", as_at=today - timedelta(days=9))
    changed = staff(6, pay="23976.00")
    changed[0]["WTE"], changed[0]["Hours per week"] = "0.80", "29.60"
    changed[1]["Annual pay"] = "24500.50"
    load_roster(cast.programme, hr, changed, name="v2.xlsx", as_at=today - timedelta(days=3))
    page = cast.client("hr").get(reverse("workforce:difference", args=[cast.programme.slug]) + "?from=1&to=2")
    text = page.content.decode()
    assert "Changed FTE" in text and "Changed fte" not in text
    assert "Pay: <span class=\"app-diff-old\">£23,976.00</span> to £24,500.50" in text
    assert "FTE: <span class=\"app-diff-old\">1.00</span> to 0.80" in text


def test_eli_messages_name_the_column_in_plain_words(hr_programme):
    from core.uploads import upload_inspect
    from workforce.imports import roster_form_kwargs

    cast = hr_programme
    rows = staff(2)
    rows[0]["WTE"], rows[0]["Hours per week"] = "", "37"
    rows[1]["Annual pay"], rows[1]["Sickness absence days"] = "lots", "some"
    upload = receive(cast.programme, cast.users["hr"], xlsx(rows))
    preview = upload_inspect(upload=upload, form_kwargs=roster_form_kwargs(cast.programme))
    found = {(e.row, e.column_header, e.message) for e in preview.errors}
    assert (2, "WTE", "Enter the FTE") in found
    money = "Enter the annual pay as a number of pounds, like £31,000, 31,000.50 or \u22121,000"
    assert (3, "Annual pay", money) in found
    assert (3, "Sickness absence days", "Enter the sickness absence days as a number") in found


def test_the_roster_templates_example_person_checks_out(hr_programme):
    from core.uploads import get_upload_spec, upload_inspect, upload_template_xlsx
    from workforce.imports import ROSTER_KIND, roster_form_kwargs

    cast = hr_programme
    upload = receive(cast.programme, cast.users["hr"], upload_template_xlsx(get_upload_spec(ROSTER_KIND)), "t.xlsx")
    preview = upload_inspect(upload=upload, form_kwargs=roster_form_kwargs(cast.programme))
    assert preview.row_count == 1 and preview.errors == [] and preview.can_commit
