"""Imports flow one way: core ← programmes ← workforce / risks / finance / sso ← business_cases.
This walks every module of our apps and fails on an import that goes upward or sideways."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {
    "core": 0,
    "programmes": 1,
    "workforce": 2,
    "risks": 2,
    "finance": 2,
    "consultations": 2,
    "business_cases": 3,
    # Sign-in with a council's own accounts: needs the councils (programmes), nothing above.
    "sso": 2,
}


def imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in LAYERS:
                found.add(top)
    return found


def modules():
    for app in LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")):
            yield app, path


def test_every_app_is_checked():
    assert {app for app, _ in modules()} == set(LAYERS)


@pytest.mark.parametrize("app,path", list(modules()), ids=lambda v: str(v).replace(str(ROOT) + "/", ""))
def test_imports_flow_one_way(app, path):
    wrong = {
        other for other in imported_apps(path)
        if other != app and LAYERS[other] >= LAYERS[app]
    }
    assert not wrong, f"{path.relative_to(ROOT)} ({app}) imports {sorted(wrong)}, which sit above or beside it"


def test_the_checker_catches_an_upward_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from business_cases import models\nimport risks.selectors\n")
    assert imported_apps(bad) == {"business_cases", "risks"}


# One formatter for money and figures (core.formats): an app that writes a pound sign before
# a figure, defines its own money or number formatter, or a template that loads a library of
# its own for them, would disagree with the rest sooner or later (the minus sign did).
OWN_FORMATTER = (
    ("a pound sign before a formatted figure", r"£\{"),
    ("a money formatter",
     r"^\s*def _?(money|pounds|money_pence|money_text|_money_text|format_money)\((?!.*-> Decimal)"),
    ("a number formatter", r"^\s*def _?(num|fte|number|factor|format_number)\("),
    ("a minus sign written by hand", "[\"'](\u2212|\\\\u2212)"),
)


def _python_outside_formats():
    # core/formats.py, and the template library that hands its functions to templates.
    home = {ROOT / "core" / "formats.py", ROOT / "core" / "templatetags" / "formats.py"}
    for _app, path in modules():
        if path in home or "migrations" in path.parts:
            continue
        yield path


@pytest.mark.parametrize(("what", "pattern"), OWN_FORMATTER, ids=[w for w, _ in OWN_FORMATTER])
def test_only_core_formats_writes_money_and_figures(what, pattern):
    import re

    found = []
    for path in _python_outside_formats():
        for number, line in enumerate(path.read_text().splitlines(), 1):
            code = line.split("#")[0]
            if re.search(pattern, code, re.MULTILINE) and not code.lstrip().startswith(('"', "'")):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == [], f"{what} outside core/formats.py:\n" + "\n".join(found)


def test_templates_write_figures_through_the_one_library():
    import re

    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        text = path.read_text()
        for name, pattern in (("floatformat", r"\|floatformat"), ("intcomma", r"\|intcomma"),
                              ("a pound sign before a figure", r"£\{\{"),
                              ("an app's own figure library", r"\{% load [^%]*\b(finance_tags|business_cases)\b")):
            if re.search(pattern, text):
                found.append(f"{path.relative_to(ROOT)}: {name}")
    assert found == []


def test_the_formatter_check_catches_one(tmp_path):
    import re

    bad = 'def pounds(v):\n    return f"£{v:,}"\n'
    assert re.search(OWN_FORMATTER[0][1], bad) and re.search(OWN_FORMATTER[1][1], bad, re.MULTILINE)


def test_only_core_charts_opens_a_drawing():
    """Every chart is drawn with core.charts' primitives, so each has the same text
    alternative (role, title, description) and palette."""
    # The image reader looks for <svg> in what is uploaded, to check it; it draws nothing.
    readers = {ROOT / "core" / "charts.py", ROOT / "core" / "image_reader.py"}
    found = [str(p.relative_to(ROOT)) for p in _python_outside_formats()
             if "<svg" in p.read_text() and p not in readers]
    found += [str(p.relative_to(ROOT)) for p in sorted((ROOT / "templates").rglob("*.html"))
              if "<svg" in p.read_text() and p.name != "pagination.html"]  # GOV.UK's own arrow icons
    assert found == []
