"""Where records go: stdout, or a file written atomically (temp file + rename)."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO


@contextlib.contextmanager
def open_output(path: str | None) -> Iterator[TextIO]:
    """A UTF-8 text stream for ``path``, or stdout when path is None or '-'.

    A file is written to a temporary sibling and renamed over ``path`` only when the block
    finishes without error, so an interrupted run leaves any previous file untouched and
    no temporary file behind.
    """
    if path is None or path == "-":
        stream = sys.stdout
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(encoding="utf-8")  # type: ignore[attr-defined]
        try:
            yield stream
            stream.flush()
        except BrokenPipeError:
            # The reader (e.g. `head`) went away: stop quietly with status 0, as Unix
            # filters do. Pointing stdout at /dev/null first keeps Python's flush at exit
            # from printing "Exception ignored ... BrokenPipeError".
            silence_stdout()
            raise SystemExit(0) from None
        return
    with atomic_write(Path(path)) as stream:
        yield stream


def silence_stdout() -> None:
    """Send whatever is still buffered for stdout, and all later writes, to /dev/null."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (AttributeError, ValueError, OSError):
        pass  # stdout is not a real file (e.g. captured by a test runner)
    finally:
        os.close(devnull)


class OutputError(Exception):
    """The output file cannot be written (missing folder, a directory, no permission)."""


@contextlib.contextmanager
def atomic_write(target: Path) -> Iterator[TextIO]:
    """Write ``target`` via a temporary file in the same folder and an atomic rename.

    Problems with the target are found before any work is done where possible (a folder
    that is missing or unwritable, a target that is a directory) and raised as OutputError.
    """
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise OutputError(f"{target}: is a directory, not a file to write")
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise OutputError(f"{target}: cannot write ({error.strerror or error})") from None
    # mkstemp makes the file private (0600); give it the mode a plain open() would have.
    os.chmod(temp_name, _default_mode())
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        try:
            os.replace(temp_name, target)
        except OSError as error:
            raise OutputError(f"{target}: cannot write ({error.strerror or error})") from None
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise


def _default_mode() -> int:
    """0666 less the process umask: the mode a newly created file normally gets."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
