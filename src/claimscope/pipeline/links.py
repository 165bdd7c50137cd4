"""Links and evidence flags between the claims of one document (runs after every component).

Each effect and statistic is linked to the citations, statistics and conditions of its
sentence, and flagged for evidence triage:

- ``uncited``: no citation in its sentence or the next (reference-list entries do not count);
- ``untraceable_source``: every such citation is ``vague`` or not ``traceable``;
- ``animal_evidence``: an effect whose population is ``animal``;
- ``anecdotal`` / ``advice``: an anecdote cue (``in my clinic``, ``I have found``) or an
  advice cue (``try this``, ``I would strongly urge``) in its sentence;
- ``boosted``: an effect with booster cues, or a statistic whose sentence has one.

The flags never change a span. Cue lists come from ``data/cue_lists.json`` (see cues.py).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from itertools import pairwise
from typing import Any, NamedTuple

import numpy
from spacy.attrs import IDX, LENGTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span

from .cues import Cue, CueMatcher, cues_in
from .spans import CLAIMS_KEY, register_extensions, text_length

LINKED_TYPES = frozenset({"effect", "statistic"})
TARGET_TYPES = frozenset({"citation", "statistic", "condition"})
CUE_FLAGS = (("anecdote", "anecdotal"), ("advice", "advice"))


def sentence_ranges(doc: Doc) -> list[tuple[int, int]]:
    """Character ranges of the sentences of ``doc`` (the whole text when unsegmented)."""
    if not doc.has_annotation("SENT_START"):
        return [(0, text_length(doc))]
    if not len(doc):
        return []  # as doc.sents gives it
    # One array read instead of a Span per sentence (doc.sents): starts are token 0 and every
    # is_sent_start token; a sentence ends at its last token's end, as Span.end_char does.
    values = doc.to_array([SENT_START, IDX, LENGTH]).astype("int64")
    starts = [0, *(numpy.flatnonzero(values[1:, 0] == 1) + 1).tolist()]
    idx, ends = values[:, 1].tolist(), (values[:, 1] + values[:, 2]).tolist()
    return [(idx[start], ends[end - 1]) for start, end in pairwise([*starts, len(doc)])]


class ClaimView(NamedTuple):
    """One claim read once: ``Span._`` access hashes into doc.user_data on every read."""

    span: Span
    label: str
    start: int
    end: int
    attrs: dict[str, Any]

    @classmethod
    def of(cls, span: Span) -> ClaimView:
        underscore = span._
        start, end = underscore.claim_range or (span.start_char, span.end_char)
        return cls(span, span.label_, start, end, underscore.claim_attrs or {})

    @property
    def key(self) -> str:
        """The claim's local key, as ``spans.claim_key`` gives it."""
        return f"{self.label}@{self.start}-{self.end}"


def group_by_sentence(claims: list[ClaimView], starts: list[int]) -> dict[int, list[ClaimView]]:
    """Claims keyed by the index of the sentence their start falls in."""
    groups: dict[int, list[ClaimView]] = defaultdict(list)
    for claim in claims:
        groups[bisect_right(starts, claim.start) - 1].append(claim)
    return groups


def link_targets(claim: ClaimView, neighbours: list[ClaimView]) -> list[ClaimView]:
    """The citations, statistics and conditions of the claim's sentence, except itself."""
    return [other for other in neighbours if other.label in TARGET_TYPES and other is not claim]


def supporting_citations(sentence: list[ClaimView], following: list[ClaimView]) -> list[ClaimView]:
    """In-text citations of a claim's sentence and the next one (not reference entries)."""
    return [
        claim
        for claim in (*sentence, *following)
        if claim.label == "citation" and claim.attrs.get("kind") != "reference_entry"
    ]


def support_flag(citations: list[Span] | list[ClaimView]) -> str | None:
    """``uncited`` without citations; ``untraceable_source`` when none of them is traceable."""
    if not citations:
        return "uncited"
    if all(not is_traceable(citation) for citation in citations):
        return "untraceable_source"
    return None


def is_traceable(citation: Span | ClaimView) -> bool:
    """A citation a reader can follow: not a vague appeal and marked traceable."""
    attrs = citation.attrs if isinstance(citation, ClaimView) else _attrs(citation)
    return attrs.get("kind") != "vague" and bool(attrs.get("traceable", False))


def cue_flags(cues: list[Cue], start_char: int, end_char: int) -> list[str]:
    """``anecdotal`` / ``advice`` when their cues occur in ``[start_char, end_char)``."""
    return [flag for label, flag in CUE_FLAGS if cues_in(cues, label, start_char, end_char)]


def claim_flags(
    claim: ClaimView, support: str | None, cues: list[Cue], sentence: tuple[int, int]
) -> list[str]:
    """All evidence-triage flags of one effect or statistic (``support``: its sentence's
    ``support_flag``)."""
    flags = [support] if support else []
    if claim.label == "effect" and claim.attrs.get("population") == "animal":
        flags.append("animal_evidence")
    flags.extend(cue_flags(cues, *sentence))
    boosted = (
        bool(claim.attrs.get("boosters"))
        if claim.label == "effect"
        else bool(cues_in(cues, "booster", *sentence))
    )
    if boosted:
        flags.append("boosted")
    return flags


def _attrs(claim: Span) -> dict[str, Any]:
    return claim._.claim_attrs or {}


class LinkTagger:
    """Links effects and statistics to their sentence's claims and sets their flags."""

    def __init__(self, nlp: Language) -> None:
        register_extensions()
        self.cues = CueMatcher(nlp.make_doc, labels=("anecdote", "advice", "booster"))

    def __call__(self, doc: Doc) -> Doc:
        claims = list(doc.spans.get(CLAIMS_KEY, []))
        if any(claim.label_ in LINKED_TYPES for claim in claims):
            self.set_annotations(doc, claims)
        return doc

    def set_annotations(self, doc: Doc, claims: list[Span]) -> None:
        """Add links and flags to every effect and statistic of ``doc``."""
        # Span._ reads are the cost of this step: read each claim once into a ClaimView.
        views = sorted((ClaimView.of(claim) for claim in claims), key=lambda c: (c.start, c.end))
        sentences = sentence_ranges(doc)
        groups = group_by_sentence(views, [start for start, _ in sentences])
        cues = self.cues(doc)
        for index, members in groups.items():
            support = support_flag(supporting_citations(members, groups.get(index + 1, [])))
            for claim in members:
                if claim.label in LINKED_TYPES:
                    links = [other.key for other in link_targets(claim, members)]
                    flags = claim_flags(claim, support, cues, sentences[index])
                    extend_claim(claim.span, links, flags)


def extend_claim(span: Span, links: list[str], flags: list[str]) -> None:
    """``add_link``/``add_flag`` for many keys at once: one ``Span._`` read and write each
    (extension access dominates this step's time), keeping what is already there."""
    if not (links or flags):
        return
    underscore = span._
    if links:
        underscore.claim_links = _merged(underscore.claim_links, links)
    if flags:
        underscore.claim_flags = _merged(underscore.claim_flags, flags)


def _merged(existing: list[str] | None, new: list[str]) -> list[str]:
    merged = list(existing or [])
    merged.extend(item for item in new if item not in merged)
    return merged


@Language.factory("claimscope_links", assigns=["doc.spans"])
def make_link_tagger(nlp: Language, name: str) -> LinkTagger:
    """The links step: cross-claim links and evidence flags (see the module docstring)."""
    return LinkTagger(nlp)
