"""Streaming extraction: documents in, claim records out, one document at a time.

Loading, the spaCy pipeline and record building are chained as generators, so memory
holds one batch of documents, never the corpus.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from spacy.language import Language

from .documents import DEFAULT_MAX_BYTES, Document, LoadError, iter_documents
from .records import doc_to_records

BATCH_SIZE = 16


@dataclass
class RunStats:
    """What a run did, for the closing summary line."""

    documents: int = 0
    claims: int = 0
    skipped: list[LoadError] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.skipped)


@lru_cache(maxsize=1)
def shared_nlp() -> Language:
    """The pipeline, built once per process (lexicons and matchers are costly to build)."""
    from .pipeline import build_nlp

    return build_nlp()


def extract_documents(
    documents: Iterable[Document],
    types: Iterable[str] | None = None,
    nlp: Language | None = None,
    batch_size: int = BATCH_SIZE,
) -> Iterator[tuple[Document, list[Any]]]:
    """Run the pipeline over documents, yielding each with its claim records, in order."""
    nlp = nlp or shared_nlp()
    types = list(types) if types else None
    pairs = ((doc.text, doc) for doc in documents)
    for spacy_doc, document in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
        yield document, doc_to_records(spacy_doc, document, types)


def extract_paths(
    paths: Iterable[str],
    types: Iterable[str] | None = None,
    stats: RunStats | None = None,
    on_error: Callable[[LoadError], None] | None = None,
    on_document: Callable[[Document, list[Any]], None] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[Any]:
    """Yield the claim records of every readable input; report the others to ``on_error``."""
    stats = stats if stats is not None else RunStats()

    def readable() -> Iterator[Document]:
        for item in iter_documents(paths, max_bytes=max_bytes):
            if isinstance(item, LoadError):
                stats.skipped.append(item)
                if on_error:
                    on_error(item)
            else:
                yield item

    for document, records in extract_documents(readable(), types):
        stats.documents += 1
        stats.claims += len(records)
        if on_document:
            on_document(document, records)
        yield from records


def extract_text(text: str, path: str = "<text>", types: Iterable[str] | None = None) -> list[Any]:
    """The claim records of one text, e.g. ``extract_text("Acupuncture reduces pain.")``."""
    document = Document(id=path, path=path, text=text)
    return next(extract_documents([document], types))[1]
