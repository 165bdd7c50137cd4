"""Citation claims: in-text markers, reference-list entries, their resolution, vague appeals.

Matching runs compiled regular expressions over ``doc.text`` (no tokens needed) in this order:

1. **Reference list.** A heading (``References``, ``Bibliography``, ``Sources`` …) opens a
   block whose lines with a year, identifier or list number are entries; without a heading,
   the last run of at least two lines shaped like ``Authors, year, title`` / ``Authors (year).
   Title`` / ``1. Surname AB, …`` in the second half of the text is the block. Each entry is
   one ``reference_entry`` claim with parsed authors (family names, organisations whole),
   year, title, venue and identifiers. In-text matches inside an entry are not emitted.
2. **In-text citations** (``author_year``, ``source_year``, ``numeric``, ``venue``,
   ``identifier``); a later matcher skips ranges an earlier one took.
3. **Resolution**: an in-text citation resolves to the entry with the same first-author family
   name and year (numeric markers: the entry with that number); ``traceable`` follows CLAIMS.md.
4. **Vague appeals** (``Multiple RCTs confirm``): [determiner] [adjectives] evidence noun
   [auxiliaries] evidence verb, from ``data/citation_vague.json``. Span: the noun phrase and
   verb; an indefinite noun phrase with an adjective but no verb next to it
   (``A groundbreaking new study published in …``) is flagged alone. An appeal is not flagged
   when its sentence names a work (author-year, numeric or identifier citation), nor, for a
   definite noun phrase (``The authors concluded``), when such a citation precedes it in the
   same paragraph: it refers back to that work. A journal name alone (venue / source_year)
   does not identify a study, so ``A groundbreaking new study published in the Journal of …``
   gets both a ``venue`` and a ``vague`` claim.

Speed: a pattern that costs a try at every position (names, venues, appeals, headings) runs
only over windows around a literal every match holds ('(2019', 'et al', a venue word, a key
noun), found with ``str.find``; which literals a text holds at all comes from one split of the
lower-cased text (``KeyIndex``). Each window provably holds every match of the whole-text
scan, so the matches are the same. The appeal and fixed-phrase patterns share one set of
windows, the chains of lexicon words around their key words (``WordScope``), and what they
find in a chain is remembered per chain text (``ChainMatches``): chains recur across texts.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from itertools import filterfalse
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from .component import BatchedComponent
from .cues import sentence_starts
from .spans import (
    CASE_FOLD_TRAPS,
    add_claim,
    claim_key,
    doc_text,
    register_extensions,
    token_offsets,
)

LABEL = "citation"

# --- shared pieces ---------------------------------------------------------------------------

YEAR = r"(?:19|20)\d{2}"
_UPPER = "A-ZÀ-ÖØ-Þ"
_LOWER = "a-zß-öø-ÿ"
_PARTICLE = r"(?:(?:van|von|de|der|den|da|del|della|di|du|le|la|dos|das|ter|ten|el|bin)\s+)"
# A family name: capitalised, at least one lower-case letter (so initials are not names).
# The lookahead demands a lower-case letter without making the letter run ambiguous, which
# keeps backtracking linear on long runs of capitalised words.
SURNAME = (
    rf"{_PARTICLE}{{0,3}}(?=[{_UPPER}]['’]?[{_UPPER}{_LOWER}'’\-]*?[{_LOWER}])"
    rf"[{_UPPER}]['’]?[{_UPPER}{_LOWER}'’\-]*"
)
ACRONYM = rf"[{_UPPER}][{_UPPER}0-9&\-]+"
ET_AL = r"et\s+al(?:\.|\b)"
DASHES = "-‐‑‒–—"
_NUM_ITEM = rf"\d{{1,3}}(?:\s*[{DASHES}]\s*\d{{1,3}})?"
NUMBER_LIST = rf"{_NUM_ITEM}(?:\s*,\s*{_NUM_ITEM})*"

DOI_RE = re.compile(
    r"(?:https?://(?:dx\.)?doi\.org/|\bdoi:\s*|\bDOI:?\s*)?\b10\.\d{4,9}/[^\s\"<>\]]+",
    re.IGNORECASE,
)
PMID_RE = re.compile(r"\bPMID:?\s*(\d{1,9})\b")
PMCID_RE = re.compile(r"\b(?:PMCID:?\s*)?(PMC\d{4,9})\b")
URL_RE = re.compile(r"\b(?:https?://|www\.)[^\s<>\"'\]|]+", re.IGNORECASE)
_TRAILING = ".,;:!?'\"”’*"

SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUPER_DIGIT = str.maketrans(SUPERSCRIPTS, "0123456789")
SUPERSCRIPT_RE = re.compile(
    rf"(?<=[{_LOWER}{_UPPER}.,;:)\]”’\"'])([{SUPERSCRIPTS}]+(?:[⁻,˒‐–-][{SUPERSCRIPTS}]+)*)"
    rf"(?![{SUPERSCRIPTS}])"
)
_SUPERSCRIPT_DIGIT_RE = re.compile(f"[{SUPERSCRIPTS}]")
# Squares and cubes of units are not citations: m², cm³, kg/m².
_UNIT_BEFORE_RE = re.compile(r"(?:^|[^\w])(?:[a-zA-Zµμ]{1,2}|[a-z]+/[a-zA-Z]{1,2})$")


@dataclass(slots=True)
class Found:
    """A citation found in the text, before it becomes a claim."""

    start: int
    end: int
    kind: str
    attrs: dict[str, Any] = field(default_factory=dict)
    number: int | None = None  # reference-list number, for entries

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end


@dataclass(frozen=True)
class Lexicon:
    """The compiled patterns of one component instance, built from the data files."""

    headings_re: re.Pattern[str]
    heading_anchors: frozenset[str]  # lower-case words, one in every heading
    not_names: frozenset[str]
    venue_re: re.Pattern[str]
    venue_anchors: tuple[str, ...]  # every venue match contains one of these strings
    venue_keys: dict[str, tuple[str, ...]]  # anchor lower-cased -> the anchors
    scope_keys: frozenset[str]  # the keys of both word scopes
    key_index: KeyIndex  # scope and venue keys, heading anchors and identifier literals
    entry_lead_ins: tuple[str, ...]
    vague_re: re.Pattern[str]
    phrase_re: re.Pattern[str]
    # The same patterns over lower-cased text without IGNORECASE: several times faster, as the
    # regex engine then skips alternatives by their first character.
    vague_lower_re: re.Pattern[str]
    phrase_lower_re: re.Pattern[str]
    chain_matches: ChainMatches  # the lower-case patterns' spans per word-chain window
    definite: frozenset[str]
    vague_scope: WordScope
    phrase_scope: WordScope
    chain_scope: WordScope  # the union of both: its chains hold both scopes' chains
    one_word_phrases: frozenset[str]  # lower-case phrases without a space ('evidence-based')


def load_lexicon() -> Lexicon:
    """Read the citation data files and compile their patterns (once per component)."""
    data = resources.files("claimscope") / "data"
    lexicon = json.loads((data / "citation_lexicon.json").read_text(encoding="utf-8"))
    vague = json.loads((data / "citation_vague.json").read_text(encoding="utf-8"))
    vague_words = [vague[k] for k in ("definite_determiners", "indefinite_determiners")]
    vague_words += [vague[k] for k in ("adjectives", "nouns", "adverbs", "verbs")]
    vague_words.append(_INTERRUPTIONS)
    vague_scope = WordScope.build(vague["nouns"], [w for words in vague_words for w in words])
    # The evidence nouns are frequent: keyed on them, phrases would chain at every 'study'.
    nouns = [w.lower() for noun in vague["nouns"] for w in noun.split()]
    # Keys shared with the appeal scope cost no search of their own (the scopes' union).
    phrase_scope = WordScope.build(
        vague["phrases"], vague["phrases"], any_word=True, avoid=nouns, free=vague_scope.keys
    )
    scanned = (*vague_scope.keys, *phrase_scope.keys)
    anchors = _anchor_words(lexicon["venue_triggers"] + lexicon["venue_heads"])
    heading_anchors = _anchor_words(lexicon["reference_headings"], lower=True)
    vague_lower_re = _vague_pattern(_lowered_lists(vague), flags=0)
    phrase_lower_re = _alternation([p.lower() for p in vague["phrases"]])
    definite = frozenset(vague["definite_determiners"])
    return Lexicon(
        headings_re=_headings_pattern(lexicon["reference_headings"]),
        heading_anchors=frozenset(heading_anchors),
        not_names=frozenset(lexicon["not_names"]),
        venue_re=_venue_pattern(lexicon["venue_triggers"], lexicon["venue_heads"]),
        venue_anchors=anchors,
        venue_keys=_by_lower(anchors),
        scope_keys=frozenset(scanned),
        key_index=KeyIndex(
            (
                *scanned,
                *(a.lower() for a in anchors),
                *heading_anchors,
                *_IDENTIFIER_KEYS,
                *_NUMERIC_KEYS,
            )
        ),
        entry_lead_ins=tuple(lexicon["entry_lead_ins"]),
        vague_re=_vague_pattern(vague),
        phrase_re=_alternation(vague["phrases"], flags=re.IGNORECASE),
        vague_lower_re=vague_lower_re,
        phrase_lower_re=phrase_lower_re,
        chain_matches=ChainMatches(phrase_lower_re, vague_lower_re, definite),
        definite=definite,
        vague_scope=vague_scope,
        phrase_scope=phrase_scope,
        chain_scope=vague_scope.union(phrase_scope),
        one_word_phrases=frozenset(p.lower() for p in vague["phrases"] if len(p.split()) == 1),
    )


_FOLD_RISK = CASE_FOLD_TRAPS  # texts holding one take the slow path
_FOLD_RISK_RE = re.compile(f"[{_FOLD_RISK}]")  # the same set as a pattern (for the tests)


def _scopable(text: str, lowered: str, fold_risky: bool | None = None) -> bool:
    """True when matching ``lowered`` case-sensitively equals matching ``text`` with IGNORECASE
    for lexicons of ASCII letters: lower() maps every character onto one, and none of the
    characters IGNORECASE folds onto an ASCII letter apart from lower() is present
    (``fold_risky``: ``_fold_risky(text)``, when known)."""
    if fold_risky is None:
        fold_risky = _fold_risky(text)
    return len(lowered) == len(text) and not fold_risky


def _fold_risky(text: str) -> bool:
    """True when ``text`` holds a fold-risk character (never in ASCII text)."""
    return not text.isascii() and any(c in text for c in _FOLD_RISK)


def _lowered(text: str) -> str:
    """``text`` with its ASCII letters lower-cased (see ``_lowered_utf8``)."""
    return _lowered_utf8(text).decode("utf-8", "surrogatepass")


def _lowered_utf8(text: str) -> bytes:
    """The UTF-8 bytes of ``text`` with its ASCII letters lower-cased, which every scan of
    the lower-cased text treats as ``text.lower()``: the keys and lexicon words are ASCII (and
    superscripts), and (checked over all of Unicode in the tests) lower() maps no other
    character onto an ASCII letter, a superscript or a different length except the fold-risk
    ones, nor changes whether it is a word character, hyphen, space or comma. Unicode
    lower-casing costs a table look-up per character; the bytes of UTF-8 lower-case ASCII
    only, several times faster. A text holding a fold-risk character gets ``text.lower()``."""
    return _lower_utf8(text, _fold_risky(text))


def _lower_utf8(text: str, fold_risky: bool) -> bytes:
    """``_lowered_utf8(text)``, given ``_fold_risky(text)`` (its caller needs it too)."""
    if fold_risky or text.isascii():
        return text.lower().encode("utf-8", "surrogatepass")
    return text.encode("utf-8", "surrogatepass").lower()


_WORD_RUN = re.compile(r"[\w-]+")


@dataclass(frozen=True)
class WordScope:
    """Where the vague-appeal pattern can match: the chain of lexicon words around a key.

    Every element of a match (determiner, adjective, noun, adverb, verb, interruption) is a
    whole word of the lexicon, the elements separated by whitespace and commas only. So a match
    lies inside the chain of such words around any of its words, found by stepping word by word
    from each key hit (a key is a prefix of a word every match holds: its noun, or a word of the
    fixed phrase); the pattern runs only over those chains (plus the character after, for
    its lookaheads), which gives the same matches as ``finditer`` over the whole text. (Scoping
    by runs of allowed characters instead left a third of the text: the key nouns are frequent.)
    """

    keys: tuple[str, ...]  # lower-case prefixes; every match holds a word starting with one
    words: frozenset[str]  # every word of every entry, lower-case
    # From a hit at a word's start: the rest of its word (group 1), then the chain's further
    # words (no match inside a word); and over the reversed text, the chain's words before a
    # word's start. One regex call each instead of a step per word.
    forward_re: re.Pattern[str]
    backward_re: re.Pattern[str]
    key_set: frozenset[str]

    @classmethod
    def of_words(cls, keys: Iterable[str], words: Iterable[str]) -> WordScope:
        keys, words = tuple(sorted(set(keys))), frozenset(words)
        # chains() reads a hit's word as a run of [\w-]: a word with other characters (an
        # apostrophe, a full stop) would never start a chain, so refuse it in the lexicon.
        odd = sorted(w for w in words if not _WORD_RUN.fullmatch(w))
        if odd:
            raise ValueError(f"vague-appeal words must be word characters or '-': {odd}")
        return cls(
            keys,
            words,
            re.compile(rf"(?<![\w-])([\w-]*){_chain_steps(words)}"),
            re.compile(_chain_steps(w[::-1] for w in words)),
            frozenset(keys),
        )

    def union(self, other: WordScope) -> WordScope:
        """A scope whose chains hold both scopes' chains (the words and keys of both)."""
        return WordScope.of_words((*self.keys, *other.keys), self.words | other.words)

    @classmethod
    def build(
        cls,
        required: Iterable[str],
        entries: Iterable[str],
        any_word: bool = False,
        avoid: Iterable[str] = (),
        free: Iterable[str] = (),
    ) -> WordScope:
        """``required``: the entries one of which every match holds (by default through its
        last word, the head noun of 'clinical trials', rarer than its modifiers). ``free``:
        keys searched anyway (another scope's), used first wherever they cover an entry."""
        items = [item.lower().split() for item in required if item.strip()]
        chosen = [words if any_word else words[-1:] for words in items]
        keys = _prefix_keys(chosen, avoid, free)
        return cls.of_words(keys, (w.lower() for item in entries for w in item.split()))

    def windows(self, text: str, lowered: str) -> list[tuple[int, int]] | None:
        """(start, endpos) of the merged word chains holding a key, in order; None when the
        text cannot be scoped (case folding that str.lower() does not mirror)."""
        if not _scopable(text, lowered):
            return None
        return self.chains(lowered, Reversed(lowered), _key_positions(lowered, self.keys))

    def chains(
        self,
        lowered: str,
        reverse: Reversed,
        positions: dict[str, list[int]],
        lone_words: frozenset[str] | None = None,
    ) -> list[tuple[int, int]]:
        """``windows`` of a text known to be scopable, given lower-cased and reversed (built
        only when a key hits), and the positions of (at least) this scope's keys in it. With
        ``lone_words``, a chain of one word is left out unless it is one of them: it holds no
        appeal (a determiner, adjective or verb is a word of its own) and no phrase but a
        one-word one. Only a hit at the start of a lexicon word starts a chain: every match
        holds a whole lexicon word starting with a key (after a non-word character), whose
        own hit chains it."""
        hits = [at for key in self.key_set.intersection(positions) for at in positions[key]]
        if not hits:
            return []
        hits.sort()
        size = len(lowered)
        backwards = reverse()
        words = self.words
        forward, backward = self.forward_re.match, self.backward_re.match
        chains = []
        reached = -1
        for hit in hits:
            if hit < reached:
                continue  # inside an earlier chain, which holds this hit's chain
            # None inside a word (``[\w-]`` before it): the key word of a match starts with
            # its key.
            ahead = forward(lowered, hit)
            if ahead is None:
                continue
            word_end = ahead.end(1)
            word = lowered[hit:word_end]
            if word not in words:
                continue
            start = size - backward(backwards, size - hit).end()
            end = ahead.end()
            if end > reached:
                reached = end
            lone = start == hit and end == word_end
            if lone and lone_words is not None and word not in lone_words:
                continue
            chains.append((start, end + 1 if end < size else size))
        if not chains:
            return []
        chains.sort()
        merged = [chains[0]]
        for start, end in chains[1:]:
            if start < merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        return merged

    def finditer(
        self, pattern: re.Pattern[str], text: str, lowered: str
    ) -> Iterator[re.Match[str]]:
        """``pattern.finditer(text)``, run only where a match can be."""
        windows = self.windows(text, lowered)
        if windows is None:
            yield from pattern.finditer(text)
            return
        for start, end in windows:
            yield from pattern.finditer(text, start, end)


