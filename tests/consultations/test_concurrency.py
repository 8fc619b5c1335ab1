"""Every consultations page that edits a saved record refuses to save over someone else's
change (core.concurrency), and so does every API route that changes one. Walks the
permission matrix's pages, so a new edit page is covered by being added there."""
from consultations import api_urls
from tests.concurrency import walk_tests
from tests.consultations.test_permissions import PAGES, world  # noqa: F401  (world is a fixture)

test_an_edit_page_refuses_a_stale_save, test_an_api_change_refuses_a_stale_if_match = walk_tests(
    "consultations", PAGES, api_urls)
