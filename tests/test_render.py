"""Record writers: key attributes, CSV, rich table and the HTML report (markup, escaping, CSP)."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import re
from html.parser import HTMLParser

import pytest
from conftest import SEEDS
from typer.testing import CliRunner

from claimscope.cli import app
from claimscope.documents import Document
from claimscope.html_report import marked_text, render_report, underline_levels
from claimscope.pipeline.spans import add_claim, add_flag
from claimscope.records import doc_to_records
from claimscope.render import (
    CSV_COLUMNS,
    CsvWriter,
    TableWriter,
    csv_row,
    key_attributes,
    make_writer,
)

runner = CliRunner()

ARTICLE = (
    "Acupuncture reduced back pain by 37% (Smith et al., 2020).\n"
    'Experts say "it works, really" and <script>window.pwned=1;document.title="pwned"</script>'
    " cures anxiety.\n"
)


def _part(text: str, quote: str) -> dict:
    start = text.index(quote)
    return {"text": quote, "start": start, "end": start + len(quote)}


def _effect(text: str, intervention: str, outcome: str, **extra) -> dict:
    return {
        "intervention": _part(text, intervention),
        "outcome": _part(text, outcome),
        "direction": "decrease",
        "strength": "causal",
        **extra,
    }


def article_claims(text: str = ARTICLE) -> list[tuple[str, str, dict, list[str]]]:
    """(type, quote, attributes, flags) of ARTICLE: nested, crossing and flagged claims."""
    return [
        ("effect", "Acupuncture reduced back pain", _effect(text, "Acupuncture", "back pain"), []),
        ("condition", "back pain", {"normalized": "back pain", "category": "symptom"}, []),
        ("effect", "back pain by 37%", _effect(text, "back pain", "37%"), ["animal_evidence"]),
        ("statistic", "37%", {"kind": "percent", "value": 37.0, "unit": "%"}, []),
        (
            "citation",
            "Smith et al., 2020",
            {"kind": "author_year", "authors": ["Smith"], "year": 2020, "traceable": False},
            ["untraceable_source"],
        ),
        (
            "effect",
            '<script>window.pwned=1;document.title="pwned"</script> cures anxiety',
            _effect(text, "<script>", "anxiety", hedges=["may"], negated=True),
            ["uncited", "boosted"],
        ),
        (
            "condition",
            "anxiety",
            {"normalized": "anxiety", "category": "disease", "ontology_id": "DOID:2030"},
            [],
        ),
    ]


def build_records(nlp, text: str = ARTICLE, claims=None, doc_id: str = "article.txt"):
    """(Document, records) built through the real record path from hand-placed claims."""
    doc = nlp.make_doc(text)
    for label, quote, attrs, flags in claims if claims is not None else article_claims(text):
        start = text.index(quote)
        span = add_claim(doc, label, start, start + len(quote), attrs)
        for flag in flags:
            add_flag(span, flag)
    document = Document(id=doc_id, path=doc_id, text=text)
    return document, doc_to_records(doc, document)


@pytest.fixture(scope="module")
def article(nlp):
    return build_records(nlp)


def _by_text(records, text):
    return next(r for r in records if r.text == text)


# --- key attributes and CSV -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("37%", [("kind", "percent"), ("value", "37"), ("unit", "%")]),
        (
            "Smith et al., 2020",
            [
                ("kind", "author_year"),
                ("authors", "Smith"),
                ("year", "2020"),
                ("traceable", "false"),
            ],
        ),
        (
            "anxiety",
            [("normalized", "anxiety"), ("ontology_id", "DOID:2030"), ("category", "disease")],
        ),
        (
            "Acupuncture reduced back pain",
            [
                ("intervention", "Acupuncture"),
                ("direction", "decrease"),
                ("outcome", "back pain"),
                ("strength", "causal"),
            ],
        ),
    ],
)
def test_render_key_attributes_by_type(article, text, expected):
    assert key_attributes(_by_text(article[1], text)) == expected


def test_render_key_attributes_show_negation_and_hedges(article):
    record = next(r for r in article[1] if r.text.endswith("cures anxiety"))
    pairs = dict(key_attributes(record))
    assert pairs["negated"] == "true"
    assert pairs["hedges"] == "may"


def test_render_csv_row_has_the_same_columns_for_every_type(article):
    rows = [dict(zip(CSV_COLUMNS, csv_row(r), strict=True)) for r in article[1]]
    assert {r["type"] for r in rows} == {"statistic", "citation", "condition", "effect"}
    stat = next(r for r in rows if r["type"] == "statistic")
    assert (stat["kind"], stat["value"], stat["unit"], stat["normalized"]) == (
        "percent",
        "37",
        "%",
        "",
    )
    cite = next(r for r in rows if r["type"] == "citation")
    assert (cite["authors"], cite["year"], cite["traceable"], cite["flags"]) == (
        "Smith",
        "2020",
        "false",
        "untraceable_source",
    )
    effect = next(r for r in rows if r["flags"] == "uncited; boosted")
    assert (effect["intervention"], effect["outcome"], effect["negated"]) == (
        "<script>",
        "anxiety",
        "true",
    )
    assert effect["source_path"] == effect["document"] == "article.txt"


def test_render_csv_writer_is_rfc4180(nlp):
    text = 'He said "yes, 40%"\nthen 12 more.\n'
    claims = [
        ("statistic", 'said "yes, 40%"\nthen 12', {"kind": "number", "value": 1.0}, []),
        ("statistic", "12", {"kind": "count", "value": 12.0}, []),
    ]
    document, records = build_records(nlp, text, claims)
    buffer = io.StringIO(newline="")
    writer = CsvWriter(buffer)
    writer.add(document, records)
    writer.close()
    raw = buffer.getvalue()
    assert raw.count("\r\n") == raw.count("\n") - 1  # the \n inside the quoted field stays bare
    assert "\r\r" not in raw
    rows = list(csv.reader(io.StringIO(raw, newline="")))
    assert rows[0] == list(CSV_COLUMNS)
    assert len(rows) == 1 + len(records)
    assert rows[1][CSV_COLUMNS.index("text")] == 'said "yes, 40%"\nthen 12'


def _jsonl_records(args: list[str]) -> list[dict]:
    result = runner.invoke(app, ["extract", *args, "-q"])
    assert result.exit_code == 0
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_cli_extract_csv_one_row_per_record(tmp_path):
    records = _jsonl_records([str(SEEDS)])
    target = tmp_path / "claims.csv"
    result = runner.invoke(app, ["extract", str(SEEDS), "-f", "csv", "-o", str(target), "-q"])
    assert result.exit_code == 0
    with target.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(records)
    assert [r["id"] for r in rows] == [r["id"] for r in records]
    assert [r["text"] for r in rows] == [r["text"] for r in records]


def test_cli_extract_csv_to_stdout_ends_rows_with_one_crlf():
    result = runner.invoke(app, ["extract", str(SEEDS), "-f", "csv", "-q"])
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"id,type,text,")
    assert b"\r\r\n" not in result.stdout_bytes
    assert result.stdout_bytes.endswith(b"\r\n")


# --- table ----------------------------------------------------------------------------------


def test_render_table_writer_lists_every_claim_without_escape_codes(article, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")
    buffer = io.StringIO()
    writer = TableWriter(buffer)
    writer.add(*article)
    writer.close()
    out = buffer.getvalue()
    assert "\x1b" not in out
    assert "7 claims" in out
    for record in article[1]:
        assert record.text in out
        assert f"article.txt:{record.line}" in out
    assert "untraceable_source" in out
    assert "kind=percent value=37 unit=%" in out


def test_cli_extract_table_has_a_row_per_record():
    records = _jsonl_records([str(SEEDS)])
    result = runner.invoke(
        app, ["extract", str(SEEDS), "-f", "table", "-q"], env={"COLUMNS": "1000"}
    )
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout
    assert f"{len(records)} claims" in result.stdout
    for name in ("type", "text", "attributes", "flags", "source:line"):
        assert name in result.stdout
    for record in records:
        assert f"{record['source']['document']}:{record['line']}" in result.stdout


# --- HTML -----------------------------------------------------------------------------------


class _Marks(HTMLParser):
    """Collects the text inside each claim's marks (by data-claim) and every script body."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str | None] = []
        self.texts: dict[str, str] = {}
        self.attrs: dict[str, dict] = {}
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style"):
            self._in = tag
            (self.scripts if tag == "script" else self.styles).append("")
        if tag == "mark":
            self.open.append(attrs.get("data-claim"))
            if "id" in attrs:
                self.attrs[attrs["data-claim"]] = attrs

    def handle_endtag(self, tag):
        if tag == "mark":
            self.open.pop()
        if tag in ("script", "style"):
            self._in = None

    def handle_data(self, data):
        if self._in:
            (self.scripts if self._in == "script" else self.styles)[-1] += data
        for number in set(self.open):
            self.texts[number] = self.texts.get(number, "") + data


