"""Tests for the spool: JSON records handed from --jobs workers to the parent through files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from claimscope import extraction, spool
from claimscope.documents import Document, LoadError
from claimscope.extraction import extract_items

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
_read = spool.read  # the real one, for the test that counts its calls

RESULTS = [
    [b'{"id":"a"}', b'{"id":"b","text":"line\\nbreak"}'],
    None,  # an input that could not be loaded
    [],
    LoadError("c.txt", "internal error while tagging, skipped (ValueError)"),
    [b'{"id":"d"}'],
]


def test_records_read_back_as_written_and_the_file_is_removed(tmp_path):
    spooled = spool.write(str(tmp_path), RESULTS)
    assert spooled is not None
    assert spooled.shapes == [2, None, 0, RESULTS[3], 1]
    assert spool.read(spooled) == RESULTS
    assert list(tmp_path.iterdir()) == []


def test_a_task_without_records_reads_back_as_empty_lists(tmp_path):
    spooled = spool.write(str(tmp_path), [[], None, []])
    assert spool.read(spooled) == [[], None, []]


def test_an_unwritable_spool_gives_none_so_the_records_go_by_pipe(tmp_path):
    assert spool.write(str(tmp_path / "gone"), RESULTS) is None


def test_a_record_holding_a_newline_is_refused_on_reading(tmp_path):
    spooled = spool.write(str(tmp_path), [[b'{"id":"a"}\n{"id":"b"}']])
    with pytest.raises(ValueError, match="2 records where 1 were written"):
        spool.read(spooled)


def test_the_spool_directory_is_private_and_removed(tmp_path, monkeypatch):
    monkeypatch.setattr(spool, "_MEMORY_ROOT", str(tmp_path))
    directory = spool.make_directory()
    assert directory is not None and os.path.dirname(directory) == str(tmp_path)
    assert os.stat(directory).st_mode & 0o777 == 0o700
    spool.write(directory, RESULTS)
    spool.remove(directory)
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def items() -> list[Document | LoadError]:
    found: list[Document | LoadError] = []
    for path in sorted(SEEDS.glob("*")):
        text = path.read_text(encoding="utf-8")
        found.append(Document(id=path.name, path=str(path), text=text))
        found.append(LoadError(f"missing-{path.name}", "no such file or directory"))
    found.append(Document(id="empty.txt", path="empty.txt", text=""))
    return found


def test_jobs_2_json_records_come_back_through_the_spool_as_from_jobs_1(
    items, tmp_path, monkeypatch
):
    monkeypatch.setattr(extraction, "TASK_DOCUMENTS", 2)
    monkeypatch.setattr(spool, "_MEMORY_ROOT", str(tmp_path))
    read = []
    monkeypatch.setattr(spool, "read", lambda spooled: read.append(spooled) or _read(spooled))
    serial = list(extract_items(items, jobs=1, as_json=True))
    parallel = list(extract_items(items, jobs=2, as_json=True))
    assert parallel == serial
    assert sum(len(records or []) for _, records in serial) > 20
    assert len(read) == len(list(extraction._tasks(items)))  # every task came through a file
    assert list(tmp_path.iterdir()) == []  # and the spool is gone


def test_jobs_2_json_records_go_by_pipe_when_the_spool_fails(items, monkeypatch):
    monkeypatch.setattr(extraction, "TASK_DOCUMENTS", 2)
    monkeypatch.setattr(spool, "write", lambda directory, results: None)
    serial = list(extract_items(items, jobs=1, as_json=True))
    assert list(extract_items(items, jobs=2, as_json=True)) == serial