def _chain_steps(words: Iterable[str]) -> str:
    """The further words of a chain: any number of (whitespace or commas, then a whole word
    of ``words``). The words are a trie-shaped alternation, which the regex engine walks a
    character at a time instead of trying every word."""
    return rf"(?:[\s,]+{_trie(words)}(?![\w-]))*"


def _trie(words: Iterable[str]) -> str:
    """An alternation matching exactly ``words`` (non-empty), common prefixes factored out."""
    root: dict[str, Any] = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here
    return _trie_node(root)


def _trie_node(node: dict[str, Any]) -> str:
    branches = [re.escape(char) + _trie_node(node[char]) for char in sorted(node) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
    if "" not in node:
        return body
    return f"(?:{body})?"


def _prefix_keys(
    entries: list[list[str]], avoid: Iterable[str] = (), free: Iterable[str] = ()
) -> tuple[str, ...]:
    """Few prefixes such that every entry has a word starting with one of them. Greedy: the
    prefix (4+ letters, or a whole shorter word) of most entries, the longest among equals;
    prefixes of the ``avoid`` words (frequent ones) only where nothing else covers an entry.
    A key absent from a text costs nothing (KeyIndex); each hit of a present one a chain.
    The ``free`` keys (searched anyway) come first, for every entry they cover."""
    free_keys = {k for k in free if any(w.startswith(k) for ws in entries for w in ws)}
    entries = [ws for ws in entries if not any(w.startswith(k) for w in ws for k in free_keys)]
    candidates = {w[:n] for words in entries for w in words for n in range(4, len(w) + 1)}
    # Short words (frequent inside others) only for entries without a longer one ('RCT').
    candidates |= {w for words in entries if max(map(len, words)) < 4 for w in words}
    avoided = tuple(avoid)
    preferred = {c for c in candidates if not any(w.startswith(c) for w in avoided)}
    left = [words for words in entries if words]
    keys: list[str] = []
    while left:
        usable = [c for c in preferred if any(w.startswith(c) for ws in left for w in ws)]
        best = max(
            sorted(usable or candidates),
            key=lambda c: (sum(any(w.startswith(c) for w in words) for words in left), len(c)),
        )
        keys.append(best)
        left = [words for words in left if not any(w.startswith(best) for w in words)]
    return tuple(sorted({*keys, *free_keys}))


def _key_positions(
    lowered: str, keys: Iterable[str], present: set[str] | None = None
) -> dict[str, list[int]]:
    """Every position of each key found in the text (overlapping ones too); keys outside
    ``present`` (when given: the keys the text holds) are not searched. Absent keys have no
    entry (no empty list per key and text)."""
    find = lowered.find
    positions: dict[str, list[int]] = {}
    for key in keys if present is None else present.intersection(keys):
        at = find(key)
        if at < 0:
            continue
        found = positions[key] = []
        while at >= 0:
            found.append(at)
            at = find(key, at + 1)
    return positions


class KeyIndex:
    """Which of many short keys (no whitespace) a text holds, from its whitespace-separated
    words: a key lies inside one word, and words repeat across texts, so the answer per
    distinct word is remembered. One split of the text replaces a scan per key.

    The text comes as UTF-8 bytes: splitting them (on ASCII whitespace, coarser than str's
    split but never inside a key or a character) and hashing the pieces is cheaper than for
    str words, and a key lies inside a piece exactly when it lies inside its decoded text."""

    _LIMIT = 200_000  # remembered words, then start again (bounded memory)

    def __init__(self, keys: Iterable[str]) -> None:
        self.keys = tuple(sorted(set(keys)))
        self.without: set[bytes] = set()  # words holding no key
        self.holding: dict[bytes, tuple[str, ...]] = {}  # word -> the keys it holds
        # Whether a word holds any key, in one regex call: most new words hold none.
        self.holds_any = re.compile(_trie(self.keys)).search

    def present(self, data: bytes) -> set[str]:
        """The keys that the text whose UTF-8 bytes are ``data`` holds."""
        found: set[str] = set()
        holding = self.holding
        # Most words hold no key and were seen before: one C-level pass drops them.
        for word in set(filterfalse(self.without.__contains__, data.split())):
            keys = holding.get(word)
            if keys is None:
                keys = self._learn(word)
            found.update(keys)
        return found

    def _learn(self, word: bytes) -> tuple[str, ...]:
        """The keys a new word holds, remembered."""
        text = word.decode("utf-8", "surrogatepass")
        keys = tuple(k for k in self.keys if k in text) if self.holds_any(text) else ()
        if not keys:
            if len(self.without) > self._LIMIT:
                self.without.clear()
            self.without.add(word)
            return keys
        if len(self.holding) > self._LIMIT:
            self.holding.clear()
        self.holding[word] = keys
        return keys


def _by_lower(words: Iterable[str]) -> dict[str, tuple[str, ...]]:
    grouped: dict[str, tuple[str, ...]] = {}
    for word in words:
        grouped[word.lower()] = (*grouped.get(word.lower(), ()), word)
    return grouped


def _words(items: Iterable[str]) -> str:
    """An alternation of phrases, longest first, each phrase's spaces matching any whitespace."""
    parts = sorted({item.strip() for item in items if item.strip()}, key=len, reverse=True)
    return "|".join(r"\s+".join(re.escape(w) for w in p.split()) for p in parts)


def _alternation(items: Iterable[str], flags: int = 0) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-])(?:{_words(items)})(?![\w-])", flags)


