"""Reliability through the CLI: every bad input is reported in one line and the run goes on;
spans stay exact on awkward text; output files are never half-written; pipes and Ctrl-C end
quietly; nothing is fetched from the network."""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, SEED_FILES
from typer.testing import CliRunner

from claimscope import render
from claimscope.cli import app
from claimscope.documents import Document
from claimscope.extraction import extract_documents

runner = CliRunner()
SUMMARY = re.compile(r"^(\d+) documents, (\d+) claims, (\d+) skipped$")


def run(*args: object):
    return runner.invoke(app, ["extract", *map(str, args)])


def records_of(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines()]


def summary(stderr: str) -> tuple[int, int, int]:
    match = SUMMARY.match(stderr.splitlines()[-1])
    assert match, stderr
    return tuple(int(n) for n in match.groups())  # type: ignore[return-value]


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("article.txt", "Pain fell by 30%.")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    """A folder of good articles (the seeds)."""
    folder = tmp_path_factory.mktemp("good")
    for path in SEED_FILES:
        shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture(scope="module")
def good_records(good) -> list[dict]:
    """The records of the good folder extracted alone."""
    result = run(good)
    assert result.exit_code == 0, result.stderr
    records = records_of(result.stdout)
    assert records, "the seeds yield claims"
    return records


def good_part(records: list[dict], good: Path) -> list[dict]:
    return [r for r in records if r["source"]["path"].startswith(str(good))]


# --- bad inputs ----------------------------------------------------------------------------
# Each maker writes one bad input under tmp and returns (path to pass, extra CLI args,
# the stderr line it must cause, exit status, extra documents, skipped inputs).


def missing(tmp: Path):
    path = tmp / "nothere.txt"
    return path, [], f"{path}: no such file or directory", 2, 0, 1


def symlink_loop(tmp: Path):
    folder = tmp / "loop"
    folder.mkdir()
    (folder / "again").symlink_to(".", target_is_directory=True)
    return folder, [], f"{folder / 'again'}: directory symlink loop, not followed", 2, 0, 1


def binary(name: str, data: bytes, kind: str):
    def make(tmp: Path):
        path = tmp / name
        path.write_bytes(data)
        return path, [], f"{path}: binary file ({kind}), not text", 2, 0, 1

    return make


def empty(tmp: Path):
    path = tmp / "empty.txt"
    path.write_bytes(b"")
    return path, [], f"{path}: empty document, no claims", 0, 1, 0


def legacy_encoding(tmp: Path):
    path = tmp / "legacy.txt"
    path.write_bytes("Café patients’ pain fell — naïve “quoted” text.".encode("cp1252"))
    return path, [], f"{path}: not valid UTF-8; decoded as cp1252", 0, 1, 0


def deep_html(tmp: Path):
    path = tmp / "deep.html"
    body = "<div>" * 5000 + "<p>Acupuncture reduced pain in 120 patients.</p>" + "</div>" * 5000
    path.write_text(f"<html><body>{body}</body></html>")
    reason = "HTML nested 5003 levels deep, over the parser's limit of 255; used all visible text"
    return path, [], f"{path}: {reason}", 0, 1, 0


def over_max_bytes(tmp: Path):
    path = tmp / "huge.txt"
    path.write_bytes(b"Pain fell by 30%. " * 400)  # 7,200 bytes; every seed is under 5,000
    reason = "file is 7.0 KB, over the size limit of 4.9 KB (raise it with --max-bytes)"
    return path, ["--max-bytes", "5000"], f"{path}: {reason}", 2, 0, 1


def jsonl_bad_line(tmp: Path):
    path = tmp / "docs.jsonl"
    path.write_text('{"id": "a", "text": "Pain."}\n{not json\n{"id": "c", "text": "More."}\n')
    reason = "invalid JSON (Expecting property name enclosed in double quotes)"
    return path, [], f"{path}:2: {reason}", 2, 2, 1


