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
from operator import itemgetter
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from .component import BatchedComponent
from .cues import CueMatcher, sentence_starts
from .spans import claim_entries, register_extensions, token_offsets

# A claim as spans.claim_entries gives it: (label, start char, end char, store entry).
Claim = tuple[str, int, int, dict[str, Any]]
_LABEL = itemgetter(0)  # of a Claim
_START_END = itemgetter(1, 2)
LINKED_TYPES = frozenset({"effect", "statistic"})
TARGET_TYPES = frozenset({"citation", "statistic", "condition"})
CUE_FLAGS = (("anecdote", "anecdotal"), ("advice", "advice"))


class Sentences:
    """The sentences of a non-empty doc (one sentence of all its tokens when unsegmented): the
    first token and the start character of each, to place the claims and the cues."""

    __slots__ = ("firsts", "starts")

    def __init__(self, doc: Doc) -> None:
        # The cached sentence starts instead of a Span per sentence (doc.sents).
        self.firsts = sentence_starts(doc)
        token_starts = token_offsets(doc)[0]
        self.starts = list(map(token_starts.__getitem__, self.firsts))


def group_by_sentence(claims: list[Claim], sentences: Sentences) -> dict[int, list[Claim]]:
    """Claims keyed by the index of the sentence their start falls in (in their order)."""
    groups: dict[int, list[Claim]] = {}
    starts = sentences.starts
    for claim in claims:
        groups.setdefault(bisect_right(starts, claim[1]) - 1, []).append(claim)
    return groups


def claim_keys(claims: list[Claim]) -> list[str]:
    """The claims' local keys, as ``spans.claim_key`` gives them."""
    return [f"{label}@{start}-{end}" for label, start, end, _ in claims]


def other_keys(claim: Claim, targets: list[Claim], keys: list[str], distinct: bool) -> list[str]:
    """The keys of ``targets`` (``keys``, in their order) but ``claim``'s own, without repeats
    (``distinct``: none in ``keys``)."""
    if not distinct:
        pairs = zip(targets, keys, strict=True)
        return list(dict.fromkeys(key for other, key in pairs if other is not claim))
    links = keys.copy()
    if claim[0] in TARGET_TYPES:  # a statistic: one of the targets, found by equality
        del links[targets.index(claim)]  # no other target equals it: their keys differ
    return links


def attrs_of(claim: Claim) -> dict[str, Any]:
    """The claim's attributes (``claim_attrs``)."""
    return claim[3].get("claim_attrs") or {}


def sentence_support(sentence: list[Claim], following: list[Claim]) -> str | None:
    """``support_flag`` of the in-text citations of a claim's sentence and the next one (not
    reference entries), in one pass that stops at the first traceable one."""
    cited = False
    for claim in (*sentence, *following):
        if claim[0] == "citation":
            attrs = attrs_of(claim)
            if attrs.get("kind") != "reference_entry":
                if is_traceable(attrs):
                    return None
                cited = True
    return "untraceable_source" if cited else "uncited"


def support_flag(citations: list[Span] | list[dict[str, Any]]) -> str | None:
    """``uncited`` without citations; ``untraceable_source`` when none of them is traceable
    (citations as Spans or as their attributes)."""
    if not citations:
        return "uncited"
    if all(not is_traceable(citation) for citation in citations):
        return "untraceable_source"
    return None


def is_traceable(citation: Span | dict[str, Any]) -> bool:
    """A citation a reader can follow: not a vague appeal and marked traceable."""
    attrs = citation if isinstance(citation, dict) else _attrs(citation)
    return attrs.get("kind") != "vague" and bool(attrs.get("traceable", False))


def cue_flags(held: dict[str, set[int]], index: int) -> list[str]:
    """``anecdotal`` / ``advice`` when sentence ``index`` holds their cues (``held``:
    ``LinkTagger.cue_sentences``)."""
    if not held:
        return []  # a document without cues: most sentences are in one
    return [flag for label, flag in CUE_FLAGS if index in held.get(label, ())]


