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
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from .cues import Cue, CueMatcher, cues_in
from .spans import CLAIMS_KEY, claim_range, register_extensions

LINKED_TYPES = frozenset({"effect", "statistic"})
TARGET_TYPES = frozenset({"citation", "statistic", "condition"})
CUE_FLAGS = (("anecdote", "anecdotal"), ("advice", "advice"))


def sentence_ranges(doc: Doc) -> list[tuple[int, int]]:
    """Character ranges of the sentences of ``doc`` (the whole text when unsegmented)."""
    if not doc.has_annotation("SENT_START"):
        return [(0, len(doc.text))]
    return [(sent.start_char, sent.end_char) for sent in doc.sents]


def group_by_sentence(
    claims: list[Span], starts: list[int], ranges: dict[int, tuple[int, int]] | None = None
) -> dict[int, list[Span]]:
    """Claims keyed by the index of the sentence their start falls in (``ranges``: the
    claims' exact ranges by ``id``, when already read)."""
    groups: dict[int, list[Span]] = defaultdict(list)
    for claim in claims:
        start = ranges[id(claim)][0] if ranges else claim_range(claim)[0]
        groups[bisect_right(starts, start) - 1].append(claim)
    return groups


def link_targets(claim: Span, neighbours: list[Span]) -> list[Span]:
    """The citations, statistics and conditions of the claim's sentence, except itself."""
    return [other for other in neighbours if other.label_ in TARGET_TYPES and other is not claim]


def supporting_citations(sentence: list[Span], following: list[Span]) -> list[Span]:
    """In-text citations of a claim's sentence and the next one (not reference entries)."""
    return [
        claim
        for claim in (*sentence, *following)
        if claim.label_ == "citation" and _attrs(claim).get("kind") != "reference_entry"
    ]


def support_flag(citations: list[Span]) -> str | None:
    """``uncited`` without citations; ``untraceable_source`` when none of them is traceable."""
    if not citations:
        return "uncited"
    if all(not is_traceable(citation) for citation in citations):
        return "untraceable_source"
    return None


def is_traceable(citation: Span) -> bool:
    """A citation a reader can follow: not a vague appeal and marked traceable."""
    attrs = _attrs(citation)
    return attrs.get("kind") != "vague" and bool(attrs.get("traceable", False))


def cue_flags(cues: list[Cue], start_char: int, end_char: int) -> list[str]:
    """``anecdotal`` / ``advice`` when their cues occur in ``[start_char, end_char)``."""
    return [flag for label, flag in CUE_FLAGS if cues_in(cues, label, start_char, end_char)]


def claim_flags(
    claim: Span, support: str | None, cues: list[Cue], sentence: tuple[int, int]
) -> list[str]:
    """All evidence-triage flags of one effect or statistic (``support``: its sentence's
    ``support_flag``)."""
    flags = [support] if support else []
    attrs = _attrs(claim)
    if claim.label_ == "effect" and attrs.get("population") == "animal":
        flags.append("animal_evidence")
    flags.extend(cue_flags(cues, *sentence))
    boosted = (
        bool(attrs.get("boosters"))
        if claim.label_ == "effect"
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
        # Span._ reads are the cost of this step: read each claim's range once.
        ranges = {id(claim): claim_range(claim) for claim in claims}
        claims = sorted(claims, key=lambda claim: ranges[id(claim)])
        sentences = sentence_ranges(doc)
        groups = group_by_sentence(claims, [start for start, _ in sentences], ranges)
        cues = self.cues(doc)
        keys = {id(c): "{}@{}-{}".format(c.label_, *ranges[id(c)]) for c in claims}
        for index, members in groups.items():
            support = support_flag(supporting_citations(members, groups.get(index + 1, [])))
            for claim in members:
                if claim.label_ in LINKED_TYPES:
                    links = [keys[id(other)] for other in link_targets(claim, members)]
                    flags = claim_flags(claim, support, cues, sentences[index])
                    extend_claim(claim, links, flags)


def extend_claim(span: Span, links: list[str], flags: list[str]) -> None:
    """``add_link``/``add_flag`` for many keys at once: one ``Span._`` read and write each
    (extension access dominates this step's time), keeping what is already there."""
    if links:
        span._.claim_links = _merged(span._.claim_links, links)
    if flags:
        span._.claim_flags = _merged(span._.claim_flags, flags)


def _merged(existing: list[str] | None, new: list[str]) -> list[str]:
    merged = list(existing or [])
    merged.extend(item for item in new if item not in merged)
    return merged


@Language.factory("claimscope_links", assigns=["doc.spans"])
def make_link_tagger(nlp: Language, name: str) -> LinkTagger:
    """The links step: cross-claim links and evidence flags (see the module docstring)."""
    return LinkTagger(nlp)
