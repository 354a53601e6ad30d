"""axe-core, injected into the page by the Playwright tests (WCAG 2.2 AA, issue 16).

The script comes from the npm package `axe-core` (package.json devDependencies). It is run
with `page.evaluate`, not a <script> tag, because the app's Content-Security-Policy allows
only scripts carrying the request's nonce.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

AXE_SOURCE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# The success criteria the Public Sector Bodies Accessibility Regulations require: WCAG 2.0,
# 2.1 and 2.2 at levels A and AA. Best-practice rules are reported but do not fail a test.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


# Best-practice rules whose failures the issue names (the back link outside any landmark, an
# empty table header on the workload page): they fail a test too.
PROMOTED_BEST_PRACTICE = {"region", "empty-table-header"}

# What axe does not check but an assessor does (issue 16), as rules of the same shape: a hint
# or error the field points at that does not exist (1.3.1, 3.3.1); a page title that is not
# "Page – Service" or lacks "Error: " when the page shows errors (2.4.2); radios and the
# three-field date input outside a fieldset with a legend (1.3.1); a required field labelled
# "(optional)", Django's default error wording, the browser's date picker and number inputs
# (GOV.UK patterns).
APP_RULES_JS = """
() => {
  const rules = [];
  const add = (id, help, nodes) => { if (nodes.length) rules.push({id, impact: 'serious', help,
    nodes: nodes.map(n => ({target: [n.id ? '#' + n.id : n.tagName.toLowerCase() +
      (n.name ? '[name=' + n.name + ']' : '')], failureSummary: (n.outerHTML || '').slice(0, 160)}))}); };
  add('app-describedby-target', 'aria-describedby must point at elements that exist',
    [...document.querySelectorAll('[aria-describedby]')].filter(el =>
      el.getAttribute('aria-describedby').split(/\\s+/).some(id => id && !document.getElementById(id))));
  const title = document.title;
  const hasErrors = !!document.querySelector('.govuk-error-summary');
  const titleOk = / \u2013 /.test(title) && (!hasErrors || title.startsWith('Error: '));
  if (!titleOk) rules.push({id: 'app-page-title', impact: 'serious',
    help: 'Title is "Page \u2013 Service", with "Error: " first when the page shows errors',
    nodes: [{target: ['title'], failureSummary: title}]});
  add('app-fieldset', 'Radios and date inputs are grouped in a fieldset with a legend',
    [...document.querySelectorAll('main input[type=radio], main .govuk-date-input')].filter(el => {
      const fs = el.closest('fieldset'); return !fs || !fs.querySelector('legend'); }));
  add('app-optional-required', 'A required field is not labelled "(optional)"',
    [...document.querySelectorAll('main input[required], main select[required], main textarea[required]')]
      .filter(el => el.labels && [...el.labels].some(l => l.textContent.includes('(optional)'))));
  add('app-error-wording', 'Error messages use GOV.UK wording, not Django defaults',
    [...document.querySelectorAll('.govuk-error-message, .govuk-error-summary__list a')].filter(el =>
      /This field is required|Ensure this value|Enter a valid (date|number|whole number)/.test(el.textContent)));
  add('app-input-pattern', 'Dates use the three-field date input; numbers are text with inputmode=numeric',
    [...document.querySelectorAll('main input[type=date], main input[type=number]')]);
  return rules;
}
"""


@dataclass
class AxeResult:
    url: str
    violations: list[dict] = field(default_factory=list)
    best_practice: list[dict] = field(default_factory=list)

    @property
    def count(self) -> int:
        """Failing elements, summed over the rules that failed."""
        return sum(len(rule["nodes"]) for rule in self.violations)

    @property
    def axe_wcag_count(self) -> int:
        """Failing elements of axe's own WCAG A/AA rules alone."""
        return sum(len(rule["nodes"]) for rule in self.violations if rule["source"] == "axe")

    def describe(self) -> str:
        lines = [
            f"{self.url}: {self.count} failing element(s), {self.axe_wcag_count} from axe WCAG"
        ]
        for rule in self.violations:
            lines.append(f"  [{rule['impact']}] {rule['id']}: {rule['help']}")
            for node in rule["nodes"][:5]:
                lines.append(f"      {' '.join(node['target'])}: {node['failureSummary']!r}")
        for rule in self.best_practice:
            lines.append(f"  (best practice) {rule['id']}: {len(rule['nodes'])} element(s)")
        return "\n".join(lines)


def axe_run(page, label: str | None = None) -> AxeResult:
    """Runs axe on the page as it is now: WCAG A/AA rules, then best-practice rules."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE.read_text())
    wcag = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    practice = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: ['best-practice']},"
        " resultTypes: ['violations']})"
    )
    practice_rules = _slim(practice["violations"], source="axe best practice")
    return AxeResult(
        url=label or page.url,
        violations=_slim(wcag["violations"])
        + [rule for rule in practice_rules if rule["id"] in PROMOTED_BEST_PRACTICE]
        + _slim(page.evaluate(APP_RULES_JS), source="app"),
        best_practice=[r for r in practice_rules if r["id"] not in PROMOTED_BEST_PRACTICE],
    )


def assert_no_violations(page, label: str | None = None) -> AxeResult:
    result = axe_run(page, label)
    if result.best_practice:
        print(result.describe())
    assert not result.violations, result.describe()
    return result


def _slim(rules: list[dict], source: str = "axe") -> list[dict]:
    return [
        {
            "source": source,
            "id": rule["id"],
            "impact": rule.get("impact"),
            "help": rule["help"],
            "nodes": [
                {
                    "target": [str(t) for t in node["target"]],
                    "failureSummary": node.get("failureSummary", ""),
                }
                for node in rule["nodes"]
            ],
        }
        for rule in rules
    ]


def write_report(results: list[AxeResult], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            [
                {
                    "page": r.url,
                    "failing": r.count,
                    "axe_wcag": r.axe_wcag_count,
                    "rules": {rule["id"]: len(rule["nodes"]) for rule in r.violations},
                    "best_practice": {rule["id"]: len(rule["nodes"]) for rule in r.best_practice},
                }
                for r in results
            ],
            indent=2,
        )
    )
