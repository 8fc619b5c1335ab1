"""The consultations pages, checked with axe-core in Chromium on the demo programme: the
home page, each consultation's page (as the programme manager, and as the HR lead, who
sees the staff names), every record's form — empty, after an empty submit, and editing a
demo record — its history and its delete confirmation."""
import pytest

from consultations.resources import RESOURCES
from tests.browser.test_pages import open_and_check, submit_with_errors

pytestmark = pytest.mark.browser


def test_consultations_pages_are_accessible(site, demo, axe_audit):
    base = f"/programmes/{demo.slug}/consultations/"
    for who in ("demo-pm", "demo-hr"):
        page = site.page(who)
        open_and_check(page, axe_audit, base)
        for key in ("staff", "public"):
            obj = RESOURCES[key].queryset(demo).first()
            assert obj is not None, f"the demo has no {key} consultation"
            open_and_check(page, axe_audit, f"{base}{key}/{obj.pk}/")
    page = site.page("demo-pm")
    for key, res in RESOURCES.items():
        open_and_check(page, axe_audit, f"{base}{key}/new/")
        submit_with_errors(page, axe_audit, f"{key} form after an empty submit")
        obj = res.queryset(demo).first()
        assert obj is not None, f"the demo has no {res.singular}"
        for rest in ("edit/", "history/", "delete/"):
            open_and_check(page, axe_audit, f"{base}{key}/{obj.pk}/{rest}")
    axe_audit.assert_clean()
