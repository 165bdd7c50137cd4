"""Placeholder for the statistics component (being written)."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


@Language.component("claimscope_statistics")
def placeholder(doc: Doc) -> Doc:
    return doc
