"""axe-core, vendored (vendor/README.md), run in a page: the violations a test refuses."""

from pathlib import Path

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
RUN_AXE = """async () => {
  const result = await axe.run(document, {runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, targets: v.nodes.map(n => n.target.join(" "))}));
}"""


def serious_violations(page):
    """axe's serious and critical violations on the page as it is now. The page's context needs bypass_csp=True:
    the site's Content-Security-Policy rightly forbids the injected script."""
    page.add_script_tag(content=AXE)
    return [v for v in page.evaluate(RUN_AXE) if v["impact"] in ("serious", "critical")]
