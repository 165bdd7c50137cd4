"""Inputs of a diff: the claim records of a file, folder, stdin or extract JSONL, by document.

Documents are keyed for pairing (path relative to the input folder, or JSONL id); a JSONL of
claim records written by ``claimscope extract`` is read back instead of extracted again.
"""

from __future__ import annotations

import os
import posixpath
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .documents import DEFAULT_MAX_BYTES, Document, LoadError, iter_documents, jsonl_lines
from .models import parse_claim


class DiffInputError(Exception):
    """An input that cannot be diffed at all (missing, unreadable, malformed records)."""


@dataclass
class Side:
    """One side of a diff: its documents' records keyed for pairing."""

    path: str
    documents: dict[str, tuple[str, list[Any]]] = field(default_factory=dict)  # key → (src, recs)
    single: bool = True
    errors: list[LoadError] = field(default_factory=list)


def load_side(
    path: str,
    types: Iterable[str] | None = None,
    nlp: Any = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Side:
    """Claim records of a file, a folder, '-' or a JSONL written by ``claimscope extract``."""
    wanted = set(types) if types else None
    target = Path(path)
    if path != "-" and not target.exists():
        raise DiffInputError(f"{path}: no such file or directory")
    if target.is_file() and target.suffix.lower() in (".jsonl", ".ndjson"):
        records = read_claim_records(target)
        if records is not None:
            return _records_side(path, records, wanted)
    side = Side(path=path, single=not target.is_dir())
    documents = []
    for item in iter_documents([path], max_bytes=max_bytes):
        if isinstance(item, LoadError):
            side.errors.append(item)
        else:
            documents.append(item)
    if side.single and not documents:
        raise DiffInputError(str(side.errors[0]) if side.errors else f"{path}: no document")
    side.single = side.single and len(documents) == 1
    for document, records in _extract(documents, wanted, nlp):
        if isinstance(records, LoadError):  # the pipeline failed on this document
            side.errors.append(records)
            continue
        label = _label(document.path, document.id)
        side.documents[_document_key(path, document)] = (label, records)
    return side


def read_claim_records(path: Path) -> list[Any] | None:
    """The records of a claim-record JSONL, or None when its first line is not a record
    (then it is a JSONL of input documents). A later line that is not a record is an error."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise DiffInputError(f"{path}: cannot read ({error})") from error
    numbered = list(jsonl_lines(text))
    if not numbered:
        return []
    if not _is_claim(numbered[0][1]):
        return None
    records = []
    for number, line in numbered:
        try:
            records.append(parse_claim(line))
        except ValueError as error:
            reason = str(error).splitlines()[0]
            raise DiffInputError(f"{path}:{number}: not a claim record ({reason})") from error
    return records


def _is_claim(line: str) -> bool:
    try:
        parse_claim(line)
    except ValueError:
        return False
    return True


def _records_side(path: str, records: list[Any], wanted: set[str] | None) -> Side:
    grouped: dict[str, list[Any]] = defaultdict(list)
    for record in records:
        if wanted is None or record.type in wanted:
            grouped[record.source.document].append(record)
    keys = _relative_keys(list(grouped))
    side = Side(path=path, single=len(grouped) <= 1)
    for document, key in zip(grouped, keys, strict=True):
        source = grouped[document][0].source
        side.documents[key] = (_label(source.path, source.document), grouped[document])
    if not grouped:
        side.documents[Path(path).name] = (path, [])
    return side


def _label(path: str, document: str) -> str:
    """How a document is named in the output: its path, or 'path#id' for a JSONL line."""
    return path if document == path else f"{path}#{document}"


def _relative_keys(documents: list[str]) -> list[str]:
    """Document ids relative to their common folder, so two extract runs pair by path."""
    if len(documents) < 2:
        return [posixpath.basename(d) or d for d in documents]
    folders = [posixpath.dirname(d.replace(os.sep, "/")) for d in documents]
    try:
        common = posixpath.commonpath(folders)
    except ValueError:
        return documents
    return [posixpath.relpath(d.replace(os.sep, "/"), common or ".") for d in documents]


def _document_key(root: str, document: Document) -> str:
    """A document's pairing key: its path relative to the input folder (basename for files)."""
    base = Path(root)
    if not base.is_dir():
        # A JSONL of documents: its ids, as `claimscope extract` records them.
        return Path(document.path).name if document.id == document.path else document.id
    relative = Path(document.path).relative_to(base).as_posix()
    return relative if document.id == document.path else f"{relative}#{document.id}"


def _extract(documents: list[Document], wanted: set[str] | None, nlp: Any):
    from .extraction import extract_documents

    return extract_documents(documents, types=sorted(wanted) if wanted else None, nlp=nlp)
