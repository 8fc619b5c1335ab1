"""More of the import rule (tests/test_architecture.py): a lower layer does not name a
higher one's pages either, and an API module does not lean on page code.

- A URL name is knowledge of another app as much as an import is: programmes (or core)
  naming "risks:register" would break the day risks moved. Each app names only its own
  URLs and those of the layers below it, in its Python and in its own templates; the
  programme's navigation gets the others' sections from programmes.navigation, where each
  app declares its own.
- The API and the pages are two faces of the same services and selectors. An API module
  that imports a view module (views, paper_views, job_pages, record_pages, upload_pages,
  resources) takes page code (requests, messages, templates) with it; what both need
  lives in services, selectors or access."""
import ast
import re
from pathlib import Path

import pytest

from tests.test_architecture import LAYERS, ROOT, modules

URL_NAME = re.compile(rf"^({'|'.join(LAYERS)}):[\w-]+$")
TEMPLATE_URL = re.compile(rf"""{{%\s*url\s+["']({'|'.join(LAYERS)}):""")
PAGE_MODULES = {"views", "paper_views", "job_pages", "record_pages", "upload_pages", "resources"}


def named_urls(path: Path) -> set[str]:
    """The apps whose URL names appear as strings in a Python module."""
    tree = ast.parse(path.read_text(), filename=str(path))
    return {
        URL_NAME.match(node.value).group(1)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and URL_NAME.match(node.value)
    }


def _outside(app: str, others: set[str]) -> list[str]:
    return sorted(o for o in others if o != app and LAYERS[o] >= LAYERS[app])


def _python():
    for app, path in modules():
        if "migrations" not in path.parts and "tests" not in path.parts:
            yield app, path


@pytest.mark.parametrize("app", list(LAYERS))
def test_an_app_names_only_its_own_urls_and_those_below_it(app):
    wrong = []
    for owner, path in _python():
        if owner == app and (bad := _outside(app, named_urls(path))):
            wrong.append(f"{path.relative_to(ROOT)} names URLs of {bad}")
    for path in sorted((ROOT / "templates" / app).rglob("*.html")):
        if bad := _outside(app, set(TEMPLATE_URL.findall(path.read_text()))):
            wrong.append(f"{path.relative_to(ROOT)} names URLs of {bad}")
    assert wrong == []


def test_the_frame_names_no_apps_urls_but_the_programmes():
    # templates/base.html and templates/includes are drawn round every app's pages.
    frame = [ROOT / "templates" / "base.html", *sorted((ROOT / "templates" / "includes").rglob("*.html"))]
    wrong = {str(p.relative_to(ROOT)): _outside("programmes", set(TEMPLATE_URL.findall(p.read_text())))
             for p in frame}
    assert {p: bad for p, bad in wrong.items() if bad} == {}


def page_imports(path: Path) -> set[str]:
    """The page modules (of any of our apps) a module imports."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names
                      if a.name.split(".")[0] in LAYERS and PAGE_MODULES & set(a.name.split("."))}
        elif isinstance(node, ast.ImportFrom):
            parts = (node.module or "").split(".")
            if node.level == 0 and parts[0] not in LAYERS:
                continue
            if PAGE_MODULES & set(parts):
                found.add(node.module)
            found |= {".".join(filter(None, [node.module, a.name])) for a in node.names
                      if a.name in PAGE_MODULES}
    return found


def api_modules():
    for _app, path in _python():
        if path.stem in {"api", "api_urls"} or "api" in path.parts:
            yield path


@pytest.mark.parametrize("path", list(api_modules()), ids=lambda p: str(p.relative_to(ROOT)))
def test_api_modules_import_no_page_module(path):
    assert page_imports(path) == set(), f"{path.relative_to(ROOT)} imports page code"


def test_the_checkers_catch_a_lower_layer_naming_a_higher_url_and_an_api_importing_a_view(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text('from django.urls import reverse\nURL = reverse("finance:home", args=["x"])\n'
                   'NOT_A_URL = "finance: spend"\n')
    assert _outside("programmes", named_urls(bad)) == ["finance"]
    assert _outside("business_cases", named_urls(bad)) == []
    assert TEMPLATE_URL.findall("{% url 'risks:register' programme.slug %}") == ["risks"]
    api = tmp_path / "api.py"
    api.write_text("from programmes.views import today\nfrom programmes import job_pages\n"
                   "from . import paper_views\nfrom programmes.selectors import overview\n")
    assert page_imports(api) == {"programmes.views",
                                 "programmes.job_pages", "paper_views"}
