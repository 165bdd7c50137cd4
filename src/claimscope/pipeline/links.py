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
from itertools import pairwise
from operator import itemgetter
from typing import Any, NamedTuple

from spacy.language import Language
from spacy.tokens import Doc, Span

from .component import BatchedComponent
from .cues import Cue, CueMatcher, TokenView, cues_in
from .spans import claim_entries, register_extensions, text_length, token_offsets

_START_END = itemgetter(1, 2)  # of a ClaimView
LINKED_TYPES = frozenset({"effect", "statistic"})
TARGET_TYPES = frozenset({"citation", "statistic", "condition"})
CUE_FLAGS = (("anecdote", "anecdotal"), ("advice", "advice"))


def sentence_ranges(doc: Doc) -> list[tuple[int, int]]:
    """Character ranges of the sentences of ``doc`` (the whole text when unsegmented)."""
    if not doc.has_annotation("SENT_START"):
        return [(0, text_length(doc))]
    if not len(doc):
        return []  # as doc.sents gives it
    # The cached token view instead of a Span per sentence (doc.sents): starts are token 0 and
    # every is_sent_start token; a sentence ends at its last token's end, as Span.end_char does.
    firsts = [0, *(i for i in TokenView.of(doc).sent_starts if i > 0)]
    starts, ends = token_offsets(doc)
    return [(starts[first], ends[last - 1]) for first, last in pairwise([*firsts, len(doc)])]


class ClaimView(NamedTuple):
    """One claim read once, with its store entry (``spans.claim_entries``) to write back to."""

    label: str
    start: int
    end: int
    attrs: dict[str, Any]
    entry: dict[str, Any]

    @property
    def key(self) -> str:
        """The claim's local key, as ``spans.claim_key`` gives it."""
        return f"{self.label}@{self.start}-{self.end}"


def group_by_sentence(claims: list[ClaimView], starts: list[int]) -> dict[int, list[ClaimView]]:
    """Claims (in document order) keyed by the index of the sentence their start falls in."""
    groups: dict[int, list[ClaimView]] = {}
    index, following = -1, -1  # the current sentence, and where the next one starts
    for claim in claims:
        if claim.start >= following:
            index = bisect_right(starts, claim.start) - 1
            following = starts[index + 1] if index + 1 < len(starts) else 1 << 62
        groups.setdefault(index, []).append(claim)
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
    return flags_of(claim, support, cue_flags(cues, *sentence), SentenceBoost(cues, sentence))


class SentenceBoost:
    """Whether a sentence has a booster cue, looked up once and only when asked."""

    def __init__(self, cues: list[Cue], sentence: tuple[int, int]) -> None:
        self.cues, self.sentence, self.value = cues, sentence, None

    def __bool__(self) -> bool:
        if self.value is None:
            self.value = bool(cues_in(self.cues, "booster", *self.sentence))
        return self.value


def flags_of(
    claim: ClaimView, support: str | None, cue_flags: list[str], boosted: SentenceBoost
) -> list[str]:
    """``claim_flags`` with the sentence's cue flags and booster look-up computed once."""
    flags = [support] if support else []
    if claim.label == "effect" and claim.attrs.get("population") == "animal":
        flags.append("animal_evidence")
    flags.extend(cue_flags)
    if bool(claim.attrs.get("boosters")) if claim.label == "effect" else boosted:
        flags.append("boosted")
    return flags


def _attrs(claim: Span) -> dict[str, Any]:
    return claim._.claim_attrs or {}


class LinkTagger(BatchedComponent):
    """Links effects and statistics to their sentence's claims and sets their flags."""

    def __init__(self, nlp: Language) -> None:
        register_extensions()
        self.cues = CueMatcher(nlp.make_doc, labels=("anecdote", "advice", "booster"))

    def __call__(self, doc: Doc) -> Doc:
        entries = claim_entries(doc)
        if any(label in LINKED_TYPES for label, _, _, _ in entries):
            self.set_annotations(doc, entries)
        return doc

    def set_annotations(
        self, doc: Doc, entries: list[tuple[str, int, int, dict[str, Any]]]
    ) -> None:
        """Add links and flags to every effect and statistic of ``doc``."""
        # Plain tuples over the claim store: Span and Span._ access were this step's cost.
        views = [
            ClaimView(label, start, end, entry.get("claim_attrs") or {}, entry)
            for label, start, end, entry in entries
        ]
        views.sort(key=_START_END)
        sentences = sentence_ranges(doc)
        groups = group_by_sentence(views, [start for start, _ in sentences])
        cues = self.cues(doc)
        for index, members in groups.items():
            linked = [claim for claim in members if claim.label in LINKED_TYPES]
            if not linked:
                continue
            support = support_flag(supporting_citations(members, groups.get(index + 1, [])))
            # Cue look-ups per sentence, not per claim: they are the same for all its claims.
            sentence = sentences[index]
            sentence_flags = cue_flags(cues, *sentence)
            boosted = SentenceBoost(cues, sentence)
            for claim in linked:
                links = [other.key for other in link_targets(claim, members)]
                extend_claim(claim.entry, links, flags_of(claim, support, sentence_flags, boosted))


def extend_claim(entry: dict[str, Any], links: list[str], flags: list[str]) -> None:
    """``add_link``/``add_flag`` for many keys at once, on a claim's store entry
    (``spans.claim_entries``), keeping what is already there."""
    if links:
        entry["claim_links"] = _merged(entry.get("claim_links"), links)
    if flags:
        entry["claim_flags"] = _merged(entry.get("claim_flags"), flags)


def _merged(existing: list[str] | None, new: list[str]) -> list[str]:
    if not existing:
        return list(dict.fromkeys(new))  # the usual case: the first links or flags
    merged = list(existing)
    merged.extend(item for item in new if item not in merged)
    return merged


@Language.factory("claimscope_links", assigns=["doc.spans"])
def make_link_tagger(nlp: Language, name: str) -> LinkTagger:
    """The links step: cross-claim links and evidence flags (see the module docstring)."""
    return LinkTagger(nlp)
