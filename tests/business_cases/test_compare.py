"""Comparing two versions: each section word by word, marked with <ins>/<del> and text
markers (not colour alone), and what changed in the structured parts."""
from decimal import Decimal as D

from django.urls import reverse

from business_cases.compare import section_diff, structured_changes
from business_cases.models import Stage
from business_cases.services import version_create, version_save
from tests.business_cases.conftest import make_option


def test_section_diff_marks_added_and_removed_words():
    d = section_diff("Strategic case", "Keep the service safe.", "Keep the whole service safe and local.")
    assert d.changed and (d.added_words, d.removed_words) == (4, 1)
    assert "".join(s.text for s in d.old) == "Keep the service safe."
    assert "".join(s.text for s in d.new) == "Keep the whole service safe and local."
    assert [s.text for s in d.new if s.kind == "insert"] == ["whole ", "safe and local."]
    assert [s.text for s in d.old if s.kind == "delete"] == ["safe."]
    assert not section_diff("x", "Same", "Same").changed


def test_structured_changes_name_each_change():
    old = {"objectives": {"SO1": "Transfer safely"}, "options": {"Op.1": {"title": "Re-commission",
                                                                          "outcome": "Preferred", "rank": 1}}}
    new = {"objectives": {"SO1": "Transfer safely on day one", "SO2": "Redesign"},
           "options": {"Op.1": {"title": "Re-commission", "outcome": "Alternative", "rank": 2}},
           "appraisal": {"Op.1": {"npsv": "10.00"}}}
    changes = dict(structured_changes(old, new))
    assert changes["Strategic objectives"] == ["Added SO2: Redesign",
                                               "SO1 changed from “Transfer safely” to “Transfer safely on day one”"]
    assert changes["Options"] == ["Op.1: outcome changed from “Preferred” to “Alternative”",
                                  "Op.1: rank changed from “1” to “2”"]
    assert changes["Economic appraisal"] == ["Added Op.1: NPSV (£) 10.00"]


def test_compare_page_renders_accessible_markers(soc_ready):
    cast = soc_ready
    pm = cast.users["pm"]
    p = cast.programme
    v1 = version_create(programme=p, stage=Stage.SOC, user=pm)
    v1.economic_case = "Two options were tested."
    version_save(version=v1, user=pm, reason="Draft")
    v2 = version_create(programme=p, stage=Stage.SOC, user=pm)  # freezes v1's structured parts
    v2.economic_case = "Three options were tested."
    version_save(version=v2, user=pm, reason="Draft")
    make_option(p, "Op.3", pm, optimism_bias_percent=D("10"))  # live change, shown for the draft
    page = cast.client("viewer").get(reverse("business_cases:compare", args=[p.slug, "soc"]) + "?a=1&b=2")
    html = page.content.decode()
    assert '<del><span class="govuk-visually-hidden">removed: </span><span aria-hidden="true">[−</span>Two' in html
    assert '<ins><span class="govuk-visually-hidden">added: </span><span aria-hidden="true">[+</span>Three' in html
    assert "Added Op.3: Option Op.3" in html