def _anchor_words(phrases: Iterable[str], lower: bool = False) -> tuple[str, ...]:
    """Few words such that every phrase has a word containing one of them: a text holding
    none of them cannot match an alternation of the phrases. Greedy: the word found inside
    most phrases' words first, the longest among equals; short words (frequent in any text)
    only for phrases without a longer one."""
    fold = str.lower if lower else str
    phrase_words = [[fold(w) for w in p.split()] for p in phrases if p.strip()]
    chosen = {max(words, key=len) for words in phrase_words if max(map(len, words)) < 4}
    candidates = sorted({w for words in phrase_words for w in words if len(w) >= 4})

    def covered(i: int, word: str) -> bool:
        return any(word in w for w in phrase_words[i])

    left = [i for i in range(len(phrase_words)) if not any(covered(i, c) for c in chosen)]
    while left:
        best = max(candidates, key=lambda c: (sum(covered(i, c) for i in left), len(c)))
        chosen.add(best)
        left = [i for i in left if not covered(i, best)]
    return tuple(sorted(chosen))


def _headings_pattern(headings: list[str]) -> re.Pattern[str]:
    return re.compile(
        rf"^[ \t]*(?:#{{1,6}}[ \t]*)?(?:\*\*|__|\*)?(?:{_words(headings)})(?:\*\*|__|\*)?"
        r"[ \t]*:?[ \t]*$",
        re.IGNORECASE | re.MULTILINE,
    )


# A venue name: capitalised words joined by lower-case connectors, ending on a capitalised word.
_VENUE_WORD = rf"(?:[{_UPPER}][\w'’&\-]*|&)"
_VENUE_NAME = (
    rf"{_VENUE_WORD}(?:(?:\s+(?:of|and|for|in|on|the|de|&|in\s+the|of\s+the))*\s+{_VENUE_WORD})*"
)


def _venue_pattern(triggers: list[str], heads: list[str]) -> re.Pattern[str]:
    triggered = (
        rf"\b(?:{_words(triggers)})\s+(?:online\s+|recently\s+|today\s+)?"
        rf"(?:in|by)\s+(?:the\s+(?:journal\s+)?|journal\s+)?(?P<v1>[*_]?{_VENUE_NAME}[*_]?)"
    )
    tail = rf"(?:(?:\s+(?:of|and|for|in|on|the|de|&))*\s+{_VENUE_WORD})*"
    headed = rf"\b(?:in|from|by)\s+(?:the\s+)?(?P<v2>[*_]?(?:{_words(heads)}){tail}[*_]?)"
    return re.compile(f"{triggered}|{headed}")


# Words that may interrupt an appeal between its noun and verb: 'The researchers, however, found'.
_INTERRUPTIONS = ("however", "though", "too", "also", "in fact", "moreover", "therefore")


def _lowered_lists(data: dict[str, Any]) -> dict[str, Any]:
    return {k: [w.lower() for w in v] if isinstance(v, list) else v for k, v in data.items()}


def _vague_pattern(vague: dict[str, Any], flags: int = re.IGNORECASE) -> re.Pattern[str]:
    determiners = _words(vague["definite_determiners"] + vague["indefinite_determiners"])
    adjectives = _words(vague["adjectives"])
    nouns = _words(vague["nouns"])
    adverbs = _words(vague["adverbs"])
    verbs = _words(vague["verbs"])
    interruption = rf"(?:\s*,\s*(?:{_words(_INTERRUPTIONS)})\s*,)"
    return re.compile(
        rf"(?<![\w-])(?P<np>(?:(?P<det>{determiners})\s+)?(?P<adj>(?:(?:{adjectives}),?\s+)*)"
        rf"(?P<noun>{nouns}))(?![\w-])"
        rf"(?P<vp>{interruption}?(?:\s+(?:{adverbs}))*\s+(?P<verb>{verbs})(?![\w-]))?",
        flags,
    )


# --- identifiers -----------------------------------------------------------------------------


def _trim_identifier(text: str) -> str:
    """Drop sentence punctuation and an unbalanced closing bracket from a matched id or URL."""
    while text:
        if text[-1] in _TRAILING or (text[-1] == ")" and text.count("(") < text.count(")")):
            text = text[:-1]
        else:
            break
    return text


# Sets, not tuples: a set's isdisjoint/intersection with another set visits the smaller one
# (with a tuple it looks up every item, per text).
_IDENTIFIER_KEYS = frozenset({"10.", "pmid", "pmc", "://", "www."})


def find_identifiers(
    text: str, lowered: str | None = None, present: set[str] | None = None
) -> list[Found]:
    """DOIs (bare, ``doi:``, doi.org URLs), PMIDs, PMCIDs and other URLs in running text.

    ``present``: which of ``_IDENTIFIER_KEYS`` ``lowered`` holds, when known.
    """
    if present is not None and present.isdisjoint(_IDENTIFIER_KEYS):
        return []
    found: list[Found] = []
    # Each pattern runs only when a literal every match contains is in the text: the regular
    # expressions try their optional prefixes at every position, str.find does not.
    has_doi = "10." in text
    for match in DOI_RE.finditer(text) if has_doi else ():
        raw = _trim_identifier(match.group())
        doi = _DOI_CORE_RE.search(raw)
        if doi is None:
            continue
        ids = {"doi": doi.group()}
        if raw.lower().startswith("http"):
            ids["url"] = raw
        found.append(_identifier(match.start(), match.start() + len(raw), ids))
    for match in PMID_RE.finditer(text) if "PMID" in text else ():
        found.append(_identifier(match.start(), match.end(), {"pmid": match.group(1)}))
    for match in PMCID_RE.finditer(text) if "PMC" in text else ():
        found.append(_identifier(match.start(), match.end(), {"pmcid": match.group(1)}))
    has_url = "://" in text or "www." in (text.lower() if lowered is None else lowered)
    for match in URL_RE.finditer(text) if has_url else ():
        raw = _trim_identifier(match.group())
        end = match.start() + len(raw)
        if len(raw) > 8 and not any(f.overlaps(match.start(), end) for f in found):
            found.append(_identifier(match.start(), end, {"url": raw}))
    return sorted(found, key=lambda f: f.start)


def _identifier(start: int, end: int, ids: dict[str, str]) -> Found:
    return Found(start, end, "identifier", {"identifiers": ids, "traceable": True})


def identifiers_in(text: str) -> dict[str, str]:
    """All identifiers in a piece of text (e.g. one reference entry), first of each scheme."""
    ids: dict[str, str] = {}
    for found in find_identifiers(text):
        for scheme, value in found.attrs["identifiers"].items():
            ids.setdefault(scheme, value)
    return ids


