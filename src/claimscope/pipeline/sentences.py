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
# A line feed and the spaces after it: a literal first character, so the scan skips at C speed.
_NEWLINE = re.compile(r"\n[ \t]*")


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
    for match in _NEWLINE.finditer(text):
        after = match.end()
        if after == len(text) or text[after].isspace():
            continue
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
    lower, space, idx = (columns[:, k].tolist() for k in range(3))
    text = doc_text(doc)
    starts = sorted(set(start_indices(text, idx, spaced_enders(columns))))
    # One array write instead of a Token.is_sent_start assignment per token, each of which
    # re-scans the whole doc for a parse (quadratic on long texts). 1 = start, -1 = not.
    values = numpy.full((len(doc), 1), _NOT_START, dtype="uint64")
    values[starts, 0] = 1
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


def sentence_starts(doc: Doc) -> set[int]:
    """Indices of the tokens that start a sentence or block."""
    if not len(doc):
        return set()
    # Token objects cost more than the rules: read the token offsets once, decide from the text.
    columns = doc.to_array([LOWER, SPACY, IDX])
    return set(start_indices(doc_text(doc), columns[:, 2].tolist(), spaced_enders(columns)))


def spaced_enders(columns: numpy.ndarray) -> list[int]:
    """Indices of the terminal or closer tokens with a trailing space, from the LOWER, SPACY
    and IDX columns: where a sentence can end inside a line. A few array operations find
    them by their LOWER hashes, not a look at every token."""
    lower = columns[:, 0]
    found = _ENDING_HASHES_PADDED[_ENDING_HASHES.searchsorted(lower)] == lower
    found &= columns[:, 1] == 1
    return numpy.flatnonzero(found).tolist()


_QUOTES = "\"'“‘«("
_ASCII_OPENERS = "A-Z" + re.escape("".join(c for c in {*_QUOTES, *BULLETS} if c.isascii()))
# A line feed and the whitespace after it, up to the next token: where a block may end.
_LINE_BREAK_RUN = re.compile(r"\n\s*")
# After a terminal or closer and its one plain space: maybe more spaces (no line break) and a
# character that can start a sentence (see _starts_sentence: in ASCII only capitals, quotes
# and bullets; other characters are checked one by one).
_OPENER_AFTER_SPACES = re.compile(rf"[^\S\n]*(?=[{_ASCII_OPENERS}]|[^\x00-\x7f])")
# The ASCII characters of that class.
_ASCII_OPENER_CHARACTERS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ" + "".join(c for c in {*_QUOTES, *BULLETS} if c.isascii())
)
# The sorted LOWER hashes of the tokens that can end a sentence inside a line (all caseless);
# a copy with the last once more, to read at every place searchsorted gives, the length too.
_ENDING_HASHES = numpy.array(sorted(map(get_string_id, TERMINALS | CLOSERS)), dtype="uint64")
_ENDING_HASHES_PADDED = numpy.append(_ENDING_HASHES, _ENDING_HASHES[-1])


def start_indices(text: str, idx: list[int], enders: list[int]) -> list[int]:
    """Sentence-start token indices, from ``text``, its tokens' start offsets ``idx`` and
    the terminal or closer tokens with a trailing space ``enders`` (see ``spaced_enders``).

    Token 0 always starts one; the rules look at each pair of consecutive non-space tokens
    and the line breaks between them. A non-space token holds no whitespace (the tokenizer
    splits at every whitespace character), so the text between two of them is one run of
    whitespace: the candidate pairs are the runs that hold a line break (found by scanning
    the text) and the terminal or closer tokens followed by a plain space (``enders``); only
    their tokens are looked at.
    """
    wrapped = _line_break_runs(text) if "\n" in text else []
    inline = _inline_ends(text, idx, enders)
    if not wrapped and not inline:
        return [0]
    tokens = _TokenTexts(text, idx)
    starts = [0]
    for run_start, run_end, breaks in wrapped:
        # The previous token holds the character before the run, the current one starts
        # where the run ends: one bisection, then back over the whitespace tokens between.
        current = bisect_right(idx, run_end) - 1
        previous = current - 1
        while idx[previous] >= run_start:
            previous -= 1
        own = idx[previous]
        before = idx[previous - 1] if previous else own
        if breaks >= 2 or _token_ends_sentence(tokens, previous, own, run_start, before):
            starts.append(current)
            continue
        # The rest of the line-break rule (see the module docstring), from the offsets.
        first = text[run_end]
        bullet = first in _BULLET_CHARACTERS and tokens[current] in BULLETS
        capital = first.isupper() or first.isdigit() or not first.isalpha()
        if bullet or (capital and text[own:run_start].lower() not in CONTINUATION_WORDS):
            starts.append(current)
    for previous, current, opener in inline:
        own = idx[previous]
        before = idx[previous - 1] if previous else own
        if not _token_ends_sentence(tokens, previous, own, idx[previous + 1] - 1, before):
            continue
        first = text[opener]  # a capital or quote decides without the token's text
        if first.isupper() or first in _QUOTES or _starts_sentence(tokens[current]):
            starts.append(current)
    return starts


