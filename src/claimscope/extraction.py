"""Streaming extraction: documents in, claim records out, one document at a time.

Loading, the spaCy pipeline and record building are chained as generators, so memory
holds a few documents, never the corpus. Long texts are cut into chunks at paragraph (else
sentence, line or word) boundaries, so ``nlp.max_length`` never fails a document; records
of every chunk are built against the whole text, so offsets, ids, line/column and quote
selectors are those of the full document. ``jobs > 1`` spreads documents over worker
processes and yields results in input order, identical to a single-process run.
"""

from __future__ import annotations

import contextlib
import gc
import os
import re
import signal
import sys
import threading
import weakref
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from . import spool
from .documents import DEFAULT_MAX_BYTES, Document, LoadError, iter_documents
from .spool import Spooled

if TYPE_CHECKING:
    from spacy.language import Language

# Docs per nlp.pipe batch: each component runs over a whole batch before the next starts,
# so a bigger batch keeps each component's code and data warm for longer. A batch of a whole
# zone group (ZONE_DOCUMENTS) ran 5.7% faster than 64 (4 alternating benchmark rounds of
# 1M words), 1024 no faster. A batch's Docs live together: chunks of a long document go
# ZONE_CHARS of text to a batch (see _batch_size), so a batch never holds much more.
BATCH_SIZE = 256
# Chunks of 100k code points keep a Doc at a few MB while a cut is rare on web pages. Time per
# character hardly depends on the chunk size: 2.4-2.8 CPU-s per MB for chunks of 20k to 1M.
CHUNK_CHARS = 100_000
CHUNK_ENV = "CLAIMSCOPE_CHUNK_CHARS"
# Documents processed per spaCy memory zone (strings and lexemes they add are then freed, and
# the next zone makes them again: 256 documents ran ~10% faster than 64, 1024 no faster).
ZONE_DOCUMENTS = 256
ZONE_CHARS = 1_000_000
# Work sent to one worker at a time: up to this many documents or characters, one memory zone
# (a worker runs each task in its own zones, so smaller tasks make smaller zones). Tasks of a
# zone ran --jobs 2 about 5% faster than tasks of 128 documents on 1M words (wall time
# medians 4.7 against 5.1 s over 14 alternating runs, 5.1 against 5.4 s over 10 more), while
# tasks of 512 lost that again at the end of a run, one worker idle as the other finished.
TASK_DOCUMENTS = ZONE_DOCUMENTS
TASK_CHARS = ZONE_CHARS

# Net container allocations between two young-generation collections (Python's default: 700).
# Extraction's garbage is freed by reference counting (a Doc holds no cycles once its user_data
# is cleared), so a young pass finds nothing: it only walks the batch in flight, whose objects
# are still alive. A batch holds up to ~100k of them (256 short documents) or ~200k (a group
# of ZONE_CHARS in long documents); at 50,000 the passes cost 8% of a run (0.48 of 6 s on 1M
# words, measured with gc.callbacks), so the threshold sits above any group. Cycles that do
# occur are still collected, 500,000 containers at most later.
GC_THRESHOLD = 500_000

_warm_pipelines: weakref.WeakSet[Any] = weakref.WeakSet()
_SENTENCE_END = re.compile(r"[.!?][\"')\]”’]*\s+|\n")
_WHITESPACE = re.compile(r"\s+")


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


def freeze_pipeline() -> Language:
    """The shared pipeline, moved with all else loaded so far out of the collector's reach.

    Only for processes claimscope owns (the CLI and its workers): there the pipeline lives as
    long as the process, and the collector's full passes would walk its lexicons again and again
    (~3% of a run). In a library caller it would freeze the caller's objects too. The collector
    also runs less often (GC_THRESHOLD).

    The collector is off while spaCy is imported and the pipeline built, and nothing is
    collected before freezing, as Python's documentation of gc.freeze advises for processes
    that fork: importing and building make a few hundred thousand objects and drop few, so its
    passes then (three full ones among them) took ~0.2 s of a ~1.3 s start-up, and a pass
    before freezing another 80-110 ms, to free ~3,500 objects (a few hundred KB) that now stay.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        nlp = shared_nlp()
        from . import records  # noqa: F401  (loaded now, so its objects are frozen too)

        gc.freeze()
    finally:
        if was_enabled:
            gc.enable()
    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])
    return nlp


def chunk_limit() -> int:
    """The chunk size in code points: ``CLAIMSCOPE_CHUNK_CHARS`` if set, else CHUNK_CHARS."""
    value = os.environ.get(CHUNK_ENV, "")
    return int(value) if value.strip().isdigit() and int(value) > 0 else CHUNK_CHARS


def forks_workers() -> bool:
    """Whether worker processes would be forks of this process now (see _worker_context)."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


