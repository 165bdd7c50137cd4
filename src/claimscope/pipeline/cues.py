"""Hedge / booster / negation / anecdote / advice / population cue lists and their matcher.

The lists live in ``data/cue_lists.json`` (lower-case phrases, matched token by token on
``LOWER`` with a PhraseMatcher). Hedges and boosters follow Hyland's metadiscourse markers as
used by Yu et al. (EMNLP 2019) for claim strength; anecdote and advice cues serve the evidence
flags of the links step.
"""

from __future__ import annotations

import json
from bisect import bisect_left
from collections.abc import Callable, Iterable
from functools import lru_cache, partial
from importlib import resources
from operator import itemgetter
from typing import Any, NamedTuple

import numpy
from spacy.attrs import IDX, LOWER, SENT_START, SPACY
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from .spans import TOKEN_VIEW_KEY, doc_text, token_offsets

CUE_LABELS: tuple[str, ...] = (
    "hedge",
    "booster",
    "anecdote",
    "advice",
    "animal",
    "human",
    "study",
    "reporting",
)


class Cue(NamedTuple):
    """One cue found in a document: its list, token range and normalised text.

    A NamedTuple, not a dataclass: a document has dozens and a dataclass is slow to build.
    """

    label: str
    start: int  # token index
    end: int  # token index (exclusive)
    start_char: int
    text: str


@lru_cache(maxsize=1)
def load_cue_lists() -> dict[str, tuple[str, ...]]:
    """The cue lists shipped in data/cue_lists.json, by label (read once per process)."""
    path = resources.files("claimscope") / "data" / "cue_lists.json"
    raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return {label: tuple(with_apostrophe_variants(raw.get(label, []))) for label in CUE_LABELS}


def with_apostrophe_variants(phrases: list[str]) -> list[str]:
    """The phrases plus their straight/curly apostrophe twins ("don't" and "don’t")."""
    out: list[str] = []
    for phrase in phrases:
        for variant in (phrase, phrase.replace("'", "’"), phrase.replace("’", "'")):
            if variant not in out:
                out.append(variant)
    return out


_CUES_KEY = "claimscope_cues"


class CueMatcher:
    """Finds the cues of some labels in a Doc with one PhraseMatcher pass."""

    def __init__(
        self, make_doc: Callable[[str], Doc], labels: tuple[str, ...] = CUE_LABELS
    ) -> None:
        # Patterns go through the pipeline's own tokenizer so "don't" splits as in the text.
        self.matcher = PhraseMatcher(make_doc("").vocab, attr="LOWER")
        self.labels = frozenset(labels)
        # A match id is its label's string hash: the label by id, without the StringStore.
        self.names = {self.matcher.vocab.strings.add(label): label for label in labels}
        lists = load_cue_lists()
        for label in labels:
            self.matcher.add(label, [make_doc(phrase) for phrase in lists[label]])

    def __call__(self, doc: Doc) -> Cues:
        """All cues in ``doc``, in document order: the longest of overlapping cues of one label,
        overlaps across labels kept.

        The cues are kept in ``doc.user_data``, so a later matcher of the same or fewer labels
        filters them instead of matching again: a label's cues do not depend on the others.
        """
        found = doc.user_data.get(_CUES_KEY)
        if found is not None and self.labels <= found[0]:
            labels = self.labels
            return (
                found[1] if labels == found[0] else Cues(c for c in found[1] if c.label in labels)
            )
        cues = self._match(doc)
        doc.user_data[_CUES_KEY] = (self.labels, cues)
        return cues

    def ranges(self, doc: Doc) -> dict[str, list[tuple[int, int]]]:
        """The token ranges of the cues in ``doc`` by label, each label's in document order
        (the longest of overlapping ones); labels without cues are left out."""
        # Plain (match_id, start, end) tuples: Span objects per match cost more than matching.
        by_label: dict[int, list[tuple[int, int]]] = {}
        for key, start, end in self.matcher(doc):
            by_label.setdefault(key, []).append((start, end))
        names = self.names
        return {
            # A lone match is kept as it is; else "clinically proven", not also "proven".
            names[key]: longest_ranges(ranges) if len(ranges) > 1 else ranges
            for key, ranges in by_label.items()
        }

    def starts(self, doc: Doc) -> dict[str, list[int]]:
        """The start characters of the cues in ``doc`` by label, in order: what a question
        like "does this sentence hold an advice cue" needs (see ``any_starts_in``), without
        the cue texts ``__call__`` reads."""
        by_label = self.ranges(doc)
        if not by_label:
            return {}  # many documents have none of a few lists' cues
        idx = token_offsets(doc)[0]
        return {label: [idx[start] for start, _ in ranges] for label, ranges in by_label.items()}

    def _match(self, doc: Doc) -> Cues:
        tokens = TokenView.of(doc)
        # The cue texts from the view's lists, not doc[start:end].text (slicing a Doc costs
        # more than the match); end offsets as TokenView.end_char gives them.
        text, idx, space, n = tokens.text, tokens.idx, tokens.space, tokens.n
        cues = Cues()
        for label, ranges in self.ranges(doc).items():
            for start, end in ranges:
                first = idx[start]
                raw = text[first : (idx[end] if end < n else len(text)) - space[end - 1]]
                cues.append(_new_cue((label, start, end, first, _normalised(raw))))
        # (start, -end) order, ties kept in label order: two stable sorts on C-level keys.
        cues.sort(key=_END, reverse=True)
        cues.sort(key=_START)
        return cues