# --- reference entries -----------------------------------------------------------------------

_MARKER_RE = re.compile(r"^\s*(?:\[(\d{1,3})\]|(\d{1,3})[.)])\s+")
_INITIALS = rf"[{_UPPER}](?:\.|(?![{_LOWER}]))(?:\s?-?[{_UPPER}](?:\.|(?![{_LOWER}])))*"
# A family name followed by initials: 'Qin Z.', 'Smith, J. A.', 'Smith JA', 'van der Berg K'.
_NAME_INITIALS_RE = re.compile(rf"(?<![\w'’])({SURNAME}),?\s+{_INITIALS}")
_ANY_YEAR_RE = re.compile(YEAR)
_YEAR_RE = re.compile(rf"(?<![\w/.])({YEAR})([a-z])?(?![\w/])")
# The author part of an author-date entry ends at its year: ', 2015,' '(2019).' ' 2019.'
_AUTHOR_DATE_TAIL = (
    rf"[,.]?\s*(?P<open>\()?(?P<year>{YEAR})(?P<suffix>[a-z])?"
    rf"(?(open)(?:,[^)]{{0,30}})?\))[.,:]?(?=\s|$)"
)
_AUTHOR_DATE_RE = re.compile(rf"^(?P<authors>[^\n]{{2,300}}?){_AUTHOR_DATE_TAIL}")
_AUTHOR_DATE_TAIL_RE = re.compile(_AUTHOR_DATE_TAIL)
_VANCOUVER_AUTHORS_RE = re.compile(
    rf"^(?P<authors>{SURNAME}\s+[{_UPPER}]{{1,3}}(?:,\s*{SURNAME}\s+[{_UPPER}]{{1,3}})*"
    rf"(?:,?\s+{ET_AL})?)\.\s+"
)
_CONNECTORS = frozenset(
    {"of", "for", "and", "the", "in", "on", "at", "de", "du", "des", "der", "van", "von", "la"}
    | {"le", "et", "al", "&", "to", "with", "from", "by"}
)
_SENTENCE_END_RE = re.compile(rf"(?<![\s{_UPPER}][{_UPPER}])(?<!\bal)[.?!](?=\s|$)")


def parse_reference_entry(text: str, lead_ins: tuple[str, ...] = ()) -> dict[str, Any]:
    """Authors, year, title, venue and identifiers of one reference entry, by style.

    Author-date styles (APA, Harvard, the comma style ``Qin Z., Liu X., 2015, Title, Venue``)
    have the year right after the authors; Vancouver (``Smith JA, Lee K. Title. Venue.
    2019;12:3``) has authors up to the first full stop and the year after the venue.
    """
    marker = _MARKER_RE.match(text)
    body = text[marker.end() :] if marker else text
    ids = identifiers_in(body)
    head = _author_date_head(body)
    if head is not None:
        authors_text, year, suffix, rest = head
    else:
        vancouver = _VANCOUVER_AUTHORS_RE.match(body)
        authors_text = vancouver.group("authors") if vancouver else ""
        rest = body[vancouver.end() :] if vancouver else body
        year_match = _YEAR_RE.search(_without_identifiers(rest))
        year, suffix = (year_match.group(1), year_match.group(2)) if year_match else (None, None)
    title, venue = _title_and_venue(rest, lead_ins, vancouver=head is None)
    attrs: dict[str, Any] = {
        "kind": "reference_entry",
        "authors": parse_author_names(authors_text),
        "year": int(year) if year else None,
        "title": title,
        "venue": venue,
        "identifiers": ids,
        "traceable": True,
    }
    if suffix:
        attrs["year_suffix"] = suffix
    return attrs


def _without_identifiers(text: str) -> str:
    for found in find_identifiers(text):
        text = text[: found.start] + " " * (found.end - found.start) + text[found.end :]
    return text


def _author_date_head(body: str) -> tuple[str, str, str | None, str] | None:
    """Split an author-date entry into (authors, year, suffix, rest), or None if not one."""
    match = _author_date_tail(body)
    if match is None or not _looks_like_authors(body[: match.start()]):
        return None
    return (
        body[: match.start()],
        match.group("year"),
        match.group("suffix"),
        body[match.end() :],
    )


def _author_date_tail(body: str) -> re.Match[str] | None:
    """The tail (separator, year …) of ``_AUTHOR_DATE_RE.match(body)``, its start the end of
    the authors group. That lazy group tries the tail after each of up to 300 characters, an
    attempt per character; but the tail opens with ``[,.]?\\s*\\(?`` and a year, so only the
    positions just before a '19' or '20' followed by two digits can start it, tried here in
    order: the first that matches is the regex's match."""
    limit = body.find("\n")  # the authors hold no line break
    limit = 300 if limit < 0 or limit > 300 else limit
    starts = set()
    for lead in ("19", "20"):
        at = body.find(lead, 2)
        while at >= 0:  # the separator's whitespace has no bound: every year counts
            if (digits := body[at + 2 : at + 4]).isdecimal() and len(digits) == 2:
                starts.update(range(_separator_start(body, at), at + 1))
            at = body.find(lead, at + 1)
    match = _AUTHOR_DATE_TAIL_RE.match
    for start in sorted(starts):
        if start > limit:
            break
        if start >= 2 and (found := match(body, start)) is not None:
            return found
    return None


def _separator_start(body: str, year: int) -> int:
    """Where the run before ``year`` that the tail's ``[,.]?\\s*\\(?`` can match begins."""
    at = year
    if at and body[at - 1] == "(":
        at -= 1
    while at and body[at - 1].isspace():
        at -= 1
    if at and body[at - 1] in ",.":
        at -= 1
    return at


def _looks_like_authors(text: str) -> bool:
    """An author list or organisation: capitalised, at most one lower-case content word."""
    text = text.strip(" ,.")
    if not text or not (text[0].isupper() or text[0] in "*_"):
        return False
    if _NOT_AUTHORS_RE.search(text):
        return False
    words = _AUTHOR_WORD_RE.findall(text)
    lower = [w for w in words if w[0].islower() and w not in _CONNECTORS]
    return len(lower) <= 1 and len(words) <= 40


def parse_author_names(text: str) -> list[str]:
    """Family names of an author list; an organisation (no initials) is one name, whole."""
    text = _ET_AL_RE.sub("", text).strip(" ,.;&")
    if not text:
        return []
    names = [m.group(1) for m in _NAME_INITIALS_RE.finditer(text)]
    if names:
        return names
    org = _BRACKETED_RE.sub("", text).strip(" ,.*_")
    parts = [p.strip(" ,.") for p in _NAME_SEPARATOR_RE.split(org) if p.strip(" ,.")]
    if len(parts) > 1 and all(_SURNAME_RE.fullmatch(p) for p in parts):
        return parts  # 'Smith, Jones and Lee' without initials
    return [org]


def _title_and_venue(
    rest: str, lead_ins: tuple[str, ...], vancouver: bool
) -> tuple[str | None, str | None]:
    """Title: the first sentence after the authors/year; venue: the piece after it."""
    rest = _without_identifiers(rest).strip(" .,:;)")
    if not rest:
        return None, None
    end = _SENTENCE_END_RE.search(rest)
    title = rest[: end.start()] if end else rest
    after = rest[end.end() :].strip() if end else ""
    venue: str | None = None
    if not vancouver and "," in title and (not after or after[0].isdigit()):
        # 'Title, Venue. 2015, p13' (the seeds' comma style): the venue is the last piece.
        title, venue = (part.strip() for part in title.rsplit(",", 1))
    elif after:
        venue_match = re.match(rf"[^.,;(\n]+?(?=\s*(?:[.,;(]|\s{YEAR}|\s\d|$))", after)
        venue = venue_match.group().strip() if venue_match else None
    title = _clean(title)
    venue = _clean(venue)
    if venue and (venue.startswith(lead_ins) or not venue[0].isupper()):
        venue = None
    return title, venue


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    text = text.strip(' .,;:*_"“”')
    return text or None


_LINE_RE = re.compile(r"[^\n]*\n?")


def _lines(text: str, start: int = 0) -> Iterator[tuple[int, int]]:
    """(start, end) of each line from ``start``, without the line break."""
    size = len(text)
    find = text.find
    while start < size:
        brk = find("\n", start)
        if brk < 0:
            yield start, start + len(text[start:].rstrip("\r\n"))
            return
        yield start, start + len(text[start:brk].rstrip("\r"))
        start = brk + 1


def _is_entry_shaped(line: str) -> bool:
    """Strict shape of a reference line, for lists without a heading."""
    if "|" in line or len(line) < 25 or len(line) > 2000 or not _ANY_YEAR_RE.search(line):
        return False  # both shapes below need a year
    marker = _MARKER_RE.match(line)
    body = line[marker.end() :] if marker else line
    if marker and _VANCOUVER_AUTHORS_RE.match(body) and _YEAR_RE.search(body):
        return True
    head = _author_date_head(body)
    if head is None:
        return False
    authors, _, _, rest = head
    rest = rest.strip()
    if not rest or not (rest[0].isupper() or rest[0] in "\"“*_'‘[0123456789"):
        return False
    first_word = _WORD_RE.match(authors)
    return first_word is not None and first_word.group() not in _HEADLESS_STOP


_HEADLESS_STOP = frozenset({"In", "On", "By", "Since", "From", "Copyright", "Updated", "Posted"})


def _is_loose_entry(line: str) -> bool:
    """Loose shape of a reference line, under a references heading."""
    stripped = line.strip()
    if not stripped or "|" in stripped or stripped.startswith(("©", "Copyright")):
        return False
    return bool(
        _YEAR_RE.search(stripped) or _MARKER_RE.match(stripped) or find_identifiers(stripped)
    )


