"""Tag statistics: numbers with their unit, qualifier and counted noun (CLAIMS.md, statistic).

Method: a scanner of compiled regular expressions over the whole text, no per-token work.
Cue-led forms are matched first by their own patterns: p-values (``p < 0.05``) and sample
sizes (``n = 40``), found by their comparison sign, and confidence intervals (``95% CI
1.2–3.4``). Then every other number is found: one scan for numbers in digits (with
thousands commas, decimals, a ``-`` or U+2212 minus and scale words), and one literal scan of
an ASCII view of the text (marks made spaces) for the number words (``twenty-five``, the
multipliers of ``twice as likely``). The digit scan also reads, in lookaheads, a
date or time the number starts and the range, proportion or unit after it. For each number,
one test of a lower-cased view of the text before it tells whether any cue may precede it;
only then do patterns matched on the reversed text before it look for a ratio label (``OR 2.1``,
``hazard ratio of 0.74``), a blocking prefix (``GB 30``) or a qualifier. Anchored patterns
read what follows it (a range, a proportion, ``+``, a unit, an arrow, a change word, a
frequency, a counted noun). Scanning regexes open with a character class or a literal so the
engine skips most positions at C speed, and case-insensitive alternations open with a class
of their first characters. Every word list is data: ``data/statistics_lexicon.json``.

Span rule: ``[qualifier] number [range | proportion] [unit] [arrow | change] [subject]``.

- A qualifier directly before the number starts the span (``over 40% of adults``,
  ``nearly 1 in 3``, ``up to 37%``, ``>30 mins``); so do ``between`` of ``between 40 and 60
  years``, an age cue (``aged 40-60``, ``age 54.3 years``) and a currency sign.
- The subject is in the span when adjacent: after a percentage or proportion, ``of`` + noun
  phrase (``over 40% of adults``, ``up to 40% of the population``: the determiner is in the
  span, not in ``subject``); after a number without unit, the counted noun phrase up to its
  plural head (``962 patients``, ``11 randomized controlled trials``); after a proportion,
  one plural word (``1 in 3 adults``; in ``1 in 3 try other options`` a verb follows).
- A number with neither unit nor counted noun (``week 6``, a bare ``8–12``) is no statistic.
- Ages take ``old``/``olds``/``of age`` (``seven week old``, ``40-60 year olds``); a hyphenated
  duration takes its period noun (``two-week period``); a dose takes its frequency
  (``500 mg twice daily``); percentages, scores and multipliers take a change word
  (``25% reduction``, ``three times more likely``); an arrow sets ``direction``.
- An emphasis asterisk is included only to keep the span's asterisks balanced
  (``*at least two* therapies``).

Values: ``value`` for one number; ``low``/``high`` for a range, with ``value`` None; a
proportion's value is the fraction rounded to three places. A confidence interval has
``value`` None, ``low``/``high`` its bounds and ``unit`` its level as written (``95% CI``). A
ratio's ``unit`` is its label (``HR``), and a confidence interval right behind it fills its
``low``/``high`` too (the interval also gets its own record). A p-value has ``comparator``.

Not statistics: years (a bare four-digit 1800–2099 never becomes a count or a bare number),
dates, times of day, phone and version numbers, identifiers glued to letters (``BL40``,
``IL-6``, ``NRS-11``, ``p13``, ``COVID-19``, ordinals, ``1990s``), numbers after a code prefix
(``GB 30``, ``Step 2``, ``Type 2``, ``p. 13``), list numbering and numbers inside a citation.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import partial
from importlib.resources import files
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple

from spacy.language import Language
from spacy.tokens import Doc

from .component import BatchedComponent
from .spans import CASE_FOLD_TRAPS, add_claim, claim_entries, doc_text

DEFAULT_LEXICON = "statistics_lexicon.json"
H = r"[ \t\u00a0]"  # horizontal space only: a statistic never runs over a line break
DIGITS = r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?"
# DIGITS with its first digit pulled out front: a pattern that opens with a character class
# lets the regex engine skip non-digits at C speed (an alternation opening with one does not).
DIGITS_SCAN = r"[0-9](?:[0-9]{0,2}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]*(?:\.[0-9]+)?)"
DECIMAL = r"[−-]?(?:[0-9]+(?:[.·][0-9]+)?|[.·][0-9]+)"
MARKUP = "*"
WORD_START = r"(?<![\w\-].)"  # after a word's first letter: that letter starts the word
SEPARATORS = ".,/:+–—−-"  # a number right after one of these is part of something else
_TIGHT = r"\w.,/:+–—−\-"  # a regex class body: word characters and SEPARATORS
_NOT_FREE = f"[{_TIGHT}]"
_AFTER_FIRST_DIGIT = "(?#first digit read)"  # a regex comment: where digit_reading adds to it
_FREE_END = r"(?![\w])"  # how the *_before patterns end
BEFORE_WIDTH = 40  # the window every *_before pattern is matched in (see _behind)
# The characters the regex engine matches to an ASCII letter under IGNORECASE although they
# are not ASCII (İ, ı, ſ, the Kelvin sign): the ASCII views of a text holding one would miss
# a match there, so its numbers are found the slow way (see _ascii_views).
# bytes.translate table of the words view (see _ascii_views): ASCII letters lower-cased,
# "_" and "-" kept, every digit a "0" and any other byte a space.
_WORD_BYTES = b"abcdefghijklmnopqrstuvwxyz_-"
_WORDS_VIEW = bytes(
    byte if byte in _WORD_BYTES else 48 if 48 <= byte <= 57 else 32
    for byte in bytes(range(256)).lower()
)


class Statistic(NamedTuple):
    """One statistic found in a text: its character range and its attributes.

    A named tuple: as immutable as a frozen dataclass, and several times cheaper to build.
    """

    start: int
    end: int
    attrs: dict[str, Any]


def _alternation(words: list[str], ignore_case: bool = False) -> str:
    """A regex alternation of literal words that matches what the words sorted longest first
    would (no prefix shadows a word), written as a trie: ``p(?:ercent|er cent)``.

    The regex engine tries an alternation's branches one by one, and branches that open with
    a case-insensitive literal cannot be skipped cheaply; a trie rejects a mismatch at its
    first character. Branches under one node differ in their first character (compared as
    ``re.IGNORECASE`` does when ``ignore_case``), so at most one of them can match and
    their order is free; a longer word is tried before a prefix of it, as longest-first does.
    """
    trie: dict[str, dict] = {}
    for word in sorted(set(words)):  # sorted: the same regex in every process (hash seeds)
        node = trie
        for char in word:
            node = node.setdefault(_trie_key(node, char, ignore_case), {})
        node[""] = {}
    return _trie_regex(trie, ignore_case)


def _trie_key(node: dict[str, dict], char: str, ignore_case: bool) -> str:
    """The key of ``char`` among a node's children: one the engine would match it with."""
    if ignore_case:
        for key in node:
            if key and re.fullmatch(f"(?i:{re.escape(key)})", char):
                return key
    return char


