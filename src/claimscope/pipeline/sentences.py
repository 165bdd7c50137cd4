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
from collections.abc import Iterable

import numpy
from spacy.attrs import IDX, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from .spans import doc_text

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


# A line break with text on both sides (not a blank line).
_LINE_BREAK = re.compile(r"(?<=[^\s])[ \t]*(\r?\n)(?=[ \t]*[^\s])")
_LAST_WORD = re.compile(r"(\w+)\W*$")


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
    chars: list[str] | None = None
    for match in _LINE_BREAK.finditer(text):
        start, end = match.span(1)
        if _is_soft_break(text, start, end):
            chars = chars or list(text)
            chars[start:end] = " " * (end - start)
    return "".join(chars) if chars else text


def _is_soft_break(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 40) : start].rstrip()
    after = text[end : end + 40].lstrip()
    if not before or not after or before[-1] in ".!?:;" or after[0] in BULLETS:
        return False
    if after[0].islower():
        return True
    word = _LAST_WORD.search(before)
    return bool(word) and word.group(1).lower() in CONTINUATION_WORDS


@Language.component("claimscope_sentences")
def segment_sentences(doc: Doc) -> Doc:
    """Set ``is_sent_start`` on every token, for web text (see the module docstring)."""
    if not len(doc):
        return doc
    # One array write instead of a Token.is_sent_start assignment per token, each of which
    # re-scans the whole doc for a parse (quadratic on long texts). 1 = start, -1 = not.
    values = numpy.full((len(doc), 1), _NOT_START, dtype="uint64")
    values[start_indices(doc_text(doc), doc.to_array(IDX).astype("int64")), 0] = 1
    doc.from_array([SENT_START], values)
    return doc


_NOT_START = numpy.uint64(2**64 - 1)  # -1 as from_array reads SENT_START values


def sentence_starts(doc: Doc) -> set[int]:
    """Indices of the tokens that start a sentence or block."""
    if not len(doc):
        return set()
    # Token objects cost more than the rules: read the token offsets once, decide from the text.
    return set(start_indices(doc_text(doc), doc.to_array(IDX).astype("int64")))


def start_indices(text: str, idx: numpy.ndarray) -> list[int]:
    """Sentence-start token indices, from ``text`` and its tokens' start offsets ``idx``.

    Token 0 always starts one; the rules look at each pair of consecutive non-space tokens
    and the line breaks between them. A non-space token holds no whitespace and is followed
    by one space or none, so offsets and text give every token's end and trailing space.
    """
    codes = numpy.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    following = numpy.append(idx[1:], len(text))
    spaced = codes[following - 1] == 32  # token followed by a space (whitespace_ == " ")
    ends = following - spaced
    solid = numpy.flatnonzero(~_lookup(_WHITESPACE, codes[idx]))
    if len(solid) < 2:
        return [0]
    previous, current = solid[:-1], solid[1:]
    # Line breaks lie only in space tokens, so the breaks between two solid tokens are the
    # newlines between the end of one and the start of the next.
    newline_count = numpy.concatenate(([0], numpy.cumsum(codes == 10)))
    breaks = newline_count[idx[current]] - newline_count[ends[previous]]
    # Inside a line only a token ending in a terminal or closer (and followed by a space)
    # can end a sentence: the rest are ruled out without looking at them one by one.
    inline = (breaks == 0) & spaced[previous] & _lookup(_ENDERS, codes[ends[previous] - 1])
    tokens = _TokenTexts(text, idx.tolist(), ends.tolist())
    starts = [0, *current[breaks >= 2].tolist()]
    wrapped = breaks == 1
    for before, after in zip(previous[wrapped].tolist(), current[wrapped].tolist(), strict=True):
        if _line_break_ends_block(tokens, before, after):
            starts.append(after)
    for before, after in zip(previous[inline].tolist(), current[inline].tolist(), strict=True):
        if _ends_sentence(tokens, before) and _starts_sentence(tokens[after]):
            starts.append(after)
    return starts


def _code_table(characters: Iterable[str]) -> numpy.ndarray:
    """A lookup table by code point: True for ``characters`` (one past the end is False)."""
    codes = [ord(c) for c in characters]
    table = numpy.zeros(max(codes) + 2, dtype=bool)
    table[codes] = True
    return table


def _lookup(table: numpy.ndarray, codes: numpy.ndarray) -> numpy.ndarray:
    return table[numpy.minimum(codes, len(table) - 1)]


# Every code point str.isspace accepts (the tokenizer's whitespace), all below U+3001.
_WHITESPACE = _code_table(chr(c) for c in range(0x3001) if chr(c).isspace())
_ENDERS = _code_table(t[-1] for t in TERMINALS | CLOSERS)


class _TokenTexts:
    """Token texts by index, sliced from the doc text on demand."""

    def __init__(self, text: str, idx: list[int], ends: list[int]) -> None:
        self.text, self.idx, self.ends = text, idx, ends

    def __getitem__(self, i: int) -> str:
        return self.text[self.idx[i] : self.ends[i]]


def _line_break_ends_block(tokens: _TokenTexts, previous: int, token: int) -> bool:
    text = tokens[token]
    if _ends_sentence(tokens, previous) or text in BULLETS:
        return True
    first = text[0]
    starts_upper = first.isupper() or first.isdigit() or not first.isalpha()
    return starts_upper and tokens[previous].lower() not in CONTINUATION_WORDS


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
