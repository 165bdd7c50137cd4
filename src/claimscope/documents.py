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
import re
import stat
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property
from html.parser import HTMLParser
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

# lxml (libxml2) silently drops elements nested deeper than this, so trafilatura then sees an
# empty page; such pages fall back to a plain parse of all visible text (VisibleText).
LXML_MAX_DEPTH = 255

# The legacy encoding web text most often is when it is not UTF-8 (WHATWG's default for
# Western locales, and a superset of latin-1's printable range); charset_normalizer often
# ranks cp1250, cp1257 or mac_latin2 level with it or above it on short texts.
PREFERRED_LEGACY_ENCODING = "cp1252"
# How much messier than the detector's best guess another guess may decode and still count.
PLAUSIBLE_CHAOS = 0.1

# Magic numbers of common binary formats, so the reason names what the file is. ASCII-only
# magic numbers that could start a text file ("MZ", "BZh", "RIFF") are checked further.
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
    info = _stat(path)
    if isinstance(info, str):
        yield LoadError(display_path(path), info)
    elif stat.S_ISDIR(info.st_mode):
        yield from _walk_folder(path, max_bytes, seen=set())
    else:
        yield from _load_file(path, max_bytes, info)


def _stat(path: Path) -> os.stat_result | str:
    """The file's status (links followed), or why it cannot be opened at all (missing,
    broken or looping link): one system call answers what kind of file it is and its size."""
    try:
        return os.stat(path)
    except FileNotFoundError:
        return "broken symbolic link" if path.is_symlink() else "no such file or directory"
    except OSError as error:  # ELOOP, EACCES on a parent folder, ENAMETOOLONG, ...
        return f"cannot open ({error.strerror or error})"
    except ValueError:  # an embedded NUL in the name
        return "invalid file name"


def display_path(path: Path | str) -> str:
    """``path`` as printable text: bytes of a non-UTF-8 file name become U+FFFD.

    Records are UTF-8 JSON, which cannot carry the lone surrogates Python uses for such
    bytes; the file itself is still opened by its real name.
    """
    name = os.fspath(path)
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _walk_folder(folder: Path, max_bytes: int, seen: set[str]) -> Iterator[Document | LoadError]:
    real = os.path.realpath(folder)
    if real in seen:
        yield LoadError(display_path(folder), "directory symlink loop, not followed")
        return
    seen = seen | {real}
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as error:
        yield LoadError(display_path(folder), f"cannot list folder ({error.strerror or error})")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        child = Path(entry.path)
        info = _stat(child)
        if isinstance(info, str):
            yield LoadError(display_path(child), info)
        elif stat.S_ISDIR(info.st_mode):
            yield from _walk_folder(child, max_bytes, seen)
        else:
            yield from _load_file(child, max_bytes, info)


def _load_file(path: Path, max_bytes: int, info: os.stat_result) -> Iterator[Document | LoadError]:
    name = display_path(path)
    try:
        if not stat.S_ISREG(info.st_mode):
            raise InputError("not a regular file")
        _check_size(info.st_size, max_bytes)
        data = _read_file(path, info.st_size, max_bytes)
        _check_size(len(data), max_bytes)
    except InputError as error:
        yield LoadError(name, str(error))
        return
    except OSError as error:
        yield LoadError(name, f"cannot read ({error.strerror or error})")
        return
    yield from documents_from_bytes(data, name, media_type_of(path))