def resolve_jobs(jobs: int) -> int:
    """Worker processes for ``--jobs``: 0 means one per available core."""
    if jobs > 0:
        return jobs
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


# --- long documents ------------------------------------------------------------------------


def split_text(text: str, limit: int) -> list[tuple[int, int]]:
    """Cut ``text`` into contiguous ``(start, end)`` ranges of at most ``limit`` code points.

    Each cut falls after a blank line if the second half of the window has one, else after a
    sentence end or line break, else after whitespace, else (one unbroken token) at the limit.
    """
    ranges: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > limit:
        end = _cut_point(text, start, start + limit)
        ranges.append((start, end))
        start = end
    ranges.append((start, len(text)))
    return ranges


def _cut_point(text: str, start: int, stop: int) -> int:
    low = start + max(1, (stop - start) // 2)
    blank = text.rfind("\n\n", low, stop)
    if blank >= 0:
        return blank + 2
    for pattern in (_SENTENCE_END, _WHITESPACE):
        last = None
        for last in pattern.finditer(text, low, stop):  # noqa: B007  (we want the last one)
            pass
        if last is not None:
            return last.end()
    return stop


def _pieces(
    documents: Iterable[Document], limit: int
) -> Iterator[tuple[str, tuple[Document, int, bool, Any, str]]]:
    """(text, context) per chunk for ``nlp.pipe(as_tuples=True)``; most documents are one.

    The context carries the chunk text too: records need it, and Doc.text is rebuilt from
    the tokens on every access.
    """
    from .records import TextIndex

    for document in documents:
        text = document.text
        if len(text) <= limit:
            yield text, (document, 0, True, None, text)
            continue
        index = TextIndex(text)  # built once for the whole text, shared by its chunks
        ranges = split_text(text, limit)
        for number, (start, end) in enumerate(ranges):
            chunk = text[start:end]
            yield chunk, (document, start, number == len(ranges) - 1, index, chunk)


# --- in-process extraction -----------------------------------------------------------------


def checked_types(types: Iterable[str] | None) -> list[str] | None:
    """``types`` as a list (None for all), or ValueError naming an unknown claim type."""
    if not types:
        return None
    from .models import CLAIM_TYPES

    wanted = list(types)
    unknown = sorted(set(wanted) - set(CLAIM_TYPES))
    if unknown:
        raise ValueError(
            f"unknown claim type {', '.join(unknown)}; known: {', '.join(CLAIM_TYPES)}"
        )
    return wanted


def extract_documents(
    documents: Iterable[Document],
    types: Iterable[str] | None = None,
    nlp: Language | None = None,
    batch_size: int = BATCH_SIZE,
    chunk_chars: int | None = None,
    as_json: bool = False,
) -> Iterator[tuple[Document, list[Any] | LoadError]]:
    """Run the pipeline over documents, yielding each with its claim records, in order.

    Records are validated models, or with ``as_json`` their JSON as UTF-8 bytes (one compact
    object each, byte for byte ``model_dump_json()``; see record_json): what the JSON writers
    write, made without validating a model per claim, and cheap to send back from a worker.

    A document the pipeline fails on (a bug, not bad input) comes with a LoadError
    instead of records, so the caller reports it and the run goes on.

    Texts longer than ``chunk_chars`` (default: ``chunk_limit()``) are processed in chunks;
    a citation and its reference entry in different chunks are then not resolved. Documents
    go through in groups, each in a spaCy memory zone (see ``_memory_zone``).
    """
    from .models import parse_claim
    from .record_json import record_bytes

    nlp = nlp or shared_nlp()
    tagging = _Tagging(
        nlp,
        checked_types(types),
        min(chunk_chars or chunk_limit(), nlp.max_length),
        batch_size,
        record_bytes if as_json else parse_claim,
    )
    stream = iter(documents)
    while group := _take(stream, ZONE_DOCUMENTS, ZONE_CHARS):
        _warm_tokenizer(nlp, group)
        with _memory_zone(nlp):
            results = list(_extract_group(tagging, group))
        yield from results  # after the zone: no spaCy object outlives it


@dataclass(frozen=True)
class _Tagging:
    """How one extract_documents call tags its groups."""

    nlp: Language
    types: list[str] | None
    limit: int  # chunk size in code points
    batch_size: int
    finish: Callable[[dict[str, Any]], Any]  # record dict -> JSON bytes or validated model


def _extract_group(
    tagging: _Tagging, documents: list[Document]
) -> Iterator[tuple[Document, list[Any] | LoadError]]:
    """Records per document; a document the pipeline fails on gets a LoadError instead.

    A failure in a batch retries its documents one by one, so one bad document never costs
    the others their records.
    """
    try:
        yield from list(_tag_group(tagging, documents))
    except Exception as error:
        if len(documents) == 1:
            yield documents[0], internal_error(documents[0], error)
            return
        for document in documents:
            yield from _extract_group(tagging, [document])


def internal_error(document: Document, error: Exception) -> LoadError:
    """The one-line report of a document the pipeline failed on (a bug in claimscope)."""
    message = str(error).splitlines()[0][:200] if str(error) else ""
    detail = f"{type(error).__name__}: {message}" if message else type(error).__name__
    return LoadError(document.id, f"internal error while tagging, skipped ({detail})")


def _tag_group(
    tagging: _Tagging, documents: list[Document]
) -> Iterator[tuple[Document, list[Any]]]:
    from .records import doc_to_dicts

    records: list[Any] = []
    pieces = _pieces(documents, tagging.limit)
    batch_size = _batch_size(tagging, documents)
    for spacy_doc, (document, offset, last, index, text) in tagging.nlp.pipe(
        pieces, as_tuples=True, batch_size=batch_size
    ):
        found = doc_to_dicts(spacy_doc, document, tagging.types, offset, index, text)
        records.extend(map(tagging.finish, found))
        spacy_doc.user_data.clear()  # drop per-doc extension values and bookkeeping early
        if last:
            yield document, records
            records = []


def _batch_size(tagging: _Tagging, documents: list[Document]) -> int:
    """The nlp.pipe batch for a group: ``tagging.batch_size`` documents, but only as many
    chunks as make ZONE_CHARS when a document is split (a 50 MB file is 500 chunks, and 256
    Docs of 100k characters would take gigabytes)."""
    if all(len(document.text) <= tagging.limit for document in documents):
        return tagging.batch_size  # the group: at most ZONE_CHARS and one document
    return max(1, min(tagging.batch_size, ZONE_CHARS // tagging.limit))


def _take(stream: Iterator[Document], documents: int, chars: int) -> list[Document]:
    """The next documents of ``stream``, up to ``documents`` of them or ``chars`` of text."""
    group: list[Document] = []
    size = 0
    for document in stream:
        group.append(document)
        size += len(document.text)
        if len(group) >= documents or size >= chars:
            break
    return group


def _warm_tokenizer(nlp: Language, documents: list[Document]) -> None:
    """Cache the tokens of the group's recurring chunks before its zone (see pipeline.tokenizer)."""
    warm = getattr(nlp.tokenizer, "warm", None)
    if warm is not None:
        warm(document.text for document in documents)


def _memory_zone(nlp: Language) -> contextlib.AbstractContextManager[Any]:
    """A spaCy memory zone, so the strings and lexemes a group adds are freed after it.

    Without it the vocabulary grows with every new number, name and claim offset, i.e. with
    the corpus. A pipeline's first group runs outside a zone, so that whatever components
    add lazily on first use (and the tokenizer cache, which zones do not fill) persists.
    """
    if nlp not in _warm_pipelines:
        _warm_pipelines.add(nlp)
        return contextlib.nullcontext()
    if not hasattr(nlp, "memory_zone"):  # spaCy < 3.8
        return contextlib.nullcontext()
    return nlp.memory_zone()


def extract_items(
    items: Iterable[Document | LoadError],
    types: Iterable[str] | None = None,
    jobs: int = 1,
    chunk_chars: int | None = None,
    as_json: bool = False,
) -> Iterator[tuple[Document | LoadError, list[Any] | None]]:
    """Documents with their records and load errors with None, in input order.

    ``jobs`` > 1 runs the pipeline in that many worker processes; ``as_json`` as for
    ``extract_documents``.
    """
    types = checked_types(types)
    jobs = resolve_jobs(jobs)
    if jobs > 1:
        yield from _extract_parallel(items, types, jobs, chunk_chars, as_json)
        return
    # Each document carries the load errors met just before it, so that errors come out
    # exactly where they were in the input, as with worker processes.
    errors_before: deque[list[LoadError]] = deque()
    errors: list[LoadError] = []

    def documents() -> Iterator[Document]:
        nonlocal errors
        for item in items:
            if isinstance(item, LoadError):
                errors.append(item)
            else:
                errors_before.append(errors)
                errors = []
                yield item

    extracted = extract_documents(documents(), types, chunk_chars=chunk_chars, as_json=as_json)
    for document, records in extracted:
        for error in errors_before.popleft():
            yield error, None
        yield document, records
    for error in errors:
        yield error, None


def extract_paths(
    paths: Iterable[str],
    types: Iterable[str] | None = None,
    stats: RunStats | None = None,
    on_error: Callable[[LoadError], None] | None = None,
    on_document: Callable[[Document, list[Any]], None] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    jobs: int = 1,
    as_json: bool = False,
) -> Iterator[Any]:
    """Yield the claim records of every readable input; report the others to ``on_error``.

    ``as_json`` yields records as JSON bytes instead of models (see ``extract_documents``).
    """
    stats = stats if stats is not None else RunStats()
    items = iter_documents(paths, max_bytes=max_bytes)
    for item, records in extract_items(items, types, jobs=jobs, as_json=as_json):
        if isinstance(records, LoadError):  # the pipeline failed on this document
            item, records = records, None
        if isinstance(item, LoadError):
            stats.skipped.append(item)
            if on_error:
                on_error(item)
            continue
        stats.documents += 1
        stats.claims += len(records or [])
        if on_document:
            on_document(item, records or [])
        yield from records or []


def extract_text(text: str, path: str = "<text>", types: Iterable[str] | None = None) -> list[Any]:
    """The claim records of one text, e.g. ``extract_text("Acupuncture reduces pain.")``."""
    document = Document(id=path, path=path, text=text)
    records = next(extract_documents([document], types))[1]
    if isinstance(records, LoadError):
        raise RuntimeError(str(records))
    return records


# --- worker processes ----------------------------------------------------------------------

_worker_options: dict[str, Any] = {}


def _init_worker(
    types: list[str] | None, chunk_chars: int | None, as_json: bool, spool_to: str | None = None
) -> None:
    """Pool initializer: build the pipeline once per worker (a forked worker has it already).

    Ctrl-C is the parent's job; SIGTERM (Pool.terminate) ends a worker at once, whatever
    handler a forked worker inherited from the CLI. ``spool_to``: the directory JSON records
    go back through (see spool), if any.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):  # a fork is born with them held (_signals_held)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD_SIGNALS)
    _worker_options.update(types=types, chunk_chars=chunk_chars, as_json=as_json, spool_to=spool_to)
    freeze_pipeline()


def _work(batch: list[Document | LoadError]) -> list[list[Any] | LoadError | None] | Spooled:
    """Records of each document of a batch (None for load errors, a LoadError for a document
    the pipeline failed on), in order; JSON records written to the spool when there is one."""
    documents = [item for item in batch if isinstance(item, Document)]
    results = iter(
        extract_documents(
            documents,
            _worker_options.get("types"),
            chunk_chars=_worker_options.get("chunk_chars"),
            as_json=_worker_options.get("as_json", False),
        )
    )
    found = [None if isinstance(item, LoadError) else next(results)[1] for item in batch]
    spool_to = _worker_options.get("spool_to")
    return (spool.write(spool_to, found) or found) if spool_to else found


def _tasks(items: Iterable[Document | LoadError]) -> Iterator[list[Document | LoadError]]:
    """The worker tasks: batches of items, the last two cut into quarters.

    With whole batches to the end, one worker sat idle while the other did the last one: half
    a task's time on average, up to 0.3 s in 1M-word runs whose tasks took 0.3-0.5 s each.
    Two batches are held back to know which are the last (reading them takes ~20 ms).
    """
    held: deque[list[Document | LoadError]] = deque()
    for batch in _batches(items):
        held.append(batch)
        if len(held) > 2:
            yield held.popleft()
    for batch in held:
        size = -(-len(batch) // 4)
        for start in range(0, len(batch), size):
            yield batch[start : start + size]


def _batches(items: Iterable[Document | LoadError]) -> Iterator[list[Document | LoadError]]:
    batch: list[Document | LoadError] = []
    size = 0
    for item in items:
        batch.append(item)
        size += len(item.text) if isinstance(item, Document) else 0
        if len(batch) >= TASK_DOCUMENTS or size >= TASK_CHARS:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _extract_parallel(
    items: Iterable[Document | LoadError],
    types: list[str] | None,
    jobs: int,
    chunk_chars: int | None,
    as_json: bool,
) -> Iterator[tuple[Document | LoadError, list[Any] | None]]:
    """Like the single-process path, over ``jobs`` worker processes, in input order.

    At most a few batches per worker are in flight (Pool.imap would read the whole input
    ahead), so memory stays bounded; any exception or Ctrl-C terminates the pool. Records as
    JSON come back through files in a spool directory removed at the end (see spool).
    """
    context = _worker_context()
    pool = None
    in_flight: deque[tuple[list[Document | LoadError], Any]] = deque()
    spool_to = spool.make_directory() if as_json else None
    try:
        with _signals_held(context.get_start_method() == "fork"):
            pool = context.Pool(
                jobs, initializer=_init_worker, initargs=(types, chunk_chars, as_json, spool_to)
            )
        for batch in _tasks(items):
            in_flight.append((batch, pool.apply_async(_work, (batch,))))
            if len(in_flight) >= 2 * jobs:
                yield from _finish(in_flight.popleft())
        while in_flight:
            yield from _finish(in_flight.popleft())
        pool.close()
    except BaseException:
        if pool is not None:
            pool.terminate()
        raise
    finally:
        if pool is not None:
            pool.join()
        if spool_to is not None:
            spool.remove(spool_to)


_HELD_SIGNALS = {signal.SIGINT, signal.SIGTERM}


@contextlib.contextmanager
def _signals_held(forking: bool) -> Iterator[None]:
    """Ctrl-C and SIGTERM wait while workers are forked, and arrive once they are.

    A handler that runs inside os.fork (in its at-fork callbacks) has its exception swallowed,
    so the run would go on; and a worker must not run the CLI's handler before _init_worker
    replaces it. Workers are born with the signals blocked and unblock them there.
    """
    if not forking:
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _worker_context() -> Any:
    """Where worker processes come from, the quickest way this process allows.

    A fork, on Linux when this process runs no other thread (a fork copies only the calling
    thread, and a lock another thread held would stay locked in the child): the pipeline is
    built here first, so every worker starts with it, shared copy-on-write, as soon as it is
    forked. Otherwise a fork server with spaCy and the components pre-imported, about a second
    sooner than spawning; where there is none (Windows), workers are spawned.
    """
    import multiprocessing

    if forks_workers():
        shared_nlp()
        return multiprocessing.get_context("fork")
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["claimscope.extraction", "claimscope.pipeline"])
    return context


def _finish(
    entry: tuple[list[Document | LoadError], Any],
) -> Iterator[tuple[Document | LoadError, list[Any] | None]]:
    batch, result = entry
    found = result.get()
    yield from zip(batch, spool.read(found) if isinstance(found, Spooled) else found, strict=True)
