"""Imports flow one way: core ← programmes ← workforce / risks / finance ← business_cases.
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
    "business_cases": 3,
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
