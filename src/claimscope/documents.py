"""Loading articles: files, folders, stdin and JSONL into Documents, with exact text.

Text is decoded exactly as stored: no newline translation (CRLF stays CRLF), only a
byte-order mark is removed, so code-point offsets match what a user has on disk. HTML is
reduced to its main article text (trafilatura); offsets then refer to that extracted text,
whose sha256 each record carries. Inputs that cannot be read become ``LoadError``s with a
one-line reason; the caller reports them and carries on.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
STDIN = "-"

MEDIA_TYPES = {
    ".txt": "text/plain",
    ".text": "text/plain",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".html": "text/html",
    ".htm": "text/html",
    ".xhtml": "text/html",
    ".jsonl": "application/jsonl",
    ".ndjson": "application/jsonl",
}

# Magic numbers of common binary formats, so the reason names what the file is.
MAGIC_NUMBERS: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF document"),
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"RIFF", "RIFF media file"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"\x1f\x8b", "gzip archive"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ", "xz archive"),
    (b"7z\xbc\xaf", "7z archive"),
    (b"\x7fELF", "executable"),
    (b"MZ", "Windows executable"),
    (b"\xd0\xcf\x11\xe0", "Microsoft Office document"),
    (b"SQLite format 3", "SQLite database"),
)


@dataclass(frozen=True)
class Document:
    """One article: its text exactly as loaded, and where it came from."""

    id: str
    path: str
    text: str
    media_type: str = "text/plain"
    notes: tuple[str, ...] = field(default=())  # non-fatal remarks, e.g. an encoding fallback

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class LoadError:
    """An input that could not be read, and why (one line)."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


class InputError(ValueError):
    """Raised inside the loader for an unreadable input; becomes a LoadError."""


def iter_documents(
    paths: Iterable[str], max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Document | LoadError]:
    """Yield a Document (or a LoadError) per input, lazily, in a stable order.

    Folders are walked recursively in sorted order; hidden files and folders are skipped.
    """
    for path in paths:
        if path == STDIN:
            yield from _load_stdin(max_bytes)
        else:
            yield from _load_path(Path(path), max_bytes)


def _load_path(path: Path, max_bytes: int) -> Iterator[Document | LoadError]:
    if path.is_symlink() and not path.exists():
        yield LoadError(str(path), "broken symbolic link")
    elif not path.exists():
        yield LoadError(str(path), "no such file or directory")
    elif path.is_dir():
        yield from _walk_folder(path, max_bytes, seen=set())
    else:
        yield from _load_file(path, max_bytes)


def _walk_folder(folder: Path, max_bytes: int, seen: set[str]) -> Iterator[Document | LoadError]:
    real = os.path.realpath(folder)
    if real in seen:
        yield LoadError(str(folder), "directory symlink loop, not followed")
        return
    seen = seen | {real}
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as error:
        yield LoadError(str(folder), f"cannot list folder ({error.strerror or error})")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        child = Path(entry.path)
        if child.is_symlink() and not child.exists():
            yield LoadError(str(child), "broken symbolic link")
        elif child.is_dir():
            yield from _walk_folder(child, max_bytes, seen)
        else:
            yield from _load_file(child, max_bytes)


def _load_file(path: Path, max_bytes: int) -> Iterator[Document | LoadError]:
    name = str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(
                f"file is {_megabytes(size)}, over the size limit of {_megabytes(max_bytes)} "
                "(raise it with --max-bytes)"
            )
        if not path.is_file():
            raise InputError("not a regular file")
        data = path.read_bytes()
    except InputError as error:
        yield LoadError(name, str(error))
        return
    except OSError as error:
        yield LoadError(name, f"cannot read ({error.strerror or error})")
        return
    yield from documents_from_bytes(data, name, media_type_of(path))


def _load_stdin(max_bytes: int) -> Iterator[Document | LoadError]:
    data = sys.stdin.buffer.read(max_bytes + 1)
    if len(data) > max_bytes:
        yield LoadError(STDIN, f"input is over the size limit of {_megabytes(max_bytes)}")
        return
    media_type = "text/html" if data.lstrip()[:1] == b"<" else "text/plain"
    yield from documents_from_bytes(data, STDIN, media_type)


def media_type_of(path: Path) -> str:
    """Media type from the file extension; unknown extensions are read as plain text."""
    return MEDIA_TYPES.get(path.suffix.lower(), "text/plain")


def documents_from_bytes(data: bytes, path: str, media_type: str) -> Iterator[Document | LoadError]:
    """Decode one input's bytes into its document(s): one, or one per JSONL line."""
    try:
        text, notes = decode_bytes(data)
    except InputError as error:
        yield LoadError(path, str(error))
        return
    if media_type == "application/jsonl":
        yield from _jsonl_documents(text, path)
        return
    if media_type == "text/html":
        try:
            text = html_to_text(text)
        except InputError as error:
            yield LoadError(path, str(error))
            return
    if not text.strip():
        notes = (*notes, "empty document, no claims")
    yield Document(id=path, path=path, text=text, media_type=media_type, notes=notes)


def decode_bytes(data: bytes) -> tuple[str, tuple[str, ...]]:
    """Decode as stored: UTF-8 (BOM removed) or a UTF-16/32 BOM, else a detected encoding.

    Returns the text and notes about the decoding. Raises InputError for binary data.
    """
    kind = binary_kind(data)
    if kind:
        raise InputError(f"binary file ({kind}), not text")
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec), ()
            except UnicodeDecodeError as error:
                raise InputError(f"invalid {codec} after its byte-order mark") from error
    try:
        return data.decode("utf-8"), ()
    except UnicodeDecodeError:
        pass
    return _decode_detected(data)


def _decode_detected(data: bytes) -> tuple[str, tuple[str, ...]]:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise InputError("not valid UTF-8 and no text encoding could be detected")
    return str(best), (f"not valid UTF-8; decoded as {best.encoding}",)


def binary_kind(data: bytes) -> str | None:
    """Name the binary format of ``data``, or None when it looks like text.

    A few NULs or control characters do not make a file binary (text with them is still
    processed, offsets exact); a known magic number or a high share of control bytes does.
    """
    for magic, kind in MAGIC_NUMBERS:
        if data.startswith(magic):
            return kind
    head = data[:8192]
    if not head or head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    controls = sum(1 for byte in head if byte < 9 or 13 < byte < 32)
    if controls / len(head) > 0.3:
        return "unrecognised binary data"
    return None


def html_to_text(html: str) -> str:
    """The main article text of an HTML page (trafilatura), never fetching anything."""
    import trafilatura

    try:
        text = trafilatura.extract(
            html,
            include_comments=False,
            include_tables=True,
            favor_recall=True,
            deduplicate=False,
        )
    except (ValueError, RecursionError, MemoryError) as error:
        raise InputError(f"HTML could not be parsed ({type(error).__name__})") from error
    if not text or not text.strip():
        raise InputError("no article text found in the HTML")
    return text


def _jsonl_documents(text: str, path: str) -> Iterator[Document | LoadError]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            yield _jsonl_document(line, path, where)
        except InputError as error:
            yield LoadError(where, str(error))


def _jsonl_document(line: str, path: str, where: str) -> Document:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as error:
        raise InputError(f"invalid JSON ({error.msg})") from error
    if not isinstance(item, dict):
        raise InputError("a JSONL line must be an object with a 'text' field")
    text = item.get("text")
    if not isinstance(text, str):
        raise InputError("missing or non-string 'text' field")
    doc_id = item.get("id")
    doc_id = where if doc_id is None else str(doc_id)
    return Document(id=doc_id, path=path, text=text, media_type="text/plain")


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"
