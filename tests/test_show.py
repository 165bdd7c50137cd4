"""The ``show`` view: the article with claims styled by type, a legend and a claims table."""

from __future__ import annotations

import io
import re

import pytest
from conftest import SEED_FILES
from rich.console import Console
from rich.style import Style
from test_render import build_records
from typer.testing import CliRunner

from claimscope.cli import app
from claimscope.render import TYPE_STYLES, highlighted_text, legend, show_document

runner = CliRunner()


@pytest.fixture(scope="module")
def article(nlp):
    return build_records(nlp)


def _render(article, width: int, terminal: bool) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        force_terminal=terminal,
        color_system="standard" if terminal else "auto",
        highlight=False,
    )
    show_document(console, *article)
    return buffer.getvalue()


def test_show_highlighted_text_styles_each_claim_by_type(article):
    document, records = article
    text = highlighted_text(document.text, records)
    assert text.plain == document.text
    styled = {(span.start, span.end): str(span.style) for span in text.spans}
    assert styled == {(r.start, r.end): TYPE_STYLES[r.type] for r in records}


def test_show_inner_claims_are_styled_after_the_claims_around_them(article):
    document, records = article
    spans = highlighted_text(document.text, records).spans
    order = [(span.start, span.end) for span in spans]
    effect = next(r for r in records if r.text == "Acupuncture reduced back pain")
    condition = next(r for r in records if r.text == "back pain")
    assert order.index((effect.start, effect.end)) < order.index((condition.start, condition.end))
    # Where they overlap, the condition's colour wins and the effect's underline stays.
    style = text_style_at(document.text, records, condition.start)
    assert style.underline and style.color == Style.parse(TYPE_STYLES["condition"]).color


def text_style_at(text: str, records, offset: int) -> Style:
    rich_text = highlighted_text(text, records)
    console = Console(file=io.StringIO(), width=200)
    for segment in rich_text.render(console):
        if offset < len(segment.text):
            return segment.style
        offset -= len(segment.text)
    raise AssertionError("offset past the end")


def test_show_legend_counts_claims_by_type(article):
    assert legend(article[1]).plain == ("legend: statistic 1 · citation 1 · condition 2 · effect 3")


def test_show_on_a_terminal_uses_colours(article):
    out = _render(article, width=120, terminal=True)
    assert "\x1b[" in out
    assert "\x1b[32mSmith et al., 2020" in out  # green citation
    assert "\x1b[1;4;34m37%" in out  # bold blue statistic, underlined by the effect around it


@pytest.mark.parametrize("width", [40, 60, 120])
def test_show_fits_the_console_width_and_lists_every_claim(article, width):
    out = _render(article, width=width, terminal=False)
    assert "\x1b" not in out
    assert max(len(line) for line in out.splitlines()) <= width
    assert "legend: statistic 1" in out
    flat = "".join(out.split())  # folded cells split words across lines
    for record in article[1]:
        assert "".join(record.text.split()) in flat
    for flag in ("animal_evidence", "untraceable_source", "uncited"):
        assert flag in flat


def test_cli_show_piped_is_plain_text_with_the_article(tmp_path):
    seed = SEED_FILES[0]
    result = runner.invoke(app, ["show", str(seed)], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout
    assert result.stdout.startswith(str(seed))
    assert "legend: statistic" in result.stdout
    first_line = seed.read_text(encoding="utf-8").splitlines()[0]
    assert first_line in result.stdout


def test_cli_show_narrow_terminal_keeps_lines_short():
    result = runner.invoke(app, ["show", str(SEED_FILES[1])], env={"COLUMNS": "40"})
    assert result.exit_code == 0
    assert max(len(line) for line in result.stdout.splitlines()) <= 40


def _legend_counts(output: str) -> dict[str, int]:
    line = next(line for line in output.splitlines() if line.startswith("legend: "))
    return {name: int(n) for name, n in re.findall(r"(\w+) (\d+)", line)}


def test_cli_show_types_filter_keeps_only_those_types():
    seed = str(SEED_FILES[0])
    everything = _legend_counts(runner.invoke(app, ["show", seed]).stdout)
    assert everything["condition"] > 0 and everything["effect"] > 0
    result = runner.invoke(app, ["show", seed, "--types", "condition,statistic"])
    assert result.exit_code == 0
    assert _legend_counts(result.stdout) == {
        "statistic": everything["statistic"],
        "citation": 0,
        "condition": everything["condition"],
        "effect": 0,
    }


@pytest.mark.parametrize(
    "args, message",
    [
        (["show", "no/such/file.txt"], "no such file or directory"),
        (["show", str(SEED_FILES[0]), "--types", "rumour"], "unknown claim type rumour"),
    ],
)
def test_cli_show_reports_bad_input_with_exit_2(args, message):
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.stderr
