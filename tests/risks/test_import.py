"""Importing a risk register from xlsx or csv through core.uploads: map → preview → commit →
roll back, and the register's own export round-tripping through the import."""
import io
import re
from datetime import date

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from core.models import ColumnMapping, Upload
from core.uploads import get_upload_spec
from risks.imports import KIND, SPEC
from risks.models import Risk
from tests.risks.conftest import make_risk

HEADERS = ["Risk title", "Description", "Category", "Owner", "Workstream", "L", "I",
           "Residual likelihood", "Residual impact", "Mitigation", "Review date", "Escalated", "Escalated on"]


def xlsx(rows) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def good_rows(cast):
    return [
        HEADERS,
        ["Staff leave before transfer", "Key staff resign", "Workforce", "hr", "HR", 4, 4, 3, 2,
         "Treat", date(2026, 6, 1), "No", None],
        ["Payroll not ready", "Payroll fails on day one", "financial", "Helen Rees", "hr", 3, 5, 2, 3,
         "tolerate", "30/06/2026", "Yes", date(2026, 3, 1)],
    ]


@pytest.fixture
def named(cast):
    hr = cast.users["hr"]
    hr.first_name, hr.last_name = "Helen", "Rees"
    hr.save()
    return cast


def post_file(client, slug, name, data):
    return client.post(reverse("risks:import", args=[slug]), {"file": SimpleUploadedFile(name, data)})


def upload_of(response) -> Upload:
    pk = int(re.search(r"/import/(\d+)/", response["Location"]).group(1))
    return Upload.objects.get(pk=pk)


