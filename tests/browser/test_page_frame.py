"""The page frame in a real browser: the council's header and the service navigation, whose
GOV.UK Frontend 6 script folds the programme's sections behind a Menu button on a narrow
screen and leaves them open on a wide one."""
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_sections_fold_behind_a_menu_on_a_narrow_screen(site, demo, axe_audit):
    page = site.page("demo-pm")
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"/programmes/{demo.slug}/")
    banner = page.get_by_role("banner")
    expect(banner.get_by_role("link", name=demo.lead_organisation.name)).to_be_visible()
    expect(banner.get_by_text("Insource", exact=True)).to_be_visible()
    menu = page.get_by_role("button", name="Menu")
    sections = page.get_by_role("navigation", name="Programme menu")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(sections.get_by_role("link", name="Risks")).to_be_hidden()
    axe_audit.check(page, "overview at 320 px, menu closed")

    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(sections.get_by_role("link", name="Risks")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    axe_audit.check(page, "overview at 320 px, menu open")

    page.set_viewport_size({"width": 1280, "height": 800})
    expect(menu).to_be_hidden()
    expect(sections.get_by_role("link", name="Risks")).to_be_visible()
    sections.get_by_role("link", name="Risks").click()
    current = page.get_by_role("navigation", name="Programme menu").locator("[aria-current=page]")
    expect(current).to_have_text("Risks")
    axe_audit.assert_clean()
