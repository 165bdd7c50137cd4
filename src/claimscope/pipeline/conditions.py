"""Condition component: tags diseases, disorders, injuries and symptoms with ontology ids.

Matching, in order of trust:

1. the lexicon ``data/conditions.tsv`` (Human Disease Ontology and Symptom Ontology names and
   synonyms plus hand-kept lay terms, built by ``scripts/build_condition_lexicon.py``),
   case-insensitive with simple plural variants, through :class:`TermIndex` (a dict lookup
   that builds in a fraction of a PhraseMatcher's time), and acronyms (``COPD``) through a
   case-sensitive PhraseMatcher;
2. productive patterns for names the lexicon misses: ``<body part> <head>`` (``leg pain``,
   ``sciatic nerve inflammation``), ``<head> of/to the <body part>`` (``damage to the sciatic
   nerve``) and words ending in ``-itis``, ``-algia``, ``-opathy`` (``radiculopathy``);
3. abbreviations defined in the text (``Wilson disease (WD)``, Schwartz & Hearst 2003): later
   uses of the short form are the same condition.

The longest match wins; severity and course modifiers before it (``minor``, ``chronic``) join
the span. Context guards (``data/conditions_guards.tsv``) drop everyday senses of words such
as ``cold`` or ``stroke``.

Speed: a doc is read once into :class:`Tokens` (plain lists from ``Doc.to_array``), because
spaCy builds a Token object on every ``doc[i]`` and rebuilds ``Doc.text`` on every access.
Whatever depends only on a token's lower-case form (may a term start here? is it an ``-itis``
word?) is worked out once per distinct form and kept by its hash as a few kind bits
(:class:`FormKinds`): one lookup per token finds the tokens any matcher starts from, and the
bits present tell which matchers can find nothing in the doc. Term stretches of two or more tokens
are remembered in a trie keyed by word forms, so a run of forms seen before slices no text;
its first level, keyed by token pairs, is looked up for every start in a doc at once.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property, partial, reduce
from importlib.resources import files
from itertools import compress, repeat
from operator import itemgetter, or_
from pathlib import Path
from typing import NamedTuple

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.strings import StringStore
from spacy.tokens import Doc, Span

from .component import BatchedComponent
from .cues import TokenView
from .spans import add_claim, register_extensions, token_offsets

Tokens = TokenView  # the shared per-doc token view (see cues.TokenView)

LABEL = "condition"
# Word forms remembered before the per-form memos start afresh (see ConditionTagger.scan).
LEARNED_FORMS = 300_000
DATA = files("claimscope") / "data"
_SUFFIX_WORD = re.compile(r"^[a-z][a-z\-]{2,}(itis|itides|algia|algias|opathy|opathies)$")
_LEADING_WORD = re.compile(r"[^\W_]+")
_SUFFIX_SINGULAR = (("itides", "itis"), ("algias", "algia"), ("opathies", "opathy"))
_NO_PLURAL_ENDINGS = ("s", "x", "z", "ia", "ism", "ing", "ed", "al", "ic", "ous", "ness", "ity")
_DETERMINERS = frozenset({"the", "a", "an", "his", "her", "their", "your", "my", "our", "its"})
_MEMO_SIZE = 200_000  # entries kept by a per-text memo before it starts afresh


@dataclass(frozen=True)
class Condition:
    """What a matched name means: the attributes of a condition claim."""

    normalized: str
    ontology_id: str | None
    category: str
    abbreviation_of: str | None = None

    def attributes(self) -> dict[str, str | None]:
        return {
            "normalized": self.normalized,
            "ontology_id": self.ontology_id,
            "category": self.category,
            "abbreviation_of": self.abbreviation_of,
        }

    @cached_property
    def claim_attributes(self) -> dict[str, str | None]:
        """:meth:`attributes`, made once and shared by every claim of this condition.

        Nothing writes to a claim's attributes after the component (links write links and
        flags; records copy the attributes), so one dict per condition serves them all.
        """
        return self.attributes()


class Match(NamedTuple):
    """A candidate condition over tokens ``[start, end)``; lower rank wins a tie.

    A NamedTuple, not a dataclass: a doc makes dozens and a frozen dataclass is slow to build.
    """

    start: int
    end: int
    condition: Condition
    rank: int


# A Match from a (start, end, condition, rank) tuple in one C call: Match._make is a Python
# function (it only adds a length check), and map calls this once per lexicon match.
_new_match = partial(tuple.__new__, Match)


@dataclass(frozen=True)
class Guard:
    """A context rule for an ambiguous term (see data/conditions_guards.tsv)."""

    rule: str
    words: frozenset[str]


@dataclass(frozen=True)
class Vocabulary:
    """Word lists of the productive patterns (see data/conditions_vocab.tsv)."""

    body_parts: frozenset[str]
    heads: dict[str, str]
    of_heads: frozenset[str]
    modifiers: frozenset[str]


_START = itemgetter(1)  # start of a (start - end, start, end) triple
_SINGLE = (-1,)  # sorts before the triple of any single token, after any longer range


# --- data loading --------------------------------------------------------------------------


def _data_lines(path: Path) -> Iterator[str]:
    for line in Path(str(path)).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            yield line


def load_lexicon(path: Path) -> dict[str, Condition]:
    """Lexicon term (as written; acronyms keep their case) -> condition."""
    lines = _data_lines(path)
    if next(lines).split("\t") != ["term", "normalized", "ontology_id", "category"]:
        raise ValueError(f"{path}: not a condition lexicon (bad header)")
    lexicon = {}
    # Synonyms of one condition share a row's tail and so one Condition: a frozen dataclass is
    # slow to make, and ~20k of them were a third of the component's start-up.
    conditions: dict[str, Condition] = {}
    for line in lines:  # plain split: csv.DictReader is slower on ~20k rows
        term, _, tail = line.partition("\t")
        condition = conditions.get(tail)
        if condition is None:
            normalized, ontology_id, category = tail.split("\t")
            condition = conditions[tail] = Condition(normalized, ontology_id or None, category)
        lexicon[term] = condition
    return lexicon


def load_stoplist(path: Path) -> frozenset[str]:
    return frozenset(line.strip().lower() for line in _data_lines(path))


def load_guards(path: Path) -> dict[str, list[Guard]]:
    guards: dict[str, list[Guard]] = {}
    for line in _data_lines(path):
        term, rule, *rest = line.split("\t")
        words = frozenset(w.strip() for w in rest[0].split(",")) if rest else frozenset()
        guards.setdefault(term, []).append(Guard(rule, words))
    return guards


def load_vocabulary(path: Path) -> Vocabulary:
    kinds: dict[str, dict[str, str]] = {}
    for line in _data_lines(path):
        kind, term, *rest = line.split("\t")
        kinds.setdefault(kind, {})[term] = rest[0] if rest else ""
    return Vocabulary(
        body_parts=frozenset(kinds.get("body_part", {})),
        heads=dict(kinds.get("head", {})),
        of_heads=frozenset(kinds.get("of_head", {})),
        modifiers=frozenset(kinds.get("modifier", {})),
    )


class WordHashes(NamedTuple):
    """The productive patterns' words by LOWER hash, so matching compares ints, not strings."""

    heads: dict[int, str]  # head word -> category
    of_heads: dict[int, str]  # head word written before of/to -> category
    determiners: frozenset[int]
    of_to: frozenset[int]
    body_parts: frozenset[tuple[int, ...]]  # as runs of LOWER hashes (tokenized like a doc)
    part_lengths: tuple[int, ...]  # the body parts' lengths in tokens, shortest first
    part_ends: frozenset[int]  # the body parts' last words

    @classmethod
    def of(cls, vocabulary: Vocabulary, strings: StringStore, body_parts: list[Doc]) -> WordHashes:
        parts = frozenset(tuple(token.lower for token in part) for part in body_parts if len(part))
        return cls(
            heads={strings.add(w): c for w, c in vocabulary.heads.items()},
            of_heads={strings.add(w): vocabulary.heads[w] for w in vocabulary.of_heads},
            determiners=frozenset(strings.add(w) for w in _DETERMINERS),
            of_to=frozenset(strings.add(w) for w in ("of", "to")),
            body_parts=parts,
            part_lengths=tuple(sorted({len(part) for part in parts})),
            part_ends=frozenset(part[-1] for part in parts),
        )


