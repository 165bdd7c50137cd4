"""Doc → claim records: offsets, line/column, quote selectors, fingerprints, ids.

This is the only place where claims become records: plain dicts with every field of their
model (``doc_to_dicts``), which extraction writes as JSON text or validates into models.
"""

from __future__ import annotations

import hashlib
import math
import re
import typing
from bisect import bisect_right
from collections.abc import Iterable
from functools import lru_cache
from operator import itemgetter
from typing import Any

from pydantic import BaseModel
from spacy.tokens import Doc

from .documents import Document
from .models import CLAIM_MODELS, CLAIM_TYPES, EffectAttributes, TextSpan, parse_claim
from .pipeline.cues import TokenView
from .pipeline.spans import claim_entries, token_offsets

QUOTE_CONTEXT = 32
_TYPE_ORDER = {name: i for i, name in enumerate(CLAIM_TYPES)}


@lru_cache(maxsize=1 << 16)  # the same conditions and numbers recur across a corpus
def fingerprint(claim_type: str, text: str) -> str:
    """Stable id of a claim across versions: hash of type and normalised text.

    Normalising folds case and runs of whitespace, so a reflowed or re-cased line keeps
    its fingerprint.
    """
    normal = " ".join(text.split()).casefold()  # str.split's whitespace is re's \s
    return hashlib.sha256(f"{claim_type}\x1f{normal}".encode()).hexdigest()[:16]


class TextIndex:
    """Position lookups on one text: line/column and UTF-16 offsets, each in O(log n)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        # Code points above U+FFFF take two UTF-16 code units (none: UTF-16 offsets are ours).
        self.astral = [m.start() for m in re.finditer("[\U00010000-\U0010ffff]", text)]

    def line_column(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

    def utf16(self, offset: int) -> int:
        return offset + bisect_right(self.astral, offset - 1) if self.astral else offset


def doc_to_records(doc: Doc, document: Document, types: Iterable[str] | None = None) -> list[Any]:
    """The claim records of one whole processed document as validated models (``doc_to_dicts``
    validated; extraction does the same, per chunk, through ``doc_to_dicts``)."""
    return [parse_claim(record) for record in doc_to_dicts(doc, document, types)]


def doc_to_dicts(
    doc: Doc,
    document: Document,
    types: Iterable[str] | None = None,
    offset: int = 0,
    index: TextIndex | None = None,
    text: str | None = None,
) -> list[dict[str, Any]]:
    """The claim records of one processed document, in document order, as plain dicts.

    Each dict has every field of its claim model, in the model's order, so
    ``record_json.record_json`` writes exactly what the model would, without the cost of
    validating it (the JSON writers' path; tests validate every seed and fuzzed record).

    ``types`` keeps only those claim types (links to dropped records are dropped too).
    When ``doc`` is a chunk of a long document, ``offset`` is where the chunk starts in the
    whole text and ``index`` indexes that whole text (default: ``document.text``), so every
    offset, id, line/column and quote selector refers to the whole document. ``text`` is
    ``doc.text`` when the caller has it: spaCy rebuilds Doc.text from the tokens on each access.
    """
    wanted = set(types) if types else set(CLAIM_TYPES)
    claims = [
        (start, end, _TYPE_ORDER[label], label, entry, f"{label}@{start}-{end}")
        for label, start, end, entry in claim_entries(doc)
        if label in wanted
    ]
    if not claims:
        return []
    claims.sort(key=_CLAIM_ORDER)
    # Local key ('<type>@<start>-<end>', as links and resolved_to hold it) -> record id.
    prefix = f"{document.id}#"
    if offset:
        ids = {c[5]: f"{prefix}{c[3]}@{c[0] + offset}-{c[1] + offset}" for c in claims}
    else:
        ids = {c[5]: prefix + c[5] for c in claims}
    if text is None:  # the original text: the doc holds it unwrapped (see build_nlp)
        text = document.text if not offset else document.text[offset : offset + len(doc.text)]
    if index is None:
        index = TextIndex(document.text if offset else text)
    builder = _RecordBuilder(doc, document, index, ids, offset, SentenceIndex(doc, text, offset))
    return [builder.record(claim) for claim in claims]


_CLAIM_ORDER = itemgetter(0, 1, 2)  # start, end, type order


class _RecordBuilder:
    """Builds the record dicts of one doc; holds what all its records share."""

    def __init__(
        self,
        doc: Doc,
        document: Document,
        index: TextIndex,
        ids: dict[str, str],
        offset: int,
        sentences: SentenceIndex,
    ) -> None:
        self.text = index.text
        self.index = index
        self.ids = ids
        self.offset = offset
        self.sentences = sentences
        self.source = {
            "path": document.path,
            "document": document.id,
            "sha256": document.sha256,
            "media_type": document.media_type,
        }

    def record(self, claim: tuple[int, int, int, str, dict[str, Any], str]) -> dict[str, Any]:
        local_start, local_end, _, label, data, key = claim
        text, offset, index = self.text, self.offset, self.index
        start, end = local_start + offset, local_end + offset
        quoted = text[start:end]
        line, column = index.line_column(start)
        # The sentence of the claim's tokens (its exact range widened to tokens).
        first, last = data["claim_tokens"]
        links = data.get("claim_links")
        flags = data.get("claim_flags")
        return {
            "id": self.ids[key],
            "fingerprint": fingerprint(label, quoted),
            "type": label,
            "text": quoted,
            "start": start,
            "end": end,
            "start_utf16": index.utf16(start) if index.astral else start,
            "end_utf16": index.utf16(end) if index.astral else end,
            "line": line,
            "column": column,
            "prefix": text[max(0, start - QUOTE_CONTEXT) : start],
            "suffix": text[end : end + QUOTE_CONTEXT],
            "sentence": self.sentences.around(first, last),
            "source": self.source,
            "links": [self.ids[key] for key in links if key in self.ids] if links else [],
            "flags": list(flags) if flags else [],
            "attributes": self._attributes(label, data.get("claim_attrs") or {}),
        }

    def _attributes(self, label: str, given: dict[str, Any]) -> dict[str, Any]:
        """Every attribute of the type, in the model's order, defaults filled in.

        The JSON path validates no model, so a component bug that would break the schema (an
        unknown or a missing attribute) is caught here and fails the document instead.
        """
        defaults = _ATTRIBUTE_DEFAULTS[label]
        if not given.keys() <= defaults.keys():
            unknown = ", ".join(sorted(given.keys() - defaults.keys()))
            raise ValueError(f"{label} claim with unknown attributes: {unknown}")
        attributes = {**defaults, **given}
        if None in map(attributes.__getitem__, _REQUIRED_ATTRIBUTES[label]):
            raise ValueError(f"{label} claim without its required attributes")
        if label == "citation":  # the only type with a link into the record ids
            if attributes["resolved_to"]:
                attributes["resolved_to"] = self.ids.get(attributes["resolved_to"])
        elif label == "effect":  # the only type whose attributes hold text parts
            for name in _TEXT_SPAN_ATTRIBUTES:
                if attributes[name] is not None:
                    attributes[name] = _anchor_text_span(attributes[name], self.offset, self.text)
        elif label == "statistic":
            for name in _FLOAT_ATTRIBUTES:
                attributes[name] = _json_float(attributes[name])
        return attributes


_FLOAT_ATTRIBUTES = ("value", "low", "high")


def _json_float(value: float | None) -> float | None:
    """A statistic's number as its model field holds it: a float, None when not finite
    (pydantic writes NaN and infinities as null)."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _attribute_defaults(model: type[BaseModel]) -> dict[str, Any]:
    """Field name -> default for every field of an attributes model, in its order; required
    fields map to None until the component's values overwrite them."""
    return {
        name: None if info.is_required() else info.get_default(call_default_factory=True)
        for name, info in model.model_fields.items()
    }


_ATTRIBUTE_DEFAULTS: dict[str, dict[str, Any]] = {
    name: _attribute_defaults(model.model_fields["attributes"].annotation)
    for name, model in CLAIM_MODELS.items()
}
_REQUIRED_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    name: tuple(
        field
        for field, info in model.model_fields["attributes"].annotation.model_fields.items()
        if info.is_required()
    )
    for name, model in CLAIM_MODELS.items()
}