def _trie_regex(node: dict[str, dict], ignore_case: bool = False) -> str:
    branches = [
        re.escape(char) + _trie_regex(child, ignore_case) for char, child in node.items() if char
    ]
    if "" in node:
        branches.append("")  # the word ending here, tried after every longer one
    if len(branches) == 1:
        return branches[0]
    guard = ""
    if ignore_case and "" not in node and len(branches) > 2:
        # The engine enters each branch that opens with a case-insensitive literal; one
        # class of the branches' first characters (any case) rejects a mismatch at once.
        guard = f"(?=(?i:[{''.join(re.escape(char) for char in node)}]))"
    return f"{guard}(?:{'|'.join(branches)})"


def _unnamed(pattern: str) -> str:
    """A pattern with its named groups made plain groups (to combine it with others)."""
    return re.sub(r"\(\?P<\w+>", "(", pattern)


def _reversed(words: list[str], ignore_case: bool = False) -> str:
    """An alternation of the words spelled backwards, for matching leftwards from a number."""
    return _alternation([w[::-1] for w in words], ignore_case)


def _class_first(words: list[str], after_first: str = "") -> str:
    """An alternation of words (any case) that opens with a character class.

    ``after_first`` (e.g. a lookbehind) is placed after the first character; the rest of
    each word is chosen by a lookbehind on that character (see ``_compile`` for why), from
    a trie of the rests (see ``_alternation``).
    """
    rests: dict[str, list[str]] = {}
    for word in words:
        initials = "".join(sorted({word[0].lower(), word[0].upper()}))
        rests.setdefault(initials, []).append(word[1:])
    branches = "|".join(
        f"(?<=[{re.escape(c)}])(?i:{_alternation(r, True)})" for c, r in sorted(rests.items())
    )
    first = "".join(sorted({c for initials in rests for c in initials}))
    return f"[{re.escape(first)}]{after_first}(?:{branches})"


