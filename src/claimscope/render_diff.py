"""Diff writers and the terminal view: a ClaimDiff or FolderDiff as JSON, JSONL or readable text.

Kept apart from render.py, whose writers stream claim records document by document; these
take one finished diff. Like every renderer they only read what they are given.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any, TextIO

from .models import (
    CLAIM_TYPES,
    STATUSES,
    ChangeRecord,
    ClaimDiff,
    DiffSummary,
    EvidenceShift,
    FolderDiff,
)

_TYPE_ORDER = {name: i for i, name in enumerate(CLAIM_TYPES)}


def write_json(result: ClaimDiff | FolderDiff, stream: TextIO) -> None:
    """The whole diff as one JSON object."""
    stream.write(result.model_dump_json() + "\n")


def write_jsonl(result: ClaimDiff | FolderDiff, stream: TextIO) -> None:
    """One change record a line."""
    for change in result.changes:
        stream.write(change.model_dump_json() + "\n")


_MARKS = {
    "changed": ("~", "yellow"),
    "added": ("+", "green"),
    "removed": ("-", "red"),
    "moved": ("↕", "cyan"),
    "unchanged": ("=", "dim"),
}


def render_human(result: ClaimDiff | FolderDiff, console: Any) -> None:
    """A readable diff grouped by claim type: colour on a terminal, plain text when piped."""
    from rich.text import Text

    if isinstance(result, FolderDiff):
        for name in result.removed_documents:
            console.print(Text(f"removed document: {name}", style="red"))
        for name in result.added_documents:
            console.print(Text(f"added document: {name}", style="green"))
        for document in result.documents:
            if document.changes:
                _render_document(document, console)
    else:
        _render_document(result, console)
    console.print(summary_line(result.summary))
    console.print(evidence_line(result.evidence))


def _render_document(result: ClaimDiff, console: Any) -> None:
    from rich.text import Text

    console.print(Text(f"--- {result.old or '/dev/null'}", style="bold red"))
    console.print(Text(f"+++ {result.new or '/dev/null'}", style="bold green"))
    by_type: dict[str, list[ChangeRecord]] = defaultdict(list)
    for change in result.changes:
        by_type[change.type].append(change)
    for claim_type in sorted(by_type, key=lambda t: _TYPE_ORDER.get(t, 99)):
        console.print(Text(claim_type, style="bold"))
        for change in by_type[claim_type]:
            _render_change(change, console)


def _render_change(change: ChangeRecord, console: Any) -> None:
    from rich.text import Text

    mark, style = _MARKS[change.status]
    record = change.new if change.new is not None else change.old
    where = f"line {record.line}"
    if change.status == "moved":
        where = f"line {change.old.line} → {change.new.line}"
    line = Text(f"  {mark} {change.status:<9} ", style=style)
    line.append(json.dumps(record.text, ensure_ascii=False))
    line.append(f"  ({where})", style="dim")
    console.print(line)
    for name, value in change.fields.items():
        detail = Text(f"      {name}: ")
        detail.append(_value(value.old), style="red")
        detail.append(" → ")
        detail.append(_value(value.new), style="green")
        console.print(detail)


def _value(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return json.dumps(value, ensure_ascii=False)


def summary_line(summary: DiffSummary) -> str:
    """'1 changed, 0 added, 0 removed, 0 moved, 41 unchanged'."""
    return ", ".join(f"{getattr(summary, status)} {status}" for status in STATUSES)


def evidence_line(shift: EvidenceShift) -> str:
    """'evidence weaker: strength ↑0 ↓1, hedges +1 −0, citations +0 −1'."""
    return (
        f"evidence {shift.verdict}: strength ↑{shift.strength_increased} "
        f"↓{shift.strength_decreased}, hedges +{shift.hedges_added} −{shift.hedges_removed}, "
        f"citations +{shift.citations_added} −{shift.citations_removed}"
    )
