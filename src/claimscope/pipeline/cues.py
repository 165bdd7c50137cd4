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
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

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


@dataclass(frozen=True)
class Cue:
    """One cue found in a document: its list, token range and normalised text."""

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


class CueMatcher:
    """Finds the cues of some labels in a Doc with one PhraseMatcher pass."""

    def __init__(
        self, make_doc: Callable[[str], Doc], labels: tuple[str, ...] = CUE_LABELS
    ) -> None:
        # Patterns go through the pipeline's own tokenizer so "don't" splits as in the text.
        self.matcher = PhraseMatcher(make_doc("").vocab, attr="LOWER")
        lists = load_cue_lists()
        for label in labels:
            self.matcher.add(label, [make_doc(phrase) for phrase in lists[label]])

    def __call__(self, doc: Doc) -> Cues:
        """All cues in ``doc``, in document order: the longest of overlapping cues of one label,
        overlaps across labels kept."""
        # Plain (match_id, start, end) tuples: Span objects per match cost more than matching.
        by_label: dict[int, list[tuple[int, int]]] = {}
        for key, start, end in self.matcher(doc):
            by_label.setdefault(key, []).append((start, end))
        strings = doc.vocab.strings
        cues = Cues(
            _cue(doc, strings[key], start, end)
            for key, ranges in by_label.items()
            for start, end in longest_ranges(ranges)  # "clinically proven", not also "proven"
        )
        cues.sort(key=lambda cue: (cue.start, -cue.end))
        return cues


def _cue(doc: Doc, label: str, start: int, end: int) -> Cue:
    # From the tokens, not doc[start:end].text: slicing a Doc costs more than the match.
    # normalise() drops the last token's trailing whitespace, as Span.text does.
    first = doc[start]
    if end - start == 1:
        return Cue(label, start, end, first.idx, normalise(first.text))
    text = "".join([doc[i].text_with_ws for i in range(start, end)])
    return Cue(label, start, end, first.idx, normalise(text))


def longest_ranges(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """spacy.util.filter_spans on ``(start, end)`` token ranges, with the same tie-breaking:
    the (first) longest of overlapping ranges wins; the result is sorted by start."""
    ordered = sorted(ranges, key=lambda r: (r[1] - r[0], -r[0]), reverse=True)
    kept: list[tuple[int, int]] = []
    seen: set[int] = set()
    for start, end in ordered:
        # Like filter_spans, only the boundary tokens are checked against earlier picks.
        if start not in seen and end - 1 not in seen:
            kept.append((start, end))
            seen.update(range(start, end))
    kept.sort(key=lambda r: r[0])
    return kept


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