def unreadable(tmp: Path):
    if os.geteuid() == 0:
        pytest.skip("running as root: chmod 000 does not stop root from reading")
    path = tmp / "locked.txt"
    path.write_text("Pain fell by 30%.")
    path.chmod(0)
    return path, [], f"{path}: cannot read (Permission denied)", 2, 0, 1


BAD_INPUTS = {
    "missing": missing,
    "symlink-loop": symlink_loop,
    "png": binary("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), "PNG image"),
    "pdf": binary("paper.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "PDF document"),
    "zip": binary("archive.zip", zip_bytes(), "ZIP archive"),
    "gzip": binary("article.txt.gz", gzip.compress(b"Pain fell by 30%."), "gzip archive"),
    "binary-as-txt": binary("looks.txt", b"\x89PNG\r\n\x1a\n" + bytes(64), "PNG image"),
    "empty": empty,
    "invalid-utf8": legacy_encoding,
    "deep-html": deep_html,
    "over-max-bytes": over_max_bytes,
    "jsonl-bad-line": jsonl_bad_line,
    "unreadable": unreadable,
}


@pytest.mark.parametrize("make", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_is_reported_in_one_line_and_the_run_goes_on(tmp_path, good, good_records, make):
    bad, options, message, status, documents, skipped = make(tmp_path)
    result = run(*options, bad, good)
    try:
        assert result.exit_code == status, result.stderr
        assert f"claimscope: {message}" in result.stderr.splitlines()
        assert "Traceback" not in result.stderr
        records = records_of(result.stdout)
        assert good_part(records, good) == good_records
        assert summary(result.stderr) == (
            len(SEED_FILES) + documents,
            len(records),
            skipped,
        )
    finally:
        if bad.exists() and not bad.is_symlink():
            bad.chmod(0o755)


def test_every_failed_input_is_named_and_counted(tmp_path, good, good_records):
    bads = [make(tmp_path)[0] for make in (missing, symlink_loop, over_max_bytes, jsonl_bad_line)]
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(32))
    result = run("--max-bytes", 5000, *bads, good, tmp_path / "photo.png")
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("claimscope: ")]
    assert len(errors) == 5
    assert summary(result.stderr)[2] == 5
    assert good_part(records_of(result.stdout), good) == good_records


def test_quiet_drops_the_summary_but_not_the_errors(tmp_path, good):
    result = run("--quiet", tmp_path / "nothere.txt", good)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"claimscope: {tmp_path / 'nothere.txt'}: "
                                          "no such file or directory"]  # fmt: skip


def test_jsonl_good_lines_keep_all_their_records_around_a_bad_line(tmp_path, seed_texts):
    texts = list(seed_texts.values())
    lines = [json.dumps({"id": f"doc{i}", "text": text}) for i, text in enumerate(texts)]
    clean = tmp_path / "clean.jsonl"
    clean.write_text("\n".join(lines) + "\n")
    dirty = tmp_path / "dirty.jsonl"
    dirty.write_text("\n".join([lines[0], '{"id": "x", "text": ', *lines[1:]]) + "\n")
    expected = records_of(run(clean).stdout)
    result = run(dirty)
    assert result.exit_code == 2
    assert f"claimscope: {dirty}:2: invalid JSON (Expecting value)" in result.stderr
    got = records_of(result.stdout)
    assert expected
    assert [(r["id"], r["text"], r["start"]) for r in got] == [
        (r["id"], r["text"], r["start"]) for r in expected
    ]


def test_legacy_encoded_file_gives_the_same_claims_as_its_utf8_copy(tmp_path, seed_texts):
    text = "Café patients, naïve readers.\n\n" + next(iter(seed_texts.values()))
    text = text.encode("cp1252", "replace").decode("cp1252")
    (tmp_path / "utf8.txt").write_text(text, encoding="utf-8", newline="")
    (tmp_path / "cp1252.txt").write_bytes(text.encode("cp1252"))
    as_utf8, as_cp1252 = run(tmp_path / "utf8.txt"), run(tmp_path / "cp1252.txt")
    assert "decoded as cp1252" in as_cp1252.stderr
    assert "decoded as" not in as_utf8.stderr
    same = [(r["type"], r["text"], r["start"], r["end"]) for r in records_of(as_utf8.stdout)]
    assert same
    assert [
        (r["type"], r["text"], r["start"], r["end"]) for r in records_of(as_cp1252.stdout)
    ] == same
    sha = {r["source"]["sha256"] for r in records_of(as_cp1252.stdout)}
    assert sha == {Document("x", "x", text).sha256}


