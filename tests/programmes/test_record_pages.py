"""The shared record pages (programmes.record_pages): every record an app registers on them
is routed under its URL names, and what they do on one record they do on all (the
per-app permission matrices and concurrency walks check each page against every role)."""
import pytest
from django.urls import NoReverseMatch, reverse

import business_cases.views
from finance.resources import RESOURCES as FINANCE
from programmes.record_pages import REASON_LENGTH, STEPS, RecordPages
from programmes.resources import RESOURCES as PROGRAMMES
from tests.factories import FundingSourceFactory

BUSINESS_CASES = {name: v for name, v in vars(business_cases.views).items() if isinstance(v, RecordPages)}
EVERY = [*PROGRAMMES.values(), *FINANCE.values(), *BUSINESS_CASES.values()]


def _routed(pages: RecordPages) -> set[str]:
    found = set()
    for step in STEPS:
        args = ["home"] if step in ("list", "create") else ["home", 1]
        try:
            reverse(pages.url_name(step), args=args)
        except NoReverseMatch:
            continue
        found.add(step)
    return found


def test_the_business_cases_records_are_found():
    assert {p.key for p in BUSINESS_CASES.values()} == {"objective", "csf", "option", "criterion", "line", "eia",
                                                      "eia_impact", "eia_mitigation"}


@pytest.mark.parametrize("pages", EVERY, ids=lambda p: f"{p.namespace}:{p.key}")
def test_every_record_is_routed_and_leads_back_to_a_page(pages):
    routed = _routed(pages)
    assert {"create", "edit"} <= routed
    assert reverse(pages.done, args=["home"])
    if pages.namespace == "programmes":
        assert routed == set(STEPS)  # the programme's logs have their own list and history
    if "list" in routed:
        assert pages.plural and pages.columns


def test_a_long_change_reason_is_kept_as_long_as_the_history_allows(cast):
    source = FundingSourceFactory(programme=cast.programme, name="ASC reserve")
    url = reverse("finance:funding-sources_edit", args=["home", source.pk])
    client = cast.client("finance")
    form = client.get(url).context["form"]
    data = {**{k: v for k, v in form.initial.items() if v is not None}, "name": "ASC reserve (renamed)",
            "change_reason": "Because " * 40}
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == reverse("finance:budget", args=["home"])
    latest = source.history.first()
    assert latest.name == "ASC reserve (renamed)"
    assert latest.history_change_reason == ("Because " * 40)[:REASON_LENGTH]
    assert latest.history_user == cast.users["finance"]