class StatisticPatterns:
    """The compiled patterns and word sets of one lexicon (built once per component)."""

    def __init__(self, lexicon: dict[str, Any]) -> None:
        self.number_words: dict[str, int] = lexicon["number_words"]
        self.scale_words: dict[str, int] = lexicon["scale_words"]
        self.multipliers: dict[str, int] = lexicon["multiplier_words"]
        self.unit_kinds = {
            unit.lower(): kind for kind, units in lexicon["units"].items() for unit in units
        }
        self.qualifier_of = {
            cue.lower(): name for name, cues in lexicon["qualifiers"].items() for cue in cues
        }
        self.change_direction = {
            word: (None if direction == "none" else direction)
            for direction, words in lexicon["change_words"].items()
            for word in words
        }
        self.case_sensitive_units = frozenset(lexicon["case_sensitive_units"])
        self.comparatives_for_times = frozenset(lexicon["comparatives_for_times"])
        self.arrows: dict[str, str] = lexicon["arrows"]
        self.stopwords = frozenset(lexicon["stopwords"])
        self.not_nouns = frozenset(lexicon["not_nouns"])
        self.irregular_plurals = frozenset(lexicon["irregular_plurals"])
        self.determiners = frozenset(lexicon["determiners"])
        self.idioms = frozenset(lexicon["idioms"])
        self._values: dict[str, float] = {}
        self._compile(lexicon)

    def _compile(self, lex: dict[str, Any]) -> None:
        ones = [w for w, v in self.number_words.items() if 1 <= v <= 9]
        scales = rf"(?:{H}+(?i:{_alternation(list(self.scale_words), True)})(?![\w]))*"
        # Scanners open with a character class (lookbehinds come after it): the regex engine
        # then skips every position whose first character cannot start a match.
        # The lookbehinds (after the first digit, for the fast scan) leave out numbers glued
        # to a word or code or right after a separator (BL40, 1.5.2, 26/02, 40-60's second
        # half); ``sign`` takes in a minus that starts the number (see number_candidates).
        self.digit_number = re.compile(
            rf"[0-9](?:(?<!{_NOT_FREE}.)|(?P<sign>(?<=[^{_TIGHT}][−-].)|(?<=^[−-].)))"
            rf"{_AFTER_FIRST_DIGIT}"
            rf"{DIGITS_SCAN[5:]}(?![0-9]){scales}"
        )
        word_number = (
            rf"{_class_first([*self.number_words, *self.multipliers], WORD_START)}"
            rf"(?:(?<=[tT][yY])(?:-|{H})(?i:{_alternation(ones, True)}))?{scales}(?![\w])"
        )
        self.word_number = re.compile(word_number)
        # Where a number word can start in the words view (see _ascii_views), where every
        # character but [a-z0-9_-] is a space: after a space (a literal prefix, the fastest
        # scan) or at the start. word_number then confirms each place.
        stems = _alternation([w.lower() for w in [*self.number_words, *self.multipliers]])
        self.word_stem = re.compile(stems.encode())
        self.word_stem_after_space = re.compile(f" {stems}".encode())
        # Where a run of digits starts in the words view: the only places digit_reading
        # can match (its lookbehinds refuse a digit after a digit). A literal opens it:
        # the engine skips to each "0" far faster than it tests each character for [0-9].
        # Each match takes the whole run, so the scan goes on after it: one attempt a run,
        # not one a digit. ("0+" would compile to a class scan, no literal prefix: slower.)
        self.digits_start = re.compile(rb"00*")
        bare = rf"(?:[−-]?(?:{DIGITS})(?![0-9]){scales}|{word_number})"
        self.range_tail = re.compile(
            rf"(?P<pct>{H}*%)?(?P<sep>{H}*[-–—]{H}*|{H}+(?i:to|and){H}+)(?P<num>{bare})"
        )
        self.proportion_tail = re.compile(rf"{H}+(?i:in|out{H}+of){H}+(?P<num>{bare})(?![\w%])")
        unit_words = [u for group in lex["units"].values() for u in group]
        units = _alternation(unit_words, True)
        # After each gap the engine would try every branch of both tries; one class of their
        # initials (any case) rejects most places first.
        initials = re.escape("".join(sorted({w[0] for w in [*unit_words, *lex["unit_modifiers"]]})))
        self.unit_tail = re.compile(
            rf"(?P<gap>{H}*+|-)(?=(?i:[{initials}]))"
            rf"(?:(?P<mod>(?i:{_alternation(lex['unit_modifiers'], True)})){H}+)?"
            rf"(?P<unit>(?i:{units}))(?![\w])"
        )
        self.age_suffix = re.compile(
            rf"(?:{H}+|-)(?i:{_alternation(lex['age_units_suffix'], True)})(?![\w])"
        )
        self.period_noun = re.compile(
            rf"{H}+(?P<noun>(?i:{_alternation(lex['period_nouns'], True)}))(?![\w])"
        )
        self.arrow = re.compile(rf"{H}*(?P<arrow>[{''.join(self.arrows)}])")
        self.change = re.compile(
            rf"(?:{H}+|-)(?P<change>(?i:{_alternation(list(self.change_direction), True)}))"
            rf"(?:{H}+(?i:{_alternation(lex['comparative_tails'], True)}))?(?![\w])"
        )
        self.frequency = re.compile(
            rf"{H}+(?i:{_alternation(lex['dose_frequencies'], True)})(?![\w])"
        )
        self.of_phrase = re.compile(
            rf"{H}+(?i:of)(?:{H}+(?i:{_alternation(lex['determiners'], True)})(?![\w]))?"
        )
        self.word = re.compile(
            rf"(?:[{MARKUP}_]{{0,2}}{H}+)(?P<word>(?:[A-Za-z]\.){{2,}}|[A-Za-z][A-Za-z0-9'’\-]*)"
        )
        # Cues before a number are matched on the reversed text before it, anchored at the
        # number: one attempt instead of a search through the window.
        self.qualifier_before = re.compile(
            rf"{H}*(?P<q>(?i:{_reversed(list(self.qualifier_of), True)}))(?![\w])"
        )
        age_cues = _reversed(lex["age_cues"], True)
        self.age_cue_before = re.compile(
            rf"{H}*[:=]?{H}*(?:(?i:fo|neewteb|morf){H}+)?(?i:{age_cues})(?![\w])"
        )
        self.between_before = re.compile(rf"{H}+(?i:neewteb)(?![\w])")
        self._compile_cues(lex)
        self._compile_blockers(lex)
        self._compile_prefilters(lex)

    def _compile_prefilters(self, lex: dict[str, Any]) -> None:
        # Whether any cue may stand before a number: the *_before patterns as one
        # alternation, without their closing (?![\w]), so that a match of any of them within
        # its own window is also a match of this one within the widest (BEFORE_WIDTH).
        before = (
            self.ratio_before,
            self.blocker_before,
            self.qualifier_before,
            self.between_before,
            self.age_cue_before,
        )
        self.any_before = re.compile(
            "|".join(
                f"(?:{_unnamed(pattern.pattern).removesuffix(_FREE_END)})" for pattern in before
            )
        )
        # The same question asked of the lower-cased Latin-1 bytes before the number, reversed
        # (see _ascii_views), cheaper: one case-sensitive trie of every cue word after the
        # optional links of any of them. A cue word's characters beyond Latin-1 (``≥``) are
        # "?" there, as in the view.
        cue_words = [
            *lex["ratio_abbreviations"],
            *lex["ratio_phrases"],
            *lex["code_prefixes_case_sensitive"],
            *lex["code_prefixes"],
            *lex["months"],
            *self.qualifier_of,
            "between",
            *lex["age_cues"],
        ]
        # Its runs of spaces are possessive: no cue word starts or ends with a space, so
        # giving one back cannot make a match, and the engine does not retry the trie.
        latin_h = r"[ \t\xa0]"  # H in a bytes pattern (which knows no \u escape)
        self.any_before_lower = re.compile(
            (
                rf"{latin_h}*+(?:[:=,]{latin_h}*+)?(?:(?:fo|saw|si|neewteb|morf){latin_h}++)?\.?"
                rf"{_reversed([_latin_view(w.lower()) for w in cue_words])}"
            ).encode("latin-1")
        )
        # What follows a number, in one match: ``rp`` when a range or proportion tail may
        # follow (then the reader tries each), else unit_tail's groups as unit_tail.match
        # would give them (both optional, so this always matches).
        tails = f"{_unnamed(self.range_tail.pattern)}|{_unnamed(self.proportion_tail.pattern)}"
        self.after_number = re.compile(f"(?:(?=(?P<rp>{tails})))?(?:{self.unit_tail.pattern})?")
        # digit_number that also tells, by lookaheads (which consume nothing, so the scan
        # finds the same numbers): ``blk``, the blocker_after match at the first digit, and
        # after the number after_number's groups (``unit`` and its parts in a lookahead).
        # Each lookahead opens with a cheap test of what it needs (a blocker: _blocker_guard;
        # a range or a proportion: a space, "%" or a dash), which rejects most numbers at once.
        first, rest = self.digit_number.pattern.split(_AFTER_FIRST_DIGIT, 1)
        # How a range or proportion tail must start: spaces, maybe "%" and spaces, then a
        # dash or the first letter of to/and/in/out (possessive: no backtracking on a miss).
        tail_start = rf"{H}*+%?{H}*+(?i:[\-–—taio])"
        self.digit_reading = re.compile(
            f"{first}{_AFTER_FIRST_DIGIT}"
            f"(?:(?={self._blocker_guard})(?=(?P<blk>{self._blocker_tail})))?{rest}"
            f"(?:(?={tail_start})(?=(?P<rp>{tails})))?(?:(?={self.unit_tail.pattern}))?"
        )

    def _compile_cues(self, lex: dict[str, Any]) -> None:
        # p-values and sample sizes are found by their comparison sign (rare in prose, so a
        # fast scan), then the label before it is checked on the reversed text. The sign
        # opens with a character class (<=, >=, =<, => as one sign plus a lookbehind): the
        # engine skips other characters at C speed, which it does not for an alternation.
        self.comparison = re.compile(
            rf"(?P<cmp>[<>=≤≥](?:(?<=[<>])=|(?<==)[<>])?){H}*"
            rf"(?P<num>{DECIMAL}(?:[eE][−-]?[0-9]+)?)(?![0-9])"
        )
        self.p_label_before = re.compile(rf"{H}*(?:(?i:seulav|eulav){H}*-?{H}*)?[pP](?![\w])")
        self.n_label_before = re.compile(rf"{H}*[nN](?![\w])")
        self.sample_size = re.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?![0-9]|\.[0-9])")
        interval = (
            rf"(?:{H}*[:=,]|{H}+(?i:of|was|from))?{H}*(?P<open>[\[(])?{H}*"
            rf"(?P<low>{DECIMAL}){H}*(?:[-–—]|to|,|;){H}*(?P<high>{DECIMAL})(?![0-9])"
            rf"(?P<close>{H}*[\])])?"
        )
        label = rf"(?:CI|C\.I\.|[cC](?i:onfidence){H}+(?i:intervals?))"
        # Two scans with a literal start each ("C", "confidence"): much faster than one "[cC]".
        self.intervals = (
            re.compile(rf"(?P<label>C(?:I|\.I\.|(?i:onfidence){H}+(?i:intervals?))){interval}"),
            re.compile(rf"(?P<label>confidence{H}+(?i:intervals?)){interval}"),
        )
        self.interval_level = re.compile(rf"{H}*%{H}*(?P<level>[0-9]+(?:\.[0-9]+)?)(?![\w.])")
        self.interval_after = re.compile(
            rf"{H}*[(\[,;]?{H}*(?:[0-9]{{2}}(?:\.[0-9]+)?{H}*%{H}*)?{label}{interval}"
        )
        # Matched on the reversed text before a number, like the other "*_before" patterns.
        self.ratio_before = re.compile(
            rf"{H}*(?:[:=,]{H}*|(?i:fo|saw|si){H}+)?"
            rf"(?P<label>{_reversed(lex['ratio_abbreviations'])}"
            rf"|(?i:{_reversed(lex['ratio_phrases'], True)}))(?![\w])"
        )
        self.multiplier = re.compile(
            rf"(?P<num>{_class_first(list(self.multipliers))}){H}+"
            rf"(?P<change>(?i:as|more|less|higher|lower|greater))"
            rf"(?:{H}+(?i:{_alternation(lex['comparative_tails'], True)}))?(?![\w])"
        )

    def _compile_blockers(self, lex: dict[str, Any]) -> None:
        months = _alternation(lex["months"])
        ordinal = r"(?:st|nd|rd|th)?"
        # Anchored at a number's first digit: (how many digits lead, what follows them).
        after = [
            ("{1,4}", r"[/.\-][0-9]{1,2}[/.\-][0-9]{2,4}(?![0-9])"),  # 26/02/2018, 2018-02-26
            ("{1,2}", rf"{ordinal}{H}+(?:of{H}+)?(?:{months})\b"),  # 26 February, 3rd of May
            ("{1,2}", r":[0-9]{2}(?::[0-9]{2})?"),  # 10:30
            ("{1,2}", rf"{H}*[AaPp]\.?[Mm]\.?(?![\w])"),  # 9 am, 5 p.m.
            ("{2,5}", r"\)?[ .\-][0-9]{3,4}[ .\-][0-9]{3,4}(?![0-9])"),  # (555) 123-4567
            ("+", r"\.[0-9]+\.[0-9]+(?:\.[0-9]+)*"),  # 3.10.4
        ]
        self.blocker_after = re.compile("|".join(f"[0-9]{lead}{rest}" for lead, rest in after))
        # The same after the first digit, with one digit fewer leading (for digit_reading).
        fewer = {"{1,4}": "{0,3}", "{1,2}": "?", "{2,5}": "{1,4}", "+": "*"}
        self._blocker_tail = "|".join(f"[0-9]{fewer[lead]}{rest}" for lead, rest in after)
        # What must follow the digits for any of them to match (a superset, cheap to test:
        # most numbers fail it at once, where the alternatives would each be tried): a
        # separator or an ordinal's letter, a space and am/pm, a month or a digit.
        month_initials = re.escape("".join(sorted({month[0] for month in lex["months"]})))
        self._blocker_guard = (
            rf"[0-9]*+(?:[/.\-:)snrt]|{H}*[AaPp]\.?[Mm]|{H}+(?:of{H}+)?[{month_initials}]"
            rf"|{H}[0-9])"
        )
        # Matched on the reversed text before a number: GB 30, Step 2, p. 13, February 26.
        self.blocker_before = re.compile(
            rf"{H}*(?:{_reversed(lex['code_prefixes_case_sensitive'])}"
            rf"|(?i:{_reversed(lex['code_prefixes'], True)})|\.?(?:{_reversed(lex['months'])}))"
            rf"(?![\w])"
        )

    # --- values ------------------------------------------------------------------------

    def parse_number(self, text: str) -> float:
        """The value of a number as written: ``−18.5``, ``1,200``, ``2.5 million``, ``forty``."""
        # Texts repeat the same few numbers: remember their values (bounded, per instance).
        value = self._values.get(text)
        if value is None:
            if len(self._values) >= 50_000:
                self._values.clear()
            value = self._values[text] = self._parse_number(text)
        return value

    def _parse_number(self, text: str) -> float:
        if not text[:1].isalpha():
            digits, *scale = text.replace("−", "-").replace("·", ".").split()
            value = float(digits.replace(",", ""))
            for word in scale:
                value *= self.scale_words[word.lower()]
            return value
        total = current = 0.0
        for word in re.split(r"[-\s]+", text.lower()):
            if word in self.number_words:
                current += self.number_words[word]
            elif word == "hundred":
                current = (current or 1) * 100
            elif word in self.scale_words:
                total += (current or 1) * self.scale_words[word]
                current = 0
        return total + current

    def is_plural(self, word: str) -> bool:
        """True when a lower-cased word looks like a plural noun (the head of a count)."""
        if word in self.irregular_plurals:
            return True
        return len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is"))