def _parse(page: str) -> _Marks:
    parser = _Marks()
    parser.feed(page)
    parser.close()
    return parser


@pytest.mark.parametrize(
    "spans, levels",
    [
        ([(0, 5), (6, 9)], [0, 0]),
        ([(0, 10), (2, 5)], [1, 0]),
        ([(0, 30), (0, 10), (2, 5)], [2, 1, 0]),
        ([(0, 29), (20, 36)], [1, 0]),
        ([(0, 10), (2, 4), (6, 8)], [1, 0, 0]),
    ],
)
def test_html_underline_levels_put_longer_claims_below(spans, levels):
    assert underline_levels(spans) == levels


def test_html_marked_text_keeps_every_claim_whole_and_escapes_text(article):
    document, records = article
    numbers = list(range(len(records)))
    body = marked_text(document.text, records, numbers)
    parsed = _parse(body)
    assert {int(n): text for n, text in parsed.texts.items()} == {
        i: r.text for i, r in enumerate(records)
    }
    assert "<script>" not in body
    assert "&lt;script&gt;window.pwned=1;document.title=&quot;pwned&quot;&lt;/script&gt;" in body
    # Removing the markup gives back the document text exactly.
    assert (
        re.sub(r"<[^>]+>", "", body)
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
        == document.text
    )


