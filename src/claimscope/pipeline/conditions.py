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
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from importlib.resources import files
from pathlib import Path

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from .spans import add_claim, register_extensions

LABEL = "condition"
DATA = files("claimscope") / "data"
_SUFFIX_WORD = re.compile(r"^[a-z][a-z\-]{2,}(itis|itides|algia|algias|opathy|opathies)$")
_LEADING_WORD = re.compile(r"[^\W_]+")
_SUFFIX_SINGULAR = (("itides", "itis"), ("algias", "algia"), ("opathies", "opathy"))
_NO_PLURAL_ENDINGS = ("s", "x", "z", "ia", "ism", "ing", "ed", "al", "ic", "ous", "ness", "ity")
_DETERMINERS = frozenset({"the", "a", "an", "his", "her", "their", "your", "my", "our", "its"})


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


@dataclass(frozen=True)
class Match:
    """A candidate condition over tokens ``[start, end)``; lower rank wins a tie."""

    start: int
    end: int
    condition: Condition
    rank: int


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
    for line in lines:  # plain split: csv.DictReader is slower on ~20k rows
        term, normalized, ontology_id, category = line.split("\t")
        lexicon[term] = Condition(normalized, ontology_id or None, category)
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


# --- pure helpers --------------------------------------------------------------------------


def is_case_sensitive(term: str) -> bool:
    """Acronyms (two or more capitals, one word) match only as written: ``MS``, not ``ms``."""
    return " " not in term and sum(ch.isupper() for ch in term) >= 2


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
    for term, condition in lexicon.items():
        for variant in inflections(term)[1:]:
            variants.setdefault(variant, condition)
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


def suffix_matches(doc: Doc, stoplist: frozenset[str], known: dict[str, Condition]) -> list[Match]:
    """Single words ending in -itis, -algia, -opathy: diseases and pains by their form."""
    found = []
    for token in doc:
        word = token.lower_
        match = _SUFFIX_WORD.match(word)
        if not match or word in stoplist:
            continue
        normalized = singular(word)
        category = "symptom" if "algia" in match.group(1) else "disease"
        condition = known.get(normalized, Condition(normalized, None, category))
        found.append(Match(token.i, token.i + 1, condition, rank=2))
    return found


def body_part_matches(
    doc: Doc, parts: Iterable[tuple[int, int]], vocabulary: Vocabulary, known: dict[str, Condition]
) -> list[Match]:
    """``<body part> <head>`` and ``<of-head> of/to (the) <body part>`` conditions."""
    found = []
    for start, end in parts:
        if end < len(doc) and doc[end].lower_ in vocabulary.heads:
            found.append(_productive(doc, start, end + 1, vocabulary.heads[doc[end].lower_], known))
        head = start - 1
        if head > 0 and doc[head].lower_ in _DETERMINERS:
            head -= 1
        if (
            head > 0
            and doc[head].lower_ in ("of", "to")
            and doc[head - 1].lower_ in vocabulary.of_heads
        ):
            category = vocabulary.heads[doc[head - 1].lower_]
            found.append(_productive(doc, head - 1, end, category, known, head_first=True))
    return found


def _productive(
    doc: Doc,
    start: int,
    end: int,
    category: str,
    known: dict[str, Condition],
    head_first: bool = False,
) -> Match:
    words = [token.lower_ for token in doc[start:end]]
    head = 0 if head_first else -1
    words[head] = singular(words[head])
    normalized = " ".join(words)
    condition = known.get(normalized, Condition(normalized, None, category))
    return Match(start, end, condition, rank=1)


def longest(doc: Doc, matches: list[Match]) -> list[Match]:
    """Longest non-overlapping matches (spaCy's filter_spans); the best rank wins a tie."""
    best: dict[tuple[int, int], Match] = {}
    for match in matches:
        key = (match.start, match.end)
        if key not in best or match.rank < best[key].rank:
            best[key] = match
    spans = filter_spans([Span(doc, start, end) for start, end in sorted(best)])
    return [best[(span.start, span.end)] for span in spans]


