"""Doc → claim records: offsets, line/column, quote selectors, fingerprints, ids.

This is the only place where claims become records: plain dicts with every field of their
model (``doc_to_dicts``), which extraction writes as JSON or validates into models.
"""

from __future__ import annotations

import hashlib
import math
import re
import typing
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import repeat
from operator import itemgetter
from typing import Any

from pydantic import BaseModel
from spacy.tokens import Doc

from .documents import Document
from .models import CLAIM_MODELS, CLAIM_TYPES, EffectAttributes, TextSpan, parse_claim
from .pipeline.cues import sentence_starts
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
        self.line_starts = [0, *map(re.Match.end, re.finditer("\n", text))]
        # Code points above U+FFFF take two UTF-16 code units (none: UTF-16 offsets are ours);
        # an ASCII or BMP-only text (most) has as many UTF-16 code units as code points.
        self.astral: list[int] = []
        if not text.isascii() and len(text.encode("utf-16-le", "surrogatepass")) > 2 * len(text):
            self.astral = [m.start() for m in re.finditer("[\U00010000-\U0010ffff]", text)]

    def lines_and_columns(self, offsets: Sequence[int]) -> tuple[list[int], list[int]]:
        """The (1-based) line and column of each offset."""
        line_starts = self.line_starts
        lines = list(map(bisect_right, repeat(line_starts), offsets))
        pairs = zip(offsets, lines, strict=True)
        columns = [offset - line_starts[line - 1] + 1 for offset, line in pairs]
        return lines, columns

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
    ``record_json.record_bytes`` writes exactly what the model would, without the cost of
    validating it (the JSON writers' path; tests validate every seed and fuzzed record).

    ``types`` keeps only those claim types (links to dropped records are dropped too).
    When ``doc`` is a chunk of a long document, ``offset`` is where the chunk starts in the
    whole text and ``index`` indexes that whole text (default: ``document.text``), so every
    offset, id, line/column and quote selector refers to the whole document. ``text`` is
    ``doc.text`` when the caller has it: spaCy rebuilds Doc.text from the tokens on each access.
    """
    wanted = set(types) if types else set(CLAIM_TYPES)
    # (start, end, type order, insertion index, ...): sorted by the first four without a key
    # function, the index keeping ties in insertion order (and entries never compared).
    claims = [
        (start, end, _TYPE_ORDER[label], number, label, entry, f"{label}@{start}-{end}")
        for number, (label, start, end, entry) in enumerate(claim_entries(doc))
        if label in wanted
    ]
    if not claims:
        return []
    claims.sort()
    if text is None:  # the original text: the doc holds it unwrapped (see build_nlp)
        text = document.text if not offset else document.text[offset : offset + len(doc.text)]
    if index is None:
        index = TextIndex(document.text if offset else text)
    return _RecordBuilder(document, index, offset, SentenceIndex(doc, text, offset)).records(claims)


class _RecordBuilder:
    """Builds the record dicts of one doc: the per-doc columns (offsets, ids, quotes, lines)
    with C-level maps, then one dict per claim."""

    def __init__(
        self, document: Document, index: TextIndex, offset: int, sentences: SentenceIndex
    ) -> None:
        self.text = index.text
        self.index = index
        self.offset = offset
        self.sentences = sentences
        self.id_prefix = f"{document.id}#"
        self.source = {
            "path": document.path,
            "document": document.id,
            "sha256": document.sha256,
            "media_type": document.media_type,
        }

    def records(
        self, claims: list[tuple[int, int, int, int, str, dict[str, Any], str]]
    ) -> list[dict[str, Any]]:
        """The record dicts of ``claims`` (start, end, type order, insertion index, label,
        entry, local key), in their order."""
        local_starts, local_ends, _, _, labels, entries, keys = zip(*claims, strict=True)
        offset, text, index = self.offset, self.text, self.index
        # Local key ('<type>@<start>-<end>', as links and resolved_to hold it) -> record id.
        if offset:
            starts = [start + offset for start in local_starts]
            ends = [end + offset for end in local_ends]
            record_ids = [
                f"{self.id_prefix}{label}@{start}-{end}"
                for label, start, end in zip(labels, starts, ends, strict=True)
            ]
        else:
            starts, ends = local_starts, local_ends
            record_ids = list(map(self.id_prefix.__add__, keys))
        ids = dict(zip(keys, record_ids, strict=True))
        quotes = map(text.__getitem__, map(slice, starts, ends))
        if index.astral:
            starts16, ends16 = map(index.utf16, starts), map(index.utf16, ends)
        else:
            starts16, ends16 = starts, ends
        lines, columns = index.lines_and_columns(starts)
        attributes, source = self._attributes, self.source
        sentences = self.sentences.fields(map(itemgetter("claim_tokens"), entries))
        return [
            {
                "id": record_id,
                "fingerprint": fingerprint(label, quoted),
                "type": label,
                "text": quoted,
                "start": start,
                "end": end,
                "start_utf16": start16,
                "end_utf16": end16,
                "line": line,
                "column": column,
                "prefix": text[start - QUOTE_CONTEXT if start > QUOTE_CONTEXT else 0 : start],
                "suffix": text[end : end + QUOTE_CONTEXT],
                "sentence": sentence,
                "source": source,
                "links": _linked(links, ids) if links else [],
                "flags": list(flags) if flags else [],
                "attributes": attributes(label, given, ids),
            }
            for (
                record_id,
                label,
                quoted,
                start,
                end,
                start16,
                end16,
                line,
                column,
                sentence,
                links,
                flags,
                given,
            ) in zip(
                record_ids,
                labels,
                quotes,
                starts,
                ends,
                starts16,
                ends16,
                lines,
                columns,
                sentences,
                _values(entries, "claim_links"),
                _values(entries, "claim_flags"),
                _values(entries, "claim_attrs"),
                strict=True,
            )
        ]

    def _attributes(
        self, label: str, given: dict[str, Any] | None, ids: dict[str, str]
    ) -> dict[str, Any]:
        """Every attribute of the type, in the model's order, defaults filled in (``ids``:
        local key -> record id, for a citation's ``resolved_to``).

        The JSON path validates no model, so a component bug that would break the schema (an
        unknown or a missing attribute) is caught here and fails the document instead.
        """
        defaults = _ATTRIBUTE_DEFAULTS[label]
        attributes = {**defaults, **given} if given else defaults.copy()
        if len(attributes) != len(defaults):  # given holds names the model lacks
            unknown = ", ".join(sorted(attributes.keys() - defaults.keys()))
            raise ValueError(f"{label} claim with unknown attributes: {unknown}")
        for name in _REQUIRED_ATTRIBUTES[label]:  # one or two names: a loop beats a map here
            if attributes[name] is None:
                raise ValueError(f"{label} claim without its required attributes")
        if label == "citation":  # the only type with a link into the record ids
            if attributes["resolved_to"]:
                attributes["resolved_to"] = ids.get(attributes["resolved_to"])
        elif label == "effect":  # the only type whose attributes hold text parts
            for name in _TEXT_SPAN_ATTRIBUTES:
                if attributes[name] is not None:
                    attributes[name] = _anchor_text_span(attributes[name], self.offset, self.text)
        elif label == "statistic":
            for name in _FLOAT_ATTRIBUTES:
                if attributes[name] is not None:
                    attributes[name] = _json_float(attributes[name])
        return attributes


def _values(entries: Iterable[dict[str, Any]], name: str) -> Iterable[Any]:
    """The value of ``name`` in each claim's store entry, None where it has none."""
    return map(dict.get, entries, repeat(name))


def _linked(links: list[str], ids: dict[str, str]) -> list[str]:
    """The record ids of a claim's links, without those to claims that got no record."""
    return [ids[key] for key in links if key in ids]


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
        # The first token of each sentence, as the components cached them ([0] unsegmented).
        self.first_tokens = sentence_starts(doc)
        self.token_starts, self.token_ends = token_offsets(doc)

    def fields(self, tokens: Iterable[tuple[int, int]]) -> list[dict[str, int]]:
        """The ``sentence`` field of each claim whose tokens are ``(first, end)`` (exclusive):
        the sentence(s) holding them, stripped, offsets in the whole document.

        A claim across sentences gets all of them. Claims of one sentence share the dict:
        records are read, never changed, once built.
        """
        first_tokens = self.first_tokens
        # (first sentence, sentence after the last) of each claim; an empty claim's last token
        # is its first. (Conditional expressions: the builtin max parses its arguments slowly.)
        ranges = [
            (
                bisect_right(first_tokens, first) - 1,
                bisect_right(first_tokens, end - 1 if end > first else first),
            )
            for first, end in tokens
        ]
        found = {pair: self._stripped(*pair) for pair in set(ranges)}
        return list(map(found.__getitem__, ranges))

    def _stripped(self, first: int, after: int) -> dict[str, int]:
        """Sentences ``first`` up to ``after`` (exclusive), without the space around them."""
        text = self.text
        low = self.token_starts[self.first_tokens[first]]
        if after < len(self.first_tokens):
            last = self.first_tokens[after] - 1
            high = self.token_starts[last + 1]
        else:
            last = len(self.token_ends) - 1
            high = len(text)
        # Tokens hold no whitespace at their edges except whitespace tokens, and only the last
        # token's trailing space follows it: most sentences need no strip (no slice copy).
        end = self.token_ends[last]
        if low < end and not text[low].isspace() and not text[end - 1].isspace():
            return {"start": low + self.offset, "end": end + self.offset}
        chunk = text[low:high]
        low += len(chunk) - len(chunk.lstrip())
        high -= len(chunk) - len(chunk.rstrip())
        return {"start": low + self.offset, "end": max(low, high) + self.offset}
