"""Doc → claim records: offsets, line/column, quote selectors, fingerprints, ids.

This is the only place where spaCy spans become JSON-ready pydantic records.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from collections.abc import Iterable
from typing import Any

from spacy.attrs import IDX, SENT_START
from spacy.tokens import Doc, Span

from .documents import Document
from .models import CLAIM_TYPES, Source, parse_claim
from .pipeline.spans import claim_data, claims_of

QUOTE_CONTEXT = 32
_TYPE_ORDER = {name: i for i, name in enumerate(CLAIM_TYPES)}
_WHITESPACE = re.compile(r"\s+")


def fingerprint(claim_type: str, text: str) -> str:
    """Stable id of a claim across versions: hash of type and normalised text.

    Normalising folds case and runs of whitespace, so a reflowed or re-cased line keeps
    its fingerprint.
    """
    normal = _WHITESPACE.sub(" ", text).strip().casefold()
    return hashlib.sha256(f"{claim_type}\x1f{normal}".encode()).hexdigest()[:16]


class TextIndex:
    """Position lookups on one text: line/column and UTF-16 offsets, each in O(log n)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        # Code points above U+FFFF take two UTF-16 code units.
        self._astral = [m.start() for m in re.finditer("[\U00010000-\U0010ffff]", text)]

    def line_column(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

    def utf16(self, offset: int) -> int:
        return offset + bisect_right(self._astral, offset - 1) if self._astral else offset


def doc_to_records(
    doc: Doc,
    document: Document,
    types: Iterable[str] | None = None,
    offset: int = 0,
    index: TextIndex | None = None,
    text: str | None = None,
) -> list[Any]:
    """The claim records of one processed document, in document order.

    ``types`` keeps only those claim types (links to dropped records are dropped too).
    When ``doc`` is a chunk of a long document, ``offset`` is where the chunk starts in the
    whole text and ``index`` indexes that whole text (default: ``document.text``), so every
    offset, id, line/column and quote selector refers to the whole document. ``text`` is
    ``doc.text`` when the caller has it: spaCy rebuilds Doc.text from the tokens on each access.
    """
    wanted = set(types) if types else set(CLAIM_TYPES)
    # One look-up per claim of its range and values (Span._ builds an object per access).
    claims = []
    for span in claims_of(doc):
        label = span.label_
        if label in wanted:
            data = claim_data(span)
            start, end = data.get("claim_range") or (span.start_char, span.end_char)
            claims.append((start, end, _TYPE_ORDER.get(label, 99), label, span, data))
    if not claims:
        return []
    claims.sort(key=lambda claim: claim[:3])
    ids = {
        f"{label}@{start}-{end}": f"{document.id}#{label}@{start + offset}-{end + offset}"
        for start, end, _, label, _, _ in claims
    }
    if text is None:  # the original text: the doc holds it unwrapped (see build_nlp)
        text = document.text if not offset else document.text[offset : offset + len(doc.text)]
    if index is None:
        index = TextIndex(document.text if offset else text)
    source = Source(
        path=document.path,
        document=document.id,
        sha256=document.sha256,
        media_type=document.media_type,
    )
    sentences = SentenceIndex(doc, text)
    return [
        parse_claim(_record_dict(claim, index, source, ids, offset, sentences)) for claim in claims
    ]


def _record_dict(
    claim: tuple[int, int, int, str, Span, dict[str, Any]],
    index: TextIndex,
    source: Source,
    ids: dict[str, str],
    offset: int,
    sentences: SentenceIndex,
) -> dict:
    local_start, local_end, _, label, span, data = claim
    text = index.text
    start, end = local_start + offset, local_end + offset
    line, column = index.line_column(start)
    attributes = dict(data.get("claim_attrs") or {})
    if attributes.get("resolved_to"):
        attributes["resolved_to"] = ids.get(attributes["resolved_to"])
    if label == "effect":  # the only type whose attributes hold text parts
        attributes = {
            name: _anchor_text_spans(value, offset, text) for name, value in attributes.items()
        }
    sentence = sentences.around(span.start_char, span.end_char)
    return {
        "id": ids[f"{label}@{local_start}-{local_end}"],
        "fingerprint": fingerprint(label, text[start:end]),
        "type": label,
        "text": text[start:end],
        "start": start,
        "end": end,
        "start_utf16": index.utf16(start),
        "end_utf16": index.utf16(end),
        "line": line,
        "column": column,
        "prefix": text[max(0, start - QUOTE_CONTEXT) : start],
        "suffix": text[end : end + QUOTE_CONTEXT],
        "sentence": {"start": sentence["start"] + offset, "end": sentence["end"] + offset},
        "source": source,
        "links": [ids[key] for key in (data.get("claim_links") or []) if key in ids],
        "flags": list(data.get("claim_flags") or []),
        "attributes": attributes,
    }


def _anchor_text_spans(value: Any, offset: int, text: str) -> Any:
    """Pin TextSpan-shaped parts ({text, start, end}) of an attribute to the whole text.

    Offsets move by ``offset`` (the chunk's start) and the text is quoted from the original:
    components see hard-wrapped lines joined (see pipeline.build_nlp), records never do.
    """
    if hasattr(value, "model_dump"):  # a pydantic TextSpan given instead of a dict
        value = value.model_dump()
    if isinstance(value, dict):
        if {"text", "start", "end"} <= value.keys() and isinstance(value["start"], int):
            start, end = value["start"] + offset, value["end"] + offset
            return {**value, "text": text[start:end], "start": start, "end": end}
        return {name: _anchor_text_spans(item, offset, text) for name, item in value.items()}
    if isinstance(value, list):
        return [_anchor_text_spans(item, offset, text) for item in value]
    return value


class SentenceIndex:
    """Sentence starts of one doc, to find a claim's sentence by bisection (no token scans)."""

    def __init__(self, doc: Doc, text: str) -> None:
        self.text = text
        self.starts = [0]
        if len(doc) and doc.has_annotation("SENT_START"):
            values = doc.to_array([SENT_START, IDX])
            self.starts = [0, *values[values[:, 0] == 1, 1].tolist()]

    def around(self, start: int, end: int) -> dict[str, int]:
        """The sentence(s) holding tokens from ``start`` to ``end`` (token-aligned), stripped.

        A claim across sentences gets all of them.
        """
        first = bisect_right(self.starts, start) - 1
        after = bisect_right(self.starts, max(start, end - 1))
        low = self.starts[first]
        high = self.starts[after] if after < len(self.starts) else len(self.text)
        chunk = self.text[low:high]
        low += len(chunk) - len(chunk.lstrip())
        high -= len(chunk) - len(chunk.rstrip())
        return {"start": low, "end": max(low, high)}