# The effect attributes that are TextSpans (intervention, outcome, ...), from the model.
_TEXT_SPAN_ATTRIBUTES = tuple(
    name
    for name, info in EffectAttributes.model_fields.items()
    if TextSpan in typing.get_args(info.annotation)
)


def _anchor_text_span(part: dict[str, Any] | TextSpan, offset: int, text: str) -> dict[str, Any]:
    """Pin a TextSpan part ({text, start, end}) of an effect to the whole text.

    Offsets move by ``offset`` (the chunk's start) and the text is quoted from the original:
    components see hard-wrapped lines joined (see pipeline.build_nlp), records never do.
    """
    if isinstance(part, TextSpan):
        part = part.model_dump()
    start, end = part["start"] + offset, part["end"] + offset
    return {"text": text[start:end], "start": start, "end": end}


class SentenceIndex:
    """Sentence starts of one doc, to find a claim's sentence by bisection (no token scans)."""

    def __init__(self, doc: Doc, text: str, offset: int = 0) -> None:
        self.text = text
        self.offset = offset  # where the doc's text starts in the whole document
        self.first_tokens = [0]  # the first token of each sentence
        self.token_starts = token_offsets(doc)[0]
        self._found: dict[tuple[int, int], dict[str, int]] = {}  # claims share sentences
        if len(doc) and doc.has_annotation("SENT_START"):
            # The sentence starts the components cached (one to_array for them all).
            self.first_tokens = [0, *TokenView.of(doc).sent_starts]

    def around(self, first: int, end: int) -> dict[str, int]:
        """The sentence(s) holding tokens ``first`` to ``end`` (exclusive), stripped, as a
        record's ``sentence`` field, offsets in the whole document.

        A claim across sentences gets all of them. Claims of one sentence share the dict:
        records are read, never changed, once built.
        """
        low = bisect_right(self.first_tokens, first) - 1
        high = bisect_right(self.first_tokens, max(first, end - 1))
        found = self._found.get((low, high))
        if found is None:
            found = self._found[low, high] = self._stripped(low, high)
        return found

    def _stripped(self, first: int, after: int) -> dict[str, int]:
        """Sentences ``first`` up to ``after`` (exclusive), without the space around them."""
        low = self.token_starts[self.first_tokens[first]]
        if after < len(self.first_tokens):
            high = self.token_starts[self.first_tokens[after]]
        else:
            high = len(self.text)
        chunk = self.text[low:high]
        low += len(chunk) - len(chunk.lstrip())
        high -= len(chunk) - len(chunk.rstrip())
        return {"start": low + self.offset, "end": max(low, high) + self.offset}
