"""The milestone form's "depends on" picker: GOV.UK's accessible autocomplete over the
programme's milestones, worked with the keyboard alone, its choice announced in a live
region, the ticked ones listed to untick, and the form saving what was chosen; axe finds
no serious or critical problem with the list open or closed."""
import pytest

from programmes.models import Milestone
from tests.browser.conftest import AxeAudit

pytestmark = pytest.mark.django_db(transaction=True)


def test_depends_on_is_found_by_typing_and_chosen_with_the_keyboard(site, demo):
    audit = AxeAudit()
    milestone = Milestone.objects.filter(programme=demo, depends_on__isnull=True).order_by("forecast_date").last()
    wanted = Milestone.objects.filter(programme=demo, title__icontains="payroll").exclude(pk=milestone.pk).first()
    page = site.page("demo-pm")
    page.goto(f"/programmes/{demo.slug}/milestones/{milestone.pk}/edit/")
    boxes = page.locator("input[name=depends_on]")
    assert boxes.count() > 40 and page.locator(".app-checkbox-list .govuk-checkboxes__item:visible").count() == 0
    audit.check(page, "milestone form with the picker")
    finder = page.get_by_role("combobox", name="Find a milestone to add")
    finder.focus()
    page.keyboard.type("payroll")
    listbox = page.get_by_role("listbox")
    listbox.wait_for()
    assert any(wanted.title in text for text in listbox.get_by_role("option").all_text_contents())
    audit.check(page, "milestone form with the picker's list open")
    option = listbox.get_by_role("option", name=f"{wanted.title} ({wanted.forecast_date:%-d %b %Y})")
    index = listbox.get_by_role("option").all_text_contents().index(option.text_content())
    for _ in range(index + 1):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    status = page.locator(".app-pick-many__status")
    assert status.text_content().startswith(f"Added {wanted.title}") and "1 chosen." in status.text_content()
    assert page.locator("input[name=depends_on]:checked").count() == 1
    assert page.locator(".app-checkbox-list .govuk-checkboxes__item:visible").count() == 1
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/milestones/{milestone.pk}/")
    assert list(milestone.depends_on.values_list("pk", flat=True)) == [wanted.pk]
    audit.assert_clean()
