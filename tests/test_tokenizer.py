"""The tokenizer: warming spaCy's chunk cache changes speed, never tokens."""

from __future__ import annotations

import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from claimscope.pipeline import tokenizer as tokenizer_module
from claimscope.pipeline.sentences import unwrap_lines
from claimscope.pipeline.tokenizer import TextKeepingTokenizer

# Special cases ("can't", "e.g.", ":)") are what stop spaCy caching the chunks after them.
WORDS = [
    "can't", "e.g.", "i.e.", ":)", "U.S.", "Dr.", "don't", "sciatica", "sciatica.", "pain,",
    "(2019)", "37%", "-", "Smith", "et", "al.", "acupuncture", "“relief”", "back-pain", "3.5mg",
    "vs.", "n't", "'s", "it's", "...", "\n", "  ",
]  # fmt: skip


def token_view(doc) -> list[tuple[str, str, str, bool]]:
    return [(t.text, t.whitespace_, t.norm_, t.like_num) for t in doc]


def fresh_tokenizer() -> TextKeepingTokenizer:
    return TextKeepingTokenizer(spacy.blank("en").tokenizer)


# One of each for all examples: the warmed cache grows from example to example.
PLAIN = spacy.blank("en").tokenizer
WARMED = fresh_tokenizer()


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(st.lists(st.lists(st.sampled_from(WORDS), max_size=30), min_size=1, max_size=4))
def test_a_warmed_tokenizer_in_a_memory_zone_splits_like_plain_spacy(pieces):
    texts = [" ".join(words) for words in pieces]
    WARMED.warm(texts)
    with WARMED.vocab.memory_zone():
        for text in texts:
            assert token_view(WARMED(text)) == token_view(PLAIN(unwrap_lines(text)))


def test_seed_tokens_are_the_same_warmed_or_not(seed_texts):
    warmed, cold = fresh_tokenizer(), fresh_tokenizer()
    warmed.warm(seed_texts.values())
    for text in seed_texts.values():
        with warmed.vocab.memory_zone():
            assert token_view(warmed(text)) == token_view(cold(text))


def test_warm_tries_only_chunks_that_recur():
    tokenizer = fresh_tokenizer()
    tokenizer.warm(["pain, can't pain, sciatica", "sciatica once"])
    assert tokenizer._tried == {"pain,", "sciatica"}


def test_warm_does_nothing_inside_a_memory_zone():
    tokenizer = fresh_tokenizer()
    with tokenizer.vocab.memory_zone():
        tokenizer.warm(["pain pain"])
    assert tokenizer._tried == set()


def test_warm_stops_at_the_cache_limit(monkeypatch):
    monkeypatch.setattr(tokenizer_module, "MAX_CACHED_CHUNKS", 3)
    tokenizer = fresh_tokenizer()
    tokenizer.warm(["a a b b c c d d e e"])
    tokenizer.warm(["f f g g"])
    assert len(tokenizer._tried) == 3


def test_warm_counts_only_a_sample_of_long_texts(monkeypatch):
    monkeypatch.setattr(tokenizer_module, "WARM_SAMPLE_CHARS", 10)
    tokenizer = fresh_tokenizer()
    tokenizer.warm(["pain pain ", "late late late"])
    assert tokenizer._tried == {"pain"}


def test_warm_caches_a_chunk_seen_once_in_each_of_two_calls():
    tokenizer = fresh_tokenizer()
    tokenizer.warm(["pain once"])
    assert tokenizer._tried == set()
    tokenizer.warm(["pain again"])
    assert tokenizer._tried == {"pain"}