def test_html_crossing_claims_are_drawn_in_pieces(article):
    document, records = article
    crossing = records.index(_by_text(records, "back pain by 37%"))
    body = marked_text(document.text, records, list(range(len(records))))
    pieces = re.findall(rf'<mark [^>]*data-claim="{crossing}"[^>]*>', body)
    assert len(pieces) == 2
    assert "cont" not in pieces[0] and 'tabindex="0"' in pieces[0]
    assert "cont" in pieces[1] and "tabindex" not in pieces[1]


def test_html_report_marks_carry_attributes_and_flags(article):
    parsed = _parse(render_report([article]))
    for number, record in enumerate(article[1]):
        attrs = parsed.attrs[str(number)]
        info = json.loads(attrs["data-info"])
        assert (attrs["data-id"], attrs["data-type"]) == (record.id, record.type)
        assert attrs["data-flags"] == " ".join(record.flags)
        assert info["text"] == record.text
        assert dict(key_attributes(record)).items() <= info.items()
        if record.flags:
            assert ", ".join(record.flags) in attrs["title"]


def test_html_report_summary_lists_flagged_claims_first(article):
    page = render_report([article])
    rows = re.findall(r'<tr data-claim="(\d+)"[^>]*data-flags="([^"]*)"', page)
    flagged = [bool(flags) for _, flags in rows]
    assert len(rows) == len(article[1])
    assert flagged == sorted(flagged, reverse=True)
    assert '<span class="t-effect"><span class="swatch"></span>effect <b>3</b></span>' in page


def _sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_html_report_is_standalone_and_runs_only_its_own_script(article):
    page = render_report([article])
    parsed = _parse(page)
    assert len(parsed.scripts) == 1 and len(parsed.styles) == 1
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "default-src 'none'" in csp
    assert f"script-src {_sha(parsed.scripts[0])}" in csp
    assert f"style-src {_sha(parsed.styles[0])}" in csp
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "@import" not in page and "url(" not in page


def test_html_report_of_nothing_is_a_valid_page():
    page = render_report([])
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "No documents." in page


def test_cli_extract_html_highlights_every_claim_and_escapes_script(tmp_path):
    source = tmp_path / "injected.txt"
    source.write_text(
        SEEDS.joinpath(sorted(p.name for p in SEEDS.glob("*.txt"))[0]).read_text(encoding="utf-8")
        + "\n<script>window.pwned = true;</script> Aspirin may reduce headache pain by 20%.\n",
        encoding="utf-8",
    )
    records = _jsonl_records([str(source)])
    target = tmp_path / "report.html"
    result = runner.invoke(app, ["extract", str(source), "-f", "html", "-o", str(target), "-q"])
    assert result.exit_code == 0
    page = target.read_text(encoding="utf-8")
    parsed = _parse(page)
    assert "&lt;script&gt;window.pwned = true;&lt;/script&gt;" in page
    assert len(parsed.scripts) == 1 and "pwned" not in parsed.scripts[0]
    by_id = {attrs["data-id"]: number for number, attrs in parsed.attrs.items()}
    assert set(by_id) == {r["id"] for r in records}
    for record in records:
        assert parsed.texts[by_id[record["id"]]] == record["text"]


def test_render_make_writer_knows_every_format():
    for fmt in ("jsonl", "json", "csv", "table", "html"):
        assert hasattr(make_writer(fmt, io.StringIO()), "add")


@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_json_writers_write_the_same_text_to_bytes_and_to_text_streams(nlp, fmt):
    text = "Acupuncture reduced back pain by 37% in a café (Smith et al., 2020).\n"
    document = Document("d", "d", text)
    models = doc_to_records(nlp(text), document)
    as_bytes = [record.model_dump_json().encode() for record in models]

    def written(stream: io.TextIOBase) -> str:
        # The byte path writes under the text layer: what that layer held must come first.
        stream.write("before\n")
        writer = make_writer(fmt, stream)
        writer.add(document, as_bytes[:2])  # as extraction gives them (as_json)
        writer.add(document, [])
        writer.add(document, models[2:])  # models are written as their JSON too
        writer.close()
        if isinstance(stream, io.StringIO):  # no byte stream under it: decoded onto it
            return stream.getvalue()
        return stream.buffer.getvalue().decode()

    on_text = written(io.StringIO())
    assert on_text == written(io.TextIOWrapper(io.BytesIO(), encoding="utf-8"))
    body = on_text.removeprefix("before\n")
    found = [json.loads(line) for line in body.splitlines()] if fmt == "jsonl" else json.loads(body)
    assert found == [json.loads(line) for line in as_bytes]
    assert "café" in body and len(models) >= 3