def claim_flags(
    claim: Claim, support: str | None, sentence_flags: list[str], boosted: bool
) -> list[str]:
    """All evidence-triage flags of one effect or statistic, from its sentence's
    ``support_flag``, ``cue_flags`` and whether it holds a booster cue."""
    flags = [support] if support else []
    if claim[0] == "effect":
        attrs = attrs_of(claim)
        if attrs.get("population") == "animal":
            flags.append("animal_evidence")
        flags.extend(sentence_flags)
        if attrs.get("boosters"):  # an effect's own boosters, not its sentence's
            flags.append("boosted")
        return flags
    flags.extend(sentence_flags)
    if boosted:
        flags.append("boosted")
    return flags


def _attrs(claim: Span) -> dict[str, Any]:
    return claim._.claim_attrs or {}


class LinkTagger(BatchedComponent):
    """Links effects and statistics to their sentence's claims and sets their flags."""

    def __init__(self, nlp: Language) -> None:
        register_extensions()
        # Cue token ranges by label: the flags ask whether a sentence holds a cue, never for
        # its text.
        self.cue_ranges = CueMatcher(nlp.make_doc, labels=("anecdote", "advice", "booster")).ranges

    def __call__(self, doc: Doc) -> Doc:
        entries = claim_entries(doc)
        if not LINKED_TYPES.isdisjoint(map(_LABEL, entries)):
            self.set_annotations(doc, entries)
        return doc

    def cue_sentences(self, doc: Doc, firsts: list[int]) -> dict[str, set[int]]:
        """The sentences holding a cue of each label, by index (``firsts``: the sentences'
        first tokens; a cue is in the sentence of its first token); labels without cues are
        left out."""
        # A bisection per cue (a few per document), not a look-up per sentence and label.
        return {
            label: {bisect_right(firsts, start) - 1 for start, _ in ranges}
            for label, ranges in self.cue_ranges(doc).items()
        }

    def set_annotations(self, doc: Doc, entries: list[Claim]) -> None:
        """Add links and flags to every effect and statistic of ``doc``."""
        # The claim store's tuples as they are: Span and Span._ access were this step's cost.
        sentences = Sentences(doc)
        groups = group_by_sentence(entries, sentences)
        held = self.cue_sentences(doc, sentences.firsts)
        boosted_sentences = held.get("booster", ())
        for index, members in groups.items():
            linked = [claim for claim in members if claim[0] in LINKED_TYPES]
            if not linked:
                continue
            support = sentence_support(members, groups.get(index + 1, []))
            # Cue flags and keys per sentence, not per claim: they are the same for all its
            # claims.
            sentence_flags = cue_flags(held, index)
            boosted = index in boosted_sentences
            targets = [claim for claim in members if claim[0] in TARGET_TYPES]
            targets.sort(key=_START_END)  # links in document order
            keys = claim_keys(targets)
            distinct = len(set(keys)) == len(keys)  # always for claims added by spans.add_claim
            for claim in linked:
                links = other_keys(claim, targets, keys, distinct)
                extend_claim(claim[3], links, claim_flags(claim, support, sentence_flags, boosted))


def extend_claim(entry: dict[str, Any], links: list[str], flags: list[str]) -> None:
    """``add_link``/``add_flag`` for many keys at once, on a claim's store entry
    (``spans.claim_entries``), keeping what is already there. ``links`` and ``flags`` are
    new lists without repeats: the entry keeps them when it has none yet (the usual case)."""
    if links:
        existing = entry.get("claim_links")
        entry["claim_links"] = _merged(existing, links) if existing else links
    if flags:
        existing = entry.get("claim_flags")
        entry["claim_flags"] = _merged(existing, flags) if existing else flags


def _merged(existing: list[str], new: list[str]) -> list[str]:
    merged = list(existing)
    merged.extend(item for item in new if item not in merged)
    return merged


@Language.factory("claimscope_links", assigns=["doc.spans"])
def make_link_tagger(nlp: Language, name: str) -> LinkTagger:
    """The links step: cross-claim links and evidence flags (see the module docstring)."""
    return LinkTagger(nlp)