def _line_break_runs(text: str) -> list[tuple[int, int, int]]:
    """(end of the previous token, start of the next, line breaks) of every whitespace run
    with a line break, a token on both sides."""
    runs = []
    for match in _LINE_BREAK_RUN.finditer(text):
        start, end = match.span()
        if end < len(text):
            while start and text[start - 1].isspace():
                start -= 1
            if start:  # else only whitespace precedes: no previous token
                runs.append((start, end, text.count("\n", start, end)))
    return runs


def _inline_ends(text: str, idx: list[int], enders: list[int]) -> list[tuple[int, int, int]]:
    """(terminal or closer token, token after the spaces, its start) of every one of
    ``enders`` followed, after its trailing space, by maybe more spaces or tabs and an opener
    character (no line break between)."""
    found = []
    last = len(idx) - 1
    for i in enders:
        after = idx[i + 1] if i < last else len(text)  # just past the token's trailing space
        first = text[after : after + 1]
        if first.isspace():  # more whitespace: the pattern decides where the run ends
            run = _OPENER_AFTER_SPACES.match(text, after)
            if run is None:
                continue
            opener = run.end()
            current = i + 1 if opener == after else bisect_right(idx, opener) - 1
        elif first in _ASCII_OPENER_CHARACTERS or first > "\x7f":
            opener, current = after, i + 1  # the usual case: the next token right after
        else:
            continue
        found.append((i, current, opener))
    return found


_BULLET_CHARACTERS = "".join(sorted({b[0] for b in BULLETS}))


def _token_ends_sentence(
    tokens: _TokenTexts, i: int, start: int, end: int, previous_start: int
) -> bool:
    """``_ends_sentence(tokens, i)`` for token ``i`` at ``[start, end)`` whose previous token
    starts at ``previous_start``: offsets already at hand instead of two look-ups a token."""
    text = tokens.text[start:end]
    if text in CLOSERS:
        return _ends_sentence(tokens, i)
    if text not in TERMINALS:
        return False
    if text != "." or not i:
        return True
    before_end = start - 1 if tokens.text[start - 1] == " " else start
    return tokens.text[previous_start:before_end].lower().rstrip(".") not in ABBREVIATIONS


class _TokenTexts:
    """Token texts by index, sliced from the doc text on demand: a non-space token ends where
    the next one starts, less the one space the tokenizer keeps as its trailing whitespace."""

    def __init__(self, text: str, idx: list[int]) -> None:
        self.text, self.idx, self.count = text, idx, len(idx)

    def __getitem__(self, i: int) -> str:
        following = self.idx[i + 1] if i + 1 < self.count else len(self.text)
        if self.text[following - 1] == " ":
            following -= 1
        return self.text[self.idx[i] : following]


def _ends_sentence(tokens: _TokenTexts, i: int) -> bool:
    """True when token ``i`` ends a sentence: terminal punctuation, possibly behind closers."""
    while i > 0 and tokens[i] in CLOSERS:
        i -= 1
    text = tokens[i]
    if text not in TERMINALS:
        return False
    before = tokens[i - 1].lower().rstrip(".") if i > 0 else ""
    return not (text == "." and before in ABBREVIATIONS)


def _starts_sentence(text: str) -> bool:
    # Digits are left out: inside a line, "Alt Med. 2015, p13" is one reference entry.
    first = text[0]
    return first.isupper() or first in "\"'“‘«(" or text in BULLETS
