"""Hedge / booster / negation / anecdote / advice / population cue lists and their matcher.

The lists live in ``data/cue_lists.json`` (lower-case phrases, matched token by token on
``LOWER`` with a PhraseMatcher). Hedges and boosters follow Hyland's metadiscourse markers as
used by Yu et al. (EMNLP 2019) for claim strength; anecdote and advice cues serve the evidence
flags of the links step.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy
from spacy.attrs import IDX, LOWER, SENT_START, SPACY
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from .spans import TOKEN_VIEW_KEY, doc_text

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


# Where a doc keeps the output of the last cue pass over it (see ``CueMatcher.find``).
CUE_PASS_KEY = "claimscope.cue_pass"


class CueMatcher:
    """Finds the cues of some labels in a Doc with one PhraseMatcher pass.

    One pass serves every matcher of a pipeline: ``find`` keeps its matches on the doc, and a
    matcher whose labels that pass covered reads them from there (the effects step matches
    every list, with its own cues, so the links step reads its labels' cues without a pass
    of its own; without the effects step it runs one). The cues of a label are the same in
    every matcher: its phrases come from ``load_cue_lists`` alone.
    """

    def __init__(
        self,
        make_doc: Callable[[str], Doc],
        labels: tuple[str, ...] = CUE_LABELS,
        extra: Mapping[str, list[Doc]] | None = None,
    ) -> None:
        """``extra``: more patterns by match name (none named like a label), found by ``find``
        along with the cues but never read as cues."""
        # Patterns go through the pipeline's own tokenizer so "don't" splits as in the text.
        self.matcher = PhraseMatcher(make_doc("").vocab, attr="LOWER")
        # A match id is its label's string hash: the label by id, without the StringStore.
        self.names = {self.matcher.vocab.strings.add(label): label for label in labels}
        self.labels = frozenset(labels)
        lists = load_cue_lists()
        for label in labels:
            self.matcher.add(label, [make_doc(phrase) for phrase in lists[label]])
        for name, patterns in (extra or {}).items():
            if name in self.labels:
                raise ValueError(f"a pattern is named like a cue list: {name}")
            self.matcher.add(name, patterns)

    def find(self, doc: Doc) -> list[tuple[int, int, int]]:
        """Every match in ``doc`` as (match id, start, end) tuples, the ``extra`` patterns'
        too, kept on the doc for the matchers that read some of these labels later."""
        # Plain tuples: Span objects per match cost more than matching.
        found = self.matcher(doc)
        doc.user_data[CUE_PASS_KEY] = CuePass(found, self.names, self.labels, len(doc))
        return found

    def ranges(self, doc: Doc) -> dict[str, list[tuple[int, int]]]:
        """The token ranges of the cues in ``doc`` by label, each label's in document order
        (the longest of overlapping ones); labels without cues are left out. The dict may be
        the doc's cached pass (``CuePass.ranges``): read it, do not change it."""
        by_label = self.cue_pass(doc).ranges()
        if by_label.keys() <= self.labels:
            return by_label
        return {label: ranges for label, ranges in by_label.items() if label in self.labels}

    def cue_pass(self, doc: Doc) -> CuePass:
        """The last pass over ``doc`` when it covered these labels, else a new one."""
        done = doc.user_data.get(CUE_PASS_KEY)
        if done is None or done.size != len(doc) or not self.labels <= done.labels:
            self.find(doc)
            done = doc.user_data[CUE_PASS_KEY]
        return done


