"""The floor plan holds (docs/architecture.md): the import contracts in pyproject.toml are kept by the code, and
each of them fails when an import that breaks it is planted in a copy of the code."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("thaw_site", "events", "people")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root):
    return subprocess.run(
        [LINT_IMPORTS, "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_code_keeps_every_import_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "planted", "broken"),
    [
        ("thaw_site/public/views.py", "import events.models", "thaw_site imports neither app"),
        ("people/models.py", "import events.models", "thaw_site imports neither app"),
        ("thaw_site/publishing/services.py", "import thaw_site.public.views", "the public site reads the publishing"),
        ("thaw_site/text/dates.py", "import thaw_site.publishing.items", "the public site reads the publishing"),
        ("thaw_site/publishing/workflow.py", "import thaw_site.publishing.services", "No import cycles"),
        ("events/citations.py", "import events.interchange", "No import cycles"),
    ],
)
def test_a_planted_import_breaks_its_contract(tmp_path, module, planted, broken):
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    with (tmp_path / module).open("a", encoding="utf-8") as source:
        source.write(f"\n{planted}  # planted\n")
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    broken_section = result.stdout.split("Broken contracts", 1)[1]
    assert broken in broken_section
