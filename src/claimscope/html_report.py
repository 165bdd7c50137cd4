"""The standalone HTML report: each document's text with its claims highlighted by type.

One self-contained page per run (inline CSS and JS, no external assets, a Content Security
Policy that forbids every network request). Overlapping claims are drawn as nested marks with
layered underlines, like displaCy's span style: a longer claim's underline sits below the
shorter claims it overlaps. Where two claims cross rather than nest, the inner mark is closed
and reopened, so one claim may be drawn in pieces that share its ``data-claim`` number.
All document text is HTML-escaped; the page's own script and style are pinned by hash in the
CSP, so even text that slipped through escaping could not run.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from collections import Counter
from collections.abc import Iterable
from typing import Any, TextIO, get_args

from .documents import Document
from .models import CLAIM_TYPES, Flag
from .render import attribute_summary, key_attributes

FLAGS: tuple[str, ...] = get_args(Flag)
TYPE_COLORS: dict[str, str] = {  # Okabe-Ito palette: tells apart under colour blindness
    "statistic": "#0072b2",
    "citation": "#009e73",
    "condition": "#d55e00",
    "effect": "#cc79a7",
}
MAX_LEVEL = 5  # deeper overlaps share the lowest underline

STYLE = (
    """
body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#222;background:#fafafa}
header{position:sticky;top:0;background:#fff;border-bottom:1px solid #ddd;padding:.5rem 1rem;
z-index:2}
header h1{font-size:1.1rem;margin:0 0 .3rem}
fieldset{display:inline-block;border:1px solid #ddd;margin:0 .5rem .3rem 0;padding:.1rem .5rem}
legend{font-size:.8rem;color:#666}
label{margin-right:.6rem;white-space:nowrap}
.swatch{display:inline-block;width:.8em;height:.8em;background:var(--c);margin-right:.2em}
main{padding:0 1rem 8rem;max-width:60rem}
section.doc{margin:1.5rem 0;padding-bottom:1rem;border-bottom:2px solid #ccc}
section.doc h2{font-size:1.05rem;word-break:break-all}
.counts span{margin-right:.8rem}
table.claims{border-collapse:collapse;font-size:.85rem;width:100%}
table.claims th,table.claims td{border-bottom:1px solid #e4e4e4;padding:.15rem .4rem;
text-align:left;vertical-align:top}
tr.off{display:none}
table.claims td:first-child{white-space:nowrap}
td.flags{color:#b00020}
.text{white-space:pre-wrap;font-family:Georgia,serif;line-height:2.6;background:#fff;
padding:1rem;border:1px solid #e4e4e4;overflow-wrap:anywhere}
mark.claim{color:inherit;background:var(--bg);border-bottom:3px solid var(--c);
padding:0 0 var(--pad) 0;cursor:help;scroll-margin-top:9rem}
mark.claim:focus{outline:2px solid var(--c);outline-offset:1px}
mark.claim.off{background:transparent;border-bottom-style:none;cursor:auto}
.lvl-0{--pad:1px}.lvl-1{--pad:6px}.lvl-2{--pad:11px}.lvl-3{--pad:16px}.lvl-4{--pad:21px}
.lvl-5{--pad:26px}
aside#details{position:fixed;right:1rem;bottom:1rem;width:22rem;max-width:calc(100vw - 2rem);
max-height:45vh;overflow:auto;background:#fff;border:1px solid #999;padding:.5rem .8rem;
font-size:.85rem;box-shadow:0 2px 8px rgba(0,0,0,.2)}
aside#details dt{font-weight:bold;color:#555}
aside#details dd{margin:0 0 .3rem .8rem;overflow-wrap:anywhere}
"""
    + "".join(f".t-{name}{{--c:{color};--bg:{color}1f}}\n" for name, color in TYPE_COLORS.items())
).strip()

SCRIPT = """
(function () {
  var boxes = document.querySelectorAll('input[data-filter]');
  function apply() {
    var types = {}, flags = {}, anyFlag = false;
    boxes.forEach(function (b) {
      if (!b.checked) return;
      if (b.dataset.filter === 'type') { types[b.value] = true; }
      else { flags[b.value] = true; anyFlag = true; }
    });
    document.querySelectorAll('[data-claim]').forEach(function (el) {
      var own = (el.dataset.flags || '').split(' ').filter(Boolean);
      var on = types[el.dataset.type] === true &&
        (!anyFlag || own.some(function (f) { return flags[f] === true; }));
      el.classList.toggle('off', !on);
    });
  }
  boxes.forEach(function (b) { b.addEventListener('change', apply); });
  var panel = document.getElementById('details');
  function show(target) {
    var mark = target && target.closest ? target.closest('mark.claim') : null;
    if (!mark || mark.classList.contains('off')) return;
    var first = document.getElementById('claim-' + mark.dataset.claim);
    if (!first) return;
    var info = JSON.parse(first.dataset.info);
    panel.textContent = '';
    var dl = document.createElement('dl');
    Object.keys(info).forEach(function (key) {
      var dt = document.createElement('dt'), dd = document.createElement('dd');
      dt.textContent = key;
      dd.textContent = info[key];
      dl.appendChild(dt);
      dl.appendChild(dd);
    });
    panel.appendChild(dl);
    panel.hidden = false;
  }
  document.addEventListener('mouseover', function (e) { show(e.target); });
  document.addEventListener('focusin', function (e) { show(e.target); });
  apply();
})();
""".strip()


def _csp_hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


CSP = (
    f"default-src 'none'; style-src {_csp_hash(STYLE)}; script-src {_csp_hash(SCRIPT)}; "
    "img-src 'none'; form-action 'none'; base-uri 'none'"
)


def _attr(value: object) -> str:
    return html.escape(str(value), quote=True)


def underline_levels(spans: list[tuple[int, int]]) -> list[int]:
    """The underline level of each (start, end) span: 0 nearest the text.

    Shorter spans are placed first; each span goes one level below the deepest shorter span
    it overlaps, so a containing claim's line never hides a contained one.
    """
    levels = [0] * len(spans)
    placed: list[int] = []
    for i in sorted(range(len(spans)), key=lambda i: (spans[i][1] - spans[i][0], spans[i])):
        start, end = spans[i]
        under = [levels[j] + 1 for j in placed if spans[j][0] < end and start < spans[j][1]]
        levels[i] = min(max(under, default=0), MAX_LEVEL)
        placed.append(i)
    return levels


def claim_info(record: Any) -> dict[str, str]:
    """What the details panel and tooltip show for a record, as display strings."""
    info = {"type": record.type, "text": record.text, "id": record.id, "line": str(record.line)}
    info.update(key_attributes(record))
    if record.flags:
        info["flags"] = ", ".join(record.flags)
    if record.links:
        info["links"] = ", ".join(record.links)
    return info


def _tooltip(info: dict[str, str]) -> str:
    return "\n".join(f"{key}: {value}" for key, value in info.items() if key != "text")


def _open_mark(record: Any, number: int, level: int, first: bool) -> str:
    classes = f"claim t-{record.type} lvl-{level}" + ("" if first else " cont")
    info = claim_info(record)
    parts = [
        f'<mark class="{classes}" data-claim="{number}" data-type="{_attr(record.type)}"',
        f' data-flags="{_attr(" ".join(record.flags))}" title="{_attr(_tooltip(info))}"',
    ]
    if first:
        parts.append(
            f' id="claim-{number}" tabindex="0" data-id="{_attr(record.id)}"'
            f' data-info="{_attr(json.dumps(info, ensure_ascii=False))}"'
        )
    return "".join(parts) + ">"


def marked_text(text: str, records: list[Any], numbers: list[int]) -> str:
    """``text`` as escaped HTML with a <mark> per claim (pieces where claims cross).

    ``numbers[i]`` is the run-wide number of ``records[i]``, used in ids and ``data-claim``.
    """
    usable = [i for i, r in enumerate(records) if 0 <= r.start < r.end <= len(text)]
    spans = [(records[i].start, records[i].end) for i in usable]
    levels = dict(zip(usable, underline_levels(spans), strict=True))
    starting: dict[int, list[int]] = {}
    for i in sorted(usable, key=lambda i: (records[i].start, -records[i].end, i)):
        starting.setdefault(records[i].start, []).append(i)
    bounds = sorted(
        {0, len(text)} | {records[i].start for i in usable} | {records[i].end for i in usable}
    )
    out: list[str] = []
    stack: list[int] = []
    position = 0
    for bound in bounds:
        out.append(html.escape(text[position:bound]))
        position = bound
        reopen: list[int] = []
        while any(records[i].end == bound for i in stack):
            top = stack.pop()
            out.append("</mark>")
            if records[top].end != bound:
                reopen.append(top)
        for i in reversed(reopen):
            out.append(_open_mark(records[i], numbers[i], levels[i], first=False))
            stack.append(i)
        for i in starting.get(bound, []):
            out.append(_open_mark(records[i], numbers[i], levels[i], first=True))
            stack.append(i)
    out.extend("</mark>" for _ in stack)
    return "".join(out)


def _counts(records: list[Any]) -> str:
    counts = Counter(record.type for record in records)
    flagged = sum(1 for record in records if record.flags)
    spans = [
        f'<span class="t-{name}"><span class="swatch"></span>{name} <b>{counts[name]}</b></span>'
        for name in CLAIM_TYPES
    ]
    spans.append(f"<span>flagged <b>{flagged}</b></span>")
    return '<p class="counts">' + "".join(spans) + "</p>"


def _summary_table(records: list[Any], numbers: list[int]) -> str:
    """Claims of one document, flagged ones first, each row linking to its highlight."""
    order = sorted(range(len(records)), key=lambda i: (not records[i].flags, records[i].start))
    rows = []
    for i in order:
        record = records[i]
        rows.append(
            f'<tr data-claim="{numbers[i]}" data-type="{_attr(record.type)}"'
            f' data-flags="{_attr(" ".join(record.flags))}">'
            f'<td class="t-{record.type}"><span class="swatch"></span>'
            f'<a href="#claim-{numbers[i]}">{record.type}</a></td>'
            f"<td>{html.escape(record.text)}</td>"
            f'<td class="flags">{html.escape(", ".join(record.flags))}</td>'
            f"<td>{html.escape(attribute_summary(record))}</td><td>{record.line}</td></tr>"
        )
    head = "<tr><th>type</th><th>text</th><th>flags</th><th>attributes</th><th>line</th></tr>"
    return (
        f"<details open><summary>{len(records)} claims</summary>"
        f'<table class="claims"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'
        "</details>"
    )


def document_section(document: Document, records: list[Any], first_number: int) -> str:
    """One document's part of the report: title, counts, claims table, highlighted text."""
    numbers = list(range(first_number, first_number + len(records)))
    return (
        f'<section class="doc" data-document="{_attr(document.id)}">'
        f"<h2>{html.escape(document.id)}</h2>{_counts(records)}"
        f"{_summary_table(records, numbers)}"
        f'<div class="text">{marked_text(document.text, records, numbers)}</div></section>\n'
    )


def _checkbox(kind: str, value: str, checked: bool) -> str:
    swatch = f'<span class="swatch t-{value}"></span>' if kind == "type" else ""
    return (
        f'<label>{swatch}<input type="checkbox" data-filter="{kind}" value="{value}"'
        f"{' checked' if checked else ''}> {value}</label>"
    )


def page_head() -> str:
    """The page up to the first document: CSP, style, title and the filter controls."""
    types = "".join(_checkbox("type", name, True) for name in CLAIM_TYPES)
    flags = "".join(_checkbox("flag", name, False) for name in FLAGS)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>claimscope report</title><style>{STYLE}</style></head><body>"
        "<header><h1>claimscope report</h1>"
        f"<fieldset><legend>claim types</legend>{types}</fieldset>"
        f"<fieldset><legend>only claims flagged (none ticked: all)</legend>{flags}</fieldset>"
        "</header><main>\n"
    )


def page_tail(documents: int, claims: int) -> str:
    empty = "<p>No documents.</p>" if documents == 0 else ""
    return (
        f'{empty}<p class="run">{documents} documents, {claims} claims</p></main>'
        '<aside id="details" aria-live="polite" hidden></aside>'
        f"<script>{SCRIPT}</script></body></html>\n"
    )


class HtmlWriter:
    """The HTML report, streamed: the head at once, a section per document, the script last."""

    as_json = False  # reads validated records

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.documents = 0
        self.claims = 0
        self.stream.write(page_head())

    def add(self, document: Document, records: list[Any]) -> None:
        self.stream.write(document_section(document, records, self.claims))
        self.documents += 1
        self.claims += len(records)

    def close(self) -> None:
        self.stream.write(page_tail(self.documents, self.claims))
        self.stream.flush()


def render_report(pairs: Iterable[tuple[Document, list[Any]]]) -> str:
    """The whole report as one string (for the API and tests)."""
    import io

    buffer = io.StringIO()
    writer = HtmlWriter(buffer)
    for document, records in pairs:
        writer.add(document, records)
    writer.close()
    return buffer.getvalue()