class CuePass:
    """The matches of one ``CueMatcher.find`` over a doc, grouped by label when first read."""

    __slots__ = ("_ranges", "found", "labels", "names", "size")

    def __init__(
        self,
        found: list[tuple[int, int, int]],
        names: dict[int, str],
        labels: frozenset[str],
        size: int,
    ) -> None:
        self.found = found
        self.names = names  # label by match id
        self.labels = labels  # the labels matched: a label without a match has no cue
        self.size = size  # tokens of the doc: a retokenised doc needs a new pass
        self._ranges: dict[str, list[tuple[int, int]]] | None = None

    def ranges(self) -> dict[str, list[tuple[int, int]]]:
        """``CueMatcher.ranges`` for every label of the pass (do not change the lists)."""
        if self._ranges is None:
            self._ranges = cue_ranges(self.found, self.names)
        return self._ranges


def cue_ranges(
    found: list[tuple[int, int, int]], names: dict[int, str]
) -> dict[str, list[tuple[int, int]]]:
    """The token ranges of the matches ``found`` whose ids are in ``names``, by label (names'
    values), each label's in document order (the longest of overlapping ones)."""
    by_key: dict[int, list[tuple[int, int]]] = {}
    for key, start, end in found:
        if key in names:  # not an extra pattern's match
            by_key.setdefault(key, []).append((start, end))
    return {
        # Kept as found when sorted and disjoint (the matcher gives them by start), else
        # "clinically proven", not also "proven".
        names[key]: ranges if disjoint_in_order(ranges) else longest_ranges(ranges)
        for key, ranges in by_key.items()
    }


def longest_ranges(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """spacy.util.filter_spans on ``(start, end)`` token ranges, with the same tie-breaking:
    the (first) longest of overlapping ranges wins; the result is sorted by start."""
    by_start = sorted(ranges)
    if disjoint_in_order(by_start):
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


def disjoint_in_order(by_start: list[tuple[int, int]]) -> bool:
    """Non-empty ranges, sorted by start, none overlapping the next."""
    end = -1
    for start, stop in by_start:
        if start < end or stop <= start:
            return False
        end = stop
    return True


def normalise(text: str) -> str:
    """Lower-case with single spaces ("did\\nnot" → "did not"), for reporting a cue."""
    return " ".join(text.lower().split())


# --- a shared per-document token view ----------------------------------------------------------

_VIEW_KEY = TOKEN_VIEW_KEY
MEMO_SIZE = 500_000  # entries a per-word memo keeps before it starts afresh


class WordsByHash(dict):  # type: ignore[type-arg]
    """LOWER hash -> lower-case word, process-wide (a hash is its string's in every vocabulary).

    Read as ``WORDS_BY_HASH[hash]``: a subscript costs no Python call once the word is known.
    A hash new to it is looked up in ``strings``, the StringStore of the doc being read, which
    a component sets before reading a doc's words (or use ``word_of`` with the store)."""

    __slots__ = ("strings",)

    def __missing__(self, key: int) -> str:
        return word_of(key, self.strings)


WORDS_BY_HASH = WordsByHash()
WORDS_BY_HASH.strings = None


def word_of(key: int, strings: Any) -> str:
    """The string of a LOWER hash, from the process-wide memo (StringStore look-ups cost more)."""
    word = WORDS_BY_HASH.get(key)
    if word is None:
        if len(WORDS_BY_HASH) > MEMO_SIZE:
            WORDS_BY_HASH.clear()
        word = WORDS_BY_HASH[key] = strings[key]
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


def sentence_starts(doc: Doc | TokenView) -> list[int]:
    """The first token of each sentence, ascending: 0 and every ``is_sent_start`` token, from
    the cached token lists (``doc.sents`` builds a Span per sentence); ``[0]``, one
    sentence, for a doc without tokens or sentence annotation. Do not change the list: it
    is usually the cached one."""
    starts = doc.sent_starts if isinstance(doc, TokenView) else _token_lists(doc)[3]
    # The sentence component marks token 0 too, so the cached list usually serves as it is.
    return starts if starts[:1] == [0] else [0, *starts]


def as_view(doc: Doc | TokenView) -> TokenView:
    """``doc`` as a TokenView (functions that read tokens take either)."""
    return doc if isinstance(doc, TokenView) else TokenView.of(doc)
