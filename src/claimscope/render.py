"""Record writers and terminal views: JSONL, JSON, CSV, rich table, HTML and ``show``.

Every writer takes documents with their records as they come (``add``) and finishes with
``close``; streaming formats write at once, whole-run formats at the end. Renderers only
read records (and, for the views that show the article, the document text).
"""

from __future__ import annotations

import contextlib
import csv
import sys
from collections.abc import Callable, Iterable
from typing import Any, Protocol, TextIO

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from .documents import Document
from .models import CLAIM_TYPES, TextSpan
from .record_json import record_bytes

FORMATS: tuple[str, ...] = ("jsonl", "json", "csv", "table", "html")

# Terminal styles by claim type. Effects (the longest spans, which contain the others) are
# underlined rather than coloured, so a number or condition inside one keeps its own colour.
TYPE_STYLES: dict[str, str] = {
    "statistic": "bold blue",
    "citation": "green",
    "condition": "bold dark_orange",
    "effect": "underline magenta",
}


class RecordWriter(Protocol):
    # True when the writer takes records as JSON bytes (extraction's ``as_json``): the JSON
    # writers, which need no model. The others get validated models.
    as_json: bool

    def add(self, document: Document, records: list[Any]) -> None: ...

    def close(self) -> None: ...


def byte_writer(stream: TextIO) -> Callable[[bytes], object]:
    """A write function for UTF-8 text given as bytes: straight into the byte stream under
    ``stream`` when it has one and encodes UTF-8 (what it holds so far is flushed first, so
    the order holds), else decoded onto ``stream``."""
    buffer = getattr(stream, "buffer", None)
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("_", "-")
    if buffer is None or encoding not in ("utf-8", "utf8"):
        return lambda data: stream.write(data.decode())
    stream.flush()
    return buffer.write


class JsonlWriter:
    """One JSON record a line, written as soon as a document is done."""

    as_json = True

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.write = byte_writer(stream)

    def add(self, document: Document, records: list[Any]) -> None:
        if records:  # one write per document
            self.write(b"\n".join(map(record_bytes, records)) + b"\n")

    def close(self) -> None:
        self.stream.flush()


class JsonWriter:
    """One JSON array of records, streamed element by element."""

    as_json = True

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.write = byte_writer(stream)
        self.count = 0

    def add(self, document: Document, records: list[Any]) -> None:
        for record in records:
            self.write(b"[\n" if self.count == 0 else b",\n")
            self.write(record_bytes(record))
            self.count += 1

    def close(self) -> None:
        self.write(b"[]\n" if self.count == 0 else b"\n]\n")
        self.stream.flush()


# --- key attributes, shared by every human view -------------------------------------------


def _plain(value: Any) -> str:
    """A attribute value as short text: numbers without a needless '.0', lists joined."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, TextSpan):
        return value.text
    if isinstance(value, dict):
        return "; ".join(f"{key}:{item}" for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return "; ".join(_plain(item) for item in value)
    return str(value)


# The attributes worth a glance, by type, in display order.
KEY_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "statistic": ("kind", "value", "low", "high", "unit", "qualifier", "subject", "direction"),
    "citation": ("kind", "authors", "year", "venue", "identifiers", "traceable", "resolved_to"),
    "condition": ("normalized", "ontology_id", "category", "abbreviation_of"),
    "effect": (
        "intervention",
        "direction",
        "outcome",
        "comparator",
        "strength",
        "negated",
        "hedges",
        "boosters",
        "population",
    ),
}


def key_attributes(record: Any) -> list[tuple[str, str]]:
    """(name, value) pairs of a record's key attributes, leaving out empty and default ones."""
    pairs = []
    for name in KEY_ATTRIBUTES.get(record.type, ()):
        value = getattr(record.attributes, name, None)
        if value in (None, [], {}, "") or (name == "negated" and value is False):
            continue
        pairs.append((name, _plain(value)))
    return pairs


def attribute_summary(record: Any) -> str:
    """One line of key attributes, e.g. 'kind=percent value=37 unit=%'."""
    return " ".join(f"{name}={value}" for name, value in key_attributes(record))


# --- CSV -------------------------------------------------------------------------------------

CSV_COLUMNS: tuple[str, ...] = (
    "id",
    "type",
    "text",
    "start",
    "end",
    "line",
    "column",
    "source_path",
    "document",
    "fingerprint",
    "kind",
    "value",
    "low",
    "high",
    "unit",
    "qualifier",
    "subject",
    "direction",
    "strength",
    "negated",
    "negation_cue",
    "hedges",
    "boosters",
    "intervention",
    "outcome",
    "comparator",
    "population",
    "normalized",
    "ontology_id",
    "category",
    "abbreviation_of",
    "authors",
    "year",
    "venue",
    "title",
    "numbers",
    "identifiers",
    "traceable",
    "resolved_to",
    "links",
    "flags",
)
_RECORD_COLUMNS = ("id", "type", "text", "start", "end", "line", "column", "fingerprint")


def csv_row(record: Any) -> list[str]:
    """A record flattened to the CSV columns: the same columns for every type, blanks elsewhere.

    Lists are joined with '; '; an effect's intervention/outcome/comparator give their text.
    """
    row = {name: _plain(getattr(record, name)) for name in _RECORD_COLUMNS}
    row["source_path"] = record.source.path
    row["document"] = record.source.document
    row["links"] = _plain(record.links)
    row["flags"] = _plain(record.flags)
    for name, value in record.attributes:
        if name in CSV_COLUMNS and name not in row:
            row[name] = _plain(value)
    return [row.get(name, "") for name in CSV_COLUMNS]