def load_patterns(path: str | Path | None = None) -> StatisticPatterns:
    """Compile the statistic lexicon at ``path`` (default: the packaged one)."""
    if path:
        raw = Path(path).read_text(encoding="utf-8")
    else:
        raw = files("claimscope").joinpath("data", DEFAULT_LEXICON).read_text(encoding="utf-8")
    return StatisticPatterns(json.loads(raw))


class _Ranges:
    """Non-overlapping or merged character ranges with a logarithmic overlap test."""

    def __init__(self, ranges: list[tuple[int, int]] | None = None) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        if not ranges:  # most texts hold no citation to skip (one _Ranges a text starts empty)
            return
        for start, end in sorted(ranges):
            if self._ends and start < self._ends[-1]:
                self._ends[-1] = max(self._ends[-1], end)
            else:
                self._starts.append(start)
                self._ends.append(end)

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_right(self._starts, end - 1) - 1
        return i >= 0 and self._ends[i] > start

    def add(self, start: int, end: int) -> None:
        i = bisect_right(self._starts, start)
        self._starts.insert(i, start)
        self._ends.insert(i, end)


def is_year(text: str) -> bool:
    """True for a bare four-digit number that reads as a year (1800–2099)."""
    return len(text) == 4 and text.isdigit() and 1800 <= int(text) <= 2099


