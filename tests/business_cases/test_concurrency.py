"""Every business_cases page that edits a saved record refuses to save over someone else's
change (core.concurrency), and so does every API route that changes one. Walks the
permission matrix's pages, so a new edit page is covered by being added there; one whose
name says it edits must be found to check."""
from business_cases import api_urls
from tests.business_cases.test_permissions import PAGES, world  # noqa: F401  (world is a fixture)
from tests.concurrency import walk_tests


def _draft_version(w, name):
    # Only a draft version may change or go, so try the check on the draft.
    return w.obc if name == "business-case-versions-detail" else None


test_an_edit_page_refuses_a_stale_save, test_an_api_change_refuses_a_stale_if_match = walk_tests(
    "business_cases", PAGES, api_urls, _draft_version)
