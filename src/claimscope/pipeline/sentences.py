"""Sentence and block segmentation for web text: headings, bullets, table rows and prose.

Web articles break lines for many reasons. A blank line always ends a block. A single line
break ends one when the line before ends a sentence, when the next line starts a bullet, or
when the next line starts with a capital or a digit after a line that does not end on a
function word (so a hard-wrapped ``did\\nnot prevent`` stays one sentence, while a heading
or a table row stands alone). Inside a line, ``. ! ?`` and a space followed by a capital, quote
or bullet ends a sentence, except after abbreviations such as ``et al.``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

import numpy
from spacy.attrs import IDX, LOWER, SENT_START, SPACY
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokens import Doc

from .spans import cache_token_columns, doc_text

TERMINALS = frozenset({".", "!", "?", "…", "...", "!?", "?!", ":"})
CLOSERS = frozenset({'"', "'", "”", "’", ")", "]", "»", "*"})
BULLETS = frozenset({"•", "-", "*", "·", "–", "—", "▪", "‣", "◦", "●", "○", "■", "□", "➤", "✓"})
ABBREVIATIONS = frozenset(
    {"al", "e.g", "i.e", "etc", "vs", "avg", "fig", "figs", "approx", "no", "nos", "dr", "st", "cf"}
)
CONTINUATION_WORDS = frozenset(
    {
        "a", "an", "the", "of", "and", "or", "in", "on", "to", "with", "for", "by", "at", "from",
        "as", "than", "that", "which", "who", "is", "are", "was", "were", "be", "been", "not",
        "but", "if", "its", "their", "his", "her", "this", "these", "into", "onto", "over",
    }
)  # fmt: skip


# The last word of a reversed text, matched from its start: a search for the last word
# (``(\w+)\W*$``) would try every position of the text.
_LAST_WORD_REVERSED = re.compile(r"\W*(\w+)")
# A line feed, maybe spaces or tabs and a non-space character: a line break with text after
# it. The line feed is the first character, so the scan skips to each at C speed; one right
# after another line feed (or whitespace other than a space, tab or carriage return), as
# in a blank line, has no text right before it and is left out at once.
_BREAK_BEFORE_TEXT = re.compile(r"\n(?<![^\S \t\r]\n)[ \t]*(?=\S)")


def unwrap_lines(text: str) -> str:
    """``text`` with hard-wrapped lines joined: each soft line break becomes spaces.

    A single line break is soft when the line before does not end a sentence and the next
    line starts with a lower-case letter, or when the line before ends on a function word
    (``the``, ``of`` …). The result has the same length as ``text``, so every offset still
    points into the original: the tokenizer sees ``five to six weeks`` where a file has
    ``five to six\nweeks``, and rule components match across the wrap. Blank lines, headings,
    bullets and table rows keep their line breaks.
    """
    if "\n" not in text:
        return text
    pieces: list[str] = []
    done = 0
    for start, end in _line_breaks(text):
        if _is_soft_break(text, start, end):
            pieces += (text[done:start], " " * (end - start))
            done = end
    return "".join([*pieces, text[done:]]) if pieces else text


def _line_breaks(text: str) -> Iterator[tuple[int, int]]:
    """Ranges of the single line breaks (``\n`` or ``\r\n``) with text on both sides of them:
    a non-space character, maybe spaces or tabs, the break, maybe spaces or tabs, a non-space."""
    for match in _BREAK_BEFORE_TEXT.finditer(text):
        start = match.start()
        if start and text[start - 1] == "\r":
            start -= 1
        before = start
        while before and text[before - 1] in " \t":
            before -= 1
        if before and not text[before - 1].isspace():
            yield start, match.start() + 1


def _is_soft_break(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 40) : start].rstrip()
    after = text[end : end + 40].lstrip()
    if not before or not after or before[-1] in ".!?:;" or after[0] in BULLETS:
        return False
    if after[0].islower():
        return True
    word = _LAST_WORD_REVERSED.match(before[::-1])
    return bool(word) and word.group(1)[::-1].lower() in CONTINUATION_WORDS


@Language.component("claimscope_sentences")
def segment_sentences(doc: Doc) -> Doc:
    """Set ``is_sent_start`` on every token, for web text (see the module docstring)."""
    if not len(doc):
        return doc
    # The token columns every later component reads, in one to_array call (see
    # spans.cache_token_columns); token offsets are what the rules need here.
    columns = doc.to_array([LOWER, SPACY, IDX])
    lower, space, idx = columns.T.tolist()
    text = doc_text(doc)
    # start_indices gives each start once, in two ascending runs: a sort merges them.
    starts = start_indices(text, idx, spaced_enders(columns, space))
    starts.sort()
    # One array write instead of a Token.is_sent_start assignment per token, each of which
    # re-scans the whole doc for a parse (quadratic on long texts). 1 = start, -1 = not.
    values = numpy.empty(len(doc), dtype="uint64")
    values.fill(_NOT_START)
    values[starts] = 1
    doc.from_array([SENT_START], values)
    cache_token_columns(doc, lower, space, idx, _token_ends(columns, space, len(text)), starts)
    return doc


_NOT_START = numpy.uint64(2**64 - 1)  # -1 as from_array reads SENT_START values


def _token_ends(columns: numpy.ndarray, space: list[int], text_length: int) -> list[int]:
    """Token end offsets (``idx + len``) from the SPACY and IDX columns: a token ends where
    the next one starts, less its trailing space (Doc.text is every token's text and
    whitespace in turn), so to_array need not read LENGTH, a fourth column."""
    ends = (columns[1:, 2] - columns[:-1, 1]).tolist()
    ends.append(text_length - space[-1])
    return ends


def rule_starts(doc: Doc) -> set[int]:
    """Indices of the tokens the rules start a sentence or block at, for a doc that need not
    have been through ``segment_sentences`` (``cues.sentence_starts`` reads the annotation)."""
    if not len(doc):
        return set()
    # Token objects cost more than the rules: read the token offsets once, decide from the text.
    columns = doc.to_array([LOWER, SPACY, IDX])
    _, space, idx = columns.T.tolist()
    return set(start_indices(doc_text(doc), idx, spaced_enders(columns, space)))


def spaced_enders(columns: numpy.ndarray, space: list[int]) -> list[int]:
    """Indices of the terminal or closer tokens with a trailing space, from the LOWER, SPACY
    and IDX columns and the SPACY list: where a sentence can end inside a line. Three array
    operations find them by their LOWER hashes, not a look at every token; the few found
    are then checked for a space."""
    lower = columns[:, 0]
    found = (_ENDING_TABLE[lower >> _ENDING_SHIFT] == lower).nonzero()[0].tolist()
    return [i for i in found if space[i]]


_QUOTES = "\"'“‘«("
_ASCII_OPENERS = "A-Z" + re.escape("".join(c for c in {*_QUOTES, *BULLETS} if c.isascii()))
# A line feed and the whitespace after it, up to the next token: where a block may end. Group
# 1 is a second line feed in it (a blank line), if any.
_LINE_BREAK_RUN = re.compile(r"\n(?:[^\S\n]*(\n))?\s*")
# After a terminal or closer and its one plain space: maybe more spaces (no line break) and a
# character that can start a sentence (see _starts_sentence: in ASCII only capitals, quotes
# and bullets; other characters are checked one by one).
_OPENER_AFTER_SPACES = re.compile(rf"[^\S\n]*(?=[{_ASCII_OPENERS}]|[^\x00-\x7f])")
# The ASCII characters of that class.
_ASCII_OPENER_CHARACTERS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ" + "".join(c for c in {*_QUOTES, *BULLETS} if c.isascii())
)


def _slot_table(hashes: list[int]) -> tuple[numpy.ndarray, int]:
    """A table holding each of ``hashes`` at the slot of its top bits, and the shift to those
    bits: ``table[h >> shift] == h`` tests a hash with one look-up. The fewest bits that keep
    the hashes apart; a free slot holds a value of the next slot, which no hash can match."""
    for bits in range(1, 17):
        shift = 64 - bits
        if len({h >> shift for h in hashes}) == len(hashes):
            break
    else:
        raise ValueError("no 16 top bits keep these hashes apart")
    size = 1 << bits
    table = numpy.array([((slot + 1) % size) << shift for slot in range(size)], dtype="uint64")
    for h in hashes:
        table[h >> shift] = h
    return table, shift


# The LOWER hashes of the tokens that can end a sentence inside a line (all caseless), by the
# slot of their top bits (8 bits, a 2 kB table, keep them apart).
_ENDING_TABLE, _ENDING_SHIFT = _slot_table(list(map(get_string_id, TERMINALS | CLOSERS)))


def start_indices(text: str, idx: list[int], enders: list[int]) -> list[int]:
    """Sentence-start token indices, from ``text``, its tokens' start offsets ``idx`` and
    the terminal or closer tokens with a trailing space ``enders`` (see ``spaced_enders``).

    Token 0 always starts one; the rules look at each pair of consecutive non-space tokens
    and the line breaks between them. A non-space token holds no whitespace (the tokenizer
    splits at every whitespace character), so the text between two of them is one run of
    whitespace: the candidate pairs are the runs that hold a line break (found by scanning
    the text) and the terminal or closer tokens followed by a plain space (``enders``); only
    their tokens are looked at. Each start comes once: 0, then those after a line break,
    then those inside a line, each part ascending (a whitespace run with a line break is
    never one inside a line).
    """
    starts = [0]
    if "\n" in text:
        starts += _wrapped_starts(text, idx)
    if enders:
        starts += _inline_starts(text, idx, enders)
    return starts


def _wrapped_starts(text: str, idx: list[int]) -> list[int]:
    """The tokens after every whitespace run with a line break (a token on both sides) that
    ends a sentence or block: two line breaks, a sentence end before, or the rest of the
    line-break rule (see the module docstring)."""
    starts = []
    size, lo = len(text), 0
    for match in _LINE_BREAK_RUN.finditer(text):
        first_break, run_end = match.span()
        if run_end == size:
            continue
        run_start = first_break
        while run_start and text[run_start - 1].isspace():
            run_start -= 1
        if not run_start:  # only whitespace precedes: no previous token
            continue
        # The current token starts where the run ends: one bisection, after the last one's.
        current = lo = bisect_right(idx, run_end, lo) - 1
        if match.lastindex:  # a second line feed: a blank line
            starts.append(current)
            continue
        # The previous token holds the character before the run: back over the whitespace
        # tokens between.
        previous = current - 1
        while idx[previous] >= run_start:
            previous -= 1
        own = idx[previous]
        if _token_ends_sentence(text, idx, previous, own, run_start):
            starts.append(current)
            continue
        first = text[run_end]
        bullet = first in _BULLET_CHARACTERS and _token_text(text, idx, current) in BULLETS
        capital = first.isupper() or first.isdigit() or not first.isalpha()
        if bullet or (capital and text[own:run_start].lower() not in CONTINUATION_WORDS):
            starts.append(current)
    return starts


def _inline_starts(text: str, idx: list[int], enders: list[int]) -> list[int]:
    """The tokens after those of ``enders`` that end a sentence and are followed, after
    their trailing space, by maybe more spaces or tabs (no line break) and a token that can
    start one."""
    starts = []
    last = len(idx) - 1
    for i in enders:
        if i == last:
            continue  # nothing follows
        after = idx[i + 1]  # just past the token's trailing space
        first = text[after]
        if first in _ASCII_OPENER_CHARACTERS:
            current = i + 1  # the usual case: the next token right after
        elif first.isspace():  # more whitespace: the pattern decides where the run ends
            run = _OPENER_AFTER_SPACES.match(text, after)
            if run is None:
                continue
            opener = run.end()
            first = text[opener]
            current = i + 1 if opener == after else bisect_right(idx, opener) - 1
        elif first > "\x7f":
            current = i + 1
        else:
            continue
        start = idx[i]
        if after - start == 2 and text[start] == ".":  # a period, the usual case
            if i and _after_abbreviation(text, idx[i - 1], start):
                continue
        elif not _token_ends_sentence(text, idx, i, start, after - 1):
            continue
        # A capital or quote decides without the token's text.
        if first.isupper() or first in _QUOTES or _starts_sentence(_token_text(text, idx, current)):
            starts.append(current)
    return starts


_BULLET_CHARACTERS = "".join(sorted({b[0] for b in BULLETS}))


def _token_ends_sentence(text: str, idx: list[int], i: int, start: int, end: int) -> bool:
    """``_ends_sentence(text, idx, i)`` for token ``i`` at ``[start, end)``: offsets already
    at hand instead of two look-ups a token."""
    token = text[start:end]
    if token == ".":
        return not i or not _after_abbreviation(text, idx[i - 1], start)
    if token in CLOSERS:
        return _ends_sentence(text, idx, i)
    return token in TERMINALS


def _after_abbreviation(text: str, previous_start: int, start: int) -> bool:
    """True when the token before a period at ``start`` (it starts at ``previous_start``) is
    an abbreviation such as ``al`` or ``e.g``."""
    before_end = start - 1 if text[start - 1] == " " else start
    return text[previous_start:before_end].lower().rstrip(".") in ABBREVIATIONS


def _token_text(text: str, idx: list[int], i: int) -> str:
    """Token ``i``'s text, sliced from the doc text: a non-space token ends where the next one
    starts, less the one space the tokenizer keeps as its trailing whitespace."""
    following = idx[i + 1] if i + 1 < len(idx) else len(text)
    if text[following - 1] == " ":
        following -= 1
    return text[idx[i] : following]


def _ends_sentence(text: str, idx: list[int], i: int) -> bool:
    """True when token ``i`` ends a sentence: terminal punctuation, possibly behind closers."""
    while i > 0 and _token_text(text, idx, i) in CLOSERS:
        i -= 1
    token = _token_text(text, idx, i)
    if token not in TERMINALS:
        return False
    before = _token_text(text, idx, i - 1).lower().rstrip(".") if i > 0 else ""
    return not (token == "." and before in ABBREVIATIONS)


def _starts_sentence(text: str) -> bool:
    # Digits are left out: inside a line, "Alt Med. 2015, p13" is one reference entry.
    first = text[0]
    return first.isupper() or first in "\"'“‘«(" or text in BULLETS