def test_nul_and_control_characters_are_processed_with_exact_offsets(tmp_path, seed_texts):
    seed = next(iter(seed_texts.values()))
    text = "\x00\x07 header\x1b[0m\n\n" + seed.replace(". ", ".\x00 ", 5).replace(
        "\n\n", "\n\x0c\n", 3
    )
    path = tmp_path / "controls.txt"
    path.write_bytes(text.encode())
    result = run(path)
    assert result.exit_code == 0, result.stderr
    records = records_of(result.stdout)
    assert records
    for record in records:
        assert text[record["start"] : record["end"]] == record["text"]


@pytest.mark.parametrize(
    ("line", "limit"),
    [
        ("a" * 2_000_000, 60),
        # Number- and citation-like runs keep the claim matchers busy; 200 KB of each is
        # enough to show super-linear behaviour without slowing the suite (2 MB of "30%"
        # took ~38 s when measured, linear in length: statistics ~1.2 s per 100 KB).
        ("30%" * 70_000, 60),
        ("(Smith,2019)" * 17_000, 60),
        (".,;-)" * 40_000, 60),
    ],
    ids=["2MB-letters", "200KB-percents", "200KB-citations", "200KB-punctuation"],
)
def test_long_line_without_spaces_is_processed_in_bounded_time(tmp_path, good, line, limit):
    path = tmp_path / "long.txt"
    path.write_text(line)
    started = time.perf_counter()
    result = run(path, good)
    elapsed = time.perf_counter() - started
    assert result.exit_code == 0, result.stderr
    assert summary(result.stderr)[0] == len(SEED_FILES) + 1
    assert elapsed < limit, f"{elapsed:.1f} s on a {len(line):,}-character line"


# --- spans on awkward text -----------------------------------------------------------------


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def check_record(text: str, record) -> None:
    assert text[record.start : record.end] == record.text
    assert record.start_utf16 == utf16_length(text[: record.start])
    assert record.end_utf16 == utf16_length(text[: record.end])
    before = text[: record.start]
    assert record.line == before.count("\n") + 1
    assert record.column == len(before) - (before.rfind("\n") + 1) + 1
    assert record.sentence.start <= record.start <= record.end <= record.sentence.end


PREFIXES = {
    "emoji": "👩‍⚕️ Health 🧘🏽‍♀️ news 😀😀",
    "combining": "Cafe\u0301 nai\u0308ve Z̴̡̛a̷l̸g̶o̵ text",
    "rtl": "\u05e9\u05dc\u05d5\u05dd \u202bعربي\u202c \u0645\u0631\u062d\u0628\u0627",
    "nul": "\x00\x00 nul \x00 text \x01\x02",
    "crlf-lines": "Title\r\nSubtitle\r\n",
}


@pytest.mark.parametrize("prefix", PREFIXES.values(), ids=PREFIXES.keys())
def test_claims_after_awkward_text_shift_by_exactly_its_length(nlp, seed_texts, prefix):
    seed = next(iter(seed_texts.values()))
    head = prefix + "\n\n"
    base, shifted = (
        next(extract_documents([Document("d", "d", t)], nlp=nlp))[1] for t in (seed, head + seed)
    )
    assert base
    for record in shifted:
        check_record(head + seed, record)
    moved = [(r.type, r.text, r.start - len(head), r.line - head.count("\n")) for r in shifted]
    assert [m for m in moved if m[2] >= 0] == [(r.type, r.text, r.start, r.line) for r in base]
    units = utf16_length(head)
    assert [r.start_utf16 - units for r in shifted if r.start >= len(head)] == [
        r.start_utf16 for r in base
    ]


