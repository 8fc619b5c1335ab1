"""The reserves table on the budget page is named once on screen: by the page's heading. Its
caption stays for a screen reader, which announces a table by its caption."""
import re

from django.urls import reverse

from tests.finance.conftest import make_budget


def visible_mentions(html: str, words: str) -> int:
    """How often `words` appears as text outside elements hidden with govuk-visually-hidden."""
    shown = re.sub(r'<(\w+)[^>]*class="[^"]*govuk-visually-hidden[^"]*"[^>]*>.*?</\1>', "", html, flags=re.S)
    shown = re.sub(r'aria-label="[^"]*"', "", shown)
    return len(re.findall(rf">\s*{re.escape(words)}\s*<", shown))


def test_the_budget_page_names_funding_sources_and_reserves_once(cast):
    make_budget(cast.programme, cast.workstream)
    html = cast.client("finance").get(reverse("finance:budget", args=[cast.programme.slug])).content.decode()
    assert visible_mentions(html, "Funding sources and reserves") == 1
    # The table is still named, for those who hear it.
    assert re.search(r'<caption class="[^"]*govuk-visually-hidden[^"]*">Funding sources and reserves</caption>', html)
    assert "ASC reserve" in html