def _glued_before(text: str, start: int) -> bool:
    """True when the character before ``start`` joins the number to a word (``BL40``)."""
    return start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_")


def _behind(
    pattern: re.Pattern[str], text: str, start: int, width: int = BEFORE_WIDTH
) -> re.Match[str] | None:
    """``pattern`` matched on the ``width`` characters before ``start``, reversed (for the
    ``*_before`` patterns); the match's length is ``_length(match)``.

    Only the window is reversed: a few short slices cost less than reversing the whole text
    (and hashing it, to find that reversal again).
    """
    return pattern.match(text[max(start - width, 0) : start][::-1])


def _ascii_views(text: str) -> tuple[bytes, bytes] | None:
    """Two views of ``text``, character for character, for the scans that only look for
    places (word_number and the *_before patterns confirm each on the text itself):

    - ``words``: ASCII letters lower-cased, "_" and "-" kept, every ASCII digit a "0" and
      any other character a space (see _word_numbers and digits_start);
    - ``latin``: the Latin-1 encoding itself, any other character a "?" (an ASCII string is
      in it where it is in the text; bytes searches for one character run at memchr speed;
      the cue test before a number reads a window of it, lower-cased, see _cue_window).

    Both come from one Latin-1 encoding, many times cheaper than ``str.lower()`` on a text
    beyond Latin-1. An ASCII word matches a view where re.IGNORECASE matches it in the
    text, unless the text holds one of CASE_FOLD_TRAPS: then None.
    """
    if any(map(text.__contains__, CASE_FOLD_TRAPS)):  # (map: no generator frame)
        return None
    latin = text.encode("latin-1", "replace")  # one "?" per character beyond Latin-1
    return latin.translate(_WORDS_VIEW), latin


def _latin_view(word: str) -> str:
    """``word`` as _ascii_views writes it: a "?" for each character beyond Latin-1."""
    return word.encode("latin-1", "replace").decode("latin-1")


def _length(match: re.Match[str]) -> int:
    """How many characters a ``_behind`` match covers."""
    return match.end() - match.pos


def number_candidates(text: str, patterns: StatisticPatterns) -> list[tuple[int, int]]:
    """Ranges of the numbers of ``text`` (digits with their sign, number words), in order.

    A number glued to a word or code (``BL40``, ``IL-6``, ``p13``), inside a decimal or a
    date (``1.5.2``, ``26/02``) or after a range dash is left out (by digit_number's
    lookbehinds).
    """
    readings = _number_readings(text, patterns, _ascii_views(text))
    return [(start, end) for start, end, _ in readings]


def _number_readings(
    text: str, patterns: StatisticPatterns, views: tuple[bytes, bytes] | None
) -> list[tuple[int, int, re.Match[str] | None]]:
    """number_candidates with, for a number in digits, its digit_reading match
    (``views``: the text's _ascii_views)."""
    found: list[tuple[int, int, re.Match[str] | None]] = _digit_readings(text, patterns, views)
    words = _word_numbers(text, patterns, views)
    if words:
        found.extend(words)
        found.sort(key=_span_key)  # (start, end)
    return found


def _digit_readings(
    text: str, p: StatisticPatterns, views: tuple[bytes, bytes] | None
) -> list[tuple[int, int, re.Match[str] | None]]:
    """(start, end, match) for each match ``p.digit_reading.finditer(text)`` gives, found
    faster: digit_reading matched only where a run of digits starts (see digits_start),
    skipping places inside the previous match as finditer does. ``start`` is the sign's when
    one starts the number."""
    if views is None:
        return [_digit_entry(m) for m in p.digit_reading.finditer(text)]
    found: list[tuple[int, int, re.Match[str] | None]] = []
    end = 0
    match = p.digit_reading.match
    for place in p.digits_start.finditer(views[0]):
        start = place.start()
        if start >= end and (m := match(text, start)):
            end = m.end()
            # _digit_entry inlined: a call per number costs more than the rest of the loop.
            found.append((start - 1 if m["sign"] is not None else start, end, m))
    return found


def _digit_entry(m: re.Match[str]) -> tuple[int, int, re.Match[str] | None]:
    start, end = m.span()
    return start - 1 if m["sign"] is not None else start, end, m


def _word_numbers(
    text: str, p: StatisticPatterns, views: tuple[bytes, bytes] | None
) -> list[tuple[int, int, None]]:
    """(start, end, None) for each match ``p.word_number.finditer(text)`` gives (None: no
    digit_reading match, see _number_readings), found faster.

    Places a number word may start (a superset of the matches' starts), in order: the
    start and after a space of the words view, where every character that is no word
    character and no hyphen is a space (see _ascii_views). word_number matched at each
    confirms it, skipping places inside the previous match as finditer does.
    """
    if views is None:
        return [(*m.span(), None) for m in p.word_number.finditer(text)]
    words = views[0]
    places = [m.start() + 1 for m in p.word_stem_after_space.finditer(words)]
    if p.word_stem.match(words):
        places.insert(0, 0)
    found = []
    end = 0
    match = p.word_number.match
    for place in places:
        if place >= end and (m := match(text, place)):
            end = m.end()
            found.append((place, end, None))
    return found


def blocked_end(
    text: str,
    start: int,
    end: int,
    patterns: StatisticPatterns,
    cues: bool = True,
    after_end: int | None = None,
) -> int:
    """0 when the number at ``[start, end)`` may be a statistic, else where the block ends.

    Blocked: dates, times of day, phone and version numbers, numbers after a code prefix
    (``GB 30``, ``Step 2``, ``p. 13``, ``February 26``) and list numbering (``1.`` at a
    line start). ``cues`` False says no cue precedes the number (no blocking prefix);
    ``after_end``, when known, is where a blocker_after match ends (0: none).
    """
    if after_end is None:
        digit = start + 1 if text[start] in "−-" else start
        after = patterns.blocker_after.match(text, digit)
        after_end = after.end() if after else 0
    if after_end:
        return after_end
    if cues and _behind(patterns.blocker_before, text, start, 24):
        return end
    if text[end : end + 1] in (".", ")") and text[end + 1 : end + 2] in ("", " ", "\t", "\n"):
        line = text[text.rfind("\n", 0, start) + 1 : start]
        if not line.strip(" \t•*-"):
            return end + 1
    return 0


