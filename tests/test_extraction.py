"""Tests for streaming extraction: chunking of long texts, --jobs workers, lazy imports."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from typer.testing import CliRunner

from claimscope.cli import app
from claimscope.documents import Document, LoadError
from claimscope.extraction import extract_documents, extract_items, split_text
from claimscope.pipeline.spans import add_claim, add_link, claims_of, register_extensions, text_span

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def _load_make_corpus():
    spec = importlib.util.spec_from_file_location("make_corpus", ROOT / "benchmarks/make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_corpus = _load_make_corpus()


# --- split_text ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "limit", "pieces"),
    [
        ("Short text.", 100, ["Short text."]),
        # A blank line in the second half of the window wins over a sentence end.
        ("One. Two.\n\nThree four. Five.", 18, ["One. Two.\n\n", "Three four. Five."]),
        # No blank line: cut after the last sentence end in the window.
        (
            "Alpha beta. Gamma delta. Epsilon zeta.",
            28,
            ["Alpha beta. Gamma delta. ", "Epsilon zeta."],
        ),
        # No sentence end: a line break.
        ("alpha beta\ngamma delta epsilon", 20, ["alpha beta\n", "gamma delta epsilon"]),
        # Neither: the last whitespace.
        ("alpha beta gamma delta", 14, ["alpha beta ", "gamma delta"]),
        # One unbroken token: a hard cut at the limit.
        ("abcdefghij", 4, ["abcd", "efgh", "ij"]),
    ],
)
def test_split_text_cuts_at_the_best_boundary(text, limit, pieces):
    ranges = split_text(text, limit)
    assert [text[start:end] for start, end in ranges] == pieces
    assert all(end - start <= limit for start, end in ranges)


# --- chunked documents: offsets mapped back to the whole text ------------------------------

_PERCENT = re.compile(r"\d+%")
_EFFECT = re.compile(r"(\w+) reduces (\w+)(?: more than (\w+))?")
_CITE = re.compile(r"\[(\d+)\]")
_ENTRY = re.compile(r"^(\d+)\. .+$", re.MULTILINE)


@Language.component("test_probe_claims")
def probe_claims(doc):
    """Claims with every offset-bearing feature: TextSpans, links, resolved_to keys."""
    text = doc.text
    entries = {}
    for match in _ENTRY.finditer(text):
        attrs = {"kind": "reference_entry", "numbers": [int(match.group(1))], "traceable": True}
        entries[match.group(1)] = add_claim(doc, "citation", *match.span(), attrs)
    for match in _CITE.finditer(text):
        entry = entries.get(match.group(1))
        attrs = {"kind": "numeric", "numbers": [int(match.group(1))], "traceable": bool(entry)}
        if entry is not None:
            attrs["resolved_to"] = f"citation@{entry._.claim_range[0]}-{entry._.claim_range[1]}"
        add_claim(doc, "citation", *match.span(), attrs)
    for match in _PERCENT.finditer(text):
        add_claim(doc, "statistic", *match.span(), {"kind": "percent", "unit": "%"})
    for match in _EFFECT.finditer(text):
        attrs = {
            "intervention": text_span(doc, *match.span(1)),
            "outcome": text_span(doc, *match.span(2)),
            "comparator": text_span(doc, *match.span(3)) if match.group(3) else None,
            "direction": "decrease",
            "strength": "causal",
        }
        effect = add_claim(doc, "effect", *match.span(), attrs)
        for other in claims_of(doc):
            if other.label_ != "effect" and other.sent == effect.sent:
                add_link(effect, other)
    return doc


@pytest.fixture(scope="module")
def probe_nlp():
    register_extensions()
    nlp = spacy.blank("en")
    nlp.add_pipe("claimscope_sentences")
    nlp.add_pipe("test_probe_claims")
    return nlp


def _long_text(paragraphs: int) -> str:
    blocks = []
    for i in range(paragraphs):
        blocks.append(
            f"Section {i}\n\nIn trial {i}, yoga reduces pain more than rest in {i % 90 + 5}% "
            f"of adults [{i % 3 + 1}]. Massage reduces stiffness. Héllo 😀 wörld."
        )
    blocks.append("References\n\n1. Smith 2020.\n2. Jones 2021.\n3. Lee 2022.")
    return "\n\n".join(blocks) + "\n"


def _records(nlp, text: str, chunk_chars: int) -> list[dict]:
    document = Document(id="long.txt", path="long.txt", text=text)
    ((_, records),) = extract_documents([document], nlp=nlp, chunk_chars=chunk_chars)
    return [record.model_dump() for record in records]


def test_chunks_of_a_long_document_go_through_a_few_at_a_time(probe_nlp):
    # 256 Docs of 100k characters would take gigabytes: a group holding a split document
    # is batched by ZONE_CHARS of chunks, a group of short documents as a whole.
    from claimscope.extraction import ZONE_CHARS, _batch_size, _Tagging

    tagging = _Tagging(probe_nlp, None, 100_000, 256, str)
    short = [Document(id=str(i), path=str(i), text="Pain. " * 200) for i in range(3)]
    long = Document(id="long", path="long", text="Pain. " * 50_000)
    assert _batch_size(tagging, short) == 256
    assert _batch_size(tagging, [*short, long]) == ZONE_CHARS // 100_000 == 10


def test_chunked_records_equal_unchunked_records(probe_nlp):
    text = _long_text(60)
    whole = _records(probe_nlp, text, chunk_chars=len(text))
    chunked = _records(probe_nlp, text, chunk_chars=1_000)
    assert len(split_text(text, 1_000)) > 5
    assert len(whole) == 60 * 4 + 3
    for record in chunked:
        assert text[record["start"] : record["end"]] == record["text"]
        for part in ("intervention", "outcome", "comparator"):
            span = record["attributes"].get(part)
            if span:
                assert text[span["start"] : span["end"]] == span["text"]

    # Citations resolve only to entries in their own chunk: the one cross-chunk effect.
    def without_resolution(records):
        return [
            {**r, "attributes": {**r["attributes"], "resolved_to": None, "traceable": None}}
            if r["type"] == "citation"
            else r
            for r in records
        ]

    assert without_resolution(chunked) == without_resolution(whole)
    # Resolution keys are remapped to whole-text ids wherever the entry is in the same chunk.
    last_chunk_start = split_text(text, 1_000)[-1][0]
    resolved = [r for r in chunked if r["attributes"].get("resolved_to")]
    assert resolved
    assert all(r["start"] >= last_chunk_start for r in resolved)
    ids = {r["id"] for r in whole}
    assert all(r["attributes"]["resolved_to"] in ids for r in resolved)


def test_claim_right_after_a_boundary_keeps_its_offsets(probe_nlp):
    text = _long_text(20)
    start, _ = split_text(text, 700)[1]
    whole = _records(probe_nlp, text, chunk_chars=len(text))
    chunked = _records(probe_nlp, text, chunk_chars=700)
    first_after = min((r for r in chunked if r["start"] >= start), key=lambda r: r["start"])
    assert first_after["start"] - start < 60  # right after the cut
    (same,) = [r for r in whole if r["id"] == first_after["id"]]
    assert first_after == same
    assert (first_after["line"], first_after["column"]) == (
        text.count("\n", 0, first_after["start"]) + 1,
        first_after["start"] - text.rfind("\n", 0, first_after["start"]),
    )


def test_long_document_through_the_real_pipeline(nlp, seed_texts):
    """Seeds repeated past the chunk limit: exact spans, and the same claims as unchunked."""
    text = "\n\n".join(seed_texts.values()) * 3
    document = Document(id="seeds.txt", path="seeds.txt", text=text)
    ((_, whole),) = extract_documents([document], nlp=nlp, chunk_chars=len(text))
    ((_, chunked),) = extract_documents([document], nlp=nlp, chunk_chars=4_000)
    assert len(split_text(text, 4_000)) >= 6
    assert whole, "no claims: the claim components have not landed yet"
    for record in chunked:
        assert text[record.start : record.end] == record.text
        assert text[record.sentence.start : record.sentence.end].strip()

    def located(records):  # citations may resolve differently across chunks
        return [(r.id, r.line, r.column, r.prefix, r.suffix, r.sentence) for r in records]

    assert located(chunked) == located(whole)


def test_docs_are_freed_without_the_garbage_collector(monkeypatch, seed_texts):
    # freeze_pipeline runs the collector rarely (GC_THRESHOLD): that is only safe while a
    # Doc and what components keep in its user_data hold no reference cycles.
    import gc
    import weakref

    from claimscope import records

    seen: list[weakref.ref] = []
    doc_to_dicts = records.doc_to_dicts

    def watched(doc, *args):
        seen.append(weakref.ref(doc))
        return doc_to_dicts(doc, *args)

    monkeypatch.setattr(records, "doc_to_dicts", watched)
    documents = [Document(id=name, path=name, text=text) for name, text in seed_texts.items()]
    gc.disable()
    try:
        results = list(extract_documents(documents * 2, as_json=True))
        alive = [ref for ref in seen if ref() is not None]
    finally:
        gc.enable()
    assert len(results) == len(seen) == 2 * len(seed_texts)
    assert alive == []


# --- --jobs --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    make_corpus.make_corpus(out, documents=120, seed=3)
    return out


@pytest.fixture
def small_tasks(monkeypatch):
    # Tasks of a few documents, so that a small corpus makes many of them, interleaved over
    # both workers (the real ones hold a memory zone's worth, more than these corpora).
    from claimscope import extraction

    monkeypatch.setattr(extraction, "TASK_DOCUMENTS", 7)


def test_jobs_2_yields_the_same_items_in_order_as_jobs_1(small_corpus, small_tasks):
    files = sorted(small_corpus.rglob("*.txt"))
    items: list[Document | LoadError] = []
    for number, path in enumerate([*sorted(SEEDS.glob("*.txt")), *files]):
        text = path.read_text(encoding="utf-8")
        items.append(Document(id=path.name, path=str(path), text=text))
        if number % 40 == 1:
            items.append(LoadError(f"missing{number}.txt", "no such file or directory"))
    serial = list(extract_items(items, jobs=1))
    parallel = list(extract_items(items, jobs=2))
    assert [item for item, _ in parallel] == items
    assert parallel == serial


def test_tasks_are_whole_batches_but_the_last_two_are_cut_in_quarters(monkeypatch):
    from claimscope import extraction

    monkeypatch.setattr(extraction, "TASK_DOCUMENTS", 8)
    items = [Document(id=str(n), path=str(n), text="x") for n in range(8 * 4 + 3)]
    tasks = list(extraction._tasks(items))
    assert [len(task) for task in tasks] == [8, 8, 8, 2, 2, 2, 2, 1, 1, 1]
    assert [item for task in tasks for item in task] == items
    assert list(extraction._tasks([])) == []
    assert [len(task) for task in extraction._tasks(items[:5])] == [2, 2, 1]


def test_workers_are_forks_only_while_this_process_runs_no_other_thread(small_corpus, small_tasks):
    # A fork copies only the calling thread: with another one running (here one waiting on an
    # event, as a progress display would), workers come from the fork server instead, and the
    # output is the same.
    from claimscope import extraction

    items = [
        Document(id=path.name, path=str(path), text=path.read_text(encoding="utf-8"))
        for path in sorted(small_corpus.rglob("*.txt"))[:30]
    ]
    assert extraction._worker_context().get_start_method() == "fork"
    serial = list(extract_items(items, jobs=1))
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert extraction._worker_context().get_start_method() == "forkserver"
        parallel = list(extract_items(items, jobs=2))
    finally:
        stop.set()
        other.join()
    assert parallel == serial


def test_a_forked_worker_replaces_the_signal_handlers_it_inherits():
    # Workers are forks of the CLI, whose handlers raise Interrupted, born with SIGINT and
    # SIGTERM held (_signals_held). Pool.terminate's SIGTERM must end a worker, Ctrl-C is the
    # parent's to handle, and neither may stay held.
    import multiprocessing
    import signal

    from claimscope import extraction

    def child(queue) -> None:
        signal.signal(signal.SIGTERM, lambda *args: None)
        signal.pthread_sigmask(signal.SIG_BLOCK, extraction._HELD_SIGNALS)
        extraction._init_worker(None, None, True)
        held = signal.pthread_sigmask(signal.SIG_BLOCK, set()) & extraction._HELD_SIGNALS
        queue.put([repr(signal.getsignal(signal.SIGTERM)), repr(signal.getsignal(signal.SIGINT))])
        queue.put(sorted(held))

    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    process = context.Process(target=child, args=(queue,))
    process.start()
    handlers, held = queue.get(timeout=60), queue.get(timeout=60)
    process.join(timeout=60)
    assert handlers == [repr(signal.SIG_DFL), repr(signal.SIG_IGN)]
    assert held == []


def test_cli_jobs_2_output_equals_jobs_1(small_corpus, small_tasks):
    runner = CliRunner()
    paths = [str(SEEDS), str(small_corpus / "d00"), "no/such/file.txt"]
    one = runner.invoke(app, ["extract", *paths, "--jobs", "1", "--quiet"])
    two = runner.invoke(app, ["extract", *paths, "--jobs", "2", "--quiet"])
    assert one.exit_code == two.exit_code == 2  # the missing file is reported, not fatal
    assert two.stdout == one.stdout
    assert "no/such/file.txt: no such file or directory" in two.stderr
    for line in one.stdout.splitlines():
        json.loads(line)


# --- start-up ------------------------------------------------------------------------------


_STARTUP = """
import sys
from typer.testing import CliRunner
from claimscope.cli import app
result = CliRunner().invoke(app, {args!r})
assert result.exit_code == 0, result.output
assert {expected!r} in result.stdout
print(sorted({{m.split(".")[0] for m in sys.modules}} & {forbidden!r}))
"""


@pytest.mark.parametrize(
    ("args", "expected", "forbidden"),
    [
        # Top-level help loads neither spaCy nor the pydantic models: it must start in a blink.
        (["--help"], "Usage", {"spacy", "thinc", "pydantic"}),
        # Typer itself imports pydantic to convert some option types; spaCy stays out.
        (["extract", "--help"], "--jobs", {"spacy", "thinc"}),
        (["schema"], '"$schema"', {"spacy", "thinc"}),
    ],
)
def test_startup_commands_do_not_import_spacy(args, expected, forbidden):
    code = _STARTUP.format(args=args, expected=expected, forbidden=forbidden)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_cli_claim_types_match_the_models():
    from claimscope import cli, models

    assert cli.CLAIM_TYPES == models.CLAIM_TYPES


def test_extraction_a_component_crash_skips_only_that_document(tmp_path, monkeypatch):
    """A pipeline failure on one document is reported as skipped; the others keep their records."""
    from claimscope.pipeline import statistics

    good = "Over 40% of adults have sciatica."
    (tmp_path / "a.txt").write_text(good, encoding="utf-8")
    (tmp_path / "b.txt").write_text("BOOM 12 patients.", encoding="utf-8")
    (tmp_path / "c.txt").write_text(good, encoding="utf-8")
    original = statistics.StatisticsTagger.__call__

    def explode_on_boom(self, doc):
        if "BOOM" in doc.user_data.get("claimscope_text", ""):
            raise ValueError("simulated component bug")
        return original(self, doc)

    monkeypatch.setattr(statistics.StatisticsTagger, "__call__", explode_on_boom)
    result = CliRunner().invoke(app, ["extract", str(tmp_path)])
    assert result.exit_code == 2
    assert (
        f"{tmp_path / 'b.txt'}: internal error while tagging, skipped "
        "(ValueError: simulated component bug)"
    ) in result.stderr
    assert "2 documents, 4 claims, 1 skipped" in result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["source"]["path"].rsplit("/", 1)[-1], r["text"]) for r in lines] == [
        ("a.txt", "Over 40% of adults"),
        ("a.txt", "sciatica"),
        ("c.txt", "Over 40% of adults"),
        ("c.txt", "sciatica"),
    ]
