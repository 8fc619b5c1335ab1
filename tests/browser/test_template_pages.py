"""The council's paper template pages, checked with axe-core in Chromium on the demo: the
council's administrator renames a section, is told of a clash, adds a section of the
council's own, and replaces the logo (a hostile one first)."""
import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from business_cases.models import PaperTemplate
from tests.browser.test_pages import error_summary_links_work, open_and_check

pytestmark = pytest.mark.browser


def test_the_administrator_changes_the_template_and_its_logo(site, demo, axe_audit, tmp_path):
    council = demo.lead_organisation
    base = f"/councils/{council.pk}/paper-template/"
    page = site.page("demo-admin")
    open_and_check(page, axe_audit, base, "paper template")
    expect(page.get_by_role("table", name="Sections of a paper")).to_contain_text("Monitoring Officer")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]

    page.get_by_role("link", name="Change the sections").click()
    axe_audit.check(page, "template sections form")
    page.locator("#id_s4_heading").fill("The report")  # the heading section 3 already has
    page.get_by_role("button", name="Save a new version").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("is already used by section 3")
    error_summary_links_work(page)
    axe_audit.check(page, "template sections form with an error")
    assert PaperTemplate.objects.filter(organisation=council).count() == 1

    page.locator("#id_s4_heading").fill("Statutory considerations")
    new = page.get_by_role("group", name="A new section of the council's own").first
    new.get_by_label("Heading of a new section").fill("Public health implications")
    new.get_by_label("Place in the paper").fill("9")
    new.get_by_label("Required before the paper is marked final").check()
    page.get_by_role("button", name="Save a new version").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Version 2 of the paper template is saved")
    sections = page.get_by_role("table", name="Sections of a paper")
    expect(sections).to_contain_text("Public health implications")
    axe_audit.check(page, "paper template, version 2")

    page.get_by_role("link", name="Change the name or the logo").click()
    axe_audit.check(page, "front sheet form")
    hostile = tmp_path / "logo.svg"
    hostile.write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9" onload="alert(1)"/>')
    page.get_by_label("Upload a logo").set_input_files(str(hostile))
    page.get_by_role("button", name="Save a new version").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("runs a script")
    error_summary_links_work(page)
    axe_audit.check(page, "front sheet form with a refused logo")

    good = tmp_path / "crest.png"
    out = io.BytesIO()
    Image.new("RGB", (300, 90), (0, 94, 165)).save(out, "PNG")
    good.write_bytes(out.getvalue())
    page.get_by_label("Upload a logo").set_input_files(str(good))
    page.get_by_label("Text alternative for the logo").fill("The council's crest")
    page.get_by_role("button", name="Save a new version").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Version 3 of the paper template is saved")
    expect(page.get_by_role("img", name="The council's crest")).to_be_visible()
    template = PaperTemplate.objects.get(organisation=council, number=3)
    assert template.logo_type == "image/png" and template.logo_alt == "The council's crest"
    axe_audit.check(page, "paper template, version 3")
