"""The HTML report in a real browser: headless Chromium (Debian's) driven by playwright."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_render import build_records

from claimscope.html_report import render_report

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Skipped only on a developer machine without Chromium; in CI (CI=true, where .ci/run
# installs it) a missing browser is a failure, never a silent skip.
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists() and os.environ.get("CI") != "true",
    reason="no Chromium at /usr/bin/chromium (apt-get install chromium)",
)

SECOND = "Vitamin D (Lee 2019) cut flu cases by 42% in mice.\n"


@pytest.fixture(scope="module")
def report(nlp, tmp_path_factory) -> tuple[Path, list]:
    first = build_records(nlp)
    second = build_records(
        nlp,
        SECOND,
        [
            (
                "citation",
                "Lee 2019",
                {"kind": "author_year", "authors": ["Lee"], "year": 2019, "traceable": False},
                [],
            ),
            ("statistic", "42%", {"kind": "percent", "value": 42.0, "unit": "%"}, []),
            ("condition", "flu", {"normalized": "influenza", "category": "disease"}, []),
        ],
        doc_id="second.txt",
    )
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(render_report([first, second]), encoding="utf-8")
    return path, first[1] + second[1]


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, report):
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(report[0].as_uri())
    page.requests = requests  # type: ignore[attr-defined]
    page.errors = errors  # type: ignore[attr-defined]
    yield page
    page.close()


CLAIM_TEXTS = """
() => {
  const texts = {};
  document.querySelectorAll('mark.claim').forEach(m => {
    const id = document.getElementById('claim-' + m.dataset.claim).dataset.id;
    texts[id] = (texts[id] || '') + m.textContent;
  });
  return texts;
}
"""

HIGHLIGHTED = """
type => Array.from(document.querySelectorAll('mark.claim[data-type="' + type + '"]'))
  .map(m => getComputedStyle(m).borderBottomStyle !== 'none')
"""


def test_browser_every_claim_is_highlighted(page, report):
    records = report[1]
    assert page.evaluate(CLAIM_TEXTS) == {r.id: r.text for r in records}
    assert page.locator("mark.claim[tabindex]").count() == len(records)
    assert page.errors == []
    assert page.requests == [report[0].as_uri()]  # no network, no other asset


def test_browser_injected_script_is_shown_not_run(page, tmp_path):
    assert page.evaluate("window.pwned") is None
    assert page.title() == "claimscope report"
    text = page.locator("section.doc .text").first.inner_text()
    assert '<script>window.pwned=1;document.title="pwned"</script> cures anxiety' in text
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    assert (tmp_path / "report.png").stat().st_size > 10_000


def test_browser_type_filter_hides_and_shows_highlights(page):
    assert page.evaluate(HIGHLIGHTED, "effect") == [True] * 4  # three effects, one in two pieces
    page.locator('input[data-filter="type"][value="effect"]').uncheck()
    assert page.evaluate(HIGHLIGHTED, "effect") == [False] * 4
    assert all(page.evaluate(HIGHLIGHTED, "condition"))
    assert page.locator('tr[data-type="effect"]').first.is_hidden()
    page.locator('input[data-filter="type"][value="effect"]').check()
    assert page.evaluate(HIGHLIGHTED, "effect") == [True] * 4
    assert page.locator('tr[data-type="effect"]').first.is_visible()


def test_browser_flag_filter_keeps_only_flagged_claims(page, report):
    page.locator('input[data-filter="flag"][value="uncited"]').check()
    shown = page.evaluate(
        """() => Array.from(document.querySelectorAll('mark.claim[tabindex]'))
             .filter(m => getComputedStyle(m).borderBottomStyle !== 'none')
             .map(m => m.dataset.id)"""
    )
    assert shown == [r.id for r in report[1] if "uncited" in r.flags]


def test_browser_focus_shows_attributes_and_flags(page, tmp_path):
    mark = page.locator('mark.claim[data-flags="uncited boosted"][tabindex]')
    mark.focus()
    panel = page.locator("aside#details")
    assert panel.is_visible()
    details = panel.inner_text()
    for expected in ("effect", "uncited, boosted", "anxiety", "negated", "may"):
        assert expected in details
    page.screenshot(path=str(tmp_path / "focused.png"))