def find_statistics(
    text: str, patterns: StatisticPatterns, skip: list[tuple[int, int]] | None = None
) -> list[Statistic]:
    """All statistics of ``text`` in document order; numbers overlapping ``skip`` are left out.

    Cue-led forms (p-values, intervals, ratios, sample sizes, multipliers) are matched first,
    then every other number is read with its unit, qualifier and subject.
    """
    # Most texts hold no citation: then there is nothing to skip and no test to make.
    skipped = _Ranges(list(skip)) if skip else None
    taken = _Ranges()
    found: list[Statistic] = []

    def keep(stat: Statistic, core: tuple[int, int]) -> None:
        if (skipped is None or not skipped.overlaps(*core)) and not taken.overlaps(
            stat.start, stat.end
        ):
            found.append(stat)
            taken.add(stat.start, stat.end)

    # Made once here and handed down (a cache would hash the whole text to find them).
    views = _ascii_views(text)
    # Most texts hold no comparison sign: a few substring searches beat the regex's scan.
    if any(map(text.__contains__, _SIGNS)):
        for stat, core in _comparisons(text, patterns):
            keep(stat, core)
    if _may_hold_interval(text, views):
        for stat, core in _intervals(text, patterns):
            keep(stat, core)
    blocked_until = 0
    any_before_lower = patterns.any_before_lower.match
    readings = _number_readings(text, patterns, views)
    # Arrows are rare: a text without one skips the arrow test for each number (and a text
    # without a number, one in ten of the benchmark sample, skips the search).
    arrows = bool(readings) and any(map(text.__contains__, patterns.arrows))
    for start, end, digits in readings:
        if start < blocked_until or taken.overlaps(start, end):
            continue
        if skipped is not None and skipped.overlaps(start, end):
            continue
        if text[start] in "tT" and text[start:end].lower() in patterns.multipliers:
            multiplier = multiplier_at(text, start, patterns)
            if multiplier is not None:
                keep(multiplier, (start, end))
            continue
        # Whether a cue may stand before the number (most numbers have none): if not, the
        # ratio, blocker, qualifier, between and age-cue patterns are not tried one by one.
        # Only the window is lower-cased and reversed: a few short slices cost less than
        # a lower-cased, reversed copy of the whole text.
        if views is None:
            cues = _behind(patterns.any_before, text, start) is not None
        else:
            window = views[1][max(start - BEFORE_WIDTH, 0) : start].lower()[::-1]
            cues = any_before_lower(window) is not None
        cues = cues or (start > 0 and text[start - 1] in "$£€")  # the reading may start there
        ratio = ratio_at(text, start, end, patterns) if cues else None
        if ratio is not None:
            keep(ratio, (start, end))
            continue
        if digits is None:  # a number word: no date or time, and its tail is read here
            after_end, after = 0, patterns.after_number.match(text, end)
        else:
            after_end, after = (0 if digits["blk"] is None else digits.end("blk")), digits
        # blocked_end finds no block without a blocker after, a cue before or a "." or ")"
        # right after the number (most numbers): the call is skipped then.
        block = (after_end or cues or text[end : end + 1] in (".", ")")) and blocked_end(
            text, start, end, patterns, cues, after_end
        )
        if block:
            blocked_until = block
            continue
        parsed = _read_number(text, start, end, patterns, cues, arrows, after)
        if parsed is not None:
            keep(*parsed)
    return sorted(found, key=_span_key)


_span_key = itemgetter(0, 1)  # a Statistic's (start, end)


def _attrs(kind: str, **values: Any) -> dict[str, Any]:
    return {"kind": kind, **{k: v for k, v in values.items() if v is not None}}


# --- cue-led forms -----------------------------------------------------------------------

_COMPARATORS = {"≤": "<=", "=<": "<=", "≥": ">=", "=>": ">="}
_SIGNS = ("<", ">", "=", "≤", "≥")  # the characters a comparison opens with


def _comparisons(text: str, p: StatisticPatterns):
    """p-values (``p < 0.05``, ``P-value = .03``) and sample sizes (``n = 40``)."""
    for m in p.comparison.finditer(text):
        label = _behind(p.p_label_before, text, m.start(), 16)
        if label:
            cmp = _COMPARATORS.get(m["cmp"], m["cmp"])
            attrs = _attrs("p_value", value=p.parse_number(m["num"]), comparator=cmp)
            yield Statistic(m.start() - _length(label), m.end(), attrs), m.span("num")
        elif m["cmp"] == "=" and (label := _behind(p.n_label_before, text, m.start(), 16)):
            size = p.sample_size.match(text, m.start("num"))
            if size:
                start = m.start() - _length(label)
                attrs = _attrs("count", value=p.parse_number(size[0]), subject=text[start])
                yield Statistic(start, size.end(), attrs), size.span()


def _interval_attrs(m: re.Match[str], start: int, p: StatisticPatterns) -> dict[str, Any]:
    unit = m.string[start : m.end("label")]
    return _attrs("ci", low=p.parse_number(m["low"]), high=p.parse_number(m["high"]), unit=unit)


def _interval_end(m: re.Match[str]) -> int:
    # A closing bracket belongs to the span only when its opening one does.
    return m.end("close") if m["open"] and m["close"] else m.end("high")


def _may_hold_interval(text: str, views: tuple[bytes, bytes] | None) -> bool:
    """False when no intervals pattern can match: the text holds neither ``CI``, ``C.I.``
    nor ``onfidence`` in any case (a few substring searches beat the patterns' scans;
    ``views``: the text's _ascii_views)."""
    return views is None or _holds_ci(views[1]) or b"onfidence" in views[0]


def _holds_ci(latin: bytes) -> bool:
    """Whether ``CI`` or ``C.I.`` is in the text: each "C" is found at memchr speed (a
    two-character search runs several times slower, and capital Cs are few)."""
    at = latin.find(b"C")
    while at >= 0:
        if latin.startswith((b"CI", b"C.I."), at):
            return True
        at = latin.find(b"C", at + 1)
    return False


