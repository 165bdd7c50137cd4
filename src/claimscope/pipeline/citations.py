"""Placeholder for the citations component (being written)."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


@Language.component("claimscope_citations")
def placeholder(doc: Doc) -> Doc:
    return doc
