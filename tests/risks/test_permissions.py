"""Every page of the risks app × every member of the cast × GET and POST.

Expected statuses come from the rules in `core.roles`, written out per URL name here;
`test_matrix_covers_every_url_name` fails when a URL name is added without an entry.
Members read; programme managers and directors (EDIT_RISKS) write; outsiders get 404.
"""
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import ColumnMapping, Upload
from core.roles import Capability, role_can
from core.uploads import upload_commit, upload_receive
from risks import urls as risk_urls
from risks.imports import KIND as IMPORT_KIND
from risks.imports import row_form_kwargs
from risks.models import Issue, Risk, RiskAction, RiskAppetite, RiskSettings
from tests.permissions import ACTION, FORM, READ, ROLE_OF, Page, day, history_tables, matrix_row, url_names
from tests.risks.conftest import make_risk


@dataclass
class World:
    cast: object
    risk: Risk
    action: RiskAction
    issue: Issue
    upload: Upload  # previewed, not loaded
    loaded: Upload  # loaded, so it can be rolled back

    @property
    def slug(self) -> str:
        return self.cast.programme.slug


@pytest.fixture
def world(cast) -> World:
    risk = make_risk(cast.programme, cast.users["pm"])
    action = RiskAction.objects.create(programme=cast.programme, risk=risk, description="Brief unions")
    issue = Issue.objects.create(programme=cast.programme, risk=risk, title="Data late", raised_on=day(-1))
    pm = cast.users["pm"]
    loaded = upload_receive(target=cast.programme, kind=IMPORT_KIND, user=pm,
                            uploaded_file=SimpleUploadedFile("loaded.csv", _csv("Loaded risk")))
    upload_commit(upload=loaded, user=pm, form_kwargs=row_form_kwargs(cast.programme),
                  write_ctx={"programme": cast.programme})
    upload = upload_receive(target=cast.programme, kind=IMPORT_KIND, user=pm,
                            uploaded_file=SimpleUploadedFile("new.csv", _csv("Imported risk")))
    return World(cast, risk, action, issue, upload, loaded)


def _csv(title: str) -> bytes:
    return ("Title,Category,Likelihood,Impact,Residual likelihood,Residual impact\n"
            f"{title},legal,2,3,1,2\n").encode()


def _risk(w):
    return {"slug": w.slug, "pk": w.risk.pk}


def _upload(w):
    return {"slug": w.slug, "upload_pk": w.upload.pk}


def _file_data(w):
    return {"file": SimpleUploadedFile("more.csv", _csv("Another imported risk"))}


def _mapping_data(w):
    return {"map-title": "Title", "map-category": "Category", "map-likelihood": "Likelihood",
            "map-impact": "Impact", "map-residual_likelihood": "Residual likelihood",
            "map-residual_impact": "Residual impact"}


def _risk_data(w):
    return {"title": "Payroll not ready", "category": "financial", "likelihood": "3", "impact": "4",
            "residual_likelihood": "2", "residual_impact": "3", "response": "treat", "status": "open",
            "workstream": w.cast.workstream.pk, "owner": w.cast.users["finance"].pk}


def _action_data(w):
    return {"description": "Run a parallel payroll", "due_date": day(10), "status": "open"}


def _issue_data(w):
    return {"title": "Staff list late", "priority": "high", "raised_on": day(0), "status": "open",
            "risk": w.risk.pk}


PAGES = {
    "register": Page(Capability.VIEW, **READ),
    "heatmap": Page(Capability.VIEW, **READ),
    "export": Page(Capability.EXPORT, **READ),
    "create": Page(Capability.EDIT_RISKS, **FORM, data=_risk_data),
    "settings": Page(Capability.EDIT_RISKS, **FORM,
                     data=lambda w: {"green_max": "5", "amber_max": "10", "appetite_legal": "6"}),
    "issues": Page(Capability.VIEW, **READ),
    "issue_create": Page(Capability.EDIT_RISKS, **FORM, data=_issue_data),
    "issue_edit": Page(Capability.EDIT_RISKS, **FORM, kwargs=lambda w: {"slug": w.slug, "pk": w.issue.pk},
                       data=_issue_data),
    "detail": Page(Capability.VIEW, **READ, kwargs=_risk),
    "edit": Page(Capability.EDIT_RISKS, **FORM, kwargs=_risk, data=_risk_data),
    "action_create": Page(Capability.EDIT_RISKS, **FORM, kwargs=_risk, data=_action_data),
    "action_edit": Page(Capability.EDIT_RISKS, **FORM,
                        kwargs=lambda w: {"slug": w.slug, "pk": w.risk.pk, "action_pk": w.action.pk},
                        data=_action_data),
    "import": Page(Capability.EDIT_RISKS, **FORM, data=_file_data),
    "import_mapping": Page(Capability.EDIT_RISKS, **FORM, kwargs=_upload, data=_mapping_data),
    "import_preview": Page(Capability.EDIT_RISKS, **READ, kwargs=_upload),
    "import_commit": Page(Capability.EDIT_RISKS, **ACTION, kwargs=_upload),
    "uploads": Page(Capability.EDIT_RISKS, **READ),
    "upload_rollback": Page(Capability.EDIT_RISKS, **ACTION,
                            kwargs=lambda w: {"slug": w.slug, "upload_pk": w.loaded.pk}),
    "import_discard": Page(Capability.EDIT_RISKS, **ACTION, kwargs=_upload),
    "import_errors": Page(Capability.EDIT_RISKS, **READ, kwargs=_upload),
    "import_template": Page(Capability.EDIT_RISKS, **READ),
}


def test_matrix_covers_every_url_name():
    names = url_names(risk_urls.urlpatterns)
    assert names - PAGES.keys() == set(), "URL names with no entry in the permission matrix"
    assert PAGES.keys() - names == set(), "matrix entries for URL names that no longer exist"


def test_the_rules_the_matrix_relies_on():
    assert {u for u, r in ROLE_OF.items() if role_can(r, Capability.EDIT_RISKS)} == {"pm", "director"}


TABLES = history_tables((Risk, RiskAction, Issue, RiskSettings, RiskAppetite, Upload, ColumnMapping))


@pytest.mark.parametrize("name", sorted(PAGES))
def test_permission_matrix(world, name):
    page = PAGES[name]
    url = reverse(f"risks:{name}", kwargs=page.kwargs(world))
    expected, actual, problems = matrix_row(world, page, url, TABLES)
    assert actual == expected, url
    assert problems == []


def test_outsider_cannot_reach_home_risks_through_their_own_programme(world):
    client = world.cast.client("outsider")
    other = world.cast.other_programme.slug
    assert client.get(reverse("risks:detail", args=[other, world.risk.pk])).status_code == 404
    assert client.post(reverse("risks:edit", args=[other, world.risk.pk]), _risk_data(world)).status_code == 404
    assert client.post(reverse("risks:action_edit", args=[other, world.risk.pk, world.action.pk]),
                       _action_data(world)).status_code == 404
    assert client.post(reverse("risks:issue_edit", args=[other, world.issue.pk]),
                       _issue_data(world)).status_code == 404
    world.risk.refresh_from_db()
    assert world.risk.title == "Staff leave before transfer"
