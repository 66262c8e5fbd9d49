"""The real validators of the clients that read Thaw's outputs, run from the tests (tests/test_site_validators.py).

Java tools come from Debian (a JRE, `jing`), the Nu HTML Checker from npm's `vnu-jar`, TimelineJS from npm's
`@knight-lab/timelinejs`; .ci/run installs them, the npm packages under $THAW_VALIDATORS (default
~/.cache/thaw-validators), outside the repository. A test whose tool is missing is skipped, saying which.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

NODE_MODULES = Path(os.environ.get("THAW_VALIDATORS", Path.home() / ".cache" / "thaw-validators")) / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
TIMELINEJS = NODE_MODULES / "@knight-lab" / "timelinejs" / "dist"
ATOM_SCHEMA = Path(__file__).with_name("atom.rnc")
INSTALL = "run .ci/run, or: npm install --prefix ~/.cache/thaw-validators vnu-jar @knight-lab/timelinejs"


def require(path: Path | None, what: str) -> Path:
    if path is None or not path.exists():
        pytest.skip(f"{what} is not installed ({INSTALL}; apt-get install default-jre-headless jing)")
    return path


def command(name: str) -> Path | None:
    found = shutil.which(name)
    return Path(found) if found else None


def nu_html_errors(pages: dict[str, bytes], folder: Path) -> list[str]:
    """The Nu HTML Checker's errors on these pages (URL -> HTML), in one run of the checker over all of them."""
    java, jar = require(command("java"), "Java"), require(VNU_JAR, "The Nu HTML Checker (vnu-jar)")
    folder.mkdir(parents=True, exist_ok=True)
    names = {}
    for number, (url, html) in enumerate(sorted(pages.items())):
        path = folder / f"page-{number:05d}.html"
        path.write_bytes(html)
        names[path.name] = url
    result = subprocess.run(
        [java, "-jar", jar, "--errors-only", "--format", "json", folder],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    messages = json.loads(result.stderr or "{}").get("messages", [])
    return [
        f"{names.get(message.get('url', '').rsplit('/', 1)[-1])}:{message.get('lastLine')}: {message['message']}"
        f" [{message.get('extract', '').strip()}]"
        for message in messages
    ]


def atom_schema_errors(xml: bytes, folder: Path) -> list[str]:
    """Errors of an Atom document against RFC 4287's RELAX NG schema, by jing."""
    jing = require(command("jing"), "jing (RELAX NG)")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "feed.atom"
    path.write_bytes(xml)
    result = subprocess.run([jing, "-c", ATOM_SCHEMA, path], capture_output=True, text=True, timeout=120, check=False)
    return [line for line in result.stdout.splitlines() if line.strip()]