def any_starts_in(starts: list[int] | None, start_char: int, end_char: int) -> bool:
    """Whether one of the sorted ``starts`` (``CueMatcher.starts``) is in
    ``[start_char, end_char)``."""
    if not starts:
        return False  # most labels in most documents
    i = bisect_left(starts, start_char)
    return i < len(starts) and starts[i] < end_char


# Cue(...) goes through a Python-level __new__; tuple.__new__ on the class does not.
_new_cue = partial(tuple.__new__, Cue)
_START = itemgetter(1)
_END = itemgetter(2)
_NORMALISED: dict[str, str] = {}  # cue text -> normalise(text): cue texts repeat
_NORMALISED_SIZE = 50_000  # entries kept before the memo starts afresh


def _normalised(text: str) -> str:
    found = _NORMALISED.get(text)
    if found is None:
        if len(_NORMALISED) > _NORMALISED_SIZE:
            _NORMALISED.clear()
        found = _NORMALISED[text] = normalise(text)
    return found


def longest_ranges(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """spacy.util.filter_spans on ``(start, end)`` token ranges, with the same tie-breaking:
    the (first) longest of overlapping ranges wins; the result is sorted by start."""
    by_start = sorted(ranges)
    if _disjoint(by_start):
        return by_start  # the common case: nothing overlaps, so every range is kept
    ordered = sorted(by_start, key=lambda r: (r[1] - r[0], -r[0]), reverse=True)
    kept: list[tuple[int, int]] = []
    seen: set[int] = set()
    for start, end in ordered:
        # Like filter_spans, only the boundary tokens are checked against earlier picks.
        if start not in seen and end - 1 not in seen:
            kept.append((start, end))
            seen.update(range(start, end))
    kept.sort(key=lambda r: r[0])
    return kept


def _disjoint(by_start: list[tuple[int, int]]) -> bool:
    """Non-empty ranges, sorted by start, none overlapping the next."""
    end = -1
    for start, stop in by_start:
        if start < end or stop <= start:
            return False
        end = stop
    return True


class Cues(list):  # type: ignore[type-arg]
    """A document's cues (a list of Cue) with a per-label index by start character, so
    ``cues_in`` bisects instead of scanning every cue for every claim or sentence."""

    _index: dict[str, tuple[list[int], list[str]]] | None = None

    def by_label(self, label: str) -> tuple[list[int], list[str]]:
        """Start characters and texts of the ``label`` cues, in document order."""
        if self._index is None:
            index: dict[str, tuple[list[int], list[str]]] = {}
            for cue in self:
                starts, texts = index.setdefault(cue.label, ([], []))
                starts.append(cue.start_char)
                texts.append(cue.text)
            self._index = index
        return self._index.get(label, ([], []))


def normalise(text: str) -> str:
    """Lower-case with single spaces ("did\\nnot" → "did not"), for reporting a cue."""
    return " ".join(text.lower().split())


def cues_in(cues: list[Cue], label: str, start_char: int, end_char: int) -> list[str]:
    """Distinct texts of the ``label`` cues starting in ``[start_char, end_char)``, in order."""
    found: list[str] = []
    if isinstance(cues, Cues):
        # A label's cues never overlap (longest_ranges), so their start order is list order.
        starts, texts = cues.by_label(label)
        i = bisect_left(starts, start_char)
        while i < len(starts) and starts[i] < end_char:
            if texts[i] not in found:
                found.append(texts[i])
            i += 1
        return found
    for cue in cues:
        if cue.label == label and start_char <= cue.start_char < end_char and cue.text not in found:
            found.append(cue.text)
    return found


# --- a shared per-document token view ----------------------------------------------------------

_VIEW_KEY = TOKEN_VIEW_KEY
_WORDS: dict[int, str] = {}  # LOWER hash -> string, for every vocabulary (a hash is its string's)
MEMO_SIZE = 500_000  # entries a per-word memo keeps before it starts afresh


def word_of(key: int, strings: Any) -> str:
    """The string of a LOWER hash, from a process-wide memo (StringStore look-ups cost more)."""
    word = _WORDS.get(key)
    if word is None:
        if len(_WORDS) > MEMO_SIZE:
            _WORDS.clear()
        word = _WORDS[key] = strings[key]
    return word


class TokenView:
    """A doc's token attributes as plain lists, read with one ``Doc.to_array`` call.

    spaCy builds a Token object on every ``doc[i]`` and rebuilds ``Doc.text`` on every access;
    the conditions, effects and cue components read tokens through this view instead. The
    lists are kept in ``doc.user_data`` (a tuple of int lists), so the view is built once per
    doc by whichever component needs it first. Texts come from the doc's text and ``idx``
    (a token ends where the next starts, less its one trailing space), strings from the
    vocabulary's StringStore once per distinct LOWER hash.
    """

    __slots__ = ("doc", "idx", "lower_hashes", "n", "sent_starts", "space", "strings", "text")

    def __init__(self, doc: Doc, lists: tuple[list[int], list[int], list[int], list[int]]) -> None:
        self.doc = doc
        # sent_starts: indices of the tokens with is_sent_start True (0 only when set)
        self.lower_hashes, self.space, self.idx, self.sent_starts = lists
        self.n = len(self.idx)
        self.text = doc_text(doc)
        self.strings = doc.vocab.strings

    @classmethod
    def of(cls, doc: Doc) -> TokenView:
        """The view of ``doc``, from its cached lists when a component made them before."""
        return cls(doc, _token_lists(doc))

    def __len__(self) -> int:
        return self.n

    def lower(self, i: int) -> str:
        """token.lower_"""
        return word_of(self.lower_hashes[i], self.strings)

    def end_char(self, i: int) -> int:
        """token.idx + len(token)"""
        nxt = self.idx[i + 1] if i + 1 < self.n else len(self.text)
        return nxt - self.space[i]

    def token_text(self, i: int) -> str:
        """token.text"""
        return self.text[self.idx[i] : self.end_char(i)]

    def span_text(self, start: int, end: int) -> str:
        """doc[start:end].text (empty for an empty range)."""
        if end <= start:
            return ""
        return self.text[self.idx[start] : self.end_char(end - 1)]

    def is_space(self, i: int) -> bool:
        """token.is_space"""
        return self.lower(i).isspace()

    def whitespace(self, i: int) -> bool:
        """token.whitespace_ == " " """
        return self.space[i] == 1


def _token_lists(doc: Doc) -> tuple[list[int], list[int], list[int], list[int]]:
    """The lists of ``TokenView``, cached in ``doc.user_data``."""
    lists = doc.user_data.get(_VIEW_KEY)
    if lists is None or len(lists[0]) != len(doc):
        array = doc.to_array([LOWER, SPACY, IDX, SENT_START])
        lists = doc.user_data[_VIEW_KEY] = (
            *(array[:, k].tolist() for k in range(3)),
            numpy.flatnonzero(array[:, 3] == 1).tolist(),
        )
    return lists


def sentence_starts(doc: Doc) -> list[int]:
    """``TokenView.of(doc).sent_starts`` without building the view."""
    return _token_lists(doc)[3]


def as_view(doc: Doc | TokenView) -> TokenView:
    """``doc`` as a TokenView (functions that read tokens take either)."""
    return doc if isinstance(doc, TokenView) else TokenView.of(doc)