class CsvWriter:
    """RFC 4180 CSV: a header row, then one row per record, CRLF line ends, UTF-8."""

    as_json = False  # reads validated records

    def __init__(self, stream: TextIO) -> None:
        # The csv module writes its own \r\n; a text stream that translates newlines
        # (stdout on Windows) would double the \r, so ask it to stop translating.
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(TypeError, ValueError, OSError):
                reconfigure(newline="")
        self.stream = stream
        self.writer = csv.writer(stream, lineterminator="\r\n")
        self.writer.writerow(CSV_COLUMNS)

    def add(self, document: Document, records: list[Any]) -> None:
        self.writer.writerows(csv_row(record) for record in records)

    def close(self) -> None:
        self.stream.flush()


# --- rich table and the terminal article view -------------------------------------------------


def type_label(claim_type: str) -> Text:
    return Text(claim_type, style=TYPE_STYLES.get(claim_type, ""))


NARROW = 80  # below this width the claims table stacks a claim's details in one column


class ClaimsTable:
    """A compact rich table, one row per claim: type, text, key attributes, flags, place.

    On a narrow console the text, attributes, flags and place stack in one column, so the
    table stays readable at 40 columns.
    """

    def __init__(
        self, records: Iterable[Any], title: str | None = None, with_source: bool = True
    ) -> None:
        self.records = list(records)
        self.title = title
        self.with_source = with_source

    def __rich_console__(self, console: Console, options: Any) -> Any:
        yield self.narrow() if options.max_width < NARROW else self.wide()

    def _table(self) -> Table:
        table = Table(title=self.title, title_justify="left", expand=False)
        table.add_column("type", no_wrap=True)
        return table

    def wide(self) -> Table:
        table = self._table()
        table.add_column("text", ratio=3, overflow="fold")
        table.add_column("attributes", ratio=3, overflow="fold")
        table.add_column("flags", ratio=1, overflow="fold", style="red")
        table.add_column(
            "source:line" if self.with_source else "line", ratio=1, overflow="fold", style="dim"
        )
        for record in self.records:
            table.add_row(
                type_label(record.type),
                record.text,
                attribute_summary(record),
                ", ".join(record.flags),
                _place(record) if self.with_source else str(record.line),
            )
        return table

    def narrow(self) -> Table:
        table = self._table()
        table.add_column("claim", overflow="fold")
        for record in self.records:
            cell = Text(record.text)
            for part, style in (
                (attribute_summary(record), "dim"),
                (", ".join(record.flags), "red"),
                (_place(record) if self.with_source else f"line {record.line}", "dim"),
            ):
                if part:
                    cell.append("\n" + part, style=style)
            table.add_row(type_label(record.type), cell)
        return table


def _place(record: Any) -> str:
    return f"{record.source.document}:{record.line}"


class PipeConsole(Console):
    """A rich Console that lets a closed pipe surface as BrokenPipeError.

    rich's own handling exits with status 1; the CLI ends quietly with 0, as for JSONL.
    """

    def on_broken_pipe(self) -> None:
        raise BrokenPipeError


def stdout_console(stream: TextIO | None = None, soft_wrap: bool = False) -> Console:
    """A rich console for human views: colour on a terminal, plain text when piped."""
    return PipeConsole(file=stream or sys.stdout, highlight=False, emoji=False, soft_wrap=soft_wrap)


class TableWriter:
    """A rich table of every claim of the run, printed when the run ends."""

    as_json = False  # reads validated records

    def __init__(self, stream: TextIO) -> None:
        self.console = stdout_console(stream)
        self.records: list[Any] = []

    def add(self, document: Document, records: list[Any]) -> None:
        self.records.extend(records)

    def close(self) -> None:
        self.console.print(ClaimsTable(self.records, title=f"{len(self.records)} claims"))
        self.console.file.flush()


def highlighted_text(text: str, records: Iterable[Any]) -> Text:
    """The article as rich Text with every claim styled by its type.

    Longer claims are styled first, so a claim inside another (a condition inside an
    effect) is drawn on top and keeps its own colour.
    """
    rich_text = Text(text)
    for record in sorted(records, key=lambda r: r.end - r.start, reverse=True):
        rich_text.stylize(TYPE_STYLES.get(record.type, "reverse"), record.start, record.end)
    return rich_text


def legend(records: list[Any]) -> Text:
    """'statistic 3 · citation 1 · …': each type in its style, with its count."""
    counts = {name: 0 for name in CLAIM_TYPES}
    for record in records:
        counts[record.type] = counts.get(record.type, 0) + 1
    parts = [
        Text.assemble((name, TYPE_STYLES.get(name, "")), f" {n}") for name, n in counts.items()
    ]
    return Text("legend: ", style="dim") + Text(" · ").join(parts)


def document_view(document: Document, records: list[Any]) -> RenderableType:
    """The ``show`` view of one document: title, highlighted text, legend, claims table."""
    return Group(
        Text(document.id, style="bold reverse"),
        Text(),
        highlighted_text(document.text.rstrip(), records),
        Text(),
        legend(records),
        ClaimsTable(records, with_source=False),
    )


def show_document(console: Console, document: Document, records: list[Any]) -> None:
    """Print the ``show`` view of one document, followed by a blank line."""
    console.print(document_view(document, records))
    console.print()


def _html_writer(stream: TextIO) -> RecordWriter:
    from .html_report import HtmlWriter

    return HtmlWriter(stream)


WRITERS: dict[str, Any] = {
    "jsonl": JsonlWriter,
    "json": JsonWriter,
    "csv": CsvWriter,
    "table": TableWriter,
    "html": _html_writer,
}


def make_writer(fmt: str, stream: TextIO) -> RecordWriter:
    """The writer for ``fmt`` over ``stream``."""
    return WRITERS[fmt](stream)
