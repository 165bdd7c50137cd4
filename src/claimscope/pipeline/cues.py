"""Hedge / booster / negation / anecdote / advice / population cue lists and their matcher.

The lists live in ``data/cue_lists.json`` (lower-case phrases, matched token by token on
``LOWER`` with a PhraseMatcher). Hedges and boosters follow Hyland's metadiscourse markers as
used by Yu et al. (EMNLP 2019) for claim strength; anecdote and advice cues serve the evidence
flags of the links step.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

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

    def __call__(self, doc: Doc) -> list[Cue]:
        """All cues in ``doc``, in document order: the longest of overlapping cues of one label,
        overlaps across labels kept."""
        by_label: dict[str, list[Span]] = {}
        for span in self.matcher(doc, as_spans=True):
            by_label.setdefault(span.label_, []).append(span)
        cues = [
            Cue(label, span.start, span.end, span.start_char, normalise(span.text))
            for label, spans in by_label.items()
            for span in filter_spans(spans)  # "clinically proven", not also "proven"
        ]
        cues.sort(key=lambda cue: (cue.start, -cue.end))
        return cues


def normalise(text: str) -> str:
    """Lower-case with single spaces ("did\\nnot" → "did not"), for reporting a cue."""
    return " ".join(text.lower().split())


def cues_in(cues: list[Cue], label: str, start_char: int, end_char: int) -> list[str]:
    """Distinct texts of the ``label`` cues starting in ``[start_char, end_char)``, in order."""
    found: list[str] = []
    for cue in cues:
        if cue.label == label and start_char <= cue.start_char < end_char and cue.text not in found:
            found.append(cue.text)
    return found