def _intervals(text: str, p: StatisticPatterns):
    matches = [m for pattern in p.intervals for m in pattern.finditer(text)]
    for m in sorted(matches, key=lambda m: m.start()):
        if _glued_before(text, m.start()):
            continue
        start = m.start()
        level = _behind(p.interval_level, text, start, 12)
        if level and not _glued_before(text, start - _length(level)):
            start -= _length(level)
        stat = Statistic(start, _interval_end(m), _interval_attrs(m, start, p))
        yield stat, (m.start("low"), m.end("high"))


def ratio_at(text: str, start: int, end: int, p: StatisticPatterns) -> Statistic | None:
    """The ratio whose number is at ``[start, end)`` (``OR 2.1``, ``hazard ratio of 0.74``).

    A confidence interval right behind it fills ``low`` and ``high``.
    """
    m = _behind(p.ratio_before, text, start, 32)
    if m is None:
        return None
    low = high = None
    ci = p.interval_after.match(text, end)
    if ci:
        low, high = p.parse_number(ci["low"]), p.parse_number(ci["high"])
    value = p.parse_number(text[start:end])
    attrs = _attrs("ratio", value=value, low=low, high=high, unit=m["label"][::-1])
    return Statistic(start - _length(m), end, attrs)


def multiplier_at(text: str, start: int, p: StatisticPatterns) -> Statistic | None:
    """``twice as likely``, ``thrice more common``: a ratio told by a multiplier word."""
    m = p.multiplier.match(text, start)
    if m is None:
        return None
    value = float(p.multipliers[m["num"].lower()])
    direction = p.change_direction.get(m["change"].lower()) or "increase"
    return Statistic(
        start, m.end(), _attrs("ratio", value=value, unit=m["num"], direction=direction)
    )


# --- numbers read from their surroundings --------------------------------------------------


_UNMATCHED = object()  # a pattern not matched yet (None: matched, and no match)


@dataclass(slots=True)
class _Reading:
    """A number being read: its value or range and what has been found around it."""

    start: int
    end: int
    value: float | None
    cues: bool = True  # False: no cue precedes the number (see find_statistics)
    arrows: bool = True  # False: the text holds no arrow
    low: float | None = None
    high: float | None = None
    kind: str | None = None
    unit: str | None = None
    qualifier: str | None = None
    subject: str | None = None
    direction: str | None = None
    range_sep: str | None = None


def _read_number(
    text: str,
    start: int,
    end: int,
    p: StatisticPatterns,
    cues: bool = True,
    arrows: bool = True,
    after: re.Match[str] | None = None,
) -> tuple[Statistic, tuple[int, int]] | None:
    """Read the statistic around the number at ``[start, end)``, or None when it is not one.

    ``after`` is after_number's match at ``end`` (or digit_reading's, with the same groups).
    """
    written = text[start:end]
    value = p._values.get(written)  # parse_number's memo, read without a call
    if value is None:
        value = p.parse_number(written)
    reading = _Reading(start, end, value, cues, arrows)
    if after is None:
        after = p.after_number.match(text, end)
    if after["rp"] is None:
        # No range or proportion follows; unless a "+" comes first, ``after`` holds the unit.
        second, unit = None, (after if after["unit"] is not None else None)
        if text.startswith("+", end):
            unit = _UNMATCHED
    else:
        second, unit = _read_range_or_proportion(text, reading, p), _UNMATCHED
    core = (reading.start, reading.end)
    if not _read_unit(text, reading, p, unit):
        if text[reading.end : reading.end + 1].isalpha():
            return None  # glued letters: an ordinal, a decade, a code
        if reading.kind != "proportion":
            reading.kind = None
    # The kind test first: it is cheaper, and most numbers have a unit that is no year's.
    if reading.kind in _YEAR_KINDS and (
        is_year(written) or (second is not None and is_year(second))
    ):
        return None
    _read_tail(text, reading, p)
    if cues:  # without a cue there is no currency sign before either (see find_statistics)
        _read_before(text, reading, p)
    if reading.kind is None or (written[0].isalpha() and _is_idiom(text, start, reading, p)):
        return None
    return _finish(text, reading), core


_YEAR_KINDS = (None, "count", "proportion", "age")  # kinds a bare year is never read as


def _read_range_or_proportion(text: str, r: _Reading, p: StatisticPatterns) -> str | None:
    """Extend ``r`` over ``to six``/``–12`` or ``in 3``; return the second number as written."""
    tail = p.range_tail.match(text, r.end)
    if tail and not text[tail.end() : tail.end() + 1].isalnum():
        separator = tail["sep"].strip().lower()
        if separator != "and" or _behind(p.between_before, text, r.start, 12):
            if tail["pct"] and not text.startswith("%", tail.end()):
                return None
            r.low, r.high, r.value = r.value, p.parse_number(tail["num"]), None
            r.end, r.range_sep = tail.end(), separator
            if r.low is not None and r.low > r.high:  # "from 7.2 to 4.1 points": a fall
                r.low, r.high, r.direction = r.high, r.low, "decrease"
            return tail["num"]
    tail = p.proportion_tail.match(text, r.end)
    if tail and not p.unit_tail.match(text, tail.end()):
        denominator = p.parse_number(tail["num"])
        if denominator > 0 and r.value is not None and denominator >= r.value:
            r.value = round(r.value / denominator, 3)
            r.end, r.kind = tail.end(), "proportion"
            return tail["num"]
    return None


def _read_unit(text: str, r: _Reading, p: StatisticPatterns, unit: Any = _UNMATCHED) -> bool:
    """Extend ``r`` over ``+`` and a unit; set kind and unit. False when there is no unit.

    ``unit`` is unit_tail's match at ``r.end`` when the caller has it (None: no unit).
    """
    if r.kind == "proportion":
        return False
    if text.startswith("+", r.end) and not text[r.end + 1 : r.end + 2].isdigit():
        r.qualifier, r.end = "more_than", r.end + 1
        unit = _UNMATCHED
    if unit is _UNMATCHED:
        unit = p.unit_tail.match(text, r.end)
    if unit is None:
        return False
    name = unit["unit"]
    if name == "%" and unit["gap"] == "-":
        return False
    lower = name.lower()
    if lower in p.case_sensitive_units and name != lower:
        return False  # "5G network" is no 5 g
    kind = p.unit_kinds.get(lower)
    if kind is None:  # matched only through re's case folding ("5 mınutes", "3 ſeconds")
        return False
    unit_start, end = unit.span("unit")
    unit_end = end
    if kind == "ratio" and lower == "times":
        change = p.change.match(text, end)
        if not change or change["change"].lower() not in p.comparatives_for_times:
            return False
    if unit["mod"]:
        unit_start = unit.start("mod")
    if kind == "duration":
        old = p.age_suffix.match(text, end)
        if old:
            kind, end = "age", old.end()
        elif unit["gap"] == "-" and (noun := p.period_noun.match(text, end)):
            r.subject, end = noun["noun"], noun.end()
    r.kind, r.end = kind, end
    r.unit = text[unit_start : unit_end if r.subject else end]
    return True