def _entry_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim whitespace and trailing sentence punctuation off an entry's range."""
    chunk = text[start:end]
    stripped = chunk.rstrip(" \t\r\n.,;:")
    lead = len(chunk) - len(chunk.lstrip())
    return start + lead, start + len(stripped)


def find_reference_entries(
    text: str,
    lexicon: Lexicon,
    lowered: str | None = None,
    present: set[str] | None = None,
    backwards: Reversed | None = None,
    scopable: bool | None = None,
) -> list[Found]:
    """The entries of the document's reference list (see the module docstring).

    ``present``: the keys of ``lexicon.key_index`` that ``lowered`` holds, when known.
    ``backwards``: the text reversed, shared with other scans. ``scopable``:
    ``_scopable(text, lowered)``, when known.
    """
    lowered = text.lower() if lowered is None else lowered
    if not (_scopable(text, lowered) if scopable is None else scopable):
        headings: Iterable[re.Match[str]] = lexicon.headings_re.finditer(text)
    else:
        if present is None:
            anchors = {w for w in lexicon.heading_anchors if w in lowered}
        else:
            anchors = present.intersection(lexicon.heading_anchors)
        headings = ()  # most texts hold no heading word at all
        if anchors:
            reverse = Reversed(text) if backwards is None else backwards
            windows = _heading_windows(text, _key_positions(lowered, anchors), reverse)
            headings = _windowed(lexicon.headings_re, text, windows)
    ranges = []
    for heading in headings:
        ranges += _headed_block(text, heading.end())
    if not ranges:
        ranges = _headless_block(text)
    entries = []
    for start, end in ranges:
        start, end = _entry_span(text, start, end)
        if end > start:
            attrs = parse_reference_entry(text[start:end], lexicon.entry_lead_ins)
            marker = _MARKER_RE.match(text[start:end])
            number = int(marker.group(1) or marker.group(2)) if marker else None
            entries.append(Found(start, end, "reference_entry", attrs, number))
    if entries and all(e.number is None for e in entries):
        for position, entry in enumerate(entries, 1):
            entry.number = position  # an ordered list whose numbers were lost in extraction
    return entries


# What a heading line is made of: spaces and line breaks, markup, a colon, the heading's letters.
_HEADING_RUN_RE = re.compile(r"[\sA-Za-z#*_:]*")


def _heading_windows(
    text: str, anchors: dict[str, list[int]], reverse: Reversed
) -> list[tuple[int, int]]:
    """Ranges holding every heading match: the run of heading characters around each anchor
    word, widened to whole lines (the pattern's ``$`` would match at a range's end)."""
    positions = sorted(at for found in anchors.values() for at in found)
    if not positions:
        return []
    size = len(text)
    backwards = reverse()
    windows = []
    for at in positions:
        start = size - _HEADING_RUN_RE.match(backwards, size - at).end()
        end = _HEADING_RUN_RE.match(text, at).end()
        brk = text.find("\n", end)
        windows.append((text.rfind("\n", 0, start) + 1, size if brk < 0 else brk))
    return windows


def _headed_block(text: str, start: int) -> list[tuple[int, int]]:
    """Entry ranges after a heading: loose entry lines, hanging continuations joined."""
    entries: list[list[int]] = []
    previous_blank = True
    for line_start, line_end in _lines(text, start):
        line = text[line_start:line_end]
        if not line.strip():
            previous_blank = True
            continue
        continuation = entries and not previous_blank and _is_continuation(line)
        if continuation:
            entries[-1][1] = line_end
        elif _is_loose_entry(line):
            entries.append([line_start, line_end])
        elif entries or not previous_blank:
            break
        previous_blank = False
    return [(s, e) for s, e in entries]


def _is_continuation(line: str) -> bool:
    stripped = line.lstrip()
    return bool(
        (line[:1] in " \t" and not _MARKER_RE.match(line))
        or stripped[:1].islower()
        or stripped.lower().startswith(("doi", "http", "pmid", "pmcid", "available"))
    )


def _headless_block(text: str) -> list[tuple[int, int]]:
    """The last run of >= 2 entry-shaped lines (blank lines between allowed) in the second half."""
    runs: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    half = len(text) // 2
    # Lines starting before the half are never entries: start at the first line after it.
    first = half if half == 0 or text[half - 1] == "\n" else text.find("\n", half) + 1
    if first == 0 and half:
        return []
    # Only lines with a year can be entry-shaped: visit those, and let any other non-blank
    # line between two of them end a run.
    previous_end = first
    for line_start, line_end in _year_lines(text, first):
        if current and text[previous_end:line_start].strip():
            runs.append(current)
            current = []
        if _is_entry_shaped(text[line_start:line_end]):
            current.append((line_start, line_end))
        elif current:
            runs.append(current)
            current = []
        previous_end = line_end
    if current:
        runs.append(current)
    runs = [run for run in runs if len(run) >= 2]
    return runs[-1] if runs else []


def _year_lines(text: str, start: int) -> Iterator[tuple[int, int]]:
    """(start, end) of each line from ``start`` (a line start) holding a year, in order."""
    line_end = -1
    for year_start, year_end in _years(text, start):
        if year_start < line_end:
            continue  # a second year on the line
        line_start = text.rfind("\n", start, year_start) + 1 or start
        brk = text.find("\n", year_end)
        line_end = len(text) if brk < 0 else brk
        yield line_start, line_start + len(text[line_start:line_end].rstrip("\r"))


def _years(text: str, start: int) -> Iterator[tuple[int, int]]:
    """(start, end) of each match of ``_ANY_YEAR_RE.finditer(text, start)``: a match is
    tried only where '19' or '20' begins (found with str.find, not a try at every position),
    in order, skipping those inside the previous match, as finditer does."""
    find = text.find
    candidates = []
    for lead in ("19", "20"):
        at = find(lead, start)
        while at >= 0:
            candidates.append(at)
            at = find(lead, at + 1)
    candidates.sort()
    end = -1
    for at in candidates:
        # The pattern's two further digits (``\d``: a Unicode decimal digit, as isdecimal()
        # tests), without a regex call per candidate.
        if at >= end and len(digits := text[at + 2 : at + 4]) == 2 and digits.isdecimal():
            end = at + 4
            yield at, end


# --- in-text citations -----------------------------------------------------------------------

_AUTHORS = (
    rf"(?P<authors>{SURNAME}(?:\s+{ET_AL}|(?:\s*,\s*{SURNAME}){{0,8}}\s*,?\s+(?:and|&)\s+{SURNAME}"
    rf"(?:\s+{ET_AL})?)?)"
)
_LOCATOR = r"(?:,\s*(?:pp?\.|pages?|para\.|chap\.|ch\.)\s*\d+(?:\s*[-–]\s*\d+)?)"
_NARRATIVE_RE = re.compile(
    rf"(?<![\w'’]){_AUTHORS}(?:['’]s)?\s*\((?P<year>{YEAR})(?P<suffix>[a-z])?"
    rf"(?:,\s*{YEAR}[a-z]?)*{_LOCATOR}?\)"
)
_YEAR_PAREN_RE = re.compile(rf"\({YEAR}")
_ET_AL_RE = re.compile(ET_AL)
_WORD_BEFORE_RE = re.compile(r"([^\s]+)\s+$")
_BARE_ET_AL_RE = re.compile(
    rf"(?<![\w'’])(?P<authors>{SURNAME}\s+{ET_AL}),?\s+(?P<year>{YEAR})(?P<suffix>[a-z])?(?!\w)"
)
_NAMED_NUMERIC_RE = re.compile(
    rf"(?<![\w'’])(?P<authors>{SURNAME}(?:\s+{ET_AL}|\s+(?:and|&)\s+{SURNAME})?)"
    rf"\s*\[(?P<numbers>{NUMBER_LIST})\]"
)
_NUMERIC_RE = re.compile(rf"\[(?P<numbers>{NUMBER_LIST})\]")
# A bracket (no bracket or line break inside) that holds a year, as every parenthetical item
# needs one: the lookahead drops the others without a Python test each (no bracket holds
# another, so the brackets kept are the same as when filtering all brackets afterwards).
_YEAR_BRACKET_RE = re.compile(rf"\((?=[^()\n]*{YEAR})([^()\n]{{4,400}})\)")
_PAREN_ITEM_RE = re.compile(
    rf"^(?P<who>.+?),?\s+(?P<year>{YEAR})(?P<suffix>[a-z])?(?:,\s*{YEAR}[a-z]?)*{_LOCATOR}?$"
)
_ITEM_PREFIX_RE = re.compile(
    r"^(?:see\s+also|see|e\.g\.,?|cf\.|i\.e\.,?|as\s+reviewed\s+in|reviewed\s+in|as\s+cited\s+in"
    r"|cited\s+in|for\s+example,?|for\s+a\s+review,?\s+see)\s+",
    re.IGNORECASE,
)
_ORG_ABBR_RE = re.compile(rf"^(?P<org>[{_UPPER}][^\[\],;]+?)\s*\[(?P<abbr>{ACRONYM})\]$")
_TITLE_PART_RE = re.compile(
    rf"^[*_]?(?:[{_UPPER}0-9][\w'’&.\-]*|&)(?:\s+(?:(?:[{_UPPER}0-9][\w'’&.\-]*|&)"
    r"|of|and|for|in|on|the|de))*[*_]?$"
)


