"""Placeholder for the effects component (being written)."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


@Language.component("claimscope_effects")
def placeholder(doc: Doc) -> Doc:
    return doc
