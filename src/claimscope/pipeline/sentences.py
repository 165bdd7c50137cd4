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

import numpy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Token

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
    values = numpy.full((len(doc), 1), -1, dtype="int64")
    values[sorted(sentence_starts(doc)), 0] = 1
    doc.from_array([SENT_START], values.astype("uint64"))
    return doc


def sentence_starts(doc: Doc) -> set[int]:
    """Indices of the tokens that start a sentence or block."""
    starts = {0} if len(doc) else set()
    previous: Token | None = None  # last non-space token
    pending_newlines = 0
    for token in doc:
        if token.is_space:
            pending_newlines += token.text.count("\n")
            continue
        if previous is not None and _breaks_before(previous, token, pending_newlines):
            starts.add(token.i)
        previous = token
        pending_newlines = 0
    return starts


def _breaks_before(previous: Token, token: Token, newlines: int) -> bool:
    if newlines >= 2:
        return True
    if newlines == 1:
        return _line_break_ends_block(previous, token)
    if previous.whitespace_ == "":
        return False  # "来源:TCM1st", "Med.2015": no space, no new sentence
    return _ends_sentence(previous) and _starts_sentence(token)


def _line_break_ends_block(previous: Token, token: Token) -> bool:
    if _ends_sentence(previous) or _is_bullet(token):
        return True
    first = token.text[0]
    starts_upper = first.isupper() or first.isdigit() or not first.isalpha()
    return starts_upper and previous.lower_ not in CONTINUATION_WORDS


def _ends_sentence(token: Token) -> bool:
    """True when ``token`` ends a sentence: terminal punctuation, possibly behind closers."""
    doc = token.doc
    i = token.i
    while i > 0 and doc[i].text in CLOSERS:
        i -= 1
    text = doc[i].text
    if text not in TERMINALS:
        return False
    before = doc[i - 1].lower_.rstrip(".") if i > 0 else ""
    return not (text == "." and before in ABBREVIATIONS)


def _starts_sentence(token: Token) -> bool:
    # Digits are left out: inside a line, "Alt Med. 2015, p13" is one reference entry.
    first = token.text[0]
    return first.isupper() or first in "\"'“‘«(" or _is_bullet(token)


def _is_bullet(token: Token) -> bool:
    return token.text in BULLETS or (token.text[:1] in BULLETS and len(token.text) == 1)
