"""The admin shows settled records but changes, deletes and reverts none of them: an
approved business-case version, an upload that is loaded and the rows it loaded, and a
generated Cabinet paper version. Unsettled records of the same kinds stay editable, so
these tests would notice the admin being locked wholesale instead."""
from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.urls import reverse

from business_cases.models import BusinessCaseVersion, Stage
from business_cases.services import version_create, version_decide, version_submit
from core.models import Upload
from tests.business_cases.conftest import add_line, write_cases
from tests.business_cases.test_permissions import make_paper, make_version
from tests.factories import UserFactory
from tests.risks.conftest import make_risk

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def _upload(programme, status) -> Upload:
    return Upload.objects.create(
        target_type=ContentType.objects.get_for_model(programme), target_id=programme.pk, kind="risks",
        original_name="register.csv", sha256="a" * 64, size=3, file=ContentFile(b"a,b", name="register.csv"),
        status=status)


def _approved_soc(cast) -> BusinessCaseVersion:
    soc = version_create(programme=cast.programme, stage=Stage.SOC, user=cast.users["pm"])
    version_submit(version=write_cases(soc, cast.users["pm"]), user=cast.users["pm"])
    version_decide(version=soc, user=cast.users["director"], approve=True, approving_body="Cabinet",
                   meeting_date=date(2022, 11, 10), decision_reference="E3393")
    soc.refresh_from_db()
    return soc


def _urls(obj) -> dict[str, str]:
    name = f"admin:{obj._meta.app_label}_{obj._meta.model_name}"
    return {"change": reverse(f"{name}_change", args=[obj.pk]),
            "delete": reverse(f"{name}_delete", args=[obj.pk]),
            "changelist": reverse(f"{name}_changelist")}


def _snapshot(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def _settled(kind, cast):
    pm = cast.users["pm"]
    if kind == "approved version":
        return _approved_soc(cast)
    if kind == "superseded approved version":
        soc = _approved_soc(cast)
        version_create(programme=cast.programme, stage=Stage.SOC, user=pm)
        soc.refresh_from_db()
        assert soc.status == BusinessCaseVersion.Status.SUPERSEDED
        return soc
    if kind == "loaded upload":
        return _upload(cast.programme, Upload.Status.COMMITTED)
    if kind == "loaded risk":
        return make_risk(cast.programme, pm, upload=_upload(cast.programme, Upload.Status.COMMITTED))
    if kind == "loaded appraisal line":
        return add_line(cast.programme.options.get(code="Op.1"), "revenue", 0, "100",
                        upload=_upload(cast.programme, Upload.Status.COMMITTED))
    if kind == "paper version":
        return make_version(make_paper(cast.programme, pm), pm)[1]
    raise AssertionError(kind)


SETTLED = ["approved version", "superseded approved version", "loaded upload", "loaded risk",
           "loaded appraisal line", "paper version"]


@pytest.mark.parametrize("kind", SETTLED)
def test_a_settled_record_is_shown_but_not_changed_or_deleted(kind, soc_ready, admin_client):
    obj = _settled(kind, soc_ready)
    before = _snapshot(obj)
    urls = _urls(obj)

    page = admin_client.get(urls["change"])
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert 'name="_save"' not in page.content.decode()
    assert urls["delete"] not in page.content.decode()

    form = {f.name: "changed" for f in obj._meta.concrete_fields if f.get_internal_type() in
            ("CharField", "TextField")}
    assert admin_client.post(urls["change"], form).status_code == 403
    assert admin_client.get(urls["delete"]).status_code == 403
    assert admin_client.post(urls["delete"], {"post": "yes"}).status_code == 403

    listing = admin_client.get(urls["changelist"])
    assert "delete_selected" not in listing.content.decode()
    admin_client.post(urls["changelist"], {"action": "delete_selected", "_selected_action": [obj.pk],
                                           "post": "yes"})

    fresh = type(obj)._default_manager.get(pk=obj.pk)
    assert _snapshot(fresh) == before


@pytest.mark.parametrize("kind", ["approved version", "loaded risk"])
def test_a_settled_record_cannot_be_reverted_through_its_history(kind, soc_ready, admin_client):
    obj = _settled(kind, soc_ready)
    before = _snapshot(obj)
    earliest = obj.history.order_by("history_date").first()
    name = f"admin:{obj._meta.app_label}_{obj._meta.model_name}_simple_history"
    url = reverse(name, args=[obj.pk, earliest.history_id])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert page.context["revert_disabled"]
    form = {f.name: getattr(earliest, f.attname) or "" for f in obj._meta.concrete_fields
            if f.editable and not f.primary_key}
    assert admin_client.post(url, form).status_code == 403
    assert _snapshot(type(obj)._default_manager.get(pk=obj.pk)) == before


@pytest.mark.parametrize("kind", ["draft version", "risk typed in", "previewed upload", "typed appraisal line"])
def test_records_that_are_not_settled_stay_editable(kind, soc_ready, admin_client):
    cast = soc_ready
    if kind == "draft version":
        obj = version_create(programme=cast.programme, stage=Stage.SOC, user=cast.users["pm"])
    elif kind == "risk typed in":
        obj = make_risk(cast.programme, cast.users["pm"])
    elif kind == "previewed upload":
        obj = _upload(cast.programme, Upload.Status.PREVIEWED)
    else:
        obj = add_line(cast.programme.options.get(code="Op.1"), "revenue", 0, "100")
    urls = _urls(obj)
    assert admin_client.get(urls["change"]).context["has_change_permission"]
    assert admin_client.get(urls["delete"]).status_code == 200
    assert admin_client.post(urls["delete"], {"post": "yes"}).status_code == 302
    assert not type(obj)._default_manager.filter(pk=obj.pk).exists()


def test_uploads_and_paper_versions_are_not_added_by_hand(admin_client):
    assert admin_client.get(reverse("admin:core_upload_add")).status_code == 403
    assert admin_client.get(reverse("admin:business_cases_paperversion_add")).status_code == 403


def test_every_model_of_loaded_rows_is_kept_from_the_admin_or_settled_there():
    """Rows an upload loaded (and rows hanging off them, such as a roster's employee
    records) are either not in the admin at all or in it through SettledRecordAdmin, so a
    model registered later cannot quietly make them editable."""
    from django.apps import apps
    from django.contrib import admin

    from core.admin import SettledRecordAdmin

    def points_at(model, targets) -> bool:
        return any(f.many_to_one and f.related_model in targets for f in model._meta.concrete_fields)

    from workforce.models import TransferRoster

    models = [m for m in apps.get_models() if not m.__name__.startswith("Historical")]
    # A roster version is one upload kept whole: its records came in with it.
    loaded = {m for m in models if points_at(m, {Upload}) or points_at(m, {TransferRoster})}
    assert {m.__name__ for m in loaded} >= {"Risk", "AppraisalLine", "TransferRoster", "EmployeeRecord",
                                             "LedgerTransaction"}
    def settles(model_admin) -> bool:
        # Through SettledRecordAdmin, and with a rule of its own (the base settles nothing).
        return (isinstance(model_admin, SettledRecordAdmin)
                and type(model_admin).is_settled is not SettledRecordAdmin.is_settled)

    unsafe = [m.__name__ for m in loaded | {Upload}
              if m in admin.site._registry and not settles(admin.site._registry[m])]
    assert unsafe == []