# Patterns of the per-match helpers, compiled once (a module-level re call costs a cache look-up).
_DOI_CORE_RE = re.compile(r"10\.\d{4,9}/\S+")
_NOT_AUTHORS_RE = re.compile(r"[|:;!?()]|https?:")
_AUTHOR_WORD_RE = re.compile(r"[^\W\d_][\w'’\-]*")
_BRACKETED_RE = re.compile(r"\s*\[[^\]]*\]")
_NAME_SEPARATOR_RE = re.compile(r"\s*(?:,|&|\band\b)\s*")
_SURNAME_RE = re.compile(SURNAME)
_WORD_RE = re.compile(r"[\w'’\-]+")
_TWO_CAPITALS_RE = re.compile(f"[{_UPPER}]{{2}}")
_ACRONYM_RE = re.compile(ACRONYM)
_PIECE_RE = re.compile(r"[^;]+")
_AUTHORS_RE = re.compile(_AUTHORS)
_DASH_RE = re.compile(rf"\s*[{DASHES}]\s*")
_NON_WORD_RE = re.compile(r"[^\w]")


def find_author_year(
    text: str, not_names: frozenset[str], backwards: Reversed | None = None
) -> list[Found]:
    """Narrative (``Qin et al. (2015)``), bare (``Stafford et al., 2007``) and parenthetical
    (``(Smith 2019; Lee et al., 2020a)``, one claim per item) author-date citations, and
    source-date ones (``(JAMA Internal Medicine, 2022)``).

    ``backwards``: the text reversed, shared with other scans (built when first needed)."""
    found: list[Found] = []
    # The name patterns cost a try at every word: they run only over windows around their
    # anchors ('(2019', 'et al'), which hold every match (see the window functions).
    backwards = Reversed(text) if backwards is None else backwards
    has_paren = "(" in text  # both narrative and parenthetical citations hold one
    windows = _narrative_windows(text, backwards) if has_paren else []
    for match in _windowed(_NARRATIVE_RE, text, windows):
        authors = match.group("authors")
        if _is_name(authors, not_names) and not _inside_title(text, match.start(), authors):
            found.append(_author_found(match, "author_year"))
    for match in _YEAR_BRACKET_RE.finditer(text) if has_paren else ():
        found.extend(_parenthetical(match, not_names))
    for match in _windowed(_BARE_ET_AL_RE, text, _bare_windows(text, backwards)):
        if _is_name(match.group("authors"), not_names):
            found.append(_author_found(match, "author_year"))
    return _first_wins(found)


_NAME_CHARS = rf"{_UPPER}{_LOWER}'’\-"
# Read backwards from a narrative citation's '(': [‘s] [al.] then the author list's characters.
_NARRATIVE_BACK_RE = re.compile(rf"[\s'’s]*\.?[{_NAME_CHARS}\s,&]*")
# Read backwards from a bare citation's 'et al': spaces, the family name, at most three
# particles (lower-case words) before it.
_BARE_BACK_RE = re.compile(rf"\s*[{_NAME_CHARS}]*(?:\s+[a-z]+){{0,3}}")
_COMMA_SPACE_RE = re.compile(r",?\s*")


def _narrative_windows(text: str, backwards: Reversed) -> list[tuple[int, int]]:
    """Ranges holding every narrative citation: from the start of the author-list characters
    before each '(year' to the next ')'."""
    size = len(text)
    windows = []
    for anchor in _YEAR_PAREN_RE.finditer(text):
        close = text.find(")", anchor.end())
        if close >= 0:
            at = anchor.start()
            back = _NARRATIVE_BACK_RE.match(backwards(), size - at).end()
            windows.append((size - back, close + 1))
    return windows


def _bare_windows(text: str, backwards: Reversed) -> list[tuple[int, int]]:
    """Ranges holding every bare citation: from the name characters before each 'et al' to
    the year after it, plus one character for the closing lookahead."""
    size = len(text)
    windows = []
    for anchor in _ET_AL_RE.finditer(text):
        at = anchor.start()
        year_at = _COMMA_SPACE_RE.match(text, anchor.end()).end()
        start = size - _BARE_BACK_RE.match(backwards(), size - at).end()
        windows.append((start, min(size, year_at + 6)))
    return windows


class Reversed:
    """A text reversed, built on first call: several scans read backwards from anchors, and
    a text without anchors needs no copy."""

    __slots__ = ("text", "value")

    def __init__(self, text: str) -> None:
        self.text = text
        self.value: str | None = None

    def __call__(self) -> str:
        if self.value is None:
            self.value = self.text[::-1]
        return self.value


def _windowed(
    pattern: re.Pattern[str], text: str, windows: list[tuple[int, int]]
) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)`` when every match lies inside one of the windows (with the
    characters its lookarounds need): overlapping windows are merged and scanned in order."""
    if not windows:
        return
    windows.sort()
    start, end = windows[0]
    for next_start, next_end in windows[1:]:
        if next_start < end:
            end = max(end, next_end)
        else:
            yield from pattern.finditer(text, start, end)
            start, end = next_start, next_end
    yield from pattern.finditer(text, start, end)


def _inside_title(text: str, start: int, authors: str) -> bool:
    """True when a lone name follows a capitalised word mid-sentence: 'Sciatic Nerve Study (2019)'
    is a title, not a narrative citation of an author called Study."""
    if _ET_AL_RE.search(authors):
        return False
    before = _WORD_BEFORE_RE.search(text, max(0, start - 40), start)
    if before is None:
        return False
    word = before.group(1)
    return word[:1].isupper() and word[-1] not in '.!?:;"”)' and word not in _SENTENCE_OPENERS


_SENTENCE_OPENERS = frozenset(
    {"As", "In", "By", "For", "From", "Like", "Unlike", "Per", "And", "But", "While", "When"}
    | {"Dr", "Drs", "Prof", "Professor", "Mr", "Mrs", "Ms"}
)


def _is_name(authors: str, not_names: frozenset[str]) -> bool:
    """False for words that cannot open an author list: stop words, acronyms ('NSAIDs')."""
    first = _first_word(authors)
    return first not in not_names and _TWO_CAPITALS_RE.search(first) is None


def _first_word(text: str) -> str:
    match = _WORD_RE.match(text)
    return match.group() if match else ""


def _author_found(match: re.Match[str], kind: str) -> Found:
    authors = match.group("authors")
    attrs: dict[str, Any] = {
        "kind": kind,
        "authors": parse_author_names(authors),
        "year": int(match.group("year")),
    }
    if match.group("suffix"):
        attrs["year_suffix"] = match.group("suffix")
    if _ACRONYM_RE.fullmatch(authors):
        attrs.update(kind="source_year", authors=[], venue=authors)
    return Found(match.start(), match.end(), attrs["kind"], attrs)


def _parenthetical(match: re.Match[str], not_names: frozenset[str]) -> list[Found]:
    inner_start = match.start(1)
    pieces = list(_PIECE_RE.finditer(match.group(1)))
    found = []
    for piece in pieces:
        raw = piece.group()
        lead = len(raw) - len(raw.lstrip())
        item = raw.strip()
        prefix = _ITEM_PREFIX_RE.match(item)
        if prefix:
            lead += prefix.end()
            item = item[prefix.end() :]
        attrs = _parse_item(item, not_names)
        if attrs is None:
            continue
        start = inner_start + piece.start() + lead
        end = start + len(item)
        if len(pieces) == 1 and not prefix:
            start, end = match.start(), match.end()  # a lone item keeps its brackets
        found.append(Found(start, end, attrs["kind"], attrs))
    return found


def _parse_item(item: str, not_names: frozenset[str]) -> dict[str, Any] | None:
    """One ``who, year`` item of a parenthetical citation, or None when it is not one."""
    match = _PAREN_ITEM_RE.match(item)
    if match is None:
        return None
    who = match.group("who").strip(" ,")
    starts_capital = who[:1].isupper() or who[:1] in "*_"
    first = _first_word(who.lstrip("*_"))
    # 'The' opens journal names ('The Lancet', 'The BMJ') but no author list.
    if not starts_capital or (first in not_names and not (first == "The" and " " in who)):
        return None
    attrs: dict[str, Any] = {"year": int(match.group("year"))}
    if match.group("suffix"):
        attrs["year_suffix"] = match.group("suffix")
    if _AUTHORS_RE.fullmatch(who) and not _ACRONYM_RE.fullmatch(who):
        return {"kind": "author_year", "authors": parse_author_names(who), **attrs}
    org = _ORG_ABBR_RE.match(who)
    if org:
        return {"kind": "author_year", "authors": [org.group("org").strip()], **attrs}
    venues = [p.strip() for p in who.split(",") if _TITLE_PART_RE.match(p.strip())]
    if not venues:
        return None
    return {"kind": "source_year", "venue": venues[-1].strip("*_"), **attrs}


_NUMERIC_KEYS = frozenset({"[", *SUPERSCRIPTS})  # a set: see _IDENTIFIER_KEYS


def find_numeric(
    text: str, not_names: frozenset[str] = frozenset(), present: set[str] | None = None
) -> list[Found]:
    """Bracketed reference numbers (``[3]``, ``[1, 4–6]``, ``Smith et al. [12]``) and unicode
    superscript markers after a word or punctuation (not after units: ``m²``).

    ``present``: which of ``_NUMERIC_KEYS`` ``text.lower()`` holds, when known.
    """
    found: list[Found] = []
    if present is not None and present.isdisjoint(_NUMERIC_KEYS):
        return found
    # A named marker holds a bare one; superscripts need a superscript digit.
    has_marker = "[" in text and _NUMERIC_RE.search(text) is not None
    for match in _NAMED_NUMERIC_RE.finditer(text) if has_marker else ():
        numbers = expand_numbers(match.group("numbers"))
        if numbers and _is_name(match.group("authors"), not_names):
            attrs = {"authors": parse_author_names(match.group("authors")), "numbers": numbers}
            found.append(Found(match.start(), match.end(), "numeric", attrs))
    for match in _NUMERIC_RE.finditer(text) if has_marker else ():
        numbers = expand_numbers(match.group("numbers"))
        if numbers:
            found.append(Found(match.start(), match.end(), "numeric", {"numbers": numbers}))
    has_superscript = not text.isascii() and _SUPERSCRIPT_DIGIT_RE.search(text) is not None
    for match in SUPERSCRIPT_RE.finditer(text) if has_superscript else ():
        if _UNIT_BEFORE_RE.search(text[max(0, match.start() - 12) : match.start()]):
            continue
        digits = match.group(1).translate(_SUPER_DIGIT).replace("⁻", "-").replace("˒", ",")
        numbers = expand_numbers(digits)
        if numbers:
            found.append(Found(match.start(), match.end(), "numeric", {"numbers": numbers}))
    return _first_wins(found)


def expand_numbers(text: str, max_range: int = 50) -> list[int]:
    """'1, 4–6' -> [1, 4, 5, 6]; empty for reversed, zero or implausibly long ranges."""
    numbers: list[int] = []
    for part in text.split(","):
        bounds = _DASH_RE.split(part.strip())
        low, high = int(bounds[0]), int(bounds[-1])
        if low < 1 or high < low or high - low > max_range:
            return []
        numbers.extend(range(low, high + 1))
    return numbers


def find_venues(
    text: str,
    lexicon: Lexicon,
    present: set[str] | None = None,
    backwards: Reversed | None = None,
) -> list[Found]:
    """Journal names introduced as a source: ``published in the Journal of …``, ``in The
    Lancet``. The span is the venue name alone.

    ``present``: which lower-cased anchors ``text.lower()`` holds, when known: an anchor is
    looked for only when it is there ignoring case. ``backwards``: the text reversed, shared.
    """
    candidates = lexicon.venue_anchors
    if present is not None:
        keys = lexicon.venue_keys
        # The keys view & a set visits the smaller side (set.intersection(dict) every key).
        candidates = tuple(a for key in keys.keys() & present for a in keys[key])
        if not candidates:
            return []  # most short texts: no anchor, no venue
    anchors = _key_positions(text, candidates)
    found = []
    reverse = Reversed(text) if backwards is None else backwards
    for match in _anchored_finditer(lexicon.venue_re, text, anchors, reverse):
        group = "v1" if match.group("v1") else "v2"
        start, end = match.span(group)
        name = text[start:end]
        if name.strip("*_") in lexicon.not_names or len(name.strip("*_")) < 3:
            continue
        found.append(Found(start, end, "venue", {"venue": name.strip("*_")}))
    return found


# The characters a venue match is made of: words, spaces, '&', apostrophes, hyphens, markup.
_VENUE_RUN_RE = re.compile(r"[\w\s&'’\-*_]*")


def _anchored_finditer(
    pattern: re.Pattern[str], text: str, anchors: dict[str, list[int]], reverse: Reversed
) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)`` for the venue pattern, run only over the runs of venue
    characters that hold an anchor word: a match is one such run's substring and holds a
    trigger or head word, and the character after a run cannot continue a match."""
    positions = [at for found in anchors.values() for at in found]
    if not positions:
        return
    positions.sort()
    size = len(text)
    backwards = reverse()
    reached = -1
    for at in positions:
        if at < reached:
            continue  # in the run already scanned
        start = size - _VENUE_RUN_RE.match(backwards, size - at).end()
        reached = _VENUE_RUN_RE.match(text, at).end()
        yield from pattern.finditer(text, start, reached)


