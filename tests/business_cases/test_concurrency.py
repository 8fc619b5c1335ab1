"""Every business_cases page that edits a saved record refuses to save over someone else's change
(core.concurrency). Walks the permission matrix's pages, so a new edit page is covered by
being added there; one whose name says it edits must be found to check."""
import pytest
from django.urls import reverse

from business_cases import api_urls
from tests.business_cases.test_permissions import PAGES, world  # noqa: F401  (world is a fixture)
from tests.concurrency import (
    UNCHECKED,
    api_write_routes,
    edits,
    form_pages,
    stale_api_problems,
    stale_edit_problems,
)


@pytest.mark.parametrize("name", form_pages(PAGES))
def test_an_edit_page_refuses_a_stale_save(world, name):  # noqa: F811
    page = PAGES[name]
    url = reverse(f"business_cases:{name}", kwargs=page.kwargs(world))
    if f"business_cases:{name}" in UNCHECKED:
        pytest.xfail(UNCHECKED[f"business_cases:{name}"])
    problems = stale_edit_problems(world, page, url, save_first=edits(name))
    if edits(name):
        assert problems is not None, f"{url} edits a record but its form has no version check"
    assert problems in (None, [])


@pytest.mark.parametrize("name", api_write_routes(api_urls))
def test_an_api_change_refuses_a_stale_if_match(world, name):  # noqa: F811
    # Only a draft version may change or go, so try the check on the draft.
    obj = world.obc if name == "business-case-versions-detail" else None
    assert stale_api_problems(world, api_urls, name, obj) == []
