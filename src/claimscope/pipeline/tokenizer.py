"""claimscope's tokenizer: spaCy's English tokenizer over unwrapped text, with a working cache.

spaCy caches how it split each whitespace-delimited chunk (``pain.`` -> ``pain`` ``.``), but
within one text it stops caching at the first chunk holding a special case (``can't``,
``e.g.``): a flag is never reset (explosion/spaCy#13950). On web pages that is most chunks, so
they are split again, by Python regexes, every time they occur. Inside a spaCy memory zone,
where extraction runs, nothing is cached at all. ``warm`` fills the cache outside zones with
chunks that recur, tokenized one at a time, so the flag starts clear for each. The cache only
changes speed: a cached chunk yields the tokens that splitting it would.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from itertools import filterfalse
from typing import Any

from spacy.tokens import Doc

from .sentences import unwrap_lines
from .spans import TEXT_KEY

# Chunks the cache may hold. Each costs its lexemes (kept for the process) and a cache entry,
# a few hundred bytes in all, so the cache stays under ~30 MB.
MAX_CACHED_CHUNKS = 100_000
# Characters per warm call whose chunks are counted: a sample is enough to find recurring ones.
WARM_SAMPLE_CHARS = 100_000


class TextKeepingTokenizer:
    """spaCy's tokenizer over the unwrapped text (sentences.unwrap_lines), kept for doc_text().

    Hard-wrapped lines are joined with spaces of the same length, so components match across
    a wrap and every offset still points into the original text, which records quote.
    Components read the text many times; Doc.text would rebuild it from tokens each time.
    """

    def __init__(self, tokenizer: Any) -> None:
        self.tokenizer = tokenizer
        tokenizer.max_cache_size = MAX_CACHED_CHUNKS
        self._tried: set[str] = set()  # chunks warm() tokenized (cached unless special)
        self._seen_once: set[str] = set()  # chunks warm() saw once, in one call

    def __call__(self, text: str) -> Doc:
        unwrapped = unwrap_lines(text)
        doc = self.tokenizer(unwrapped)
        doc.user_data[TEXT_KEY] = unwrapped
        return doc

    def warm(self, texts: Iterable[str]) -> None:
        """Cache the tokens of every chunk seen twice or more, in samples of ``texts`` from
        this call and earlier ones.

        Call it outside a memory zone (inside one it does nothing): the lexemes it adds stay
        for the life of the process, up to MAX_CACHED_CHUNKS chunks. Warmed chunks also keep
        their lexemes, which a zone would otherwise make and free again in every group.
        """
        tried, seen_once = self._tried, self._seen_once
        if self.tokenizer.vocab.in_memory_zone or len(tried) >= MAX_CACHED_CHUNKS:
            return
        if len(seen_once) > MAX_CACHED_CHUNKS:
            seen_once.clear()  # bounded memory: rare chunks are forgotten, not cached
        for chunk, count in _chunk_counts(texts, WARM_SAMPLE_CHARS, tried).items():
            if count == 1 and chunk not in seen_once:
                seen_once.add(chunk)
            elif len(tried) < MAX_CACHED_CHUNKS:
                tried.add(chunk)
                self.tokenizer(chunk)  # one chunk per call: no earlier special case blocks it

    def __getattr__(self, name: str) -> Any:
        return getattr(self.tokenizer, name)


def _chunk_counts(texts: Iterable[str], limit: int, known: set[str]) -> Counter[str]:
    """How often each whitespace-delimited chunk not in ``known`` occurs in the first
    ``limit`` characters (known chunks, most of them once the cache is warm, are not counted)."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(filterfalse(known.__contains__, text[:limit].split()))
        limit -= len(text)
        if limit <= 0:
            break
    return counts