def test_crlf_file_gives_the_claims_of_its_lf_copy_with_the_same_lines(nlp, seed_texts):
    for seed in seed_texts.values():
        lf = seed.replace("\r\n", "\n")
        crlf = lf.replace("\n", "\r\n")
        base, records = (
            next(extract_documents([Document("d", "d", t)], nlp=nlp))[1] for t in (lf, crlf)
        )
        assert base
        for record in records:
            check_record(crlf, record)
        assert [(r.type, r.text.replace("\r\n", "\n"), r.line, r.column) for r in records] == [
            (r.type, r.text, r.line, r.column) for r in base
        ]


@pytest.mark.parametrize(
    "inside",
    ["😀", "e\u0301", "\u05e9\u05dc\u05d5\u05dd", "\x00", "\r\n", "\u200b", "\ufeff"],
    ids=["emoji", "combining", "rtl", "nul", "crlf", "zwsp", "bom"],
)
def test_spans_stay_exact_with_awkward_characters_inside_sentences(nlp, seed_texts, inside):
    seed = next(iter(seed_texts.values()))
    text = seed.replace(" ", f" {inside}", 40).replace(", ", f",{inside} ", 10)
    records = next(extract_documents([Document("d", "d", text)], nlp=nlp))[1]
    assert records
    for record in records:
        check_record(text, record)


