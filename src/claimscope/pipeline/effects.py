"""Effect claims: an intervention changes (or fails to change) a health outcome.

No parser is available (``spacy.blank("en")`` has no tagger), so effects are found from cue
lexicons and word lists, in the manner of rule-based causal-relation extractors:

1. A PhraseMatcher finds effect cues: verbs in all their forms (``reduces``, ``did not
   accelerate``, forms from spacy-lookups-data's lemma table, ``data/effect_verbs.json``) and
   phrases (``more effective than``, ``is associated with``, ``no effect on``,
   ``data/effect_phrases.jsonl``).
2. Walking left from the cue over a *gap* of auxiliaries, modals, negators, hedges, adverbs and
   frames (``appears to be a valuable method to``, ``is invasive,``) reaches the intervention,
   a noun phrase bounded by function words (with its opening gerund, ``Cutting down on
   sugar``, and ``of/to/at`` attachments, ``Exposure to smoke``); walking right reaches the
   outcome. Spans never start or end inside a hyphenated word. A cue's form
   must be licensed by its gap (``reduce`` needs ``can``/``did not``/``helps``; ``reducing``
   needs ``a treatment for``), which keeps noun uses (``pain relieving medication``) out.
   Passives (``pain was reduced by acupuncture``) swap the two sides; a cue after ``and``
   shares the intervention of the effect before it.
3. Strength follows Yu et al. (EMNLP 2019): association cues are correlational, hedged
   causal language conditional, plain causal verbs causal; denied effects have none.
4. A pronoun intervention (``it``, ``this``, ``this treatment``) is resolved to the latest
   intervention mention of its paragraph (lexicon ``data/effect_interventions.txt`` or an
   earlier effect), or to a later subject of the clause or sentence before (``Cold exposure
   is unpleasant, but it boosts …``) unless that subject is a condition claim (``Sciatica
   is common. It causes leg pain``); unresolvable ``it``/``they`` clauses are dropped.
5. Population: animal or human words in the sentence, else the document's study
   description (a sentence naming the study and its subjects) for findings that report it.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache, partial
from importlib import resources
from itertools import pairwise
from operator import itemgetter
from typing import Any

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from .component import BatchedComponent
from .cues import (
    CUE_LABELS,
    MEMO_SIZE,
    WORDS_BY_HASH,
    CueMatcher,
    TokenView,
    longest_ranges,
    normalise,
    sentence_starts,
)
from .spans import add_claim, claim_entries, register_extensions, token_offsets

_GLUE = frozenset({"-", "/", "+", "–", "‐"})
_OPENERS = frozenset({'"', "“", "‘", "'", "*", "_", "«"})
_INTENSIFIERS = frozenset({"too", "so", "very", "far"})
_CLAUSE_PUNCT = frozenset({",", ";", ":", "—", "–", "(", ")"})
_CLAUSE_PUNCT_RE = re.compile("[" + re.escape("".join(sorted(_CLAUSE_PUNCT))) + "]")
_LY_NOT_ADVERBS = frozenset({"family", "supply", "belly", "jelly", "italy", "ally", "anomaly"})
_INCREASE_WORDS = frozenset({"higher", "greater", "increased", "more", "elevated", "high"})
_DECREASE_WORDS = frozenset({"lower", "reduced", "decreased", "less", "fewer", "low"})
_IMPROVE_WORDS = frozenset({"better", "improved"})
_WORSEN_WORDS = frozenset({"worse", "poorer", "poor", "worsened"})
# The cue lists (cues.CUE_LABELS) effects read: clause hedges and boosters, populations, studies.
_CUE_LABELS = ("hedge", "booster", "animal", "human", "study", "reporting")


@dataclass(frozen=True)
class CueSpec:
    """What an effect cue means: its kind, direction and how its form must be licensed."""

    kind: str  # causal | frame | compare | association | no_effect
    direction: str
    form: str  # base | s | ed | ing | be | frame | have | any
    comparator: bool = False


@dataclass(frozen=True)
class WordLists:
    """The word lists of data/effect_words.json, as frozensets."""

    determiners: frozenset[str]
    joiners_left: frozenset[str]
    joiners_right: frozenset[str]
    be: frozenset[str]
    aux: frozenset[str]
    negators: frozenset[str]
    negation_heads: frozenset[str]
    gap: frozenset[str]
    base_licensors: frozenset[str]
    ing_licensors: frozenset[str]
    have_verbs: frozenset[str]
    frame_nouns: frozenset[str]
    association_adjectives: frozenset[str]
    pronouns: frozenset[str]
    resolvable_pronouns: frozenset[str]
    generic_nouns: frozenset[str]
    blockers: frozenset[str]
    not_interventions: frozenset[str]
    ing_nouns: frozenset[str]
    outcome_breaks: frozenset[str]
    to_heads: frozenset[str]
    gerund_particles: frozenset[str]
    time_nouns: frozenset[str]
    cue_adverbs: frozenset[str]
    inverse_adverbs: frozenset[str]
    frame_participles: frozenset[str]
    connectives: frozenset[str]
    stop: frozenset[str]
    # content[word] == is_content(word, self), remembered per word
    content: _Memo = field(init=False, repr=False, compare=False)
    # joiners_right | {"and", "or"}, built once rather than per phrase end
    joiners_right_or: frozenset[str] = field(init=False, repr=False, compare=False)
    # every word walk_gap steps over, bar -ly adverbs: one set test instead of six
    gap_any: frozenset[str] = field(init=False, repr=False, compare=False)
    # the words negation_cue starts from: a gap without them holds no negation
    negation_any: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "content", _Memo(lambda word: is_content(word, self)))
        object.__setattr__(self, "joiners_right_or", self.joiners_right | {"and", "or"})
        gap_any = self.gap | self.be | self.aux | self.negators | self.negation_heads
        object.__setattr__(self, "gap_any", gap_any | self.have_verbs)
        object.__setattr__(self, "negation_any", self.negators | self.negation_heads)


@dataclass(frozen=True)
class EffectLexicon:
    """Everything the effect component reads from data/, loaded once per process."""

    cues: dict[str, CueSpec]  # pattern text -> spec
    interventions: tuple[str, ...]
    words: WordLists


@lru_cache(maxsize=1)
def load_effect_lexicon() -> EffectLexicon:
    """Read the effect verbs, phrases, word lists and intervention lexicon from data/."""
    data = resources.files("claimscope") / "data"
    verbs = json.loads((data / "effect_verbs.json").read_text(encoding="utf-8"))["verbs"]
    cues: dict[str, CueSpec] = {}
    for entry in verbs.values():
        for form in ("base", "s", "ed", "ing"):
            for text in entry[form]:
                cues.setdefault(text, CueSpec("causal", entry["direction"], form))
    for line in (data / "effect_phrases.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            spec = CueSpec(row["kind"], row["direction"], row["form"], row.get("comparator", False))
            cues[row["pattern"]] = spec
    lexicon_text = (data / "effect_interventions.txt").read_text(encoding="utf-8")
    interventions = tuple(
        line.strip() for line in lexicon_text.splitlines() if line.strip() and line[0] != "#"
    )
    raw = json.loads((data / "effect_words.json").read_text(encoding="utf-8"))
    words = _word_lists(raw)
    return EffectLexicon(_with_split_cues(cues, words), interventions, words)


def _with_split_cues(cues: dict[str, CueSpec], words: WordLists) -> dict[str, CueSpec]:
    """The cues plus association cues split by an adverb (``correlated inversely with``);
    an inverse adverb turns the direction to ``decrease``."""
    out = dict(cues)
    for pattern, spec in cues.items():
        parts = pattern.split()
        if spec.kind != "association" or spec.form == "frame" or len(parts) != 2:
            continue
        for adverb in words.cue_adverbs:
            direction = "decrease" if adverb in words.inverse_adverbs else spec.direction
            split = f"{parts[0]} {adverb} {parts[1]}"
            out.setdefault(split, CueSpec(spec.kind, direction, spec.form, spec.comparator))
    return out


def _word_lists(raw: dict[str, Any]) -> WordLists:
    def words(key: str) -> frozenset[str]:
        return frozenset(raw[key])

    lists = {
        "determiners": words("determiners"),
        "joiners_left": words("np_joiners_left"),
        "joiners_right": words("np_joiners_right"),
        "be": words("be"),
        "aux": words("aux"),
        "negators": words("negators"),
        "negation_heads": words("negation_heads"),
        "gap": words("gap_words"),
        "base_licensors": words("base_licensors"),
        "ing_licensors": words("ing_licensors"),
        "have_verbs": words("have_verbs"),
        "frame_nouns": words("frame_nouns"),
        "association_adjectives": words("association_adjectives"),
        "pronouns": words("pronouns"),
        "resolvable_pronouns": words("resolvable_pronouns"),
        "generic_nouns": words("generic_nouns"),
        "blockers": words("blockers"),
        "not_interventions": words("not_interventions"),
        "ing_nouns": words("ing_nouns"),
        "outcome_breaks": words("outcome_breaks"),
        "to_heads": words("to_heads"),
        "gerund_particles": words("gerund_particles"),
        "time_nouns": words("time_nouns"),
        "cue_adverbs": words("cue_adverbs"),
        "inverse_adverbs": words("inverse_adverbs"),
        "frame_participles": words("frame_participles"),
        "connectives": words("connectives"),
    }
    # Function words bound noun phrases; a few spaCy stop words are content words here.
    stop = (
        (frozenset(STOP_WORDS) - words("keep_stop_words"))
        | lists["be"]
        | lists["aux"]
        | lists["negators"]
        | lists["pronouns"]
        | lists["blockers"]
        | words("verbs_stop")
        | frozenset({"and", "or", "but", "nor", "that", "which", "who", "by", "as", "than"})
    )
    return WordLists(**lists, stop=stop)


# Token i's word is _WORD[view.hashes[i]]: the process-wide memo, read by subscript (a per-doc
# memo by token index cost a Python call on every first read of a token, a third of reads).
_WORD = WORDS_BY_HASH


class EffectView(TokenView):
    """The shared TokenView with its per-token reads answered by subscripts and bound list
    methods, without a Python frame: token i's word is ``_WORD[view.hashes[i]]``.

    The walks below read the same tokens around each cue many times (a few hundred thousand
    reads per corpus). A view is read before the next one is made (``_WORD`` finds a new
    hash in the store of the latest view's doc).
    """

    __slots__ = ("end_char", "ends", "hashes", "whitespace")  # no __dict__ per doc

    def __init__(self, doc: Doc, lists: tuple[list[int], list[int], list[int], list[int]]) -> None:
        super().__init__(doc, lists)
        self.hashes = self.lower_hashes  # token i's word is _WORD[hashes[i]]
        _WORD.strings = self.strings  # where a hash new to the process is found
        self.ends = token_offsets(doc)[1]  # idx + len; cached for add_claim as well
        self.end_char = self.ends.__getitem__  # type: ignore[method-assign]
        # 1 or 0 for True or False: every caller reads it as a truth value.
        self.whitespace = self.space.__getitem__  # type: ignore[method-assign]

    def token_text(self, i: int) -> str:
        """token.text"""
        return self.text[self.idx[i] : self.ends[i]]


@dataclass(frozen=True)
class CueTokens:
    """Token indices where effect cues start, for bounding outcome phrases."""

    finite: frozenset[int]  # not bare base forms ("damage") nor frames ("therapy for")
    starts: frozenset[int]


# --- token helpers ----------------------------------------------------------------------------


def _prev(doc: EffectView, i: int, lo: int) -> int | None:
    """Index of the nearest non-space token before ``i`` (not before ``lo``)."""
    i -= 1
    if i < lo:
        return None
    # lower_.isspace() is is_space: two C calls on a remembered word, no memo frame.
    if not _WORD[doc.hashes[i]].isspace():
        return i  # the common case, told first: space tokens are rare
    while i >= lo and _WORD[doc.hashes[i]].isspace():
        i -= 1
    return i if i >= lo else None


def _next(doc: EffectView, i: int, hi: int) -> int | None:
    """Index of the nearest non-space token at or after ``i`` (before ``hi``)."""
    if i >= hi:
        return None
    if not _WORD[doc.hashes[i]].isspace():
        return i  # the common case, told first: space tokens are rare
    while i < hi and _WORD[doc.hashes[i]].isspace():
        i += 1
    return i if i < hi else None


def is_adverb(word: str) -> bool:
    """An -ly adverb ("actually", "specifically"), by suffix."""
    return len(word) > 4 and word.endswith("ly") and word not in _LY_NOT_ADVERBS


def is_content(word: str, words: WordLists) -> bool:
    """A word that can sit inside a noun phrase: has a letter or digit, not a function word."""
    # The set test first and ``isalnum`` before the per-character scan: most words decide fast.
    return word not in words.stop and (word.isalnum() or any(c.isalnum() for c in word))


class _Memo(dict):  # type: ignore[type-arg]
    """word -> a pure function's answer for it, filled on first use: the walks ask the same
    few hundred words over and over, and a dict hit costs no Python frame."""

    __slots__ = ("function",)

    def __init__(self, function: Any) -> None:
        super().__init__()
        self.function = function

    def __missing__(self, word: str) -> bool:
        if len(self) > MEMO_SIZE:
            self.clear()
        answer = self[word] = self.function(word)
        return answer


_ADVERB = _Memo(is_adverb)  # _ADVERB[word] == is_adverb(word)


def _is_glue(doc: EffectView, i: int) -> bool:
    """A hyphen or slash glued to both neighbours ("electro-acupuncture", "GI/renal")."""
    # The memoised lower-case form equals the text for these marks (as in _clause_start).
    return (
        _WORD[doc.hashes[i]] in _GLUE
        and not doc.whitespace(i)
        and i > 0
        and not doc.whitespace(i - 1)
        and i + 1 < len(doc)
    )


# --- gap: what may stand between the intervention and the cue ----------------------------------


def frame_start(
    doc: Doc | EffectView, noun: int, lo: int, words: WordLists, article_optional: bool = False
) -> int | None:
    """Start of ``<be> a|an|the <adjectives> <noun>`` ending at ``noun``, else None.

    Recognises evaluative frames such as ``is an efficient treatment`` and ``be a valuable
    method``, which bridge an intervention and the cue after the frame noun, and association
    frames (``is an established risk factor for``, ``are major risk factors for``: there the
    article is optional).
    """
    if not isinstance(doc, EffectView):  # EffectView.of, without its call on the hot path
        doc = EffectView.of(doc)
    i = _prev(doc, noun, lo)
    adjectives = 0
    while i is not None and adjectives < 4:
        word = _WORD[doc.hashes[i]]
        if word in ("a", "an", "the"):
            break
        if article_optional and word in words.be:
            return i
        if not (words.content[word] or _is_glue(doc, i) or word in words.frame_participles):
            return None
        adjectives += 1
        i = _prev(doc, i, lo)
    if i is None or _WORD[doc.hashes[i]] not in ("a", "an", "the"):
        return None
    j = _prev(doc, i, lo)
    while j is not None and _ADVERB[_WORD[doc.hashes[j]]]:
        j = _prev(doc, j, lo)
    if j is None or _WORD[doc.hashes[j]] not in words.be:
        return None
    return j


def walk_gap(doc: Doc | EffectView, cue: int, lo: int, words: WordLists) -> int:
    """First token of the gap before the cue at ``cue`` (``cue`` itself when there is none).

    The gap holds auxiliaries, modals, negators, hedges, -ly adverbs, evaluative frames
    (``is a valuable treatment for``) and a predicate list (``is invasive, can cause``).
    """
    if not isinstance(doc, EffectView):  # EffectView.of, without its call on the hot path
        doc = EffectView.of(doc)
    start, hashes = cue, doc.hashes
    i = cue - 1
    # Stepping left one token at a time (space tokens skipped here): no _prev call per word.
    while i >= lo:
        word = _WORD[hashes[i]]
        if word.isspace():
            i -= 1
            continue
        if word in ("to", "for"):
            noun = _prev(doc, i, lo)
            if noun is not None and _WORD[doc.hashes[noun]] in words.frame_nouns:
                begin = frame_start(doc, noun, lo, words)
                if begin is not None:
                    start, i = begin, begin - 1
                    continue
        if word in words.gap_any or _ADVERB[word]:
            start, i = i, i - 1
            continue
        if word == "and" and _ADVERB[_WORD[doc.hashes[start]]]:
            before = _prev(doc, i, lo)  # "independently and positively associated with"
            if before is not None and _ADVERB[_WORD[doc.hashes[before]]]:
                start, i = i, before
                continue
        if word == ",":
            adjective = _prev(doc, i, lo)
            be = _prev(doc, adjective, lo) if adjective is not None else None
            if (
                be is not None
                and _WORD[doc.hashes[be]] in words.be
                and words.content[_WORD[doc.hashes[adjective]]]
            ):
                start, i = be, be - 1
                continue
        break
    return start


def _gap_words(doc: EffectView, start: int, cue: int) -> list[str]:
    if start == cue:
        return []  # no gap: most cues
    # The words by one map over the range (no Python call a token); a space's word is blank.
    return [word for word in map(_WORD.__getitem__, doc.hashes[start:cue]) if not word.isspace()]


# The forms ``licensed`` rejects with an empty gap: each needs a licensing word in it.
_NEED_LICENSOR = frozenset({"base", "ing", "be", "have"})


def licensed(spec: CueSpec, gap: list[str], words: WordLists) -> bool:
    """Whether the cue's form fits its gap (``reduce`` needs a modal, ``did``, ``to``, …)."""
    if not gap:  # most cues: what the checks below give for no words
        return spec.form not in _NEED_LICENSOR
    core = [w for w in gap if not _ADVERB[w]]
    last = core[-1] if core else None
    if spec.form in ("s", "ed", "ing") and "to" in core:
        return False  # "related to damaged nerves": "to" bridges only to a base form
    if spec.form in ("s", "ed"):
        return last not in words.be  # a bare participle after "is" is a passive or adjective
    if spec.form == "base":
        if last == "to":
            return len(core) > 1
        return last in words.base_licensors
    if spec.form == "ing":
        return last in words.ing_licensors
    if spec.form == "be":
        return any(w in words.be for w in core)
    if spec.form == "have":
        return any(w in words.have_verbs for w in core)
    return True  # frame: checked by frame_start; any: "correlated with" is active or passive


# --- noun phrases ------------------------------------------------------------------------------


def left_np(doc: Doc | EffectView, end: int, lo: int, words: WordLists) -> tuple[int, int] | None:
    """The noun phrase ending just before token ``end``: ``[start, end)`` token range, or None.

    Function words bound it; a determiner ends it unless a preposition attaches a further
    phrase (``Application before the development of painful symptoms``, ``Exposure to
    smoke``). A gerund that opens the clause heads it (``Cutting down on sugar``, ``Standing
    desks``), a time phrase may close it (``… every day``), and it never starts inside a
    hyphenated word (``Once-weekly dosing``). A lone pronoun (``it``) is a phrase too.
    """
    if not isinstance(doc, EffectView):  # EffectView.of, without its call on the hot path
        doc = EffectView.of(doc)
    hashes = doc.hashes
    i = end - 1
    while i >= lo and _WORD[hashes[i]].isspace():
        i -= 1  # as _prev(doc, end, lo), without its call
    if i < lo:
        return None
    if _WORD[hashes[i]] in words.pronouns:
        # "it"/"this" may be resolved later; "that" (relative) or "they" cannot be.
        return (i, i + 1) if _WORD[hashes[i]] in words.resolvable_pronouns else None
    start: int | None = None
    # Stepping left one token at a time (space tokens skipped here): no _prev call per word.
    while i >= lo:
        word = _WORD[hashes[i]]
        if word.isspace():
            i -= 1
            continue
        head = start is None
        # "showing acupuncture": an -ing word before the head is a verb, unless a known noun or
        # it opens the phrase ("Standing desks", "the running shoes").
        in_phrase = words.content[word] and (
            head
            or not word.endswith("ing")
            or word in words.ing_nouns
            or _opens_phrase(doc, i, lo, words)
        )
        if in_phrase or (
            start is not None
            # _in_hyphenated's necessary condition first: most words touch no hyphen or slash
            and (
                word in _GLUE
                or _WORD[doc.hashes[start]] in _GLUE
                or (i > lo and _WORD[doc.hashes[i - 1]] in _GLUE)
            )
            and _in_hyphenated(doc, i, start, lo)
        ):
            start = i
        elif word in ("every", "each") and _time_phrase(doc, i, end, words):
            start = i  # "Drinking green tea every day"
        elif start is not None and word == "to" and _to_attaches(doc, i, lo, words):
            start = i
        elif start is not None and word in words.determiners:
            start = i
            attach = _prev(doc, i, lo)
            if attach is not None and _WORD[doc.hashes[attach]] in _INTENSIFIERS:
                start, attach = attach, _prev(doc, attach, lo)  # "Too much screen time"
            if attach is None or _WORD[doc.hashes[attach]] not in words.joiners_left:
                break
            if not _content_before(doc, attach, lo, words):
                break
            start, i = attach, attach - 1
            continue
        elif start is not None and word in words.joiners_left:
            if not _content_before(doc, i, lo, words):
                break
            start = i
        else:
            break
        i -= 1
    if start is None:
        return None
    start = _word_start(doc, _gerund_start(doc, start, lo, words), lo)
    return (start, _end_of(doc, start, end))


def _opens_phrase(doc: EffectView, i: int, lo: int, words: WordLists) -> bool:
    """Token ``i`` starts its sentence or follows punctuation, a determiner or ``that``."""
    before = _prev(doc, i, lo)
    if before is None:
        return True
    word = _WORD[doc.hashes[before]]
    return word in words.determiners or word == "that" or not any(c.isalnum() for c in word)


def is_gerund(word: str) -> bool:
    """An -ing verb form (``cutting``, ``taking``), not ``during``/``nothing``."""
    return len(word) > 4 and word.endswith("ing") and word.isalpha() and word not in STOP_WORDS


def _gerund_start(doc: EffectView, start: int, lo: int, words: WordLists) -> int:
    """``Cutting down on | sugar``, ``Taking | a daily aspirin``: the clause-opening gerund
    (and its particles) before a noun phrase starting at ``start``, else ``start``."""
    i = _prev(doc, start, lo)
    for _ in range(3):
        if i is None or _WORD[doc.hashes[i]] not in words.gerund_particles:
            break
        i = _prev(doc, i, lo)
    if i is not None and is_gerund(_WORD[doc.hashes[i]]) and _opens_phrase(doc, i, lo, words):
        return i
    return start


def _to_attaches(doc: EffectView, to: int, lo: int, words: WordLists) -> bool:
    """``Exposure to``, ``Listening to``: a ``to`` that attaches its phrase to the word before."""
    before = _prev(doc, to, lo)
    if before is None:
        return False
    word = _WORD[doc.hashes[before]]
    return word in words.to_heads or (is_gerund(word) and _opens_phrase(doc, before, lo, words))


def _time_phrase(doc: EffectView, i: int, end: int, words: WordLists) -> bool:
    """``every day``, ``each morning``: token ``i`` and one time noun, up to ``end``."""
    after = [word for word in map(_WORD.__getitem__, doc.hashes[i + 1 : end]) if not word.isspace()]
    return len(after) == 1 and after[0] in words.time_nouns


def _in_hyphenated(doc: EffectView, i: int, start: int, lo: int) -> bool:
    """Token ``i`` is a piece of a hyphenated word: a glue, or glued to one (``Once-``)."""
    return _is_glue(doc, i) or _glued_to(doc, i, start) or _after_glue(doc, i, lo)


def _glued_to(doc: EffectView, i: int, start: int) -> bool:
    """Token ``i`` is joined without space to a hyphen or slash at ``start`` (``Once-``)."""
    return (
        start == i + 1
        and _WORD[doc.hashes[start]] in _GLUE
        and not doc.whitespace(i)
        and any(c.isalnum() for c in doc.token_text(i))
    )


def _word_start(doc: EffectView, start: int, lo: int) -> int:
    """``start`` moved left to the start of its word: a span never starts inside a word."""
    while start > lo and not doc.whitespace(start - 1):
        if _WORD[doc.hashes[start]] not in _GLUE and _WORD[doc.hashes[start - 1]] not in _GLUE:
            break
        start -= 1
    return start


def _content_before(doc: EffectView, i: int, lo: int, words: WordLists) -> bool:
    before = _prev(doc, i, lo)
    return before is not None and words.content[_WORD[doc.hashes[before]]]


def _end_of(doc: EffectView, start: int, end: int) -> int:
    """``end`` pulled back over trailing spaces."""
    while end > start and _WORD[doc.hashes[end - 1]].isspace():
        end -= 1
    return end


def right_np(
    doc: Doc | EffectView,
    start: int,
    hi: int,
    words: WordLists,
    cue_tokens: CueTokens | None = None,
) -> tuple[int, int] | None:
    """The noun phrase starting at token ``start`` (after quotes and determiners), or None.

    ``of``/``from`` attach a further phrase, ``and``/``or`` join one that is not an effect
    cue, and an effect cue ends the phrase once it has a content word, as does a participle
    that opens a modifier (``following``, ``including``).
    """
    if not isinstance(doc, EffectView):  # EffectView.of, without its call on the hot path
        doc = EffectView.of(doc)
    stops = cue_tokens.finite if cue_tokens else frozenset()
    cue_starts = cue_tokens.starts if cue_tokens else frozenset()
    hashes = doc.hashes
    first: int | None = None
    last: int | None = None
    # Stepping right one token at a time (space tokens skipped here, and the quotes before the
    # phrase's first word): no _next call per word.
    for i in range(start, hi):
        word = _WORD[hashes[i]]
        if word.isspace():
            continue
        if first is None:
            if word in _OPENERS:  # lower-case form == text for these
                continue
            first = i
        if last is not None and i in stops:
            break
        if words.content[word]:
            if last is not None and word in words.outcome_breaks and not _is_glue(doc, i - 1):
                break  # "pain related to …" ends, "pain-related behaviour" goes on
            last = i
        elif (
            # _inside_phrase's necessary condition first: the word that ends most phrases is
            # no determiner, has a space after it and touches no hyphen or slash
            word in words.determiners
            or word in _GLUE
            or not doc.whitespace(i)
            or (i > first and _WORD[hashes[i - 1]] in _GLUE)
        ) and _inside_phrase(doc, i, first, last, words):
            pass
        elif last is not None and word in words.joiners_right_or:
            after = _next(doc, i + 1, hi)
            if after is None or after in stops or after in cue_starts:
                break
            nxt = _WORD[doc.hashes[after]]
            if not (words.content[nxt] or nxt in words.determiners):
                break
        else:
            break
    return None if first is None or last is None else (first, last + 1)


def _inside_phrase(doc: EffectView, i: int, first: int, last: int | None, words: WordLists) -> bool:
    """A leading determiner, one after ``of``/``and``, or a piece of a hyphenated word
    (``face-to-face``, ``in-person``)."""
    if _WORD[doc.hashes[i]] in words.determiners and (
        last is None or _after_joiner(doc, i, first, words)
    ):
        return True
    if not doc.whitespace(i) and i + 1 < len(doc) and _is_glue(doc, i + 1):
        return any(c.isalnum() for c in doc.token_text(i))  # "in-" of "in-person"
    return i > first and (_is_glue(doc, i) or _after_glue(doc, i, first))


def _after_glue(doc: EffectView, i: int, first: int) -> bool:
    return (
        i - 2 >= first
        and _WORD[doc.hashes[i - 1]] in _GLUE
        and not doc.whitespace(i - 1)
        and not doc.whitespace(i - 2)
        and any(c.isalnum() for c in doc.token_text(i))
    )


def _after_joiner(doc: EffectView, i: int, lo: int, words: WordLists) -> bool:
    before = _prev(doc, i, lo)
    return before is not None and _WORD[doc.hashes[before]] in words.joiners_right_or


# --- one effect ---------------------------------------------------------------------------------


@dataclass(slots=True)  # a few thousand per corpus: no __dict__ each
class Effect:
    """An effect found in a sentence, in token ranges (see ``attributes`` for the record)."""

    start: int  # span start token
    end: int  # span end token (exclusive)
    cue_end: int
    intervention: tuple[int, int] | None
    outcome: tuple[int, int] | None
    comparator: tuple[int, int] | None
    spec: CueSpec
    negation_cue: str | None = None
    pronoun: bool = False
    clause_start: int = 0
    resolved: tuple[int, int] | None = field(default=None)


def read_effect(
    doc: EffectView,
    cue: tuple[int, int],
    spec: CueSpec,
    sentence: tuple[int, int],
    words: WordLists,
    cue_tokens: CueTokens,
    previous: Effect | None,
) -> Effect | None:
    """The effect asserted around the cue ``cue`` (token range) of ``sentence``, or None."""
    lo, hi = sentence
    cue_start, cue_end = cue
    if spec.form == "ing" and _unlicensed_ing(doc, cue_start, lo, spec, previous, words):
        return None
    if spec.form == "frame":
        gap_start = frame_start(doc, cue_start, lo, words, spec.kind == "association")
        if gap_start is None:
            return None
        gap_start = walk_gap(doc, gap_start, lo, words)
    else:
        gap_start = walk_gap(doc, cue_start, lo, words)
    gap = _gap_words(doc, gap_start, cue_start)
    if spec.kind == "association" and not words.inverse_adverbs.isdisjoint(gap):
        spec = replace(spec, direction="decrease")  # "is inversely associated with"
    passive = _passive(doc, spec, gap, cue_end, hi, words)
    is_licensed = licensed(spec, gap, words)
    if (
        passive is None
        and not (is_licensed or (spec.form == "base" and not gap))
        and not _may_coordinate(spec, gap_start, previous)
    ):
        # Most cues end here ("treating", "therapy for"): an unlicensed form needs a plural
        # subject or a coordinated effect before it, so the phrase walks can be skipped.
        return None
    if spec.form == "base" and not gap and not _may_coordinate(spec, gap_start, previous):
        # A bare base form needs a plural subject, and left_np's phrase would end with the
        # word before the cue: without an -s there, no phrase walk can make it hold.
        head = _prev(doc, cue_start, lo)
        if head is None or not _is_plural(_WORD[doc.hashes[head]]):
            return None
    # negation_cue walks the gap token by token: asked only when a negation word is in it.
    negation = None
    if not words.negation_any.isdisjoint(gap):
        negation = negation_cue(doc, gap_start, cue_start, words)
    if spec.kind == "no_effect":
        negation = normalise(doc.span_text(cue_start, cue_end))
    if passive is not None:
        return _passive_effect(doc, passive, cue, spec, gap_start, sentence, words, negation)
    intervention = left_np(doc, gap_start, lo, words)
    if intervention is None:
        return _coordinated(doc, cue, spec, gap_start, hi, words, cue_tokens, previous)
    if not (is_licensed or _plural_subject(doc, spec, gap, intervention)):
        return None
    if not _plausible_intervention(doc, intervention, lo, words):
        return None
    effect = Effect(
        intervention[0], cue_end, cue_end, intervention, None, None, spec, negation,
        pronoun=_is_pronoun(doc, intervention, words), clause_start=intervention[0],
    )  # fmt: skip
    return _complete(doc, effect, hi, words, cue_tokens)


def _unlicensed_ing(
    doc: EffectView, cue: int, lo: int, spec: CueSpec, previous: Effect | None, words: WordLists
) -> bool:
    """An -ing cue that ``read_effect`` would drop as unlicensed, told from the word before it
    (the last gap word, if there is a gap) without walking the gap."""
    if not (
        previous is None
        or previous.intervention is None
        or previous.end > cue
        or spec.kind not in ("causal", "association")
    ):
        return False  # a coordinated effect is possible: let the full reading decide
    before = _prev(doc, cue, lo)
    if before is None:
        return True  # no gap: nothing licenses the form
    word = _WORD[doc.hashes[before]]
    return not _ADVERB[word] and word not in words.ing_licensors


def _plural_subject(doc: EffectView, spec: CueSpec, gap: list[str], part: tuple[int, int]) -> bool:
    """``Probiotics boost …``: a bare base form agrees with a plural subject."""
    return spec.form == "base" and not gap and _is_plural(_WORD[doc.hashes[part[1] - 1]])


def _is_plural(word: str) -> bool:
    return word.endswith("s") and not word.endswith("ss")


def _passive(
    doc: EffectView, spec: CueSpec, gap: list[str], cue_end: int, hi: int, words: WordLists
) -> int | None:
    """Token after ``by`` when the cue is a passive participle (``was reduced by``)."""
    if spec.form != "ed":
        return None
    core = [w for w in gap if not _ADVERB[w] and w not in words.negators]
    if not core or core[-1] not in words.be:
        return None
    by = _next(doc, cue_end, hi)
    return by + 1 if by is not None and _WORD[doc.hashes[by]] == "by" else None


def _passive_effect(
    doc: EffectView,
    after_by: int,
    cue: tuple[int, int],
    spec: CueSpec,
    gap_start: int,
    sentence: tuple[int, int],
    words: WordLists,
    negation: str | None,
) -> Effect | None:
    lo, hi = sentence
    outcome = left_np(doc, gap_start, lo, words)
    intervention = right_np(doc, after_by, hi, words)
    if outcome is None or intervention is None:
        return None
    if not _plausible_intervention(doc, intervention, lo, words):
        return None
    return Effect(
        outcome[0], intervention[1], cue[1], intervention, outcome, None, spec, negation,
        pronoun=False, clause_start=outcome[0],
    )  # fmt: skip


def _may_coordinate(spec: CueSpec, gap_start: int, previous: Effect | None) -> bool:
    """Whether ``_coordinated`` could find a second effect (its checks before any walk)."""
    if previous is None or previous.intervention is None or previous.end > gap_start:
        return False
    return spec.kind in ("causal", "association")


def _coordinated(
    doc: EffectView,
    cue: tuple[int, int],
    spec: CueSpec,
    gap_start: int,
    hi: int,
    words: WordLists,
    cue_tokens: CueTokens,
    previous: Effect | None,
) -> Effect | None:
    """``X restored motor function and stimulated a rapid recovery``: the second effect."""
    if previous is None or not _may_coordinate(spec, gap_start, previous):
        return None
    joiners = _joiners_between(doc, previous.end, gap_start)
    if not joiners:
        return None
    negation = previous.negation_cue if joiners[-1] in ("or", "nor") else None
    effect = Effect(
        previous.start, cue[1], cue[1], previous.intervention, None, None, spec,
        negation or negation_cue(doc, gap_start, cue[0], words), pronoun=previous.pronoun,
        clause_start=previous.clause_start, resolved=previous.resolved,
    )  # fmt: skip
    return _complete(doc, effect, hi, words, cue_tokens)


def _joiners_between(doc: EffectView, start: int, end: int) -> list[str] | None:
    """The ``and``/``or``/``nor`` of tokens ``[start, end)`` when, bar commas and -ly adverbs,
    they are all there is; else None (told at the first other word: the stretch between two
    cues is often long)."""
    joiners: list[str] = []
    for i in range(start, end):
        word = _WORD[doc.hashes[i]]
        if word in ("and", "or", "nor"):
            joiners.append(word)
        elif not (word == "," or word.isspace() or _ADVERB[word]):
            return None
    return joiners


def _complete(
    doc: EffectView, effect: Effect, hi: int, words: WordLists, cue_tokens: CueTokens
) -> Effect | None:
    """Find the outcome (and comparator) after the cue; None when a needed part is missing."""
    spec = effect.spec
    after = effect.cue_end
    if spec.kind == "compare":
        if spec.comparator:
            effect.comparator = right_np(doc, after, hi, words, cue_tokens)
            if effect.comparator is None:
                return None
            after = effect.comparator[1]
        effect.outcome = _compare_outcome(doc, after, hi, words, cue_tokens)
        effect.end = max(
            part[1] for part in (effect.comparator, effect.outcome, (0, after)) if part
        )
        return effect
    effect.outcome = right_np(doc, after, hi, words, cue_tokens)
    if effect.outcome is None:
        return None
    effect.end = effect.outcome[1]
    effect.comparator = _trailing_comparator(doc, effect.end, hi, words)
    if effect.comparator is not None:
        effect.end = effect.comparator[1]
    return effect


def _trailing_comparator(
    doc: EffectView, after: int, hi: int, words: WordLists
) -> tuple[int, int] | None:
    """``… reduced pain compared with usual care``: the comparator after an outcome."""
    i = _next(doc, after, hi)
    if i is None:
        return None
    word = _WORD[doc.hashes[i]]
    if word in ("compared", "relative"):
        prep = _next(doc, i + 1, hi)
        if prep is None or _WORD[doc.hashes[prep]] not in ("with", "to"):
            return None
        return right_np(doc, prep + 1, hi, words)
    if word in ("versus", "vs", "vs."):
        return right_np(doc, i + 1, hi, words)
    return None


def _compare_outcome(
    doc: EffectView, after: int, hi: int, words: WordLists, cue_tokens: CueTokens
) -> tuple[int, int] | None:
    """``… more effective than placebo in reducing pain``: the outcome after a comparison."""
    prep = _next(doc, after, hi)
    if prep is None or _WORD[doc.hashes[prep]] not in ("in", "at", "for"):
        return None
    start = prep + 1
    verb = _next(doc, start, hi)
    if verb is not None and verb in cue_tokens.finite and _WORD[doc.hashes[verb]].endswith("ing"):
        start = verb + 1
    return right_np(doc, start, hi, words, cue_tokens)


def negation_cue(doc: Doc | EffectView, start: int, cue: int, words: WordLists) -> str | None:
    """The negation in the gap ``[start, cue)``: ``did not``, ``failed to``, ``never``…"""
    if not isinstance(doc, EffectView):  # EffectView.of, without its call on the hot path
        doc = EffectView.of(doc)
    for i in range(start, cue):
        word = _WORD[doc.hashes[i]]
        if word in words.negation_heads:
            to = _next(doc, i + 1, cue)
            end = to + 1 if to is not None and _WORD[doc.hashes[to]] == "to" else i + 1
            return normalise(doc.span_text(i, end))
        if word in words.negators and word != "longer":
            first = i
            aux = _prev(doc, i, start)
            if aux is not None and (
                _WORD[doc.hashes[aux]] in words.aux or _WORD[doc.hashes[aux]] in words.be
            ):
                first = aux
            if word == "no":
                longer = _next(doc, i + 1, cue)
                if longer is not None and _WORD[doc.hashes[longer]] == "longer":
                    return normalise(doc.span_text(first, longer + 1))
            return normalise(doc.span_text(first, i + 1))
    return None


def _is_pronoun(doc: EffectView, part: tuple[int, int], words: WordLists) -> bool:
    first = _WORD[doc.hashes[part[0]]]
    if not (first in words.resolvable_pronouns or first in ("this", "that") or first.isspace()):
        return False  # most phrases: told from their first word without listing their words
    tokens = [
        word for word in map(_WORD.__getitem__, doc.hashes[part[0] : part[1]]) if not word.isspace()
    ]
    if len(tokens) == 1:
        return tokens[0] in words.resolvable_pronouns
    return len(tokens) == 2 and tokens[0] in ("this", "that") and tokens[1] in words.generic_nouns


def _plausible_intervention(
    doc: EffectView, part: tuple[int, int], lo: int, words: WordLists
) -> bool:
    """Not a study or a person (``Researchers``, ``we``), not inside ``if``/``whether``."""
    head = _WORD[doc.hashes[part[1] - 1]]
    if head in words.not_interventions:
        return False
    before = _prev(doc, part[0], lo)
    return before is None or _WORD[doc.hashes[before]] not in words.blockers


# --- attributes -------------------------------------------------------------------------------


def strength_of(spec: CueSpec, negated: bool, hedges: list[str]) -> str:
    """Claim strength after Yu et al. (EMNLP 2019)."""
    if negated:
        return "none"
    if spec.kind == "association":
        return "correlational"
    return "conditional" if hedges else "causal"


def direction_of(spec: CueSpec, doc: Doc | EffectView, outcome: tuple[int, int] | None) -> str:
    """The cue's direction; an association takes it from the outcome (``higher risk``)."""
    if spec.kind != "association" or outcome is None:
        return spec.direction
    if not isinstance(doc, EffectView):  # EffectView.of, without its call on the hot path
        doc = EffectView.of(doc)
    first = _WORD[doc.hashes[outcome[0]]]
    if first in ("a", "an", "the") and outcome[1] - outcome[0] > 1:
        first = _WORD[doc.hashes[outcome[0] + 1]]  # "a lower risk of …"
    for words, direction in (
        (_DECREASE_WORDS, "decrease"),
        (_IMPROVE_WORDS, "improve"),
        (_WORSEN_WORDS, "worsen"),
        (_INCREASE_WORDS, "increase"),
    ):
        if first in words:
            return direction
    return spec.direction


def _char_span(doc: EffectView, part: tuple[int, int] | None) -> dict[str, Any] | None:
    if part is None:
        return None
    # spans.text_span's shape, with offsets from the token view (no Token objects needed).
    start, end = doc.idx[part[0]], doc.ends[part[1] - 1]
    return {"text": doc.text[start:end], "start": start, "end": end}


# --- the component ------------------------------------------------------------------------------


class EffectTagger(BatchedComponent):
    """Tags effect claims (see the module docstring)."""

    def __init__(self, nlp: Language) -> None:
        register_extensions()
        self.lexicon = load_effect_lexicon()
        self.words = self.lexicon.words
        # One PhraseMatcher pass per doc finds the effect cues and every cue list: those the
        # effects read and those the links step reads from the doc after it (see
        # cues.CueMatcher.find), so neither step runs a pass of its own.
        effect_cues = {pattern: [nlp.make_doc(pattern)] for pattern in self.lexicon.cues}
        self.cue_matcher = CueMatcher(nlp.make_doc, labels=CUE_LABELS, extra=effect_cues)
        # A match id is its pattern's string hash: specs by hash skip the StringStore.
        strings = nlp.vocab.strings
        self.specs = {strings[pattern]: spec for pattern, spec in self.lexicon.cues.items()}
        self.intervention_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        patterns = [nlp.make_doc(text) for text in self.lexicon.interventions]
        self.intervention_matcher.add("INTERVENTION", patterns)
        # LOWER hashes of every word of the lexicon, to find where no mention can cross.
        self.intervention_words = frozenset(token.lower for doc in patterns for token in doc)

    def __call__(self, doc: Doc) -> Doc:
        matches = self.match(doc)
        if matches:
            self.set_annotations(doc, matches)
        return doc

    def match(self, doc: Doc) -> list[tuple[int, int, CueSpec]]:
        """The effect cues of ``doc``: longest, non-overlapping, in order."""
        # The matcher's output holds the cue lists' matches too.
        specs = self.specs
        found = [match for match in self.cue_matcher.find(doc) if match[0] in specs]
        if _in_order(found):  # nothing overlaps: every match is kept, already in order
            return [(start, end, specs[key]) for key, start, end in found]
        labels = {(start, end): key for key, start, end in reversed(found)}
        return [(start, end, specs[labels[start, end]]) for start, end in _longest_runs(labels)]

    def set_annotations(self, doc: Doc, matches: list[tuple[int, int, CueSpec]]) -> None:
        """Read the effect around each cue (``match``) and add it as a claim."""
        tokens = EffectView.of(doc)  # every token read below goes through the shared view
        # Token ranges of the sentences, as doc.sents gives them (without a Span each).
        # Without sentence annotation the view has no start after 0, which gives the one
        # sentence doc.sents would; Doc.has_annotation walks the tokens, so it is not asked.
        starts = sentence_starts(tokens)
        sentences = list(pairwise([*starts, tokens.n]))
        finite: list[int] = []  # cue starts that are not bare base forms nor frames
        ing_cues: list[int] = []  # a handful per doc: a list is searched as fast as a set
        for start, _, spec in matches:
            if spec.form not in ("base", "frame"):
                finite.append(start)
                if spec.form == "ing":
                    ing_cues.append(start)
        cue_tokens = CueTokens(
            finite=frozenset(finite), starts=frozenset([s for s, _, _ in matches])
        )
        effects: list[tuple[Effect, int]] = []
        taken_until = -1
        previous: Effect | None = None
        for start, end, spec in matches:
            if start < taken_until:
                continue  # inside the outcome of the effect before ("the healing process")
            index = bisect_right(starts, start) - 1
            sentence = sentences[index]
            if previous is not None and previous.start < sentence[0]:
                previous = None
            if spec.kind == "frame" and _next(tokens, end, sentence[1]) in ing_cues:
                continue  # "a treatment for accelerating …": the verb carries the effect
            effect = read_effect(
                tokens, (start, end), spec, sentence, self.words, cue_tokens, previous
            )
            if effect is None:
                continue
            if previous is None:
                effect.clause_start = sentence[0]
            elif effect.start != previous.start:
                effect.clause_start = previous.end  # hedges of the clause before stay there
            effects.append((effect, index))
            previous = effect
            taken_until = effect.end
        if not effects:
            return  # no cue reading held: the hedge/population cues are not needed
        self._resolve(doc, tokens, [e for e, _ in effects], sentences)
        cues = _EffectCues(self.cue_matcher.ranges(doc), tokens)
        populations = _populations(sentences, starts, cues, {index for _, index in effects})
        for effect, index in effects:
            self._add(doc, tokens, effect, sentences[index], cues, populations[index])

    def _resolve(
        self, doc: Doc, tokens: EffectView, effects: list[Effect], sentences: list[tuple[int, int]]
    ) -> None:
        """Point pronoun interventions at the latest intervention mention of their paragraph,
        or at a later subject of the clause or sentence before (``it``) unless a condition."""
        pending = [e for e in effects if e.pronoun and e.resolved is None and e.intervention]
        if not pending:
            return  # most documents have no pronoun intervention: skip the matcher
        # Only mentions before a pronoun count: the lexicon is matched up to the last one,
        # and from the paragraph of the first (see _mention_start).
        others = [e.intervention for e in effects if e.intervention and not e.pronoun]
        start = _mention_start(tokens, pending, others)
        found = self.intervention_matcher(doc[start : self._mention_cut(tokens, pending)])
        mentions = longest_ranges([(start, end) for _, start, end in found])
        mentions += others
        mentions.sort()
        conditions: list[tuple[int, int]] | None = None
        for effect in pending:
            pronoun, end = effect.intervention
            earlier = [m for m in mentions if m[1] <= pronoun]
            if earlier and same_paragraph(tokens, max(earlier)[1], pronoun):
                effect.resolved = max(earlier)
            subject = (
                antecedent(tokens, pronoun, sentences, self.words) if end == pronoun + 1 else None
            )
            if subject is None or (effect.resolved and subject[0] < effect.resolved[1]):
                continue
            if conditions is None:
                conditions = _condition_ranges(doc)
            chars = (tokens.idx[subject[0]], tokens.end_char(subject[1] - 1))
            # "Sciatica is common. It causes leg pain": "it" is the disease, not a treatment.
            is_condition = any(s < chars[1] and chars[0] < e for s, e in conditions)
            effect.resolved = None if is_condition else subject

    def _mention_cut(self, tokens: EffectView, pending: list[Effect]) -> int:
        """A token index at or after the last pending pronoun that no lexicon phrase holds:
        no mention crosses it, so the mentions before it (and the overlaps among them that
        ``longest_ranges`` settles) are those of the whole document."""
        cut = max(effect.intervention[0] for effect in pending if effect.intervention)
        hashes, words = tokens.lower_hashes, self.intervention_words
        while cut < tokens.n and hashes[cut] in words:
            cut += 1
        return cut

    def _add(
        self,
        doc: Doc,
        tokens: EffectView,
        effect: Effect,
        sentence: tuple[int, int],
        cues: _EffectCues,
        population: str | None,
    ) -> None:
        part = effect.intervention
        if effect.pronoun and effect.resolved is None and part and part[1] - part[0] == 1:
            return  # an unresolved "it" is as likely a disease as a treatment
        span_start = tokens.idx[effect.start]
        span_end = tokens.end_char(effect.end - 1)
        # Cues from the clause (in the sentence) to the span's end: by tokens, as cue start
        # characters in [scope, span_end) are cue start tokens in [scope token, effect.end).
        # The scope lies in [widest, effect.end): half the effects have no hedge or booster
        # there, and then no clause start is looked for; a label without a cue there has none
        # in the (narrower) clause either, and its texts are not looked for.
        widest = max(effect.clause_start, sentence[0])
        hedged = cues.holds("hedge", widest, effect.end)
        boosted = cues.holds("booster", widest, effect.end)
        hedges: list[str] = []
        boosters: list[str] = []
        if hedged or boosted:
            scope = max(_clause_start(tokens, effect.clause_start, effect.start), sentence[0])
            if hedged:
                hedges = cues.texts_in("hedge", scope, effect.end)
            if boosted:
                boosters = cues.texts_in("booster", scope, effect.end)
        negated = effect.negation_cue is not None
        # Most effects have no resolved intervention nor comparator: no call for those.
        attrs = {
            "intervention": _char_span(tokens, effect.intervention),
            "intervention_resolved": effect.resolved and _char_span(tokens, effect.resolved),
            "outcome": _char_span(tokens, effect.outcome),
            "comparator": effect.comparator and _char_span(tokens, effect.comparator),
            "direction": direction_of(effect.spec, tokens, effect.outcome),
            "negated": negated,
            "negation_cue": effect.negation_cue,
            "strength": strength_of(effect.spec, negated, hedges),
            "hedges": hedges,
            "boosters": boosters,
            "population": population,
        }
        add_claim(doc, "effect", span_start, span_end, attrs)


class _EffectCues:
    """The cues the effects read (hedges, boosters, population and study words) of one doc.

    The effect cue matcher's ``CueMatcher.ranges`` (per label the longest of overlapping
    matches), without a normalised text per match: the effects ask whether a few labels occur
    in a sentence, and for the texts of the hedges and boosters in their clauses, a small part
    of a document's cues. Positions are token indices (a cue starting at a token of a range
    starts at a character of it).
    """

    __slots__ = ("ranges", "tokens")

    def __init__(self, ranges: dict[str, list[tuple[int, int]]], tokens: EffectView) -> None:
        # label -> token ranges in document order, empty for a label without cues
        self.ranges = {label: ranges.get(label, []) for label in _CUE_LABELS}
        self.tokens = tokens

    def holds(self, label: str, start: int, end: int) -> bool:
        """Whether a ``label`` cue starts at a token of ``[start, end)``."""
        ranges = self.ranges[label]  # sorted by start, no two starting together: bisect
        if not ranges:
            return False  # most labels in most documents
        return bisect_left(ranges, (start,)) < bisect_left(ranges, (end,))

    def texts_in(self, label: str, start: int, end: int) -> list[str]:
        """Distinct normalised texts of the ``label`` cues starting at a token of
        ``[start, end)``, in document order."""
        ranges = self.ranges[label]
        found: list[str] = []
        for first, last in ranges[bisect_left(ranges, (start,)) : bisect_left(ranges, (end,))]:
            text = normalise(self.tokens.span_text(first, last))
            if text not in found:
                found.append(text)
        return found


def _populations(
    sentences: list[tuple[int, int]], starts: list[int], cues: _EffectCues, indices: set[int]
) -> dict[int, str | None]:
    """The population of each sentence in ``indices`` (by sentence index; ``starts``: the
    sentences' first tokens): its own animal or human words, else that of the study it
    reports: the latest study description (a sentence with a study cue and population words)
    before it, or for a sentence that reports a study (e.g. a lead paragraph) the first one
    after it."""
    if not (cues.ranges["animal"] or cues.ranges["human"]):
        # No population words in the document (most): no sentence has its own population,
        # and no study description names one, so there is nothing to look up.
        return dict.fromkeys(indices)
    # A sentence holds a label's cue when one starts at one of its tokens. The sentences of
    # the population and study cues as sets, a bisection per cue in C: a cue starting at token
    # t lies in the sentence whose index is the number of sentences after the first starting
    # at or before t.
    sentence_of = partial(bisect_right, starts[1:])

    def holding(label: str) -> set[int]:
        return set(map(sentence_of, map(itemgetter(0), cues.ranges[label])))

    animal, human = holding("animal"), holding("human")

    def own(index: int) -> str | None:  # animal or human from one sentence's words (animal wins)
        return "animal" if index in animal else "human" if index in human else None

    out: dict[int, str | None] = {}
    described: list[int] | None = None  # sentence indices of the descriptions, ascending
    found: list[str | None] = []  # their populations (none None)
    for index in indices:
        population = own(index)
        if population is None:
            if described is None:
                # Every sentence with a study cue is a description when it names subjects.
                described = sorted(holding("study") & (animal | human))
                found = [own(i) for i in described]
            before = bisect_left(described, index)  # descriptions in sentences before
            if before:
                population = found[before - 1]
            elif found and cues.holds("reporting", *sentences[index]):
                population = found[0]
        out[index] = population
    return out


def _mention_start(tokens: EffectView, pending: list[Effect], others: list[tuple[int, int]]) -> int:
    """Where the lexicon mentions that can resolve the pending pronouns start: after the last
    blank line before the first pronoun (a mention before it is the latest before a pronoun
    only when it lies in another paragraph, and then resolves nothing), or 0 when an effect's
    intervention (``others``) crosses that line (it might then become the latest)."""
    first = min(effect.intervention[0] for effect in pending if effect.intervention)
    start = _paragraph_start(tokens, first)
    return 0 if any(s < start <= e for s, e in others) else start


def _paragraph_start(doc: EffectView, token: int) -> int:
    """The token after the last blank line before ``token`` (0 when there is none): a space
    token holding two newlines, as ``same_paragraph`` tells it."""
    text, idx = doc.text, doc.idx
    at = text.rfind("\n", 0, idx[token])
    while at != -1:
        holder = bisect_right(idx, at) - 1  # a newline lies inside the token starting before it
        if doc.is_space(holder) and text.count("\n", idx[holder], at) >= 1:
            return holder + 1  # this newline and one before it in the same space token
        at = text.rfind("\n", 0, idx[holder])
    return 0


def _longest_runs(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """``longest_ranges`` of non-empty token ranges, settled run by run: a run is ranges
    chained by overlaps, and a range overlapping no other (most) is kept without the sort by
    length. The same ranges are kept: which of overlapping ranges wins depends only on the
    ranges of its run (no range overlaps one of another run)."""
    kept: list[tuple[int, int]] = []
    run: list[tuple[int, int]] = []
    reach = -1  # end of the run so far
    for start, end in sorted(ranges):
        if start >= reach and run:  # overlaps nothing before it: the run before is complete
            kept += run if len(run) == 1 else longest_ranges(run)
            run = []
        run.append((start, end))
        reach = max(reach, end)
    kept += run if len(run) == 1 else longest_ranges(run)
    return kept


def _in_order(matches: list[tuple[int, int, int]]) -> bool:
    """(key, start, end) matches sorted by start, none empty or overlapping the next."""
    end = -1
    for _, start, stop in matches:
        if start < end or stop <= start:
            return False
        end = stop
    return True


def _condition_ranges(doc: Doc) -> list[tuple[int, int]]:
    """Character ranges of the condition claims (unsorted: claims_of sorts every claim)."""
    return [(start, end) for label, start, end, _ in claim_entries(doc) if label == "condition"]


def antecedent(
    doc: Doc | EffectView, pronoun: int, sentences: list[tuple[int, int]], words: WordLists
) -> tuple[int, int] | None:
    """What ``it`` at token ``pronoun`` most likely names: the subject of the clause before
    (``Yoga is cheap and it …``), else the phrase closing it (``We love foam rolling because
    it …``), or for a sentence-initial ``it`` the subject of the sentence before."""
    if not isinstance(doc, EffectView):  # EffectView.of, without its call on the hot path
        doc = EffectView.of(doc)
    index = bisect_right([s for s, _ in sentences], pronoun) - 1
    lo = sentences[index][0]
    before = _prev(doc, pronoun, lo)
    if before is None or _sentence_adverb(doc, lo, before):
        if index == 0 or not same_paragraph(doc, sentences[index - 1][0], pronoun):
            return None
        lo = sentences[index - 1][0]
        return _subject(doc, lo, sentences[index - 1][1], words)
    if _WORD[doc.hashes[before]] not in words.connectives:
        return None
    comma = _prev(doc, before, lo)
    if comma is not None and _WORD[doc.hashes[comma]] == ",":
        before = comma  # "Cold exposure is unpleasant, but it …"
    clause = _clause_start(doc, lo, before)
    subject = _subject(doc, clause, before, words)
    if subject is not None:
        return subject
    first = _next(doc, clause, before)
    if first is None or _WORD[doc.hashes[first]] not in words.not_interventions:
        return None  # only a person ("We love X because it …") hands "it" to their object
    closing = left_np(doc, before, clause, words)
    if closing is None or not _candidate(doc, closing, clause, words):
        return None
    opener = _prev(doc, closing[0], clause)
    return None if opener is not None and _WORD[doc.hashes[opener]] in words.be else closing


def _sentence_adverb(doc: EffectView, lo: int, comma: int) -> bool:
    """``However, it …``: one or two words and a comma open the sentence."""
    if _WORD[doc.hashes[comma]] != ",":
        return False
    opening = [i for i in range(lo, comma) if not doc.is_space(i)]
    return len(opening) <= 2 and all(doc.token_text(i).isalpha() for i in opening)


def _subject(doc: EffectView, lo: int, hi: int, words: WordLists) -> tuple[int, int] | None:
    """The noun phrase opening ``[lo, hi)`` when it could be an intervention."""
    part = right_np(doc, lo, hi, words)
    return part if part is not None and _candidate(doc, part, lo, words) else None


def _candidate(doc: EffectView, part: tuple[int, int], lo: int, words: WordLists) -> bool:
    return not _is_pronoun(doc, part, words) and _plausible_intervention(doc, part, lo, words)


def _clause_start(doc: EffectView, lo: int, start: int) -> int:
    """After the last clause punctuation token in ``[lo, start)``: the scope of its hedges."""
    if start <= lo:
        return lo
    # Searched in the text (one regex call; most clauses have none), not token by token: a
    # mark is such a token when it is a one-character token of its own ("1,000" is not).
    idx, ends = doc.idx, doc.ends
    scope = lo
    for mark in _CLAUSE_PUNCT_RE.finditer(doc.text, idx[lo], idx[start]):
        at = mark.start()
        i = bisect_right(idx, at) - 1
        if idx[i] == at and ends[i] == at + 1:
            scope = i + 1
    return scope


def same_paragraph(doc: EffectView, start: int, end: int) -> bool:
    """No blank line between tokens ``start`` and ``end`` (a blank line ends a paragraph)."""
    if start >= end:
        return True
    text, idx = doc.text, doc.idx
    first, last = idx[start], doc.end_char(end - 1)
    if text.count("\n", first, last) < 2:
        return True  # no token of the range can hold a blank line
    # A blank line is a space token holding two newlines: visit the range's newlines (a
    # newline is never a token's trailing space, so it lies inside the token starting
    # before it), not its tokens.
    token, seen = -1, 0
    at = text.find("\n", first, last)
    while at != -1:
        holder = bisect_right(idx, at) - 1
        if holder != token:
            token, seen = holder, 1
        else:
            seen += 1
            if seen == 2 and doc.is_space(token):
                return False
        at = text.find("\n", at + 1, last)
    return True


@Language.factory("claimscope_effects", assigns=["doc.spans"])
def make_effect_tagger(nlp: Language, name: str) -> EffectTagger:
    """The effect component: intervention → outcome claims with strength and population."""
    return EffectTagger(nlp)