def _first_wins(found: list[Found]) -> list[Found]:
    """Drop every match that overlaps an earlier one in the list."""
    if len(found) < 2:
        return found
    kept: list[Found] = []
    occupied = Occupied()
    for item in found:
        if not occupied.overlaps(item.start, item.end):
            occupied.add(item.start, item.end)
            kept.append(item)
    return kept


class Occupied:
    """Disjoint character ranges taken so far, with overlap checks in O(log n).

    Checking each new match against every kept one made dense texts quadratic.
    """

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_right(self.starts, start)
        if i and self.ends[i - 1] > start:
            return True
        return i < len(self.starts) and self.starts[i] < end

    def add(self, start: int, end: int) -> None:
        i = bisect_right(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)


# --- resolution ------------------------------------------------------------------------------


def _name_key(name: str) -> str:
    return _NON_WORD_RE.sub("", name).casefold()


_ABBREVIATION_RE = re.compile(
    rf"(?P<name>[{_UPPER}][\w'’\-]*(?:\s+(?:of|for|and|the|on|[{_UPPER}][\w'’\-]*)){{1,8}})"
    rf"\s*[\[(](?P<abbr>{ACRONYM})[\])]"
)

_BRACKETED_ACRONYM_RE = re.compile(rf"[\[(]{ACRONYM}[\])]")


def find_abbreviations(text: str) -> dict[str, str]:
    """Organisation abbreviations defined in the text: 'World Health Organization [WHO]'.

    Kept only when the acronym's letters are the initials of the name's last words.
    """
    found: dict[str, str] = {}
    # The name pattern costs a try at every capital: it runs only over the name characters
    # before each bracketed acronym (the rarer part), which hold every match.
    windows = []
    size = len(text)
    backwards = None
    for acronym in _BRACKETED_ACRONYM_RE.finditer(text):
        backwards = text[::-1] if backwards is None else backwards
        at = acronym.start()
        windows.append((size - _ABBR_BACK_RE.match(backwards, size - at).end(), acronym.end()))
    for match in _windowed(_ABBREVIATION_RE, text, windows):
        abbr = match.group("abbr")
        words = [w for w in match.group("name").split() if w[0].isupper()]
        initials = "".join(w[0] for w in words[-len(abbr) :])
        if initials == abbr:
            found[_name_key(abbr)] = " ".join(words[-len(abbr) :])
    return found


_ABBR_BACK_RE = re.compile(r"[\w'’\-\s]*")


def resolve(
    citations: list[Found], entries: list[Found], abbreviations: dict[str, str] | None = None
) -> dict[int, Found]:
    """Map each in-text citation (by list index) to its reference entry.

    Author-date and source-date citations match on first-author family name (an organisation's
    whole name, or the venue of a source citation) and year, the year's letter picking among
    several; numeric ones on the entry number (the first number of the marker).
    """
    if not entries:
        return {}
    by_author: dict[tuple[str, int], list[Found]] = {}
    for entry in entries:
        authors = entry.attrs.get("authors") or []
        year = entry.attrs.get("year")
        if authors and year:
            by_author.setdefault((_name_key(authors[0]), year), []).append(entry)
    by_number = {e.number: e for e in entries if e.number is not None}
    resolved: dict[int, Found] = {}
    for index, citation in enumerate(citations):
        attrs = citation.attrs
        if citation.kind == "numeric":
            entry = by_number.get(attrs["numbers"][0])
        else:
            name = _name_key((attrs.get("authors") or [attrs.get("venue") or ""])[0])
            name = _name_key((abbreviations or {}).get(name, name))
            candidates = by_author.get((name, attrs.get("year") or 0), [])
            entry = _pick(candidates, attrs.get("year_suffix"))
        if entry is not None:
            resolved[index] = entry
    return resolved


def _pick(candidates: list[Found], suffix: str | None) -> Found | None:
    if not candidates:
        return None
    if suffix:
        for candidate in candidates:
            if candidate.attrs.get("year_suffix") == suffix:
                return candidate
        position = ord(suffix) - ord("a")
        return candidates[position] if position < len(candidates) else None
    return candidates[0]


# --- vague appeals ---------------------------------------------------------------------------


def _vague_candidates(
    text: str,
    lexicon: Lexicon,
    lowered: str | None = None,
    positions: dict[str, list[int]] | None = None,
    scopable: bool | None = None,
) -> list[Span3]:
    """Appeals to evidence with no source (the noun phrase and its verb, or a fixed phrase),
    as (start, end, definite). ``positions``: where (at least) the vague scopes' keys occur in
    ``lowered``, if known; ``scopable``: ``_scopable(text, lowered)``, when known."""
    lowered = text.lower() if lowered is None else lowered
    if scopable is None:
        scopable = _scopable(text, lowered)
    phrases, appeals = _vague_spans(lexicon, text, lowered, positions, scopable)
    if not phrases:
        # The appeals alone cannot overlap: finditer's matches, in order, over disjoint
        # windows (a span is its match or the start of it).
        return appeals
    kept: list[Span3] = []
    occupied = Occupied()
    for span in phrases + appeals:
        if not occupied.overlaps(span[0], span[1]):
            occupied.add(span[0], span[1])
            kept.append(span)
    return kept


_ONE = frozenset({"a", "an", "one"})
Span3 = tuple[int, int, bool]  # start, end, definite


def _appeal_span(match: re.Match[str], definite: frozenset[str]) -> Span3 | None:
    """The span of an appeal match and whether its noun phrase is definite; None when it is
    not flagged (no verb, and not an indefinite noun phrase with an adjective)."""
    det, adj, verb = match.group("det", "adj", "verb")
    det = (det or "").casefold()
    if verb:
        end = match.end()
    elif det in _ONE and adj.strip():
        end = match.end("np")  # 'a groundbreaking new study', its verb out of reach
    else:
        return None
    return match.start(), end, " ".join(det.split()) in definite