# --- pure helpers --------------------------------------------------------------------------


def is_case_sensitive(term: str) -> bool:
    """Acronyms (two or more capitals, one word) match only as written: ``MS``, not ``ms``."""
    return " " not in term and not term.islower() and sum(ch.isupper() for ch in term) >= 2


def plural(word: str) -> str | None:
    """English plural of a condition head, or None when it has none (``bleeding``, ``-itis``)."""
    if not word.isalpha() or len(word) < 3 or word.endswith("itis"):
        return None
    if word.endswith(_NO_PLURAL_ENDINGS):
        return None
    if word.endswith(("ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def inflections(term: str) -> list[str]:
    """The term and its plural (plural of the last word): ``nerve injury`` -> ``nerve injuries``."""
    words = term.split(" ")
    last = plural(words[-1])
    return [term] if last is None else [term, " ".join([*words[:-1], last])]


def lexicon_variants(lexicon: dict[str, Condition]) -> dict[str, Condition]:
    """Lexicon terms plus their plurals; a real term wins over another term's plural."""
    variants = dict(lexicon)
    plurals: dict[str, str | None] = {}  # by last word, as inflections() makes them: they repeat
    for term, condition in lexicon.items():
        head, space, last = term.rpartition(" ")
        if last not in plurals:
            plurals[last] = plural(last)
        if (last_plural := plurals[last]) is not None:
            variants.setdefault(head + space + last_plural, condition)
    return variants


def singular(word: str) -> str:
    """Undo :func:`plural` for a productive-pattern head (``injuries`` -> ``injury``)."""
    for suffix, replacement in (*_SUFFIX_SINGULAR, ("ies", "y"), ("ches", "ch"), ("shes", "sh")):
        if word.endswith(suffix):
            return word[: -len(suffix)] + replacement
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def passes_guards(doc: Doc, start: int, end: int, guards: list[Guard]) -> bool:
    """False when a context guard rejects the match ``doc[start:end]``."""
    before = doc[start - 1] if start > 0 else None
    after = doc[end] if end < len(doc) else None
    for guard in guards:
        if guard.rule == "not_before" and after is not None and after.lower_ in guard.words:
            return False
        if guard.rule == "not_after" and before is not None and before.lower_ in guard.words:
            return False
        if guard.rule == "only_after" and (before is None or before.lower_ not in guard.words):
            return False
        if guard.rule == "not_after_number" and before is not None and before.like_num:
            return False
    return True


def suffix_condition(
    word: str, stoplist: frozenset[str], known: dict[str, Condition]
) -> Condition | None:
    """A single word ending in -itis, -algia, -opathy: a disease or pain by its form."""
    match = _SUFFIX_WORD.match(word)
    if not match or word in stoplist:
        return None
    normalized = singular(word)
    category = "symptom" if "algia" in match.group(1) else "disease"
    return known.get(normalized, Condition(normalized, None, category))


def head_matches(
    tokens: Tokens,
    heads_at: Iterable[int],
    words: WordHashes,
    known: dict[str, Condition],
    memo: dict[tuple[tuple[int, ...], str, bool], Condition] | None = None,
) -> list[Match]:
    """``<body part> <head>`` and ``<of-head> of/to (the) <body part>`` conditions.

    Found from the head words (at the indexes ``heads_at``) rather than from every body
    part: a doc has few heads, and a body part alone makes no condition (this finds what a
    LOWER PhraseMatcher of the body parts would find next to them). ``memo`` keeps what
    :func:`productive_condition` gave for a run of word forms.
    """
    found = []
    lower, size = tokens.lower_hashes, len(tokens)
    heads, of_heads, memo = words.heads, words.of_heads, {} if memo is None else memo
    parts, lengths, part_ends = words.body_parts, words.part_lengths, words.part_ends
    for head in heads_at:
        form = lower[head]
        # A body part right before the head; most heads follow no body part's last word.
        if head and lower[head - 1] in part_ends:
            for length in lengths:
                start = head - length
                if start >= 0 and tuple(lower[start:head]) in parts:
                    condition = _productive(
                        tokens, start, head + 1, heads[form], known, memo, False
                    )
                    found.append(_new_match((start, head + 1, condition, 1)))
        if form not in of_heads or head + 2 >= size or lower[head + 1] not in words.of_to:
            continue
        # The body part follows of/to, or of/to and one determiner.
        starts = (head + 2, head + 3) if lower[head + 2] in words.determiners else (head + 2,)
        for start in starts:
            for length in lengths:
                end = start + length
                if end <= size and tuple(lower[start:end]) in parts:
                    condition = _productive(tokens, head, end, of_heads[form], known, memo, True)
                    found.append(_new_match((head, end, condition, 1)))
    return found


def _productive(
    tokens: Tokens,
    start: int,
    end: int,
    category: str,
    known: dict[str, Condition],
    memo: dict[tuple[tuple[int, ...], str, bool], Condition],
    head_first: bool,
) -> Condition:
    key = (tuple(tokens.lower_hashes[start:end]), category, head_first)
    condition = memo.get(key)
    if condition is None:
        if len(memo) > _MEMO_SIZE:
            memo.clear()
        words = [tokens.lower(i) for i in range(start, end)]
        condition = memo[key] = productive_condition(words, category, known, head_first)
    return condition


def productive_condition(
    words: list[str], category: str, known: dict[str, Condition], head_first: bool = False
) -> Condition:
    """The condition a productive pattern names: its words with the head in the singular."""
    head = 0 if head_first else -1
    words = [*words]
    words[head] = singular(words[head])
    normalized = " ".join(words)
    return known.get(normalized, Condition(normalized, None, category))


def _filter_ordered(ranges: Iterable[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """spaCy's filter_spans on (start - end, start, end) triples: longest first (the earlier
    of two as long), skipping any that overlaps one already taken; returned by start.

    The same ranges as ``cues.longest_ranges`` on the (start, end) pairs, but sorted as they
    are the triples come in filter_spans' order with no key function, and single tokens,
    (-1, start, start + 1), sort after every longer range: one is taken when no longer range
    taken covers it, tested without a Python loop per range. On the condition matches of the
    benchmark corpus that is ~1.4x faster than longest_ranges (whose key lambda runs per
    range, and conditions' ranges overlap in most docs, so its no-overlap shortcut rarely
    applies).
    """
    ordered = sorted(ranges)
    singles = bisect_left(ordered, _SINGLE)
    if ordered and ordered[-1][0] != -1:  # empty ranges too (never from the matchers)
        singles = len(ordered)
    taken: list[tuple[int, int, int]] = []
    seen: set[int] = set()
    for triple in ordered[:singles]:
        _, start, end = triple
        if start not in seen and end - 1 not in seen:
            taken.append(triple)
            seen.update(range(start, end))
    taken += [triple for triple in ordered[singles:] if triple[1] not in seen]
    taken.sort(key=_START)  # the ranges taken do not overlap: their starts differ
    return taken


def longest(matches: list[Match]) -> list[Match]:
    """Longest non-overlapping matches (spaCy's filter_spans); the best rank wins a tie."""
    if len(matches) < 2:  # many short docs: no sort, no dict
        return list(matches)
    best: dict[tuple[int, int, int], Match] = {}
    for match in matches:
        start, end, _, rank = match
        key = (start - end, start, end)
        # One hash of the key for a range seen first (most are), not a test and a store.
        kept = best.setdefault(key, match)
        if rank < kept.rank:
            best[key] = match
    return list(map(best.__getitem__, _filter_ordered(best)))


def with_modifiers(tokens: Tokens, match: Match, modifiers: frozenset[int], floor: int) -> Match:
    """Extend a match left over severity/course words (``minor bruising``), not past ``floor``.

    ``modifiers`` holds the hashes of the modifier words (compared with the LOWER hashes).
    """
    start = match.start
    while start - 1 >= floor and tokens.lower_hashes[start - 1] in modifiers:
        start -= 1
    # A new Match, not _replace: that builds one through a dict of keywords.
    return match if start == match.start else Match(start, match.end, match.condition, match.rank)


def find_abbreviation(long_form_candidate: Span, short_form: Span) -> tuple[Span, Span | None]:
    """Schwartz & Hearst (2003): the shortest long form whose words spell the short form.

    Returns the short form and the long form span (or None when the candidate does not spell
    it); see :func:`long_form_offset`.
    """
    offset = long_form_offset(long_form_candidate.text.lower(), short_form.text.lower())
    if offset is None:
        return short_form, None
    start_char = long_form_candidate.start_char + offset
    for token in long_form_candidate:
        if token.idx <= start_char < token.idx + len(token.text):
            return short_form, long_form_candidate.doc[token.i : long_form_candidate.end]
    return short_form, None


def long_form_offset(long_text: str, short_text: str) -> int | None:
    """Where in ``long_text`` the shortest long form spelling ``short_text`` starts, or None.

    Walk the short form's characters from the end, matching each against the candidate's
    characters from the end; the first character must start a word. Both texts lower-case.
    Each match is the nearest one with str.rfind (no Python loop per character passed over).
    """
    long_index = len(long_text) - 1
    for short_index in range(len(short_text) - 1, -1, -1):
        char = short_text[short_index]
        if not char.isalnum():
            continue
        long_index = long_text.rfind(char, 0, long_index + 1)
        if short_index == 0:  # the first character must start a word
            while long_index > 0 and long_text[long_index - 1].isalnum():
                long_index = long_text.rfind(char, 0, long_index)
        if long_index < 0:
            return None
        long_index -= 1
    return long_index + 1


def is_short_form(text: str) -> bool:
    """Schwartz & Hearst's short-form test: 2-10 characters, a letter, starting alphanumeric."""
    return 2 <= len(text) <= 10 and any(ch.isalpha() for ch in text) and text[0].isalnum()


def abbreviation_definitions(doc: Doc, tokens: Tokens | None = None) -> Iterator[tuple[Span, Span]]:
    """(long form, short form) pairs written ``long form (SF)`` inside one sentence.

    Read from the token view's text and offsets (what :func:`find_abbreviation` does on
    spans); spans are made only for the definitions found.
    """
    tokens = tokens or Tokens.of(doc)
    lower, idx = tokens.lower_hashes, tokens.idx  # the LOWER of a bracket is its ORTH
    close = tokens.strings[")"]
    for i in _bracket_tokens(tokens, 1, len(lower) - 2):
        if lower[i + 2] != close:
            continue
        short_text = tokens.token_text(i + 1)
        if not is_short_form(short_text):
            continue
        size = min(len(short_text) + 5, len(short_text) * 2)
        start = max(_sentence_start(tokens, i), i - size)
        if start >= i:
            continue
        offset = long_form_offset(tokens.span_text(start, i).lower(), short_text.lower())
        if offset is None:
            continue
        start_char = idx[start] + offset
        first = next((t for t in range(start, i) if idx[t] <= start_char < tokens.end_char(t)), i)
        if first < i:
            yield doc[first:i], doc[i + 1 : i + 2]


def _bracket_tokens(tokens: Tokens, start: int, stop: int) -> Iterator[int]:
    """Indexes in ``[start, stop)`` of the tokens ``(``, in order.

    Found from the brackets in the text (a str.find each) and the token offsets (a bisection
    each): a doc has few brackets, and comparing every token's LOWER costs more.
    """
    text, idx = tokens.text, tokens.idx
    at = text.find("(")
    while at != -1:
        i = bisect_left(idx, at)
        # The token starting at the bracket is the bracket alone (its LOWER is "(").
        if start <= i < stop and idx[i] == at and tokens.end_char(i) == at + 1:
            yield i
        at = text.find("(", at + 1)


def _positions(values: list[int], value: int, start: int, stop: int) -> Iterator[int]:
    """Indexes in ``[start, stop)`` holding ``value`` (list.index: no Python loop per item)."""
    i = start - 1
    while True:
        try:
            i = values.index(value, i + 1, stop)
        except ValueError:
            return
        yield i


def _sentence_start(tokens: Tokens, i: int) -> int:
    """The nearest sentence start at or before token ``i`` (0 when none)."""
    k = bisect_right(tokens.sent_starts, i) - 1
    return tokens.sent_starts[k] if k >= 0 else 0


# What a word form is to the matchers, as bits of an int (see FormKinds): one lookup per
# token tells every matcher whether to look at it.
TERM = 1  # a lexicon term may start with it (TermIndex.first_step)
GROWS = 2  # a term of two or more tokens may start with it
SUFFIX = 4  # a word ending in -itis, -algia, -opathy (suffix_condition)
HEAD = 8  # a head word of the body-part patterns
BODY = 16  # the first word of a body part
MODIFIER = 32  # a severity or course modifier (with_modifiers)
EXACT = 64  # the first token, lower-cased, of a case-sensitive term
ALONE = 128  # the form alone spells a lexicon term (TermIndex.yielders)
# The kinds fit in a byte (FormScan keeps them as bytes). For each bit, the table that
# bytes.translate uses to map a kind to 1 when it has the bit, else to 0.
_HAS_BIT = {
    bit: bytes(int(kind & bit != 0) for kind in range(256))
    for bit in (TERM, GROWS, SUFFIX, HEAD, BODY, MODIFIER, EXACT, ALONE)
}


class FormKinds(dict):  # type: ignore[type-arg]
    """LOWER hash -> the kind bits of that word form (0: no matcher starts from it).

    A form is classified by ``classify(form, strings)`` the first time it is read
    (``__missing__``), so one ``__getitem__`` pass over a doc's tokens both learns its new
    forms and finds the tokens to look at, without a set of the doc's forms.
    """

    __slots__ = ("classify", "strings")

    def __missing__(self, form: int) -> int:
        kind = self[form] = self.classify(form, self.strings)
        return kind


class FormScan(NamedTuple):
    """The tokens of a doc whose forms some matcher starts from (term starts, head words,
    suffix words; and the forms the doc-wide prefilters ask about), found in one pass; each
    matcher selects its own from these few.
    """

    positions: list[int]  # the tokens with a kind, in order
    forms: list[int]  # their forms
    kinds: bytes  # their kinds, a byte each
    present: set[int]  # the distinct kinds among them
    has: int  # all their kinds' bits together

    @classmethod
    def of(cls, lower: list[int], kinds_of: FormKinds) -> FormScan:
        kinds = list(map(kinds_of.__getitem__, lower))
        positions = list(compress(range(len(lower)), kinds))
        # As bytes, the kinds of the positions are the others deleted, and positions_of
        # selects by a bytes.translate: C loops, not a Python call per token (with a
        # filter and a map of and_ instead, the stage ran ~1% more instructions).
        kinds = bytes(kinds).translate(None, b"\0")
        present = set(kinds)
        forms = list(map(lower.__getitem__, positions))
        return cls(positions, forms, kinds, present, reduce(or_, present, 0))

    def all_have(self, bit: int, among: int = 0) -> bool:
        """Whether every kind present (with the bits ``among``, if given) has ``bit``."""
        return all(kind & bit for kind in self.present if (kind & among) == among)

    def positions_of(self, bit: int) -> list[int]:
        """The tokens whose kind has ``bit`` (head words, suffix words: a few of them)."""
        return list(compress(self.positions, self.kinds.translate(_HAS_BIT[bit])))


# --- the component -------------------------------------------------------------------------


class ConditionTagger(BatchedComponent):
    """Tags condition mentions (see the module docstring); built once per pipeline."""

    def __init__(self, nlp: Language, name: str, data_dir: str) -> None:
        register_extensions()
        data = Path(data_dir) if data_dir else Path(str(DATA))
        self.name = name
        self.stoplist = load_stoplist(data / "conditions_stoplist.txt")
        self.guards = load_guards(data / "conditions_guards.tsv")
        self.guarded = frozenset(self.guards)
        self.vocabulary = load_vocabulary(data / "conditions_vocab.tsv")
        lexicon = load_lexicon(data / "conditions.tsv")
        self.exact: dict[str, Condition] = {}  # acronyms, matched as written
        lower: dict[str, Condition] = {}
        for term, condition in lexicon.items():
            (self.exact if is_case_sensitive(term) else lower)[term] = condition
        lower = lexicon_variants(lower)
        self.index = TermIndex.build(lower)
        strings = nlp.vocab.strings
        exact_patterns = list(nlp.tokenizer.pipe(self.exact))
        self.exact_matcher = _phrase_matcher(nlp, "ORTH", exact_patterns)
        body_parts = list(nlp.tokenizer.pipe(sorted(self.vocabulary.body_parts)))
        # Prefilters by word form. A term's first token, lower-cased: a doc without any
        # cannot match exactly. A body part's first word: a doc without any has no body-part
        # pattern, so its head words are not looked at.
        self.exact_forms = frozenset(p[0].lower for p in exact_patterns if len(p))
        self.body_forms = frozenset(part[0].lower for part in body_parts if len(part))
        self.words = WordHashes.of(self.vocabulary, strings, body_parts)
        self.modifiers = frozenset(strings.add(m) for m in self.vocabulary.modifiers)
        self._suffix: dict[int, Condition] = {}  # LOWER hash -> suffix_condition, when one
        self._fixed = self._fixed_kinds()
        self._seen = FormKinds()  # the word forms learned so far, with their kinds
        self._seen.classify = self.classify
        self._productive: dict[tuple[tuple[int, ...], str, bool], Condition] = {}

    def __call__(self, doc: Doc) -> Doc:
        tokens = Tokens.of(doc)
        self.set_annotations(doc, self.match(doc, tokens))
        return doc

    def match(self, doc: Doc, tokens: Tokens | None = None) -> list[Match]:
        """The condition mentions of a doc, longest first-come, modifiers included."""
        tokens = tokens or Tokens.of(doc)
        scan = self.scan(tokens)
        defined = {}
        if "(" in tokens.text:  # a str search: cheaper than a kind bit for the bracket
            defined = dict(abbreviation_definitions(doc, tokens))
        definitions = {short.text: long for long, short in defined.items()} if defined else {}
        matches = [
            *self.lexicon_matches(doc, tokens, definitions, scan),
            *self.pattern_matches(tokens, scan),
        ]
        chosen = longest(matches)
        if defined:
            chosen = self.abbreviation_matches(doc, tokens, chosen, defined)
        if not scan.has & MODIFIER:
            return chosen
        floors = [0, *(m.end for m in chosen)]
        return [
            with_modifiers(tokens, match, self.modifiers, floor)
            for match, floor in zip(chosen, floors, strict=False)
        ]

    def scan(self, tokens: Tokens) -> FormScan:
        """The doc's tokens that start a search (see FormScan), its new forms learned.

        A corpus keeps bringing new forms (numbers, names), so past LEARNED_FORMS the memos
        start afresh: memory stays flat over millions of pages, and forms are relearned. That
        happens before a doc is read, so the memos hold every form of the doc while it is.
        """
        lower, seen = tokens.lower_hashes, self._seen
        if len(seen) + len(lower) > LEARNED_FORMS:
            self.forget()
        seen.strings = tokens.strings
        return FormScan.of(lower, seen)

    def lexicon_matches(
        self,
        doc: Doc,
        tokens: Tokens,
        definitions: dict[str, Span],
        scan: FormScan,
    ) -> list[Match]:
        if not scan.has & (TERM | EXACT):  # short docs often: none can start here
            return []
        terms, guards = self.index.terms, self.guards
        starts, ends, keys = [], [], []
        if scan.has & TERM:
            # All the scan's tokens, not only those whose forms start a term: those that start
            # none (a few in most docs) give nothing, and a pass to drop them costs more.
            some_grow, all_grow = bool(scan.has & GROWS), scan.all_have(GROWS, TERM)
            starts, ends, keys = self.index.columns(
                tokens, scan.positions, scan.forms, some_grow, all_grow, scan.positions_of(ALONE)
            )
        # Built by map and zip (no Python loop per match); guarded terms are rare.
        found = list(map(_new_match, zip(starts, ends, map(terms.__getitem__, keys), repeat(0))))
        if not self.guarded.isdisjoint(keys):
            found = [
                match
                for match, key in zip(found, keys, strict=True)
                if key not in guards or passes_guards(doc, match.start, match.end, guards[key])
            ]
        if not scan.has & EXACT:  # an ORTH match starts with a LOWER match
            return found
        for _, start, end in self.exact_matcher(doc):
            text = tokens.span_text(start, end)
            if text in definitions:  # the text defines this acronym itself
                continue
            if text not in guards or passes_guards(doc, start, end, guards[text]):
                found.append(Match(start, end, self.exact[text], 0))
        return found

    def pattern_matches(self, tokens: Tokens, scan: FormScan) -> list[Match]:
        """Body-part patterns (``leg pain``) at the head words, and -itis style words."""
        found = []
        # A body part makes a condition only with a head word (``pain``, ``injury of``).
        if scan.has & BODY and scan.has & HEAD:
            heads_at = scan.positions_of(HEAD)
            known = self.index.terms
            found = head_matches(tokens, heads_at, self.words, known, self._productive)
        return [*found, *self.suffix_matches(tokens, scan)]

    def _fixed_kinds(self) -> dict[int, int]:
        """The kind bits a form has from the word lists alone (see FormKinds)."""
        fixed: dict[int, int] = {}
        for forms, bit in (
            (self.words.heads, HEAD),
            (self.body_forms, BODY),
            (self.modifiers, MODIFIER),
            (self.exact_forms, EXACT),
        ):
            for form in forms:
                fixed[form] = fixed.get(form, 0) | bit
        return fixed

    def classify(self, form: int, strings: StringStore) -> int:
        """The kind bits of a word form (LOWER hash) new to the memos, which it joins."""
        word = strings[form]
        kind = self._fixed.get(form, 0)
        first = self.index.learn_form(form, word)
        if first is not None:
            kind |= (TERM | GROWS) if first.grows else TERM
            if first.yields:
                kind |= ALONE
        condition = suffix_condition(word, self.stoplist, self.index.terms)
        if condition is not None:
            self._suffix[form] = condition
            kind |= SUFFIX
        return kind

    def forget(self) -> None:
        """Drop the per-form memos (forms are classified again as they come)."""
        self._seen.clear()
        self._suffix.clear()
        self._productive.clear()
        self.index.forget()

    def suffix_matches(self, tokens: Tokens, scan: FormScan) -> list[Match]:
        """Words ending in -itis, -algia, -opathy (see suffix_condition), found by ``scan``."""
        if not scan.has & SUFFIX:
            return []
        positions = scan.positions_of(SUFFIX)
        forms_at = map(tokens.lower_hashes.__getitem__, positions)
        conditions = map(self._suffix.__getitem__, forms_at)
        ends = map((1).__add__, positions)
        return list(map(_new_match, zip(positions, ends, conditions, repeat(2))))

    def abbreviation_matches(
        self, doc: Doc, tokens: Tokens, chosen: list[Match], defined: dict[Span, Span]
    ) -> list[Match]:
        """Tag short forms whose long form ends in a condition, from the definition on."""
        extra = []
        for long_form, short in defined.items():
            condition = next((m.condition for m in chosen if m.end == long_form.end), None)
            if condition is None:
                continue
            named = replace(condition, abbreviation_of=long_form.text.lower())
            # Same ORTH as the short form: same LOWER, then the same text.
            text, lower = tokens.token_text(short.start), tokens.lower_hashes
            extra += [
                Match(i, i + 1, named, rank=-1)
                for i in _positions(lower, lower[short.start], short.start, len(doc))
                if tokens.token_text(i) == text
            ]
        return longest([*chosen, *extra]) if extra else chosen

    def set_annotations(self, doc: Doc, matches: list[Match]) -> None:
        if not matches:
            return
        # The token offsets add_claim reads too (cached on the doc): a list index per claim
        # rather than a Tokens.end_char call.
        starts, ends = token_offsets(doc)
        for start, end, condition, _ in matches:
            # A copy: the condition (and its attributes) serve every doc of the process.
            add_claim(doc, LABEL, starts[start], ends[end - 1], dict(condition.claim_attributes))


def leading_word(text: str) -> str:
    """The leading run of letters and digits: how the term index finds where a term starts."""
    match = _LEADING_WORD.match(text)
    return match.group(0) if match else text[:1]


def squash(text: str) -> str:
    """Lower-case text with whitespace runs as single spaces: the lexicon's lookup key."""
    return " ".join(text.lower().split())


class FirstStep(NamedTuple):
    """What a term stretch gives at its first token, the same for every token of one form."""

    limit: int  # character length of the longest term with this form's leading word
    key: str  # the form as a lexicon key
    yields: bool  # the token alone spells a term
    grows: bool  # a longer stretch may spell a term


@dataclass(frozen=True)
class TermIndex:
    """Case-insensitive lookup of lexicon terms over token-aligned stretches of a doc.

    It does what a LOWER PhraseMatcher does, but is built from strings. PhraseMatcher needs a
    tokenized Doc per pattern, and making ~30k of them took 1.5-4 s at start-up; here a
    candidate is the doc text from one token's start to a later token's end, squashed, and
    looked up in a dict. Only tokens that begin like some term (same leading word) are tried,
    and a stretch grows only while it is the beginning of some term (a binary search in the
    sorted keys) and no longer than that word's longest term. Stretches do not cross a
    sentence start. What a stretch gives is remembered (word runs repeat across docs).

    The first token of a stretch is worked out once per word form (:class:`FirstStep`), and
    longer stretches once per run of word forms: they are remembered in a trie keyed by LOWER
    hashes and spaces (:class:`Edge`), so a stretch seen before slices no text.
    """

    terms: dict[str, Condition]
    longest: dict[str, int]  # leading word -> character length of its longest term
    sorted_keys: list[str] = field(default_factory=list)
    # Memos, filled as docs are read: LOWER hash -> FirstStep (None: no term starts there),
    # and the hashes with a FirstStep.
    firsts: dict[int, FirstStep | None] = field(default_factory=dict, compare=False, repr=False)
    starters: set[int] = field(default_factory=set, compare=False, repr=False)
    # The forms that spell a term alone (-> its key), and those a longer term may start with.
    yielders: dict[int, str] = field(default_factory=dict, compare=False, repr=False)
    growers: set[int] = field(default_factory=set, compare=False, repr=False)
    # The stretches tried, as a trie of token forms: (first LOWER, spaces after it, second
    # LOWER) -> Edge, and on from each Edge's ``after`` by (spaces, next LOWER). One list
    # holds the number of edges kept, so the memo can start afresh when it grows too big.
    pairs: dict[tuple[int, int, int], Edge | None] = field(
        default_factory=dict, compare=False, repr=False
    )
    kept: list[int] = field(default_factory=lambda: [0], compare=False, repr=False)

    @classmethod
    def build(cls, lexicon: dict[str, Condition]) -> TermIndex:
        terms = {squash(term): condition for term, condition in lexicon.items()}
        longest: dict[str, int] = {}
        leading: dict[str, str] = {}  # by first space-separated word, which keys share
        for key in terms:
            first = key.partition(" ")[0]
            word = leading.get(first)
            if word is None:
                word = leading[first] = leading_word(first)
            longest[word] = max(longest.get(word, 0), len(key))
        return cls(terms, longest, sorted(terms))

    def is_prefix(self, text: str) -> bool:
        """True when some term starts with ``text``."""
        keys = self.sorted_keys
        i = bisect_left(keys, text)
        return i < len(keys) and keys[i].startswith(text)

    def first_step(self, lower: str) -> FirstStep | None:
        """The :class:`FirstStep` of a token whose lower-case form is ``lower``, or None."""
        limit = self.longest.get(leading_word(lower))
        if limit is None:
            return None
        # The token's text lowers to ``lower``: the same key as step() gives for that text.
        key, is_term, grows = self.step_result(lower)
        if len(key) > limit:
            return None
        yields = is_term and not lower.isspace()
        if not (yields or grows):
            return None
        return FirstStep(limit, key, yields, grows)

    def forget(self) -> None:
        """Drop the per-form memos (``learn_form`` fills them again as forms come)."""
        for memo in (self.firsts, self.starters, self.yielders, self.growers):
            memo.clear()

    def learn(self, forms: Iterable[int], strings: StringStore) -> None:
        """Work out the FirstStep of the word forms (LOWER hashes) not seen before."""
        for form in set(forms).difference(self.firsts):
            self.learn_form(form, strings[form])

    def learn_form(self, form: int, lower: str) -> FirstStep | None:
        """Work out and remember the FirstStep of the word form ``form`` (LOWER hash) whose
        lower-case text is ``lower``."""
        first = self.firsts[form] = self.first_step(lower)
        if first is not None:
            self.starters.add(form)
            if first.yields:
                self.yielders[form] = first.key
            if first.grows:
                self.growers.add(form)
        return first

    def step_result(self, stretch: str) -> tuple[str, bool, bool]:
        """(key, is a term, may grow into a term) for a stretch of doc text, not remembered."""
        key = squash(stretch)
        # Longer stretches only extend the key (lower() is per character, sigma aside:
        # hence the ASCII test), so none can be a term if this key starts none.
        grows = not key.isascii() or self.is_prefix(key)
        return key, key in self.terms, grows

    def matches(
        self, doc: Doc, tokens: Tokens | None = None, forms: set[int] | None = None
    ) -> list[tuple[int, int, str]]:
        """Every (start, end, key) where the tokens ``doc[start:end]`` spell a term, in order.

        ``forms`` is the set of the doc's LOWER hashes, already learned (see :meth:`learn`),
        when the caller has it. The tagger does not come this way: its scan finds the
        starters by their kind bits (FormKinds) and calls :meth:`columns`, as this does.
        """
        tokens = tokens or Tokens.of(doc)
        lower = tokens.lower_hashes
        if forms is None:
            forms = set(lower)
            self.learn(forms, tokens.strings)
        present = forms & self.starters
        starters = list(compress(range(len(lower)), map(present.__contains__, lower)))
        forms_at = list(map(lower.__getitem__, starters))
        some_grow, all_grow = not present.isdisjoint(self.growers), present <= self.growers
        found = self.columns(tokens, starters, forms_at, some_grow, all_grow)
        return sorted(zip(*found, strict=True))

    def columns(
        self,
        tokens: Tokens,
        starters: list[int],
        forms_at: list[int],
        some_grow: bool = True,
        all_grow: bool = False,
        alone_at: list[int] | None = None,
    ) -> tuple[list[int], list[int], list[str]]:
        """:meth:`matches` as three lists (starts, ends, keys), in no particular order, from
        the tokens ``starters`` whose forms ``forms_at`` (learned) may start a term; a form
        that starts none gives nothing.

        ``some_grow`` / ``all_grow``: some / all of the forms that may start a term may start
        one of two or more tokens (the caller knows from the doc's forms; see
        :meth:`_grow_all`). ``alone_at``: the starters whose forms spell a term alone, when
        the caller knows them (the tagger's scan does: a lookup per such token, not one per
        starter: ~2% of the stage's instructions). Lists of
        ints and strings, not a tuple per match: the garbage collector does not track them,
        and the caller can build its matches with map and zip.
        """
        if not starters:
            return [], [], []
        # Among the term starts, the single-token terms and the starts of longer stretches:
        # compress/map, no Python loop over tokens.
        # The key a token spells alone, or None (a key is never empty: a space spells none).
        if alone_at is None:
            alone = list(map(self.yielders.get, forms_at))
            starts, keys = list(compress(starters, alone)), list(filter(None, alone))
        else:
            forms_alone = map(tokens.lower_hashes.__getitem__, alone_at)
            starts, keys = alone_at, list(map(self.yielders.__getitem__, forms_alone))
        found = (starts, list(map((1).__add__, starts)), keys)
        if some_grow:
            self._grow_all(tokens, starters, forms_at, found, all_grow)
        return found

    def _grow_all(
        self,
        tokens: Tokens,
        starters: list[int],
        forms_at: list[int],
        found: tuple[list[int], list[int], list[str]],
        all_grow: bool = False,
    ) -> None:
        """Add the terms of two or more tokens from the ``starters`` (with their LOWER hashes
        ``forms_at``) whose forms may start one, to the columns ``found``.

        Every such stretch walks the trie of remembered stretches (see :class:`Edge`) token
        by token; the first step, which ends most stretches, is looked up for every start
        at once. ``all_grow`` says every form of ``forms_at`` that may start a term may start
        one of two or more tokens (the usual case: then no test per start; a form that starts
        no term ends at the first step, see :meth:`_edge`).
        """
        lower, space, size = tokens.lower_hashes, tokens.space, len(tokens)
        if starters[-1] == size - 1:  # the last token starts no stretch of two
            starters, forms_at = starters[:-1], forms_at[:-1]
        if all_grow:
            starts, firsts = starters, forms_at
        else:
            grows = list(map(self.growers.__contains__, forms_at))
            starts, firsts = list(compress(starters, grows)), list(compress(forms_at, grows))
        if not starts:
            return
        # The pair keys are looked up as zip makes them and not kept: thousands of live tuples
        # per doc would set the garbage collector off. The next token's form is read from the
        # list shifted by one (starts end before the last token).
        following = lower[1:]
        pairs = zip(
            firsts, map(space.__getitem__, starts), map(following.__getitem__, starts), strict=True
        )
        # Dead stretches are kept as None, so the live and the unknown ones are the truthy.
        edges = list(map(self.pairs.get, pairs, repeat(_UNKNOWN)))
        sent_start = set(tokens.sent_starts)
        add_start, add_end, add_key = (column.append for column in found)
        for k in compress(range(len(starts)), edges):
            start = starts[k]
            last = start + 1
            if last in sent_start:
                continue
            edge = edges[k]
            if edge is _UNKNOWN:
                pair = (lower[start], space[start], lower[last])
                edge = self._edge(self.pairs, pair, tokens, start, last)
            while edge is not None:
                key, after = edge  # one unpacking, not four attribute reads
                if key is not None:
                    add_start(start)
                    add_end(last + 1)
                    add_key(key)
                last += 1
                if after is None or last == size or last in sent_start:
                    break
                step = (space[last - 1], lower[last])
                edge = after.get(step, _UNKNOWN)
                if edge is _UNKNOWN:
                    edge = self._edge(after, step, tokens, start, last)

    def _edge(
        self, node: dict, step: tuple[int, ...], tokens: Tokens, start: int, last: int
    ) -> Edge | None:
        """The Edge of the stretch of tokens ``start`` to ``last`` (None when it spells no term
        and ends every longer one), kept in ``node`` by ``step`` unless the stretch holds a
        capital sigma (the one letter that lowers by context).

        A stretch whose first form starts no term (see :meth:`columns`) ends at once."""
        first = self.firsts.get(tokens.lower_hashes[start])
        key, edge = "", None
        if first is not None:
            key, is_term, grows = self.step_result(
                tokens.text[tokens.idx[start] : tokens.end_char(last)]
            )
            if len(key) <= first.limit:
                named = key if is_term and not tokens.is_space(last) else None
                ends = None if named is None else Edge(named, None)
                edge = Edge(named, {}) if grows else ends
        if "σ" not in key and "ς" not in key:
            kept = self.kept
            if kept[0] > _MEMO_SIZE:
                self.pairs.clear()
                kept[0] = 0
            kept[0] += 1
            node[step] = edge
        return edge


class Edge(NamedTuple):
    """A stretch of tokens in the trie of :class:`TermIndex`: the term it spells, and where
    longer stretches go on.

    A stretch's key is its text squashed, and lower-casing the text is lower-casing each
    token (the capital sigma aside), so the stretch's LOWER forms and the spaces between them
    decide what it gives: the trie is keyed by those and holds no text.
    """

    key: str | None  # the lexicon key it spells (None: no term; a space token spells none)
    # (spaces before, next LOWER) -> Edge of the stretch one token longer; None when no longer
    # stretch can be a term (no term starts with its key, or it is past the length limit).
    after: dict[tuple[int, int], Edge | None] | None


# What the trie's dicts give for a stretch not tried yet (a tried one that spells no term and
# ends every longer one is kept as None).
_UNKNOWN = Edge(None, {})


def _phrase_matcher(nlp: Language, attr: str, patterns: list[Doc]) -> PhraseMatcher:
    matcher = PhraseMatcher(nlp.vocab, attr=attr)
    matcher.add(LABEL, patterns)
    return matcher


@Language.factory(
    "claimscope_conditions",
    default_config={"data_dir": ""},
    assigns=["doc.spans"],
)
def make_condition_tagger(nlp: Language, name: str, data_dir: str) -> ConditionTagger:
    """The condition component; ``data_dir`` overrides the packaged lexicon directory."""
    return ConditionTagger(nlp, name, data_dir)