def _read_file(path: Path, size: int, max_bytes: int) -> bytes:
    """The file's bytes, up to ``max_bytes + 1`` of them; ``size`` is its stat size.

    Plain descriptor reads: a buffered file object costs three more system calls (fstat,
    ioctl, lseek) and about 5 us a file, a fifth of loading a short article.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        # os.read(n) allocates n bytes up front, so ask for the stat size (already checked
        # against the limit), not the limit.
        parts = [os.read(fd, size + 1)]
        read = len(parts[0])
        while parts[-1] and read <= max_bytes:  # to the end (the file may have grown)
            parts.append(os.read(fd, min(1 << 16, max_bytes + 1 - read)))
            read += len(parts[-1])
    finally:
        os.close(fd)
    return b"".join(parts)


def _check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise InputError(
            f"file is {_size(size)}, over the size limit of {_size(max_bytes)} "
            "(raise it with --max-bytes)"
        )


def _load_stdin(max_bytes: int) -> Iterator[Document | LoadError]:
    data = sys.stdin.buffer.read(max_bytes + 1)
    if len(data) > max_bytes:
        yield LoadError(STDIN, f"input is over the size limit of {_size(max_bytes)}")
        return
    head = data.removeprefix(b"\xef\xbb\xbf").lstrip()[:1]
    media_type = "text/html" if head == b"<" else "text/plain"
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
            text, html_notes = html_to_text(text)
        except InputError as error:
            yield LoadError(path, str(error))
            return
        notes = (*notes, *html_notes)
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

    matches = list(from_bytes(data))
    if not matches:
        raise InputError("not valid UTF-8 and no text encoding could be detected")
    # charset_normalizer often ranks a Mac or DOS code page first on short texts; among
    # the guesses nearly as clean as its best, take the most common one on the web.
    plausible = [m for m in matches if m.chaos <= matches[0].chaos + PLAUSIBLE_CHAOS]
    encoding = min(
        (name for m in plausible for name in m.could_be_from_charset),
        key=lambda name: (_encoding_rank(name), _plausible_order(plausible, name)),
    )
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        encoding, text = matches[0].encoding, str(matches[0])
    return text, (f"not valid UTF-8; decoded as {encoding}",)


def _encoding_rank(name: str) -> int:
    if name == PREFERRED_LEGACY_ENCODING:
        return 0
    if name.startswith("cp125"):  # the other Windows code pages
        return 1
    if name.startswith(("iso8859", "latin")):
        return 2
    return 3


def _plausible_order(matches: list, name: str) -> int:
    """Position of the first detector guess that could be ``name`` (ties keep its order)."""
    return next(i for i, m in enumerate(matches) if name in m.could_be_from_charset)


# Control bytes other than tab, newline, vertical tab, form feed and carriage return.
_CONTROL_BYTES = bytes(byte for byte in range(32) if byte < 9 or byte > 13)


def binary_kind(data: bytes) -> str | None:
    """Name the binary format of ``data``, or None when it looks like text.

    A few NULs or control characters do not make a file binary (text with them is still
    processed, offsets exact); a known magic number or a high share of control bytes does.
    """
    if data.startswith(_ANY_MAGIC):  # one C-level test; text almost never starts like one
        for magic, kind in MAGIC_NUMBERS:
            if data.startswith(magic) and _magic_confirmed(data, magic):
                return kind
    head = data[:8192]
    if not head or head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if controls / len(head) > 0.3:
        return "unrecognised binary data"
    return None


_ANY_MAGIC = tuple(magic for magic, _ in MAGIC_NUMBERS)


def _magic_confirmed(data: bytes, magic: bytes) -> bool:
    """Rule out text files that merely start like a binary format ("MZ...", "RIFF...")."""
    if magic == b"MZ":
        return b"\x00" in data[:64]  # a DOS header is full of NULs
    if magic == b"BZh":
        return data[3:4].isdigit() and data[4:10] == b"1AY&SY"
    if magic == b"RIFF":  # a little-endian size, then the form type
        return b"\x00" in data[4:8] or data[8:12] in (b"WAVE", b"AVI ", b"WEBP")
    return True


def html_to_text(html: str) -> tuple[str, tuple[str, ...]]:
    """The main article text of an HTML page (trafilatura), and notes; nothing is fetched.

    The HTML is parsed as a string only: no URL in it is requested, no script is run.
    When trafilatura finds no main text (a fragment, or a page nested deeper than lxml
    can parse), all visible text is used instead, with a note.
    """
    try:
        import trafilatura
    except ImportError as error:  # a broken install: report it per file, keep the run going
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise InputError(f"HTML support is not installed properly ({reason})") from error

    # lxml refuses strings with NUL or other C0 controls; they carry no article text.
    html = _XML_INCOMPATIBLE.sub("", html)
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
    if text and text.strip():
        return text, ()
    fallback = VisibleText.of(html)
    if not fallback.text.strip():
        raise InputError("no text found in the HTML")
    if fallback.max_depth > LXML_MAX_DEPTH:
        reason = (
            f"HTML nested {fallback.max_depth} levels deep, over the parser's limit of "
            f"{LXML_MAX_DEPTH}"
        )
    else:
        reason = "no main article text found (e.g. an HTML fragment)"
    return fallback.text, (f"{reason}; used all visible text",)


class VisibleText(HTMLParser):
    """All visible text of an HTML page, one block per line, at any nesting depth.

    The standard-library parser is event based (no tree, no recursion), so depth costs
    nothing; it also never loads external resources.
    """

    HIDDEN = frozenset({"script", "style", "head", "title", "template", "noscript", "svg"})
    BLOCKS = frozenset(
        {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section",
         "article", "blockquote", "table", "ul", "ol", "pre", "header", "footer"}
    )  # fmt: skip

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.depth = 0
        self.max_depth = 0
        self.hidden = 0

    @classmethod
    def of(cls, html: str) -> VisibleText:
        parser = cls()
        parser.feed(html)
        parser.close()
        return parser

    @property
    def text(self) -> str:
        lines = (" ".join(line.split()) for line in "".join(self.parts).split("\n"))
        return "\n".join(line for line in lines if line)

    def handle_starttag(self, tag: str, attrs: list) -> None:  # type: ignore[type-arg]
        self.depth += 1
        self.max_depth = max(self.max_depth, self.depth)
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        self.depth = max(0, self.depth - 1)
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def jsonl_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, line) of each non-blank line of a JSONL text.

    Splits on LF only: str.splitlines would also cut at U+2028, U+0085 and other characters
    that may stand unescaped inside a JSON string.
    """
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            yield number, line


def _jsonl_documents(text: str, path: str) -> Iterator[Document | LoadError]:
    seen: set[str] = set()
    for number, line in jsonl_lines(text):
        where = f"{path}:{number}"
        try:
            document = _jsonl_document(line, path, where)
        except InputError as error:
            yield LoadError(where, str(error))
            continue
        if document.id in seen:  # ids must stay unique: record ids and diff pairing use them
            note = f"duplicate id {document.id!r}, named {where} instead"
            document = replace(document, id=where, notes=(*document.notes, note))
        seen.add(document.id)
        yield document


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
    doc_id = where if doc_id is None else _without_surrogates(str(doc_id))
    notes: tuple[str, ...] = ()
    clean = _without_surrogates(text)
    if clean != text:
        # JSON may escape lone surrogates ("\\ud800"), which UTF-8 output cannot carry;
        # U+FFFD keeps every offset (one code point, one UTF-16 unit) unchanged.
        notes = ("lone surrogate code points replaced with U+FFFD",)
    return Document(id=doc_id, path=path, text=clean, media_type="text/plain", notes=notes)


_SURROGATE = re.compile("[\ud800-\udfff]")
_XML_INCOMPATIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _without_surrogates(text: str) -> str:
    return _SURROGATE.sub("\ufffd", text)


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"
