"""Claim spans on a Doc: how components add claims and how the records module reads them back.

Claims live in ``doc.spans["claims"]``, labelled with their type. A claim's exact character
range may fall inside a token (``37`` of ``37%`` is fine, but ``GB`` of ``GB30`` is not), so
the span covers the enclosing tokens and the exact range is kept in ``span._.claim_range``.
The ``Span._`` values are kept per label, token range and span id, and a second claim of a
type over the same tokens gets its exact range as span id, so two claims never share them.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any

from spacy.attrs import IDX, LENGTH
from spacy.tokens import Doc, Span

CLAIMS_KEY = "claims"

_EXTENSIONS = ("claim_range", "claim_attrs", "claim_links", "claim_flags")


def register_extensions() -> None:
    """Register the Span._ extensions claimscope components write, once per process.

    spaCy keys a Span's extension values by its character range alone, so two claims over
    the same tokens (a statistic and a condition, say) would share them. These extensions
    keep their values per claim instead: by label, token range and span id.
    """
    for name in _EXTENSIONS:
        if not Span.has_extension(name):
            getter, setter = _claim_accessors(name)
            Span.set_extension(name, getter=getter, setter=setter)


_STORE_KEY = "claimscope_claim_data"


def _claim_accessors(name: str):  # type: ignore[no-untyped-def]
    def getter(span: Span) -> Any:
        store = span.doc.user_data.get(_STORE_KEY)
        entry = store.get((span.label, span.start, span.end, span.id)) if store else None
        return entry.get(name) if entry else None

    def setter(span: Span, value: Any) -> None:
        store = span.doc.user_data.setdefault(_STORE_KEY, {})
        store.setdefault((span.label, span.start, span.end, span.id), {})[name] = value

    return getter, setter


def add_claim(doc: Doc, label: str, start: int, end: int, attrs: dict[str, Any]) -> Span | None:
    """Add a claim of type ``label`` over the characters ``[start, end)`` of ``doc``.

    Returns the new span, or None when the range is empty or already holds a claim of
    this type (components may then leave it alone).
    """
    table = doc.user_data.get(_TABLE_KEY)
    if table is None or table.size != len(doc):
        table = doc.user_data[_TABLE_KEY] = _ClaimTable(doc)
    range_key = (label, start, end)
    if range_key in table.taken or not 0 <= start < end <= table.length:
        return None
    table.taken.add(range_key)
    first, last = _covering(table.starts, table.ends, start, end)
    label_id = table.label_id(label)
    store = table.store
    span_id = 0
    if (label_id, first, last, 0) in store:
        # Another claim of this type over the same tokens: the exact range, as a span id,
        # keeps the two apart (an id string per claim would cost a StringStore entry each).
        span_id = table.strings.add(f"{start}:{end}")
    # The store entry span._.claim_range/claim_attrs would write, without two Underscore
    # round trips per claim.
    entry = {"claim_range": (start, end), "claim_tokens": (first, last), "claim_attrs": attrs}
    store[(label_id, first, last, span_id)] = entry
    span = Span(doc, first, last, label=label_id, span_id=span_id)
    # Looked up each time, not kept in the table: the group may be replaced, and a table
    # holding it would make the doc unpicklable (a SpanGroup holds a weakref to its doc).
    if CLAIMS_KEY not in doc.spans:
        doc.spans[CLAIMS_KEY] = []
    doc.spans[CLAIMS_KEY].append(span)
    table.entries.append((label, start, end, entry))
    return span


class _ClaimTable:
    """What add_claim needs of one doc, gathered at its first claim: the claims so far, token
    offsets and the label hashes (Span would hash a label string each time)."""

    __slots__ = (
        "ends", "entries", "labels", "length", "size", "starts", "store", "strings", "taken",
    )  # fmt: skip

    def __init__(self, doc: Doc) -> None:
        user_data = doc.user_data
        self.entries = user_data.setdefault(_LIST_KEY, [])
        self.store = user_data.setdefault(_STORE_KEY, {})
        self.taken = {(label, start, end) for label, start, end, _ in self.entries}
        self.starts, self.ends = token_offsets(doc)
        self.size, self.length = len(doc), text_length(doc)
        self.strings = doc.vocab.strings
        self.labels: dict[str, int] = {}

    def label_id(self, label: str) -> int:
        found = self.labels.get(label)
        if found is None:
            found = self.labels[label] = self.strings.add(label)
        return found


_LIST_KEY = "claimscope_claim_list"
_TABLE_KEY = "claimscope_claim_table"
_OFFSETS_KEY = "claimscope_token_offsets"


def _covering(starts: list[int], ends: list[int], start: int, end: int) -> tuple[int, int]:
    """The tokens ``[first, last)`` that ``doc.char_span(start, end, alignment_mode="expand")``
    covers, by bisection over the token start and end offsets (char_span costs a Span and two
    searches)."""
    first = bisect_right(starts, start) - 1
    if start == ends[first]:
        first += 1  # the range starts in the token's trailing space: not part of it
    return first, bisect_right(starts, end - 1)


def token_offsets(doc: Doc) -> tuple[list[int], list[int]]:
    """Start and end character offsets of every token (``idx``, ``idx + len``), cached."""
    cached = doc.user_data.get(_OFFSETS_KEY)
    if cached is None or len(cached[0]) != len(doc):
        table = doc.to_array([IDX, LENGTH])
        starts = table[:, 0].tolist()
        cached = doc.user_data[_OFFSETS_KEY] = (starts, (table[:, 0] + table[:, 1]).tolist())
    return cached


def cache_token_columns(
    doc: Doc,
    lower: list[int],
    space: list[int],
    idx: list[int],
    ends: list[int],
    sent_starts: list[int],
) -> None:
    """Cache what components read of every token: its LOWER hash, trailing space (0/1), start
    and end offsets, and the sentence-start token indices (sorted), as the lists of
    cues.TokenView and of token_offsets, so neither calls ``Doc.to_array`` again."""
    doc.user_data[TOKEN_VIEW_KEY] = (lower, space, idx, sent_starts)
    doc.user_data[_OFFSETS_KEY] = (idx, ends)


def claim_entries(doc: Doc) -> list[tuple[str, int, int, dict[str, Any]]]:
    """Every claim as (label, start, end, store entry), in the order they were added.

    The entry is the dict ``claim_data`` returns (claim_range, claim_attrs, claim_links,
    claim_flags): writing into it is writing the claim's ``Span._`` values.
    """
    # Not doc.spans.get: SpanGroups is a UserDict, whose get raises and catches a KeyError
    # when the doc has no claims (2.0 us against 0.3 us, and this runs three times a doc).
    group = doc.spans[CLAIMS_KEY] if CLAIMS_KEY in doc.spans else ()  # noqa: SIM401
    entries = doc.user_data.get(_LIST_KEY)
    if entries is not None and len(entries) == len(group):
        return entries
    # Claims added other than by add_claim: read them from the span group.
    store = doc.user_data.setdefault(_STORE_KEY, {})
    result = []
    for span in group:
        entry = store.setdefault((span.label, span.start, span.end, span.id), {})
        entry.setdefault("claim_tokens", (span.start, span.end))
        start, end = entry.get("claim_range") or (span.start_char, span.end_char)
        result.append((span.label_, start, end, entry))
    return result


# Characters that re.IGNORECASE matches against an ASCII letter although str.lower() does not
# map them onto it (İ ı ſ K; checked over all of Unicode in the citation tests): a text holding
# one cannot take the lower-cased ASCII shortcuts of the citation and statistics scans.
CASE_FOLD_TRAPS = "\u0130\u0131\u017f\u212a"

TEXT_KEY = "claimscope_text"
# Where cues.TokenView caches a doc's token columns (sentence starts among them).
TOKEN_VIEW_KEY = "claimscope_token_view"


def doc_text(doc: Doc) -> str:
    """The doc's text, cached: Doc.text joins every token again on each access.

    build_nlp's tokenizer stores the input string up front, so this costs nothing there.
    """
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.user_data[TEXT_KEY] = doc.text
    return text


def text_length(doc: Doc) -> int:
    """len(doc.text) without rebuilding the text (Doc.text joins every token on each call)."""
    text = doc.user_data.get(TEXT_KEY)
    if text is not None:
        return len(text)
    return doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0


def claim_data(span: Span) -> dict[str, Any]:
    """All claimscope values of a claim (claim_range, claim_attrs, …) in one cheap look-up.

    Reading ``span._.x`` builds an Underscore object per access; hot loops use this instead.
    """
    store = span.doc.user_data.get(_STORE_KEY)
    entry = store.get((span.label, span.start, span.end, span.id)) if store else None
    return entry or {}


def claim_range(span: Span) -> tuple[int, int]:
    """The exact character range of a claim span."""
    return claim_data(span).get("claim_range") or (span.start_char, span.end_char)


def claim_key(span: Span) -> str:
    """A document-local key for a claim: '<type>@<start>-<end>'. Record ids extend it."""
    start, end = claim_range(span)
    return f"{span.label_}@{start}-{end}"


def claims_of(doc: Doc, label: str | None = None) -> list[Span]:
    """The claims of a doc (of one type, if given), in document order."""
    if CLAIMS_KEY not in doc.spans:
        return []
    spans = list(doc.spans[CLAIMS_KEY])
    if label is not None:
        spans = [s for s in spans if s.label_ == label]
    return sorted(spans, key=claim_range)


def overlaps(span: Span, start: int, end: int) -> bool:
    """True when the claim's exact range overlaps ``[start, end)``."""
    s, e = claim_range(span)
    return s < end and start < e


def text_span(doc: Doc, start: int, end: int) -> dict[str, Any]:
    """A {text, start, end} part of a claim (e.g. an effect's intervention) for attributes.

    records.py re-quotes the text from the original document, so the unwrapped text is fine.
    """
    return {"text": doc_text(doc)[start:end], "start": start, "end": end}


def add_link(span: Span, other: Span) -> None:
    """Record that ``span`` links to ``other`` (by local key)."""
    links = list(span._.claim_links or [])
    key = claim_key(other)
    if key not in links:
        links.append(key)
    span._.claim_links = links


def add_flag(span: Span, flag: str) -> None:
    """Add an evidence-triage flag to a claim."""
    flags = list(span._.claim_flags or [])
    if flag not in flags:
        flags.append(flag)
    span._.claim_flags = flags
