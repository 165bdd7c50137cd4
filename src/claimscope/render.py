"""Record writers: JSONL, JSON, CSV and table. Renderers only read records.

Every writer takes documents with their records as they come (``add``) and finishes with
``close``; streaming formats write at once, whole-run formats at the end.
"""

from __future__ import annotations

from typing import Any, Protocol, TextIO

from .documents import Document

FORMATS: tuple[str, ...] = ("jsonl", "json")


class RecordWriter(Protocol):
    def add(self, document: Document, records: list[Any]) -> None: ...

    def close(self) -> None: ...


class JsonlWriter:
    """One JSON record a line, written as soon as a document is done."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def add(self, document: Document, records: list[Any]) -> None:
        for record in records:
            self.stream.write(record.model_dump_json() + "\n")

    def close(self) -> None:
        self.stream.flush()


class JsonWriter:
    """One JSON array of records, streamed element by element."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.count = 0

    def add(self, document: Document, records: list[Any]) -> None:
        for record in records:
            self.stream.write("[\n" if self.count == 0 else ",\n")
            self.stream.write(record.model_dump_json())
            self.count += 1

    def close(self) -> None:
        self.stream.write("[]\n" if self.count == 0 else "\n]\n")
        self.stream.flush()


WRITERS: dict[str, type] = {"jsonl": JsonlWriter, "json": JsonWriter}


def make_writer(fmt: str, stream: TextIO) -> RecordWriter:
    """The writer for ``fmt`` over ``stream``."""
    return WRITERS[fmt](stream)
