"""The spaCy side of claimscope: a blank English pipeline plus rule components.

Importing this package registers every component factory, so
``nlp.add_pipe("claimscope_statistics")`` works on any ``spacy.blank("en")``.
"""

from __future__ import annotations

import spacy
from spacy.language import Language

from . import citations, conditions, effects, links, sentences, statistics  # noqa: F401  (registers)
from .spans import (
    CLAIMS_KEY,
    claim_key,
    claim_range,
    claims_of,
    doc_text,
    register_extensions,
)
from .tokenizer import TextKeepingTokenizer

# Order matters: citations first so statistics can skip the numbers inside them; effects after
# conditions and statistics so they can use them; links last, over everything.
COMPONENTS: tuple[str, ...] = (
    "claimscope_sentences",
    "claimscope_citations",
    "claimscope_statistics",
    "claimscope_conditions",
    "claimscope_effects",
    "claimscope_links",
)

__all__ = [
    "CLAIMS_KEY",
    "COMPONENTS",
    "build_nlp",
    "claim_key",
    "claim_range",
    "claims_of",
    "doc_text",
]


def build_nlp(max_length: int = 2_000_000) -> Language:
    """Blank English with claimscope's segmenter and claim components, in order."""
    register_extensions()
    nlp = spacy.blank("en")
    nlp.max_length = max_length
    nlp.tokenizer = TextKeepingTokenizer(nlp.tokenizer)
    for name in COMPONENTS:
        nlp.add_pipe(name)
    return nlp
