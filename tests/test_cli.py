"""The CLI end to end with typer's CliRunner: formats, stdin, errors and exit codes."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from conftest import ROOT, SEED_FILES, SEEDS
from typer.testing import CliRunner

from claimscope.cli import app

runner = CliRunner()


def _jsonl(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines()]


@pytest.fixture(scope="module")
def seed_jsonl() -> list[dict]:
    result = runner.invoke(app, ["extract", str(SEEDS)])
    assert result.exit_code == 0, result.stderr
    return _jsonl(result.stdout)


def test_cli_extract_jsonl_one_record_per_line_with_exact_spans(seed_jsonl):
    assert seed_jsonl, "the seeds yield claims"
    texts = {str(path): path.read_bytes().decode("utf-8") for path in SEED_FILES}
    for record in seed_jsonl:
        text = texts[record["source"]["path"]]
        assert text[record["start"] : record["end"]] == record["text"]
    assert len({record["id"] for record in seed_jsonl}) == len(seed_jsonl)
    assert {record["source"]["path"] for record in seed_jsonl} == set(texts)


def test_cli_extract_json_is_one_document(seed_jsonl):
    result = runner.invoke(app, ["extract", str(SEEDS), "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == seed_jsonl


def test_cli_extract_json_of_nothing_is_an_empty_list(tmp_path):
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    result = runner.invoke(app, ["extract", str(tmp_path), "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_cli_extract_reads_stdin(seed_jsonl):
    seed = SEED_FILES[2]
    result = runner.invoke(app, ["extract", "-"], input=seed.read_bytes())
    assert result.exit_code == 0
    from_stdin = _jsonl(result.stdout)
    from_file = [r for r in seed_jsonl if r["source"]["path"] == str(seed)]
    assert [r["text"] for r in from_stdin] == [r["text"] for r in from_file]
    assert {r["source"]["path"] for r in from_stdin} == {"-"}


def test_cli_extract_types_filter(seed_jsonl):
    result = runner.invoke(app, ["extract", str(SEEDS), "--types", "statistic,citation"])
    assert result.exit_code == 0
    kept = _jsonl(result.stdout)
    assert {r["type"] for r in kept} <= {"statistic", "citation"}
    expected = [r["id"] for r in seed_jsonl if r["type"] in {"statistic", "citation"}]
    assert [r["id"] for r in kept] == expected


def test_cli_extract_unknown_type_is_a_usage_error():
    result = runner.invoke(app, ["extract", str(SEEDS), "--types", "opinion"])
    assert result.exit_code == 2
    assert "opinion" in result.stderr


def test_cli_binary_file_in_folder_is_reported_and_others_still_extracted(tmp_path, seed_jsonl):
    for seed in SEED_FILES:
        shutil.copy(seed, tmp_path / seed.name)
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    result = runner.invoke(app, ["extract", str(tmp_path)])
    assert result.exit_code == 2
    assert re.search(r"photo\.png: binary file \(PNG image\)", result.stderr)
    assert "3 documents" in result.stderr and "1 skipped" in result.stderr
    got = [(r["source"]["document"].rsplit("/", 1)[-1], r["text"]) for r in _jsonl(result.stdout)]
    want = [(r["source"]["document"].rsplit("/", 1)[-1], r["text"]) for r in seed_jsonl]
    assert got == want


def test_cli_missing_path_exits_2_without_traceback(tmp_path):
    result = runner.invoke(app, ["extract", str(tmp_path / "nope.txt")])
    assert result.exit_code == 2
    assert "nope.txt: no such file or directory" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_output_file_is_written(tmp_path, seed_jsonl):
    target = tmp_path / "claims.jsonl"
    result = runner.invoke(app, ["extract", str(SEEDS), "-o", str(target)])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert _jsonl(target.read_text(encoding="utf-8")) == seed_jsonl
    assert [p.name for p in tmp_path.iterdir()] == ["claims.jsonl"]


def test_cli_schema_prints_the_committed_schema():
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    committed = json.loads((ROOT / "claims_schema.json").read_text(encoding="utf-8"))
    assert json.loads(result.stdout) == committed


def test_cli_no_arguments_shows_help():
    result = runner.invoke(app, [])
    assert "extract" in result.output


def test_cli_every_command_has_help_with_an_example_and_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in app.registered_commands:
        name = command.name or command.callback.__name__
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Example" in (command.callback.__doc__ or ""), name
        assert f"claimscope {name}" in readme, name
