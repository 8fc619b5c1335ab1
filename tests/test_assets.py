"""The stylesheet builds from GOV.UK Frontend's Sass modules without a deprecation or a
warning of any kind, and no build hides one: a deprecation shows up the day it appears,
not the day Sass or GOV.UK Frontend removes what it warned of."""
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HIDING = re.compile(r"--silence-deprecation|--quiet-deps|--quiet\b|\$govuk-suppressed-warnings")


def sass_commands() -> dict[str, str]:
    """The sass command of each build: the Makefile's rule and the image's RUN line."""
    found = {}
    for name in ("Makefile", "Dockerfile"):
        text = (ROOT / name).read_text().replace("\\\n", " ")
        lines = [line for line in text.splitlines() if "npx sass" in line]
        assert len(lines) == 1, f"{name} should build the stylesheet once, with npx sass"
        found[name] = lines[0]
    return found


def test_no_build_hides_a_sass_warning():
    for name, command in sass_commands().items():
        assert not HIDING.search(command), f"{name} hides Sass warnings: {command.strip()}"
    for scss in (ROOT / "static" / "scss").glob("*.scss"):
        assert not HIDING.search(scss.read_text()), f"{scss.name} suppresses GOV.UK Frontend warnings"


def test_the_stylesheet_builds_without_a_warning(tmp_path):
    if not shutil.which("npx") or not (ROOT / "node_modules" / ".bin" / "sass").exists():
        pytest.skip("Node and the npm packages are not installed (npm ci)")
    out = tmp_path / "app.css"
    result = subprocess.run(
        ["npx", "sass", "--load-path=node_modules", "--style=compressed", "--no-source-map",
         "static/scss/app.scss", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", f"Sass printed:\n{result.stderr}"
    css = out.read_text()
    # The council's frame is in it, and GOV.UK's typeface is not.
    assert ".govuk-generic-header" in css and ".govuk-service-navigation" in css
    assert "GDS Transport" not in css and "@font-face" not in css