def _vague_spans(
    lexicon: Lexicon,
    text: str,
    lowered: str,
    positions: dict[str, list[int]] | None,
    scopable: bool,
) -> tuple[list[Span3], list[Span3]]:
    """The fixed-phrase and appeal spans. When the text allows it the patterns run over the
    lower-cased word chains around key words (same spans), remembered per chain text.

    Both patterns run over the chains of the two scopes' union, each of which holds the
    chains of either scope around its hits (and starts and ends on a word boundary), so they
    still hold every match. A chain of one word is skipped unless it is a one-word phrase:
    an appeal of one word has no verb and no determiner, so it is never flagged.
    """
    definite = lexicon.definite
    if not scopable:
        phrases = [(*m.span(), False) for m in lexicon.phrase_re.finditer(text)]
        appeals = [_appeal_span(m, definite) for m in lexicon.vague_re.finditer(text)]
        return phrases, [a for a in appeals if a is not None]  # type: ignore[misc]
    scope = lexicon.chain_scope
    if positions is None:
        positions = _key_positions(lowered, scope.keys)
    if not positions:
        return [], []  # no key word, no chain (most short texts)
    chains = scope.chains(lowered, Reversed(lowered), positions, lexicon.one_word_phrases)
    if not chains:
        return [], []
    return lexicon.chain_matches(lowered, chains)


class ChainMatches:
    """The phrase and appeal patterns' spans inside word-chain windows, remembered per
    window text.

    What a pattern finds in a window depends on the window's characters alone: a chain
    starts at the text's start or after a character that is neither a word character nor a
    hyphen, which satisfies the patterns' opening lookbehind either way, and ``finditer``'s
    end position cuts the text off like the end of a string. Chains are runs of lexicon
    words, so the same ones ('the study found', 'research shows') recur across texts.
    """

    _LIMIT = 50_000  # remembered windows, then start again (bounded memory)
    _LONGEST = 1_000  # longer windows (rare, and unlikely to recur) are not remembered

    def __init__(
        self, phrase_re: re.Pattern[str], appeal_re: re.Pattern[str], definite: frozenset[str]
    ) -> None:
        self.phrase_re, self.appeal_re, self.definite = phrase_re, appeal_re, definite
        self.known: dict[str, tuple[tuple[Span3, ...], tuple[Span3, ...]]] = {}

    def __call__(
        self, lowered: str, windows: list[tuple[int, int]]
    ) -> tuple[list[Span3], list[Span3]]:
        phrases: list[Span3] = []
        appeals: list[Span3] = []
        known = self.known
        for start, end in windows:
            window = lowered[start:end]
            spans = known.get(window)
            if spans is None:
                spans = self._spans(window)
                if len(known) > self._LIMIT:
                    known.clear()
                if len(window) <= self._LONGEST:
                    known[window] = spans
            # Most windows hold neither (a key noun without an appeal around it).
            if spans[0]:
                phrases += [(start + s, start + e, d) for s, e, d in spans[0]]
            if spans[1]:
                appeals += [(start + s, start + e, d) for s, e, d in spans[1]]
        return phrases, appeals

    def _spans(self, window: str) -> tuple[tuple[Span3, ...], tuple[Span3, ...]]:
        phrases = tuple((*m.span(), False) for m in self.phrase_re.finditer(window))
        appeals = (_appeal_span(m, self.definite) for m in self.appeal_re.finditer(window))
        return phrases, tuple(a for a in appeals if a is not None)


# --- the component ---------------------------------------------------------------------------


class CitationTagger(BatchedComponent):
    """Tag citation claims on a Doc (see the module docstring for the method)."""

    def __init__(self, nlp: Language, name: str) -> None:
        register_extensions()
        self.name = name
        self.lexicon = load_lexicon()

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.match(doc))
        return doc

    def match(self, doc: Doc) -> Matches:
        """Reference entries, in-text citations with their resolution, and vague appeals."""
        text = doc_text(doc)
        entries, citations, vague = match_citations(
            text, self.lexicon, lambda: _sentence_starts(doc)
        )
        # Abbreviations only rename author-date citations for matching against entries.
        named = bool(entries) and any(c.kind != "numeric" for c in citations)
        resolved = resolve(citations, entries, find_abbreviations(text) if named else {})
        return Matches(entries, citations, vague, resolved)

    def set_annotations(self, doc: Doc, matches: Matches) -> None:
        keys: dict[int, str] = {}  # id(entry) -> local key of its claim, for resolved_to
        for entry in matches.entries:
            span = add_claim(doc, LABEL, entry.start, entry.end, _normalise_space(entry.attrs))
            if span is not None:
                keys[id(entry)] = claim_key(span)
        for index, citation in enumerate(matches.citations):
            entry = matches.resolved.get(index)
            key = keys.get(id(entry)) if entry is not None else None
            attrs = _normalise_space({"kind": citation.kind, **citation.attrs})
            if citation.kind != "identifier":
                attrs["resolved_to"] = key
                attrs["traceable"] = key is not None
            add_claim(doc, LABEL, citation.start, citation.end, attrs)
        for appeal in matches.vague:
            add_claim(doc, LABEL, appeal.start, appeal.end, {"kind": "vague", "traceable": False})


@dataclass
class Matches:
    """What the citation component found in one doc."""

    entries: list[Found]
    citations: list[Found]
    vague: list[Found]
    resolved: dict[int, Found]  # index into citations -> its reference entry


def _normalise_space(attrs: dict[str, Any]) -> dict[str, Any]:
    """Attribute values with runs of whitespace (line breaks, no-break spaces) as one space."""
    out = dict(attrs)
    for key in ("venue", "title"):
        if isinstance(out.get(key), str):
            out[key] = " ".join(out[key].split())
    if out.get("authors"):
        out["authors"] = [" ".join(a.split()) for a in out["authors"]]
    return out


def match_citations(
    text: str,
    lexicon: Lexicon,
    sentence_starts: list[int] | Callable[[], list[int]] | None = None,
) -> tuple[list[Found], list[Found], list[Found]]:
    """All citation matches of a text: (reference entries, in-text citations, vague appeals).

    ``sentence_starts`` may be a function giving them: it is called only when an appeal needs
    its sentence.
    """
    fold_risky = _fold_risky(text)
    lowered_utf8 = _lower_utf8(text, fold_risky)
    lowered = lowered_utf8.decode("utf-8", "surrogatepass")
    # Which keys the text holds (vague scopes, venue anchors, headings, identifiers), and
    # where the scopes' keys are: positions in lowered are the text's when lengths agree.
    present = positions = None
    if len(lowered) == len(text):
        present = lexicon.key_index.present(lowered_utf8)
        positions = _key_positions(lowered, lexicon.scope_keys, present)
    backwards = Reversed(text)
    scopable = _scopable(text, lowered, fold_risky)
    entries = find_reference_entries(text, lexicon, lowered, present, backwards, scopable)
    taken = Occupied()
    for entry in entries:
        taken.add(entry.start, entry.end)
    citations: list[Found] = []
    for batch in (
        find_identifiers(text, lowered, present),
        find_numeric(text, lexicon.not_names, present),
        find_author_year(text, lexicon.not_names, backwards),
        find_venues(text, lexicon, present, backwards),
    ):
        for item in batch:
            if not taken.overlaps(item.start, item.end):
                taken.add(item.start, item.end)
                citations.append(item)
    citations.sort(key=lambda f: f.start)
    appeals = _vague_candidates(text, lexicon, lowered, positions, scopable)
    if not appeals:  # most texts (each comprehension below costs a function call)
        return entries, citations, []
    vague = [v for v in appeals if not taken.overlaps(v[0], v[1])]
    naming = [c.start for c in citations if c.kind in _NAMING_KINDS]
    if vague and naming:  # without a citation naming a work, no appeal is supported
        if callable(sentence_starts):
            sentence_starts = sentence_starts()
        paragraphs = [0] + [m.end() for m in _PARAGRAPH_BREAK_RE.finditer(text)]
        starts = sentence_starts or [0]
        vague = [v for v in vague if not _names_a_work(v, naming, starts, paragraphs)]
    return entries, citations, [Found(s, e, "vague", {"traceable": False}) for s, e, _ in vague]


_NAMING_KINDS = frozenset({"author_year", "numeric", "identifier"})
_PARAGRAPH_BREAK_RE = re.compile(r"\n[ \t]*\n")


def _names_a_work(
    appeal: Span3, naming: list[int], sentence_starts: list[int], paragraph_starts: list[int]
) -> bool:
    """True when a citation naming a work supports the appeal (see the module docstring).

    ``naming`` holds the sorted start offsets of the author-year, numeric and identifier
    citations.
    """
    start, _, definite = appeal
    index = bisect_right(sentence_starts, start) - 1
    sentence_start = sentence_starts[max(index, 0)]
    sentence_end = sentence_starts[index + 1] if index + 1 < len(sentence_starts) else 1 << 62
    since = sentence_start
    if definite:  # it may refer back to a work named earlier in the paragraph
        paragraph_start = paragraph_starts[bisect_right(paragraph_starts, start) - 1]
        since = min(since, paragraph_start)
    first = bisect_left(naming, since)
    return first < len(naming) and naming[first] < sentence_end


def _sentence_starts(doc: Doc) -> list[int]:
    """Character offsets of the sentence starts, 0 first: from the sentence starts the
    sentence component cached (see cues.sentence_starts), without a Span per sentence."""
    starts = token_offsets(doc)[0]
    return [0, *(starts[i] for i in sentence_starts(doc) if i)]


@Language.factory("claimscope_citations", assigns=["doc.spans"])
def make_citation_tagger(nlp: Language, name: str) -> CitationTagger:
    """The citation component: reference entries, in-text citations, vague appeals."""
    return CitationTagger(nlp, name)