def with_modifiers(doc: Doc, match: Match, modifiers: frozenset[str], floor: int) -> Match:
    """Extend a match left over severity/course words (``minor bruising``), not past ``floor``."""
    start = match.start
    while start - 1 >= floor and doc[start - 1].lower_ in modifiers:
        start -= 1
    return replace(match, start=start)


def find_abbreviation(long_form_candidate: Span, short_form: Span) -> tuple[Span, Span | None]:
    """Schwartz & Hearst (2003): the shortest long form whose words spell the short form.

    Walk the short form's characters from the end, matching each against the candidate's
    characters from the end; the first character must start a word. Returns the short form
    and the long form span (or None when the candidate does not spell it).
    """
    long_text, short_text = long_form_candidate.text.lower(), short_form.text.lower()
    long_index = len(long_text) - 1
    for short_index in range(len(short_text) - 1, -1, -1):
        char = short_text[short_index]
        if not char.isalnum():
            continue
        while long_index >= 0 and (
            long_text[long_index] != char
            or (short_index == 0 and long_index > 0 and long_text[long_index - 1].isalnum())
        ):
            long_index -= 1
        if long_index < 0:
            return short_form, None
        long_index -= 1
    start_char = long_form_candidate.start_char + long_index + 1
    for token in long_form_candidate:
        if token.idx <= start_char < token.idx + len(token.text):
            return short_form, long_form_candidate.doc[token.i : long_form_candidate.end]
    return short_form, None


def is_short_form(text: str) -> bool:
    """Schwartz & Hearst's short-form test: 2-10 characters, a letter, starting alphanumeric."""
    return 2 <= len(text) <= 10 and any(ch.isalpha() for ch in text) and text[0].isalnum()


def abbreviation_definitions(doc: Doc) -> Iterator[tuple[Span, Span]]:
    """(long form, short form) pairs written ``long form (SF)`` inside one sentence."""
    for token in doc[1:-2]:
        close = doc[token.i + 2]
        if token.text != "(" or close.text != ")" or not is_short_form(doc[token.i + 1].text):
            continue
        short = doc[token.i + 1 : token.i + 2]
        size = min(len(short.text) + 5, len(short.text) * 2)
        start = max(_sentence_start(doc, token.i), token.i - size)
        if start >= token.i:
            continue
        _, long_form = find_abbreviation(doc[start : token.i], short)
        if long_form is not None:
            yield long_form, short


def _sentence_start(doc: Doc, i: int) -> int:
    while i > 0 and not doc[i].is_sent_start:
        i -= 1
    return i


# --- the component -------------------------------------------------------------------------