def _read_tail(text: str, r: _Reading, p: StatisticPatterns) -> None:
    """Extend ``r`` over an arrow, a change word, a frequency and the subject, by kind."""
    arrow = p.arrow.match(text, r.end) if r.arrows else None
    if arrow:
        r.direction, r.end = p.arrows[arrow["arrow"]], arrow.end()
    elif r.kind in ("percent", "score", "ratio") and (change := p.change.match(text, r.end)):
        direction = p.change_direction.get(change["change"].lower())
        if direction is None and (r.value or r.high or 0) > 1:
            direction = "increase"  # "three times as likely"
        r.direction, r.end = direction, change.end()
    if r.kind == "dose" and (frequency := p.frequency.match(text, r.end)):
        r.end = frequency.end()
    if r.kind in ("percent", "proportion") and r.direction is None:
        of = p.of_phrase.match(text, r.end)
        phrase = _noun_phrase(text, of.end(), p, need_plural=False) if of else None
        if phrase:
            r.subject, r.end = text[phrase[0] : phrase[1]], phrase[1]
            return
    if r.kind in (None, "proportion") and r.subject is None:
        if r.value is not None and r.value != int(r.value) and r.kind is None:
            return  # no count of 2.5 things
        # After "1 in 3" a verb is as likely as a noun ("try other options"): one word only.
        size = 1 if r.kind == "proportion" else 4
        phrase = _noun_phrase(text, r.end, p, need_plural=True, size=size)
        if phrase:
            r.subject, r.end = text[phrase[0] : phrase[1]], phrase[1]
            r.kind = r.kind or "count"


def _noun_phrase(
    text: str, pos: int, p: StatisticPatterns, need_plural: bool, size: int = 4
) -> tuple[int, int] | None:
    """The noun phrase starting at ``pos``: up to ``size - 1`` modifiers and a plural head.

    Without a plural head (``of the population``) the phrase is at most two words and
    drops trailing ``-ed``/``-ing``/``-ly`` words, which are more likely verbs or adverbs.
    ``need_plural`` demands the plural head (a counted noun).
    """
    words: list[tuple[int, int, str]] = []
    while len(words) < size:
        m = p.word.match(text, pos)
        if m is None:
            break
        lower = m["word"].lower()
        if lower in p.stopwords or lower in p.not_nouns:
            break
        words.append((*m.span("word"), lower))
        pos = m.end()
        if p.is_plural(lower):
            return words[0][0], words[-1][1]
    if need_plural:
        return None
    words = words[:2]
    while words and words[-1][2].endswith(("ed", "ing", "ly")):
        words.pop()
    return (words[0][0], words[-1][1]) if words else None


def _read_before(text: str, r: _Reading, p: StatisticPatterns) -> None:
    """Move the start of ``r`` back over a currency sign, a qualifier, ``between``, an age cue."""
    if r.start and text[r.start - 1] in "$£€" and r.kind is None:
        r.start, r.kind, r.unit = r.start - 1, "number", text[r.start - 1]
    if not r.cues:
        return
    qualifier = _behind(p.qualifier_before, text, r.start)
    if qualifier:
        r.qualifier = p.qualifier_of[qualifier["q"][::-1].lower()]
        r.start -= _length(qualifier)
    elif r.range_sep == "and" and (between := _behind(p.between_before, text, r.start)):
        r.start -= _length(between)
    if r.kind in (None, "duration", "age", "count") and r.subject is None:
        cue = _behind(p.age_cue_before, text, r.start)
        if cue:
            r.kind, r.start = "age", r.start - _length(cue)


def _is_idiom(text: str, start: int, r: _Reading, p: StatisticPatterns) -> bool:
    """``one day``, ``at one point``: number words that are not quantities."""
    if r.qualifier is not None:
        return False
    return re.sub(r"\s+", " ", text[start : r.end].lower()) in p.idioms


# Statistic(start, end, attrs) without the named tuple's __new__, a Python-level call (most
# statistics are made by _finish).
_new_statistic = partial(tuple.__new__, Statistic)


def _finish(text: str, r: _Reading) -> Statistic:
    start, end = r.start, r.end
    # Keep emphasis markup balanced: "*at least two* therapies" takes its opening asterisk.
    if text.count(MARKUP, start, end) % 2 and start and text[start - 1] == MARKUP:
        start -= 1
    attrs = _attrs(
        r.kind or "number",
        value=r.value,
        low=r.low,
        high=r.high,
        unit=r.unit,
        qualifier=r.qualifier,
        subject=r.subject,
        direction=r.direction,
    )
    return _new_statistic((start, end, attrs))


# --- the spaCy component --------------------------------------------------------------------


class StatisticsTagger(BatchedComponent):
    """Adds a ``statistic`` claim for every statistic of a doc (see the module docstring)."""

    def __init__(self, nlp: Language, name: str, lexicon_path: str = "") -> None:
        self.name = name
        self.patterns = load_patterns(lexicon_path or None)

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.match(doc))
        return doc

    def match(self, doc: Doc) -> list[Statistic]:
        """The statistics of ``doc``, leaving out numbers inside citation claims."""
        # One pass over the claim store (no Span per claim, no sort): find_statistics orders
        # the ranges itself.
        citations = [(s, e) for label, s, e, _ in claim_entries(doc) if label == "citation"]
        return find_statistics(doc_text(doc), self.patterns, citations)

    def set_annotations(self, doc: Doc, statistics: list[Statistic]) -> None:
        for stat in statistics:
            add_claim(doc, "statistic", stat.start, stat.end, stat.attrs)


@Language.factory(
    "claimscope_statistics",
    default_config={"lexicon_path": ""},
    assigns=["doc.spans"],
)
def make_statistics_tagger(nlp: Language, name: str, lexicon_path: str) -> StatisticsTagger:
    """The statistic tagger; ``lexicon_path`` overrides the packaged word lists."""
    return StatisticsTagger(nlp, name, lexicon_path)