def load(client, slug, name, data):
    """Upload, accept the suggested mapping, preview and commit; returns the commit response."""
    response = post_file(client, slug, name, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    upload = upload_of(response)
    mapping_page = client.get(reverse("risks:import_mapping", args=[slug, upload.pk]))
    form = mapping_page.context["mapping_form"]
    data = {f"map-{name}": form.initial.get(name) or "" for name in form.fields}
    assert client.post(reverse("risks:import_mapping", args=[slug, upload.pk]), data).status_code == 302
    preview = client.get(reverse("risks:import_preview", args=[slug, upload.pk]))
    return upload, preview, client.post(reverse("risks:import_commit", args=[slug, upload.pk]), follow=True)


def test_spec_is_registered():
    assert get_upload_spec(KIND) is SPEC


def test_valid_xlsx_creates_numbered_risks_with_history(named):
    cast = named
    make_risk(cast.programme, cast.users["pm"])  # R-001 is taken already
    client = cast.client("pm")
    upload, preview, response = load(client, cast.programme.slug, "register.xlsx", xlsx(good_rows(cast)))
    assert preview.context["preview"].errors == []
    assert b"Load 2 rows" in preview.content
    assert "2 risks added from register.xlsx." in response.content.decode()
    risks = list(Risk.objects.filter(upload=upload).order_by("number"))
    assert [r.reference for r in risks] == ["R-002", "R-003"]
    first, second = risks
    assert first.category == "workforce" and first.owner == cast.users["hr"]
    assert first.workstream == cast.workstream and first.response == "treat" and first.status == "open"
    assert first.event == "Key staff resign" and first.next_review_date == date(2026, 6, 1)
    assert not first.escalated
    assert second.owner == cast.users["hr"] and second.category == "financial"
    assert second.next_review_date == date(2026, 6, 30) and second.response == "tolerate"
    assert second.escalated and second.escalated_on == date(2026, 3, 1)
    record = first.history.first()
    assert record.history_user == cast.users["pm"]
    assert record.history_change_reason == "Imported from register.xlsx"
    upload.refresh_from_db()
    assert upload.status == Upload.Status.COMMITTED and upload.row_count == 2


def test_csv_is_accepted(named):
    cast = named
    text = ("Title,Category,Likelihood,Impact,Residual likelihood,Residual impact,Owner\n"
            "Data migration slips,Technology,2,3,1,3,Helen Rees\n")
    _, _, response = load(cast.client("director"), cast.programme.slug, "risks.csv", text.encode("utf-8-sig"))
    assert "1 risk added from risks.csv." in response.content.decode()
    risk = Risk.objects.get(title="Data migration slips")
    assert risk.reference == "R-001" and risk.category == "technology" and risk.owner == cast.users["hr"]


def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_written(named):
    cast = named
    rows = good_rows(cast)
    rows.append(["Bad category", "", "Weather", "hr", "", 2, 2, 1, 1, "", None, "", None])
    rows.append(["Bad likelihood", "", "legal", "hr", "", 7, 2, 1, 1, "", None, "", None])
    rows.append(["Bad owner", "", "legal", "Nobody Known", "", 2, 2, 1, 1, "", None, "", None])
    rows.append(["Bad date", "", "legal", "", "", 2, 2, 1, 1, "", "31/02/2026", "", None])
    client = cast.client("pm")
    slug = cast.programme.slug
    upload, preview, response = load(client, slug, "bad.xlsx", xlsx(rows))
    errors = {(e.row, e.column_header) for e in preview.context["preview"].errors}
    assert errors == {(4, "Category"), (5, "L"), (6, "Owner"), (7, "Review date")}
    page = preview.content.decode()
    assert "Nothing can be loaded until the file is corrected" in page
    assert "Weather" in page and "Nobody Known" in page
    assert "Load " not in page  # no Commit button
    assert Risk.objects.count() == 0
    # A commit posted anyway writes nothing.
    response = client.post(reverse("risks:import_commit", args=[slug, upload.pk]), follow=True)
    assert "Nothing was loaded: the file has 4 errors." in response.content.decode()
    upload.refresh_from_db()
    assert upload.status == Upload.Status.FAILED


def test_identical_reupload_changes_nothing(named):
    cast = named
    client = cast.client("pm")
    data = xlsx(good_rows(cast))
    load(client, cast.programme.slug, "register.xlsx", data)
    assert Risk.objects.count() == 2
    uploads = Upload.objects.count()
    # Recognised as soon as it is received: no second preview to map and check.
    response = post_file(client, cast.programme.slug, "register-again.xlsx", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "This file was already loaded on " in page and escape(f"by {cast.users['pm']}; nothing to do.") in page
    assert Upload.objects.count() == uploads
    assert Risk.objects.count() == 2


def test_mapping_is_remembered_for_the_next_file(named):
    cast = named
    client = cast.client("pm")
    slug = cast.programme.slug
    rows = [["Headline", "Kind", "Chance", "Hit", "Chance after", "Hit after"],
            ["Unusual headings", "legal", 2, 2, 1, 1]]
    response = post_file(client, slug, "odd.xlsx", xlsx(rows))
    upload = upload_of(response)
    page = client.get(reverse("risks:import_mapping", args=[slug, upload.pk]))
    assert page.context["mapping_form"].initial["title"] is None
    chosen = {"map-title": "Headline", "map-category": "Kind", "map-likelihood": "Chance", "map-impact": "Hit",
              "map-residual_likelihood": "Chance after", "map-residual_impact": "Hit after"}
    client.post(reverse("risks:import_mapping", args=[slug, upload.pk]), chosen)
    client.post(reverse("risks:import_commit", args=[slug, upload.pk]))
    assert Risk.objects.filter(title="Unusual headings").exists()
    assert ColumnMapping.objects.get(kind=KIND).mapping["title"] == "Headline"
    rows[1][0] = "Second odd file"
    upload = upload_of(post_file(client, slug, "odd2.xlsx", xlsx(rows)))
    initial = client.get(reverse("risks:import_mapping", args=[slug, upload.pk])).context["mapping_form"].initial
    assert initial["title"] == "Headline" and initial["likelihood"] == "Chance"


def test_rollback_removes_exactly_that_uploads_risks(named):
    cast = named
    client = cast.client("pm")
    slug = cast.programme.slug
    own = make_risk(cast.programme, cast.users["pm"], title="Added by hand")
    first, _, _ = load(client, slug, "one.xlsx", xlsx(good_rows(cast)))
    rows = good_rows(cast)[:2]
    rows[1][0] = "From the second file"
    second, _, _ = load(client, slug, "two.xlsx", xlsx(rows))
    assert Risk.objects.count() == 4
    page = client.get(reverse("risks:uploads", args=[slug]))
    assert b"Roll back" in page.content
    doomed = list(Risk.objects.filter(upload=first).values_list("pk", flat=True))
    response = client.post(reverse("risks:upload_rollback", args=[slug, first.pk]))
    assert response.status_code == 302
    assert set(Risk.objects.values_list("title", flat=True)) == {"Added by hand", "From the second file"}
    assert Risk.objects.filter(pk=own.pk).exists()
    deleted = Risk.history.filter(id__in=doomed, history_type="-")
    assert deleted.count() == 2
    assert {h.history_change_reason for h in deleted} == {"Upload rolled back"}
    assert {h.history_user for h in deleted} == {cast.users["pm"]}
    first.refresh_from_db()
    assert first.status == Upload.Status.ROLLED_BACK


def test_export_then_import_round_trips(named):
    cast = named
    pm = cast.users["pm"]
    make_risk(cast.programme, pm, title="Exported one", owner=cast.users["hr"], workstream=cast.workstream,
              response="transfer", next_review_date=date(2026, 9, 1), escalated=True,
              escalated_on=date(2026, 2, 2), target_score=4, cause="Because", effect="Leading to",
              proximity="within_3_months", proximity_date=date(2026, 6, 30))
    make_risk(cast.programme, pm, title="Exported two", category="legal", status="closed")
    client = cast.client("pm")
    slug = cast.programme.slug
    exported = client.get(reverse("risks:export", args=[slug])).content
    fields = ["title", "category", "cause", "effect", "owner", "workstream", "likelihood", "impact",
              "residual_likelihood", "residual_impact", "target_score", "response", "status",
              "next_review_date", "escalated", "escalated_on", "proximity", "proximity_date"]
    before = {r.title: [getattr(r, f) for f in fields] for r in Risk.objects.all()}
    upload, preview, response = load(client, slug, "export.xlsx", exported)
    assert preview.context["preview"].errors == []
    assert "2 risks added" in response.content.decode()
    after = {r.title: [getattr(r, f) for f in fields] for r in Risk.objects.filter(upload=upload)}
    assert after == before
    assert sorted(r.reference for r in Risk.objects.filter(upload=upload)) == ["R-003", "R-004"]


@pytest.mark.parametrize("name,data,message", [
    ("risks.pdf", b"%PDF-1.4", "must be an Excel workbook (.xlsx) or a CSV file"),
    ("risks.xlsx", b"this is not a zip", "not a valid Excel workbook"),
])
def test_bad_files_show_the_error_summary(cast, name, data, message):
    response = post_file(cast.client("pm"), cast.programme.slug, name, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page and message in page
    assert 'href="#id_file"' in page
    assert Upload.objects.count() == 0


def test_too_big_file_is_refused(cast, settings):
    settings.UPLOAD_MAX_BYTES = 100
    response = post_file(cast.client("pm"), cast.programme.slug, "big.csv", b"Title\n" + b"x" * 200)
    page = response.content.decode()
    assert "govuk-error-summary" in page and "must be smaller than" in page and 'href="#id_file"' in page


def test_register_links_to_import_only_for_editors(cast):
    url = reverse("risks:register", args=[cast.programme.slug])
    assert b"Import from a spreadsheet" in cast.client("pm").get(url).content
    assert b"Import from a spreadsheet" not in cast.client("viewer").get(url).content


NEW_URLS = ["import", "import_preview", "import_mapping", "import_commit", "uploads", "upload_rollback"]


@pytest.mark.parametrize("name", NEW_URLS)
def test_import_pages_refuse_viewers_and_outsiders(named, name):
    cast = named
    slug = cast.programme.slug
    upload, _, _ = load(cast.client("pm"), slug, "register.xlsx", xlsx(good_rows(cast)))
    kwargs = {"slug": slug} if name in ("import", "uploads") else {"slug": slug, "upload_pk": upload.pk}
    url = reverse(f"risks:{name}", kwargs=kwargs)
    for who, status in (("viewer", 403), ("finance", 403), ("hr", 403), ("outsider", 404)):
        client = cast.client(who)
        if name not in ("import_preview", "uploads"):
            assert client.post(url, {}).status_code == status, (who, "post")
        if name not in ("import_commit", "upload_rollback"):
            assert client.get(url).status_code == status, (who, "get")
    assert Risk.objects.count() == 2
    # Another programme's upload is not reachable through this programme's address.
    if name not in ("import", "uploads", "import_preview"):
        other = reverse(f"risks:{name}", kwargs={"slug": cast.other_programme.slug, "upload_pk": upload.pk})
        assert cast.client("outsider").post(other, {}).status_code == 404


def test_no_file_chosen_names_the_file_field(cast):
    response = cast.client("pm").post(reverse("risks:import", args=[cast.programme.slug]), {})
    page = response.content.decode()
    assert "govuk-error-summary" in page and "Select a file" in page and 'href="#id_file"' in page


def test_the_templates_example_risk_checks_out(named):
    from core.uploads import upload_inspect, upload_receive, upload_template_xlsx
    from risks.imports import KIND, row_form_kwargs

    cast = named
    page = cast.client("pm").get(reverse("risks:import", args=[cast.programme.slug])).content.decode()
    assert reverse("risks:import_template", args=[cast.programme.slug]) in page
    upload = upload_receive(target=cast.programme, kind=KIND, user=cast.users["pm"],
                            uploaded_file=SimpleUploadedFile("t.xlsx", upload_template_xlsx(get_upload_spec(KIND))))
    preview = upload_inspect(upload=upload, form_kwargs=row_form_kwargs(cast.programme))
    assert preview.row_count == 1 and preview.errors == []
