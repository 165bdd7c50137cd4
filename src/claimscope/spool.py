"""Handing a worker's JSON records to the parent process through a file, not the result pipe.

A task's records are ~5 MB of JSON per 256 documents. Through multiprocessing's result pipe
they were pickled, written 64 KB at a time with the worker waiting on the parent to read each
piece, accumulated, copied and unpickled: ~14 ms a task in which the worker did no extraction,
and a third of the parent's CPU time in a --jobs 2 run. Written to a file in a private spool
directory (in memory, under /dev/shm, where there is one), they cost the worker one write and
the parent one read and a split, and the worker goes on with its next task at once.

Records are compact JSON, which holds no raw newline, so one per line splits back exactly.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import tempfile
from typing import Any, NamedTuple

from .documents import LoadError

# Per item of a task: its number of records, the LoadError the pipeline failed with, or None
# for an input that could not be loaded (it has no records).
Shape = int | LoadError | None

_MEMORY_ROOT = "/dev/shm"
PREFIX = "claimscope-"  # of a spool directory's name
_task_numbers = itertools.count()


class Spooled(NamedTuple):
    """A task's records, written one per line to ``path``; ``shapes`` says whose they are."""

    path: str
    shapes: list[Shape]


def root() -> str:
    """Where spool directories are made: /dev/shm (memory) if writable, else the temp dir."""
    if os.path.isdir(_MEMORY_ROOT) and os.access(_MEMORY_ROOT, os.W_OK | os.X_OK):
        return _MEMORY_ROOT
    return tempfile.gettempdir()


def make_directory() -> str | None:
    """A new private directory for one run's spool files (remove it with ``remove``), or
    None where none can be made: records then go through the result pipe."""
    try:
        return tempfile.mkdtemp(prefix=PREFIX, dir=root())
    except OSError:
        return None


def remove(directory: str) -> None:
    shutil.rmtree(directory, ignore_errors=True)


def write(directory: str, results: list[list[bytes] | LoadError | None]) -> Spooled | None:
    """Write a task's records (JSON bytes, per item) to a new file in ``directory``; None when
    the file cannot be written (a full disk, say): the caller sends the records itself."""
    path = os.path.join(directory, f"{os.getpid()}-{next(_task_numbers)}")
    shapes: list[Shape] = [len(r) if isinstance(r, list) else r for r in results]
    try:
        with open(path, "xb") as file:
            lists = (r for r in results if isinstance(r, list))
            file.write(b"\n".join(itertools.chain.from_iterable(lists)))
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(path)
        return None
    return Spooled(path, shapes)


def read(spooled: Spooled) -> list[list[Any] | LoadError | None]:
    """The results ``write`` was given, read back from its file, which is then removed."""
    with open(spooled.path, "rb") as file:
        data = file.read()
    os.unlink(spooled.path)
    records = data.split(b"\n") if data else []
    results: list[list[Any] | LoadError | None] = []
    start = 0
    for shape in spooled.shapes:
        if isinstance(shape, int):
            results.append(records[start : start + shape])
            start += shape
        else:
            results.append(shape)
    if start != len(records):
        raise ValueError(f"{spooled.path}: {len(records)} records where {start} were written")
    return results