# --- output safety -------------------------------------------------------------------------


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_output_file_is_written_whole_with_no_temp_left(tmp_path, good, good_records):
    out = tmp_path / "claims.jsonl"
    out.write_text("previous run\n")
    result = run(good, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert records_of(out.read_text()) == good_records
    assert leftovers(tmp_path) == []


def test_crash_mid_run_leaves_the_previous_output_untouched(tmp_path, good, monkeypatch):
    out = tmp_path / "claims.jsonl"
    out.write_text("previous run\n")
    real_add = render.JsonlWriter.add
    calls = []

    def add_then_crash(self, document, records):
        calls.append(document)
        if len(calls) == 2:
            raise RuntimeError("writer crashed")
        real_add(self, document, records)

    monkeypatch.setattr(render.JsonlWriter, "add", add_then_crash)
    result = run(good, "-o", out)
    assert isinstance(result.exception, RuntimeError)
    assert len(calls) == 2
    assert out.read_text() == "previous run\n"
    assert leftovers(tmp_path) == []


def test_interrupt_mid_pipeline_leaves_the_previous_output_untouched(tmp_path, good, monkeypatch):
    from claimscope import extraction

    out = tmp_path / "claims.jsonl"
    out.write_text("previous run\n")
    real = extraction.extract_documents

    def interrupted(documents, *args, **kwargs):
        for number, pair in enumerate(real(documents, *args, **kwargs)):
            if number == 1:
                raise KeyboardInterrupt
            yield pair

    monkeypatch.setattr(extraction, "extract_documents", interrupted)
    result = run(good, "-o", out)
    assert result.exit_code != 0
    assert out.read_text() == "previous run\n"
    assert leftovers(tmp_path) == []


def python_claimscope(*args: object, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "0"}
    return subprocess.Popen(
        [sys.executable, "-m", "claimscope", *map(str, args)],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    """Forty copies of the seeds: far more output than a pipe buffer holds."""
    folder = tmp_path_factory.mktemp("big")
    for copy in range(40):
        for path in SEED_FILES:
            shutil.copy(path, folder / f"{copy:02d}_{path.name}")
    return folder


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize(
    ("signum", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["ctrl-c", "term"]
)
def test_interrupt_leaves_previous_output_and_no_temp_file(tmp_path, big, signum, status, jobs):
    # With --jobs 2 the workers are forks of the CLI: they must drop its handlers, or each would
    # print a traceback of its own when the pool terminates them.
    out = tmp_path / "claims.jsonl"
    out.write_text("previous run\n")
    spools_before = _spools()
    process = python_claimscope(
        "extract", big, "-o", out, "--jobs", jobs, stdout=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while not _written(tmp_path) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert _written(tmp_path), "the run had written records to its temp file"
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == status
    assert stderr.strip() == "claimscope: interrupted"
    assert out.read_text() == "previous run\n"
    assert leftovers(tmp_path) == []
    assert _spools() == spools_before  # --jobs 2's spool directory is gone too


def _spools() -> set[str]:
    """The spool directories of --jobs runs (claimscope.spool) that exist now."""
    from claimscope import spool

    return {path.name for path in Path(spool.root()).glob(f"{spool.PREFIX}*")}


def _written(folder: Path) -> bool:
    """Whether a temp file in ``folder`` holds records yet (so extraction is under way)."""
    sizes = []
    for name in leftovers(folder):
        with contextlib.suppress(FileNotFoundError):  # renamed into place since listed
            sizes.append((folder / name).stat().st_size)
    return any(sizes)


def test_closed_pipe_ends_quietly(big):
    process = python_claimscope("extract", big, stdout=subprocess.PIPE)
    first = process.stdout.readline()
    process.stdout.close()  # what `| head -1` does
    stderr = process.stderr.read()
    process.wait(timeout=60)
    assert json.loads(first)["source"]["path"].startswith(str(big))
    assert process.returncode in (0, -signal.SIGPIPE)
    assert "Traceback" not in stderr and "Exception ignored" not in stderr
    assert "BrokenPipe" not in stderr


def test_shell_pipeline_into_head_is_quiet(big):
    command = f"{sys.executable} -m claimscope extract {big} | head -1"
    result = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode in (0, 128 + signal.SIGPIPE)
    assert len(result.stdout.splitlines()) == 1
    assert result.stderr == ""


# --- no network ----------------------------------------------------------------------------


def test_html_with_remote_resources_is_processed_without_any_network(tmp_path, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("claimscope opened a network connection")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    page = tmp_path / "page.html"
    page.write_text(
        '<html><head><base href="http://example.com/"><link rel="stylesheet" '
        'href="http://example.com/a.css"><script src="http://example.com/a.js"></script>'
        "<script>fetch('http://example.com/x')</script></head><body><article>"
        '<img src="http://example.com/a.png" onerror="alert(1)">'
        '<iframe src="http://example.com/frame"></iframe>'
        "<p>In a trial of 120 adults with chronic low back pain, acupuncture reduced pain "
        "(Smith et al., 2019).</p></article></body></html>"
    )
    result = run(page)
    assert result.exit_code == 0, result.stderr
    records = records_of(result.stdout)
    assert records
    assert all("fetch" not in r["text"] and "alert" not in r["text"] for r in records)


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("missing/claims.jsonl", "cannot write (No such file or directory)"),
        (".", "is a directory, not a file to write"),
    ],
    ids=["missing-folder", "directory"],
)
def test_unwritable_output_is_one_line_and_exit_2_before_any_work(tmp_path, target, reason):
    # The missing input is never reported: the output is checked before the run starts.
    process = python_claimscope("extract", "-o", tmp_path / target, "nothere.txt")
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 2
    assert stderr.splitlines() == [f"claimscope: {tmp_path / target}: {reason}"]
    assert leftovers(tmp_path) == []


def test_reliability_output_file_gets_the_usual_file_mode(tmp_path):
    import os
    import stat

    from claimscope.output import atomic_write

    target = tmp_path / "report.html"
    umask = os.umask(0o022)
    try:
        with atomic_write(target) as stream:
            stream.write("<p>ok</p>")
    finally:
        os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert target.read_text(encoding="utf-8") == "<p>ok</p>"


@pytest.mark.parametrize("view", ["table", "show", "diff"])
def test_human_views_into_head_end_quietly_with_status_0(big, tmp_path, view):
    long_article = tmp_path / "long.txt"
    long_article.write_text("\n\n".join(p.read_text(encoding="utf-8") for p in SEED_FILES) * 15)
    command = {
        "table": f"extract {big} --format table",
        "show": f"show {long_article}",
        "diff": f"diff {long_article} {long_article} --all",
    }[view]
    result = subprocess.run(
        ["bash", "-o", "pipefail", "-c", f"{sys.executable} -m claimscope {command} | head -1"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 1
    assert "Traceback" not in result.stderr