class ConditionTagger:
    """Tags condition mentions (see the module docstring); built once per pipeline."""

    def __init__(self, nlp: Language, name: str, data_dir: str) -> None:
        register_extensions()
        data = Path(data_dir) if data_dir else Path(str(DATA))
        self.name = name
        self.stoplist = load_stoplist(data / "conditions_stoplist.txt")
        self.guards = load_guards(data / "conditions_guards.tsv")
        self.vocabulary = load_vocabulary(data / "conditions_vocab.tsv")
        lexicon = load_lexicon(data / "conditions.tsv")
        self.exact = {t: c for t, c in lexicon.items() if is_case_sensitive(t)}
        lower = lexicon_variants({t: c for t, c in lexicon.items() if not is_case_sensitive(t)})
        self.index = TermIndex.build(lower)
        self.exact_matcher = _phrase_matcher(nlp, "ORTH", list(nlp.tokenizer.pipe(self.exact)))
        self.body_matcher = _phrase_matcher(
            nlp, "LOWER", list(nlp.tokenizer.pipe(sorted(self.vocabulary.body_parts)))
        )

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.match(doc))
        return doc

    def match(self, doc: Doc) -> list[Match]:
        """The condition mentions of a doc, longest first-come, modifiers included."""
        defined = dict(abbreviation_definitions(doc))
        definitions = {short.text: long for long, short in defined.items()}
        matches = [*self.lexicon_matches(doc, definitions), *self.pattern_matches(doc)]
        chosen = longest(doc, matches)
        chosen = self.abbreviation_matches(doc, chosen, defined)
        floors = [0, *(m.end for m in chosen)]
        return [
            with_modifiers(doc, match, self.vocabulary.modifiers, floor)
            for match, floor in zip(chosen, floors, strict=False)
        ]

    def lexicon_matches(self, doc: Doc, definitions: dict[str, Span]) -> list[Match]:
        found = []
        for start, end, key in self.index.matches(doc):
            if passes_guards(doc, start, end, self.guards.get(key, [])):
                found.append(Match(start, end, self.index.terms[key], rank=0))
        for _, start, end in self.exact_matcher(doc):
            text = doc[start:end].text
            if text in definitions:  # the text defines this acronym itself
                continue
            if passes_guards(doc, start, end, self.guards.get(text, [])):
                found.append(Match(start, end, self.exact[text], rank=0))
        return found

    def pattern_matches(self, doc: Doc) -> list[Match]:
        parts = [(start, end) for _, start, end in self.body_matcher(doc)]
        return [
            *body_part_matches(doc, parts, self.vocabulary, self.index.terms),
            *suffix_matches(doc, self.stoplist, self.index.terms),
        ]

    def abbreviation_matches(
        self, doc: Doc, chosen: list[Match], defined: dict[Span, Span]
    ) -> list[Match]:
        """Tag short forms whose long form ends in a condition, from the definition on."""
        extra = []
        for long_form, short in defined.items():
            condition = next((m.condition for m in chosen if m.end == long_form.end), None)
            if condition is None:
                continue
            named = replace(condition, abbreviation_of=long_form.text.lower())
            extra += [
                Match(token.i, token.i + 1, named, rank=-1)
                for token in doc[short.start :]
                if token.text == short.text
            ]
        return longest(doc, [*chosen, *extra]) if extra else chosen

    def set_annotations(self, doc: Doc, matches: list[Match]) -> None:
        for match in matches:
            span = doc[match.start : match.end]
            add_claim(doc, LABEL, span.start_char, span.end_char, match.condition.attributes())


def leading_word(text: str) -> str:
    """The leading run of letters and digits: how the term index finds where a term starts."""
    match = _LEADING_WORD.match(text)
    return match.group(0) if match else text[:1]


def squash(text: str) -> str:
    """Lower-case text with whitespace runs as single spaces: the lexicon's lookup key."""
    return " ".join(text.lower().split())


@dataclass(frozen=True)
class TermIndex:
    """Case-insensitive lookup of lexicon terms over token-aligned stretches of a doc.

    It does what a LOWER PhraseMatcher does, but is built from strings. PhraseMatcher needs a
    tokenized Doc per pattern, and making ~30k of them took 1.5-4 s at start-up; here a
    candidate is the doc text from one token's start to a later token's end, squashed, and
    looked up in a dict. Only tokens that begin like some term (same leading word) are tried,
    and only up to that word's longest term. Stretches do not cross a sentence start.
    """

    terms: dict[str, Condition]
    longest: dict[str, int]  # leading word -> character length of its longest term

    @classmethod
    def build(cls, lexicon: dict[str, Condition]) -> TermIndex:
        terms = {squash(term): condition for term, condition in lexicon.items()}
        longest: dict[str, int] = {}
        for key in terms:
            word = leading_word(key)
            longest[word] = max(longest.get(word, 0), len(key))
        return cls(terms, longest)

    def matches(self, doc: Doc) -> Iterator[tuple[int, int, str]]:
        """Every (start, end, key) where the tokens ``doc[start:end]`` spell a term."""
        text = doc.text
        for token in doc:
            limit = self.longest.get(leading_word(token.lower_))
            if limit is None:
                continue
            for end in range(token.i + 1, len(doc) + 1):
                last = doc[end - 1]
                if end - 1 > token.i and last.is_sent_start:
                    break
                key = squash(text[token.idx : last.idx + len(last.text)])
                if len(key) > limit:
                    break
                if key in self.terms and not last.is_space:
                    yield token.i, end, key


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
